"""Actions: write values and widget properties, import and read history, batch updates.

Every action that targets a device resolves it through the device registry, finds the Blynk
device behind it, resolves the datastream reference (id, pin, label, alias) and validates the
value against the datastream before anything is sent. API failures become translated errors
through `action_errors`, which also starts reauth when the credentials stopped working.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import math
import re
from typing import Any, cast

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_DEVICE_ID,
    ATTR_ENTITY_ID,
    ATTR_LATITUDE,
    ATTR_LONGITUDE,
)
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, entity_registry as er, service
from homeassistant.util import dt as dt_util
import probatio

from .api import Datastream, DatastreamType, Location, Value, normalize_pin
from .backend import MULTI_VALUE_SEPARATOR, BlynkDevice, OrganizationBackend, export_period
from .const import DOMAIN, Mode
from .coordinator import BlynkRuntimeData
from .errors import action_errors
from .statistics import recorder_loaded
from .writes import (
    TypeSource,
    UnfitValueError,
    Write,
    async_write,
    checked_value,
    number,
    show,
    show_number,
    type_source,
    unfit,
)

SERVICE_SET_VALUE = "set_value"
SERVICE_SET_VALUES = "set_values"
SERVICE_SET_PROPERTY = "set_property"
SERVICE_IMPORT_HISTORY = "import_history"
SERVICE_GET_HISTORY = "get_history"
SERVICE_BATCH_UPDATE = "batch_update"
SERVICE_IMPORT_STATISTICS = "import_statistics"

ATTR_DATASTREAM = "datastream"
ATTR_VALUE = "value"
ATTR_VALUES = "values"
ATTR_PROPERTY = "property"
ATTR_START = "start"
ATTR_END = "end"
ATTR_LIMIT = "limit"
ATTR_FIELDS = "fields"
ATTR_UPDATES = "updates"
ATTR_DEBUG = "debug"
ATTR_TS = "ts"

MAX_PROPERTY_LENGTH = 200
"""The Platform API's limit for a property value; applied to every value sent."""
IMPORT_PAST = timedelta(days=92)
"""How old an imported point may be. Blynk's changelog (2026-04-20) took the limit from one
month to three, while the import pages still say one month: nothing within three months (at
most 92 days) is refused here, and a server that refuses more passes its own message on."""
IMPORT_AHEAD = timedelta(days=30)
"""Blynk silently skips points more than one month ahead (inference: a month is 30 days)."""
IMPORT_MARGIN = timedelta(minutes=10)
"""Inference: the window is narrowed by this much, so that a long import (several requests)
cannot see its points leave the server's window while it is under way."""
MAX_FRACTION_DIGITS = 10
"""Inference shared with the emulator: `maximumFractionDigits` is a whole number 0-10."""

# The documented `DataStreamPropertyName` values, in the documented order.
PROPERTY_NAMES = (
    "label",
    "color",
    "onBackColor",
    "offBackColor",
    "onColor",
    "offColor",
    "onLabel",
    "offLabel",
    "labels",
    "min",
    "max",
    "isOnPlay",
    "url",
    "urls",
    "step",
    "valueFormatting",
    "suffix",
    "maximumFractionDigits",
    "opacity",
    "scale",
    "rotation",
    "sortType",
    "isDisabled",
    "isHidden",
    "icons",
    "onImageUrl",
    "offImageUrl",
    "page",
    "sound",
    "isMuted",
    "loop",
    "autoplay",
    "contentDesign",
    "backColor",
)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


