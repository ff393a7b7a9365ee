"""Binary sensors: connectivity per device, and read-only on/off datastreams."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion


@pytest.fixture
def platforms() -> list[Platform]:
    """Only binary sensors."""
    return [Platform.BINARY_SENSOR]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entities(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    await snapshot_platform(hass, entity_registry, snapshot, organization.entry_id)


@pytest.mark.usefixtures("organization")
async def test_read_only_on_off(hass: HomeAssistant) -> None:
    heating = "binary_sensor.hallway_thermostat_heating"
    assert hass.states.get(heating).state == "on"
    runtime = hass.config_entries.async_entries("blynk_cloud")[0].runtime_data
    runtime.values.async_set_value(4, "v3", 0)
    assert hass.states.get(heating).state == "off"
    runtime.values.async_set_updated_data({**runtime.values.data, 4: {}})
    assert hass.states.get(heating).state == "unknown"
