"""History backfill into long-term statistics, against the emulator and a real recorder."""

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any
from unittest.mock import patch

from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    async_import_statistics,
    statistics_during_period,
)
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.recorder import get_instance
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.blynk_cloud.api import HistoryPoint
from custom_components.blynk_cloud.const import CONF_HISTORY_DAYS, DOMAIN
from custom_components.blynk_cloud.statistics import Pacer, hourly
from emulator import Emulator, Fault
from emulator.device_export import EXPORTS_PATH
from tests.conftest import setup_entry

TEMPERATURE = "sensor.garden_weather_temperature"
ENERGY = "sensor.hallway_thermostat_energy"
HOUR_MS = 3_600_000
HISTORY = "/api/v1/organization/device/datastream/history"


def seed_history(emulator: Emulator) -> None:
    """Three days of readings: a temperature every 7 minutes, an energy meter with a reset."""
    now = emulator.now_ms()
    start = now - 3 * 24 * HOUR_MS
    for index, ts in enumerate(range(start, now - HOUR_MS, 7 * 60_000)):
        emulator.set_value(1, 1, round(15 + (index % 37) / 3, 2), ts_ms=ts)
    energy = 1000.0
    for index, ts in enumerate(range(start, now - HOUR_MS, 20 * 60_000)):
        energy = 0.25 if index == 100 else energy + 0.25  # the meter was replaced
        emulator.set_value(4, 6, round(energy, 2), ts_ms=ts)


def week_window(now: datetime) -> tuple[datetime, datetime]:
    """The start of the hour a week ago, and of the current hour: what the backfill covers."""
    hour = now.replace(minute=0, second=0, microsecond=0)
    return hour - timedelta(days=7), hour


