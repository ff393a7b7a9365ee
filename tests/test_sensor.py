"""Sensors: read-only datastreams with units and device classes, and device mode's counters."""

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from emulator import Emulator
from tests.conftest import advance


@pytest.fixture
def platforms() -> list[Platform]:
    """Only sensors."""
    return [Platform.SENSOR]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_organization_entities(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    await snapshot_platform(hass, entity_registry, snapshot, organization.entry_id)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_device_mode_entities(
    hass: HomeAssistant,
    device: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    await snapshot_platform(hass, entity_registry, snapshot, device.entry_id)


@pytest.mark.usefixtures("entity_registry_enabled_by_default", "device")
async def test_request_counter_follows_the_polls(
    hass: HomeAssistant, emulator: Emulator, freezer: FrozenDateTimeFactory
) -> None:
    counter = "sensor.garden_weather_api_requests"
    assert await async_setup_component(hass, "homeassistant", {})
    for _ in range(3):
        await advance(hass, freezer, 60)
    await hass.services.async_call(
        "homeassistant", "update_entity", {ATTR_ENTITY_ID: counter}, blocking=True
    )
    # Setup: two getAll and one isHardwareConnected; then one getAll a minute.
    assert hass.states.get(counter).state == "6"
    # 30 days of one getAll a minute plus one connectivity check every ten minutes.
    assert hass.states.get("sensor.garden_weather_projected_monthly_messages").state == "47520"
    assert emulator.messages(1) == int(hass.states.get(counter).state)


@pytest.mark.usefixtures("organization")
async def test_long_text_is_cut(
    hass: HomeAssistant, emulator: Emulator, freezer: FrozenDateTimeFactory
) -> None:
    """Blynk keeps 1024 bytes of text; a Home Assistant state holds 255 characters."""
    emulator.set_value(1, "v4", "y" * 400)
    await advance(hass, freezer, 30)
    assert hass.states.get("sensor.garden_weather_status").state == "y" * 255
