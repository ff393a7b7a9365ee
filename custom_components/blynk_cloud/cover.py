"""Covers: a position as a range, and an open/close datastream."""

from typing import Any, override

from homeassistant.components.cover import (
    ATTR_POSITION,
    CoverDeviceClass,
    CoverEntity,
    CoverEntityFeature,
)
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .combined import BlynkPositionEntity
from .coordinator import BlynkConfigEntry
from .entity import async_add_combined_entities

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BlynkConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the covers the options or a product profile combine."""
    async_add_combined_entities(entry, Platform.COVER, BlynkCover, async_add_entities)


class BlynkCover(BlynkPositionEntity, CoverEntity):
    """A cover (blind, shutter, gate, garage door) with a position or open/close."""

    _opens = CoverEntityFeature.OPEN | CoverEntityFeature.CLOSE
    _sets_position = CoverEntityFeature.SET_POSITION
    _device_classes = CoverDeviceClass

    @property
    @override
    def current_cover_position(self) -> int | None:
        return self.position

    @property
    @override
    def is_closed(self) -> bool | None:
        return self.closed

    @override
    async def async_set_cover_position(self, **kwargs: Any) -> None:
        await self.async_move(kwargs[ATTR_POSITION])

    @override
    async def async_open_cover(self, **kwargs: Any) -> None:
        await self.async_move(100)

    @override
    async def async_close_cover(self, **kwargs: Any) -> None:
        await self.async_move(0)
