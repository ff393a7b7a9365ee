"""Combined entities made of datastreams: the model the options and the profiles share.

A combination names a Home Assistant platform (climate, fan, light, valve, cover, water heater)
and the datastream (pin) that plays each of its parts: a thermostat's current and target
temperature, a fan's power and speed. What a value means (an ENUM value as an HVAC mode) is
data in the combination, not code. The same data form is stored in the options and shipped in
product profiles.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
import re
from typing import Any

from homeassistant.components.climate.const import HVACAction, HVACMode
from homeassistant.components.cover import CoverDeviceClass
from homeassistant.components.valve.const import ValveDeviceClass
from homeassistant.const import Platform
import probatio

from .api import Datastream, DatastreamType, Value, normalize_pin, number_of
from .mapping import NUMERIC, Choices, value_key

COMBINED_PLATFORMS = (
    Platform.CLIMATE,
    Platform.COVER,
    Platform.FAN,
    Platform.LIGHT,
    Platform.VALVE,
    Platform.WATER_HEATER,
)


class PartKind(StrEnum):
    """What a part does with its datastream."""

    READING = "reading"
    """A number shown as it is (a current temperature)."""
    SETTING = "setting"
    """A number set as it is (a target temperature)."""
    SWITCH = "switch"
    """On or off: the datastream's on and off values."""
    RANGE = "range"
    """A number scaled between its bounds (a speed, a brightness, a position)."""
    CHOICE = "choice"
    """A value that stands for a name (an ENUM value for an HVAC mode), settable."""
    STATUS = "status"
    """A value that stands for a name, read only (what the device is doing)."""
    COLOR = "color"
    """Red, green and blue in one datastream (zeRGBa merged: a STRING of three values)."""


@dataclass(frozen=True, slots=True)
class Role:
    """A part a platform knows: its kind, and the names its options may use."""

    kind: PartKind
    required: bool = False
    names: frozenset[str] | None = None
    """The names a CHOICE or STATUS may map to; None: any name."""
    default_range: tuple[float, float] | None = None
    """The bounds of a RANGE whose datastream has none."""


_HVAC_MODES = frozenset(HVACMode)
_HVAC_ACTIONS = frozenset(HVACAction)
_TEMPERATURE = Role(PartKind.READING)
_TARGET = Role(PartKind.SETTING, required=True)
_POWER = Role(PartKind.SWITCH)
_CHANNEL = Role(PartKind.RANGE, default_range=(0, 255))
_POSITION = Role(PartKind.RANGE, default_range=(0, 100))

ROLES: Mapping[Platform, Mapping[str, Role]] = {
    Platform.CLIMATE: {
        "current_temperature": _TEMPERATURE,
        "target_temperature": _TARGET,
        "power": _POWER,
        "hvac_mode": Role(PartKind.CHOICE, names=_HVAC_MODES),
        "hvac_action": Role(PartKind.STATUS, names=_HVAC_ACTIONS),
        "fan_mode": Role(PartKind.CHOICE),
        "preset": Role(PartKind.CHOICE),
        "current_humidity": _TEMPERATURE,
    },
    Platform.FAN: {
        "power": _POWER,
        "speed": Role(PartKind.RANGE, default_range=(0, 100)),
        "preset": Role(PartKind.CHOICE),
        "oscillate": _POWER,
    },
    Platform.LIGHT: {
        "power": _POWER,
        "brightness": Role(PartKind.RANGE, default_range=(0, 255)),
        "color": Role(PartKind.COLOR),
        "red": _CHANNEL,
        "green": _CHANNEL,
        "blue": _CHANNEL,
    },
    Platform.VALVE: {"position": _POSITION, "open": _POWER},
    Platform.COVER: {"position": _POSITION, "open": _POWER},
    Platform.WATER_HEATER: {
        "current_temperature": _TEMPERATURE,
        "target_temperature": _TARGET,
        "power": _POWER,
        "operation": Role(PartKind.CHOICE),
    },
}
"""Every part of every combined platform: the options form and the profile schema list these."""

ONE_OF: Mapping[Platform, tuple[str, ...]] = {
    Platform.FAN: ("power", "speed"),
    Platform.LIGHT: ("power", "brightness", "color", "red"),
    Platform.VALVE: ("position", "open"),
    Platform.COVER: ("position", "open"),
}
"""A combination of these platforms needs at least one of these parts to be controllable."""

TOGETHER: tuple[str, ...] = ("red", "green", "blue")
"""Split zeRGBa: the three channels come together or not at all."""

DEVICE_CLASSES: Mapping[Platform, frozenset[str]] = {
    Platform.VALVE: frozenset(ValveDeviceClass),
    Platform.COVER: frozenset(CoverDeviceClass),
}

