"""Backfill Blynk history into the long-term statistics of the integration's sensors.

A user who adds the integration sees the past weeks of their sensors at once. For each numeric
sensor with a state class, the datastream's history is read, aggregated into hours (mean, min and
max for a measurement; state and sum for a total) and imported into that entity's statistics.

What is already recorded is the checkpoint: only hours before an entity's first recorded hour are
imported, each entity in one import, so a restart continues with the entities not yet done and
never writes an hour twice. Sums of a total end where the recorded ones begin, so the energy
dashboard sees no jump at the seam.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import math
import time
from typing import Any

from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    STATISTIC_UNIT_TO_UNIT_CONVERTER,
    async_import_statistics,
    statistics_during_period,
)
from homeassistant.components.sensor import SensorStateClass
from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util

from .api import (
    BlynkAuthError,
    BlynkConnectionError,
    BlynkError,
    BlynkRateLimitError,
    Datastream,
    HistoryPoint,
)
from .backend import Backend, BlynkDevice
from .const import LOGGER
from .errors import RATE_LIMIT_BACKOFF
from .mapping import unit_spec

HOUR = timedelta(hours=1)
REQUEST_BUDGET_PER_MINUTE = 600
"""Requests a minute the backfill and polling may use together: 6% of the organization's 10,000."""
MIN_IMPORT_BUDGET_PER_MINUTE = 10
RATE_LIMIT_ATTEMPTS = 3
_IMPORTED_STATE_CLASSES = {SensorStateClass.MEASUREMENT, SensorStateClass.TOTAL_INCREASING}


class Pacer:
    """Spaces requests so that at most `per_minute` start in any minute."""

    def __init__(
        self,
        per_minute: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        """Start with no request made."""
        self.interval = 60.0 / per_minute
        self._clock = clock
        self._sleep = sleep
        self._next = -math.inf

    async def wait(self) -> None:
        """Return when the next request may start."""
        now = self._clock()
        if now < self._next:
            await self._sleep(self._next - now)
            now = self._next
        self._next = now + self.interval

    def hold_off(self, seconds: float) -> None:
        """Start no request in the next `seconds` (the server asked to wait)."""
        self._next = max(self._next, self._clock() + seconds)


@dataclass(slots=True)
class ImportProgress:
    """What diagnostics show of the backfill."""

    state: str = "not started"
    entities: int = 0
    entities_done: int = 0
    hours_written: int = 0
    requests_per_minute: float = 0.0
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sensor whose history can be imported."""

    entity_id: str
    device: BlynkDevice
    datastream: Datastream
    total: bool
    unit: str | None
    """The unit of the entity's state and statistics (the user's, e.g. °F)."""
    convert: Callable[[float], float] | None = None
    """From the datastream's unit (what Blynk stores, e.g. °C) to `unit`, when they differ."""


@dataclass(slots=True)
class _Hour:
    """The points of one hour."""

    start: datetime
    values: list[float] = field(default_factory=list)
    growth: float = 0.0
    """A total's increase up to the end of this hour, from the first point on."""


