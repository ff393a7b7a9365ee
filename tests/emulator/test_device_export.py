"""``/external/api/data/get``: JSON output, aggregation, file links, limits, errors.

Most tests read JSON rows with timestamps in milliseconds (the ``json`` and
``milliseconds`` readings); the other readings are tested in ``test_variants``.
"""

import io
import zipfile

import pytest

from .helpers import BASE_TIME, EXT, Blynk

NOW_MS = int(BASE_TIME * 1000)
HOUR_MS = 3_600_000


@pytest.fixture(autouse=True)
def json_rows(blynk: Blynk) -> None:
    """Answer rows as JSON, timestamps in milliseconds."""
    blynk.emu.variants.update({"export_delivery": "json", "export_timestamps": "milliseconds"})


async def test_raw_json_export(blynk: Blynk) -> None:
    reply = await blynk.dget("data/get", [("pin", "v1"), ("period", "DAY")])
    body = reply.json()
    assert body["meta"] == [
        {"name": "data_stream_name", "type": "String"},
        {"name": "ts", "type": "UInt64"},
        {"name": "value", "type": "Float64"},
    ]
    assert body["rows"] == body["rows_before_limit_at_least"] == 4
    assert body["data"][0] == {
        "data_stream_name": "Temperature",
        "ts": NOW_MS - 24 * HOUR_MS,
        "value": 12.9,
    }
    assert [row["value"] for row in body["data"]] == [12.9, 18.3, 21.7, 21.5]


@pytest.mark.parametrize(
    ("source", "values"),
    [
        ("AVG", [(12.9 + 18.3 + 21.7) / 3, 21.5]),
        ("MIN", [12.9, 21.5]),
        ("MAX", [21.7, 21.5]),
        ("SUM", [12.9 + 18.3 + 21.7, 21.5]),
        ("COUNT", [3, 1]),
    ],
)
async def test_aggregated_export(blynk: Blynk, source: str, values: list[float]) -> None:
    # The last day holds points at -24 h, -18 h, -12 h (2025-10-08 UTC) and -6 h (10-09).
    params = [
        ("dataStreamId", "1"),
        ("period", "DAY"),
        ("granularityType", "DAILY"),
        ("sourceType", source),
    ]
    body = (await blynk.dget("data/get", params)).json()
    assert [row["value"] for row in body["data"]] == pytest.approx(values)
    assert [row["ts"] for row in body["data"]] == [1_759_881_600_000, 1_759_968_000_000]


async def test_string_datastreams_are_counted_only(blynk: Blynk) -> None:
    blynk.emu.set_value(1, "v4", "Rain", ts_ms=NOW_MS - 1000)
    raw = await blynk.dget("data/get", [("pin", "v4"), ("period", "HOUR")])
    assert raw.json()["meta"][2] == {"name": "value", "type": "String"}
    assert raw.json()["data"][0]["value"] == "Rain"
    params = [("pin", "v4"), ("period", "HOUR"), ("granularityType", "MINUTE")]
    averaged = await blynk.dget("data/get", params)
    assert (averaged.status, averaged.message) == (500, "No data")
    counted = await blynk.dget("data/get", [*params, ("sourceType", "COUNT")])
    assert counted.json()["data"][0]["value"] == 1
    assert counted.json()["meta"][2]["type"] == "Float64"


async def test_timestamp_formats(blynk: Blynk) -> None:
    base = [("pin", "v1"), ("period", "HOUR")]
    blynk.emu.set_value(1, 1, 22.0, ts_ms=1_760_000_000_000 - 1000)
    iso = await blynk.dget("data/get", [*base, ("format", "ISO_US"), ("tzName", "Europe/Berlin")])
    assert iso.json()["data"][0]["ts"] == "2025-10-09T10:53:19.000+02:00"
    assert iso.json()["meta"][1] == {"name": "ts", "type": "String"}
    simple = await blynk.dget("data/get", [*base, ("format", "ISO_SIMPLE")])
    assert simple.json()["data"][0]["ts"] == "2025-10-09 08:53:19"


async def test_file_export_link(blynk: Blynk) -> None:
    blynk.emu.variants.update({"export_delivery": "link_zip"})
    reply = await blynk.dget("data/get", [("pin", "v2"), ("sendEvents", "true")])
    link = reply.json()["link"]
    assert link.startswith(blynk.server.url() + "/_emulator/exports/device_data_1_2_")
    assert link.endswith(".zip")
    async with blynk.session.get(link) as download:
        archive = zipfile.ZipFile(io.BytesIO(await download.read()))
    (name,) = archive.namelist()
    lines = archive.read(name).decode().splitlines()
    assert lines[0] == "data_stream_name,ts,value"
    assert len(lines) == 13
    missing = await blynk.request("GET", "/_emulator/exports/nothing.zip")
    assert missing.status == 404


async def test_daily_export_limit(blynk: Blynk) -> None:
    for _ in range(10):
        assert (await blynk.dget("data/get", [("pin", "v1")])).status == 200
    over = await blynk.dget("data/get", [("pin", "v1")])
    assert (over.status, over.message) == (
        429,
        "Daily limit of 10 data exports per device is reached.",
    )
    other = await blynk.dget("data/get", [("pin", "v0")], device=2)
    assert other.status == 200


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        (
            [("pin", "v1"), ("period", "YEAR")],
            500,
            "No enum constant cc.blynk.server.core.model.widgets.outputs.graph.Period.YEAR",
        ),
        ([("pin", "v1"), ("period", "THREE_MONTHS")], 400, "Request with incorrect parameters"),
        ([("pin", "v1"), ("granularityType", "WEEKLY")], 400, "Request with incorrect parameters"),
        ([("pin", "v1"), ("sourceType", "MEDIAN")], 400, "Request with incorrect parameters"),
        ([("pin", "v1"), ("format", "ISO")], 400, "Request with incorrect parameters"),
        ([("pin", "v1"), ("tzName", "Mars/Olympus")], 400, "Request with incorrect parameters"),
        ([("pin", "v1"), ("tzName", "../etc")], 400, "Request with incorrect parameters"),
        ([("pin", "q1")], 400, "Wrong pin format."),
        ([("dataStreamId", "9")], 400, "Request with incorrect parameters"),
        ([("dataStreamId", "x")], 400, "Request with incorrect parameters"),
        ([], 400, "Request with incorrect parameters"),
        ([("pin", "v4")], 500, "No data"),
    ],
)
async def test_export_errors(
    blynk: Blynk, params: list[tuple[str, str]], status: int, message: str
) -> None:
    reply = await blynk.dget("data/get", params)
    assert (reply.status, reply.message) == (status, message)


async def test_three_months_with_aggregation(blynk: Blynk) -> None:
    params = [
        ("pin", "v1"),
        ("period", "THREE_MONTHS"),
        ("granularityType", "HOURLY"),
    ]
    assert (await blynk.dget("data/get", params)).json()["rows"] == 12


async def test_export_token_errors(blynk: Blynk) -> None:
    missing = await blynk.request("GET", f"{EXT}/data/get", params={"pin": "v1"})
    assert (missing.status, missing.message) == (400, "No token provided.")
    wrong = await blynk.request("GET", f"{EXT}/data/get", params={"token": "nope", "pin": "v1"})
    assert (wrong.status, wrong.message) == (400, "Invalid token.")