NAMED = (PartKind.CHOICE, PartKind.STATUS)
"""The kinds of parts whose values stand for names."""
_NAME = re.compile(r"[^a-z0-9]+")
_T = DatastreamType
TYPES: Mapping[PartKind, frozenset[DatastreamType]] = {
    # Texts count: some products send "25.0C" (a number with its unit).
    PartKind.READING: frozenset({*NUMERIC, _T.STRING}),
    PartKind.SETTING: frozenset({_T.INT, _T.DOUBLE, _T.STRING}),
    PartKind.SWITCH: frozenset({_T.INT, _T.DOUBLE, _T.ENUM, _T.BOOLEAN, _T.STRING}),
    PartKind.RANGE: NUMERIC,
    PartKind.CHOICE: frozenset({_T.INT, _T.ENUM, _T.STRING, _T.BOOLEAN}),
    PartKind.STATUS: frozenset({_T.INT, _T.ENUM, _T.STRING, _T.BOOLEAN}),
    PartKind.COLOR: frozenset({_T.STRING}),
}
"""The datastream types a part can work with."""

NO_VALUE_TYPES: Mapping[PartKind, DatastreamType] = {
    PartKind.READING: _T.DOUBLE,
    PartKind.SETTING: _T.DOUBLE,
    PartKind.RANGE: _T.DOUBLE,
    PartKind.SWITCH: _T.INT,
    PartKind.CHOICE: _T.STRING,
    PartKind.STATUS: _T.STRING,
    PartKind.COLOR: _T.STRING,
}
"""Device mode: the type of a part's pin that has no value yet (one it has is typed by itself).

Each is one of the part's `TYPES`: numbers that may have fractions, whole on/off values, and
text for choices, which a vendor's server may answer with labels."""


SET_KINDS = frozenset(
    {PartKind.SETTING, PartKind.SWITCH, PartKind.RANGE, PartKind.CHOICE, PartKind.COLOR}
)
"""The kinds of part that write their datastream (READING and STATUS only read it)."""


def set_pins(combinations: Iterable[Combination]) -> frozenset[str]:
    """The pins these combinations write: settable parts, unless marked read-only."""
    return frozenset(
        part.pin
        for combination in combinations
        for role, part in combination.parts.items()
        if ROLES[combination.platform][role].kind in SET_KINDS and not part.read_only
    )


def pin_types(combinations: Iterable[Combination]) -> dict[str, DatastreamType]:
    """The type of each pin of these combinations while it has no value (`NO_VALUE_TYPES`).

    A pin that plays several parts takes the first of their types that every part accepts
    (a purifier's speeds and presets on one pin: a whole number).
    """
    kinds: dict[str, list[PartKind]] = {}
    for combination in combinations:
        for role, part in combination.parts.items():
            kinds.setdefault(part.pin, []).append(ROLES[combination.platform][role].kind)
    found: dict[str, DatastreamType] = {}
    for pin, played in kinds.items():
        accepted = frozenset.intersection(*(TYPES[kind] for kind in played))
        preferred = [NO_VALUE_TYPES[kind] for kind in played]
        found[pin] = next(
            (kind for kind in (*preferred, _T.INT, _T.STRING) if kind in accepted),
            preferred[0],
        )
    return found


@dataclass(frozen=True, slots=True)
class Part:
    """The datastream that plays one part, and how its values read."""

    pin: str
    options: Mapping[str, str] = field(default_factory=dict)
    """CHOICE and STATUS: a datastream value (`value_key`) -> the name it stands for.

    Left out: the names of the datastream's ENUM labels, where they fit the part (`fit`)."""
    on: Value | None = None
    """SWITCH: the value written for on (default: the datastream's maximum, else 1)."""
    off: Value | None = None
    """SWITCH: the value written for off (default: the datastream's minimum, else 0)."""
    min: float | None = None
    """RANGE and SETTING: bounds where the datastream has none (or other ones)."""
    max: float | None = None
    step: float | None = None
    """RANGE and SETTING: the smallest change (a target temperature's step)."""
    read_only: bool = False
    """The device sets this datastream itself (a schedule's setpoint): never written."""

    @property
    def choices(self) -> Choices:
        """CHOICE and STATUS: the options both ways (a value's name, a name's value)."""
        return Choices(self.options)


