"""Valves: a position as a range, and an open/close datastream."""

from typing import override

from homeassistant.components.valve.const import ValveDeviceClass, ValveEntityFeature
from homeassistant.components.valve.entity import ValveEntity
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .backend import BlynkDevice
from .combination import Combination
from .combined import BlynkPositionEntity
from .coordinator import BlynkConfigEntry, BlynkRuntimeData
from .entity import async_add_combined_entities

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BlynkConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the valves the options or a product profile combine."""
    async_add_combined_entities(entry, Platform.VALVE, BlynkValve, async_add_entities)


class BlynkValve(BlynkPositionEntity, ValveEntity):
    """A valve; with a position, opening and closing go through the position."""

    _opens = ValveEntityFeature.OPEN | ValveEntityFeature.CLOSE
    _sets_position = ValveEntityFeature.SET_POSITION
    _device_classes = ValveDeviceClass

    def __init__(
        self, runtime: BlynkRuntimeData, device: BlynkDevice, combination: Combination
    ) -> None:
        """A valve with a position reports it."""
        super().__init__(runtime, device, combination)
        self._attr_reports_position = self.positioned

    @property
    @override
    def current_valve_position(self) -> int | None:
        return self.position

    @property
    @override
    def is_closed(self) -> bool | None:
        return self.closed

    @override
    async def async_set_valve_position(self, position: int) -> None:
        await self.async_move(position)

    @override
    async def async_open_valve(self) -> None:
        await self.async_move(100)

    @override
    async def async_close_valve(self) -> None:
        await self.async_move(0)