# Home Assistant's translation keys (the select's options) must be lower case, so the select
# offers `on_back_color`; the documented `onBackColor` is accepted as well (YAML, scripts).
PROPERTY_OPTIONS = tuple(_snake(name) for name in PROPERTY_NAMES)
_PROPERTY_BY_KEY = {
    **{_snake(name): name for name in PROPERTY_NAMES},
    **{name: name for name in PROPERTY_NAMES},
}
_COLOUR_PROPERTIES = frozenset(
    {"color", "onColor", "offColor", "onBackColor", "offBackColor", "backColor"}
)
_BOOLEAN_PROPERTIES = frozenset(
    {"isOnPlay", "isDisabled", "isHidden", "isMuted", "loop", "autoplay"}
)
_NUMBER_PROPERTIES: Mapping[str, tuple[float, float]] = {
    "min": (-math.inf, math.inf),
    "max": (-math.inf, math.inf),
    "step": (-math.inf, math.inf),
    "opacity": (0.0, 100.0),
    "scale": (0.0, 100.0),
    "rotation": (0.0, 360.0),
}
_LIST_PROPERTIES = frozenset({"labels", "urls"})
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_DEVICE_FIELD = {probatio.Required(ATTR_DEVICE_ID): cv.string}
_DATASTREAM_FIELD = {probatio.Required(ATTR_DATASTREAM): cv.string}

SET_VALUE_SCHEMA = probatio.Schema(
    {**_DEVICE_FIELD, **_DATASTREAM_FIELD, probatio.Required(ATTR_VALUE): cv.match_all}
)
SET_VALUES_SCHEMA = probatio.Schema(
    {
        **_DEVICE_FIELD,
        probatio.Required(ATTR_VALUES): probatio.All(
            probatio.Schema({cv.string: cv.match_all}), probatio.Length(min=1)
        ),
    }
)
SET_PROPERTY_SCHEMA = probatio.Schema(
    {
        **_DEVICE_FIELD,
        **_DATASTREAM_FIELD,
        probatio.Required(ATTR_PROPERTY): probatio.All(cv.string, probatio.In(_PROPERTY_BY_KEY)),
        probatio.Required(ATTR_VALUE): cv.match_all,
    }
)
IMPORT_HISTORY_SCHEMA = probatio.Schema(
    {
        **_DEVICE_FIELD,
        **_DATASTREAM_FIELD,
        probatio.Required(ATTR_VALUES): probatio.All(
            probatio.EnsureList(),
            probatio.Length(min=1),
            [
                probatio.Schema(
                    {
                        probatio.Required(ATTR_TS): cv.match_all,
                        probatio.Required(ATTR_VALUE): cv.match_all,
                    }
                )
            ],
        ),
    }
)
GET_HISTORY_SCHEMA = probatio.Schema(
    {
        **_DEVICE_FIELD,
        **_DATASTREAM_FIELD,
        probatio.Required(ATTR_START): cv.datetime,
        probatio.Required(ATTR_END): cv.datetime,
        probatio.Optional(ATTR_LIMIT): probatio.All(probatio.Coerce(int), probatio.Range(min=1)),
    }
)
IMPORT_STATISTICS_SCHEMA = probatio.Schema(
    {
        probatio.Exclusive(ATTR_DEVICE_ID, "target"): cv.string,
        probatio.Exclusive(ATTR_ENTITY_ID, "target"): cv.entity_id,
        probatio.Required(ATTR_START): cv.datetime,
        probatio.Optional(ATTR_END): cv.datetime,
    }
)
BATCH_UPDATE_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        probatio.Required(ATTR_FIELDS): probatio.All(probatio.EnsureList(), [cv.string]),
        probatio.Required(ATTR_UPDATES): probatio.All(
            probatio.EnsureList(), probatio.Length(min=1), [list]
        ),
        probatio.Optional(ATTR_DEBUG, default=False): cv.boolean,
    }
)


@dataclass(frozen=True, slots=True)
class _Target:
    """The device an action acts on: its entry, runtime data and Blynk device."""

    entry: ConfigEntry
    runtime: BlynkRuntimeData
    device: BlynkDevice
    name: str
    """The device's name in Home Assistant, for messages."""


