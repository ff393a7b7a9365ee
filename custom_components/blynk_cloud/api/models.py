"""Typed models of what the Blynk APIs return, and their parsing from JSON.

Parsing is strict about what the documentation marks as required (a missing id is a malformed
response) and lenient about the rest. Device tokens in device lists are deliberately not kept,
only a one-way digest of each (to tell which device a token belongs to).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
import hashlib
import json
import math
import re
from typing import Any

from .errors import BlynkResponseError

_PIN = re.compile(r"^([vda])(\d{1,3})$")
_PIN_PREFIX = {"VIRTUAL": "v", "DIGITAL": "d", "ANALOG": "a"}


class DatastreamType(StrEnum):
    """The data types of a Blynk datastream."""

    STRING = "STRING"
    INT = "INT"
    DOUBLE = "DOUBLE"
    BOOLEAN = "BOOLEAN"
    LOCATION = "LOCATION"
    ENUM = "ENUM"

    @classmethod
    def parse(cls, raw: object) -> DatastreamType:
        """Read a type name; the console calls locations GPS, and unknown types read as text."""
        name = str(raw).upper()
        if name == "GPS":
            return cls.LOCATION
        try:
            return cls(name)
        except ValueError:
            return cls.STRING


@dataclass(frozen=True, slots=True)
class Location:
    """A position. Blynk sends `[longitude, latitude]`; only this class knows that order."""

    latitude: float
    longitude: float

    def to_wire(self) -> list[float]:
        """The `[longitude, latitude]` array Blynk expects."""
        return [self.longitude, self.latitude]


type Value = bool | int | float | str | Location


_SCALARS = (bool, int, float, str)
_NUMBERS = (int, float)
# Tuples, not `bool | int | ...`: a union in the call is built anew on every call, and a poll
# parses every value of the organization (20,000 at 1,000 devices x 20 datastreams).


def parse_value(raw: Any) -> Value | None:
    """Turn a JSON datastream value into a `Value`, keeping booleans, ints and floats apart."""
    if raw is None or isinstance(raw, _SCALARS):
        return raw
    if (
        isinstance(raw, list)
        and len(raw) == 2
        and all(isinstance(part, _NUMBERS) and not isinstance(part, bool) for part in raw)
    ):
        return Location(latitude=float(raw[1]), longitude=float(raw[0]))
    raise BlynkResponseError(f"unexpected datastream value of type {type(raw).__name__}")


_INTEGER_TEXT = re.compile(r"[+-]?\d+")
_NUMBER_AND_UNIT = re.compile(r"([-+]?[0-9]+(?:\.[0-9]+)?)\s*°?[A-Za-z%]{0,3}")
BOOLEAN_TEXTS: Mapping[str, bool] = {
    "1": True,
    "true": True,
    "on": True,
    "0": False,
    "false": False,
    "off": False,
}
"""On and off as text (lower case), as devices and people write them."""


def number_of(raw: Any, *, with_unit: bool = False) -> int | float | None:
    """A finite number from a JSON number or its text (whole numbers stay ints); else None.

    Booleans are not numbers here. `with_unit` also reads a number followed by its unit, as
    some products send a reading (`"25.0C"`).
    """
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return None
    number = _text_number(raw.strip(), with_unit=with_unit) if isinstance(raw, str) else raw
    if number is None:
        return None
    try:
        return number if math.isfinite(number) else None
    except OverflowError:  # a whole number beyond any float
        return None


def _text_number(text: str, *, with_unit: bool) -> int | float | None:
    if _INTEGER_TEXT.fullmatch(text):
        return int(text)
    try:
        return float(text)
    except ValueError:
        match = _NUMBER_AND_UNIT.fullmatch(text) if with_unit else None
        return None if match is None else float(match.group(1))


def coerce_value(raw: Any, kind: DatastreamType | None) -> Value | None:
    """Read a value as the datastream's type says, whatever JSON shape the server chose.

    A STRING keeps text as text (`"123"`, `"true"`, `"null"`); numbers may come as numbers or
    as text; an ENUM as its number, or as its label (some servers answer so); a BOOLEAN
    reads as 1 or 0 (as Blynk answers it); a location as `[lon, lat]`, also in text. Without
    a type, the JSON value is taken as it is (`parse_value`). A value that does not fit
    raises `BlynkResponseError`: it affects this datastream only.
    """
    if raw is None:
        return None
    if kind is None:
        return parse_value(raw)
    return _READERS[kind](raw)


def _malformed(raw: Any, kind: str) -> BlynkResponseError:
    return BlynkResponseError(f"a {type(raw).__name__} value where {kind} was expected")


def _as_text(raw: Any) -> str:
    match raw:
        case str():
            return raw
        case bool():
            return "true" if raw else "false"
        case int() | float():
            return repr(raw)
    raise _malformed(raw, "text")


def _as_number(raw: Any) -> int | float:
    number = int(raw) if isinstance(raw, bool) else number_of(raw)
    if number is None:
        raise _malformed(raw, "a number")
    return number


def _as_boolean(raw: Any) -> int:
    if isinstance(raw, str):
        if (value := BOOLEAN_TEXTS.get(raw.strip().lower())) is not None:
            return int(value)
    elif isinstance(raw, bool | int | float) and raw in (0, 1):
        return int(raw)
    raise _malformed(raw, "a boolean")


def _as_location(raw: Any) -> Location:
    parts = raw
    if isinstance(raw, str):
        text = raw.strip()
        try:
            parts = json.loads(text) if text.startswith("[") else text.split(",")
        except ValueError:
            parts = None
    if isinstance(parts, list) and len(parts) == 2:  # [lon, lat]
        try:
            longitude, latitude = (float(_as_number(part)) for part in parts)
        except BlynkResponseError:
            pass
        else:
            return Location(latitude=latitude, longitude=longitude)
    raise _malformed(raw, "a location")


def _as_integer(raw: Any) -> int | float:
    if type(raw) is int:  # the usual answer, read at once (a batch read has thousands)
        return raw
    number = _as_number(raw)
    return int(number) if float(number).is_integer() else number  # Blynk would round


def _as_enum(raw: Any) -> int | float | str:
    """An ENUM's number; a text that is no number is the label a server answered with."""
    if isinstance(raw, str) and (text := raw.strip()) and number_of(text) is None:
        return text
    return _as_integer(raw)


