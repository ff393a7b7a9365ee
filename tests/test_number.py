"""Numbers: writable INT and DOUBLE datastreams."""

from homeassistant.components.number import ATTR_VALUE, DOMAIN as NUMBER_DOMAIN, SERVICE_SET_VALUE
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from emulator import Emulator
from tests.conftest import typed
from tests.test_mapping import relays_ranging

SETPOINT = "number.hallway_thermostat_target_temperature"
WRITE = "/api/v1/organization/device/datastream"


@pytest.fixture
def platforms() -> list[Platform]:
    """Only numbers."""
    return [Platform.NUMBER]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entities(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    await snapshot_platform(hass, entity_registry, snapshot, organization.entry_id)


@pytest.mark.usefixtures("organization")
async def test_set_value(hass: HomeAssistant, emulator: Emulator) -> None:
    await hass.services.async_call(
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: SETPOINT, ATTR_VALUE: 23.5},
        blocking=True,
    )
    assert emulator.value(4, 2) == 23.5
    assert hass.states.get(SETPOINT).state == "23.5"


@pytest.mark.parametrize("scenario", [relays_ranging(0, 10)])
@pytest.mark.usefixtures("organization")
async def test_integer_number_rounds(hass: HomeAssistant, emulator: Emulator) -> None:
    """An INT datastream takes whole numbers: 2.6 is sent as 3 (an integer), not cut to 2."""
    relay = "number.living_room_relays_relay_2"
    await hass.services.async_call(
        NUMBER_DOMAIN, SERVICE_SET_VALUE, {ATTR_ENTITY_ID: relay, ATTR_VALUE: 2.6}, blocking=True
    )
    sent = [record.body for record in emulator.requests if record.path == WRITE]
    assert typed(sent) == typed([{"deviceId": 2, "dataStreamId": 2, "value": 3}])
    assert emulator.value(2, 2) == 3
    assert hass.states.get(relay).state == "3"