@dataclass(frozen=True, slots=True)
class _Stream:
    """A resolved datastream and what is known of its type."""

    datastream: Datastream
    source: TypeSource


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions; they live as long as Home Assistant."""
    hass.services.async_register(DOMAIN, SERVICE_SET_VALUE, _set_value, schema=SET_VALUE_SCHEMA)
    hass.services.async_register(DOMAIN, SERVICE_SET_VALUES, _set_values, schema=SET_VALUES_SCHEMA)
    hass.services.async_register(
        DOMAIN, SERVICE_SET_PROPERTY, _set_property, schema=SET_PROPERTY_SCHEMA
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_IMPORT_HISTORY,
        _import_history,
        schema=IMPORT_HISTORY_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_HISTORY,
        _get_history,
        schema=GET_HISTORY_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_IMPORT_STATISTICS,
        _import_statistics,
        schema=IMPORT_STATISTICS_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_BATCH_UPDATE,
        _batch_update,
        schema=BATCH_UPDATE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )


# Handlers


async def _set_value(call: ServiceCall) -> None:
    """Write one datastream of one device."""
    target = _target(call)
    stream = _datastream(target, call.data[ATTR_DATASTREAM])
    await _async_write(call.hass, target, [(stream, call.data[ATTR_VALUE])])


async def _set_values(call: ServiceCall) -> None:
    """Write several datastreams of one device in one request."""
    target = _target(call)
    writes: dict[str, tuple[_Stream, Any]] = {}
    for reference, raw in call.data[ATTR_VALUES].items():
        stream = _datastream(target, reference)
        if stream.datastream.pin in writes:
            raise _error("duplicate_datastream", target, stream)
        writes[stream.datastream.pin] = (stream, raw)
    await _async_write(call.hass, target, list(writes.values()), batch=True)


async def _async_write(
    hass: HomeAssistant,
    target: _Target,
    writes: list[tuple[_Stream, Any]],
    *,
    batch: bool = False,
) -> None:
    await async_write(
        hass,
        target.entry,
        target.device,
        [Write(stream.datastream, raw, source=stream.source) for stream, raw in writes],
        device_name=target.name,
        batch=batch,
    )


async def _set_property(call: ServiceCall) -> None:
    """Set a widget property of a datastream."""
    target = _target(call)
    stream = _datastream(target, call.data[ATTR_DATASTREAM])
    name = _PROPERTY_BY_KEY[call.data[ATTR_PROPERTY]]
    if not stream.datastream.pin.startswith("v"):
        # Blynk: "properties only work on datastreams bound to virtual pins".
        raise _error("property_needs_virtual_pin", target, stream)
    try:
        value = _property_value(name, call.data[ATTR_VALUE])
    except UnfitValueError as err:
        raise _error(
            err.key,
            target,
            stream,
            property=name,
            value=show(call.data[ATTR_VALUE]),
            **err.placeholders,
        ) from None
    backend = target.runtime.backend
    longest = max(len(item) for item in backend.property_values(value))
    if longest > MAX_PROPERTY_LENGTH:
        raise _error(
            "property_too_long",
            target,
            stream,
            property=name,
            length=str(longest),
            max=str(MAX_PROPERTY_LENGTH),
        )
    async with action_errors(call.hass, target.entry):
        await backend.set_property(target.device, stream.datastream, name, value)


async def _import_history(call: ServiceCall) -> ServiceResponse:
    """Import timestamped points into a datastream's history, in chunks of 10,000."""
    target = _target(call)
    stream = _datastream(target, call.data[ATTR_DATASTREAM])
    points = sorted(
        (
            (_timestamp(target, stream, item[ATTR_TS]), _value(target, stream, item[ATTR_VALUE]))
            for item in call.data[ATTR_VALUES]
        ),
        key=lambda point: point[0],
    )
    now = dt_util.utcnow()
    oldest_allowed = _epoch_ms(now - IMPORT_PAST + IMPORT_MARGIN)
    newest_allowed = _epoch_ms(now + IMPORT_AHEAD - IMPORT_MARGIN)
    # Nothing is silently dropped: Blynk refuses old points and skips far-future ones.
    if too_old := [ts for ts, _ in points if ts < oldest_allowed]:
        raise _error(
            "import_too_old",
            target,
            stream,
            count=str(len(too_old)),
            oldest=_iso(too_old[0]),
        )
    if too_new := [ts for ts, _ in points if ts > newest_allowed]:
        raise _error(
            "import_too_new",
            target,
            stream,
            count=str(len(too_new)),
            newest=_iso(too_new[-1]),
        )
    async with action_errors(call.hass, target.entry):
        result = await target.runtime.backend.upload_history(
            target.device, stream.datastream, points
        )
    return {"points": result.points, "requests": result.requests}


