"""Datastream values: type checks, parsing and clamping as Blynk documents them.

Wire form (what the emulator stores and answers): INT and ENUM -> ``int``,
DOUBLE -> ``float``, STRING -> ``str``, BOOLEAN -> ``int`` 0 or 1,
LOCATION -> ``[longitude, latitude]`` (two floats).

Documented: values that don't match the type are rejected; numbers outside the
datastream's min/max are clamped ("cropped"); INT is a 32-bit integer; strings hold
at most 1024 bytes; locations are ``[lon, lat]``.

Inferences:
- BOOLEAN values are answered as the numbers 1/0 (the documented ``DataStreamRawValue``
  has no boolean branch); writes accept JSON ``true``/``false``/0/1 and, as text,
  ``true``/``false``/``1``/``0`` in any letter case.
- JSON writes are strictly typed: INT/ENUM need an integral number (``5.0`` is 5),
  DOUBLE a number, STRING a string, LOCATION an array of two numbers. Booleans are
  not numbers.
- Text writes (Device HTTPS API): INT/ENUM need an optional sign and digits only,
  DOUBLE any finite decimal number.
- Longitude must be within -180..180 and latitude within -90..90.
- The single-value text of a DOUBLE is Python's shortest round-trip form
  (``21.5``, ``100.0``); a location's text is its compact JSON array.
"""

from collections.abc import Sequence
import json
import math
import re
from typing import Any

from .entities import LETTER_PIN_TYPES, Datastream

INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
MAX_STRING_BYTES = 1024
MAX_LONGITUDE = 180.0
MAX_LATITUDE = 90.0
_PAIR = 2
_INTEGER_TEXT = re.compile(r"[+-]?\d+")
_PIN_TEXT = re.compile(r"([vVdDaA])(\d{1,3})")


class ValueMismatchError(ValueError):
    """The value does not match the datastream's data type."""


def is_number(value: Any) -> bool:
    """Return whether ``value`` is a JSON number (booleans are not)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse_pin(text: str) -> tuple[str, int] | None:
    """Parse ``v5``/``V5``/``d3``/``a0`` into ``(pin_type, number)``; None if malformed."""
    match = _PIN_TEXT.fullmatch(text)
    if match is None:
        return None
    return LETTER_PIN_TYPES[match.group(1).lower()], int(match.group(2))


def pin_key(text: str) -> str | None:
    """Return the canonical pin name (``v5``) of a pin text, or None if malformed."""
    parsed = parse_pin(text)
    return None if parsed is None else text[0].lower() + str(parsed[1])


def from_json(ds: Datastream, value: Any) -> Any:
    """Check and normalise a JSON value for ``ds``; clamp numbers to its min/max."""
    if ds.type == "STRING":
        if not isinstance(value, str):
            raise ValueMismatchError(value)
        return _string(value)
    if ds.type == "LOCATION":
        if not (isinstance(value, list) and len(value) == _PAIR and all(map(is_number, value))):
            raise ValueMismatchError(value)
        return _location(float(value[0]), float(value[1]))
    if ds.type == "BOOLEAN":
        return _json_boolean(value)
    if not is_number(value) or not math.isfinite(value):
        raise ValueMismatchError(value)
    if ds.type == "DOUBLE":
        return _clamp(ds, float(value))
    if isinstance(value, float) and not value.is_integer():
        raise ValueMismatchError(value)
    return _integer(ds, int(value))


def from_text(ds: Datastream, texts: Sequence[str]) -> Any:
    """Parse query-string values for ``ds`` (two for a location, else one)."""
    if ds.type == "LOCATION":
        if len(texts) != _PAIR:
            raise ValueMismatchError(texts)
        return _location(_finite(texts[0]), _finite(texts[1]))
    if len(texts) != 1:
        raise ValueMismatchError(texts)
    text = texts[0]
    if ds.type == "STRING":
        return _string(text)
    if ds.type == "BOOLEAN":
        lowered = text.lower()
        if lowered in {"true", "1"}:
            return 1
        if lowered in {"false", "0"}:
            return 0
        raise ValueMismatchError(text)
    if ds.type == "DOUBLE":
        return _clamp(ds, _finite(text))
    if _INTEGER_TEXT.fullmatch(text) is None:
        raise ValueMismatchError(text)
    return _integer(ds, int(text))


def to_text(value: Any) -> str:
    """Render a wire value as the Device HTTPS API's plain-text single value."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return json.dumps(value, separators=(",", ":"))
    return repr(value)


def _json_boolean(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if is_number(value) and value in {0, 1}:
        return int(value)
    raise ValueMismatchError(value)


def _string(value: str) -> str:
    if len(value.encode()) > MAX_STRING_BYTES:
        raise ValueMismatchError(value)
    return value


def _finite(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise ValueMismatchError(text) from None
    if not math.isfinite(number):
        raise ValueMismatchError(text)
    return number


def _location(lon: float, lat: float) -> list[float]:
    if not (-MAX_LONGITUDE <= lon <= MAX_LONGITUDE and -MAX_LATITUDE <= lat <= MAX_LATITUDE):
        raise ValueMismatchError([lon, lat])
    return [lon, lat]


def _integer(ds: Datastream, value: int) -> int:
    if not INT_MIN <= value <= INT_MAX:
        raise ValueMismatchError(value)
    if ds.minimum is not None:
        value = max(value, math.ceil(ds.minimum))
    if ds.maximum is not None:
        value = min(value, math.floor(ds.maximum))
    return value


def _clamp(ds: Datastream, value: float) -> float:
    if ds.minimum is not None:
        value = max(value, float(ds.minimum))
    if ds.maximum is not None:
        value = min(value, float(ds.maximum))
    return value
