"""The table and the details of one run."""

from collections.abc import Iterable, Sequence

from .harness import HA_ENTITY_LIMIT, Setup
from .results import DeviceModeResult, FleetResult, PollSeries

LEGEND = """\
Requests are counted by the emulator. "naive per device" is one v2 read per device, "naive per
datastream" one Device API read per datastream, each a loop of sequential awaits on the same
session. Poll times are medians; "127.0.0.1" is the emulator as is, "RTT" adds that delay to every
answer, as a network round trip would. CPU is this process's (the emulator runs in its own).
Writes are state_changed plus state_reported events (a write of an unchanged state).
"baseline" is a minimal coordinator-backed sensor platform with as many entities, devices and
sensors with a device class as ours, from memory; "plain" the same without devices or device
classes. Setup lasts until every entity has a state; KiB per entity is what tracemalloc finds
still allocated after the setup."""


def table(fleets: Sequence[FleetResult]) -> str:
    """The results as a Markdown table, one row per organization size."""
    latency = f"{fleets[0].latency_ms:g} ms RTT" if fleets else "added latency"
    header = [
        "devices",
        "entities",
        "requests/poll ours / naive per device / naive per datastream",
        "poll ms ours / naive (127.0.0.1)",
        "ratio",
        f"poll ms ours / naive ({latency})",
        "ratio",
        "CPU ms/poll unchanged / 5% changed",
        "writes/poll unchanged / 5% changed",
        "setup s ours / baseline / plain",
        "KiB/entity ours / baseline / plain",
    ]
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    rows += ["| " + " | ".join(_cells(fleet)) + " |" for fleet in fleets]
    return "\n".join(rows)


def _cells(f: FleetResult) -> list[str]:
    requests = (max(f.ours.requests), max(f.per_device.requests), max(f.per_datastream.requests))
    return [
        f"{f.devices:,}",
        f"{f.setup.entities:,}",
        " / ".join(f"{count:,}" for count in requests),
        f"{f.ours.timing.wall_ms:.1f} / {f.per_device.timing.wall_ms:.1f}",
        f"{f.ratio:.1f}x",
        f"{f.ours_latency.timing.wall_ms:.1f} / {f.per_device_latency.timing.wall_ms:.1f}",
        f"{f.latency_ratio:.1f}x",
        f"{f.ours.timing.cpu_ms:.1f} / {f.changed.timing.cpu_ms:.1f}",
        f"{max(f.writes_unchanged)} / {max(f.writes_changed)} of {f.changed_values}",
        " / ".join(f"{s.seconds:.2f}" for s in (f.setup, f.setup_baseline, f.setup_plain)),
        " / ".join(_kib(s.kib_per_entity) for s in (f.memory, f.memory_baseline, f.memory_plain)),
    ]


def _kib(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def details(fleets: Iterable[FleetResult], device: DeviceModeResult | None) -> str:
    """What the table leaves out: poll counts, the per-datastream timing, the emulator's CPU."""
    lines: list[str] = []
    for fleet in fleets:
        lines += _fleet_details(fleet)
    if device is not None:
        lines += [
            f"device mode, 1 device x {device.datastreams} datastreams:",
            (
                f"  requests per poll {max(device.requests)}, device messages per poll"
                f" {max(device.messages)}, connectivity {device.connectivity_requests} request(s)"
            ),
            (
                f"  monthly messages at the defaults (values every {device.poll_seconds:.0f} s,"
                f" connectivity every {device.connectivity_seconds:.0f} s):"
                f" {device.monthly_measured:,} (the integration's sensor:"
                f" {device.monthly_sensor:,})"
            ),
        ]
    return "\n".join(lines)


def _fleet_details(f: FleetResult) -> list[str]:
    slower = f.per_datastream.timing.wall_ms / f.ours.timing.wall_ms
    setup, memory = f.setup, f.memory
    lines = [
        f"{f.devices:,} devices x {f.datastreams} datastreams ({f.values:,} values):",
        f"  ours: {_series(f.ours)}",
        f"  ours after 5% of the values changed: {_series(f.changed)}",
        f"  naive, one v2 read per device: {_series(f.per_device)}",
        (
            f"  naive, one Device API read per datastream: {_series(f.per_datastream)},"
            f" {slower:.0f}x ours (it is slow: fewer polls)"
        ),
        f"  with {f.latency_ms:g} ms added to every answer, ours: {_series(f.ours_latency)}",
        (
            f"  with {f.latency_ms:g} ms added to every answer, naive per device:"
            f" {_series(f.per_device_latency)}"
        ),
        (
            f"  setup, median of {f.setup_runs} run(s) each: ours {setup.entities:,} entities"
            f" on {setup.devices:,} devices, {setup.device_class_sensors:,} sensors with a"
            " device class; baseline: as many sensors, devices and device classes, from"
            " memory; plain: as many sensors, no device, no device class"
            f" (ours / plain {ratio_text(setup.seconds, f.setup_plain.seconds)})"
        ),
        (
            "  memory, one setup each under tracemalloc, KiB per entity: retained"
            f" {_kib(memory.kib_per_entity)} / {_kib(f.memory_baseline.kib_per_entity)} /"
            f" {_kib(f.memory_plain.kib_per_entity)}, peak {_kib(_peak(memory))} /"
            f" {_kib(_peak(f.memory_baseline))} / {_kib(_peak(f.memory_plain))}"
            f" (ours / plain {ratio_text(memory.kib_per_entity, f.memory_plain.kib_per_entity)})"
        ),
    ]
    if setup.entities > HA_ENTITY_LIMIT:
        lines.append(
            f"  NOTE: Home Assistant adds at most {HA_ENTITY_LIMIT:,} enabled entities to one"
            f" config entry and this fleet has {setup.entities:,}: the benchmark lifts the limit,"
            " a real installation stops adding entities there."
        )
    return lines


def ratio_text(ours: float | None, other: float | None) -> str:
    """`ours / other` as `1.23x`, or `-` when either is missing."""
    return "-" if not ours or not other else f"{ours / other:.2f}x"


def _series(series: PollSeries) -> str:
    emulator = (
        "" if series.emulator_cpu_ms is None else f", emulator {series.emulator_cpu_ms:.0f} ms CPU"
    )
    return (
        f"{max(series.requests):,} requests, median of {series.polls} poll(s):"
        f" {series.timing.wall_ms:.1f} ms wall, {series.timing.cpu_ms:.1f} ms CPU{emulator}"
    )


def _peak(setup: Setup) -> float | None:
    return None if setup.peak_kib is None else setup.peak_kib / setup.entities
