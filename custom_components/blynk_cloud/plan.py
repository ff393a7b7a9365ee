"""Which entities an entry's devices become: the options' choices, combined entities, the limit.

One place knows every entity the integration makes of a device and its unique ID. The platforms
an entry sets up, the entities each platform adds, the cleanup of superseded entities and the
repair issue about removed datastreams all ask it, so they cannot disagree.
"""

from collections.abc import Callable, Iterator, Mapping
import re
from typing import Any, NamedTuple

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .api import Datastream
from .backend import Backend, BlynkDevice
from .combination import KEY_PATTERN, Combination, fit, pins_of, set_pins
from .const import DOMAIN, ENABLED_ENTITY_LIMIT, RESERVED_ENTITIES, USAGE_SENSORS, Mode
from .mapping import AUTOMATIC, CONTROLS, Decision, EntityKind, Override, decide

_COMBINED_KEY = re.compile(KEY_PATTERN)


def _per_device[T](
    cache: dict[int, tuple[BlynkDevice, T]], device: BlynkDevice, compute: Callable[[], T]
) -> T:
    """`compute()` for this device, kept while discovery gives the same device object."""
    if (found := cache.get(device.id)) is None or found[0] is not device:
        found = cache[device.id] = (device, compute())
    return found[1]


class Fit(NamedTuple):
    """A wanted combined entity, what of it a device can play, and what not (role: why)."""

    wanted: Combination
    combination: Combination | None
    problems: dict[str, str]


class Leftovers(NamedTuple):
    """Registered entities of known devices that the plan no longer makes (entity IDs)."""

    superseded: list[str]
    """Another entity (or none) is made of the same datastream now, or a combined entity left
    the options or the profile: removed at setup."""
    orphaned: list[str]
    """Entities of datastreams that left their template: the user decides (a repair issue)."""


