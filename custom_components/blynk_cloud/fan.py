"""Fans: power, speed as a percentage of a range, presets and oscillation from datastreams."""

import math
from typing import Any, override

from homeassistant.components.fan import FanEntity
from homeassistant.components.fan.const import FanEntityFeature
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import DatastreamType
from .backend import BlynkDevice
from .combination import Combination
from .combined import POWER, BlynkCombinedEntity
from .coordinator import BlynkConfigEntry, BlynkRuntimeData
from .entity import async_add_combined_entities

PARALLEL_UPDATES = 1
SPEED = "speed"
PRESET = "preset"
OSCILLATE = "oscillate"


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BlynkConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the fans the options or a product profile combine."""
    async_add_combined_entities(entry, Platform.FAN, BlynkFan, async_add_entities)


class BlynkFan(BlynkCombinedEntity, FanEntity):
    """A fan: a speed of 0 is off where there is no power datastream."""

    def __init__(
        self, runtime: BlynkRuntimeData, device: BlynkDevice, combination: Combination
    ) -> None:
        """Features and speed count from the parts."""
        super().__init__(runtime, device, combination)
        features = FanEntityFeature(0)
        if self.has(POWER) or (self.has(SPEED) and self.bounds(SPEED)[0] <= 0):
            features |= FanEntityFeature.TURN_ON | FanEntityFeature.TURN_OFF
        if self.has(SPEED):
            features |= FanEntityFeature.SET_SPEED
            first, high = self.speeds(SPEED)
            if device.datastreams[combination.parts[SPEED].pin].type is DatastreamType.DOUBLE:
                self._attr_speed_count = 100
            else:
                self._attr_speed_count = max(math.floor(high - first) + 1, 1)
        if self.has(PRESET):
            features |= FanEntityFeature.PRESET_MODE
            self._attr_preset_modes = self.options(PRESET)
        if self.has(OSCILLATE):
            features |= FanEntityFeature.OSCILLATE
        self._attr_supported_features = features
        self._resume = 100
        """The percentage a fan without power datastream resumes at when turned on."""

    @property
    @override
    def is_on(self) -> bool | None:
        if self.has(POWER):
            return self.is_switched_on(POWER)
        percentage = self.percentage
        return None if percentage is None else percentage > 0

    @property
    @override
    def percentage(self) -> int | None:
        if self.has(POWER) and self.is_switched_on(POWER) is False:
            return 0
        return self.percentage_of(SPEED) if self.has(SPEED) else None

    @property
    @override
    def preset_mode(self) -> str | None:
        return self.choice(PRESET)

    @property
    @override
    def oscillating(self) -> bool | None:
        return self.is_switched_on(OSCILLATE) if self.has(OSCILLATE) else None

    @override
    async def async_set_percentage(self, percentage: int) -> None:
        if percentage <= 0:
            await self.async_turn_off()
            return
        await self.async_turn_on(percentage=percentage)

    @override
    async def async_turn_on(
        self, percentage: int | None = None, preset_mode: str | None = None, **kwargs: Any
    ) -> None:
        writes: dict[str, Any] = {}
        if self.has(POWER):
            writes[POWER] = self.on_off(POWER)[0]
        elif percentage is None and preset_mode is None:
            percentage = self._resume
        if preset_mode is not None:
            writes[PRESET] = self.choice_value(PRESET, preset_mode)
        elif percentage is not None and self.has(SPEED):
            writes[SPEED] = self.from_percentage(SPEED, percentage)
        await self.async_write(writes)

    @override
    async def async_turn_off(self, **kwargs: Any) -> None:
        if self.has(POWER):
            await self.async_write({POWER: self.on_off(POWER)[1]})
            return
        if current := self.percentage:
            self._resume = current
        await self.async_write({SPEED: self.bounds(SPEED)[0]})

    @override
    async def async_set_preset_mode(self, preset_mode: str) -> None:
        await self.async_write({PRESET: self.choice_value(PRESET, preset_mode)})

    @override
    async def async_oscillate(self, oscillating: bool) -> None:
        await self.async_write({OSCILLATE: self.on_off(OSCILLATE)[0 if oscillating else 1]})
