"""Switches: writable BOOLEAN datastreams, and writable INT datastreams bounded 0..1."""

from typing import Any, override

from homeassistant.components.switch import SwitchEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import Datastream
from .backend import BlynkDevice
from .coordinator import BlynkConfigEntry, BlynkRuntimeData
from .entity import BlynkDatastreamEntity, async_add_datastream_entities
from .mapping import EntityKind, Override, is_on, on_off_values

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BlynkConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a switch per datastream mapped to one."""
    async_add_datastream_entities(entry, EntityKind.SWITCH, BlynkSwitch, async_add_entities)


class BlynkSwitch(BlynkDatastreamEntity, SwitchEntity):
    """A datastream switched between its off value (minimum, else 0) and on value (maximum, else 1).

    Blynk's Switch widget sends configurable values, typically 1 and 0; the widget settings are
    not readable, so the datastream's bounds (or the options' bounds) stand in for them.
    """

    def __init__(
        self,
        runtime: BlynkRuntimeData,
        device: BlynkDevice,
        datastream: Datastream,
        user_override: Override,
    ) -> None:
        """Work out the on and off values."""
        super().__init__(runtime, device, datastream, user_override)
        self._on, self._off = on_off_values(datastream, user_override)

    @property
    @override
    def is_on(self) -> bool | None:
        return is_on(self.raw_value, self._on, self._off)

    @override
    async def async_turn_on(self, **kwargs: Any) -> None:
        await self.async_write_value(self._on)

    @override
    async def async_turn_off(self, **kwargs: Any) -> None:
        await self.async_write_value(self._off)
