"""Which entity a datastream becomes, and with which unit and device class.

The rules are data: a new Blynk unit is one line in `UNITS`. The options flow's per-datastream
choice is applied here too, so every caller sees one decision and the reason for it.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
import re
from typing import Any, Protocol, overload

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    DEGREE,
    LIGHT_LUX,
    PERCENTAGE,
    REVOLUTIONS_PER_MINUTE,
    SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfFrequency,
    UnitOfInformation,
    UnitOfLength,
    UnitOfMass,
    UnitOfPower,
    UnitOfPressure,
    UnitOfRatio,
    UnitOfSoundPressure,
    UnitOfSpeed,
    UnitOfTemperature,
    UnitOfTime,
    UnitOfVolume,
    UnitOfVolumeFlowRate,
)

from .api import BOOLEAN_TEXTS, Datastream, DatastreamType, Value, number_of
from .const import CONF_ENTITY, CONF_LABELS, CONF_MAX, CONF_MIN, CONF_STEP

INT_MIN = -2_147_483_648
INT_MAX = 2_147_483_647
"""Blynk's Integer range: the bounds of a number entity when the template gives none."""
UNBOUNDED = (-1e9, 1e9)
"""Bounds of a Double number entity when the template gives none (shown as a box)."""
MAX_STATE_LENGTH = 255
"""Home Assistant's limit for a state; longer strings are cut."""
MAX_TEXT_LENGTH = 1024
"""Blynk's limit for a String value (bytes)."""
MAX_ENUM_OPTIONS = 100
"""Numbered options listed for an ENUM without labels: a wider range is not a choice list."""


class EntityKind(StrEnum):
    """What a datastream becomes in Home Assistant."""

    AUTO = "auto"
    SENSOR = "sensor"
    BINARY_SENSOR = "binary_sensor"
    SWITCH = "switch"
    NUMBER = "number"
    SELECT = "select"
    TEXT = "text"
    DEVICE_TRACKER = "device_tracker"
    NONE = "none"


CONTROLS = frozenset({EntityKind.SWITCH, EntityKind.NUMBER, EntityKind.SELECT, EntityKind.TEXT})
"""The kinds of entity that write their datastream."""
NUMERIC = frozenset({DatastreamType.INT, DatastreamType.DOUBLE, DatastreamType.ENUM})
COMPATIBLE_KINDS: Mapping[DatastreamType, tuple[EntityKind, ...]] = {
    DatastreamType.INT: (
        EntityKind.SENSOR,
        EntityKind.NUMBER,
        EntityKind.SWITCH,
        EntityKind.BINARY_SENSOR,
    ),
    DatastreamType.DOUBLE: (EntityKind.SENSOR, EntityKind.NUMBER),
    DatastreamType.ENUM: (EntityKind.SELECT, EntityKind.SENSOR, EntityKind.NUMBER),
    DatastreamType.BOOLEAN: (EntityKind.SWITCH, EntityKind.BINARY_SENSOR, EntityKind.SENSOR),
    DatastreamType.STRING: (EntityKind.SENSOR, EntityKind.TEXT),
    DatastreamType.LOCATION: (EntityKind.DEVICE_TRACKER,),
}
"""The kinds the options flow offers per type: a choice that cannot hold the values is refused."""


@dataclass(frozen=True, slots=True)
class Override:
    """A user's choice for one datastream, from the options."""

    entity: EntityKind = EntityKind.AUTO
    min: float | None = None
    max: float | None = None
    step: float | None = None
    labels: tuple[tuple[int, str], ...] = ()
    """An ENUM's value names, in place of the template's labels (the documented template has
    none, so this is how a user of the real Blynk.Cloud names the values)."""

    @classmethod
    def from_options(cls, data: Mapping[str, Any]) -> Override:
        """Read one entry of the `datastreams` option."""
        return cls(
            entity=EntityKind(data.get(CONF_ENTITY, EntityKind.AUTO)),
            min=data.get(CONF_MIN),
            max=data.get(CONF_MAX),
            step=data.get(CONF_STEP),
            labels=tuple((int(value), name) for value, name in data.get(CONF_LABELS, {}).items()),
        )


