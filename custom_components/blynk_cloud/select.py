"""Selects: writable ENUM datastreams, with the template's labels as options."""

from typing import override

from homeassistant.components.select import SelectEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import Datastream
from .backend import BlynkDevice
from .coordinator import BlynkConfigEntry, BlynkRuntimeData
from .entity import BlynkDatastreamEntity, async_add_datastream_entities
from .mapping import EntityKind, Override, enum_label, enum_options

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

    def __init__(
        self,
        runtime: BlynkRuntimeData,
        device: BlynkDevice,
        datastream: Datastream,
        override: Override,
    ) -> None:
        """List the options: value by label."""
        super().__init__(runtime, device, datastream, override)
        self._labels = enum_options(datastream, override)
        self._values = {label: value for value, label in self._labels.items()}
        self._attr_options = list(self._values)

    @property
    @override
    def current_option(self) -> str | None:
        return enum_label(self.raw_value, self._labels)

    @override
    async def async_select_option(self, option: str) -> None:
        await self.async_write_value(self._values[option])
