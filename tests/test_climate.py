"""Thermostats combined from datastreams: the demo's, and the Windmill AC's profile."""

import copy
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.climate import (
    ATTR_CURRENT_HUMIDITY,
    ATTR_CURRENT_TEMPERATURE,
    ATTR_FAN_MODE,
    ATTR_FAN_MODES,
    ATTR_HVAC_ACTION,
    ATTR_HVAC_MODES,
    ATTR_MAX_TEMP,
    ATTR_MIN_TEMP,
    ATTR_PRESET_MODE,
    ATTR_PRESET_MODES,
    ATTR_TARGET_TEMP_STEP,
    DOMAIN as CLIMATE_DOMAIN,
    SERVICE_SET_FAN_MODE,
    SERVICE_SET_HVAC_MODE,
    SERVICE_SET_PRESET_MODE,
    SERVICE_SET_TEMPERATURE,
    HVACMode,
)
from homeassistant.const import ATTR_TEMPERATURE, SERVICE_TURN_OFF, SERVICE_TURN_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.blynk_cloud.const import CONF_DATASTREAMS
from emulator import Emulator, EmulatorServer
from tests.combined import (
    BOUNDS_READINGS,
    CLIMATE,
    THERMOSTAT,
    WRITE,
    WRITE_MANY,
    act,
    combined_entry,
    local_resolver,
    posted,
    setup_with,
    vendor_entry,
    with_bounds,
)
from tests.conftest import DEMO, advance, typed

__all__ = ["local_resolver"]
AC = "climate.office_ac"


@pytest.fixture
def platforms() -> list[Platform]:
    """Thermostats, and the platforms of the datastreams they leave alone."""
    return [Platform.CLIMATE, Platform.SENSOR, Platform.NUMBER, Platform.BINARY_SENSOR]


@pytest.fixture
async def combined(
    hass: HomeAssistant, organization_entry: MockConfigEntry, platforms: list[Platform]
) -> MockConfigEntry:
    """The demo organization with its thermostat combined in the options."""
    return await setup_with(hass, combined_entry(organization_entry), platforms)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entities(
    hass: HomeAssistant,
    combined: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    entries = er.async_entries_for_config_entry(entity_registry, combined.entry_id)
    climates = [entry for entry in entries if entry.domain == CLIMATE_DOMAIN]
    assert [entry.entity_id for entry in climates] == [CLIMATE]
    for entry in climates:
        assert entry == snapshot(name=f"{entry.entity_id}-entry")
        assert hass.states.get(entry.entity_id) == snapshot(name=f"{entry.entity_id}-state")


async def test_thermostat(hass: HomeAssistant, combined: MockConfigEntry) -> None:
    state = hass.states.get(CLIMATE)
    assert state.name == "Hallway thermostat"  # the device's main entity
    assert state.state == HVACMode.HEAT
    assert state.attributes[ATTR_CURRENT_TEMPERATURE] == 20.8
    assert state.attributes[ATTR_TEMPERATURE] == 21.5
    assert state.attributes[ATTR_HVAC_ACTION] == "heating"
    assert state.attributes[ATTR_HVAC_MODES] == ["off", "heat", "cool", "auto"]
    assert (state.attributes[ATTR_MIN_TEMP], state.attributes[ATTR_MAX_TEMP]) == (10, 30)
    assert state.attributes[ATTR_TARGET_TEMP_STEP] == 0.5


def thermostat_with_humidity(reading: str) -> dict[str, Any]:
    """The demo's thermostat with a humidity reading (a DHT22 beside it, v7 in %)."""
    scenario = with_bounds(reading)
    scenario["templates"] = copy.deepcopy(scenario["templates"])
    template = next(t for t in scenario["templates"] if t["id"] == 356)
    template["datastreams"].append(
        {
            "id": 8,
            "label": "Humidity",
            "alias": "Humidity",
            "units": "Percent",
            "type": "DOUBLE",
            "pin": 7,
            "pinType": "VIRTUAL",
            "min": 0,
            "max": 100,
            "isForActions": False,
            "isRaw": False,
            "isHistory": True,
        }
    )
    return scenario


@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(thermostat_with_humidity(reading), id=f"template_bounds={reading}")
        for reading in BOUNDS_READINGS
    ],
)
async def test_current_humidity(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
    scenario: dict[str, Any],
) -> None:
    """The humidity part shows, and follows the device, with or without template bounds."""
    emulator.set_value(4, "v7", 48.5)
    parts = copy.deepcopy(THERMOSTAT["parts"])
    parts["current_humidity"] = {"pin": "v7"}
    if scenario["variants"]["template_bounds"] == "absent":
        parts["target_temperature"].update(min=10, max=30)  # as the combine form asks
    thermostat = {**THERMOSTAT, "parts": parts}
    await setup_with(
        hass,
        combined_entry(organization_entry, {"356": [thermostat]}),
        [Platform.CLIMATE, Platform.SENSOR],
    )
    state = hass.states.get(CLIMATE)
    assert state.attributes[ATTR_CURRENT_HUMIDITY] == 48.5
    assert (state.attributes[ATTR_MIN_TEMP], state.attributes[ATTR_MAX_TEMP]) == (10, 30)
    assert hass.states.get("sensor.hallway_thermostat_humidity") is None  # part of the climate
    emulator.set_value(4, "v7", 51)
    await advance(hass, freezer, 61)
    assert hass.states.get(CLIMATE).attributes[ATTR_CURRENT_HUMIDITY] == 51


