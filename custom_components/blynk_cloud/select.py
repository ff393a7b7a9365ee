"""Selects: writable ENUM datastreams, with the template's labels as options."""

from functools import cached_property
from typing import override

from homeassistant.components.select import SelectEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import BlynkConfigEntry
from .entity import BlynkDatastreamEntity, async_add_datastream_entities
from .mapping import EntityKind, enum_label, enum_options

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BlynkConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a select per datastream mapped to one."""
    async_add_datastream_entities(entry, EntityKind.SELECT, BlynkSelect, async_add_entities)


class BlynkSelect(BlynkDatastreamEntity, SelectEntity):
    """A choice among an ENUM's values, shown by their labels (or numbers, without labels).

    Voice assistants and the selector card offer the labels; Blynk receives the value.
    """

    @cached_property
    def _labels(self) -> dict[int, str]:
        return enum_options(self.datastream, self.override)

    @property
    @override
    def options(self) -> list[str]:
        return list(self._labels.values())

    @property
    @override
    def current_option(self) -> str | None:
        return enum_label(self.raw_value, self._labels)

    @override
    async def async_select_option(self, option: str) -> None:
        value = next(value for value, label in self._labels.items() if label == option)
        await self.async_write_value(value)
