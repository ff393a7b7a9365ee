"""Device HTTPS API export: ``/external/api/data/get``.

Documented: parameters ``token``, ``dataStreamId`` or ``pin``, ``period`` (``HOUR``,
``DAY``, ``WEEK``, ``MONTH`` default, ``THREE_MONTHS``), ``granularityType``
(``RAW_DATA`` default, not for ``THREE_MONTHS``; ``MINUTE``, ``HOURLY``, ``DAILY``),
``sourceType`` (``AVG`` default, ``MIN``, ``MAX``, ``SUM``, ``COUNT``), ``tzName``
(default UTC), ``format`` (``TS`` default, ``ISO_US``, ``ISO_SIMPLE``),
``sendEvents`` (``output`` was dropped on 2025-01-27 and is ignored). Answers
``{"link": ...}`` or, in the ``json`` reading, ``{"meta", "data": [{"data_stream_name",
"ts", "value"}], "rows", "rows_before_limit_at_least"}``. Errors: 400 "Invalid token.",
"No token provided.", "Request with incorrect parameters", "Wrong pin format."; 500 "No
enum constant ...Period.{X}" and "No data". At most 10 exports per device per day.

Variants (:mod:`emulator.variants`): ``export_delivery`` (a link to a zip, gzip or plain
CSV file, or JSON rows), ``export_timestamps`` (``ts`` of format ``TS`` in seconds or
milliseconds, as a number or a string) and ``export_quota`` (how the daily limit refuses).

Inferences:
- Periods end now: HOUR 1 h, DAY 24 h, WEEK 7 days, MONTH 30 days, THREE_MONTHS 90.
- Aggregation buckets are aligned to UTC; non-numeric values only count for COUNT.
- ``ISO_US`` is ISO 8601 with milliseconds and offset in ``tzName``; ``ISO_SIMPLE``
  is ``YYYY-MM-DD HH:MM:SS`` in ``tzName``; ``data_stream_name`` is the label.
- The link serves the file from ``/_emulator/exports/{name}``; the CSV file has the
  header ``data_stream_name,ts,value``.
- ``sendEvents`` is accepted and ignored.
"""

import csv
from datetime import UTC, datetime, tzinfo
import gzip
import io
import statistics
from typing import Any
import zipfile
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiohttp import web

from .appkeys import REGION_KEY, URL_FOR_KEY
from .device_api import PREFIX, by_pin, device_of
from .entities import Datastream, Template
from .errors import INCORRECT_PARAMETERS, NO_DATA, NO_TOKEN, PERIOD_ENUM, ApiError
from .model import DAY_MS
from .values import is_number
from .variants import EXPORT_DELIVERY, EXPORT_QUOTA, EXPORT_TIMESTAMPS

EXPORTS_PATH = "/_emulator/exports"
EXPORT_LIMIT = {
    "429": (429, "Daily limit of {} data exports per device is reached."),
    "500_no_data_text": (500, "No data exports left for today (limit {})."),
}
"""The answer over the daily export limit, by reading of the ``export_quota`` variant."""
HOUR_MS = 3_600_000
PERIODS = {
    "HOUR": HOUR_MS,
    "DAY": DAY_MS,
    "WEEK": 7 * DAY_MS,
    "MONTH": 30 * DAY_MS,
    "THREE_MONTHS": 90 * DAY_MS,
}
BUCKETS: dict[str, int | None] = {
    "RAW_DATA": None,
    "MINUTE": 60_000,
    "HOURLY": HOUR_MS,
    "DAILY": DAY_MS,
}
SOURCES = frozenset({"AVG", "MIN", "MAX", "SUM", "COUNT"})
FORMATS = frozenset({"TS", "ISO_US", "ISO_SIMPLE"})


