"""One organization size: our polls against the naive ones, state writes, setup and memory."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
import random
import statistics
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from custom_components.blynk_cloud.coordinator import BlynkValuesCoordinator
from emulator import fleet_scenario

from . import naive
from .baseline import baseline_entry
from .emulator_process import EmulatorProcess
from .harness import (
    Setup,
    StateWrites,
    Timing,
    home_assistant,
    median_timing,
    organization_entry,
    profiling,
    runtime,
    set_up,
    timed,
)
from .results import FleetResult, PollSeries

SEED = 8
WARMUP_POLLS = 2
CHANGED_FRACTION = 0.05
PER_DATASTREAM_BUDGET = 4000
"""Requests the naive per-datastream baseline may send in all: it polls fewer times."""
SINGLE_SETUP_ENTITIES = 10_000
"""From this many entities on, each integration is set up once (a setup takes seconds)."""
API_PATHS = "/api/"
PROFILED_POLLS = 10
"""Extra polls (untimed) under the profiler, when profiling."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    """How much to measure."""

    datastreams: int = 20
    polls: int = 20
    changed_rounds: int = 5
    setup_runs: int = 3
    latency_ms: float = 5.0
    profile_dir: Path | None = None
    """Where to write pyinstrument profiles of our polls and setup (None: no profiling)."""

    def profile(self, name: str, devices: int) -> Path | None:
        """The file of one profile, if profiling."""
        return None if self.profile_dir is None else self.profile_dir / f"{name}-{devices}.html"


async def measure_fleet(devices: int, workdir: Path, options: Options) -> FleetResult:
    """Measure one organization of `devices` devices against every baseline."""
    scenario = fleet_scenario(devices, options.datastreams, seed=SEED)
    expected = devices * (options.datastreams + 1)  # an entity a datastream, connectivity each
    async with EmulatorProcess(scenario, workdir, f"fleet-{devices}") as emu:
        async with home_assistant(workdir) as hass:
            entry = organization_entry(emu.url, scenario)
            await set_up(hass, entry, expected)
            await hass.async_block_till_done(wait_background_tasks=True)
            polls = await _Polls(hass, emu, runtime(entry).values, options).measure(scenario)
        setups = await _setups(emu, scenario, expected, workdir, options)
        memory = await _memory(emu, scenario, expected, workdir)
        if options.profile_dir is not None:
            async with home_assistant(workdir) as hass:
                with profiling(options.profile("setup", devices)):
                    await set_up(hass, organization_entry(emu.url, scenario), expected)
                await hass.async_block_till_done(wait_background_tasks=True)
    return FleetResult(
        devices=devices,
        datastreams=options.datastreams,
        ours=polls.ours,
        writes_unchanged=polls.writes_unchanged,
        changed=polls.changed,
        changed_values=polls.changed_values,
        writes_changed=polls.writes_changed,
        per_device=polls.per_device,
        per_datastream=polls.per_datastream,
        latency_ms=options.latency_ms,
        ours_latency=polls.ours_latency,
        per_device_latency=polls.per_device_latency,
        setup=_median(setups.ours),
        setup_baseline=_median(setups.baseline),
        setup_plain=_median(setups.plain),
        setup_runs=len(setups.ours),
        memory=memory.ours,
        memory_baseline=memory.baseline,
        memory_plain=memory.plain,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class _PollResults:
    ours: PollSeries
    writes_unchanged: tuple[int, ...]
    changed: PollSeries
    changed_values: int
    writes_changed: tuple[int, ...]
    per_device: PollSeries
    per_datastream: PollSeries
    ours_latency: PollSeries
    per_device_latency: PollSeries


class _Polls:
    """Our polls and the naive ones, on Home Assistant's shared session, against one emulator."""

    def __init__(
        self,
        hass: HomeAssistant,
        emu: EmulatorProcess,
        values: BlynkValuesCoordinator,
        options: Options,
    ) -> None:
        self.hass = hass
        self.emu = emu
        self.values = values
        self.options = options

    async def poll(self) -> None:
        """One poll of the values coordinator, as its timer would run it."""
        await self.values.async_refresh()
        if not self.values.last_update_success:
            raise RuntimeError(f"a poll failed: {self.values.last_exception!r}")

    async def measure(self, scenario: dict[str, Any]) -> _PollResults:
        """Every poll series; the naive ones on the session the integration uses."""
        polls = self.options.polls
        for _ in range(WARMUP_POLLS):
            await self.poll()
        writes_unchanged: list[int] = []
        ours = await self.series(polls, self.poll, writes_unchanged)
        with profiling(self.options.profile("poll", len(self.values.data))):
            for _ in range(PROFILED_POLLS):
                await self.poll()
        changed_values, changed, writes_changed = await self.changes(scenario)

        session = async_get_clientsession(self.hass)
        url = self.emu.url
        token = await naive.access_token(session, url, scenario)
        ids = [device["id"] for device in scenario["devices"]]
        pins = [f"v{index}" for index in range(self.options.datastreams)]
        tokens = [(device["token"], pins) for device in scenario["devices"]]

        def per_device() -> Awaitable[object]:
            return naive.per_device(session, url, token, ids)

        def per_datastream() -> Awaitable[object]:
            return naive.per_datastream(session, url, tokens)

        per_device_series = await self.series(polls, per_device)
        budget = PER_DATASTREAM_BUDGET // (len(ids) * self.options.datastreams)
        per_datastream_series = await self.series(max(1, min(polls, budget)), per_datastream)

        await self.emu.add_latency(self.options.latency_ms / 1000, API_PATHS)
        try:
            ours_latency = await self.series(polls, self.poll)
            per_device_latency = await self.series(polls, per_device)
        finally:
            await self.emu.clear_faults()
        return _PollResults(
            ours=ours,
            writes_unchanged=tuple(writes_unchanged),
            changed=changed,
            changed_values=changed_values,
            writes_changed=tuple(writes_changed),
            per_device=per_device_series,
            per_datastream=per_datastream_series,
            ours_latency=ours_latency,
            per_device_latency=per_device_latency,
        )

    async def series(
        self,
        polls: int,
        call: Callable[[], Awaitable[object]],
        writes: list[int] | None = None,
    ) -> PollSeries:
        """Time `polls` calls after an untimed one; count requests, and state writes if asked."""
        await call()
        await self.hass.async_block_till_done()
        timings: list[Timing] = []
        requests: list[int] = []
        emulator_cpu = self.emu.cpu_ms()
        with StateWrites(self.hass) as counter:
            for _ in range(polls):
                await self.emu.clear_log()
                before = counter.count
                timings.append(await timed(call))
                await self.hass.async_block_till_done()
                if writes is not None:
                    writes.append(counter.count - before)
                requests.append(await self.emu.count())
        return PollSeries(
            requests=tuple(requests),
            timing=median_timing(timings),
            polls=polls,
            emulator_cpu_ms=_per_poll(emulator_cpu, self.emu.cpu_ms(), polls),
        )

    async def changes(self, scenario: dict[str, Any]) -> tuple[int, PollSeries, list[int]]:
        """Rounds of: change 5% of the values at the emulator, then poll once.

        Returns how many values each round changed, the polls, and each poll's state writes.
        """
        current = {
            (device["id"], int(index)): value
            for device in scenario["devices"]
            for index, value in device["values"].items()
        }
        slots = sorted(current)
        rng = random.Random(SEED)  # noqa: S311 - a reproducible choice, not security
        changed = round(len(slots) * CHANGED_FRACTION)
        timings: list[Timing] = []
        requests: list[int] = []
        writes: list[int] = []
        for _ in range(self.options.changed_rounds):
            chosen = rng.sample(slots, changed)
            for slot in chosen:
                current[slot] = _other(current[slot])
            await self.emu.set_values([(*slot, current[slot]) for slot in chosen])
            await self.emu.clear_log()
            with StateWrites(self.hass) as counter:
                timings.append(await timed(self.poll))
                await self.hass.async_block_till_done()
            writes.append(counter.count)
            requests.append(await self.emu.count())
        series = PollSeries(
            requests=tuple(requests),
            timing=median_timing(timings),
            polls=self.options.changed_rounds,
            emulator_cpu_ms=None,
        )
        return changed, series, writes


