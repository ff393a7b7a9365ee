"""Product profiles: files checked by their JSON Schema and at runtime, recognized, switched off."""

import copy
import json
import logging
from pathlib import Path
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.climate.const import HVACAction, HVACMode
from homeassistant.const import CONF_TOKEN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import jsonschema
import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.blynk_cloud.combination import COMBINED_PLATFORMS, ROLES
from custom_components.blynk_cloud.config_flow import device_unique_id
from custom_components.blynk_cloud.const import CONF_DISABLED_PROFILES, DOMAIN
from custom_components.blynk_cloud.mapping import AUTOMATIC, decide
from custom_components.blynk_cloud.profiles import PROFILE_DIR, SCHEMA_NAME, load_profiles, parse
from emulator import Emulator, EmulatorServer
from tests.combined import local_resolver, vendor_entry
from tests.conftest import DEMO, advance, setup_entry

__all__ = ["local_resolver"]
SCHEMA = json.loads((PROFILE_DIR / SCHEMA_NAME).read_text(encoding="utf-8"))
TRANSLATIONS = PROFILE_DIR.parent / "translations" / "en.json"
FILES = sorted(path for path in PROFILE_DIR.glob("*.json") if path.name != SCHEMA_NAME)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
AC = json.loads((PROFILE_DIR / "windmill_ac.json").read_text(encoding="utf-8"))


def test_the_schema_is_a_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_every_profile_follows_the_schema(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    VALIDATOR.validate(data)
    profile = parse(data)
    assert profile.id == path.stem
    assert profile.sources


def test_profile_names_are_translated() -> None:
    """Entity names and states a bundled profile gives are in the translations (en.json)."""
    entity = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))["entity"]
    for profile in load_profiles(PROFILE_DIR):
        for pin, datastream in profile.datastreams.items():
            kind = decide(datastream, AUTOMATIC).kind
            names = entity[kind][profile.translation_keys[pin]]
            assert names["name"] == datastream.label, (profile.id, pin)
            for _, label in datastream.labels:
                assert names["state"][label], (profile.id, pin, label)
        for combination in profile.combined:
            if combination.name is not None:
                key = combination.translation_key
                assert entity[combination.platform][key]["name"] == combination.name


def test_the_products() -> None:
    assert [profile.name for profile in load_profiles(PROFILE_DIR)] == [
        "Microclimate Evo Connect",
        "Raypak AVIA pool heater",
        "Raypak Crosswind V heat pump",
        "Windmill AC",
        "Windmill Air Purifier",
        "Windmill Fan",
    ]


def test_the_schema_knows_the_parts_of_every_platform() -> None:
    """The schema's parts and names are the combination model's (one list, two readers)."""
    branches = SCHEMA["$defs"]["combination"]["oneOf"]
    platforms = {branch["properties"]["platform"]["const"]: branch for branch in branches}
    assert set(platforms) == {str(platform) for platform in COMBINED_PLATFORMS}
    for platform, branch in platforms.items():
        assert set(branch["properties"]["parts"]["properties"]) == set(ROLES[Platform(platform)])
    assert SCHEMA["$defs"]["hvac_modes"]["enum"] == [str(mode) for mode in HVACMode]
    assert set(SCHEMA["$defs"]["hvac_actions"]["enum"]) == {str(action) for action in HVACAction}


def _broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(AC)
    change(data)
    return data


