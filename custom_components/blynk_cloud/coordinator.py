"""Coordinators: discovery on a slow cadence, values every poll, connectivity in between.

Three coordinators keep the cadences and the failures apart: a failed connectivity read leaves
values alone, and a poll never pays for discovery.
"""

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
import math
import time
from typing import Any, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_SCAN_INTERVAL, Platform
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .api import BATCH_READ_DEVICES, Value
from .backend import Backend, BlynkDevice, Discovery, Values
from .const import (
    CONF_MODE,
    CONNECTIVITY_INTERVAL,
    DEFAULT_SCAN_INTERVAL,
    DEVICE_REMOVAL_DISCOVERIES,
    DISCOVERY_INTERVAL,
    DOMAIN,
    LOGGER,
    MINUTES_PER_MONTH,
    OFFLINE_VALUES_MAX_AGE,
    Mode,
)
from .errors import ScopeNotEnabledError, translate_errors
from .issues import async_check_devices_twice, async_check_removed_datastreams
from .plan import EntityPlan
from .profiles import Profile, recognize
from .scope import ScopeWatch
from .statistics import StatisticsImporter

type BlynkConfigEntry = ConfigEntry[BlynkRuntimeData]

STALE_AFTER_POLLS = 3
"""Through 429 answers, entities show the last values while these are at most this many
polling intervals old; older values are not the truth any more, so the entities go unavailable."""


@dataclass(kw_only=True, slots=True)
class BlynkRuntimeData:
    """What a loaded entry holds."""

    backend: Backend[Any]
    plan: EntityPlan
    discovery: BlynkDiscoveryCoordinator
    values: BlynkValuesCoordinator
    connectivity: BlynkConnectivityCoordinator
    statistics: StatisticsImporter
    platforms: tuple[Platform, ...] = ()
    """The platforms the entry was set up with (see `entity_platforms`)."""


class BlynkCoordinator[DataT: Mapping[int, Any]](DataUpdateCoordinator[DataT], ABC):
    """A coordinator of one entry that reads through the entry's backend."""

    config_entry: BlynkConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: BlynkConfigEntry,
        backend: Backend[Any],
        *,
        scope: ScopeWatch,
        name: str,
        update_interval: timedelta | None,
    ) -> None:
        """Skip listeners when nothing changed: entities then write no state."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{entry.title} {name}",
            update_interval=update_interval,
            always_update=False,
        )
        self.backend = backend
        self.scope = scope
        scope.watch(self)
        self.poll_interval = update_interval
        self.last_success: datetime | None = None
        self.last_duration: float | None = None
        self.rate_limited = False
        """The last read was refused with 429 and the last values are recent: entities show them."""
        self._stale_said = False
        self._cancel_stale: CALLBACK_TYPE | None = None

    @abstractmethod
    async def _fetch(self) -> DataT:
        """Read this coordinator's data through the backend."""

    def shows(self, device_id: int) -> bool:
        """Whether the last read has data of this device to show."""
        return self.data is not None and device_id in self.data

    @override
    async def _async_update_data(self) -> DataT:
        if self.scope.paused(self):
            raise ScopeNotEnabledError  # asking Blynk again would only be refused again
        started = time.monotonic()
        try:
            async with translate_errors():
                data = await self._fetch()
        except ScopeNotEnabledError:
            self._rate_limited(refused=False)
            self.scope.refused(self)
            raise
        except UpdateFailed as err:
            self._rate_limited(refused=err.retry_after is not None)
            raise
        self.scope.read(self)
        self._rate_limited(refused=False)
        self._stale_said = False
        self.last_duration = time.monotonic() - started
        self.last_success = dt_util.utcnow()
        return data

    def _rate_limited(self, *, refused: bool) -> None:
        """Keep showing the last values through 429s while they are recent; then no longer."""
        if self._cancel_stale is not None:
            self._cancel_stale()
            self._cancel_stale = None
        self.rate_limited = False
        if not refused or self.last_success is None or self.poll_interval is None:
            return  # (discovery in device mode reads on demand: no entity shows its data)
        left = self.last_success + STALE_AFTER_POLLS * self.poll_interval - dt_util.utcnow()
        if left <= timedelta(0):
            self._say_stale()
            return
        # The next attempt may come later than that (Retry-After): go unavailable on time.
        self.rate_limited = True
        self._cancel_stale = async_call_later(self.hass, left, self._went_stale)

    @callback
    def _went_stale(self, _now: datetime) -> None:
        self._cancel_stale = None
        self.rate_limited = False
        self._say_stale()
        self.async_update_listeners()

    def _say_stale(self) -> None:
        if not self._stale_said:
            self._stale_said = True
            LOGGER.warning(
                "Blynk has answered %s with 429 since %s; its entities are unavailable "
                "until a read succeeds",
                self.name,
                self.last_success,
            )

    @override
    async def async_shutdown(self) -> None:
        self._rate_limited(refused=False)
        await super().async_shutdown()


