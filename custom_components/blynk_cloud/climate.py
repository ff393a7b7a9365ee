"""Climate: thermostats and air conditioners combined from datastreams."""

from typing import Any, override

from homeassistant.components.climate import ClimateEntity
from homeassistant.components.climate.const import (
    ATTR_HVAC_MODE,
    ClimateEntityFeature,
    HVACAction,
    HVACMode,
)
from homeassistant.const import ATTR_TEMPERATURE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .backend import BlynkDevice
from .combination import Combination
from .combined import POWER, TARGET, BlynkTemperatureEntity
from .coordinator import BlynkConfigEntry, BlynkRuntimeData
from .entity import async_add_combined_entities

PARALLEL_UPDATES = 1
DEFAULT_MODE = HVACMode.HEAT
"""The mode of a thermostat without a mode datastream, while it is on."""
MODE = "hvac_mode"
ACTION = "hvac_action"
FAN_MODE = "fan_mode"
PRESET = "preset"
HUMIDITY = "current_humidity"


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BlynkConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the thermostats the options or a product profile combine."""
    async_add_combined_entities(entry, Platform.CLIMATE, BlynkClimate, async_add_entities)


class BlynkClimate(BlynkTemperatureEntity, ClimateEntity):
    """A target temperature with, optionally, power, modes, fan modes and readings."""

    def __init__(
        self, runtime: BlynkRuntimeData, device: BlynkDevice, combination: Combination
    ) -> None:
        """Work out the modes and features from the parts."""
        super().__init__(runtime, device, combination)
        modes = [HVACMode(name) for name in self.options(MODE)] or [DEFAULT_MODE]
        if self.has(POWER) and HVACMode.OFF not in modes:
            modes.insert(0, HVACMode.OFF)
        self._attr_hvac_modes = modes
        features = ClimateEntityFeature(0)
        if not self.part(TARGET).read_only:
            features |= ClimateEntityFeature.TARGET_TEMPERATURE
        if HVACMode.OFF in modes and (self.has(POWER) or self.writable(MODE)):
            # Turning off writes the power or an off mode: only what the device has.
            features |= ClimateEntityFeature.TURN_OFF | ClimateEntityFeature.TURN_ON
        if self.has(FAN_MODE):
            features |= ClimateEntityFeature.FAN_MODE
            self._attr_fan_modes = self.options(FAN_MODE)
        if self.has(PRESET):
            features |= ClimateEntityFeature.PRESET_MODE
            self._attr_preset_modes = self.options(PRESET)
        self._attr_supported_features = features
        self._on_mode = next((mode for mode in modes if mode is not HVACMode.OFF), DEFAULT_MODE)
        """The mode turning on without a power datastream returns to."""

    @property
    @override
    def current_humidity(self) -> float | None:
        return self.number(HUMIDITY)

    @property
    @override
    def hvac_mode(self) -> HVACMode | None:
        if self.has(POWER) and not self.is_switched_on(POWER):
            return None if self.value(POWER) is None else HVACMode.OFF
        if not self.has(MODE):
            return DEFAULT_MODE
        name = self.choice(MODE)
        return None if name is None else HVACMode(name)

    @property
    @override
    def hvac_action(self) -> HVACAction | None:
        if self.hvac_mode is HVACMode.OFF:
            return HVACAction.OFF
        name = self.choice(ACTION)
        return None if name is None else HVACAction(name)

    @property
    @override
    def fan_mode(self) -> str | None:
        return self.choice(FAN_MODE)

    @property
    @override
    def preset_mode(self) -> str | None:
        return self.choice(PRESET)

    @override
    async def async_set_temperature(self, **kwargs: Any) -> None:
        writes = self._mode_writes(kwargs[ATTR_HVAC_MODE]) if ATTR_HVAC_MODE in kwargs else {}
        await self.async_write({**writes, **self.target_writes(kwargs[ATTR_TEMPERATURE])})

    @override
    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        await self.async_write(self._mode_writes(hvac_mode))

    @override
    async def async_turn_on(self) -> None:
        # The device keeps its mode while its power is off: switching power on is enough.
        if self.has(POWER):
            await self.async_write(self.power_writes(on=True))
        else:
            await self.async_set_hvac_mode(self._on_mode)

    @override
    async def async_turn_off(self) -> None:
        await self.async_set_hvac_mode(HVACMode.OFF)

    @override
    async def async_set_fan_mode(self, fan_mode: str) -> None:
        await self.async_write({FAN_MODE: self.choice_value(FAN_MODE, fan_mode)})

    @override
    async def async_set_preset_mode(self, preset_mode: str) -> None:
        await self.async_write({PRESET: self.choice_value(PRESET, preset_mode)})

    def _mode_writes(self, mode: HVACMode) -> dict[str, Any]:
        """Power and mode for an HVAC mode, to send together; off switches power off."""
        if self.has(POWER) and mode is HVACMode.OFF:
            return self.power_writes(on=False)
        writes = self.power_writes(on=True) if self.has(POWER) else {}
        if self.has(MODE):
            writes[MODE] = self.choice_value(MODE, mode)
        if mode is not HVACMode.OFF:
            self._on_mode = mode
        return writes