def hourly(points: Iterable[HistoryPoint], *, total: bool) -> list[StatisticData]:
    """Aggregate points into hourly rows (UTC hours): mean/min/max, or state and growth.

    A total's `sum` is the increase from the first point; a decrease is a meter reset, after
    which the new value counts as increase. Callers shift the sums to fit what is recorded.
    """
    hours: dict[datetime, _Hour] = {}
    growth, previous = 0.0, None
    for point in sorted(points, key=lambda point: point.ts):
        if isinstance(point.value, bool) or not isinstance(point.value, int | float):
            continue
        value = float(point.value)
        start = datetime.fromtimestamp(point.ts // 3_600_000 * 3600, UTC)
        hour = hours.setdefault(start, _Hour(start))
        if previous is not None:
            growth += value - previous if value >= previous else value
        previous = value
        hour.values.append(value)
        hour.growth = growth
    if total:
        return [
            StatisticData(start=hour.start, state=hour.values[-1], sum=hour.growth)
            for hour in hours.values()
        ]
    return [
        StatisticData(
            start=hour.start,
            mean=sum(hour.values) / len(hour.values),
            min=min(hour.values),
            max=max(hour.values),
        )
        for hour in hours.values()
    ]


class StatisticsImporter:
    """Imports history of one entry's sensors; one at a time, within a request budget."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        backend: Backend[Any],
        devices: Callable[[], Iterable[BlynkDevice]],
        *,
        requests_per_minute: float,
    ) -> None:
        """Read history through `backend`; `devices` lists what discovery knows now."""
        self.hass = hass
        self._entry_id = entry_id
        self._backend = backend
        self._devices = devices
        self._pacer = Pacer(requests_per_minute)
        self._lock = asyncio.Lock()
        self.progress = ImportProgress(requests_per_minute=requests_per_minute)

    def candidates(self) -> list[Candidate]:
        """Every enabled numeric sensor of the entry with a state class, by device and pin."""
        registry = er.async_get(self.hass)
        by_unique_id = {
            (registry_entry.unique_id): registry_entry
            for registry_entry in er.async_entries_for_config_entry(registry, self._entry_id)
            if registry_entry.domain == "sensor" and not registry_entry.disabled
        }
        found = []
        for device in self._devices():
            for datastream in device.datastreams.values():
                registry_entry = by_unique_id.get(self._backend.unique_id(device, datastream))
                state = self.hass.states.get(registry_entry.entity_id) if registry_entry else None
                if (
                    state is None
                    or state.attributes.get("state_class") not in _IMPORTED_STATE_CLASSES
                ):
                    continue
                unit = state.attributes.get(ATTR_UNIT_OF_MEASUREMENT)
                found.append(
                    Candidate(
                        entity_id=state.entity_id,
                        device=device,
                        datastream=datastream,
                        total=state.attributes["state_class"] == SensorStateClass.TOTAL_INCREASING,
                        unit=unit,
                        convert=_converter(unit_spec(datastream).unit, unit),
                    )
                )
        return found

    async def async_backfill(self, days: int) -> None:
        """Import the last `days` of every candidate (run in the background after setup).

        A datastream that fails is skipped; a 429 is waited out; when the server or the
        credentials fail, the import stops (the next start continues it).
        """
        candidates = self.candidates()
        self.progress.state, self.progress.entities = "running", len(candidates)
        end = dt_util.utcnow()
        try:
            for candidate in candidates:
                await self._import_patiently(candidate, end - timedelta(days=days), end)
                self.progress.entities_done += 1
        except (BlynkAuthError, BlynkConnectionError) as err:
            LOGGER.warning("History import stopped: %s", err)
            self.progress.state, self.progress.last_error = "stopped", str(err)
            return
        except Exception as err:  # noqa: BLE001 - the background task's last word
            LOGGER.exception("History import failed")
            self.progress.state, self.progress.last_error = "failed", str(err)
            return
        self.progress.state = "done"

    async def _import_patiently(self, candidate: Candidate, start: datetime, end: datetime) -> None:
        for _ in range(RATE_LIMIT_ATTEMPTS):
            try:
                await self.async_import(candidate, start, end)
            except BlynkRateLimitError as err:
                self.progress.last_error = f"{candidate.entity_id}: {err}"
                # The next request, whoever makes it, waits: the pacer keeps every wait.
                self._pacer.hold_off(
                    RATE_LIMIT_BACKOFF if err.retry_after is None else err.retry_after
                )
                continue
            except BlynkError as err:
                if isinstance(err, BlynkAuthError | BlynkConnectionError):
                    raise
                # One datastream's failure (raw data not kept, say) must not stop the others.
                LOGGER.warning("History of %s not imported: %s", candidate.entity_id, err)
                self.progress.last_error = f"{candidate.entity_id}: {err}"
            return

    async def async_import(self, candidate: Candidate, start: datetime, end: datetime) -> int:
        """Import the hours between `start` and `end` not yet recorded; return how many."""
        async with self._lock:
            start = _hour_of(start)
            recorded = await self._first_recorded(candidate.entity_id, start)
            # Stop at the first recorded hour (or at the current, still open, hour).
            stop = min(_hour_of(end) + HOUR, _hour_of(dt_util.utcnow()))
            if recorded is not None:
                stop = min(stop, recorded["start"])
            if stop <= start:
                return 0
            points = await self._history(candidate, start, stop)
            rows = [
                row for row in hourly(points, total=candidate.total) if start <= row["start"] < stop
            ]
            if not rows:
                return 0
            if candidate.total:
                _fit_sums(rows, recorded)
            async_import_statistics(self.hass, self._metadata(candidate), rows)
            self.progress.hours_written += len(rows)
            return len(rows)

    async def _first_recorded(self, entity_id: str, start: datetime) -> StatisticData | None:
        """The first recorded hour at or after `start`, if any."""
        rows = await get_instance(self.hass).async_add_executor_job(
            statistics_during_period,
            self.hass,
            start,
            None,
            {entity_id},
            "hour",
            None,
            {"state", "sum"},
        )
        first = next(iter(rows.get(entity_id, ())), None)
        if first is None:
            return None
        return StatisticData(
            start=dt_util.utc_from_timestamp(first["start"]),
            state=first.get("state") or 0.0,
            sum=first.get("sum") or 0.0,
        )

    async def _history(
        self, candidate: Candidate, start: datetime, stop: datetime
    ) -> Sequence[HistoryPoint]:
        points = await self._backend.history(
            candidate.device,
            candidate.datastream,
            _ms(start),
            _ms(stop) - 1,
            pace=self._pacer.wait,
        )
        if (convert := candidate.convert) is None:
            return points
        return [
            HistoryPoint(point.ts, convert(point.value))
            for point in points
            if isinstance(point.value, int | float) and not isinstance(point.value, bool)
        ]

    @staticmethod
    def _metadata(candidate: Candidate) -> StatisticMetaData:
        converter = STATISTIC_UNIT_TO_UNIT_CONVERTER.get(candidate.unit)
        return StatisticMetaData(
            mean_type=StatisticMeanType.NONE if candidate.total else StatisticMeanType.ARITHMETIC,
            has_sum=candidate.total,
            name=None,
            source="recorder",
            statistic_id=candidate.entity_id,
            unit_class=converter.UNIT_CLASS if converter else None,
            unit_of_measurement=candidate.unit,
        )


def _converter(native: str | None, shown: str | None) -> Callable[[float], float] | None:
    """The conversion from Blynk's unit to the entity's, when the user chose another one."""
    converter = STATISTIC_UNIT_TO_UNIT_CONVERTER.get(shown)
    if native == shown or converter is None or native not in converter.VALID_UNITS:
        return None
    return converter.converter_factory(native, shown)


def _fit_sums(rows: list[StatisticData], recorded: StatisticData | None) -> None:
    """Shift the sums so that they run into the first recorded hour (or end at 0)."""
    last = rows[-1]
    target = 0.0
    if recorded is not None:
        # The recorded hour grew from our last state to its own: its sum minus that growth.
        growth = recorded["state"] - last["state"]
        target = recorded["sum"] - (growth if growth >= 0 else recorded["state"])
    offset = target - last["sum"]
    for row in rows:
        row["sum"] += offset


def _hour_of(when: datetime) -> datetime:
    return dt_util.as_utc(when).replace(minute=0, second=0, microsecond=0)


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def recorder_loaded(hass: HomeAssistant) -> bool:
    """Whether the recorder runs (the integration works without it, minus the history)."""
    return "recorder" in hass.config.components


def import_budget(polls_per_minute: float) -> float:
    """Requests a minute left to the backfill once polling has taken its share."""
    return max(MIN_IMPORT_BUDGET_PER_MINUTE, REQUEST_BUDGET_PER_MINUTE - polls_per_minute)