class BlynkDiscoveryCoordinator(BlynkCoordinator[Mapping[int, BlynkDevice]]):
    """Devices and their datastream definitions; devices gone from Blynk leave the registry.

    A device leaves only after it has been missing from `DEVICE_REMOVAL_DISCOVERIES`
    consecutive complete discoveries; until then it stays, its entities unavailable.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        entry: BlynkConfigEntry,
        backend: Backend[Any],
        scope: ScopeWatch,
        *,
        plan: EntityPlan,
        profiles: tuple[Profile, ...] = (),
    ) -> None:
        """Device mode has nothing to rediscover on its own: its values reveal new pins.

        `plan` tells which entities the devices have; `profiles` are the switched-on
        product profiles of the entry's server.
        """
        super().__init__(
            hass,
            entry,
            backend,
            scope=scope,
            name="discovery",
            update_interval=DISCOVERY_INTERVAL if backend.mode is Mode.ORGANIZATION else None,
        )
        self._known: Mapping[int, BlynkDevice] | None = None
        self._misses: dict[str, int] = {}
        """Registry device id -> consecutive complete discoveries that did not list it."""
        self._profiles = profiles
        self.plan = plan

    @override
    async def _fetch(self) -> Mapping[int, BlynkDevice]:
        discovery = await self.backend.discover()
        discovery = replace(
            discovery,
            devices={key: self._with_profile(device) for key, device in discovery.devices.items()},
        )
        devices = self._settle(discovery)
        registry = dr.async_get(self.hass)
        for device in discovery.devices.values():  # names and firmware change in Blynk too
            registry.async_get_or_create(
                config_entry_id=self.config_entry.entry_id, **self.backend.device_info(device)
            )
        if self.backend.mode is Mode.ORGANIZATION:
            async_check_removed_datastreams(self.hass, self.config_entry, self.plan, devices)
            async_check_devices_twice(self.hass, self.config_entry, devices)
        if self._known is not None and _redefined(self._known, devices):
            # Entities are built from the definitions: a changed datastream rebuilds them.
            # (New datastreams get entities without this; removed ones raise a repair issue.)
            LOGGER.info("Datastream definitions of %s changed; reloading", self.config_entry.title)
            self.hass.config_entries.async_schedule_reload(self.config_entry.entry_id)
        self._known = devices
        return devices

    def _with_profile(self, device: BlynkDevice) -> BlynkDevice:
        """The device as its product profile knows it; device mode takes the profile's pins."""
        template_code = device.hardware.template_code if device.hardware else None
        profile = recognize(self._profiles, device.datastreams, template_code, device.model)
        if profile is None:
            return device
        if self.backend.mode is Mode.ORGANIZATION:
            return replace(device, profile=profile)
        # The profile names and types the pins this device has (a model may lack some).
        datastreams = {
            pin: profile.datastreams.get(pin, datastream)
            for pin, datastream in device.datastreams.items()
        }
        return replace(device, profile=profile, datastreams=datastreams)

    def _settle(self, discovery: Discovery) -> dict[int, BlynkDevice]:
        """The devices to keep: those listed, and those missing for too short a while.

        Only a complete discovery counts a device as missing: an empty answer or a short list
        alone never removes anything. A device missing long enough leaves the registry (also
        one a previous run knew that this run never saw).
        """
        listed = discovery.devices
        current = {(DOMAIN, self.backend.device_key(device)) for device in listed.values()}
        removed: set[tuple[str, str]] = set()
        registry = dr.async_get(self.hass)
        for entry in dr.async_entries_for_config_entry(registry, self.config_entry.entry_id):
            if not entry.identifiers or entry.identifiers & current:
                self._misses.pop(entry.id, None)
                continue
            if discovery.complete:
                self._misses[entry.id] = self._misses.get(entry.id, 0) + 1
            if self._misses.get(entry.id, 0) >= DEVICE_REMOVAL_DISCOVERIES:
                LOGGER.info("Blynk device %s is gone; removing it", entry.name)
                # Since Home Assistant 2026.8 a device belongs to one config entry, so it is
                # removed, not detached: async_update_device(remove_config_entry_id=...) is
                # deprecated (device_registry.py of 2026.10).
                registry.async_remove_device(entry.id)
                del self._misses[entry.id]
                removed |= entry.identifiers
        kept = {
            device_id: device
            for device_id, device in (self._known or {}).items()
            if device_id not in listed and (DOMAIN, self.backend.device_key(device)) not in removed
        }
        return {**kept, **listed}