async def test_used_datastreams_have_no_entities_of_their_own(
    hass: HomeAssistant, combined: MockConfigEntry
) -> None:
    for gone in (
        "sensor.hallway_thermostat_room_temperature",
        "number.hallway_thermostat_target_temperature",
        "sensor.hallway_thermostat_mode",
        "binary_sensor.hallway_thermostat_heating",
    ):
        assert hass.states.get(gone) is None
    assert hass.states.get("sensor.hallway_thermostat_power").state == "850.0"


async def test_set_temperature_and_mode(
    hass: HomeAssistant, combined: MockConfigEntry, emulator: Emulator
) -> None:
    emulator.clear_log()
    await act(hass, CLIMATE, SERVICE_SET_TEMPERATURE, temperature=23)
    assert emulator.value(4, "v1") == 23.0
    assert hass.states.get(CLIMATE).attributes[ATTR_TEMPERATURE] == 23

    await act(hass, CLIMATE, SERVICE_SET_HVAC_MODE, hvac_mode="cool")
    assert emulator.value(4, "v2") == 2
    assert hass.states.get(CLIMATE).state == "cool"

    # Temperature and mode together: one request.
    await act(hass, CLIMATE, SERVICE_SET_TEMPERATURE, temperature=19.5, hvac_mode="heat")
    assert (emulator.value(4, "v1"), emulator.value(4, "v2")) == (19.5, 1)
    await act(hass, CLIMATE, SERVICE_TURN_OFF)
    assert emulator.value(4, "v2") == 0
    assert hass.states.get(CLIMATE).state == "off"
    assert hass.states.get(CLIMATE).attributes[ATTR_HVAC_ACTION] == "off"
    await act(hass, CLIMATE, SERVICE_TURN_ON)
    assert emulator.value(4, "v2") == 1  # back to the last mode it had on
    assert posted(emulator) == typed(
        [
            # A DOUBLE datastream gets a float, an ENUM an integer.
            (WRITE, {"deviceId": 4, "dataStreamId": 2, "value": 23.0}),
            (WRITE, {"deviceId": 4, "dataStreamId": 3, "value": 2}),
            (WRITE_MANY, {"deviceId": 4, "values": {"2": 19.5, "3": 1}}),
            (WRITE, {"deviceId": 4, "dataStreamId": 3, "value": 0}),
            (WRITE, {"deviceId": 4, "dataStreamId": 3, "value": 1}),
        ]
    )


async def test_out_of_range_is_refused(
    hass: HomeAssistant, combined: MockConfigEntry, emulator: Emulator
) -> None:
    emulator.clear_log()
    with pytest.raises(ServiceValidationError):
        await act(hass, CLIMATE, SERVICE_SET_TEMPERATURE, temperature=35)
    assert emulator.count(WRITE, method="POST") == 0


async def test_keeping_the_datastreams_entities(
    hass: HomeAssistant, organization_entry: MockConfigEntry, platforms: list[Platform]
) -> None:
    """The user asks for both: the combination keeps them, or a datastream's own choice."""
    kept = {**THERMOSTAT, "keep_entities": True}
    entry = combined_entry(organization_entry, {"356": [kept]})
    await setup_with(hass, entry, platforms)
    assert hass.states.get(CLIMATE) is not None
    assert hass.states.get("number.hallway_thermostat_target_temperature") is not None


async def test_a_datastream_chosen_in_the_options_keeps_its_entity(
    hass: HomeAssistant, organization_entry: MockConfigEntry, platforms: list[Platform]
) -> None:

    entry = combined_entry(organization_entry, {"356": [THERMOSTAT]})
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry,
        options={**entry.options, CONF_DATASTREAMS: {"356:v0": {"entity": "sensor"}}},
    )
    await setup_with(hass, entry, platforms)
    assert hass.states.get("sensor.hallway_thermostat_room_temperature").state == "20.8"
    assert hass.states.get("number.hallway_thermostat_target_temperature") is None


