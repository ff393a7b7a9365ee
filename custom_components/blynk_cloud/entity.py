"""Base entities: device info, unique IDs, availability, and writing state only on change."""

from abc import abstractmethod
from collections.abc import Callable, Hashable
from functools import partial
import logging
from typing import Any, override

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import Datastream, Value
from .backend import BlynkDevice
from .combination import Combination
from .const import DOMAIN, LOGGER
from .coordinator import (
    BlynkConfigEntry,
    BlynkCoordinator,
    BlynkRuntimeData,
    BlynkValuesCoordinator,
)
from .mapping import EntityKind, Override
from .writes import Write, async_write

INTEGRATION = er.RegistryEntryDisabler.INTEGRATION


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
        self._attr_device_info = runtime.backend.device_info(device)
        self._shown: Hashable = None

    @property
    @override
    def available(self) -> bool:
        """Unavailable when the read failed (a 429 only delays it), or has nothing to show of
        this device (left out, or offline for too long)."""  # noqa: D205, D209
        read = super().available or self.coordinator.rate_limited
        return read and self.coordinator.shows(self.device.id)

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
        user_override: Override,
    ) -> None:
        """Name the entity after the datastream (its alias, made for voice assistants)."""
        super().__init__(runtime.values, runtime, device)
        self.datastream = datastream
        self.override = user_override
        self._attr_unique_id = runtime.backend.unique_id(device, datastream)
        kind = runtime.plan.decide(device, datastream).kind
        key = device.profile.translation_key(datastream, kind) if device.profile else None
        if key is None:
            self._attr_name = datastream.alias or datastream.label
        else:  # a product profile's datastream: its name (and states) are translated
            self._attr_translation_key = key
        self._attr_entity_registry_enabled_default = (
            device.id,
            datastream.pin,
        ) not in runtime.plan.beyond_entity_limit(runtime.discovery.data)

    @property
    def raw_value(self) -> Value | None:
        """The datastream's current value (None: never set, or not read)."""
        return self.coordinator.data.get(self.device.id, {}).get(self.datastream.pin)

    @override
    def _state_key(self) -> Hashable:
        return self.raw_value

    async def async_write_value(self, value: Value) -> None:
        """Send a value to Blynk (checked as an action's), then show it at once."""
        await async_write(
            self.hass, self.coordinator.config_entry, self.device, [Write(self.datastream, value)]
        )


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

    def candidates(runtime: BlynkRuntimeData) -> dict[Hashable, Callable[[], Entity]]:
        found: dict[Hashable, Callable[[], Entity]] = {}
        for device in runtime.discovery.data.values():
            for datastream in device.datastreams.values():
                if runtime.plan.decide(device, datastream).kind is kind:
                    found[device.id, datastream.pin] = partial(
                        factory,
                        runtime,
                        device,
                        datastream,
                        runtime.plan.override(device, datastream),
                    )
        return found

    _async_follow_discovery(entry, candidates, async_add_entities)


type CombinedEntityFactory = Callable[[BlynkRuntimeData, BlynkDevice, Combination], Entity]


def async_add_combined_entities(
    entry: BlynkConfigEntry,
    platform: Platform,
    factory: CombinedEntityFactory,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the combined entities of `platform`, made of the parts each device has."""
    told: set[tuple[int, str]] = set()

    def candidates(runtime: BlynkRuntimeData) -> dict[Hashable, Callable[[], Entity]]:
        found: dict[Hashable, Callable[[], Entity]] = {}
        for device in runtime.discovery.data.values():
            for wanted, combination, problems in runtime.plan.fits(device):
                if wanted.platform is not platform:
                    continue
                if problems and (device.id, wanted.key) not in told:
                    told.add((device.id, wanted.key))
                    # A model may lack a channel its product profile knows: no warning for that.
                    own = not device.profile or wanted not in device.profile.combined
                    LOGGER.log(
                        logging.WARNING if own else logging.DEBUG,
                        "%s of %s %s: %s",
                        wanted.key,
                        device.name,
                        "is not created" if combination is None else "leaves parts out",
                        ", ".join(f"{role} ({reason})" for role, reason in problems.items()),
                    )
                if combination is not None:
                    found[device.id, combination.key] = partial(
                        factory, runtime, device, combination
                    )
        return found

    _async_follow_discovery(entry, candidates, async_add_entities)


def async_add_device_entities(
    entry: BlynkConfigEntry,
    factory: Callable[[BlynkRuntimeData, BlynkDevice], Entity],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add one entity per device (connectivity), now and for devices found later."""

    def candidates(runtime: BlynkRuntimeData) -> dict[Hashable, Callable[[], Entity]]:
        return {
            device_id: partial(factory, runtime, device)
            for device_id, device in runtime.discovery.data.items()
        }

    _async_follow_discovery(entry, candidates, async_add_entities)


def _async_follow_discovery(
    entry: BlynkConfigEntry,
    candidates: Callable[[BlynkRuntimeData], dict[Hashable, Callable[[], Entity]]],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create the entities of candidates not seen before, at setup and after each discovery.

    What discovery no longer lists is forgotten (its device left the registry with its
    entities), so a device that comes back gets its entities again.
    """
    runtime = entry.runtime_data
    known: set[Hashable] = set()

    @callback
    def add_new() -> None:
        current = candidates(runtime)
        new = [create() for key, create in current.items() if key not in known]
        known.clear()
        known.update(current)
        if new:
            async_add_entities(new)

    add_new()
    entry.async_on_unload(runtime.discovery.async_add_listener(add_new))


@callback
def async_remove_superseded_entities(hass: HomeAssistant, entry: BlynkConfigEntry) -> None:
    """Remove entities that are no longer made: superseded kinds, and combined entities.

    The unique ID of a datastream's entity does not depend on its kind, so an entity of the
    former kind would linger beside the new one; a datastream now part of a combined entity
    has none. A combined entity removed in the options, or of a profile switched off, goes too.
    """
    runtime = entry.runtime_data
    registry = er.async_get(hass)
    for entity_id in runtime.plan.leftovers(
        hass, entry.entry_id, runtime.discovery.data
    ).superseded:
        registry.async_remove(entity_id)


@callback
def async_apply_entity_limit(hass: HomeAssistant, entry: BlynkConfigEntry) -> int:
    """Enable what fits within the entity limit again; count the entities held back.

    Held back: datastream entities beyond the limit that the integration disabled (or will
    create disabled). One the user enabled, or chose "Not created" for, is not. And choosing
    "Not created" for some datastreams makes room: entities the integration disabled that now
    fit are enabled again, without the user enabling each one.
    """
    runtime = entry.runtime_data
    registry = er.async_get(hass)
    devices = runtime.discovery.data
    beyond = runtime.plan.beyond_entity_limit(devices)
    held = 0
    for device, datastream, kind in runtime.plan.entity_kinds(devices):
        unique_id = runtime.backend.unique_id(device, datastream)
        entity_id = registry.async_get_entity_id(kind, DOMAIN, unique_id)
        is_beyond = (device.id, datastream.pin) in beyond
        if entity_id is None:  # not created yet: it will be, disabled if beyond
            held += is_beyond
            continue
        registry_entry = registry.async_get(entity_id)
        by_us = registry_entry and registry_entry.disabled_by is INTEGRATION
        if is_beyond:
            held += bool(by_us)
        elif by_us:
            registry.async_update_entity(entity_id, disabled_by=None)
    return held
