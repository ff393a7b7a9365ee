"""Valves combined from datastreams: a position, an open/close datastream, or both."""

from homeassistant.components.valve import (
    ATTR_CURRENT_POSITION,
    ATTR_POSITION,
    SERVICE_CLOSE_VALVE,
    SERVICE_OPEN_VALVE,
    SERVICE_SET_VALVE_POSITION,
)
from homeassistant.const import ATTR_DEVICE_CLASS, Platform
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from emulator import Emulator
from tests.combined import VALVE_ENTITY, WRITE, WRITE_MANY, act, combined_entry, posted, setup_with
from tests.conftest import typed


@pytest.fixture
def platforms() -> list[Platform]:
    """Valves, and the sensors of datastreams they leave alone."""
    return [Platform.VALVE, Platform.SENSOR, Platform.SWITCH]


async def test_position(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    platforms: list[Platform],
) -> None:
    await setup_with(hass, combined_entry(organization_entry), platforms)
    state = hass.states.get(VALVE_ENTITY)
    assert state.name == "Garden valve"
    assert (state.state, state.attributes[ATTR_CURRENT_POSITION]) == ("closed", 0)
    assert hass.states.get("sensor.garden_valve_flow").state == "0.0"
    await act(hass, VALVE_ENTITY, SERVICE_SET_VALVE_POSITION, **{ATTR_POSITION: 40})
    assert emulator.value(9, "v0") == 40
    assert hass.states.get(VALVE_ENTITY).state == "open"
    await act(hass, VALVE_ENTITY, SERVICE_CLOSE_VALVE)
    assert emulator.value(9, "v0") == 0
    await act(hass, VALVE_ENTITY, SERVICE_OPEN_VALVE)
    assert emulator.value(9, "v0") == 100
    assert posted(emulator) == typed(
        [
            (WRITE, {"deviceId": 9, "dataStreamId": 1, "value": 40}),
            (WRITE, {"deviceId": 9, "dataStreamId": 1, "value": 0}),
            (WRITE, {"deviceId": 9, "dataStreamId": 1, "value": 100}),
        ]
    )


async def test_open_close_with_device_class(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    platforms: list[Platform],
) -> None:
    """A relay that opens and closes (the demo's position datastream bounded 0..1 here)."""
    relay = {
        "platform": "valve",
        "key": "valve",
        "device_class": "water",
        "parts": {"open": {"pin": "v0", "on": 100, "off": 0}},
    }
    await setup_with(hass, combined_entry(organization_entry, {"359": [relay]}), platforms)
    state = hass.states.get(VALVE_ENTITY)
    assert (state.state, state.attributes[ATTR_DEVICE_CLASS]) == ("closed", "water")
    assert ATTR_CURRENT_POSITION not in state.attributes
    await act(hass, VALVE_ENTITY, SERVICE_OPEN_VALVE)
    assert emulator.value(9, "v0") == 100
    assert hass.states.get(VALVE_ENTITY).state == "open"
    await act(hass, VALVE_ENTITY, SERVICE_CLOSE_VALVE)
    assert emulator.value(9, "v0") == 0


async def test_position_and_open_together(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    platforms: list[Platform],
) -> None:
    """An open/close relay beside the position: closed while it is off, whatever the position."""
    both = {
        "platform": "valve",
        "key": "valve",
        "parts": {"position": {"pin": "v0"}, "open": {"pin": "v1", "on": 1, "off": 0}},
    }
    emulator.set_value(9, "v0", 30)
    await setup_with(hass, combined_entry(organization_entry, {"359": [both]}), platforms)
    state = hass.states.get(VALVE_ENTITY)
    assert (state.state, state.attributes[ATTR_CURRENT_POSITION]) == ("closed", 0)
    emulator.clear_log()
    await act(hass, VALVE_ENTITY, SERVICE_SET_VALVE_POSITION, **{ATTR_POSITION: 60})
    assert (emulator.value(9, "v0"), emulator.value(9, "v1")) == (60, 1.0)
    # One request; the relay's DOUBLE datastream gets its on value as a float.
    assert posted(emulator) == typed([(WRITE_MANY, {"deviceId": 9, "values": {"1": 60, "2": 1.0}})])
    assert hass.states.get(VALVE_ENTITY).state == "open"