@callback
def async_organization_devices(
    hass: HomeAssistant,
) -> Iterator[tuple[BlynkConfigEntry, BlynkDevice]]:
    """Every device that a loaded organization entry's latest discovery listed, with the entry.

    Discovery knows each device's token digest: whoever asks costs Blynk no request.
    """
    entries: list[BlynkConfigEntry] = hass.config_entries.async_loaded_entries(DOMAIN)
    for entry in entries:
        if entry.data[CONF_MODE] == Mode.ORGANIZATION:
            for device in entry.runtime_data.discovery.data.values():
                yield entry, device


def follow_new_devices(
    coordinator: BlynkCoordinator[Mapping[int, Any]], discovery: BlynkDiscoveryCoordinator
) -> None:
    """Read at once when discovery finds devices this coordinator has no data for."""

    @callback
    def check() -> None:
        if coordinator.data is not None and not discovery.data.keys() <= coordinator.data.keys():
            coordinator.config_entry.async_create_background_task(
                coordinator.hass, coordinator.async_request_refresh(), "blynk_cloud new devices"
            )

    coordinator.config_entry.async_on_unload(discovery.async_add_listener(check))


def _redefined(before: Mapping[int, BlynkDevice], now: Mapping[int, BlynkDevice]) -> bool:
    """Whether a datastream known before and now has a different definition."""
    return any(
        before[device_id].datastreams[pin] != now[device_id].datastreams[pin]
        for device_id in before.keys() & now.keys()
        for pin in before[device_id].datastreams.keys() & now[device_id].datastreams.keys()
    )