def _as_double(raw: Any) -> float:
    if type(raw) is float and math.isfinite(raw):  # the usual answer, read at once
        return raw
    return float(_as_number(raw))


_READERS: Mapping[DatastreamType, Callable[[Any], Value]] = {
    DatastreamType.STRING: _as_text,
    DatastreamType.INT: _as_integer,
    DatastreamType.ENUM: _as_enum,
    DatastreamType.DOUBLE: _as_double,
    DatastreamType.BOOLEAN: _as_boolean,
    DatastreamType.LOCATION: _as_location,
}


def value_to_wire(value: Value) -> bool | int | float | str | list[float]:
    """The JSON form of a value."""
    if isinstance(value, Location):
        return value.to_wire()
    return value


def pin_order(pin: str) -> tuple[str, int]:
    """A pin's place when pins are listed as people count them: v2 before v10."""
    return pin[0], int(pin[1:]) if pin[1:].isdigit() else 0


def normalize_pin(pin: str) -> str:
    """`V5` and `v5` are the same pin; Blynk answers in lower case."""
    normalized = pin.strip().lower()
    if not _PIN.match(normalized):
        raise ValueError(f"not a pin: {pin!r}")
    return normalized


@dataclass(frozen=True, slots=True)
class Organization:
    """The organization an OAuth client belongs to."""

    id: int
    name: str
    parent_id: int | None = None
    timezone: str | None = None
    unit_system: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> Organization:
        """Parse `GET /api/v1/organization/profile`."""
        obj = _object(data, "organization")
        return cls(
            id=_int(obj, "id"),
            name=_str(obj, "name"),
            parent_id=_opt_int(obj, "parentOrganizationId"),
            timezone=_opt_str(obj, "tz"),
            unit_system=_opt_str(obj, "unitSystem"),
        )


@dataclass(frozen=True, slots=True)
class HardwareInfo:
    """What a device's firmware reported about itself."""

    firmware_version: str | None = None
    blynk_version: str | None = None
    board_type: str | None = None
    build: str | None = None
    template_code: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> HardwareInfo | None:
        """Parse `hardwareInfo`, which is absent for a device that never connected."""
        if not isinstance(data, Mapping):
            return None
        return cls(
            firmware_version=_opt_str(data, "version"),
            blynk_version=_opt_str(data, "blynkVersion"),
            board_type=_opt_str(data, "boardType"),
            build=_opt_str(data, "build"),
            template_code=_opt_str(data, "templateId"),
        )