async def _get_history(call: ServiceCall) -> ServiceResponse:
    """Read a datastream's stored values between two instants (organization mode)."""
    target = _target(call)
    backend = target.runtime.backend
    if not isinstance(backend, OrganizationBackend):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="history_needs_organization",
            translation_placeholders={"device": target.name},
        )
    stream = _datastream(target, call.data[ATTR_DATASTREAM])
    # A naive date-time (what the UI's date-time picker gives) is in Home Assistant's zone.
    start = dt_util.as_utc(call.data[ATTR_START])
    end = dt_util.as_utc(call.data[ATTR_END])
    if end <= start:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="history_empty_range",
            translation_placeholders={"start": start.isoformat(), "end": end.isoformat()},
        )
    async with action_errors(call.hass, target.entry):
        points = await backend.client.history(
            target.device.id,
            _datastream_id(stream),
            _epoch_ms(start),
            _epoch_ms(end),
            limit=call.data.get(ATTR_LIMIT),
        )
    return {
        "points": [{"time": _iso(point.ts), "value": _json_value(point.value)} for point in points]
    }


async def _import_statistics(call: ServiceCall) -> ServiceResponse:
    """Import Blynk history into the long-term statistics of a device's or one entity's sensors."""
    if not recorder_loaded(call.hass):
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="recorder_not_loaded"
        )
    if ATTR_DEVICE_ID not in call.data and ATTR_ENTITY_ID not in call.data:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="import_statistics_target"
        )
    if ATTR_DEVICE_ID in call.data:
        target = _target(call)
        entry, runtime = target.entry, target.runtime
        candidates = [c for c in runtime.statistics.candidates() if c.device.id == target.device.id]
    else:
        entity_id = call.data[ATTR_ENTITY_ID]
        registry_entry = er.async_get(call.hass).async_get(entity_id)
        entry = service.async_get_config_entry(
            call.hass, DOMAIN, registry_entry.config_entry_id if registry_entry else ""
        )
        runtime = entry.runtime_data
        candidates = [c for c in runtime.statistics.candidates() if c.entity_id == entity_id]
        if not candidates:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="not_importable",
                translation_placeholders={"entity": entity_id},
            )
    start = dt_util.as_utc(call.data[ATTR_START])
    end = dt_util.as_utc(call.data.get(ATTR_END) or dt_util.utcnow())
    if end <= start:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="history_empty_range",
            translation_placeholders={"start": start.isoformat(), "end": end.isoformat()},
        )
    if runtime.backend.mode is Mode.DEVICE:
        try:
            export_period(dt_util.utcnow() - start)
        except ValueError:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="export_too_long"
            ) from None
    hours = 0
    async with action_errors(call.hass, entry):
        for candidate in candidates:
            hours += await runtime.statistics.async_import(candidate, start, end)
    return {"hours": hours, "entities": len(candidates)}


