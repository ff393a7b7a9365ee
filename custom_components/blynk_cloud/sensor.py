"""Sensors: read-only datastreams, and device mode's message counters."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .api import Datastream, DatastreamType, Location, Value
from .backend import BlynkDevice
from .const import MONTHLY_MESSAGES_SENSOR, REQUESTS_SENSOR, Mode
from .coordinator import BlynkConfigEntry, BlynkRuntimeData
from .entity import BlynkDatastreamEntity, async_add_datastream_entities
from .mapping import MAX_STATE_LENGTH, Choices, EntityKind, Override, enum_options, unit_spec

PARALLEL_UPDATES = 0
SCAN_INTERVAL = timedelta(seconds=60)
"""How often the request counters refresh themselves (they read memory, not the network)."""


@dataclass(frozen=True, kw_only=True)
class BlynkSensorEntityDescription(SensorEntityDescription):
    """A sensor about the integration's own work rather than a datastream."""

    value_fn: Callable[[BlynkRuntimeData], StateType]


DEVICE_MODE_SENSORS = (
    BlynkSensorEntityDescription(
        key=REQUESTS_SENSOR,
        translation_key=REQUESTS_SENSOR,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=lambda runtime: runtime.backend.client.stats.requests,
    ),
    BlynkSensorEntityDescription(
        key=MONTHLY_MESSAGES_SENSOR,
        translation_key=MONTHLY_MESSAGES_SENSOR,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda runtime: runtime.values.monthly_messages,
    ),
)
"""Device mode pays one message of the plan's quota per request: these show the cost."""


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BlynkConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a sensor per read-only datastream, and device mode's counters."""
    async_add_datastream_entities(
        entry, EntityKind.SENSOR, BlynkDatastreamSensor, async_add_entities
    )
    runtime = entry.runtime_data
    if runtime.backend.mode is Mode.DEVICE:
        device = next(iter(runtime.discovery.data.values()))
        async_add_entities(
            BlynkUsageSensor(runtime, device, description) for description in DEVICE_MODE_SENSORS
        )


class BlynkDatastreamSensor(BlynkDatastreamEntity, SensorEntity):
    """A datastream shown as a sensor: numbers with units, an ENUM's options, or text."""

    def __init__(
        self,
        runtime: BlynkRuntimeData,
        device: BlynkDevice,
        datastream: Datastream,
        user_override: Override,
    ) -> None:
        """Take unit, device class and state class from the datastream's units."""
        super().__init__(runtime, device, datastream, user_override)
        self._numeric = datastream.type in (DatastreamType.INT, DatastreamType.DOUBLE)
        self._choices = Choices({})
        if datastream.type in (DatastreamType.INT, DatastreamType.DOUBLE):
            spec = unit_spec(datastream)
            self._attr_native_unit_of_measurement = spec.unit
            self._attr_device_class = spec.device_class
            self._attr_state_class = spec.state_class
        elif datastream.type is DatastreamType.ENUM:
            # Without labels or bounds there is no option list: the values show as numbers.
            self._choices = enum_options(datastream, user_override)
            if self._choices:
                self._attr_device_class = SensorDeviceClass.ENUM
                self._attr_options = self._choices.options

    @property
    @override
    def native_value(self) -> StateType:
        if self._choices:
            # A value outside the options (Blynk's fallback, say) is not one of them: unknown.
            return self._choices.name_of(self.raw_value)
        return _state(self.raw_value, numeric=self._numeric)


def _state(value: Value | None, *, numeric: bool) -> StateType:
    """A numeric datastream shows numbers only; text is cut to what a state can hold."""
    if value is None or isinstance(value, Location):
        return None
    if numeric:
        return value if isinstance(value, int | float) else None
    return str(value)[:MAX_STATE_LENGTH]


class BlynkUsageSensor(SensorEntity):
    """A counter of the entry's own requests.

    It reads a local counter, so it polls itself (no request): a coordinator would not call it
    when the values it read did not change, yet each such read still cost a message.
    """

    _attr_has_entity_name = True
    _attr_should_poll = True
    entity_description: BlynkSensorEntityDescription

    def __init__(
        self,
        runtime: BlynkRuntimeData,
        device: BlynkDevice,
        description: BlynkSensorEntityDescription,
    ) -> None:
        """Attach the counter to the entry's device."""
        self.runtime = runtime
        self.entity_description = description
        self._attr_device_info = runtime.backend.device_info(device)
        self._attr_unique_id = f"{runtime.backend.device_key(device)}_{description.key}"

    @property
    @override
    def native_value(self) -> StateType:
        return self.entity_description.value_fn(self.runtime)
