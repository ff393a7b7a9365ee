"""Options: Combine datastreams into… and Product profiles."""

import copy
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.blynk_cloud.const import CONF_COMBINED, CONF_DISABLED_PROFILES
from emulator import Emulator, EmulatorServer
from tests.combined import (
    CLIMATE,
    FAN_ENTITY,
    THERMOSTAT,
    WITHOUT_BOUNDS,
    act,
    combined_entry,
    local_resolver,
    vendor_entry,
)
from tests.conftest import DEMO, setup_entry

__all__ = ["local_resolver"]
TARGET_NUMBER = "number.hallway_thermostat_target_temperature"
# The demo thermostat as README's walkthrough combines it.
THERMOSTAT_FORM = {
    "current_temperature": "v0",
    "target_temperature": "v1",
    "hvac_mode": "v2",
    "hvac_mode_options": "0=off, 1=heat, 2=cool, 3=auto",
    "hvac_action": "v3",
    "hvac_action_options": "0=idle, 1=heating",
}


async def start(hass: HomeAssistant, entry: MockConfigEntry, step: str) -> FlowResult:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["menu_options"][:3] == ["settings", "datastreams", "combine"]
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": step}
    )


async def submit(hass: HomeAssistant, result: FlowResult, data: dict[str, Any]) -> FlowResult:
    return await hass.config_entries.options.async_configure(result["flow_id"], data)


async def combine(
    hass: HomeAssistant, entry: MockConfigEntry, choice: dict[str, Any]
) -> tuple[MockConfigEntry, FlowResult]:
    """Set the entry up and choose what to combine: the form of the parts comes next."""
    await setup_entry(hass, entry)
    result = await start(hass, entry, "combine")
    return entry, await submit(hass, result, choice)


def suggested(result: FlowResult) -> dict[str, Any]:
    return {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description and "suggested_value" in key.description
    }


async def test_combine_the_demo_thermostat(
    hass: HomeAssistant, organization_entry: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """The README's walkthrough: the target temperature's number gives way to a thermostat."""
    entry = await setup_entry(hass, organization_entry)
    assert entity_registry.async_get(TARGET_NUMBER) is not None
    result = await start(hass, entry, "combine")
    assert result["step_id"] == "combine"
    assert result["description_placeholders"] == {"combined": "-"}
    result = await submit(hass, result, {"template": "356", "platform": "climate"})
    assert result["step_id"] == "combine_parts"
    assert result["description_placeholders"]["template"] == "Thermostat"
    result = await submit(hass, result, THERMOSTAT_FORM)
    assert result["step_id"] == "combine_ranges"
    # The template's bounds are suggested; kept as they are, the template stays their source.
    assert suggested(result) == {"target_temperature_min": 10, "target_temperature_max": 30}
    result = await submit(hass, result, suggested(result))
    await hass.async_block_till_done(wait_background_tasks=True)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_COMBINED] == {"356": [THERMOSTAT]}
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get(CLIMATE).state == "heat"
    assert entity_registry.async_get(TARGET_NUMBER) is None


@pytest.mark.parametrize(
    ("form", "errors", "placeholders"),
    [
        ({"current_temperature": "v0"}, {"target_temperature": "part_required"}, {}),
        (
            {**THERMOSTAT_FORM, "hvac_mode_options": "0=off, 1=warm"},
            {"hvac_mode_options": "unknown_names"},
            {"names": "auto, cool, dry, fan_only, heat, heat_cool, off"},
        ),
        (
            {**THERMOSTAT_FORM, "hvac_mode_options": "off, heat"},
            {"hvac_mode_options": "invalid_options"},
            {},
        ),
        (
            {**THERMOSTAT_FORM, "hvac_mode_options": ""},
            {"hvac_mode_options": "options_required"},
            {},
        ),
        ({**THERMOSTAT_FORM, "hvac_mode": "v4"}, {"hvac_mode": "wrong_type"}, {}),
    ],
)
async def test_parts_refused(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    form: dict[str, Any],
    errors: dict[str, str],
    placeholders: dict[str, str],
) -> None:
    entry, result = await combine(
        hass, organization_entry, {"template": "356", "platform": "climate"}
    )
    result = await submit(hass, result, form)
    assert result["errors"] == errors
    for name, value in placeholders.items():
        assert result["description_placeholders"][name] == value
    assert CONF_COMBINED not in entry.options


