"""Combined entities built of unusual datastreams: doubles, texts, booleans, values never set."""

import copy
from typing import Any

from homeassistant.components.climate.const import HVACMode
from homeassistant.components.fan import ATTR_PERCENTAGE, ATTR_PERCENTAGE_STEP, ATTR_PRESET_MODE
from homeassistant.components.light import ATTR_COLOR_MODE, ATTR_RGB_COLOR
from homeassistant.components.water_heater import ATTR_OPERATION_LIST
from homeassistant.const import STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.blynk_cloud.combination import COMBINED_PLATFORMS
from custom_components.blynk_cloud.const import CONF_COMBINED, CONF_DISABLED_PROFILES
from emulator import Emulator, EmulatorServer
from tests.combined import (
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

GADGET = 50
NO_VALUE = "v4"


def _datastream(ident: int, label: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": ident,
        "label": label,
        "type": kind,
        "pin": ident,
        "pinType": "VIRTUAL",
        "isForActions": True,
        **extra,
    }


def gadget_scenario() -> dict[str, Any]:
    """The demo with a template of every kind of datastream, and a device of it."""
    scenario = copy.deepcopy(DEMO)
    scenario["templates"].append(
        {
            "id": 900,
            "orgId": 658,
            "name": "Gadget",
            "datastreams": [
                _datastream(0, "Level", "DOUBLE", min=0, max=10),
                _datastream(1, "Mode text", "STRING"),
                _datastream(2, "Setpoint", "DOUBLE", min=5, max=35),
                _datastream(3, "Relay", "BOOLEAN"),
                _datastream(4, "Never set", "INT", min=0, max=100),
                _datastream(5, "Red", "INT", min=0, max=255),
                _datastream(6, "Green", "INT", min=0, max=255),
                _datastream(7, "Blue", "INT", min=0, max=255),
                _datastream(8, "State", "STRING"),
                _datastream(9, "Speed", "INT", min=1, max=3),
                _datastream(10, "Door", "INT"),
            ],
        }
    )
    scenario["devices"].append(
        {
            "id": GADGET,
            "name": "Gadget",
            "templateId": 900,
            "token": "g" * 32,
            "online": True,
            "values": {
                "0": 2.5,
                "1": "LOW",
                "2": 21.0,
                "3": 1,
                "5": 9,
                "6": 8,
                "8": "OPEN",
                "9": 2,
                "10": 0,
            },
        }
    )
    return scenario


COMBINED = {
    "900": [
        {
            "platform": "fan",
            "key": "fan",
            "parts": {
                "speed": {"pin": "v0"},
                "preset": {"pin": "v1", "options": {"low": "quiet", "HIGH": "boost"}},
            },
        },
        {
            "platform": "fan",
            "key": "fan_spare",
            "name": "Spare",
            "parts": {"speed": {"pin": NO_VALUE}},
        },
        {
            "platform": "fan",
            "key": "fan_power",
            "name": "Power only",
            "parts": {"power": {"pin": "v3"}},
        },
        {"platform": "fan", "key": "fan_steps", "name": "Steps", "parts": {"speed": {"pin": "v9"}}},
        {
            "platform": "climate",
            "key": "climate",
            "parts": {
                "target_temperature": {"pin": "v2", "step": 0.5},
                "current_temperature": {"pin": NO_VALUE},
            },
        },
        {"platform": "light", "key": "light", "parts": {"power": {"pin": "v3"}}},
        {
            "platform": "light",
            "key": "light_dimmer",
            "name": "Dimmer",
            "parts": {"power": {"pin": "v3"}, "brightness": {"pin": NO_VALUE}},
        },
        {
            "platform": "light",
            "key": "light_strip",
            "name": "Strip",
            "parts": {"red": {"pin": "v5"}, "green": {"pin": "v6"}, "blue": {"pin": "v7"}},
        },
        {
            "platform": "water_heater",
            "key": "water_heater",
            "parts": {
                "target_temperature": {"pin": "v2"},
                "power": {"pin": NO_VALUE},
                "operation": {"pin": "v1", "options": {"low": "eco", "HIGH": "performance"}},
            },
        },
        {
            "platform": "water_heater",
            "key": "water_heater_plain",
            "name": "Plain",
            "parts": {"target_temperature": {"pin": "v2"}},
        },
        {"platform": "cover", "key": "cover", "parts": {"position": {"pin": "v0"}}},
        {"platform": "valve", "key": "valve", "parts": {"position": {"pin": NO_VALUE}}},
        {
            "platform": "valve",
            "key": "valve_text",
            "name": "Text",
            "parts": {"open": {"pin": "v8", "on": "OPEN", "off": "SHUT"}},
        },
        {
            "platform": "valve",
            "key": "valve_low",
            "name": "Low",
            "parts": {"open": {"pin": "v1", "off": "low"}},
        },
        {
            "platform": "light",
            "key": "light_level",
            "name": "Level",
            "parts": {"power": {"pin": "v9"}},
        },
        {
            "platform": "light",
            "key": "light_text",
            "name": "Text",
            "parts": {"power": {"pin": "v8"}},
        },
        {
            "platform": "cover",
            "key": "cover_door",
            "name": "Door",
            "parts": {"open": {"pin": "v10", "off": "0"}},
        },
    ]
}


@pytest.fixture
def scenario() -> dict[str, Any]:
    """The demo with the gadget."""
    return gadget_scenario()


@pytest.fixture
async def gadget(hass: HomeAssistant, organization_entry: MockConfigEntry) -> MockConfigEntry:
    platforms = list(COMBINED_PLATFORMS)
    return await setup_with(hass, combined_entry(organization_entry, COMBINED), platforms)


@pytest.mark.usefixtures("gadget")
async def test_a_fan_of_a_double_and_a_text(hass: HomeAssistant, emulator: Emulator) -> None:
    state = hass.states.get("fan.gadget")
    assert state.attributes[ATTR_PERCENTAGE_STEP] == 1  # 100 steps
    assert state.attributes[ATTR_PERCENTAGE] == 25
    assert state.attributes[ATTR_PRESET_MODE] == "quiet"  # "LOW" reads as "low"
    await act(hass, "fan.gadget", "set_percentage", percentage=50)
    assert emulator.value(GADGET, "v0") == 5.0
    await act(hass, "fan.gadget", "set_preset_mode", preset_mode="boost")
    assert emulator.value(GADGET, "v1") == "high"
    await act(hass, "fan.gadget", "turn_off")
    assert emulator.value(GADGET, "v0") == 0.0
    await act(hass, "fan.gadget", "turn_off")  # already off: nothing to come back to
    await act(hass, "fan.gadget", "turn_on")
    assert emulator.value(GADGET, "v0") == 5.0
    # A DOUBLE gets floats, a STRING its texts.
    assert posted(emulator) == typed(
        [
            (WRITE, {"deviceId": GADGET, "dataStreamId": 0, "value": 5.0}),
            (WRITE, {"deviceId": GADGET, "dataStreamId": 1, "value": "high"}),
            (WRITE, {"deviceId": GADGET, "dataStreamId": 0, "value": 0.0}),
            (WRITE, {"deviceId": GADGET, "dataStreamId": 0, "value": 0.0}),
            (WRITE, {"deviceId": GADGET, "dataStreamId": 0, "value": 5.0}),
        ]
    )


@pytest.mark.usefixtures("gadget")
async def test_fans_without_values_or_speeds(hass: HomeAssistant, emulator: Emulator) -> None:
    assert hass.states.get("fan.gadget_spare").state == STATE_UNKNOWN
    power_only = hass.states.get("fan.gadget_power_only")
    assert power_only.state == "on"
    assert ATTR_PERCENTAGE not in power_only.attributes
    await act(hass, "fan.gadget_power_only", "turn_on", percentage=50)
    assert emulator.value(GADGET, "v3") == 1
    steps = hass.states.get("fan.gadget_steps")
    assert steps.attributes["supported_features"] == 1  # speeds 1..3: no off without power
    await act(hass, "fan.gadget_steps", "set_percentage", percentage=100)
    assert emulator.value(GADGET, "v9") == 3
    assert posted(emulator) == typed(
        [
            (WRITE, {"deviceId": GADGET, "dataStreamId": 3, "value": 1}),
            (WRITE, {"deviceId": GADGET, "dataStreamId": 9, "value": 3}),
        ]
    )


@pytest.mark.usefixtures("gadget")
async def test_a_thermostat_that_is_always_on(hass: HomeAssistant, emulator: Emulator) -> None:
    state = hass.states.get("climate.gadget")
    assert (state.state, state.attributes["hvac_modes"]) == (HVACMode.HEAT, [HVACMode.HEAT])
    assert state.attributes["current_temperature"] is None
    emulator.clear_log()
    await act(hass, "climate.gadget", "set_hvac_mode", hvac_mode="heat")
    assert not [r for r in emulator.requests if r.method == "POST"]  # nothing to write
    await act(hass, "climate.gadget", "set_temperature", temperature=22.3)
    assert emulator.value(GADGET, "v2") == 22.5  # to the step of 0.5
    assert posted(emulator) == typed(
        [
            (WRITE, {"deviceId": GADGET, "dataStreamId": 2, "value": 22.5}),
        ]
    )


@pytest.mark.usefixtures("gadget")
async def test_lights_of_a_relay_and_split_channels(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    relay = hass.states.get("light.gadget")
    assert (relay.state, relay.attributes[ATTR_COLOR_MODE]) == ("on", "onoff")
    dimmer = hass.states.get("light.gadget_dimmer")
    assert (dimmer.state, dimmer.attributes["brightness"]) == ("on", None)
    await act(hass, "light.gadget", "turn_off")
    assert emulator.value(GADGET, "v3") == 0
    strip = hass.states.get("light.gadget_strip")
    assert (strip.state, strip.attributes[ATTR_RGB_COLOR]) == (STATE_UNKNOWN, None)  # no blue
    await act(hass, "light.gadget_strip", "turn_on", rgb_color=(10, 20, 30))
    assert [emulator.value(GADGET, pin) for pin in ("v5", "v6", "v7")] == [10, 20, 30]
    assert posted(emulator) == typed(
        [
            (WRITE, {"deviceId": GADGET, "dataStreamId": 3, "value": 0}),
            (WRITE_MANY, {"deviceId": GADGET, "values": {"5": 10, "6": 20, "7": 30}}),
        ]
    )


@pytest.mark.usefixtures("gadget")
async def test_water_heaters(hass: HomeAssistant, emulator: Emulator) -> None:
    boiler = hass.states.get("water_heater.gadget")
    assert boiler.state == STATE_UNKNOWN  # its power datastream was never set
    assert boiler.attributes[ATTR_OPERATION_LIST] == ["eco", "performance", "off"]
    await act(hass, "water_heater.gadget", "set_operation_mode", operation_mode="eco")
    assert (emulator.value(GADGET, "v1"), emulator.value(GADGET, "v4")) == ("low", 100)
    assert posted(emulator) == typed(
        [
            (WRITE_MANY, {"deviceId": GADGET, "values": {"1": "low", "4": 100}}),
        ]
    )
    assert hass.states.get("water_heater.gadget").state == "eco"
    assert hass.states.get("water_heater.gadget_plain").state == "on"


@pytest.mark.usefixtures("gadget")
async def test_covers_and_valves(hass: HomeAssistant, emulator: Emulator) -> None:
    assert hass.states.get("cover.gadget").attributes["current_position"] == 25
    await act(hass, "cover.gadget", "set_cover_position", position=30)
    assert emulator.value(GADGET, "v0") == 3.0
    assert hass.states.get("valve.gadget").state == STATE_UNKNOWN
    assert hass.states.get("valve.gadget_text").state == "open"  # "OPEN" is its on value
    await act(hass, "valve.gadget_text", "close_valve")
    assert emulator.value(GADGET, "v8") == "SHUT"
    assert posted(emulator) == typed(
        [
            (WRITE, {"deviceId": GADGET, "dataStreamId": 0, "value": 3.0}),
            (WRITE, {"deviceId": GADGET, "dataStreamId": 8, "value": "SHUT"}),
        ]
    )
    assert hass.states.get("valve.gadget_text").state == "closed"


@pytest.mark.usefixtures("gadget")
async def test_the_off_value_is_off_in_any_form(hass: HomeAssistant) -> None:
    """An off value given as text is off, whatever case or type the device answers with."""
    assert hass.states.get("valve.gadget_low").state == "closed"  # "LOW", off "low"
    assert hass.states.get("cover.gadget_door").state == "closed"  # 0, off "0"
    assert hass.states.get("light.gadget_text").state == "on"  # "OPEN": neither 1 nor 0, not off
    assert hass.states.get("light.gadget_level").state == "on"  # 2: neither, a level above off


@pytest.mark.usefixtures("local_resolver")
async def test_device_mode_types_a_combined_pin_by_its_value(
    hass: HomeAssistant, blynk: EmulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A setpoint the device sends as text ("30.0C") stays text, and reads as 30.

    The Microclimate controller without its profile, combined by hand in the options.
    """
    climate = {
        "platform": "climate",
        "key": "climate",
        "parts": {"current_temperature": {"pin": "v0"}, "target_temperature": {"pin": "v8"}},
    }
    entry = vendor_entry(
        blynk,
        "Gecko vivarium",
        **{CONF_DISABLED_PROFILES: ["microclimate_evo"], CONF_COMBINED: {"device": [climate]}},
    )
    await setup_with(hass, entry, [Platform.CLIMATE])
    state = hass.states.get("climate.gecko_vivarium")
    assert (state.attributes["current_temperature"], state.attributes["temperature"]) == (
        29.6,
        30.0,
    )
    assert "Unreadable value" not in caplog.text