def token_digest(token: str) -> str:
    """A one-way digest of a device token: compares tokens without keeping or showing one."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Device:
    """A device of the organization (its auth token is not kept, only its digest)."""

    id: int
    name: str
    template_id: int
    org_id: int
    hardware: HardwareInfo | None = None
    token_digest: str | None = field(default=None, repr=False, compare=False)
    """`token_digest` of the device's auth token: tells which device a token belongs to."""

    @classmethod
    def from_json(cls, data: Any) -> Device:
        """Parse one entry of the device list, or a device info answer."""
        obj = _object(data, "device")
        return cls(
            id=_int(obj, "id"),
            name=_str(obj, "name"),
            template_id=_int(obj, "templateId"),
            org_id=_int(obj, "orgId"),
            hardware=HardwareInfo.from_json(obj.get("hardwareInfo")),
            token_digest=token_digest(token)
            if isinstance(token := obj.get("token"), str)
            else None,
        )


@dataclass(frozen=True, slots=True)
class Template:
    """A device template (a product)."""

    id: int
    name: str
    board_type: str | None = None
    codes: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: Any) -> Template:
        """Parse `GET /api/v1/organization/template`."""
        obj = _object(data, "template")
        codes = obj.get("templateIds")
        return cls(
            id=_int(obj, "id"),
            name=_str(obj, "name"),
            board_type=_opt_str(obj, "boardType"),
            codes=tuple(str(code) for code in codes) if isinstance(codes, list) else (),
        )


@dataclass(frozen=True, slots=True)
class Datastream:
    """A datastream definition of a template."""

    id: int | None
    """The datastream id; None where only the pin is known (the Device API)."""
    label: str
    pin: str
    type: DatastreamType
    alias: str | None = None
    units: str | None = None
    min: float | None = None
    max: float | None = None
    writable: bool = False
    """`isForActions`: the datastream can be set from automations, the closest thing to writable."""
    labels: tuple[tuple[int, str], ...] = ()
    """ENUM: the template's rows of incoming value and outcome text, where the server gives them."""

    @classmethod
    def from_json(cls, data: Any) -> Datastream:
        """Parse one entry of `GET /api/v1/organization/template/datastreams`."""
        obj = _object(data, "datastream")
        pin = obj.get("pin")
        prefix = _PIN_PREFIX.get(str(obj.get("pinType", "VIRTUAL")).upper(), "v")
        return cls(
            id=_int(obj, "id"),
            label=_str(obj, "label"),
            pin=f"{prefix}{pin}" if isinstance(pin, int) else str(pin or "").lower(),
            type=DatastreamType.parse(obj.get("type")),
            alias=_opt_str(obj, "alias"),
            units=_opt_str(obj, "units"),
            min=_opt_float(obj, "min"),
            max=_opt_float(obj, "max"),
            writable=obj.get("isForActions") is True,
            labels=_enum_labels(obj.get(ENUM_LABELS_KEY)),
        )


@dataclass(frozen=True, slots=True)
class DatastreamValue:
    """A datastream's current value as the Platform API reads it."""

    datastream_id: int
    pin: str
    raw: Any
    """The value as the server sent it (JSON); `coerce_value` reads it by the datastream's type."""
    updated_at: int | None = field(default=None, compare=False)
    """Epoch milliseconds of the last report. Not compared: an unchanged value is unchanged."""

    @classmethod
    def from_json(cls, data: Any) -> DatastreamValue:
        """Parse a `DataStreamValue`; `value` and `updatedAt` are absent for a never-set one.

        The value is kept as sent: a malformed one affects its own datastream only.
        """
        obj = _object(data, "datastream value")
        return cls(
            datastream_id=_int(obj, "dataStreamId"),
            pin=str(obj.get("pin", "")).lower(),
            raw=obj.get("value"),
            updated_at=_opt_int(obj, "updatedAt"),
        )


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """One stored value of a datastream."""

    ts: int
    """Epoch milliseconds."""
    value: Value

    @classmethod
    def from_json(cls, data: Any) -> HistoryPoint:
        """Parse one entry of the history `content`."""
        obj = _object(data, "history point")
        value = parse_value(obj.get("value"))
        if value is None:
            raise BlynkResponseError("history point without a value")
        return cls(ts=_int(obj, "createdAt"), value=value)