@dataclass(frozen=True, slots=True)
class Combination:
    """A combined entity: which platform, and which datastream plays which part."""

    platform: Platform
    key: str
    """Unique per device: the entity's unique ID is the device key plus this key."""
    parts: Mapping[str, Part]
    name: str | None = None
    """None: the entity is the device's main entity and carries the device's name."""
    keep_entities: bool = False
    """The datastreams' own entities stay as well."""
    device_class: str | None = None
    """Valves and covers: water, gas, shutter, garage..."""
    translation_key: str | None = None
    """Bundled profiles: the key of the name in the translations (`entity.<platform>.<key>`)."""

    @property
    def pins(self) -> frozenset[str]:
        """The pins of every part."""
        return frozenset(part.pin for part in self.parts.values())

    def to_data(self) -> dict[str, Any]:
        """The stored form (options and profile files)."""
        data: dict[str, Any] = {
            "platform": str(self.platform),
            "key": self.key,
            "parts": {role: _part_data(part) for role, part in self.parts.items()},
        }
        if self.name is not None:
            data["name"] = self.name
        if self.keep_entities:
            data["keep_entities"] = True
        if self.device_class is not None:
            data["device_class"] = self.device_class
        if self.translation_key is not None:
            data["translation_key"] = self.translation_key
        return data


def _part_data(part: Part) -> dict[str, Any]:
    data: dict[str, Any] = {"pin": part.pin}
    if part.options:
        data["options"] = dict(part.options)
    for name in ("on", "off", "min", "max", "step"):
        if (value := getattr(part, name)) is not None:
            data[name] = value
    if part.read_only:
        data["read_only"] = True
    return data


def _pin(value: Any) -> str:
    try:
        return normalize_pin(str(value))
    except ValueError as err:
        raise probatio.Invalid(str(err)) from err


def _options(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping) or not value:
        raise probatio.Invalid("expected a non-empty mapping of values to names")
    options = {value_key(key): str(name).strip() for key, name in value.items()}
    if len(options) != len(value):
        raise probatio.Invalid("two keys are the same value")
    return options


def number(value: Any) -> float:
    """A schema's number: a finite JSON number (not a text, not a boolean)."""
    if isinstance(value, str) or (found := number_of(value)) is None:
        raise probatio.Invalid("expected a number")
    return float(found)


TRANSLATION_KEY = r"^[a-z0-9_]{1,50}$"
"""A key of the integration's translations."""
KEY_PATTERN = r"^(climate|cover|fan|light|valve|water_heater)(_[a-z0-9]{1,16})?$"
"""A key starts with its platform, so it never meets another unique ID of the device."""
_SCALAR = probatio.Any(bool, int, float, str)
PART_SCHEMA = probatio.Schema(
    {
        probatio.Required("pin"): _pin,
        probatio.Optional("options"): _options,
        probatio.Optional("on"): _SCALAR,
        probatio.Optional("off"): _SCALAR,
        probatio.Optional("min"): number,
        probatio.Optional("max"): number,
        probatio.Optional("step"): probatio.All(number, probatio.Range(min=0, min_included=False)),
        probatio.Optional("read_only", default=False): bool,
    }
)
COMBINATION_SCHEMA = probatio.Schema(
    {
        probatio.Required("platform"): probatio.In([str(p) for p in COMBINED_PLATFORMS]),
        probatio.Required("key"): probatio.All(str, probatio.Match(KEY_PATTERN)),
        probatio.Required("parts"): probatio.All(
            probatio.Schema({str: PART_SCHEMA}), probatio.Length(min=1)
        ),
        probatio.Optional("name"): probatio.Any(None, probatio.All(str, probatio.Length(min=1))),
        probatio.Optional("keep_entities", default=False): bool,
        probatio.Optional("device_class"): str,
        probatio.Optional("translation_key"): probatio.All(str, probatio.Match(TRANSLATION_KEY)),
    }
)
"""The stored form; `parse` also checks what a schema cannot (roles, options, bounds)."""


def parse(data: Any) -> Combination:
    """A combination from its stored form; probatio.Invalid says what is wrong."""
    checked = COMBINATION_SCHEMA(data)
    platform = Platform(checked["platform"])
    if not checked["key"].startswith(str(platform)):
        raise _invalid(f"the key starts with {platform}", "invalid_key", ["key"])
    roles = ROLES[platform]
    parts: dict[str, Part] = {}
    for role, raw in checked["parts"].items():
        if role not in roles:
            raise _invalid(f"{platform} has no part {role!r}", "unknown_part", ["parts", role])
        parts[role] = Part(**raw)
        _check_part(roles[role], parts[role], ["parts", role])
    _check_parts(platform, parts.keys())
    device_class = checked.get("device_class")
    if device_class is not None and device_class not in DEVICE_CLASSES.get(platform, ()):
        raise _invalid(
            f"{platform} has no device class {device_class!r}",
            "unknown_device_class",
            ["device_class"],
        )
    return Combination(
        platform=platform,
        key=checked["key"],
        parts=parts,
        name=checked.get("name"),
        keep_entities=checked["keep_entities"],
        device_class=device_class,
        translation_key=checked.get("translation_key"),
    )


