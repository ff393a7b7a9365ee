"""Texts: writable STRING datastreams."""

from typing import override

from homeassistant.components.text import TextEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import BlynkConfigEntry
from .entity import BlynkDatastreamEntity, async_add_datastream_entities
from .mapping import MAX_STATE_LENGTH, EntityKind

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BlynkConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a text per datastream mapped to one."""
    async_add_datastream_entities(entry, EntityKind.TEXT, BlynkText, async_add_entities)


class BlynkText(BlynkDatastreamEntity, TextEntity):
    """A settable string (Home Assistant states hold 255 characters; Blynk keeps 1024 bytes)."""

    _attr_native_max = MAX_STATE_LENGTH

    @property
    @override
    def native_value(self) -> str | None:
        value = self.raw_value
        return None if value is None else str(value)[:MAX_STATE_LENGTH]

    @override
    async def async_set_value(self, value: str) -> None:
        await self.async_write_value(value)