async def data_get(request: web.Request) -> web.Response:
    """Export one datastream's history as a JSON body or a zip link."""
    emu, device = device_of(request, NO_TOKEN)
    query = request.query
    ds = _datastream(emu.world.template_of(device), request)
    period = query.get("period", "MONTH")
    if period not in PERIODS:
        raise ApiError(500, PERIOD_ENUM.format(period))
    granularity = query.get("granularityType", "RAW_DATA")
    source, fmt = query.get("sourceType", "AVG"), query.get("format", "TS")
    if (
        granularity not in BUCKETS
        or (granularity == "RAW_DATA" and period == "THREE_MONTHS")
        or source not in SOURCES
        or fmt not in FORMATS
    ):
        raise ApiError(400, INCORRECT_PARAMETERS)
    zone = _zone(query.get("tzName", "UTC"))
    limit = emu.world.export_daily_limit
    if not emu.use_quota("export", device, 1, limit):
        status, text = EXPORT_LIMIT[emu.variants.reading(EXPORT_QUOTA)]
        raise ApiError(status, text.format(limit))
    now = emu.now_ms()
    start = now - PERIODS[period]
    points = [(ts, v) for ts, v in device.history.get(ds.id, []) if start <= ts <= now]
    rows = _aggregate(points, BUCKETS[granularity], source)
    if not rows:
        raise ApiError(500, NO_DATA)
    stamps = emu.variants.reading(EXPORT_TIMESTAMPS)
    data = [
        {"data_stream_name": ds.label, "ts": _timestamp(ts, fmt, zone, stamps), "value": value}
        for ts, value in rows
    ]
    delivery = emu.variants.reading(EXPORT_DELIVERY)
    if delivery == "json":
        return web.json_response(
            {
                "meta": _meta(ds, fmt, source, granularity, stamps),
                "data": data,
                "rows": len(data),
                "rows_before_limit_at_least": len(data),
            }
        )
    stem = f"device_data_{device.id}_{ds.id}_{now}"
    name, content = _file(stem, delivery, _csv(data))
    emu.store_export(name, content)
    link = request.app[URL_FOR_KEY](request.app[REGION_KEY]) + f"{EXPORTS_PATH}/{name}"
    return web.json_response({"link": link})


def _datastream(template: Template, request: web.Request) -> Datastream:
    query = request.query
    if "dataStreamId" in query:
        text = query["dataStreamId"]
        ds = template.datastreams.get(int(text)) if text.isdigit() else None
        if ds is None:
            raise ApiError(400, INCORRECT_PARAMETERS)
        return ds
    if "pin" in query:
        return by_pin(template, query["pin"])
    raise ApiError(400, INCORRECT_PARAMETERS)


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError, ValueError:
        raise ApiError(400, INCORRECT_PARAMETERS) from None


def _aggregate(
    points: list[tuple[int, Any]], bucket_ms: int | None, source: str
) -> list[tuple[int, Any]]:
    if bucket_ms is None:
        return points
    buckets: dict[int, list[Any]] = {}
    for ts, value in points:
        buckets.setdefault(ts - ts % bucket_ms, []).append(value)
    rows: list[tuple[int, Any]] = []
    for start, values in sorted(buckets.items()):
        numbers = [float(value) for value in values if is_number(value)]
        if source == "COUNT":
            rows.append((start, len(values)))
        elif numbers:
            rows.append((start, _reduce(numbers, source)))
    return rows


def _reduce(numbers: list[float], source: str) -> float:
    if source == "MIN":
        return min(numbers)
    if source == "MAX":
        return max(numbers)
    if source == "SUM":
        return sum(numbers)
    return statistics.fmean(numbers)


def _timestamp(ts: int, fmt: str, zone: tzinfo, stamps: str) -> int | str:
    if fmt == "TS":
        number = ts // 1000 if stamps.startswith("seconds") else ts
        return str(number) if stamps.endswith("_text") else number
    moment = datetime.fromtimestamp(ts / 1000, UTC).astimezone(zone)
    if fmt == "ISO_US":
        return moment.isoformat(timespec="milliseconds")
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _meta(
    ds: Datastream, fmt: str, source: str, granularity: str, stamps: str
) -> list[dict[str, str]]:
    numeric = ds.type in {"INT", "DOUBLE", "ENUM", "BOOLEAN"} or (
        source == "COUNT" and granularity != "RAW_DATA"
    )
    ts_type = "UInt32" if stamps.startswith("seconds") else "UInt64"
    return [
        {"name": "data_stream_name", "type": "String"},
        {"name": "ts", "type": ts_type if fmt == "TS" else "String"},
        {"name": "value", "type": "Float64" if numeric else "String"},
    ]


def _csv(data: list[dict[str, Any]]) -> str:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["data_stream_name", "ts", "value"])
    for row in data:
        writer.writerow([row["data_stream_name"], row["ts"], row["value"]])
    return text.getvalue()


def _file(stem: str, delivery: str, text: str) -> tuple[str, bytes]:
    """The export file of a delivery reading: its name and content."""
    if delivery == "link_gzip":
        return f"{stem}.csv.gz", gzip.compress(text.encode())
    if delivery == "link_csv":
        return f"{stem}.csv", text.encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}.csv", text)
    return f"{stem}.zip", buffer.getvalue()


def add_routes(app: web.Application) -> None:
    """Register the export."""
    app.router.add_get(f"{PREFIX}/data/get", data_get)
