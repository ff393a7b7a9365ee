"""Home Assistant in this process, as the tests run it, and what is measured around it."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
import contextlib
from dataclasses import dataclass
import gc
from pathlib import Path
import statistics
import time
import tracemalloc
from typing import Any, Self
from unittest.mock import patch

from aiohttp.resolver import AsyncResolver
from homeassistant import loader
from homeassistant.const import (
    CONF_CLIENT_ID,
    CONF_CLIENT_SECRET,
    CONF_HOST,
    CONF_TOKEN,
    EVENT_STATE_CHANGED,
    EVENT_STATE_REPORTED,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import (
    aiohttp_client,
    device_registry as dr,
    entity_platform,
    entity_registry as er,
    storage,
)
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_test_home_assistant  # type: ignore[import-untyped]

from custom_components.blynk_cloud.config_flow import device_unique_id
from custom_components.blynk_cloud.const import CONF_MODE, DOMAIN, Mode
from custom_components.blynk_cloud.coordinator import BlynkRuntimeData

from . import baseline
from .baseline_integration import DOMAIN as BASELINE_DOMAIN

ENTITY_DOMAINS = ("binary_sensor", "device_tracker", "number", "sensor", "switch", "text")
"""The entity components both integrations' platforms need (ours use all, the baseline one)."""
HA_ENTITY_LIMIT = entity_platform.MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY
"""Home Assistant adds at most this many enabled entities to one config entry."""
ENTITY_LIMIT = 1_000_000
"""The limit while benchmarking, so that the whole fleet is measured (the report says so)."""
ENTITIES_TIMEOUT = 180.0
"""Seconds a setup may take until every entity exists."""
KIB = 1024


@contextlib.asynccontextmanager
async def home_assistant(config_dir: Path) -> AsyncIterator[HomeAssistant]:
    """A Home Assistant as the tests create it, with custom integrations enabled.

    The entity components are set up at once, as in a running Home Assistant where other
    integrations have loaded them: no measured setup pays for them. Storage writes are
    skipped (registries save on a timer, which would land in a measurement), and so is
    Home Assistant's limit of enabled entities per config entry (the report says where it
    applies). Entries still loaded at the end are unloaded, then Home Assistant stops.
    """
    with (
        patch.object(storage.Store, "async_delay_save", _skip),
        patch.object(storage.Store, "async_save", _skip_async),
        # As in the tests: no zeroconf (mDNS) behind the shared session's resolver.
        patch.object(aiohttp_client, "_async_make_resolver", _resolver),
        patch.object(entity_platform, "MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY", ENTITY_LIMIT),
        # The integration creates what exceeds that limit disabled: measure them enabled.
        patch("custom_components.blynk_cloud.plan.ENABLED_ENTITY_LIMIT", ENTITY_LIMIT),
    ):
        async with async_test_home_assistant(config_dir=str(config_dir)) as hass:
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS)  # as `enable_custom_integrations`
            baseline.register(hass)
            try:
                for domain in ENTITY_DOMAINS:
                    assert await async_setup_component(hass, domain, {})
                await hass.async_block_till_done()
                yield hass
            finally:
                for domain in (DOMAIN, BASELINE_DOMAIN):
                    for entry in hass.config_entries.async_loaded_entries(domain):
                        await hass.config_entries.async_unload(entry.entry_id)
                await hass.async_stop(force=True)


def _resolver(hass: HomeAssistant) -> AsyncResolver:
    resolver = AsyncResolver()
    resolver.real_close = resolver.close  # type: ignore[attr-defined] # what HA closes at stop
    return resolver


def _skip(*args: Any, **kwargs: Any) -> None:
    return None


async def _skip_async(*args: Any, **kwargs: Any) -> None:
    return None


def organization_entry(url: str, scenario: dict[str, Any]) -> MockConfigEntry:
    """An organization-mode entry for the scenario's OAuth client; polls only when asked."""
    organization = scenario["organizations"][0]
    client = scenario["oauth_clients"][0]
    return MockConfigEntry(
        domain=DOMAIN,
        title=organization["name"],
        unique_id=f"127.0.0.1:{organization['id']}",
        data={
            CONF_MODE: Mode.ORGANIZATION,
            CONF_HOST: url,
            CONF_CLIENT_ID: client["client_id"],
            CONF_CLIENT_SECRET: client["client_secret"],
        },
        pref_disable_polling=True,
    )


def device_entry(url: str, token: str) -> MockConfigEntry:
    """A device-mode entry for the device of `token`; polls only when asked."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Benchmark device",
        unique_id=device_unique_id(token),
        data={CONF_MODE: Mode.DEVICE, CONF_HOST: url, CONF_TOKEN: token},
        pref_disable_polling=True,
    )


def runtime(entry: MockConfigEntry) -> BlynkRuntimeData:
    """What a loaded `blynk_cloud` entry holds."""
    data: BlynkRuntimeData = entry.runtime_data
    return data


@dataclass(frozen=True, slots=True)
class Setup:
    """One entry's setup: time until every entity existed, and the memory it kept."""

    seconds: float
    entities: int
    devices: int
    """Devices of the entry in the device registry."""
    device_class_sensors: int
    """Sensors with a device class: Home Assistant does more for each of them."""
    retained_kib: float | None = None
    """tracemalloc: allocated after minus before, once every entity existed (None: not traced)."""
    peak_kib: float | None = None
    """tracemalloc: the peak during setup minus the allocation before."""

    @property
    def kib_per_entity(self) -> float | None:
        """Retained memory per entity."""
        return None if self.retained_kib is None else self.retained_kib / self.entities