def _set(path: list[Any], value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        for key in path[:-1]:
            data = data[key]
        if value is KeyError:
            del data[path[-1]]
        else:
            data[path[-1]] = value

    return change


CLIMATE = ["combined", 0]
PARTS = [*CLIMATE, "parts"]
BROKEN = {
    "no id": _set(["id"], KeyError),
    "id with capitals": _set(["id"], "Windmill"),
    "no sources": _set(["sources"], []),
    "no hosts": _set(["match", "hosts"], []),
    "nothing to recognize by": _set(["match", "pins"], KeyError),
    "not a pin": _set(["match", "pins"], ["x1"]),
    "unknown type": _set(["datastreams", "v0", "type"], "NUMBER"),
    "unknown key": _set(["colour"], "blue"),
    "no combinations": _set(["combined"], []),
    "unknown platform": _set([*CLIMATE, "platform"], "humidifier"),
    "key of another platform": _set([*CLIMATE, "key"], "fan"),
    "unknown part": _set([*PARTS, "swing"], {"pin": "v9"}),
    "no target temperature": _set([*PARTS, "target_temperature"], KeyError),
    "choice without options": _set([*PARTS, "hvac_mode", "options"], KeyError),
    "unknown HVAC mode": _set([*PARTS, "hvac_mode", "options"], {"0": "warm"}),
    "part without pin": _set([*PARTS, "power"], {"on": 1}),
    "step of zero": _set([*PARTS, "target_temperature", "step"], 0),
    "label of no value": _set(["datastreams", "v3", "labels"], {"x": "fan"}),
    "label not a key": _set(["datastreams", "v3", "labels"], {"0": "Fan only"}),
    "device class on a climate": _set([*CLIMATE, "device_class"], "water"),
}


@pytest.mark.parametrize("change", BROKEN.values(), ids=BROKEN.keys())
def test_schema_and_runtime_refuse_the_same(change: Any) -> None:
    data = _broken(change)
    assert list(VALIDATOR.iter_errors(data))
    with pytest.raises(probatio.Invalid):
        parse(data)


def test_runtime_refuses_what_only_it_can_see() -> None:
    """Beyond the schema: a part whose pin the profile types as something it cannot use."""
    data = _broken(_set(["datastreams", "v2", "type"], "LOCATION"))
    assert not list(VALIDATOR.iter_errors(data))
    with pytest.raises(probatio.Invalid, match="wrong_type"):
        parse(data)
    duplicate = _broken(lambda data: data["combined"].append(data["combined"][0]))
    with pytest.raises(probatio.Invalid, match="same key"):
        parse(duplicate)


def test_a_bad_file_is_logged_and_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    (tmp_path / "wrong.json").write_text(json.dumps(_broken(_set(["id"], KeyError))))
    mine = {**AC, "name": "My AC"}
    (tmp_path / "windmill_ac.json").write_text(json.dumps(mine), encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        profiles = load_profiles(PROFILE_DIR, tmp_path)
    assert "broken.json is not valid and is skipped" in caplog.text
    assert "wrong.json is not valid and is skipped" in caplog.text
    assert "My AC" in [profile.name for profile in profiles]  # replaces the bundled one
    assert "Windmill AC" not in [profile.name for profile in profiles]


@pytest.fixture
def user_profiles(tmp_path: Path) -> Path:
    """A configuration directory with profiles of the user's own: a broken one, an AC."""
    folder = tmp_path / "blynk_cloud" / "profiles"
    folder.mkdir(parents=True)
    (folder / "broken.json").write_text("[]", encoding="utf-8")
    mine = {**AC, "name": "My AC", "manufacturer": "Me"}
    (folder / "windmill_ac.json").write_text(json.dumps(mine), encoding="utf-8")
    return tmp_path


@pytest.mark.usefixtures("local_resolver")
async def test_user_profiles_from_the_configuration(
    hass: HomeAssistant,
    blynk: EmulatorServer,
    caplog: pytest.LogCaptureFixture,
    user_profiles: Path,
) -> None:
    """`<config>/blynk_cloud/profiles/`: a broken file there never stops the entry."""
    hass.config.config_dir = str(user_profiles)
    entry = await setup_entry(hass, vendor_entry(blynk, "Office AC"))
    device = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)[0]
    assert (device.manufacturer, device.model) == ("Me", "My AC")
    assert "broken.json is not valid and is skipped" in caplog.text
    # A profile of one's own is named by its labels: its translation keys are not ours.
    assert hass.states.get("sensor.office_ac_power_draw").name == "Office AC Power draw"


@pytest.mark.usefixtures("local_resolver")
@pytest.mark.parametrize(
    ("name", "model", "entities"),
    [
        ("Office AC", "Windmill AC", ["climate.office_ac"]),
        ("Nursery fan", "Windmill Fan", ["fan.nursery_fan"]),
        ("Air purifier", "Windmill Air Purifier", ["fan.air_purifier"]),
        (
            "Pool heater",
            "Raypak AVIA pool heater",
            ["water_heater.pool_heater", "water_heater.pool_heater_spa"],
        ),
        ("Spa heat pump", "Raypak Crosswind V heat pump", ["water_heater.spa_heat_pump"]),
        (
            "Gecko vivarium",
            "Microclimate Evo Connect",
            ["climate.gecko_vivarium_yellow_channel", "climate.gecko_vivarium_blue_channel"],
        ),
    ],
)
async def test_each_demo_product_is_recognized(
    hass: HomeAssistant,
    blynk: EmulatorServer,
    entity_registry: er.EntityRegistry,
    name: str,
    model: str,
    entities: list[str],
) -> None:
    """Device mode on the vendor's host: the product's entities come with no setup."""
    entry = await setup_entry(hass, vendor_entry(blynk, name))
    device = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)[0]
    assert device.model == model
    combined = [
        registry_entry.entity_id
        for registry_entry in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
        if registry_entry.domain in {str(platform) for platform in COMBINED_PLATFORMS}
    ]
    assert combined == entities
    for entity_id in entities:
        assert hass.states.get(entity_id).state not in ("unknown", "unavailable")