@dataclass(frozen=True, slots=True)
class UploadResult:
    """How many points a chunked upload sent, in how many requests."""

    points: int
    requests: int


@dataclass(frozen=True, slots=True)
class BatchUpdateResult:
    """What a batch update skipped: counters per reason, or per-row reasons in debug mode."""

    skipped: Mapping[str, int]
    reasons: tuple[str, ...]
    requests: int


@dataclass(frozen=True, slots=True)
class Listing[T]:
    """Every item of a paged read, and whether the pages added up to what the server counts."""

    items: list[T]
    complete: bool
    """Every page answered and the items add up to `totalElements`."""


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a paged read."""

    content: list[Any]
    total: int

    @classmethod
    def from_json(cls, data: Any) -> Page:
        """Parse the `{"content": [...], "totalElements": N}` envelope."""
        obj = _object(data, "page")
        return cls(
            content=_list(obj.get("content"), "page content"), total=_int(obj, "totalElements")
        )


@dataclass(frozen=True, slots=True)
class AccessToken:
    """An OAuth2 access token and its lifetime in seconds."""

    token: str = field(repr=False)
    expires_in: float

    @classmethod
    def from_json(cls, data: Any) -> AccessToken:
        """Parse the token endpoint's answer."""
        obj = _object(data, "token")
        expires_in = obj.get("expires_in")
        if isinstance(expires_in, bool) or not isinstance(expires_in, int | float):
            raise BlynkResponseError("`expires_in` is missing or not a number")
        return cls(token=_str(obj, "access_token"), expires_in=float(expires_in))


def parse_online(data: Any) -> bool:
    """Parse `{"connected": bool}`."""
    connected = _object(data, "connectivity").get("connected")
    if not isinstance(connected, bool):
        raise BlynkResponseError("`connected` is missing or not a boolean")
    return connected


def parse_datastreams(data: Any) -> list[Datastream]:
    """Parse a template's datastream list."""
    return [Datastream.from_json(item) for item in _list(data, "datastreams")]


def parse_batch_values(data: Any) -> dict[int, list[DatastreamValue]]:
    """Parse a batch read: a list of `{"deviceId", "dataStreams": [...]}`."""
    devices = [_object(item, "device values") for item in _list(data, "batch of devices")]
    return {
        _int(device, "deviceId"): [
            DatastreamValue.from_json(item)
            for item in _list(device.get("dataStreams"), "datastream values")
        ]
        for device in devices
    }


SECONDS_BELOW = 100_000_000_000
"""An export `ts` below this is in seconds (the year 5138), above it in milliseconds (1973)."""


def parse_export(data: Any, kind: DatastreamType | None = None) -> list[HistoryPoint]:
    """Parse a Device API export in JSON: `{"data": [{"ts", "value"}, ...]}`, oldest first."""
    rows = _list(_object(data, "export").get("data"), "exported rows")
    pairs = []
    for row in rows:
        obj = _object(row, "exported row")
        pairs.append((obj.get("ts"), obj.get("value")))
    return export_points(pairs, kind)


def export_points(
    rows: Iterable[tuple[Any, Any]], kind: DatastreamType | None
) -> list[HistoryPoint]:
    """Exported `(ts, value)` rows as points, oldest first.

    `ts` is read as seconds or milliseconds by its magnitude, as a number or a string (the
    docs type it UInt32 in seconds; other answers use milliseconds), or as a date and time
    in UTC. A row whose value does not fit the datastream's type is left out.
    """
    points = []
    for ts, raw in rows:
        try:
            value = _export_value(raw, kind)
        except BlynkResponseError:
            continue
        if value is not None:
            points.append(HistoryPoint(ts=_epoch_ms(ts), value=value))
    return sorted(points, key=lambda point: point.ts)


