"""Selects: writable ENUM datastreams, with the template's labels as options."""

from functools import cached_property
from typing import override

from homeassistant.components.select import SelectEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import BlynkConfigEntry
from .entity import BlynkDatastreamEntity, async_add_datastream_entities
from .mapping import Choices, EntityKind, enum_options

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
    def _choices(self) -> Choices:
        return enum_options(self.datastream, self.override)

    @property
    @override
    def options(self) -> list[str]:
        return self._choices.options

    @property
    @override
    def current_option(self) -> str | None:
        # A value outside the options (Blynk's fallback, say) is none of them: unknown.
        return self._choices.name_of(self.raw_value)

    @override
    async def async_select_option(self, option: str) -> None:
        await self.async_write_value(self._choices.value_of(option, self.datastream))
