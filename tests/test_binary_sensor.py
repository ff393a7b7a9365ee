"""Binary sensors: connectivity per device, and read-only on/off datastreams."""

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from emulator import Emulator
from tests.conftest import advance


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
async def test_read_only_on_off(
    hass: HomeAssistant, emulator: Emulator, freezer: FrozenDateTimeFactory
) -> None:
    heating = "binary_sensor.hallway_thermostat_heating"
    assert hass.states.get(heating).state == "on"
    emulator.set_value(4, "v3", 0)
    await advance(hass, freezer, 30)
    assert hass.states.get(heating).state == "off"
    emulator.remove_device(4)
    await advance(hass, freezer, 30)
    assert hass.states.get(heating).state == "unavailable"