class BlynkValuesCoordinator(BlynkCoordinator[Values]):
    """Current values: ceil(devices / 10) requests a poll (organization), one (device mode)."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: BlynkConfigEntry,
        backend: Backend[Any],
        discovery: BlynkDiscoveryCoordinator,
    ) -> None:
        """Poll at the interval of the options."""
        seconds = entry.options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL[backend.mode])
        super().__init__(
            hass,
            entry,
            backend,
            scope=discovery.scope,
            name="values",
            update_interval=timedelta(seconds=seconds),
        )
        self.discovery = discovery
        self.update_interval_seconds = float(seconds)
        self._unknown_pins: frozenset[tuple[int, str]] = frozenset()
        self._written: dict[tuple[int, str], Value] | None = None
        """Values written while a read is under way: that read may have missed them."""
        self._reported: dict[int, datetime] = {}
        """When each device last reported: Blynk's newest `updatedAt` of a value the device
        sends, a change of one seen here, or a connectivity read that found it online.
        Unknown, the values of an offline device are of unknown age: not shown."""
        self._written_pins: set[tuple[int, str]] = set()
        """Pins this entry wrote: their changes are no report of the device."""
        self._online: Mapping[int, bool] = {}
        self.quiet: frozenset[int] = frozenset()
        """Devices not known to be connected whose newest report is older than
        OFFLINE_VALUES_MAX_AGE (or unknown)."""
        self._told: frozenset[int] = frozenset()
        """Quiet devices known to be offline, whose silence is logged once."""
        follow_new_devices(self, discovery)

    @property
    def requests_per_minute(self) -> float:
        """Requests a minute the entry's polling makes: values and connectivity."""
        devices = len(self.discovery.data)
        organization = self.backend.mode is Mode.ORGANIZATION
        reads = math.ceil(devices / BATCH_READ_DEVICES) if organization else 1
        checks = devices if organization else 1
        connectivity = CONNECTIVITY_INTERVAL[self.backend.mode].total_seconds()
        return reads * 60 / self.update_interval_seconds + checks * 60 / connectivity

    @property
    def monthly_messages(self) -> int:
        """Requests in 30 days: in device mode, the messages it costs of the plan's quota."""
        return round(self.requests_per_minute * MINUTES_PER_MONTH)

    @override
    async def _fetch(self) -> Values:
        self._written = {}
        try:
            values = await self.backend.read_values(self.discovery.data)
        finally:
            written, self._written = self._written, None
        self._note_reports(values)
        for (device_id, pin), value in written.items():
            # A device the read left out stays out: the write does not make it readable.
            values.get(device_id, {})[pin] = value
        self._rediscover_on_new_pins(values)
        return values

    def _note_reports(self, values: Values) -> None:
        """When each device last reported (the Device API tells no time: a change does)."""
        now = dt_util.utcnow()
        before = self.data or {}
        devices = self.discovery.data
        for device_id, pins in values.items():
            if device_id not in devices:
                continue
            sent = [
                pin
                for pin in self.discovery.plan.reported_pins(devices[device_id])
                if (device_id, pin) not in self._written_pins
            ]
            stamps = self.backend.stamps.get(device_id, {})
            if known := [stamps[pin] for pin in sent if pin in stamps]:
                self._note_report(device_id, dt_util.utc_from_timestamp(max(known) / 1000))
            elif device_id in before and any(
                pins.get(pin) != before[device_id].get(pin) for pin in sent
            ):
                self._note_report(device_id, now)

    def _note_report(self, device_id: int, when: datetime) -> None:
        if (known := self._reported.get(device_id)) is None or known < when:
            self._reported[device_id] = when

    @callback
    def async_set_online(self, online: Mapping[int, bool]) -> None:
        """Connectivity was read: an offline device's old values are not shown."""
        self._online = online
        now = dt_util.utcnow()
        for device_id in (device_id for device_id, connected in online.items() if connected):
            self._note_report(device_id, now)  # connected, it keeps its values current
        self._check_quiet()

    @override
    def _async_refresh_finished(self) -> None:
        self._check_quiet()  # time went by: a report may have become too old

    def _check_quiet(self) -> None:
        """Which devices show nothing: not known to be connected, and no recent report.

        Until its connectivity is read (at setup, after a reload), a device counts as offline:
        its values show only if Blynk's time of them, or a change seen, is recent.
        """
        oldest = dt_util.utcnow() - OFFLINE_VALUES_MAX_AGE
        devices = self.discovery.data
        quiet = frozenset(
            device_id
            for device_id in devices
            if not self._online.get(device_id, False)
            and (device_id not in self._reported or self._reported[device_id] < oldest)
        )
        told = frozenset(device_id for device_id in quiet if device_id in self._online)
        for device_id in told - self._told:
            LOGGER.info(
                "Blynk device %s is offline and last reported at %s; its values are unavailable "
                "until it reports again",
                devices[device_id].name,
                self._reported.get(device_id, "an unknown time"),
            )
        self._told = told
        if quiet != self.quiet:
            self.quiet = quiet
            self.async_update_listeners()

    @override
    def shows(self, device_id: int) -> bool:
        return super().shows(device_id) and device_id not in self.quiet

    def _rediscover_on_new_pins(self, values: Values) -> None:
        """A pin no template knew means the template changed: look again, once per change."""
        devices = self.discovery.data
        unknown = frozenset(
            (device_id, pin)
            for device_id, pins in values.items()
            if device_id in devices
            for pin in pins
            if pin not in devices[device_id].datastreams
        )
        if unknown and unknown != self._unknown_pins:
            self.config_entry.async_create_background_task(
                self.hass, self.discovery.async_request_refresh(), "blynk_cloud rediscovery"
            )
        self._unknown_pins = unknown

    @callback
    def async_set_values(self, device_id: int, values: Mapping[str, Value]) -> None:
        """Show written values at once, before the next poll confirms them.

        Neither the poll schedule nor the availability changes: a write is not a read.
        """
        self._written_pins.update((device_id, pin) for pin in values)
        if self._written is not None:
            self._written.update({(device_id, pin): value for pin, value in values.items()})
        self.data = {**self.data, device_id: {**self.data.get(device_id, {}), **values}}
        self.async_update_listeners()


class BlynkConnectivityCoordinator(BlynkCoordinator[Mapping[int, bool]]):
    """Whether each device is connected; slower than values (one request a device)."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: BlynkConfigEntry,
        backend: Backend[Any],
        values: BlynkValuesCoordinator,
    ) -> None:
        """Read at the mode's connectivity cadence; the values follow what is read."""
        super().__init__(
            hass,
            entry,
            backend,
            scope=values.scope,
            name="connectivity",
            update_interval=CONNECTIVITY_INTERVAL[backend.mode],
        )
        self.discovery = values.discovery
        self.values = values
        follow_new_devices(self, self.discovery)
        # Read after setup (see async_setup_entry): until then no device is known to be online.
        self.data = {}

    @override
    async def _fetch(self) -> Mapping[int, bool]:
        return await self.backend.read_connectivity(self.discovery.data)

    @override
    def _async_refresh_finished(self) -> None:
        self.values.async_set_online(self.data)
