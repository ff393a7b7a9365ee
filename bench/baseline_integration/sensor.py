"""One sensor per in-memory value, optionally on devices and with a device class."""

from typing import override

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity, SensorStateClass
from homeassistant.const import UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType
from homeassistant.helpers.update_coordinator import CoordinatorEntity, DataUpdateCoordinator

from . import CONF_DEVICE_CLASS_SENSORS, CONF_DEVICES, DOMAIN, BaselineConfigEntry

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BaselineConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a sensor per value of the coordinator."""
    coordinator = entry.runtime_data
    devices: int = entry.data.get(CONF_DEVICES, 0)
    with_class: int = entry.data.get(CONF_DEVICE_CLASS_SENSORS, 0)
    keys = list(coordinator.data)
    per_device = -(-len(keys) // devices) if devices else 0
    async_add_entities(
        BaselineSensor(
            coordinator,
            entry.entry_id,
            key,
            device=index // per_device if per_device else None,
            temperature=index < with_class,
        )
        for index, key in enumerate(keys)
    )


class BaselineSensor(CoordinatorEntity[DataUpdateCoordinator[dict[str, float]]], SensorEntity):
    """A value of the coordinator."""

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: DataUpdateCoordinator[dict[str, float]],
        entry_id: str,
        key: str,
        *,
        device: int | None,
        temperature: bool,
    ) -> None:
        """Name the sensor after its key; attach it to its device, if any."""
        super().__init__(coordinator)
        self._key = key
        self._attr_unique_id = f"{entry_id}_{key}"
        self._attr_name = key
        if device is not None:
            self._attr_device_info = DeviceInfo(
                identifiers={(DOMAIN, f"{entry_id}_{device}")},
                name=f"Baseline device {device}",
                manufacturer="Benchmark",
                model="Baseline",
                model_id="BASELINE",
                sw_version="1.0.0",
                hw_version="ESP32",
            )
        if temperature:
            self._attr_device_class = SensorDeviceClass.TEMPERATURE
            self._attr_native_unit_of_measurement = UnitOfTemperature.CELSIUS
            self._attr_state_class = SensorStateClass.MEASUREMENT

    @property
    @override
    def native_value(self) -> StateType:
        return self.coordinator.data.get(self._key)
