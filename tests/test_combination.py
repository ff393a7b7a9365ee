"""The combination model: the stored form, what it refuses and why, and what a device can play."""

from typing import Any

import probatio
import pytest

from custom_components.blynk_cloud.api import Datastream, DatastreamType
from custom_components.blynk_cloud.combination import (
    NO_VALUE_TYPES,
    TYPES,
    fit,
    parse,
    pin_types,
    pins_of,
    value_key,
)
from tests.combined import FAN, LIGHT, THERMOSTAT, VALVE

T = DatastreamType


def stream(pin: str, kind: DatastreamType) -> Datastream:
    return Datastream(id=None, label=pin.upper(), pin=pin, type=kind)


@pytest.mark.parametrize("data", [THERMOSTAT, FAN, LIGHT, VALVE])
def test_the_stored_form_round_trips(data: dict[str, Any]) -> None:
    combination = parse(data)
    assert combination.to_data() == data
    assert parse(combination.to_data()) == combination


def test_every_field_round_trips() -> None:
    data = {
        "platform": "valve",
        "key": "valve_main",
        "name": "Main",
        "keep_entities": True,
        "device_class": "gas",
        "parts": {
            "position": {"pin": "v1", "min": 0.0, "max": 90.0},
            "open": {"pin": "v2", "on": "OPEN", "off": "SHUT", "read_only": True},
        },
    }
    assert parse(data).to_data() == data


@pytest.mark.parametrize(
    ("data", "key", "path"),
    [
        (
            {"platform": "fan", "key": "climate", "parts": {"power": {"pin": "v0"}}},
            "invalid_key",
            ["key"],
        ),
        (
            {"platform": "fan", "key": "fan", "parts": {"swing": {"pin": "v0"}}},
            "unknown_part",
            ["parts", "swing"],
        ),
        (
            {
                "platform": "fan",
                "key": "fan",
                "parts": {"power": {"pin": "v0", "options": {"1": "on"}}},
            },
            "options_not_allowed",
            ["parts", "power", "options"],
        ),
        (
            {
                "platform": "fan",
                "key": "fan",
                "parts": {"speed": {"pin": "v0", "min": 5, "max": 5}},
            },
            "max_not_above_min",
            ["parts", "speed", "max"],
        ),
        (
            {
                "platform": "fan",
                "key": "fan",
                "device_class": "water",
                "parts": {"power": {"pin": "v0"}},
            },
            "unknown_device_class",
            ["device_class"],
        ),
    ],
)
def test_refusals_say_what_and_where(data: dict[str, Any], key: str, path: list[str]) -> None:
    with pytest.raises(probatio.Invalid) as err:
        parse(data)
    assert (err.value.translation_key, err.value.path) == (key, path)


@pytest.mark.parametrize(
    "part",
    [
        {"pin": "x1"},
        {"pin": "v1", "min": True},
        {"pin": "v1", "min": float("inf")},
        {"pin": "v1", "options": []},
        {"pin": "v1", "options": {"Cool": "a", "cool": "b"}},
    ],
)
def test_malformed_parts(part: dict[str, Any]) -> None:
    with pytest.raises(probatio.Invalid):
        parse({"platform": "fan", "key": "fan", "parts": {"preset": part, "power": {"pin": "v0"}}})


def test_fit_leaves_out_what_a_device_lacks() -> None:
    thermostat = parse(THERMOSTAT)
    full = {pin: stream(pin, T.DOUBLE) for pin in ("v0", "v1")} | {
        "v2": stream("v2", T.ENUM),
        "v3": stream("v3", T.INT),
    }
    assert fit(thermostat, full, check_types=True) == (thermostat, {})
    # An optional part of the wrong type is left out where types are known...
    wrong = {**full, "v2": stream("v2", T.LOCATION)}
    fitted, problems = fit(thermostat, wrong, check_types=True)
    assert problems == {"hvac_mode": "wrong_type"}
    assert fitted is not None
    assert set(fitted.parts) == {"current_temperature", "target_temperature", "hvac_action"}
    # ...and kept where they are guessed (device mode).
    assert fit(thermostat, wrong, check_types=False) == (thermostat, {})
    # Without a part the platform needs, there is nothing to make.
    assert fit(thermostat, {"v0": full["v0"]}, check_types=True)[0] is None


def test_pins_of_leaves_kept_datastreams() -> None:
    kept = parse({**VALVE, "keep_entities": True})
    assert pins_of([parse(FAN), kept]) == {"v0", "v1", "v2", "v3"}


def test_values_as_keys() -> None:
    assert [value_key(v) for v in (True, 1.0, 1.5, " Cool ", 2)] == ["1", "1", "1.5", "cool", "2"]


def test_the_type_of_a_pin_without_a_value() -> None:
    """Device mode: what a pin plays types it until it has a value; several parts agree."""
    assert all(NO_VALUE_TYPES[kind] in TYPES[kind] for kind in TYPES)
    purifier = parse(
        {
            "platform": "fan",
            "key": "fan",
            "parts": {
                "power": {"pin": "v0"},
                "speed": {"pin": "v3", "min": 1, "max": 4},
                "preset": {"pin": "v3", "options": {"5": "eco"}},
            },
        }
    )
    assert pin_types([purifier]) == {"v0": T.INT, "v3": T.INT}  # speeds and presets: whole
    assert pin_types([parse(THERMOSTAT)]) == {
        "v0": T.DOUBLE,
        "v1": T.DOUBLE,
        "v2": T.STRING,  # a mode may come as its label
        "v3": T.STRING,
    }


def test_the_stored_form_keeps_a_translation_key() -> None:
    spa = {
        "platform": "water_heater",
        "key": "water_heater_spa",
        "name": "Spa",
        "translation_key": "spa",
        "parts": {"target_temperature": {"pin": "v43"}},
    }
    assert parse(spa).to_data() == spa