def _export_value(raw: Any, kind: DatastreamType | None) -> Value | None:
    if kind is None and isinstance(raw, str):
        text = raw.strip()  # a CSV cell of a datastream of unknown type: a number if it is one
        try:
            return _as_number(text)
        except BlynkResponseError:
            return text
    return coerce_value(raw, kind)


def _epoch_ms(raw: Any) -> int:
    """Epoch milliseconds of an exported timestamp (seconds, milliseconds or a date-time)."""
    if isinstance(raw, str) and not _INTEGER_TEXT.fullmatch(raw.strip()):
        try:
            moment = datetime.fromisoformat(raw.strip())
        except ValueError:
            moment = None
        if moment is not None:
            moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
            return round(moment.timestamp() * 1000)
    try:
        number = _as_number(raw) if not isinstance(raw, bool) else math.nan
    except BlynkResponseError:
        number = math.nan
    if not math.isfinite(number) or number < 0:
        raise BlynkResponseError("an exported row without a readable `ts`")
    return round(number * 1000) if number < SECONDS_BELOW else round(number)


def parse_pin_values(data: Any) -> dict[str, Any]:
    """Parse the Device API's `{"v1": 1.0, "v4": [lon, lat]}` object: raw values by pin."""
    return {pin.lower(): value for pin, value in _object(data, "pins").items()}


def parse_skipped(data: Any) -> tuple[dict[str, int], list[str]]:
    """Parse a batch update's skip counters and (debug mode) reasons."""
    obj = _object(data, "skip counters")
    counters = {
        key: count
        for key, count in obj.items()
        if isinstance(count, int) and not isinstance(count, bool)
    }
    return counters, [str(reason) for reason in obj.get("skippedRows") or ()]


ENUM_LABELS_KEY = "enumValues"
"""Inference: the documented `TemplateDataStream` names no field for an ENUM's rows (the console
calls them INCOMING and OUTCOME). Read under this key, when a server sends it, as a list of
`{"incoming": 0, "outcome": "Off"}` rows (`key`/`value` and `label`/`name` also read) or as an
object `{"0": "Off"}`; anything else reads as no labels, and the values show as numbers."""
_INCOMING_KEYS = ("incoming", "key", "value")
_OUTCOME_KEYS = ("outcome", "label", "name")


def _enum_labels(data: Any) -> tuple[tuple[int, str], ...]:
    """An ENUM's rows by incoming value; unreadable rows are left out, a repeated value too."""
    rows: list[tuple[Any, Any]]
    if isinstance(data, Mapping):
        rows = list(data.items())
    elif isinstance(data, list):
        rows = [
            (
                next((row[key] for key in _INCOMING_KEYS if key in row), None),
                next((row[key] for key in _OUTCOME_KEYS if key in row), None),
            )
            for row in data
            if isinstance(row, Mapping)
        ]
    else:
        return ()
    labels: dict[int, str] = {}
    for incoming, outcome in rows:
        number = _integral(incoming)
        if number is not None and isinstance(outcome, str) and outcome.strip():
            labels.setdefault(number, outcome.strip())
    return tuple(labels.items())


def _integral(value: Any) -> int | None:
    """An integer from a JSON number or a numeric text (`"2"`, `2.0`); None otherwise."""
    number = number_of(value)
    return None if number is None or not float(number).is_integer() else int(number)


def _list(data: Any, what: str) -> list[Any]:
    if not isinstance(data, list):
        raise BlynkResponseError(f"expected a list of {what}")
    return data


def _object(data: Any, what: str) -> Mapping[str, Any]:
    # JSON objects decode to dicts; `dict` is checked far faster than the `Mapping` ABC, and a
    # batch read parses one object per value.
    if not isinstance(data, dict):
        raise BlynkResponseError(f"expected a JSON object for the {what}")
    return data


def _int(obj: Mapping[str, Any], key: str) -> int:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise BlynkResponseError(f"`{key}` is missing or not an integer")
    return value


def _str(obj: Mapping[str, Any], key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise BlynkResponseError(f"`{key}` is missing or not a string")
    return value


def _opt_int(obj: Mapping[str, Any], key: str) -> int | None:
    value = obj.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _opt_float(obj: Mapping[str, Any], key: str) -> float | None:
    value = obj.get(key)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _opt_str(obj: Mapping[str, Any], key: str) -> str | None:
    value = obj.get(key)
    return value if isinstance(value, str) and value else None
