"""Numbers: writable INT and DOUBLE datastreams, bounded as the template (or the options) say."""

from typing import override

from homeassistant.components.number import NumberDeviceClass, NumberEntity, NumberMode
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import Datastream, DatastreamType
from .backend import BlynkDevice
from .coordinator import BlynkConfigEntry, BlynkRuntimeData
from .entity import BlynkDatastreamEntity, async_add_datastream_entities
from .mapping import EntityKind, Override, is_bounded, number_bounds, unit_spec

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BlynkConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a number per datastream mapped to one."""
    async_add_datastream_entities(entry, EntityKind.NUMBER, BlynkNumber, async_add_entities)


class BlynkNumber(BlynkDatastreamEntity, NumberEntity):
    """A settable number: a slider when bounded, a box when not."""

    def __init__(
        self,
        runtime: BlynkRuntimeData,
        device: BlynkDevice,
        datastream: Datastream,
        user_override: Override,
    ) -> None:
        """Take bounds, step and unit from the options, else the template."""
        super().__init__(runtime, device, datastream, user_override)
        low, high, step = number_bounds(datastream, user_override)
        self._attr_native_min_value = low
        self._attr_native_max_value = high
        self._attr_native_step = step
        self._attr_mode = (
            NumberMode.AUTO if is_bounded(datastream, user_override) else NumberMode.BOX
        )
        self._integer = datastream.type is not DatastreamType.DOUBLE
        spec = unit_spec(datastream)
        self._attr_native_unit_of_measurement = spec.unit
        if spec.device_class is not None and spec.device_class in NumberDeviceClass:
            self._attr_device_class = NumberDeviceClass(spec.device_class)

    @property
    @override
    def native_value(self) -> float | None:
        value = self.raw_value
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return value

    @override
    async def async_set_native_value(self, value: float) -> None:
        await self.async_write_value(round(value) if self._integer else value)