AUTOMATIC = Override()


@dataclass(frozen=True, slots=True)
class Decision:
    """The entity chosen for a datastream, and why (diagnostics show the reason)."""

    kind: EntityKind
    reason: str


_T = DatastreamType


def _on_off(datastream: Datastream) -> bool:
    return datastream.type is _T.INT and datastream.min == 0 and datastream.max == 1


def _choices(datastream: Datastream) -> bool:
    return bool(enum_options(datastream, AUTOMATIC))


_RULES: tuple[tuple[Callable[[Datastream], bool], EntityKind, str], ...] = (
    (lambda ds: ds.type is _T.LOCATION, EntityKind.DEVICE_TRACKER, "LOCATION"),
    (lambda ds: ds.type is _T.BOOLEAN and ds.writable, EntityKind.SWITCH, "writable BOOLEAN"),
    (lambda ds: ds.type is _T.BOOLEAN, EntityKind.BINARY_SENSOR, "read-only BOOLEAN"),
    (lambda ds: ds.type is _T.STRING and ds.writable, EntityKind.TEXT, "writable STRING"),
    (lambda ds: ds.type is _T.STRING, EntityKind.SENSOR, "STRING"),
    (
        lambda ds: ds.type is _T.ENUM and ds.writable and _choices(ds),
        EntityKind.SELECT,
        "writable ENUM",
    ),
    (lambda ds: ds.type is _T.ENUM and ds.writable, EntityKind.NUMBER, "writable ENUM, no options"),
    (lambda ds: ds.type is _T.ENUM, EntityKind.SENSOR, "read-only ENUM"),
    (lambda ds: ds.writable and _on_off(ds), EntityKind.SWITCH, "writable INT 0..1"),
    (lambda ds: ds.writable, EntityKind.NUMBER, "writable INT or DOUBLE"),
    (_on_off, EntityKind.BINARY_SENSOR, "read-only INT 0..1"),
    (lambda _: True, EntityKind.SENSOR, "read-only INT or DOUBLE"),
)
"""The automatic rules, first match wins (organization mode knows `writable` from the template)."""


def decide(datastream: Datastream, override: Override) -> Decision:
    """Apply the user's choice, or else the first automatic rule that matches."""
    if override.entity is not EntityKind.AUTO:
        return Decision(override.entity, "chosen in the options")
    if override.labels and datastream.type is _T.ENUM and datastream.writable:
        return Decision(EntityKind.SELECT, "writable ENUM, labels in the options")
    return next(Decision(kind, reason) for matches, kind, reason in _RULES if matches(datastream))


