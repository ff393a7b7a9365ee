"""Covers combined from datastreams: blinds, shutters and gates with a position or open/close."""

from homeassistant.components.cover import (
    ATTR_CURRENT_POSITION,
    ATTR_POSITION,
    SERVICE_CLOSE_COVER,
    SERVICE_OPEN_COVER,
    SERVICE_SET_COVER_POSITION,
)
from homeassistant.const import ATTR_DEVICE_CLASS, Platform
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from emulator import Emulator
from tests.combined import WRITE, act, combined_entry, posted, setup_with
from tests.conftest import typed

BLIND = "cover.garden_valve_blind"


@pytest.fixture
def platforms() -> list[Platform]:
    """Covers only."""
    return [Platform.COVER]


async def test_blind_with_a_position(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    platforms: list[Platform],
) -> None:
    """A named cover (not the device's main entity), from a 0-100 % datastream."""
    blind = {
        "platform": "cover",
        "key": "cover_blind",
        "name": "Blind",
        "device_class": "blind",
        "parts": {"position": {"pin": "v0"}},
    }
    await setup_with(hass, combined_entry(organization_entry, {"359": [blind]}), platforms)
    state = hass.states.get(BLIND)
    assert state.name == "Garden valve Blind"
    assert (state.state, state.attributes[ATTR_CURRENT_POSITION]) == ("closed", 0)
    assert state.attributes[ATTR_DEVICE_CLASS] == "blind"
    await act(hass, BLIND, SERVICE_SET_COVER_POSITION, **{ATTR_POSITION: 75})
    assert emulator.value(9, "v0") == 75
    assert hass.states.get(BLIND).state == "open"
    await act(hass, BLIND, SERVICE_CLOSE_COVER)
    assert emulator.value(9, "v0") == 0
    await act(hass, BLIND, SERVICE_OPEN_COVER)
    assert emulator.value(9, "v0") == 100
    assert posted(emulator) == typed(
        [
            (WRITE, {"deviceId": 9, "dataStreamId": 1, "value": 75}),
            (WRITE, {"deviceId": 9, "dataStreamId": 1, "value": 0}),
            (WRITE, {"deviceId": 9, "dataStreamId": 1, "value": 100}),
        ]
    )


async def test_gate_that_opens_and_closes(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    platforms: list[Platform],
) -> None:
    gate = {
        "platform": "cover",
        "key": "cover_blind",
        "name": "Blind",
        "parts": {"open": {"pin": "v0", "on": 100, "off": 0}},
    }
    await setup_with(hass, combined_entry(organization_entry, {"359": [gate]}), platforms)
    assert hass.states.get(BLIND).state == "closed"
    await act(hass, BLIND, SERVICE_OPEN_COVER)
    assert emulator.value(9, "v0") == 100
    assert hass.states.get(BLIND).state == "open"