@pytest.mark.parametrize(
    ("platform", "form", "errors"),
    [
        ("fan", {"preset": "v2", "preset_options": "0=normal"}, {"base": "parts_needed"}),
        ("light", {"red": "v1"}, {"red": "rgb_together"}),
    ],
)
async def test_platform_needs(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    platform: str,
    form: dict[str, Any],
    errors: dict[str, str],
) -> None:
    _entry, result = await combine(
        hass, organization_entry, {"template": "357", "platform": platform}
    )
    assert result["description_placeholders"]["entity"] == platform
    result = await submit(hass, result, form)
    assert result["errors"] == errors


async def test_a_named_second_entity(
    hass: HomeAssistant, organization_entry: MockConfigEntry
) -> None:
    entry = await setup_entry(hass, combined_entry(organization_entry, {"356": [THERMOSTAT]}))
    result = await start(hass, entry, "combine")
    # Placeholders are plain text the frontend does not translate: the domain, in any language.
    assert result["description_placeholders"] == {"combined": "Thermostat: climate"}
    result = await submit(hass, result, {"template": "356", "platform": "climate", "name": "!"})
    assert result["errors"] == {"name": "invalid_name"}
    result = await submit(
        hass, result, {"template": "356", "platform": "climate", "name": "Floor heating"}
    )
    assert result["description_placeholders"]["entity"] == "Floor heating"
    result = await submit(hass, result, {"target_temperature": "v1", "keep_entities": True})
    assert result["description_placeholders"] == {"entity": "Floor heating"}
    result = await submit(hass, result, {})
    await hass.async_block_till_done(wait_background_tasks=True)
    floor = {
        "platform": "climate",
        "key": "climate_floorheating",
        "name": "Floor heating",
        "keep_entities": True,
        "parts": {"target_temperature": {"pin": "v1"}},
    }
    assert entry.options[CONF_COMBINED] == {"356": [THERMOSTAT, floor]}
    assert hass.states.get("climate.hallway_thermostat_floor_heating").state == "heat"


async def test_change_and_remove(
    hass: HomeAssistant, organization_entry: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    entry = await setup_entry(hass, combined_entry(organization_entry))
    assert entity_registry.async_get(CLIMATE) is not None
    result = await start(hass, entry, "combine")
    result = await submit(hass, result, {"template": "356", "platform": "climate"})
    assert suggested(result) == {**THERMOSTAT_FORM, "keep_entities": False}
    result = await submit(hass, result, {**THERMOSTAT_FORM, "remove": True})
    await hass.async_block_till_done(wait_background_tasks=True)

    assert "356" not in entry.options[CONF_COMBINED]
    assert entity_registry.async_get(CLIMATE) is None
    assert hass.states.get(TARGET_NUMBER).state == "21.5"


async def test_device_mode_takes_pins(hass: HomeAssistant, device_entry: MockConfigEntry) -> None:
    """Device mode combines for the device, and takes pins the device has not set yet."""
    entry = await setup_entry(hass, device_entry)
    result = await start(hass, entry, "combine")
    assert "template" not in result["data_schema"].schema
    result = await submit(hass, result, {"platform": "climate"})
    result = await submit(hass, result, {"target_temperature": "x9"})
    assert result["errors"] == {"target_temperature": "invalid_pin"}
    result = await submit(hass, result, {"target_temperature": "V9", "current_temperature": "v1"})
    assert suggested(result) == {}  # device mode knows no bounds: the thermostat's defaults
    result = await submit(hass, result, {})
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.options[CONF_COMBINED] == {
        "device": [
            {
                "platform": "climate",
                "key": "climate",
                "parts": {
                    "current_temperature": {"pin": "v1"},
                    "target_temperature": {"pin": "v9"},
                },
            }
        ]
    }
    state = hass.states.get("climate.garden_weather")
    assert state.attributes["current_temperature"] == 21.5


async def test_combine_needs_a_loaded_entry(
    hass: HomeAssistant, organization_entry: MockConfigEntry
) -> None:
    organization_entry.add_to_hass(hass)
    result = await start(hass, organization_entry, "combine")
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "not_loaded")