def expected_hours(
    emulator: Emulator, device: int, datastream: int, start: datetime, stop: datetime
) -> dict[datetime, list[float]]:
    """The raw points of each whole UTC hour in [start, stop), as Blynk keeps them."""
    hours: dict[datetime, list[float]] = defaultdict(list)
    for ts, value in emulator.history(device, datastream):
        hour = datetime.fromtimestamp(ts // HOUR_MS * 3600, UTC)
        if start <= hour < stop:
            hours[hour].append(float(value))
    return hours


async def recorded(hass: HomeAssistant, entity_id: str, start: datetime) -> list[dict[str, Any]]:
    await async_wait_recording_done(hass)
    rows = await get_instance(hass).async_add_executor_job(
        statistics_during_period,
        hass,
        start,
        None,
        {entity_id},
        "hour",
        None,
        {"mean", "min", "max", "state", "sum"},
    )
    return rows.get(entity_id, [])


async def import_progress(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, entry: MockConfigEntry
) -> dict[str, Any]:
    """The history import's progress, as the entry's diagnostics show it."""
    assert await async_setup_component(hass, "diagnostics", {})
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    return diagnostics["history_import"]


async def import_device_statistics(
    hass: HomeAssistant, entry: MockConfigEntry, start: datetime
) -> dict[str, Any]:
    """The import_statistics action for a device-mode entry's device."""
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, entry.entry_id), entry.entry_id
    )
    assert device is not None
    response = await hass.services.async_call(
        DOMAIN,
        "import_statistics",
        {"device_id": device.id, "start": start},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return dict(response)


@pytest.fixture
def history_entry(organization_entry: MockConfigEntry) -> MockConfigEntry:
    """The demo organization, importing a week of history."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=organization_entry.title,
        unique_id=organization_entry.unique_id,
        data=dict(organization_entry.data),
        options={CONF_HISTORY_DAYS: 7},
    )


async def test_backfill_matches_the_raw_points(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    history_entry: MockConfigEntry,
    emulator: Emulator,
    paced_requests: list[float],
) -> None:
    seed_history(emulator)
    entry = await setup_entry(hass, history_entry)
    # The history pages were read within the budget: no two closer than its interval.
    rate = (await import_progress(hass, hass_client, entry))["requests_per_minute"]
    assert rate == 600 - (1 * 60 / 30 + 8 * 60 / 300)  # minus polling's share
    pages = emulator.count("/api/v1/organization/device/datastream/history")
    assert pages >= 10
    assert len(paced_requests) == pages
    assert min(b - a for a, b in pairwise(paced_requests)) == pytest.approx(60 / rate)
    now = dt_util.utcnow()
    window, current_hour = week_window(now)

    rows = await recorded(hass, TEMPERATURE, window)
    expected = expected_hours(emulator, 1, 1, window, current_hour)
    assert len(rows) == len(expected) >= 60
    for row in rows:
        values = expected[dt_util.utc_from_timestamp(row["start"])]
        assert row["mean"] == pytest.approx(sum(values) / len(values))
        assert (row["min"], row["max"]) == (min(values), max(values))

    energy = await recorded(hass, ENERGY, window)
    hours = expected_hours(emulator, 4, 6, window, current_hour)
    assert [row["state"] for row in energy] == [values[-1] for values in hours.values()]
    assert energy[-1]["sum"] == pytest.approx(0.0)  # where the recorder's own sums will start
    growth = [b["sum"] - a["sum"] for a, b in pairwise(energy)]
    assert all(step >= 0 for step in growth)  # the meter's reset is not a negative use
    # From the end of the first hour to the end of the last: every increase, resets included.
    first_hour_end = len(next(iter(hours.values())))
    readings = [value for values in hours.values() for value in values][first_hour_end - 1 :]
    used = sum(b - a if b >= a else b for a, b in pairwise(readings))
    assert energy[-1]["sum"] - energy[0]["sum"] == pytest.approx(used)

    # A second run finds every hour recorded and writes nothing.
    response = await hass.services.async_call(
        DOMAIN,
        "import_statistics",
        {"entity_id": TEMPERATURE, "start": window},
        blocking=True,
        return_response=True,
    )
    assert response == {"hours": 0, "entities": 1}
    assert await recorded(hass, TEMPERATURE, window) == rows


async def test_restart_mid_import_leaves_no_gap_or_duplicate(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    history_entry: MockConfigEntry,
    emulator: Emulator,
) -> None:
    seed_history(emulator)
    # The first run stops in the middle of its second entity, as if Home Assistant stopped:
    # the emulator holds each history request until the test lets it go.
    emulator.inject(Fault.held(), path=HISTORY, count=1_000)
    history_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(history_entry.entry_id)
    for arrived in range(1, 100):
        await emulator.received(HISTORY, arrived)
        first = await import_progress(hass, hass_client, history_entry)
        if first["entities_done"]:
            break
        emulator.release()
    assert (first["state"], first["entities_done"]) == ("running", 1)
    await hass.config_entries.async_unload(history_entry.entry_id)
    emulator.clear_faults()
    await hass.config_entries.async_setup(history_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert (await import_progress(hass, hass_client, history_entry))["state"] == "done"
    now = dt_util.utcnow()
    window, current_hour = week_window(now)
    for entity_id, device, datastream in ((TEMPERATURE, 1, 1), (ENERGY, 4, 6)):
        rows = await recorded(hass, entity_id, window)
        starts = [row["start"] for row in rows]
        assert len(starts) == len(set(starts))
        expected = expected_hours(emulator, device, datastream, window, current_hour)
        assert {dt_util.utc_from_timestamp(start) for start in starts} == set(expected)


async def test_pacer_spaces_requests() -> None:
    clock = [0.0]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    pacer = Pacer(120, clock=lambda: clock[0], sleep=sleep)

    for _ in range(5):
        await pacer.wait()
    assert waits == [0.5, 0.5, 0.5, 0.5]


async def test_sums_run_into_the_recorded_hours(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    history_entry: MockConfigEntry,
    emulator: Emulator,
) -> None:
    """Where the recorder already compiled hours, the imported sums lead into them."""
    seed_history(emulator)
    now = dt_util.utcnow()
    seam = (now - timedelta(hours=5)).replace(minute=0, second=0, microsecond=0)
    # The recorder's first hour of the meter: it read 1.0 more than the last reading before.
    before = [v for ts, v in emulator.history(4, 6) if ts < seam.timestamp() * 1000][-1]
    async_import_statistics(
        hass,
        StatisticMetaData(
            mean_type=StatisticMeanType.NONE,
            has_sum=True,
            name=None,
            source="recorder",
            statistic_id=ENERGY,
            unit_class="energy",
            unit_of_measurement="kWh",
        ),
        [StatisticData(start=seam, state=before + 1.0, sum=42.0)],
    )
    await async_wait_recording_done(hass)
    await setup_entry(hass, history_entry)
    rows = await recorded(hass, ENERGY, now - timedelta(days=7))
    assert rows[-1]["start"] == seam.timestamp()
    assert rows[-2]["state"] == before
    assert rows[-2]["sum"] == pytest.approx(42.0 - 1.0)


async def test_device_mode_imports_on_request(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    device_entry: MockConfigEntry,
    emulator: Emulator,
) -> None:
    """Device mode reads the Device API's export, only when asked (a few a day are allowed)."""
    seed_history(emulator)
    entry = await setup_entry(hass, device_entry)
    assert (await import_progress(hass, hass_client, entry))["state"] == "not started"
    start = dt_util.utcnow() - timedelta(days=2)
    response = await import_device_statistics(hass, entry, start)
    window = start.replace(minute=0, second=0, microsecond=0)
    current_hour = dt_util.utcnow().replace(minute=0, second=0, microsecond=0)
    expected = expected_hours(emulator, 1, 1, window, current_hour)
    # Pins v1..v3 are numeric sensors with a state class; only v1 has seeded history here.
    assert response["entities"] == 3
    assert response["hours"] >= len(expected)
    rows = await recorded(hass, "sensor.garden_weather_v1", window)
    assert len(rows) == len(expected)
    assert emulator.count("/external/api/data/get") == 3
    with pytest.raises(ServiceValidationError) as err:
        await import_device_statistics(hass, entry, dt_util.utcnow() - timedelta(days=40))
    assert err.value.translation_key == "export_too_long"


async def test_a_refused_export_file_asks_for_no_new_credentials(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    device_entry: MockConfigEntry,
    emulator: Emulator,
) -> None:
    """An export file goes without credentials: its refusal (an expired link) starts no reauth."""
    entry = await setup_entry(hass, device_entry)
    emulator.inject(Fault.forbidden(), path=EXPORTS_PATH)
    with pytest.raises(HomeAssistantError) as err:
        await import_device_statistics(hass, entry, dt_util.utcnow() - timedelta(days=2))
    assert err.value.translation_key == "api_error"
    await hass.async_block_till_done()
    assert not any(entry.async_get_active_flows(hass, {SOURCE_REAUTH}))
    assert entry.state is ConfigEntryState.LOADED


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"start": "2026-01-01T00:00:00+00:00"}, "import_statistics_target"),
        (
            {"entity_id": "sensor.garden_weather_status", "start": "2026-01-01T00:00:00+00:00"},
            "not_importable",
        ),
        (
            {
                "entity_id": TEMPERATURE,
                "start": "2026-01-02T00:00:00+00:00",
                "end": "2026-01-01T00:00:00+00:00",
            },
            "history_empty_range",
        ),
    ],
)
async def test_refused_requests(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    data: dict[str, Any],
    key: str,
) -> None:
    await setup_entry(hass, organization_entry)
    emulator.clear_log()
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "import_statistics", data, blocking=True, return_response=True
        )
    assert err.value.translation_key == key
    assert emulator.count() == 0