@dataclass(frozen=True, slots=True)
class _Three[T]:
    """Ours, the baseline shaped like ours, and the plain baseline."""

    ours: T
    baseline: T
    plain: T


async def _setups(
    emu: EmulatorProcess,
    scenario: dict[str, Any],
    expected: int,
    workdir: Path,
    options: Options,
) -> _Three[list[Setup]]:
    """Set ours and both baselines up in turns, each in a new Home Assistant, untraced."""
    runs = options.setup_runs if expected < SINGLE_SETUP_ENTITIES else 1
    result: _Three[list[Setup]] = _Three([], [], [])
    for _ in range(runs):
        async with home_assistant(workdir) as hass:
            ours = await set_up(hass, organization_entry(emu.url, scenario), expected)
            await hass.async_block_till_done(wait_background_tasks=True)
        result.ours.append(ours)
        async with home_assistant(workdir) as hass:
            result.baseline.append(
                await set_up(hass, baseline_entry(ours.entities, ours), ours.entities)
            )
        async with home_assistant(workdir) as hass:
            result.plain.append(await set_up(hass, baseline_entry(ours.entities), ours.entities))
    return result


async def _memory(
    emu: EmulatorProcess, scenario: dict[str, Any], expected: int, workdir: Path
) -> _Three[Setup]:
    """One setup of each under tracemalloc (slow: these are not timed)."""
    async with home_assistant(workdir) as hass:
        ours = await set_up(hass, organization_entry(emu.url, scenario), expected, trace=True)
        await hass.async_block_till_done(wait_background_tasks=True)
    async with home_assistant(workdir) as hass:
        baseline = await set_up(
            hass, baseline_entry(ours.entities, ours), ours.entities, trace=True
        )
    async with home_assistant(workdir) as hass:
        plain = await set_up(hass, baseline_entry(ours.entities), ours.entities, trace=True)
    return _Three(ours, baseline, plain)


def _median(setups: list[Setup]) -> Setup:
    """The median setup time; every run must have created the same entities."""
    shapes = {(setup.entities, setup.devices, setup.device_class_sensors) for setup in setups}
    assert len(shapes) == 1, f"the setups differ: {shapes}"
    return replace(setups[0], seconds=statistics.median(setup.seconds for setup in setups))


def _per_poll(before: float | None, after: float | None, polls: int) -> float | None:
    if before is None or after is None:
        return None
    return (after - before) / polls


def _other(value: Any) -> Any:
    """A different value of the same type: a switch flips, a number or a position moves."""
    if isinstance(value, list):  # a location, [longitude, latitude]
        longitude, latitude = value
        return [round(longitude + (0.001 if longitude < 0 else -0.001), 6), latitude]
    if isinstance(value, int):
        return 1 - value if value in (0, 1) else value + (1 if value < 50 else -1)
    return round(value + (1.0 if value < 10 else -1.0), 2)
