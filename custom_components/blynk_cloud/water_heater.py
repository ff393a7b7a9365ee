"""Water heaters: pool and water heaters with a target temperature and power."""

from typing import Any, override

from homeassistant.components.water_heater import WaterHeaterEntity
from homeassistant.components.water_heater.const import (
    ATTR_OPERATION_MODE,
    WaterHeaterEntityFeature,
)
from homeassistant.const import ATTR_TEMPERATURE, STATE_OFF, STATE_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .backend import BlynkDevice
from .combination import Combination
from .combined import POWER, BlynkTemperatureEntity
from .coordinator import BlynkConfigEntry, BlynkRuntimeData
from .entity import async_add_combined_entities

PARALLEL_UPDATES = 1
OPERATION = "operation"


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BlynkConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the water heaters the options or a product profile combine."""
    async_add_combined_entities(entry, Platform.WATER_HEATER, BlynkWaterHeater, async_add_entities)


class BlynkWaterHeater(BlynkTemperatureEntity, WaterHeaterEntity):
    """A heater: its state is its operation mode, or on and off."""

    def __init__(
        self, runtime: BlynkRuntimeData, device: BlynkDevice, combination: Combination
    ) -> None:
        """Features and operation modes from the parts."""
        super().__init__(runtime, device, combination)
        features = WaterHeaterEntityFeature.TARGET_TEMPERATURE
        operations = self.options(OPERATION)
        if self.has(POWER) or STATE_OFF in operations:
            features |= WaterHeaterEntityFeature.ON_OFF
        if self.has(OPERATION):
            features |= WaterHeaterEntityFeature.OPERATION_MODE
            if self.has(POWER) and STATE_OFF not in operations:
                operations.append(STATE_OFF)
            self._attr_operation_list = operations
        self._attr_supported_features = features
        self._on_operation = next((op for op in operations if op != STATE_OFF), None)
        """The operation turning on returns to, where an operation is off (no power part)."""

    @property
    @override
    def current_operation(self) -> str | None:
        if self.has(POWER):
            powered = self.is_switched_on(POWER)
            if powered is None:
                return None
            if not powered:
                return STATE_OFF
        return self.choice(OPERATION) if self.has(OPERATION) else STATE_ON

    @override
    async def async_set_temperature(self, **kwargs: Any) -> None:
        writes = self.target_writes(kwargs[ATTR_TEMPERATURE])
        if (operation := kwargs.get(ATTR_OPERATION_MODE)) is not None:
            writes.update(self._operation_writes(operation))
        await self.async_write(writes)

    @override
    async def async_set_operation_mode(self, operation_mode: str) -> None:
        await self.async_write(self._operation_writes(operation_mode))

    @override
    async def async_turn_on(self, **kwargs: Any) -> None:
        if self.has(POWER):
            await self.async_write(self.power_writes(on=True))
        else:
            await self.async_set_operation_mode(self._on_operation or STATE_ON)

    @override
    async def async_turn_off(self, **kwargs: Any) -> None:
        await self.async_set_operation_mode(STATE_OFF)

    def _operation_writes(self, operation: str) -> dict[str, Any]:
        """Off switches the power off; another mode switches it on, with the mode."""
        if self.has(POWER) and operation == STATE_OFF:
            return self.power_writes(on=False)
        writes = self.power_writes(on=True) if self.has(POWER) else {}
        writes[OPERATION] = self.choice_value(OPERATION, operation)
        if operation != STATE_OFF:
            self._on_operation = operation
        return writes