async def _batch_update(call: ServiceCall) -> ServiceResponse:
    """Set datastreams of many devices of one product (organization mode)."""
    entry = service.async_get_config_entry(call.hass, DOMAIN, call.data[ATTR_CONFIG_ENTRY_ID])
    runtime: BlynkRuntimeData = entry.runtime_data
    backend = runtime.backend
    if not isinstance(backend, OrganizationBackend):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="batch_update_needs_organization",
            translation_placeholders={"entry": entry.title},
        )
    fields: list[str] = call.data[ATTR_FIELDS]
    updates: list[list[Any]] = call.data[ATTR_UPDATES]
    if len(fields) < 2 or fields[0] != "deviceId":  # deviceId and a label
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="batch_update_fields",
            translation_placeholders={"fields": show(fields)},
        )
    for index, row in enumerate(updates, start=1):
        if len(row) != len(fields):
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="batch_update_row_length",
                translation_placeholders={
                    "row": str(index),
                    "length": str(len(row)),
                    "expected": str(len(fields)),
                },
            )
    async with action_errors(call.hass, entry):
        result = await backend.client.batch_update(fields, updates, debug=call.data[ATTR_DEBUG])
    # Which rows were applied is not known (counters only), and Blynk clamps numbers: read back.
    await runtime.values.async_request_refresh()
    return {
        "skipped": dict(result.skipped),
        "reasons": list(result.reasons),
        "requests": result.requests,
    }


# Targets and datastreams


def _target(call: ServiceCall) -> _Target:
    """The registry device of `device_id`, its loaded entry, and the Blynk device behind it."""
    device_entry, entry = service.async_get_device_and_config_entry(
        call.hass, DOMAIN, call.data[ATTR_DEVICE_ID], include_child_devices=False
    )
    runtime: BlynkRuntimeData = entry.runtime_data
    name = device_entry.name_by_user or device_entry.name or device_entry.id
    keys = {key for domain, key in device_entry.identifiers if domain == DOMAIN}
    for device in runtime.discovery.data.values():
        if runtime.backend.device_key(device) in keys:
            return _Target(entry=entry, runtime=runtime, device=device, name=name)
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="device_not_listed",
        translation_placeholders={"device": name},
    )


def _datastream(target: _Target, reference: str) -> _Stream:
    """Resolve a reference: integer id, pin (`v5`, `V5`), label, then alias."""
    text = reference.strip()
    # A numeric reference is an id, never a label.
    found = (
        _by_id(target, int(text)) if text.isascii() and text.isdigit() else _by_name(target, text)
    )
    if found is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_datastream",
            translation_placeholders={"device": target.name, "datastream": reference},
        )
    return found


def _by_id(target: _Target, ident: int) -> _Stream | None:
    for datastream in target.device.datastreams.values():
        if datastream.id == ident:
            return _Stream(datastream, TypeSource.DEFINED)
    return None


def _by_name(target: _Target, text: str) -> _Stream | None:
    """A pin, a label or an alias, in this order."""
    datastreams = target.device.datastreams
    try:
        pin: str | None = normalize_pin(text)
    except ValueError:
        pin = None
    if pin is not None:
        if pin in datastreams:
            return _Stream(datastreams[pin], _source(target, pin))
        if target.runtime.backend.mode is Mode.DEVICE:
            # The Device API reveals a pin only once it has a value: send as given.
            unknown = Datastream(id=None, label=pin.upper(), pin=pin, type=DatastreamType.STRING)
            return _Stream(unknown, TypeSource.UNKNOWN)
    found = next((ds for ds in datastreams.values() if ds.label == text), None) or next(
        (ds for ds in datastreams.values() if ds.alias == text), None
    )
    return None if found is None else _Stream(found, _source(target, found.pin))


def _source(target: _Target, pin: str) -> TypeSource:
    return type_source(target.entry, target.device, pin)


def _datastream_id(stream: _Stream) -> int:
    """The id of an organization-mode datastream (the template always gives one)."""
    return cast("int", stream.datastream.id)


def _error(
    key: str, target: _Target, stream: _Stream, **placeholders: str
) -> ServiceValidationError:
    return unfit(key, target.name, stream.datastream, **placeholders)


