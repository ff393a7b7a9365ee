"""The one write path: check values against their datastreams, send them, show them at once.

Actions, datastream entities and combined entities all write through `async_write`: a value is
coerced to its datastream's type and refused (a translated error, nothing sent) when it cannot
fit; the values then go out in one request, and the entities show them before the next poll.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum, auto
import json
import math
from typing import Any

from homeassistant.const import ATTR_LATITUDE, ATTR_LONGITUDE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError

from .api import BOOLEAN_TEXTS, Datastream, DatastreamType, Location, Value, number_of
from .backend import BlynkDevice
from .const import DOMAIN, Mode
from .coordinator import BlynkConfigEntry
from .errors import action_errors
from .mapping import INT_MAX, INT_MIN, MAX_TEXT_LENGTH, Limits, bounds

_MAX_SHOWN = 60


class TypeSource(Enum):
    """How much is known about a datastream's type."""

    DEFINED = auto()
    """Organization mode: the template defines the type and bounds."""
    INFERRED = auto()
    """Device mode: the type is guessed from the value the device reported."""
    UNKNOWN = auto()
    """Device mode: a pin without a value; only generic checks apply."""


@dataclass(frozen=True, slots=True)
class Write:
    """A value for a datastream, as someone asked for it (not yet checked)."""

    datastream: Datastream
    value: Any
    limits: Limits | None = None
    """A combined part's own bounds: they come before the options' and the template's."""
    source: TypeSource | None = None
    """None: as the entry knows the datastream (`type_source`)."""


class UnfitValueError(Exception):
    """A value does not fit; carries the translation key and extra placeholders."""

    def __init__(self, key: str, **placeholders: str) -> None:
        """Say which error (a key of `exceptions` in the translations) and its details."""
        super().__init__(key)
        self.key = key
        self.placeholders = placeholders


async def async_write(
    hass: HomeAssistant,
    entry: BlynkConfigEntry,
    device: BlynkDevice,
    writes: Sequence[Write],
    *,
    device_name: str | None = None,
    batch: bool = False,
) -> None:
    """Check the values, send them in one request (`batch`: also a single one), show them.

    `device_name` names the device in errors (the name the user gave it), else its Blynk name.
    """
    runtime = entry.runtime_data
    name = device_name or device.name
    many = batch or len(writes) > 1
    checked: list[tuple[Datastream, Value]] = []
    for write in writes:
        datastream = write.datastream
        source = write.source or type_source(entry, device, datastream.pin)
        override = runtime.plan.override(device, datastream)
        limits = (override,) if write.limits is None else (write.limits, override)
        try:
            value = checked_value(datastream, write.value, source, *limits)
        except UnfitValueError as err:
            placeholders = {"value": show(write.value), **err.placeholders}
            raise unfit(err.key, name, datastream, **placeholders) from None
        if runtime.backend.mode is Mode.DEVICE and isinstance(value, Location) and many:
            # The Device API's batch takes one value per pin; a location needs two.
            raise unfit("location_in_batch", name, datastream)
        checked.append((datastream, value))
    backend = runtime.backend
    async with action_errors(hass, entry):
        if many:
            await backend.write_many(device, checked)
        else:
            await backend.write(device, *checked[0])
    runtime.values.async_set_values(
        device.id, {datastream.pin: value for datastream, value in checked}
    )


def type_source(entry: BlynkConfigEntry, device: BlynkDevice, pin: str) -> TypeSource:
    """How well the entry knows a datastream's type."""
    runtime = entry.runtime_data
    if runtime.backend.mode is Mode.ORGANIZATION:
        return TypeSource.DEFINED
    # Device mode: a type is only as good as the value it was guessed from.
    value = runtime.values.data.get(device.id, {}).get(pin)
    return TypeSource.UNKNOWN if value is None else TypeSource.INFERRED


def datastream_name(datastream: Datastream) -> str:
    """A datastream's label and pin, for messages."""
    label, pin = datastream.label, datastream.pin.upper()
    return label if label.upper() == pin else f"{label} ({pin})"