async def test_the_same_pins_elsewhere_are_not_recognized(
    hass: HomeAssistant, blynk: EmulatorServer, device_registry: dr.DeviceRegistry
) -> None:
    """A Windmill AC's pins on another server are just a device with such pins."""
    entry = vendor_entry(blynk, "Office AC")
    port = blynk.url("dashboard.windmillair.com").rsplit(":", 1)[1]
    entry = type(entry)(
        domain=DOMAIN,
        title=entry.title,
        unique_id=entry.unique_id,
        data={**entry.data, "host": f"http://127.0.0.1:{port}"},
    )
    await setup_entry(hass, entry)
    device = dr.async_entries_for_config_entry(device_registry, entry.entry_id)[0]
    assert (device.manufacturer, device.model) == ("Blynk", None)
    assert hass.states.get("climate.office_ac") is None
    assert hass.states.get("sensor.office_ac_v2").state == "72"  # device mode: a plain pin


@pytest.mark.usefixtures("local_resolver")
async def test_a_profile_switched_off(
    hass: HomeAssistant, blynk: EmulatorServer, entity_registry: er.EntityRegistry
) -> None:
    """Off in the options: the device is a plain Blynk device, its combined entity leaves."""
    entry = await setup_entry(hass, vendor_entry(blynk, "Office AC"))
    assert hass.states.get("climate.office_ac") is not None
    hass.config_entries.async_update_entry(entry, options={CONF_DISABLED_PROFILES: ["windmill_ac"]})
    await hass.config_entries.async_reload(entry.entry_id)
    # Values show once connectivity is read again (a device counts as offline until then).
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entity_registry.async_get("climate.office_ac") is None
    assert hass.states.get("sensor.office_ac_v0").state == "1"


@pytest.mark.usefixtures("local_resolver")
async def test_microclimate_follows_its_source(
    hass: HomeAssistant, blynk: EmulatorServer, emulator: Emulator, freezer: FrozenDateTimeFactory
) -> None:
    """As the profile's source: a read-only thermostat per channel, fixed output is no mode.

    The setpoint follows the controller's schedule (text with a unit, "30.0C"): no control
    offers to set it. The control mode is a select of its own (fixed, heating, cooling).
    """
    platforms = [Platform.CLIMATE, Platform.SELECT, Platform.SENSOR]
    with patch("custom_components.blynk_cloud.PLATFORMS", platforms):
        await setup_entry(hass, vendor_entry(blynk, "Gecko vivarium"))
    yellow = "climate.gecko_vivarium_yellow_channel"
    state = hass.states.get(yellow)
    assert (state.state, state.attributes["current_temperature"]) == ("heat", 29.6)
    assert state.attributes["hvac_modes"] == ["heat", "cool"]
    assert state.attributes["supported_features"] == 0  # no setpoint, no turning off
    assert "temperature" not in state.attributes
    assert hass.states.get("sensor.gecko_vivarium_yellow_setpoint").state == "30.0C"
    control = hass.states.get("select.gecko_vivarium_yellow_control_mode")
    assert (control.state, control.attributes["options"]) == (
        "heating",
        ["fixed", "heating", "cooling"],
    )
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            "climate", "set_hvac_mode", {"entity_id": yellow, "hvac_mode": "cool"}, blocking=True
        )
    assert err.value.translation_key == "part_read_only"
    assert emulator.value(25, "v52") == 1

    emulator.set_value(25, "v52", 0)  # fixed output: a heat mat at a set power
    await advance(hass, freezer, 61)
    assert hass.states.get(yellow).state == "unknown"  # not "off": it is not off
    assert hass.states.get("select.gecko_vivarium_yellow_control_mode").state == "fixed"
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": "select.gecko_vivarium_yellow_control_mode", "option": "cooling"},
        blocking=True,
    )
    assert emulator.value(25, "v52") == 2
    assert hass.states.get(yellow).state == "cool"


