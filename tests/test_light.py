"""Lights combined from datastreams: zeRGBa merged or split, brightness 0-255 or 0-100."""

import copy
from typing import Any

from homeassistant.components.light import ATTR_BRIGHTNESS, ATTR_COLOR_MODE, ATTR_RGB_COLOR
from homeassistant.const import SERVICE_TURN_OFF, SERVICE_TURN_ON, Platform
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.blynk_cloud.light import parse_rgb
from emulator import Emulator
from tests.combined import (
    LIGHT,
    LIGHT_ENTITY,
    WRITE,
    WRITE_MANY,
    act,
    combined_entry,
    posted,
    setup_with,
)
from tests.conftest import DEMO, typed

NUL = "\u0000"


@pytest.fixture
def platforms() -> list[Platform]:
    """Lights, and the texts and numbers of datastreams they leave alone."""
    return [Platform.LIGHT, Platform.NUMBER, Platform.TEXT]


def split_strip() -> dict[str, Any]:
    """The demo, with the LED strip built in split mode: brightness 0-100 and R, G, B."""
    scenario = copy.deepcopy(DEMO)
    template = next(t for t in scenario["templates"] if t["id"] == 358)
    template["datastreams"] = [
        template["datastreams"][0],
        {**template["datastreams"][1], "max": 100, "defaultValue": 100},
        *(
            {
                "id": 3 + index,
                "label": colour,
                "alias": colour,
                "type": "INT",
                "pin": 2 + index,
                "pinType": "VIRTUAL",
                "min": 0,
                "max": 255,
                "isForActions": True,
            }
            for index, colour in enumerate(("Red", "Green", "Blue"))
        ),
    ]
    lamp = next(d for d in scenario["devices"] if d["id"] == 8)
    lamp["values"] = {"1": 1, "2": 50, "3": 0, "4": 128, "5": 255}
    return scenario


async def test_merged_zergba(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    platforms: list[Platform],
) -> None:
    await setup_with(hass, combined_entry(organization_entry), platforms)
    state = hass.states.get(LIGHT_ENTITY)
    assert state.name == "Desk lamp"
    assert state.state == "on"
    assert state.attributes[ATTR_COLOR_MODE] == "rgb"
    assert state.attributes[ATTR_RGB_COLOR] == (255, 180, 80)
    assert state.attributes[ATTR_BRIGHTNESS] == 128
    assert hass.states.get("text.desk_lamp_color") is None

    await act(hass, LIGHT_ENTITY, SERVICE_TURN_ON, brightness_pct=40, rgb_color=(0, 0, 255))
    assert emulator.value(8, "v1") == 102
    assert emulator.value(8, "v2") == f"0{NUL}0{NUL}255"  # Blynk's multi-value separator
    assert hass.states.get(LIGHT_ENTITY).attributes[ATTR_RGB_COLOR] == (0, 0, 255)
    await act(hass, LIGHT_ENTITY, SERVICE_TURN_OFF)
    assert emulator.value(8, "v0") == 0
    assert hass.states.get(LIGHT_ENTITY).state == "off"
    assert hass.states.get(LIGHT_ENTITY).attributes[ATTR_BRIGHTNESS] is None
    await act(hass, LIGHT_ENTITY, SERVICE_TURN_ON)
    assert emulator.value(8, "v0") == 1
    assert posted(emulator) == typed(
        [
            (WRITE_MANY, {"deviceId": 8, "values": {"1": 1, "2": 102, "3": f"0{NUL}0{NUL}255"}}),
            (WRITE, {"deviceId": 8, "dataStreamId": 1, "value": 0}),
            (WRITE, {"deviceId": 8, "dataStreamId": 1, "value": 1}),
        ]
    )


