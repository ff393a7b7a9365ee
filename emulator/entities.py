"""The entities of an emulated Blynk organization, as plain data classes.

They are built from a validated scenario by :mod:`emulator.state`; their JSON views
for the Platform API live in :mod:`emulator.views`.
"""

from dataclasses import dataclass, field
from typing import Any

DATASTREAM_TYPES = frozenset({"STRING", "INT", "DOUBLE", "BOOLEAN", "LOCATION", "ENUM"})
PIN_LETTERS = {"VIRTUAL": "v", "DIGITAL": "d", "ANALOG": "a"}
LETTER_PIN_TYPES = {letter: pin_type for pin_type, letter in PIN_LETTERS.items()}


@dataclass(frozen=True, slots=True)
class Datastream:
    """A datastream of a template: identity, type, pin and limits."""

    id: int
    label: str
    alias: str
    type: str
    pin: int
    pin_type: str
    minimum: float | None
    maximum: float | None
    definition: dict[str, Any]

    @property
    def pin_name(self) -> str:
        """Return the pin as the APIs write it, e.g. ``v5``."""
        return f"{PIN_LETTERS[self.pin_type]}{self.pin}"


@dataclass(slots=True)
class Template:
    """A template (product) with its datastreams and event codes."""

    id: int
    org_id: int
    name: str
    parent_id: int | None
    definition: dict[str, Any]
    datastreams: dict[int, Datastream]
    event_codes: frozenset[str]
    by_pin: dict[str, Datastream] = field(default_factory=dict)
    by_label: dict[str, Datastream] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Index the datastreams by pin and by label."""
        self.by_pin = {ds.pin_name: ds for ds in self.datastreams.values()}
        self.by_label = {ds.label: ds for ds in self.datastreams.values()}


@dataclass(slots=True)
class Organization:
    """An organization; ``definition`` is its scenario entry."""

    id: int
    name: str
    parent_id: int | None
    definition: dict[str, Any]


@dataclass(slots=True)
class OAuthClient:
    """An OAuth2 client of an organization, in one region."""

    client_id: str
    secret: str
    org_id: int
    platform_api: bool
    region: str


@dataclass(slots=True)
class Device:
    """A device: identity, connectivity and current and historical values.

    ``values`` maps a datastream id to ``(updated_at_ms, wire_value)``; ``history``
    maps a datastream id to ``(ts_ms, wire_value)`` points in ascending order.
    """

    id: int
    name: str
    template_id: int
    org_id: int
    token: str
    region: str
    online: bool
    definition: dict[str, Any]
    metafields: list[dict[str, Any]]
    values: dict[int, tuple[int, Any]] = field(default_factory=dict)
    history: dict[int, list[tuple[int, Any]]] = field(default_factory=dict)
    connect_time: int = 0
    disconnect_time: int = 0
    last_event_at: int = 0
