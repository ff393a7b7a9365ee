"""Fans combined from datastreams: the demo's, a fan without power, and the Windmill fans."""

import copy
from typing import Any

from homeassistant.components.fan import (
    ATTR_OSCILLATING,
    ATTR_PERCENTAGE,
    ATTR_PERCENTAGE_STEP,
    ATTR_PRESET_MODE,
    ATTR_PRESET_MODES,
    SERVICE_OSCILLATE,
    SERVICE_SET_PERCENTAGE,
    SERVICE_SET_PRESET_MODE,
)
from homeassistant.const import SERVICE_TURN_OFF, SERVICE_TURN_ON, Platform
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from emulator import Emulator, EmulatorServer
from tests.combined import (
    FAN,
    FAN_ENTITY,
    WRITE,
    WRITE_MANY,
    act,
    combined_entry,
    local_resolver,
    posted,
    setup_with,
    vendor_entry,
)
from tests.conftest import DEMO, typed

__all__ = ["local_resolver"]


@pytest.fixture
def platforms() -> list[Platform]:
    """Fans, and the switches of datastreams they leave alone."""
    return [Platform.FAN, Platform.SWITCH]


async def test_demo_fan(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    platforms: list[Platform],
) -> None:
    """Power, speed 1-3 (three speeds), a Mode ENUM as presets, oscillation."""
    await setup_with(hass, combined_entry(organization_entry), platforms)
    state = hass.states.get(FAN_ENTITY)
    assert state.name == "Bedroom fan"
    assert state.state == "on"
    assert state.attributes[ATTR_PERCENTAGE] == 66
    assert state.attributes[ATTR_PERCENTAGE_STEP] == pytest.approx(100 / 3)
    assert state.attributes[ATTR_PRESET_MODES] == ["normal", "sleep", "breeze"]
    assert state.attributes[ATTR_PRESET_MODE] == "normal"
    assert state.attributes[ATTR_OSCILLATING] is False
    assert hass.states.get("switch.bedroom_fan_power") is None

    await act(hass, FAN_ENTITY, SERVICE_SET_PERCENTAGE, percentage=34)
    assert emulator.value(7, "v1") == 2  # 34 % of three speeds is the second, as HA rounds
    await act(hass, FAN_ENTITY, SERVICE_SET_PERCENTAGE, percentage=100)
    assert emulator.value(7, "v1") == 3
    await act(hass, FAN_ENTITY, SERVICE_SET_PRESET_MODE, preset_mode="breeze")
    assert emulator.value(7, "v2") == 2
    await act(hass, FAN_ENTITY, SERVICE_OSCILLATE, oscillating=True)
    assert emulator.value(7, "v3") == 1
    await act(hass, FAN_ENTITY, SERVICE_TURN_OFF)
    assert emulator.value(7, "v0") == 0
    state = hass.states.get(FAN_ENTITY)
    assert (state.state, state.attributes[ATTR_PERCENTAGE]) == ("off", 0)
    await act(hass, FAN_ENTITY, SERVICE_TURN_ON, percentage=30)
    assert (emulator.value(7, "v0"), emulator.value(7, "v1")) == (1, 1)
    await act(hass, FAN_ENTITY, SERVICE_SET_PERCENTAGE, percentage=0)
    assert emulator.value(7, "v0") == 0
    # INT datastreams get integers, never booleans: power and oscillation too.
    assert posted(emulator) == typed(
        [
            (WRITE_MANY, {"deviceId": 7, "values": {"1": 1, "2": 2}}),
            (WRITE_MANY, {"deviceId": 7, "values": {"1": 1, "2": 3}}),
            (WRITE, {"deviceId": 7, "dataStreamId": 3, "value": 2}),
            (WRITE, {"deviceId": 7, "dataStreamId": 4, "value": 1}),
            (WRITE, {"deviceId": 7, "dataStreamId": 1, "value": 0}),
            (WRITE_MANY, {"deviceId": 7, "values": {"1": 1, "2": 1}}),
            (WRITE, {"deviceId": 7, "dataStreamId": 1, "value": 0}),
        ]
    )


def speed_from_zero() -> dict[str, Any]:
    """The demo, with the fan's speed datastream 0..3 (0 is off)."""
    scenario = copy.deepcopy(DEMO)
    template = next(t for t in scenario["templates"] if t["id"] == 357)
    template["datastreams"][1]["min"] = 0
    return scenario