def unfit(
    key: str, device_name: str, datastream: Datastream, **placeholders: str
) -> ServiceValidationError:
    """The translated error of an action or entity that cannot write a datastream."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={
            "device": device_name,
            "datastream": datastream_name(datastream),
            **placeholders,
        },
    )


def checked_value(datastream: Datastream, raw: Any, source: TypeSource, *limits: Limits) -> Value:
    """The value to send, in the datastream's type; UnfitValueError when it cannot fit.

    Numbers must lie within the bounds of `limits` (most specific first) or the template:
    Blynk would clamp them silently, and Home Assistant would show a value the device never took.
    """
    if source is TypeSource.UNKNOWN:
        return _generic(raw)
    if datastream.type in (DatastreamType.INT, DatastreamType.ENUM):
        if isinstance(raw, bool) and source is TypeSource.INFERRED:
            # Device mode reads BOOLEAN datastreams as 1/0: an INT guess may be one.
            return int(raw)
        return int(_in_range(datastream, limits, integer(raw), INT_MIN, INT_MAX))
    if datastream.type is DatastreamType.DOUBLE:
        return _in_range(datastream, limits, number(raw), -math.inf, math.inf)
    return _COERCE_BY_TYPE.get(datastream.type, _text)(raw)


def _generic(raw: Any) -> Value:
    """Checks that hold for any datastream type: the value is sent as given."""
    if isinstance(raw, bool | str):
        return _text(raw) if isinstance(raw, str) else raw
    if isinstance(raw, int | float):
        number(raw)  # finite
        return raw
    if isinstance(raw, Mapping):
        return _location(raw)
    raise UnfitValueError("value_not_supported")


def integer(raw: Any) -> int:
    """A whole number from a number or its text; UnfitValueError otherwise."""
    found = number_of(raw)
    if found is None or (isinstance(found, float) and not found.is_integer()):
        raise UnfitValueError("value_not_integer")
    return int(found)


def number(raw: Any) -> float:
    """A finite number from a number or its text; UnfitValueError otherwise."""
    if (found := number_of(raw)) is None:
        raise UnfitValueError("value_not_number")
    return float(found)


def _in_range(
    datastream: Datastream, limits: Sequence[Limits], value: float, low: float, high: float
) -> float:
    minimum, maximum = bounds(datastream, *limits)
    if minimum is not None:
        low = max(low, minimum)
    if maximum is not None:
        high = min(high, maximum)
    if not low <= value <= high:
        raise UnfitValueError("value_out_of_range", min=show_number(low), max=show_number(high))
    return value


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str) and (parsed := BOOLEAN_TEXTS.get(raw.strip().lower())) is not None:
        return parsed
    raise UnfitValueError("value_not_boolean")


def _text(raw: Any) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise UnfitValueError("value_not_text")
    text = raw if isinstance(raw, str) else show_number(raw)
    if (size := len(text.encode())) > MAX_TEXT_LENGTH:
        raise UnfitValueError("value_too_long", length=str(size), max=str(MAX_TEXT_LENGTH))
    return text


def _location(raw: Any) -> Location:
    """A `{latitude, longitude}` mapping; other keys (a location selector's radius) are ignored."""
    if not isinstance(raw, Mapping):
        raise UnfitValueError("value_not_location")
    try:
        latitude, longitude = number(raw[ATTR_LATITUDE]), number(raw[ATTR_LONGITUDE])
    except KeyError, UnfitValueError:
        raise UnfitValueError("value_not_location") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise UnfitValueError("value_not_location")
    return Location(latitude=latitude, longitude=longitude)


_COERCE_BY_TYPE: Mapping[DatastreamType, Callable[[Any], Value]] = {
    DatastreamType.BOOLEAN: _boolean,
    DatastreamType.LOCATION: _location,
}


def show(raw: Any) -> str:
    """A value as it appears in a message: JSON, cut short."""
    text = json.dumps(raw, ensure_ascii=False, default=str)
    return text if len(text) <= _MAX_SHOWN else f"{text[: _MAX_SHOWN - 1]}…"


def show_number(value: float) -> str:
    """A number as a message shows it: whole numbers without a fraction, infinity as ∞."""
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return str(int(value)) if float(value).is_integer() else repr(float(value))