async def test_nothing_to_import(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
) -> None:
    """An hour still open, or a period without history, writes nothing."""
    await setup_entry(hass, organization_entry)
    for start, end in (
        (dt_util.utcnow(), None),
        (dt_util.utcnow() - timedelta(days=25), dt_util.utcnow() - timedelta(days=24)),
    ):
        data = {"entity_id": TEMPERATURE, "start": start} | ({"end": end} if end else {})
        response = await hass.services.async_call(
            DOMAIN, "import_statistics", data, blocking=True, return_response=True
        )
        assert response == {"hours": 0, "entities": 1}


async def test_a_failing_datastream_does_not_stop_the_others(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    history_entry: MockConfigEntry,
    emulator: Emulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    seed_history(emulator)
    emulator.inject(Fault.server_error(), path="/api/v1/organization/device/datastream/history")
    entry = await setup_entry(hass, history_entry)
    progress = await import_progress(hass, hass_client, entry)
    assert progress["state"] == "done"
    assert progress["entities_done"] == progress["entities"]
    assert progress["last_error"] is not None
    assert "not imported" in caplog.text
    assert await recorded(hass, ENERGY, dt_util.utcnow() - timedelta(days=7))


async def test_without_recorder(hass: HomeAssistant, organization_entry: MockConfigEntry) -> None:
    await setup_entry(hass, organization_entry)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "import_statistics",
            {"entity_id": TEMPERATURE, "start": dt_util.utcnow()},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "recorder_not_loaded"


def test_hourly_skips_what_is_not_a_number() -> None:
    base = 1_760_000_400_000 // HOUR_MS * HOUR_MS
    points = [HistoryPoint(base, 1.0), HistoryPoint(base + 1, "n/a"), HistoryPoint(base + 2, 3.0)]
    (row,) = hourly(points, total=False)
    assert (row["mean"], row["min"], row["max"]) == (2.0, 1.0, 3.0)


async def test_imported_in_the_units_the_user_sees(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    history_entry: MockConfigEntry,
    emulator: Emulator,
) -> None:
    """Blynk keeps °C; on a US customary install the statistics are in °F, like the state."""
    hass.config.units = US_CUSTOMARY_SYSTEM
    seed_history(emulator)
    await setup_entry(hass, history_entry)
    assert hass.states.get(TEMPERATURE).attributes["unit_of_measurement"] == "°F"
    now = dt_util.utcnow()
    window, current_hour = week_window(now)
    rows = await recorded(hass, TEMPERATURE, window)
    expected = expected_hours(emulator, 1, 1, window, current_hour)
    for row in rows:
        celsius = expected[dt_util.utc_from_timestamp(row["start"])]
        assert row["mean"] == pytest.approx(sum(celsius) / len(celsius) * 9 / 5 + 32)


async def test_backfill_waits_out_a_rate_limit(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    history_entry: MockConfigEntry,
    emulator: Emulator,
    paced_requests: list[float],
) -> None:
    seed_history(emulator)
    emulator.inject(Fault.rate_limited(retry_after=90), path=HISTORY)
    entry = await setup_entry(hass, history_entry)
    progress = await import_progress(hass, hass_client, entry)
    assert (progress["state"], progress["entities_done"]) == ("done", progress["entities"])
    assert "429" in (progress["last_error"] or "")
    # The next request waited as long as the server asked (on the pacing clock).
    assert paced_requests[1] - paced_requests[0] >= 90
    assert await recorded(hass, TEMPERATURE, dt_util.utcnow() - timedelta(days=7))


async def test_backfill_gives_up_on_a_datastream_after_three_rate_limits(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    history_entry: MockConfigEntry,
    emulator: Emulator,
) -> None:
    seed_history(emulator)
    emulator.inject(Fault.rate_limited(retry_after=0), path=HISTORY, count=3)
    entry = await setup_entry(hass, history_entry)
    progress = await import_progress(hass, hass_client, entry)
    assert (progress["state"], progress["entities_done"]) == ("done", progress["entities"])
    assert not await recorded(hass, TEMPERATURE, dt_util.utcnow() - timedelta(days=7))
    assert await recorded(hass, ENERGY, dt_util.utcnow() - timedelta(days=7))


async def test_backfill_stops_when_the_server_is_gone(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    history_entry: MockConfigEntry,
    emulator: Emulator,
) -> None:
    emulator.inject(Fault.dropped(), path=HISTORY, count=4)
    entry = await setup_entry(hass, history_entry)
    progress = await import_progress(hass, hass_client, entry)
    assert (progress["state"], progress["entities_done"]) == ("stopped", 0)
    assert emulator.count(HISTORY) == 2  # one request (and aiohttp's one retry), no storm


async def test_backfill_failure_is_visible(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    history_entry: MockConfigEntry,
    emulator: Emulator,
) -> None:
    seed_history(emulator)
    with patch(
        "custom_components.blynk_cloud.statistics.async_import_statistics",
        side_effect=HomeAssistantError("refused"),
    ):
        entry = await setup_entry(hass, history_entry)
    assert (await import_progress(hass, hass_client, entry))["state"] == "failed"