async def test_the_options_step_is_the_targets_step(
    hass: HomeAssistant, organization_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """A step chosen for the target's datastream in the options is the thermostat's step."""
    entry = combined_entry(organization_entry)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_DATASTREAMS: {"356:v1": {"step": 1.0}}}
    )
    await setup_with(hass, entry, [Platform.CLIMATE])
    assert hass.states.get(CLIMATE).attributes[ATTR_TARGET_TEMP_STEP] == 1
    await act(hass, CLIMATE, SERVICE_SET_TEMPERATURE, temperature=22.4)
    assert emulator.value(4, "v1") == 22.0


@pytest.mark.usefixtures("local_resolver")
@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(
            {**DEMO, "variants": {**DEMO["variants"], "enum_answers": reading}}, id=reading
        )
        for reading in ("number", "label")
    ],
)
async def test_windmill_ac_profile(
    hass: HomeAssistant,
    blynk: EmulatorServer,
    emulator: Emulator,
    device_registry: dr.DeviceRegistry,
    platforms: list[Platform],
) -> None:
    """Recognized on its vendor's server by its pins: a climate in °F, with no setup."""
    entry = await setup_with(hass, vendor_entry(blynk, "Office AC"), platforms)
    state = hass.states.get(AC)
    assert state.state == "cool"
    assert state.attributes[ATTR_HVAC_MODES] == ["off", "fan_only", "cool"]
    assert (state.attributes[ATTR_PRESET_MODES], state.attributes[ATTR_PRESET_MODE]) == (
        ["none", "eco"],
        "none",
    )
    assert state.attributes[ATTR_FAN_MODES] == ["auto", "low", "medium", "high"]
    assert state.attributes[ATTR_FAN_MODE] == "medium"
    assert state.attributes[ATTR_CURRENT_TEMPERATURE] == pytest.approx(23.9, abs=0.1)  # 75 °F
    assert state.attributes[ATTR_TEMPERATURE] == pytest.approx(22.2, abs=0.1)  # 72 °F
    device = dr.async_entries_for_config_entry(device_registry, entry.entry_id)[0]
    assert (device.manufacturer, device.model) == ("Windmill", "Windmill AC")
    assert hass.states.get("sensor.office_ac_power_draw").state == "420.0"

    emulator.clear_log()
    await act(hass, AC, SERVICE_TURN_OFF)
    assert emulator.value(20, "v0") == 0
    assert hass.states.get(AC).state == "off"
    # A mode switches the unit on in the same request: Windmill drops writes while it is off.
    await act(hass, AC, SERVICE_SET_HVAC_MODE, hvac_mode="fan_only")
    assert (emulator.value(20, "v0"), emulator.value(20, "v3")) == (1, 0)
    # Eco is the unit's energy-saving cooling: mode cool, preset eco.
    await act(hass, AC, SERVICE_SET_PRESET_MODE, preset_mode="eco")
    assert emulator.value(20, "v3") == 2
    assert (hass.states.get(AC).state, hass.states.get(AC).attributes[ATTR_PRESET_MODE]) == (
        "cool",
        "eco",
    )
    await act(hass, AC, SERVICE_TURN_OFF)
    await act(hass, AC, SERVICE_TURN_ON)  # power only: the unit keeps its mode
    assert (emulator.value(20, "v0"), emulator.value(20, "v3")) == (1, 2)
    await act(hass, AC, SERVICE_SET_FAN_MODE, fan_mode="high")
    assert emulator.value(20, "v4") == 3
    await act(hass, AC, SERVICE_SET_TEMPERATURE, temperature=20)  # °C, sent as °F
    assert emulator.value(20, "v2") == 68
    paths = [r.path for r in emulator.requests if "update" in r.path]
    assert paths == [
        "/external/api/update",
        "/external/api/batch/update",
        "/external/api/update",
        "/external/api/update",
        "/external/api/update",
        "/external/api/update",
        "/external/api/update",
    ]


@pytest.mark.usefixtures("local_resolver")
async def test_windmill_ac_answers_labels_after_numbers(
    hass: HomeAssistant,
    blynk: EmulatorServer,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Windmill's server answered numbers and labels at different times: both read the same."""
    await setup_with(hass, vendor_entry(blynk, "Office AC"), [Platform.CLIMATE])
    assert (hass.states.get(AC).state, hass.states.get(AC).attributes[ATTR_FAN_MODE]) == (
        "cool",
        "medium",
    )
    emulator.variants.update({"enum_answers": "label"})
    emulator.set_value(20, "v4", 3)
    await advance(hass, freezer, 61)
    assert (hass.states.get(AC).state, hass.states.get(AC).attributes[ATTR_FAN_MODE]) == (
        "cool",
        "high",
    )
    assert "Unreadable value" not in caplog.text
