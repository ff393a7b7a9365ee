"""What one run measured."""

from dataclasses import dataclass

from .harness import Setup, Timing

SECONDS_PER_MONTH = 30 * 24 * 3600


@dataclass(frozen=True, slots=True)
class PollSeries:
    """Timed polls of one way of reading the fleet."""

    requests: tuple[int, ...]
    """Requests the emulator received in each timed poll."""
    timing: Timing
    """Medians of wall and CPU time."""
    polls: int
    emulator_cpu_ms: float | None
    """The emulator's CPU time per poll (None: not measured)."""


@dataclass(frozen=True, slots=True)
class FleetResult:
    """Everything measured for one organization size."""

    devices: int
    datastreams: int
    ours: PollSeries
    writes_unchanged: tuple[int, ...]
    """State writes in each of our timed polls (no value changed)."""
    changed: PollSeries
    """Our polls after 5% of the values changed, one a round."""
    changed_values: int
    writes_changed: tuple[int, ...]
    per_device: PollSeries
    per_datastream: PollSeries
    latency_ms: float
    ours_latency: PollSeries
    per_device_latency: PollSeries
    setup: Setup
    setup_baseline: Setup
    """The baseline with ours' shape: as many devices, as many sensors with a device class."""
    setup_plain: Setup
    """The baseline without devices or device classes."""
    setup_runs: int
    memory: Setup
    memory_baseline: Setup
    memory_plain: Setup

    @property
    def values(self) -> int:
        """Datastream values a poll reads."""
        return self.devices * self.datastreams

    @property
    def ratio(self) -> float:
        """How many times faster than the naive request-per-device poll ours is, on 127.0.0.1."""
        return self.per_device.timing.wall_ms / self.ours.timing.wall_ms

    @property
    def latency_ratio(self) -> float:
        """The same, with the simulated round-trip latency."""
        return self.per_device_latency.timing.wall_ms / self.ours_latency.timing.wall_ms

    def cpu_per_1000_values(self, series: PollSeries) -> float:
        """CPU ms of a poll per 1,000 values."""
        return series.timing.cpu_ms * 1000 / self.values


@dataclass(frozen=True, slots=True)
class DeviceModeResult:
    """Device mode: one device with many datastreams."""

    datastreams: int
    requests: tuple[int, ...]
    messages: tuple[int, ...]
    """Device messages the emulator counted in each poll."""
    connectivity_requests: int
    poll_seconds: float
    connectivity_seconds: float
    monthly_sensor: int
    """What the integration's `monthly_messages` sensor shows."""

    @property
    def monthly_measured(self) -> int:
        """Messages a month at the default intervals, from the messages counted per read."""
        return round(
            SECONDS_PER_MONTH / self.poll_seconds * max(self.messages)
            + SECONDS_PER_MONTH / self.connectivity_seconds * self.connectivity_requests
        )
