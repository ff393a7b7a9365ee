"""Binary sensors: each device's connectivity, and read-only BOOLEAN datastreams."""

from collections.abc import Hashable
from typing import override

from homeassistant.components.binary_sensor import BinarySensorEntity
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .backend import BlynkDevice
from .coordinator import BlynkConfigEntry, BlynkConnectivityCoordinator, BlynkRuntimeData
from .entity import (
    BlynkDatastreamEntity,
    BlynkEntity,
    async_add_datastream_entities,
    async_add_device_entities,
)
from .mapping import EntityKind, is_on, on_off_values

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BlynkConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add connectivity per device and a binary sensor per read-only BOOLEAN datastream."""
    async_add_device_entities(entry, BlynkConnectivitySensor, async_add_entities)
    async_add_datastream_entities(
        entry, EntityKind.BINARY_SENSOR, BlynkDatastreamBinarySensor, async_add_entities
    )


class BlynkConnectivitySensor(BlynkEntity[BlynkConnectivityCoordinator], BinarySensorEntity):
    """Whether the device is connected to Blynk now.

    The device's other entities stay available while it is offline: Blynk keeps the last values.
    """

    _attr_device_class = BinarySensorDeviceClass.CONNECTIVITY
    _attr_entity_category = EntityCategory.DIAGNOSTIC

    def __init__(self, runtime: BlynkRuntimeData, device: BlynkDevice) -> None:
        """Read from the connectivity coordinator."""
        super().__init__(runtime.connectivity, runtime, device)
        self._attr_unique_id = runtime.backend.connectivity_unique_id(device)

    @property
    @override
    def is_on(self) -> bool | None:
        return self.coordinator.data.get(self.device.id)

    @override
    def _state_key(self) -> Hashable:
        return self.is_on


class BlynkDatastreamBinarySensor(BlynkDatastreamEntity, BinarySensorEntity):
    """A read-only on/off datastream."""

    @property
    @override
    def is_on(self) -> bool | None:
        return is_on(self.raw_value, *on_off_values(self.datastream, self.override))