class EntityPlan:
    """The entities of an entry's devices, from the options and the product profiles."""

    def __init__(
        self,
        backend: Backend[Any],
        overrides: Mapping[str, Override],
        combined: Mapping[str, tuple[Combination, ...]],
    ) -> None:
        """`overrides` by `Backend.datastream_key`; `combined` by `Backend.template_key`."""
        self.backend = backend
        self.overrides = overrides
        self.combined = combined
        self._fits: dict[int, tuple[BlynkDevice, tuple[Fit, ...]]] = {}
        self._reported_pins: dict[int, tuple[BlynkDevice, frozenset[str]]] = {}
        self._beyond_limit: tuple[Mapping[int, BlynkDevice], frozenset[tuple[int, str]]] | None
        self._beyond_limit = None

    def override(self, device: BlynkDevice, datastream: Datastream) -> Override:
        """The user's choice for a datastream, or the automatic one."""
        return self.overrides.get(self.backend.datastream_key(device, datastream), AUTOMATIC)

    def wanted(self, device: BlynkDevice) -> tuple[Combination, ...]:
        """The device's combined entities: the options', then its profile's other ones."""
        own = self.combined.get(self.backend.template_key(device), ())
        keys = {combination.key for combination in own}
        known = device.profile.combined if device.profile else ()
        return (*own, *(combination for combination in known if combination.key not in keys))

    def fits(self, device: BlynkDevice) -> tuple[Fit, ...]:
        """What the device can play of each wanted combined entity (`combination.fit`)."""

        def compute() -> tuple[Fit, ...]:
            check_types = self.backend.mode is Mode.ORGANIZATION  # device mode guesses types
            return tuple(
                Fit(wanted, *fit(wanted, device.datastreams, check_types=check_types))
                for wanted in self.wanted(device)
            )

        return _per_device(self._fits, device, compute)

    def combinations(self, device: BlynkDevice) -> tuple[Combination, ...]:
        """The combined entities the device has the parts for."""
        return tuple(f.combination for f in self.fits(device) if f.combination is not None)

    def reported_pins(self, device: BlynkDevice) -> frozenset[str]:
        """The pins whose changes tell that the device itself reported.

        Not its controls: settable datastreams, those the options make a control, and the
        settable parts of its combined entities, which Home Assistant, the Blynk app or an
        automation may set while the device sleeps. A device made of controls alone reports
        on them. Asked at every poll: kept until the device's definition changes.
        """

        def compute() -> frozenset[str]:
            controls = set_pins(self.combinations(device)) | {
                datastream.pin
                for datastream in device.datastreams.values()
                if datastream.writable or self.override(device, datastream).entity in CONTROLS
            }
            return frozenset(device.datastreams) - controls or frozenset(device.datastreams)

        return _per_device(self._reported_pins, device, compute)

    def decide(self, device: BlynkDevice, datastream: Datastream) -> Decision:
        """The entity of a datastream: none when a combined entity uses it.

        Unless the user chose an entity for the datastream, or keeps the datastreams'
        entities: then as `mapping.decide` says.
        """
        user_override = self.override(device, datastream)
        if user_override.entity is EntityKind.AUTO and datastream.pin in pins_of(
            self.combinations(device)
        ):
            return Decision(EntityKind.NONE, "part of a combined entity")
        return decide(datastream, user_override)

    def entity_kinds(
        self, devices: Mapping[int, BlynkDevice]
    ) -> Iterator[tuple[BlynkDevice, Datastream, EntityKind]]:
        """Every datastream of every device, with the entity it becomes."""
        for device in devices.values():
            for datastream in device.datastreams.values():
                yield device, datastream, self.decide(device, datastream).kind

    def beyond_entity_limit(self, devices: Mapping[int, BlynkDevice]) -> frozenset[tuple[int, str]]:
        """Datastream entities (device id, pin) to create disabled, to stay within the limit.

        Home Assistant enables at most ENABLED_ENTITY_LIMIT entities per entry and would drop
        the rest in no useful order. The first ones by device id and pin stay enabled, after
        one connectivity sensor per device; the user picks others by disabling some (or by
        choosing "Not created").
        """
        if self._beyond_limit is None or self._beyond_limit[0] is not devices:
            keys = [
                (device.id, datastream.pin)
                for device in sorted(devices.values(), key=lambda device: device.id)
                for datastream in device.datastreams.values()
                if self.decide(device, datastream).kind is not EntityKind.NONE
            ]
            room = ENABLED_ENTITY_LIMIT - len(devices) - RESERVED_ENTITIES
            self._beyond_limit = (devices, frozenset(keys[max(room, 0) :]))
        return self._beyond_limit[1]

    def combined_unique_id(self, device: BlynkDevice, combination: Combination) -> str:
        """The unique ID of a combined entity: the device's key and the combination's."""
        return f"{self.backend.device_key(device)}_{combination.key}"

    def unique_ids(self, device: BlynkDevice) -> dict[str, str]:
        """Every unique ID the device's entities have, with their domain.

        A datastream that makes no entity (part of a combined entity, or "Not created") is
        listed with the domain `none`: its datastream is still there.
        """
        backend = self.backend
        found = {backend.connectivity_unique_id(device): str(Platform.BINARY_SENSOR)}
        if backend.mode is Mode.DEVICE:
            key = backend.device_key(device)
            found.update({f"{key}_{sensor}": str(Platform.SENSOR) for sensor in USAGE_SENSORS})
        for datastream in device.datastreams.values():
            found[backend.unique_id(device, datastream)] = self.decide(device, datastream).kind
        for combination in self.combinations(device):
            found[self.combined_unique_id(device, combination)] = str(combination.platform)
        return found

    def leftovers(
        self, hass: HomeAssistant, entry_id: str, devices: Mapping[int, BlynkDevice]
    ) -> Leftovers:
        """Which registered entities of these devices the plan no longer makes, and why."""
        expected: dict[str, str] = {}
        for device in devices.values():
            expected.update(self.unique_ids(device))
        known = {self.backend.device_key(device) for device in devices.values()}
        device_keys = {
            registry_device.id: key
            for registry_device in dr.async_entries_for_config_entry(dr.async_get(hass), entry_id)
            for domain, key in registry_device.identifiers
            if domain == DOMAIN and key in known
        }
        superseded: list[str] = []
        orphaned: list[str] = []
        for entry in er.async_entries_for_config_entry(er.async_get(hass), entry_id):
            if (domain := expected.get(entry.unique_id)) is not None:
                if domain != entry.domain:
                    superseded.append(entry.entity_id)
            elif (key := device_keys.get(entry.device_id or "")) is not None:
                own = entry.unique_id.removeprefix(f"{key}_")
                (superseded if _COMBINED_KEY.fullmatch(own) else orphaned).append(entry.entity_id)
        return Leftovers(sorted(superseded), sorted(orphaned))