async def set_up(
    hass: HomeAssistant, entry: MockConfigEntry, expected: int, *, trace: bool = False
) -> Setup:
    """Set the entry up and wait (bounded) until `expected` entities have a state.

    Timing stops once they exist; background work the integration starts afterwards (the
    first connectivity read) is not setup. With `trace`, tracemalloc follows the allocations
    (which slows everything down: time a setup without it).
    """
    entry.add_to_hass(hass)
    before = hass.states.async_entity_ids_count()
    gc.collect()  # garbage of earlier runs is collected now, not during this one
    if trace:
        tracemalloc.start()
        start_kib = tracemalloc.get_traced_memory()[0] / KIB
    started = time.perf_counter()
    try:
        assert await hass.config_entries.async_setup(entry.entry_id), entry.state
        await hass.async_block_till_done()
        entities = await _wait_for_entities(hass, before + expected) - before
        seconds = time.perf_counter() - started
        if trace:
            gc.collect()
            current, peak = tracemalloc.get_traced_memory()
    finally:
        if trace:
            tracemalloc.stop()
    devices, device_class_sensors = _shape(hass, entry.entry_id)
    if not trace:
        return Setup(seconds, entities, devices, device_class_sensors)
    return Setup(
        seconds,
        entities,
        devices,
        device_class_sensors,
        current / KIB - start_kib,
        peak / KIB - start_kib,
    )


def _shape(hass: HomeAssistant, entry_id: str) -> tuple[int, int]:
    """The entry's devices, and its sensors that have a device class."""
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry_id)
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry_id)
    with_class = sum(
        1 for entity in entities if entity.domain == "sensor" and entity.original_device_class
    )
    return len(devices), with_class


async def _wait_for_entities(hass: HomeAssistant, expected: int) -> int:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + ENTITIES_TIMEOUT
    while (count := hass.states.async_entity_ids_count()) < expected:
        if loop.time() > deadline:
            raise TimeoutError(f"{count} of {expected} entities after {ENTITIES_TIMEOUT:.0f} s")
        await asyncio.sleep(0.01)
    return count


class StateWrites:
    """Counts state writes while it is entered: `state_changed` and `state_reported` events.

    Home Assistant fires `state_changed` only when the state or its attributes differ; writing
    an unchanged state fires `state_reported`. Both are writes the integration asked for.
    """

    def __init__(self, hass: HomeAssistant) -> None:
        """Listen on `hass`'s bus once entered."""
        self._hass = hass
        self.changed = 0
        self.reported = 0
        self._unsubscribe: list[Callable[[], None]] = []

    @property
    def count(self) -> int:
        """Every write so far."""
        return self.changed + self.reported

    def __enter__(self) -> Self:
        """Start counting."""

        @callback
        def changed(event: Event[Any]) -> None:
            self.changed += 1

        @callback
        def reported(event: Event[Any]) -> None:
            self.reported += 1

        @callback
        def every(event_data: Any) -> bool:
            return True  # Home Assistant requires a filter for `state_reported`

        bus = self._hass.bus
        self._unsubscribe = [
            bus.async_listen(EVENT_STATE_CHANGED, changed),
            bus.async_listen(EVENT_STATE_REPORTED, reported, event_filter=every),
        ]
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop counting."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []


@contextlib.contextmanager
def profiling(path: Path | None) -> Iterator[None]:
    """Sample the event loop's thread with pyinstrument into `path` (.html, and .txt beside it).

    pyinstrument comes with the dev requirements; without a path, nothing is profiled.
    """
    if path is None:
        yield
        return
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005, async_mode="disabled")
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        path.write_text(profiler.output_html(), encoding="utf-8")
        path.with_suffix(".txt").write_text(
            profiler.output_text(unicode=False, color=False), encoding="utf-8"
        )


@dataclass(frozen=True, slots=True)
class Timing:
    """Wall and CPU time of one call, in milliseconds."""

    wall_ms: float
    cpu_ms: float


async def timed(call: Callable[[], Awaitable[object]]) -> Timing:
    """Wall time (`perf_counter`) and process CPU time (`process_time`) of one awaited call."""
    wall, cpu = time.perf_counter(), time.process_time()
    await call()
    return Timing((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000)


def median_timing(timings: list[Timing]) -> Timing:
    """The medians of wall and CPU time (each on its own)."""
    return Timing(
        statistics.median(t.wall_ms for t in timings), statistics.median(t.cpu_ms for t in timings)
    )
