"""The issue's targets, checked against what one run measured."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
import math

from .report import ratio_text
from .results import DeviceModeResult, FleetResult

WALL_RATIO_TARGET = 20.0
"""At 1,000 devices our poll takes at most 1/20 of the naive request-per-device poll."""
CPU_MS_PER_1000_VALUES = 50.0
SETUP_RATIO_TARGET = 1.5
"""Setup time and memory per entity at most 1.5x the baseline's."""
TARGET_DEVICES = 1000


@dataclass(frozen=True, slots=True)
class Check:
    """A target, and whether this run met it."""

    name: str
    met: bool
    detail: str


def checks(fleets: Iterable[FleetResult], device: DeviceModeResult | None) -> list[Check]:
    """Every target of the issue, for every measured size."""
    result: list[Check] = []
    for fleet in fleets:
        result += _fleet_checks(fleet)
    if device is not None:
        result += [
            Check(
                f"device mode: one request per poll ({device.datastreams} datastreams)",
                set(device.requests) == {1},
                f"measured {_values(device.requests)}",
            ),
            Check(
                "device mode: monthly messages measured = the integration's sensor",
                device.monthly_measured == device.monthly_sensor,
                f"{device.monthly_measured:,} measured, {device.monthly_sensor:,} shown",
            ),
        ]
    return result


def _fleet_checks(fleet: FleetResult) -> list[Check]:
    n = fleet.devices
    wanted = math.ceil(n / 10)
    requests = fleet.ours.requests + fleet.changed.requests + fleet.ours_latency.requests
    result = [
        Check(
            f"{n} devices: requests per poll = ceil({n} / 10) = {wanted}",
            set(requests) == {wanted},
            f"measured {_values(requests)} in {len(requests)} polls",
        ),
        Check(
            f"{n} devices: no state write for an unchanged value",
            not any(fleet.writes_unchanged),
            f"{sum(fleet.writes_unchanged)} writes in {len(fleet.writes_unchanged)} polls",
        ),
        Check(
            f"{n} devices: 5% of the values changed -> exactly those written",
            set(fleet.writes_changed) == {fleet.changed_values},
            f"{_values(fleet.writes_changed)} writes for {fleet.changed_values} changed values"
            f" in each of {len(fleet.writes_changed)} rounds",
        ),
        _ratio_check(
            f"{n} devices: setup time <= {SETUP_RATIO_TARGET}x the same-shape baseline's",
            fleet.setup.seconds,
            fleet.setup_baseline.seconds,
            "s",
        ),
        _ratio_check(
            f"{n} devices: memory per entity <= {SETUP_RATIO_TARGET}x the same-shape baseline's",
            fleet.memory.kib_per_entity or 0.0,
            fleet.memory_baseline.kib_per_entity or 0.0,
            "KiB",
        ),
    ]
    if n == TARGET_DEVICES:
        result.append(
            Check(
                f"{n} devices: poll wall time <= 1/{WALL_RATIO_TARGET:.0f} of the naive"
                f" per-device poll ({fleet.latency_ms:g} ms round trip)",
                fleet.latency_ratio >= WALL_RATIO_TARGET,
                f"{fleet.ours_latency.timing.wall_ms:.1f} ms vs"
                f" {fleet.per_device_latency.timing.wall_ms:.1f} ms"
                f" ({fleet.latency_ratio:.1f}x faster)",
            )
        )
        for label, series in (("unchanged", fleet.ours), ("5% changed", fleet.changed)):
            result.append(
                Check(
                    f"{n} devices: CPU < {CPU_MS_PER_1000_VALUES:.0f} ms per 1,000 values"
                    f" ({label})",
                    fleet.cpu_per_1000_values(series) < CPU_MS_PER_1000_VALUES,
                    f"{series.timing.cpu_ms:.1f} ms for {fleet.values:,} values"
                    f" = {fleet.cpu_per_1000_values(series):.1f} ms per 1,000",
                )
            )
    return result


def notes(fleets: Iterable[FleetResult]) -> list[str]:
    """Figures next to the targets that are not targets themselves."""
    result: list[str] = []
    for f in fleets:
        if f.devices != TARGET_DEVICES:
            continue
        bound = (
            ""
            if not f.ours.emulator_cpu_ms
            else f"; the emulator alone spends {f.ours.emulator_cpu_ms:.0f} ms CPU on our"
            f" {max(f.ours.requests)} reads, so no client can be more than"
            f" {f.per_device.timing.wall_ms / f.ours.emulator_cpu_ms:.1f}x faster there"
        )
        result.append(
            f"{f.devices} devices: at 127.0.0.1 without added latency ours is {f.ratio:.1f}x"
            f" faster than naive per device ({f.ours.timing.wall_ms:.1f} ms vs"
            f" {f.per_device.timing.wall_ms:.1f} ms){bound}"
        )
        result.append(
            f"{f.devices} devices: against the plain baseline (no devices, no device classes)"
            f" setup takes {ratio_text(f.setup.seconds, f.setup_plain.seconds)} and memory"
            f" per entity {ratio_text(f.memory.kib_per_entity, f.memory_plain.kib_per_entity)}"
        )
    return result


def _ratio_check(name: str, ours: float, baseline: float, unit: str) -> Check:
    ratio = ours / baseline if baseline else math.inf
    return Check(
        name,
        ratio <= SETUP_RATIO_TARGET,
        f"{ours:.3g} {unit} vs {baseline:.3g} {unit} ({ratio:.2f}x)",
    )


def _values(numbers: Sequence[int]) -> str:
    return ", ".join(str(number) for number in sorted(set(numbers)))