@pytest.mark.parametrize("scenario", [split_strip()])
async def test_split_zergba_and_brightness_in_percent(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    platforms: list[Platform],
) -> None:
    split = {
        "platform": "light",
        "key": "light",
        "parts": {
            "power": {"pin": "v0"},
            "brightness": {"pin": "v1"},
            "red": {"pin": "v2"},
            "green": {"pin": "v3"},
            "blue": {"pin": "v4"},
        },
    }
    await setup_with(hass, combined_entry(organization_entry, {"358": [split]}), platforms)
    state = hass.states.get(LIGHT_ENTITY)
    assert state.attributes[ATTR_RGB_COLOR] == (0, 128, 255)
    assert state.attributes[ATTR_BRIGHTNESS] == 128  # 50 of 100
    emulator.clear_log()
    await act(hass, LIGHT_ENTITY, SERVICE_TURN_ON, brightness=255, rgb_color=(255, 0, 0))
    assert [emulator.value(8, pin) for pin in ("v1", "v2", "v3", "v4")] == [100, 255, 0, 0]
    assert posted(emulator) == typed(
        [(WRITE_MANY, {"deviceId": 8, "values": {"1": 1, "2": 100, "3": 255, "4": 0, "5": 0}})]
    )


async def test_light_without_power_or_brightness(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    platforms: list[Platform],
) -> None:
    """The colour carries the brightness: black is off, and on comes back to the colour."""
    colour_only = {"platform": "light", "key": "light", "parts": {"color": {"pin": "v2"}}}
    await setup_with(hass, combined_entry(organization_entry, {"358": [colour_only]}), platforms)
    state = hass.states.get(LIGHT_ENTITY)
    assert state.attributes[ATTR_BRIGHTNESS] == 255
    assert state.attributes[ATTR_RGB_COLOR] == (255, 180, 80)
    await act(hass, LIGHT_ENTITY, SERVICE_TURN_ON, brightness=128)
    assert emulator.value(8, "v2") == f"128{NUL}90{NUL}40"
    assert hass.states.get(LIGHT_ENTITY).attributes[ATTR_RGB_COLOR] == (255, 179, 80)
    await act(hass, LIGHT_ENTITY, SERVICE_TURN_OFF)
    assert emulator.value(8, "v2") == f"0{NUL}0{NUL}0"
    assert hass.states.get(LIGHT_ENTITY).state == "off"
    await act(hass, LIGHT_ENTITY, SERVICE_TURN_ON)
    assert emulator.value(8, "v2") == f"128{NUL}90{NUL}40"


async def test_brightness_without_power(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    platforms: list[Platform],
) -> None:
    dimmer = {"platform": "light", "key": "light", "parts": {"brightness": {"pin": "v1"}}}
    await setup_with(hass, combined_entry(organization_entry, {"358": [dimmer]}), platforms)
    assert hass.states.get(LIGHT_ENTITY).attributes[ATTR_COLOR_MODE] == "brightness"
    await act(hass, LIGHT_ENTITY, SERVICE_TURN_OFF)
    assert emulator.value(8, "v1") == 0
    await act(hass, LIGHT_ENTITY, SERVICE_TURN_ON)
    assert emulator.value(8, "v1") == 128  # the brightness it had
    await act(hass, LIGHT_ENTITY, SERVICE_TURN_ON, brightness=1)
    assert emulator.value(8, "v1") == 1  # the lowest that is still on
    assert posted(emulator) == typed(
        [
            (WRITE, {"deviceId": 8, "dataStreamId": 2, "value": 0}),
            (WRITE, {"deviceId": 8, "dataStreamId": 2, "value": 128}),
            (WRITE, {"deviceId": 8, "dataStreamId": 2, "value": 1}),
        ]
    )


async def test_colour_texts() -> None:
    """Firmware writes the merged colour back in several ways."""
    assert parse_rgb(f"1{NUL}2{NUL}3") == (1, 2, 3)
    assert parse_rgb("10, 20, 30") == (10, 20, 30)
    assert parse_rgb("300 -5 7") == (255, 0, 7)
    assert parse_rgb("red") is None
    assert parse_rgb("1,2") is None
    assert parse_rgb(5) is None


async def test_unreadable_colour(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    platforms: list[Platform],
) -> None:
    emulator.set_value(8, "v2", "not a colour")
    await setup_with(hass, combined_entry(organization_entry, {"358": [LIGHT]}), platforms)
    state = hass.states.get(LIGHT_ENTITY)
    assert (state.state, state.attributes[ATTR_RGB_COLOR]) == ("on", None)