def value_key(value: Value) -> str:
    """A value as choices key it: 1, 1.0 and "1" are one key; "Cool" is "cool"."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip().lower()


@dataclass(frozen=True, slots=True)
class Choices:
    """Values and the names they stand for, both ways: an ENUM's options, a combined part's.

    Several values may stand for one name: a vendor's server may answer an ENUM with its
    label instead of its number, so the label is a key of its own name too.
    """

    names: Mapping[str, str]
    """`value_key` of a value -> the name it stands for."""

    @classmethod
    def of(cls, pairs: Iterable[tuple[Value, str]]) -> Choices:
        """Choices of (value, name) pairs; the first pair of a value wins."""
        names: dict[str, str] = {}
        for value, name in pairs:
            names.setdefault(value_key(value), name)
        return cls(names)

    def __bool__(self) -> bool:
        """Whether there is any choice."""
        return bool(self.names)

    @property
    def options(self) -> list[str]:
        """The names, each once, in the order of their first value."""
        return list(dict.fromkeys(self.names.values()))

    def name_of(self, value: Value | None) -> str | None:
        """The name a value stands for (None: no value, or one no choice names)."""
        return None if value is None else self.names.get(value_key(value))

    def value_of(self, name: str, datastream: Datastream) -> Value:
        """The value written for a name (the first that stands for it), in the datastream's type.

        Text for STRING and BOOLEAN datastreams (a BOOLEAN reads "1" as on), else a number
        where the key is one.
        """
        key = next(key for key, named in self.names.items() if named == name)
        if datastream.type in (DatastreamType.STRING, DatastreamType.BOOLEAN):
            return key
        number = number_of(key)
        return key if number is None else (int(number) if float(number).is_integer() else number)


def enum_options(datastream: Datastream, override: Override) -> Choices:
    """An ENUM's choices: the options' labels, the template's, else the whole numbers of its bounds.

    Empty when none is known (or the bounds span more than MAX_ENUM_OPTIONS values).
    A label given twice is told apart by its value, so that every option names one value.
    A server may answer with the label itself: it reads as its option too.
    """
    if labels := override.labels or datastream.labels:
        seen = [label for _, label in labels]
        names = [
            f"{label} ({value})" if seen.count(label) > 1 else label for value, label in labels
        ]
        values = [value for value, _ in labels]
        return Choices.of([*zip(values, names, strict=True), *zip(seen, names, strict=True)])
    low, high = bounds(datastream, override)
    if low is None or high is None or not low.is_integer() or not high.is_integer():
        return Choices({})
    if not 0 <= high - low < MAX_ENUM_OPTIONS:
        return Choices({})
    return Choices.of((value, str(value)) for value in range(int(low), int(high) + 1))


@dataclass(frozen=True, slots=True)
class UnitSpec:
    """How a Blynk unit shows in Home Assistant."""

    unit: str | None
    device_class: SensorDeviceClass | None = None
    state_class: SensorStateClass = SensorStateClass.MEASUREMENT


def _units() -> dict[str, UnitSpec]:
    temperature, energy = SensorDeviceClass.TEMPERATURE, SensorDeviceClass.ENERGY
    volume = SensorDeviceClass.VOLUME_STORAGE
    total = SensorStateClass.TOTAL_INCREASING
    table: dict[tuple[str, ...], UnitSpec] = {
        ("celsius", "°c", "degc"): UnitSpec(UnitOfTemperature.CELSIUS, temperature),
        ("fahrenheit", "°f", "degf"): UnitSpec(UnitOfTemperature.FAHRENHEIT, temperature),
        ("kelvin",): UnitSpec(UnitOfTemperature.KELVIN, temperature),
        ("percent", "percentage", "%"): UnitSpec(PERCENTAGE),
        ("watt", "w"): UnitSpec(UnitOfPower.WATT, SensorDeviceClass.POWER),
        ("kilowatt", "kw"): UnitSpec(UnitOfPower.KILO_WATT, SensorDeviceClass.POWER),
        ("milliwatt",): UnitSpec(UnitOfPower.MILLIWATT, SensorDeviceClass.POWER),
        ("watthour", "wh"): UnitSpec(UnitOfEnergy.WATT_HOUR, energy, total),
        ("kilowatthour", "kwh"): UnitSpec(UnitOfEnergy.KILO_WATT_HOUR, energy, total),
        ("megawatthour",): UnitSpec(UnitOfEnergy.MEGA_WATT_HOUR, energy, total),
        ("volt", "v"): UnitSpec(UnitOfElectricPotential.VOLT, SensorDeviceClass.VOLTAGE),
        ("millivolt", "mv"): UnitSpec(UnitOfElectricPotential.MILLIVOLT, SensorDeviceClass.VOLTAGE),
        ("ampere", "amp", "a"): UnitSpec(UnitOfElectricCurrent.AMPERE, SensorDeviceClass.CURRENT),
        ("milliampere", "ma"): UnitSpec(
            UnitOfElectricCurrent.MILLIAMPERE, SensorDeviceClass.CURRENT
        ),
        # Parts per million of what: carbon dioxide only when the name says so (_NAME_HINTS).
        ("partspermillion", "particlespermillion", "ppm"): UnitSpec(UnitOfRatio.PARTS_PER_MILLION),
        ("hectopascal", "hpa"): UnitSpec(UnitOfPressure.HPA, SensorDeviceClass.PRESSURE),
        ("pascal", "pa"): UnitSpec(UnitOfPressure.PA, SensorDeviceClass.PRESSURE),
        ("kilopascal", "kpa"): UnitSpec(UnitOfPressure.KPA, SensorDeviceClass.PRESSURE),
        ("bar",): UnitSpec(UnitOfPressure.BAR, SensorDeviceClass.PRESSURE),
        ("millibar", "mbar"): UnitSpec(UnitOfPressure.MBAR, SensorDeviceClass.PRESSURE),
        ("psi",): UnitSpec(UnitOfPressure.PSI, SensorDeviceClass.PRESSURE),
        ("lux", "lx"): UnitSpec(LIGHT_LUX, SensorDeviceClass.ILLUMINANCE),
        ("millimeter", "mm"): UnitSpec(UnitOfLength.MILLIMETERS, SensorDeviceClass.DISTANCE),
        ("centimeter", "cm"): UnitSpec(UnitOfLength.CENTIMETERS, SensorDeviceClass.DISTANCE),
        ("meter", "metre", "m"): UnitSpec(UnitOfLength.METERS, SensorDeviceClass.DISTANCE),
        ("kilometer", "km"): UnitSpec(UnitOfLength.KILOMETERS, SensorDeviceClass.DISTANCE),
        ("inch", "in"): UnitSpec(UnitOfLength.INCHES, SensorDeviceClass.DISTANCE),
        ("foot", "feet", "ft"): UnitSpec(UnitOfLength.FEET, SensorDeviceClass.DISTANCE),
        ("mile", "mi"): UnitSpec(UnitOfLength.MILES, SensorDeviceClass.DISTANCE),
        ("kilometerperhour", "km/h", "kmh", "kph"): UnitSpec(
            UnitOfSpeed.KILOMETERS_PER_HOUR, SensorDeviceClass.SPEED
        ),
        ("meterpersecond", "m/s"): UnitSpec(UnitOfSpeed.METERS_PER_SECOND, SensorDeviceClass.SPEED),
        ("mileperhour", "mph"): UnitSpec(UnitOfSpeed.MILES_PER_HOUR, SensorDeviceClass.SPEED),
        ("knot", "kn"): UnitSpec(UnitOfSpeed.KNOTS, SensorDeviceClass.SPEED),
        # A tank's content: VOLUME_STORAGE is the volume class a measurement may have.
        ("liter", "litre", "l"): UnitSpec(UnitOfVolume.LITERS, volume),
        ("milliliter", "ml"): UnitSpec(UnitOfVolume.MILLILITERS, volume),
        ("cubicmeter", "m³", "m3"): UnitSpec(UnitOfVolume.CUBIC_METERS, volume),
        ("gallon", "gal"): UnitSpec(UnitOfVolume.GALLONS, volume),
        ("literpersecond", "l/s"): UnitSpec(
            UnitOfVolumeFlowRate.LITERS_PER_SECOND, SensorDeviceClass.VOLUME_FLOW_RATE
        ),
        ("literperminute", "l/min"): UnitSpec(
            UnitOfVolumeFlowRate.LITERS_PER_MINUTE, SensorDeviceClass.VOLUME_FLOW_RATE
        ),
        ("literperhour", "l/h"): UnitSpec(
            UnitOfVolumeFlowRate.LITERS_PER_HOUR, SensorDeviceClass.VOLUME_FLOW_RATE
        ),
        ("millisecond", "ms"): UnitSpec(UnitOfTime.MILLISECONDS, SensorDeviceClass.DURATION),
        ("second", "sec", "s"): UnitSpec(UnitOfTime.SECONDS, SensorDeviceClass.DURATION),
        ("minute", "min"): UnitSpec(UnitOfTime.MINUTES, SensorDeviceClass.DURATION),
        ("hour", "h"): UnitSpec(UnitOfTime.HOURS, SensorDeviceClass.DURATION),
        ("day", "d"): UnitSpec(UnitOfTime.DAYS, SensorDeviceClass.DURATION),
        ("hertz", "hz"): UnitSpec(UnitOfFrequency.HERTZ, SensorDeviceClass.FREQUENCY),
        ("decibel", "db"): UnitSpec(UnitOfSoundPressure.DECIBEL, SensorDeviceClass.SOUND_PRESSURE),
        ("signalstrength", "dbm", "rssi"): UnitSpec(
            SIGNAL_STRENGTH_DECIBELS_MILLIWATT, SensorDeviceClass.SIGNAL_STRENGTH
        ),
        ("kilobyte", "kb"): UnitSpec(UnitOfInformation.KILOBYTES, SensorDeviceClass.DATA_SIZE),
        ("byte", "b"): UnitSpec(UnitOfInformation.BYTES, SensorDeviceClass.DATA_SIZE),
        ("gram", "g"): UnitSpec(UnitOfMass.GRAMS, SensorDeviceClass.WEIGHT),
        ("kilogram", "kg"): UnitSpec(UnitOfMass.KILOGRAMS, SensorDeviceClass.WEIGHT),
        ("aqi",): UnitSpec(None, SensorDeviceClass.AQI),
        ("ph",): UnitSpec(None, SensorDeviceClass.PH),
        ("degree", "°", "deg"): UnitSpec(DEGREE, None, SensorStateClass.MEASUREMENT_ANGLE),
        ("revolutionsperminute", "rpm"): UnitSpec(REVOLUTIONS_PER_MINUTE),
    }
    return {name: spec for names, spec in table.items() for name in names}


UNITS: Mapping[str, UnitSpec] = _units()
_PLAIN = UnitSpec(None)
_SEPARATORS = re.compile(r"[\s_\-]+")
# Some units mean a device class only by the datastream's name: a percentage is a humidity, a
# battery or a moisture, parts per million a carbon dioxide level, degrees a wind direction.
# These make voice assistants and the energy and climate cards understand the common ones.
_NAME_HINTS: Mapping[str, tuple[tuple[str, SensorDeviceClass], ...]] = {
    PERCENTAGE: (
        ("humid", SensorDeviceClass.HUMIDITY),
        ("batter", SensorDeviceClass.BATTERY),
        ("moist", SensorDeviceClass.MOISTURE),
    ),
    UnitOfRatio.PARTS_PER_MILLION: (
        ("co2", SensorDeviceClass.CO2),
        ("co₂", SensorDeviceClass.CO2),
        ("carbon dioxide", SensorDeviceClass.CO2),
    ),
    DEGREE: (("wind", SensorDeviceClass.WIND_DIRECTION),),
}


def unit_spec(datastream: Datastream) -> UnitSpec:
    """The unit, device class and state class of a numeric datastream."""
    if datastream.type not in NUMERIC or datastream.type is DatastreamType.ENUM:
        return _PLAIN
    spec = _lookup(datastream.units)
    names = f"{datastream.label} {datastream.alias or ''}".lower()
    for hint, device_class in _NAME_HINTS.get(spec.unit or "", ()):
        if hint in names:
            return UnitSpec(spec.unit, device_class, spec.state_class)
    return spec


def _lookup(units: str | None) -> UnitSpec:
    if not units:
        return _PLAIN
    key = _SEPARATORS.sub("", units.strip().lower())
    if key in UNITS:
        return UNITS[key]
    if key.endswith("s") and key[:-1] in UNITS:  # plurals: "Meters", "Seconds"
        return UNITS[key[:-1]]
    return UnitSpec(units.strip())  # unknown units are shown as Blynk names them


class Limits(Protocol):
    """Bounds and a step someone chose: the options' (`Override`), a combined part's."""

    @property
    def min(self) -> float | None:
        """The lowest value, if chosen."""

    @property
    def max(self) -> float | None:
        """The highest value, if chosen."""

    @property
    def step(self) -> float | None:
        """The smallest change, if chosen."""


@overload
def bounds(
    datastream: Datastream, *limits: Limits, default: tuple[float, float]
) -> tuple[float, float]: ...
@overload
def bounds(datastream: Datastream, *limits: Limits) -> tuple[float | None, float | None]: ...
def bounds(
    datastream: Datastream,
    *limits: Limits,
    default: tuple[float | None, float | None] = (None, None),
) -> tuple[float | None, float | None]:
    """Minimum and maximum: the first of `limits` that sets each, the template's, else `default`.

    Callers pass the most specific limits first (a combined part's, then the options').
    Templates may come without `min`/`max` (the Platform API's schema shows none): then the
    options, or a combined part, are where the user sets them.
    """
    return (
        _first(*(chosen.min for chosen in limits), datastream.min, default[0]),
        _first(*(chosen.max for chosen in limits), datastream.max, default[1]),
    )


def step(datastream: Datastream, *limits: Limits, default: float | None = None) -> float:
    """The smallest change: the first of `limits` that sets one, else `default`.

    Without either: 1 for whole numbers, 0.1 for a Double.
    """
    chosen = _first(*(choice.step for choice in limits), default)
    if chosen is not None:
        return chosen
    return 0.1 if datastream.type is DatastreamType.DOUBLE else 1.0


def step_fits(datastream: Datastream, chosen: float) -> bool:
    """Whether a step fits a datastream: Blynk skips a fraction sent to a whole-number one."""
    whole = datastream.type in (DatastreamType.INT, DatastreamType.ENUM)
    return not whole or float(chosen).is_integer()


def number_bounds(datastream: Datastream, override: Override) -> tuple[float, float, float]:
    """Minimum, maximum and step of a number entity: options, then template, then wide."""
    wide = (INT_MIN, INT_MAX) if datastream.type is not DatastreamType.DOUBLE else UNBOUNDED
    low, high = bounds(datastream, override, default=wide)
    return low, high, step(datastream, override)


def is_bounded(datastream: Datastream, override: Override) -> bool:
    """Whether both bounds come from the template or the options (a slider can show them)."""
    return None not in bounds(datastream, override)


def on_off_values(datastream: Datastream, override: Override) -> tuple[Value, Value]:
    """What a switch writes for on and off: the bounds (options, then template), else 1 and 0."""
    if datastream.type is DatastreamType.BOOLEAN:
        return True, False
    low, high = bounds(datastream, override, default=(0.0, 1.0))
    if datastream.type is DatastreamType.DOUBLE:
        return high, low
    return round(high), round(low)


def as_number(value: Value | None) -> float | None:
    """A value as a number: numbers, booleans, and texts of a number, also with a unit ("25.0C")."""
    if isinstance(value, bool):
        return float(value)
    number = number_of(value, with_unit=True)
    return None if number is None else float(number)


def same(value: Value, other: Value) -> bool:
    """Whether two values are one: as numbers where both are (1, 1.0, "1"), else as text."""
    number, other_number = as_number(value), as_number(other)
    if number is not None and other_number is not None:
        return number == other_number
    return str(value).strip().lower() == str(other).strip().lower()


def is_on(value: Value | None, on: Value, off: Value, *, only_on: bool = False) -> bool | None:
    """Whether a value means on (None: no value), whatever form it comes in (0, 0.0, "0").

    The on value is on and the off value off. Any other value is on (a level between them),
    except a text that means off (`off`, `false`, empty); `only_on`: every other value is off
    (one mode datastream can switch two heaters: 1 pool, 2 spa).
    """
    if value is None:
        return None
    if same(value, on):
        return True
    if only_on or same(value, off):
        return False
    if isinstance(value, str) and as_number(value) is None:
        text = value.strip().lower()
        return BOOLEAN_TEXTS.get(text, bool(text))
    return True


def _first(*values: float | None) -> float | None:
    return next((value for value in values if value is not None), None)
