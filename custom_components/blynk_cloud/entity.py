"""Base entities: device info, unique IDs, availability, and writing state only on change."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Hashable
from typing import Any, override

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import Datastream, Value
from .backend import Backend, BlynkDevice
from .const import DOMAIN
from .coordinator import (
    BlynkConfigEntry,
    BlynkCoordinator,
    BlynkRuntimeData,
    BlynkValuesCoordinator,
)
from .errors import action_errors
from .mapping import EntityKind, Override, decide

MANUFACTURER = "Blynk"


def device_info(backend: Backend[Any], device: BlynkDevice) -> DeviceInfo:
    """The Home Assistant device of a Blynk device."""
    hardware = device.hardware
    server = backend.client.server
    return DeviceInfo(
        identifiers={(DOMAIN, backend.device_key(device))},
        name=device.name,
        manufacturer=MANUFACTURER,
        model=device.model,
        model_id=hardware.template_code if hardware else None,
        sw_version=hardware.firmware_version if hardware else None,
        hw_version=hardware.board_type if hardware else None,
        configuration_url=f"{server.url}/dashboard" if server.is_blynk_cloud else None,
    )


class BlynkEntity[CoordinatorT: BlynkCoordinator[Any]](CoordinatorEntity[CoordinatorT]):
    """An entity of one Blynk device that writes its state only when what it shows changed."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: CoordinatorT, runtime: BlynkRuntimeData, device: BlynkDevice
    ) -> None:
        """Attach the entity to its device."""
        super().__init__(coordinator)
        self.runtime = runtime
        self.device = device
        self._attr_device_info = device_info(runtime.backend, device)
        self._shown: Hashable = None

    @property
    @override
    def available(self) -> bool:
        """Unavailable when the read failed (a 429 only delays it), or left this device out."""
        read = super().available or self.coordinator.rate_limited
        return read and self.device.id in self.coordinator.data

    @abstractmethod
    def _state_key(self) -> Hashable:
        """What the state shows; a coordinator update that leaves it equal writes nothing."""

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        shown = (self.available, self._state_key())
        if shown != self._shown:
            self._shown = shown
            self.async_write_ha_state()

    @override
    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self._shown = (self.available, self._state_key())


class BlynkDatastreamEntity(BlynkEntity[BlynkValuesCoordinator]):
    """An entity showing one datastream of one device."""

    def __init__(
        self,
        runtime: BlynkRuntimeData,
        device: BlynkDevice,
        datastream: Datastream,
        override: Override,
    ) -> None:
        """Name the entity after the datastream (its alias, made for voice assistants)."""
        super().__init__(runtime.values, runtime, device)
        self.datastream = datastream
        self.override = override
        self._attr_unique_id = runtime.backend.unique_id(device, datastream)
        self._attr_name = datastream.alias or datastream.label

    @property
    def raw_value(self) -> Value | None:
        """The datastream's current value (None: never set, or not read)."""
        return self.coordinator.data.get(self.device.id, {}).get(self.datastream.pin)

    @override
    def _state_key(self) -> Hashable:
        return self.raw_value

    async def async_write_value(self, value: Value) -> None:
        """Send a value to Blynk, then show it at once."""
        async with action_errors(self.hass, self.coordinator.config_entry):
            await self.runtime.backend.write(self.device, self.datastream, value)
        self.runtime.values.async_set_value(self.device.id, self.datastream.pin, value)


type DatastreamEntityFactory = Callable[
    [BlynkRuntimeData, BlynkDevice, Datastream, Override], Entity
]


def async_add_datastream_entities(
    entry: BlynkConfigEntry,
    kind: EntityKind,
    factory: DatastreamEntityFactory,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an entity for every datastream mapped to `kind`, now and when discovery finds more."""
    runtime = entry.runtime_data
    known: set[tuple[int, str]] = set()

    @callback
    def add_new() -> None:
        new: list[Entity] = []
        for device in runtime.discovery.data.values():
            for datastream in device.datastreams.values():
                key = (device.id, datastream.pin)
                override = runtime.override(device, datastream)
                if key in known or decide(datastream, override).kind is not kind:
                    continue
                known.add(key)
                new.append(factory(runtime, device, datastream, override))
        if new:
            async_add_entities(new)

    add_new()
    entry.async_on_unload(runtime.discovery.async_add_listener(add_new))


def async_add_device_entities(
    entry: BlynkConfigEntry,
    factory: Callable[[BlynkRuntimeData, BlynkDevice], Entity],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add one entity per device (connectivity), now and for devices found later."""
    runtime = entry.runtime_data
    known: set[int] = set()

    @callback
    def add_new() -> None:
        new = [
            factory(runtime, device)
            for device_id, device in runtime.discovery.data.items()
            if device_id not in known
        ]
        known.update(runtime.discovery.data)
        if new:
            async_add_entities(new)

    add_new()
    entry.async_on_unload(runtime.discovery.async_add_listener(add_new))