def _value(target: _Target, stream: _Stream, raw: Any) -> Value:
    """The value to send, in the datastream's type; refused when it cannot fit."""
    override = target.runtime.plan.override(target.device, stream.datastream)
    try:
        return checked_value(stream.datastream, raw, stream.source, override)
    except UnfitValueError as err:
        raise _error(err.key, target, stream, value=show(raw), **err.placeholders) from None


def _property_value(name: str, raw: Any) -> str | list[str]:
    """The text of a property value (a list for `labels` and `urls`)."""
    return _PROPERTY_PARSERS.get(name, _property_text)(name, raw)


def _colour(name: str, raw: Any) -> str:
    if not isinstance(raw, str) or not _COLOUR.fullmatch(raw):
        raise UnfitValueError("property_not_color")
    return raw


def _flag(name: str, raw: Any) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str) and raw.strip().lower() in {"true", "false"}:
        return raw.strip().lower()
    raise UnfitValueError("property_not_boolean")


def _bounded(name: str, raw: Any) -> str:
    low, high = _NUMBER_PROPERTIES[name]
    value = _property_number(raw)
    if not low <= value <= high:
        raise UnfitValueError("property_out_of_range", min=show_number(low), max=show_number(high))
    return show_number(value)


def _fraction_digits(name: str, raw: Any) -> str:
    digits = _property_number(raw)
    if not digits.is_integer() or not 0 <= digits <= MAX_FRACTION_DIGITS:
        raise UnfitValueError("property_out_of_range", min="0", max=str(MAX_FRACTION_DIGITS))
    return str(int(digits))


def _texts(name: str, raw: Any) -> list[str]:
    if not isinstance(raw, list) or not raw:
        raise UnfitValueError("property_not_list")
    items = [_property_text(name, item) for item in raw]
    if any(MULTI_VALUE_SEPARATOR in item for item in items):
        raise UnfitValueError("property_not_list")
    return items


def _property_number(raw: Any) -> float:
    try:
        return number(raw)
    except UnfitValueError:
        raise UnfitValueError("property_not_number") from None


def _property_text(name: str, raw: Any) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise UnfitValueError("property_not_text")
    return raw if isinstance(raw, str) else show_number(raw)


_PROPERTY_PARSERS: Mapping[str, Callable[[str, Any], str | list[str]]] = {
    **dict.fromkeys(_COLOUR_PROPERTIES, _colour),
    **dict.fromkeys(_BOOLEAN_PROPERTIES, _flag),
    **dict.fromkeys(_NUMBER_PROPERTIES, _bounded),
    **dict.fromkeys(_LIST_PROPERTIES, _texts),
    "maximumFractionDigits": _fraction_digits,
}


# Time


def _timestamp(target: _Target, stream: _Stream, raw: Any) -> int:
    """Epoch milliseconds from a number of milliseconds or an ISO 8601 date-time with a zone."""
    when: datetime | None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if isinstance(raw, int) or raw.is_integer():
            return int(raw)
        when = None
    elif isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        return int(raw)
    elif isinstance(raw, datetime):
        when = raw
    else:
        when = dt_util.parse_datetime(raw) if isinstance(raw, str) else None
    if when is None:
        raise _error("import_invalid_time", target, stream, value=show(raw))
    if when.tzinfo is None:
        raise _error("import_time_without_zone", target, stream, value=show(raw))
    return _epoch_ms(when)


def _epoch_ms(when: datetime) -> int:
    return (when - _EPOCH) // timedelta(milliseconds=1)


def _iso(epoch_ms: int) -> str:
    return dt_util.utc_from_timestamp(epoch_ms / 1000).isoformat()


# Presentation


def _json_value(value: Value) -> Any:
    if isinstance(value, Location):
        return {ATTR_LATITUDE: value.latitude, ATTR_LONGITUDE: value.longitude}
    return value