@pytest.mark.usefixtures("local_resolver")
async def test_switch_a_profile_off_and_on(hass: HomeAssistant, blynk: EmulatorServer) -> None:
    entry = await setup_entry(hass, vendor_entry(blynk, "Office AC"))
    result = await start(hass, entry, "profiles")
    assert result["description_placeholders"] == {"recognized": "Office AC: Windmill AC"}
    options = result["data_schema"].schema["profiles"].config["options"]
    assert [option["label"] for option in options] == [
        "Windmill AC",
        "Windmill Air Purifier",
        "Windmill Fan",
    ]
    result = await submit(hass, result, {"profiles": ["windmill_purifier", "windmill_fan"]})
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.options[CONF_DISABLED_PROFILES] == ["windmill_ac"]
    assert hass.states.get("climate.office_ac") is None

    result = await start(hass, entry, "profiles")
    assert result["description_placeholders"] == {"recognized": "-"}
    result = await submit(
        hass, result, {"profiles": ["windmill_ac", "windmill_purifier", "windmill_fan"]}
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.options[CONF_DISABLED_PROFILES] == []
    assert hass.states.get("climate.office_ac").state == "cool"


async def test_no_profiles_menu_for_a_server_without_profiles(
    hass: HomeAssistant, organization_entry: MockConfigEntry
) -> None:
    organization_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(organization_entry.entry_id)
    assert result["menu_options"] == ["settings", "datastreams", "combine"]


async def test_empty_pairs_are_skipped(
    hass: HomeAssistant, organization_entry: MockConfigEntry
) -> None:
    entry, result = await combine(
        hass, organization_entry, {"template": "356", "platform": "climate"}
    )
    result = await submit(
        hass, result, {**THERMOSTAT_FORM, "hvac_mode_options": "0=off,, 1=heat, 2=cool, 3=auto,"}
    )
    result = await submit(hass, result, {})
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.options[CONF_COMBINED] == {"356": [THERMOSTAT]}


async def test_profiles_of_an_entry_not_loaded(hass: HomeAssistant, blynk: EmulatorServer) -> None:
    entry = vendor_entry(blynk, "Office AC")
    entry.add_to_hass(hass)
    result = await start(hass, entry, "profiles")
    assert result["description_placeholders"] == {"recognized": "-"}


async def test_a_stored_combination_that_is_not_valid(
    hass: HomeAssistant, organization_entry: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    """Options edited by hand: the broken entity is left out with a warning, the rest works."""
    broken = {"platform": "climate", "key": "climate", "parts": {}}
    entry = await setup_entry(hass, combined_entry(organization_entry, {"356": [broken]}))
    assert entry.state is ConfigEntryState.LOADED
    assert "A combined entity of Acme Home is not valid" in caplog.text
    assert hass.states.get(CLIMATE) is None


@pytest.mark.parametrize("scenario", [WITHOUT_BOUNDS])
async def test_a_range_without_bounds_needs_them(
    hass: HomeAssistant, organization_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Templates without min and max: the fan's speeds are given in the form, and used."""
    entry, result = await combine(hass, organization_entry, {"template": "357", "platform": "fan"})
    result = await submit(hass, result, {"power": "v0", "speed": "v1"})
    assert result["step_id"] == "combine_ranges"
    assert suggested(result) == {}
    result = await submit(hass, result, {})
    assert result["errors"] == {"speed_min": "range_needed"}
    result = await submit(hass, result, {"speed_min": 1})
    assert result["errors"] == {"speed_max": "range_needed"}
    result = await submit(hass, result, {"speed_min": 3, "speed_max": 1})
    assert result["errors"] == {"speed_max": "max_not_above_min"}
    result = await submit(hass, result, {"speed_min": 1, "speed_max": 3, "speed_step": 0.5})
    assert result["errors"] == {"speed_step": "step_not_integer"}
    result = await submit(hass, result, {"speed_min": 1, "speed_max": 3})
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.options[CONF_COMBINED] == {
        "357": [
            {
                "platform": "fan",
                "key": "fan",
                "parts": {"power": {"pin": "v0"}, "speed": {"pin": "v1", "min": 1, "max": 3}},
            }
        ]
    }
    state = hass.states.get(FAN_ENTITY)
    assert (state.attributes["percentage"], state.attributes["percentage_step"]) == (66, 100 / 3)
    await act(hass, FAN_ENTITY, "set_percentage", percentage=100)
    assert emulator.value(7, "v1") == 3
    assert hass.states.get(FAN_ENTITY).attributes["percentage"] == 100

    # Changing it again: the stored bounds are suggested.
    result = await start(hass, entry, "combine")
    result = await submit(hass, result, {"template": "357", "platform": "fan"})
    result = await submit(hass, result, {"power": "v0", "speed": "v1"})
    assert suggested(result) == {"speed_min": 1, "speed_max": 3}


def with_mode_labels(*labels: str) -> dict[str, Any]:
    """The demo, with the thermostat's Mode (v2) labelled in its template."""
    scenario = copy.deepcopy(DEMO)
    template = next(item for item in scenario["templates"] if item["id"] == 356)
    mode = next(item for item in template["datastreams"] if item["label"] == "Mode")
    mode["enumValues"] = [
        {"incoming": value, "outcome": label} for value, label in enumerate(labels)
    ]
    return scenario


@pytest.mark.parametrize(
    ("scenario", "errors"),
    [
        (with_mode_labels("Off", "Heat", "Cool", "Auto"), {}),
        (
            with_mode_labels("Off", "Comfort", "Eco", "Frost"),
            {"hvac_mode_options": "options_required"},
        ),
    ],
    ids=["modes", "no_modes"],
)
async def test_a_mode_takes_the_templates_labels(
    hass: HomeAssistant, organization_entry: MockConfigEntry, errors: dict[str, str]
) -> None:
    """Labels that name HVAC modes are the mode's options: nothing to type; others are not."""
    entry, result = await combine(
        hass, organization_entry, {"template": "356", "platform": "climate"}
    )
    form = {k: v for k, v in THERMOSTAT_FORM.items() if k != "hvac_mode_options"}
    result = await submit(hass, result, form)
    if errors:
        assert result["errors"] == errors
        return
    result = await submit(hass, result, {})
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.options[CONF_COMBINED]["356"][0]["parts"]["hvac_mode"] == {"pin": "v2"}
    state = hass.states.get(CLIMATE)
    assert (state.state, state.attributes["hvac_modes"]) == (
        "heat",
        ["off", "heat", "cool", "auto"],
    )


async def test_no_ranges_no_second_step(
    hass: HomeAssistant, organization_entry: MockConfigEntry
) -> None:
    """A fan of power and presets has no range: it is saved at once."""
    _entry, result = await combine(hass, organization_entry, {"template": "357", "platform": "fan"})
    result = await submit(
        hass, result, {"power": "v0", "preset": "v2", "preset_options": "0=normal"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_a_bound_against_the_templates_other_bound(
    hass: HomeAssistant, organization_entry: MockConfigEntry
) -> None:
    """A maximum below the template's minimum is refused, like one below the form's."""
    _entry, result = await combine(
        hass, organization_entry, {"template": "356", "platform": "climate"}
    )
    result = await submit(hass, result, THERMOSTAT_FORM)
    result = await submit(hass, result, {"target_temperature_max": 5})
    assert result["errors"] == {"target_temperature_max": "max_not_above_min"}


async def test_device_mode_suggests_the_roles_range(
    hass: HomeAssistant, device_entry: MockConfigEntry
) -> None:
    """Device mode knows no bounds: a position is 0 to 100 until the user says otherwise."""
    entry, result = await combine(hass, device_entry, {"platform": "valve"})
    result = await submit(hass, result, {"position": "v2"})
    assert suggested(result) == {"position_min": 0, "position_max": 100}
    result = await submit(hass, result, {"position_min": 0, "position_max": 50})
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.options[CONF_COMBINED]["device"][0]["parts"] == {
        "position": {"pin": "v2", "max": 50}
    }