@pytest.fixture
def thermostat_profile(tmp_path: Path) -> Path:
    """A user's profile for the demo's thermostat template, on the emulator's own host."""
    folder = tmp_path / "blynk_cloud" / "profiles"
    folder.mkdir(parents=True)
    profile = {
        "id": "acme_thermostat",
        "name": "Acme thermostat",
        "manufacturer": "Acme",
        "sources": ["the demo scenario"],
        "match": {"hosts": ["127.0.0.1"], "templates": ["TMPLvu5TCd6RV"]},
        "combined": [
            {
                "platform": "climate",
                "key": "climate",
                "parts": {
                    "target_temperature": {"pin": "v1"},
                    "current_temperature": {"pin": "v0"},
                },
            }
        ],
    }
    (folder / "acme.json").write_text(json.dumps(profile), encoding="utf-8")
    return tmp_path


async def _thermostat_with_profiles(
    hass: HomeAssistant, entry: MockConfigEntry, config_dir: Path
) -> dr.DeviceEntry:
    """Set the organization up with the profiles of a configuration directory: its thermostat."""
    hass.config.config_dir = str(config_dir)
    await setup_entry(hass, entry)
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    return next(device for device in devices if device.name == "Hallway thermostat")


async def test_organization_mode_recognizes_a_template(
    hass: HomeAssistant, organization_entry: MockConfigEntry, thermostat_profile: Path
) -> None:
    """A profile naming a template code: its devices get the entities, in organization mode."""
    thermostat = await _thermostat_with_profiles(hass, organization_entry, thermostat_profile)
    assert hass.states.get("climate.hallway_thermostat").attributes["temperature"] == 21.5
    assert (thermostat.manufacturer, thermostat.model) == ("Acme", "Thermostat")
    assert hass.states.get("select.hallway_thermostat_mode") is not None  # not part of it


def test_a_datastream_bound_must_be_a_number() -> None:
    with pytest.raises(probatio.Invalid):
        parse(_broken(_set(["datastreams", "v2", "min"], "60")))


def _purifier_of_another_layout() -> dict[str, Any]:
    """The demo with a Windmill purifier as another project maps it: mode on V2, V0-V7, V10."""
    scenario = copy.deepcopy(DEMO)
    pins = (0, 1, 2, 3, 4, 5, 6, 7, 10)
    scenario["templates"].append(
        {
            "id": 713,
            "orgId": 700,
            "name": "Windmill Air Purifier Mini",
            "datastreams": [
                {"id": pin + 1, "label": f"V{pin}", "type": "INT", "pin": pin, "pinType": "VIRTUAL"}
                for pin in pins
            ],
        }
    )
    scenario["devices"].append(
        {
            "id": 26,
            "name": "Bedroom purifier",
            "templateId": 713,
            "orgId": 700,
            "token": "p" * 32,
            "region": "dashboard.windmillair.com",
            "values": {str(pin + 1): 1 for pin in pins},
        }
    )
    return scenario


@pytest.mark.usefixtures("local_resolver")
@pytest.mark.parametrize("scenario", [_purifier_of_another_layout()])
async def test_a_purifier_with_the_acs_pins_is_no_ac(
    hass: HomeAssistant, blynk: EmulatorServer, device_registry: dr.DeviceRegistry
) -> None:
    """It has V0 to V4 as the AC has, and pins only purifiers have: not a Windmill AC."""
    entry = vendor_entry(blynk, "Office AC")
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Bedroom purifier",
        unique_id=device_unique_id("p" * 32),
        data={**entry.data, CONF_TOKEN: "p" * 32},
    )
    await setup_entry(hass, entry)
    device = dr.async_entries_for_config_entry(device_registry, entry.entry_id)[0]
    assert device.model is None
    assert hass.states.get("climate.bedroom_purifier") is None


@pytest.fixture
def two_profiles(thermostat_profile: Path) -> Path:
    """Beside the thermostat's template profile, one that has more of its pins."""
    folder = thermostat_profile / "blynk_cloud" / "profiles"
    pins = json.loads((folder / "acme.json").read_text(encoding="utf-8"))
    pins.update(id="pins_only", name="By pins", manufacturer="Other")
    pins["match"] = {"hosts": ["127.0.0.1"], "pins": ["v0", "v1", "v2", "v3"]}
    (folder / "pins.json").write_text(json.dumps(pins), encoding="utf-8")
    return thermostat_profile


async def test_a_profile_naming_the_template_comes_first(
    hass: HomeAssistant, organization_entry: MockConfigEntry, two_profiles: Path
) -> None:
    """Another profile with more of the device's pins does not win over its template's."""
    thermostat = await _thermostat_with_profiles(hass, organization_entry, two_profiles)
    assert thermostat.manufacturer == "Acme"
