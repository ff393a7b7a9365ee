"""Base entities: device info, unique IDs, availability, and writing state only on change."""

from abc import abstractmethod
from collections.abc import Callable, Hashable
from functools import partial
import logging
import re
from typing import Any, override

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import Datastream, Value
from .backend import BlynkDevice
from .composition import KEY_PATTERN, Composition
from .const import DOMAIN, LOGGER
from .coordinator import (
    BlynkConfigEntry,
    BlynkCoordinator,
    BlynkRuntimeData,
    BlynkValuesCoordinator,
)
from .errors import action_errors
from .mapping import EntityKind, Override

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
        self._attr_name = datastream.alias or datastream.label
        self._attr_entity_registry_enabled_default = (
            device.id,
            datastream.pin,
        ) not in runtime.beyond_entity_limit()

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
        self.runtime.values.async_set_values(self.device.id, {self.datastream.pin: value})


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
                if runtime.decide(device, datastream).kind is kind:
                    found[device.id, datastream.pin] = partial(
                        factory, runtime, device, datastream, runtime.override(device, datastream)
                    )
        return found

    _async_follow_discovery(entry, candidates, async_add_entities)


type ComposedEntityFactory = Callable[[BlynkRuntimeData, BlynkDevice, Composition], Entity]


def async_add_composed_entities(
    entry: BlynkConfigEntry,
    platform: Platform,
    factory: ComposedEntityFactory,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the whole-device entities of `platform`, made of the parts each device has."""
    told: set[tuple[int, str]] = set()

    def candidates(runtime: BlynkRuntimeData) -> dict[Hashable, Callable[[], Entity]]:
        found: dict[Hashable, Callable[[], Entity]] = {}
        for device in runtime.discovery.data.values():
            for wanted, composition, problems in runtime.fits(device):
                if wanted.platform is not platform:
                    continue
                if problems and (device.id, wanted.key) not in told:
                    told.add((device.id, wanted.key))
                    # A model may lack a channel its product profile knows: no warning for that.
                    own = not device.profile or wanted not in device.profile.compositions
                    LOGGER.log(
                        logging.WARNING if own else logging.DEBUG,
                        "%s of %s %s: %s",
                        wanted.key,
                        device.name,
                        "is not created" if composition is None else "leaves parts out",
                        ", ".join(f"{role} ({reason})" for role, reason in problems.items()),
                    )
                if composition is not None:
                    found[device.id, composition.key] = partial(
                        factory, runtime, device, composition
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


_COMBINED_ID = re.compile(f"_(?P<key>{KEY_PATTERN.strip('^$')})$")
"""The end of a combined entity's unique ID: the device key, `_`, the composition's key."""


@callback
def async_remove_superseded_entities(hass: HomeAssistant, entry: BlynkConfigEntry) -> None:
    """Remove entities that are no longer made: superseded kinds, and combined entities.

    The unique ID of a datastream's entity does not depend on its kind, so an entity of the
    former kind would linger beside the new one; a datastream now part of a combined entity
    has none. A combined entity removed in the options, or of a profile switched off, goes too.
    """
    runtime = entry.runtime_data
    kinds: dict[str, str] = {}
    combined: dict[str, dict[str, str]] = {}
    for device in runtime.discovery.data.values():
        for datastream in device.datastreams.values():
            kinds[runtime.backend.unique_id(device, datastream)] = runtime.decide(
                device, datastream
            ).kind
        combined[f"{runtime.backend.device_key(device)}_"] = {
            composition.key: composition.platform for composition in runtime.compositions(device)
        }
    registry = er.async_get(hass)
    for registry_entry in er.async_entries_for_config_entry(registry, entry.entry_id):
        unique_id = registry_entry.unique_id
        kind = kinds.get(unique_id)
        if (match := _COMBINED_ID.search(unique_id)) and (
            keys := combined.get(unique_id[: match.start("key")])
        ) is not None:
            kind = keys.get(match["key"], EntityKind.NONE)
        if kind is not None and registry_entry.domain != kind:
            registry.async_remove(registry_entry.entity_id)


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
    beyond = runtime.beyond_entity_limit()
    held = 0
    for device, datastream, kind in runtime.entity_kinds():
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