@pytest.mark.parametrize("scenario", [speed_from_zero()])
async def test_fan_without_power_datastream(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    platforms: list[Platform],
) -> None:
    """A speed of 0 is off: turning on comes back to the speed it had."""
    speed_only = {"platform": "fan", "key": "fan", "parts": {"speed": {"pin": "v1"}}}
    await setup_with(hass, combined_entry(organization_entry, {"357": [speed_only]}), platforms)
    assert hass.states.get(FAN_ENTITY).attributes[ATTR_PERCENTAGE] == 66
    assert hass.states.get("switch.bedroom_fan_power").state == "on"  # not part of the fan
    await act(hass, FAN_ENTITY, SERVICE_TURN_OFF)
    assert emulator.value(7, "v1") == 0
    assert hass.states.get(FAN_ENTITY).state == "off"
    await act(hass, FAN_ENTITY, SERVICE_TURN_ON)
    assert emulator.value(7, "v1") == 2  # the speed it had
    await act(hass, FAN_ENTITY, SERVICE_SET_PERCENTAGE, percentage=100)
    assert emulator.value(7, "v1") == 3


@pytest.mark.usefixtures("local_resolver")
async def test_windmill_fan_profile(
    hass: HomeAssistant, blynk: EmulatorServer, emulator: Emulator, platforms: list[Platform]
) -> None:
    """Five speeds, Whisper (1) to Boost (5); the LED auto-fade stays a switch."""
    await setup_with(hass, vendor_entry(blynk, "Nursery fan"), platforms)
    state = hass.states.get("fan.nursery_fan")
    assert (state.state, state.attributes[ATTR_PERCENTAGE]) == ("on", 60)
    assert state.attributes[ATTR_PERCENTAGE_STEP] == 20
    assert hass.states.get("switch.nursery_fan_led_auto_fade").state == "off"
    await act(hass, "fan.nursery_fan", SERVICE_SET_PERCENTAGE, percentage=20)
    assert emulator.value(21, "v2") == 1
    await act(hass, "fan.nursery_fan", SERVICE_TURN_OFF)
    assert (emulator.value(21, "v0"), emulator.value(21, "v2")) == (0, 1)


@pytest.mark.usefixtures("local_resolver")
async def test_windmill_purifier_profile(
    hass: HomeAssistant, blynk: EmulatorServer, emulator: Emulator, platforms: list[Platform]
) -> None:
    """Speeds 1-4 and the presets Eco (5) and Sleep (6) share one datastream."""
    await setup_with(hass, vendor_entry(blynk, "Air purifier"), platforms)
    purifier = "fan.air_purifier"
    state = hass.states.get(purifier)
    assert state.attributes[ATTR_PERCENTAGE] == 50
    assert state.attributes[ATTR_PRESET_MODE] is None
    assert state.attributes[ATTR_PRESET_MODES] == ["eco", "sleep"]
    await act(hass, purifier, SERVICE_SET_PRESET_MODE, preset_mode="sleep")
    assert emulator.value(22, "v3") == 6
    state = hass.states.get(purifier)
    assert (state.attributes[ATTR_PRESET_MODE], state.attributes[ATTR_PERCENTAGE]) == (
        "sleep",
        None,
    )
    await act(hass, purifier, SERVICE_TURN_ON, preset_mode="eco", percentage=100)
    assert emulator.value(22, "v3") == 5  # the preset wins: both live on v3
    await act(hass, purifier, SERVICE_SET_PERCENTAGE, percentage=100)
    assert emulator.value(22, "v3") == 4
    assert hass.states.get("switch.air_purifier_child_lock").state == "off"


async def test_writes_as_one_request(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    platforms: list[Platform],
) -> None:
    """Power and speed go together, in one batch write."""
    await setup_with(hass, combined_entry(organization_entry, {"357": [FAN]}), platforms)
    await act(hass, FAN_ENTITY, SERVICE_TURN_OFF)
    emulator.clear_log()
    await act(hass, FAN_ENTITY, SERVICE_TURN_ON, percentage=100)
    assert posted(emulator) == typed([(WRITE_MANY, {"deviceId": 7, "values": {"1": 1, "2": 3}})])