def _check_parts(platform: Platform, roles: Iterable[str]) -> None:
    """What a platform needs of its parts together."""
    present = set(roles)
    spec = ROLES[platform]
    missing = [role for role, known in spec.items() if known.required and role not in present]
    if missing:
        raise _invalid(
            f"{platform} needs the part {missing[0]!r}", "part_required", ["parts", missing[0]]
        )
    if (needed := ONE_OF.get(platform)) and not present & set(needed):
        raise _invalid(
            f"{platform} needs one of {', '.join(needed)}",
            "parts_needed",
            ["parts"],
            parts=", ".join(needed),
        )
    if 0 < len(present & set(TOGETHER)) < len(TOGETHER):
        raise _invalid("red, green and blue come together", "rgb_together", ["parts", "red"])


def _check_part(role: Role, part: Part, path: list[str]) -> None:
    options = [*path, "options"]
    if role.kind in (PartKind.CHOICE, PartKind.STATUS):
        if role.names is not None and (unknown := set(part.options.values()) - role.names):
            raise _invalid(
                f"unknown names: {', '.join(sorted(unknown))}",
                "unknown_names",
                options,
                names=", ".join(sorted(role.names)),
            )
    elif part.options:
        raise _invalid("only choices have options", "options_not_allowed", options)
    if part.min is not None and part.max is not None and part.min >= part.max:
        raise _invalid(
            "the maximum must be greater than the minimum", "max_not_above_min", [*path, "max"]
        )


def _invalid(message: str, key: str, path: list[str], **placeholders: str) -> probatio.Invalid:
    """An error that says where (path) and what (a translation key of the options flow)."""
    return probatio.Invalid(message, path=path, translation_key=key, placeholders=placeholders)


def mismatches(combination: Combination, datastreams: Mapping[str, Datastream]) -> dict[str, str]:
    """Parts a device cannot play: role -> reason.

    `no_options`: a choice without options whose datastream has no labels that fit it;
    `missing`: no datastream on its pin; `wrong_type`: a type the part cannot use.
    """
    found: dict[str, str] = {}
    roles = ROLES[combination.platform]
    for role, part in combination.parts.items():
        datastream = datastreams.get(part.pin)
        kind = roles[role].kind
        if kind in NAMED and not part.options and not label_options(roles[role], datastream):
            found[role] = "no_options"
        elif datastream is None:
            found[role] = "missing"
        elif datastream.type not in TYPES[kind]:
            found[role] = "wrong_type"
    return found


def label_options(role: Role, datastream: Datastream | None) -> dict[str, str]:
    """The options an ENUM's labels give a choice, where their names fit it (else none).

    A label names its value as a lower-case word ("Fan only" is fan_only); a label a server
    answers with instead of the number stands for the same name.
    """
    if datastream is None or not datastream.labels:
        return {}
    named = [
        (value, label, _NAME.sub("_", label.lower()).strip("_"))
        for value, label in datastream.labels
    ]
    if role.names is not None and not {name for _, _, name in named} <= role.names:
        return {}
    options = {value_key(value): name for value, _, name in named}
    for _, label, name in named:
        options.setdefault(value_key(label), name)
    return options


def fit(
    combination: Combination, datastreams: Mapping[str, Datastream], *, check_types: bool
) -> tuple[Combination | None, dict[str, str]]:
    """The combination a device can play, and the parts it cannot: role -> reason.

    A part whose datastream is missing (or, where types are known, of a type the part cannot
    use), or a choice without names, is left out; without a part the platform needs, there
    is no combination. A choice without options takes its datastream's labels.
    """
    problems = {
        role: reason
        for role, reason in mismatches(combination, datastreams).items()
        if check_types or reason != "wrong_type"
    }
    roles = ROLES[combination.platform]
    parts = {
        role: part
        if part.options or roles[role].kind not in NAMED
        else replace(part, options=label_options(roles[role], datastreams[part.pin]))
        for role, part in combination.parts.items()
        if role not in problems
    }
    if not problems:
        return replace(combination, parts=parts), problems
    try:
        _check_parts(combination.platform, parts)
    except probatio.Invalid:
        return None, problems
    return replace(combination, parts=parts), problems


def pins_of(combinations: Iterable[Combination]) -> frozenset[str]:
    """The pins combinations use without keeping their own entities."""
    return frozenset(
        pin
        for combination in combinations
        if not combination.keep_entities
        for pin in combination.pins
    )
