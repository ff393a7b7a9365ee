r"""Widget (datastream) properties: the documented names and value formats.

The 34 names are the ``DataStreamPropertyName`` enum of the Platform API. Formats
from the widget-properties page: colours ``#RRGGBB``; ``isOnPlay``, ``isDisabled``,
``isHidden``, ``isMuted``, ``loop``, ``autoplay`` are ``true``/``false``; ``opacity``
and ``scale`` are 0-100 (%); ``rotation`` is 0-360 degrees; ``min``, ``max`` and
``step`` are numbers. Platform API values hold at most 200 characters.

Inferences:
- Colour names (``red``) are not accepted, only ``#RRGGBB``; ``true``/``false`` are
  lower case.
- ``maximumFractionDigits`` must be a whole number 0-10.
- A list property (``labels``, ``urls``, ``icons``) sent as several values through the
  Device HTTPS API is stored as the values joined with NUL (``\\u0000``), Blynk's
  documented multi-value separator.
"""

import math
import re

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
MAX_PLATFORM_VALUE = 200
MULTI_VALUE_SEPARATOR = "\u0000"

_COLOURS = frozenset({"color", "onBackColor", "offBackColor", "onColor", "offColor", "backColor"})
_BOOLEANS = frozenset({"isOnPlay", "isDisabled", "isHidden", "isMuted", "loop", "autoplay"})
_NUMBERS: dict[str, tuple[float, float]] = {
    "min": (-math.inf, math.inf),
    "max": (-math.inf, math.inf),
    "step": (-math.inf, math.inf),
    "opacity": (0.0, 100.0),
    "scale": (0.0, 100.0),
    "rotation": (0.0, 360.0),
}
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
_FRACTION_DIGITS = re.compile(r"\d{1,2}")
MAX_FRACTION_DIGITS = 10


def is_known(name: str) -> bool:
    """Return whether ``name`` is one of the documented property names."""
    return name in PROPERTY_NAMES


def is_valid(name: str, value: str) -> bool:
    """Return whether ``value`` has the documented format of property ``name``."""
    if name in _COLOURS:
        return _COLOUR.fullmatch(value) is not None
    if name in _BOOLEANS:
        return value in {"true", "false"}
    if name in _NUMBERS:
        low, high = _NUMBERS[name]
        try:
            number = float(value)
        except ValueError:
            return False
        return math.isfinite(number) and low <= number <= high
    if name == "maximumFractionDigits":
        return _FRACTION_DIGITS.fullmatch(value) is not None and int(value) <= MAX_FRACTION_DIGITS
    return True
