"""Which device a device token belongs to, told without the token.

A device-mode entry knows its device by the auth token alone, and the token changes when it is
regenerated in the Blynk console: the entry's unique ID, device and entities must stay, yet a
token of another device must not take the entry over. The Device API reveals three things of the
device itself: its "Device Name" metafield, its product (template) name, and the pins that have
values. None is unique and each may change (a rename), but together they tell most other devices
from this one; where they cannot, the user is shown the device and asked.
"""

from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from enum import Enum
from typing import Any

from .api import BlynkDeviceClient, BlynkError, pin_order
from .const import CONF_IDENTITY


class Match(Enum):
    """How a device compares with the one an entry was made for."""

    SAME = "same"
    OTHER = "other"
    UNSURE = "unsure"


@dataclass(frozen=True, slots=True)
class DeviceIdentity:
    """What the Device API reveals of a device (nothing secret: kept in the entry's data)."""

    name: str | None
    """The "Device Name" metafield (None: the template has none)."""
    product: str | None
    """The template's name (None: the server did not say it)."""
    pins: frozenset[str]
    """The pins that have values."""

    @classmethod
    async def read(cls, client: BlynkDeviceClient) -> DeviceIdentity:
        """Ask the Device API (three requests); what it does not answer stays unknown."""
        name = product = None
        pins: frozenset[str] = frozenset()
        with suppress(BlynkError):  # a template without the metafield
            name = await client.device_name()
        with suppress(BlynkError):
            product = await client.product_name()
        with suppress(BlynkError):
            pins = frozenset(await client.get_all())
        return cls(name=name, product=product, pins=pins)

    @classmethod
    def from_data(cls, data: Mapping[str, Any] | None) -> DeviceIdentity | None:
        """The identity an entry keeps (None: made before identities were kept)."""
        if not data:
            return None
        return cls(
            name=data.get("name"), product=data.get("product"), pins=frozenset(data.get("pins", ()))
        )

    @classmethod
    def read_data(cls, data: Mapping[str, Any]) -> DeviceIdentity:
        """The identity in new entry data (the config flow always reads one)."""
        return cls.from_data(data[CONF_IDENTITY]) or cls(name=None, product=None, pins=frozenset())

    def ordered_pins(self) -> list[str]:
        """The pins as people count them: v2 before v10."""
        return sorted(self.pins, key=pin_order)

    def as_data(self) -> dict[str, Any]:
        """The identity as an entry keeps it."""
        return {"name": self.name, "product": self.product, "pins": sorted(self.pins)}

    def compare(self, found: DeviceIdentity) -> Match:
        """Whether `found` is this device, another one, or cannot be told.

        Another product, or no pin in common, is another device. The same name and product,
        with every pin this one had, is this device (its token was regenerated). Anything else
        (a rename, an unknown name or product) is for the user to tell.
        """
        if self.product and found.product and self.product != found.product:
            return Match.OTHER
        if self.pins and found.pins and not self.pins & found.pins:
            return Match.OTHER
        if (
            self.name
            and (self.name, self.product) == (found.name, found.product)
            and self.pins <= found.pins
        ):
            return Match.SAME
        return Match.UNSURE
