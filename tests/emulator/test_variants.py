"""Variants: the catalog, choosing readings, and what each reading makes the emulator answer."""

import asyncio
import gzip
import io
import json
from typing import Any
import zipfile

from aiohttp import ClientSession
import pytest

from emulator import Emulator, EmulatorServer, ScenarioError, __main__ as cli
from emulator.variants import CATALOG, VARIANTS, Variants, parse_assignment

from .helpers import BASE_TIME, EXT, V1, V2, Blynk

NOW_MS = int(BASE_TIME * 1000)
DAY_MS = 86_400_000
C = "/_emulator"


def test_catalog_names_a_default_and_a_source_for_every_reading() -> None:
    assert len(CATALOG) == len(VARIANTS)
    for variant in VARIANTS:
        assert variant.question
        assert variant.reading(variant.default).name == variant.default
        assert len({reading.name for reading in variant.readings}) == len(variant.readings) >= 2
        for reading in variant.readings:
            assert reading.behaviour
            assert reading.source


def test_choosing_readings() -> None:
    variants = Variants({"redirect": "302"})
    assert variants.reading("redirect") == "302"
    assert variants.is_("redirect", "302")
    assert not variants.is_("page_size", "ignored")
    with pytest.raises(ValueError, match="has no reading 'sometimes'"):
        variants.is_("redirect", "sometimes")
    with pytest.raises(ValueError, match="no variant 'weather'"):
        variants.update({"redirect": "301", "weather": "rain"})
    assert variants.reading("redirect") == "302"  # nothing changes on an invalid update
    assert parse_assignment(" redirect = 307 ") == ("redirect", "307")
    for text in ("redirect", "=307", "redirect=", "redirect=999"):
        with pytest.raises(ValueError):  # noqa: PT011 - the messages are tested above
            parse_assignment(text)


def test_scenario_readings_come_back_on_reset() -> None:
    emu = Emulator("demo")
    assert emu.variants.reading("template_bounds") == "present"  # the demo's choice
    assert emu.variants.reading("token_refusal") == "403"  # the default
    emu.variants.update({"token_refusal": "401"})
    emu.reset()
    assert emu.variants.reading("token_refusal") == "403"
    with pytest.raises(ScenarioError, match="'variants'"):
        Emulator({**emu.scenario, "variants": {"token_refusal": "418"}})


async def test_control_api(blynk: Blynk) -> None:
    reply = await blynk.request("GET", f"{C}/variants")
    body = reply.json()
    assert body["variants"]["page_size"] == "honoured"
    assert [variant["name"] for variant in body["catalog"]] == list(CATALOG)
    redirect = next(variant for variant in body["catalog"] if variant["name"] == "redirect")
    assert redirect["readings"][0] == {
        "name": "308",
        "behaviour": "308 Permanent Redirect, empty body, `Location`",
        "source": "device-https-api/troubleshooting.md",
    }
    changed = await blynk.request("POST", f"{C}/variants", json={"page_size": "capped_2"})
    assert changed.json()["variants"]["page_size"] == "capped_2"
    assert blynk.emu.variants.reading("page_size") == "capped_2"
    wrong = await blynk.request("POST", f"{C}/variants", json={"page_size": "huge"})
    assert wrong.status == 400
    assert "has no reading 'huge'" in wrong.message


def test_command_line_variants() -> None:
    args = cli.build_parser().parse_args(
        ["--variant", "redirect=307", "--variant", "page_size=capped_2"]
    )
    assert args.variant == [("redirect", "307"), ("page_size", "capped_2")]
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["--variant", "redirect=418"])


async def test_command_line_applies_variants(
    socket_enabled: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:

    seen: list[Emulator] = []
    original = cli.EmulatorServer

    def server(emu: Emulator, **kwargs: Any) -> EmulatorServer:
        seen.append(emu)
        return original(emu)

    monkeypatch.setattr(cli, "EmulatorServer", server)
    stop = asyncio.Event()
    stop.set()
    await cli.serve(cli.build_parser().parse_args(["--variant", "token_refusal=401"]), stop)
    assert seen[0].variants.reading("token_refusal") == "401"
    capsys.readouterr()


# token_refusal


@pytest.mark.parametrize(
    ("reading", "status", "text"),
    [
        ("403", 403, ""),
        ("403_body", 403, '{"error": {"message": "Forbidden."}}'),
        ("401", 401, '{"error": {"message": "Unauthorized."}}'),
    ],
)
async def test_token_refusal(blynk: Blynk, reading: str, status: int, text: str) -> None:
    blynk.emu.variants.update({"token_refusal": reading})
    headers = await blynk.bearer()
    blynk.emu.revoke_tokens()
    for header in (headers, {}):
        reply = await blynk.request("GET", f"{V1}/profile", headers=header)
        assert (reply.status, reply.text) == (status, text)
    unscoped = await blynk.token(blynk.unscoped_client)
    scope = await blynk.request(
        "GET", f"{V1}/profile", headers={"Authorization": f"Bearer {unscoped}"}
    )
    assert scope.message == "Platform API scope is not enabled for this oauth client."


# page_size


@pytest.mark.parametrize(
    ("reading", "asked", "served"),
    [
        ("honoured", 3, 3),
        ("honoured", 1000, 9),
        ("capped_100", 1000, 9),
        ("strict_100", 100, 9),
        ("capped_2", 3, 2),
        ("capped_2", 1, 1),
        ("ignored", 1, 9),
    ],
)
async def test_page_size(blynk: Blynk, reading: str, asked: int, served: int) -> None:
    blynk.emu.variants.update({"page_size": reading})
    query = {"includeSubOrgDevices": "true", "size": str(asked)}
    first = (await blynk.pget(f"{V1}/devices", query)).json()
    assert (len(first["content"]), first["totalElements"]) == (served, 9)
    second = (await blynk.pget(f"{V1}/devices", {**query, "page": "1"})).json()
    # Pages are counted in the size served: the second page starts after the first.
    expected = [device["id"] for device in first["content"]]
    assert all(device["id"] not in expected for device in second["content"])


async def test_capped_pages_take_any_size(blynk: Blynk) -> None:
    blynk.emu.variants.update({"page_size": "capped_100"})
    reply = await blynk.pget(f"{V1}/devices", {"size": "5000"})
    assert reply.status == 200


@pytest.mark.parametrize(("reading", "limit"), [("honoured", 1000), ("strict_100", 100)])
async def test_a_size_above_the_limit_is_refused(blynk: Blynk, reading: str, limit: int) -> None:
    blynk.emu.variants.update({"page_size": reading})
    assert (await blynk.pget(f"{V1}/devices", {"size": str(limit)})).status == 200
    refused = await blynk.pget(f"{V1}/devices", {"size": str(limit + 1)})
    assert (refused.status, refused.message) == (
        400,
        "Bad request - requested page size is too big",
    )


# device_get_keys


async def test_device_get_keys(blynk: Blynk) -> None:
    assert (await blynk.dget("get", [("v1", None), ("v2", None)])).json() == {"v1": 21.5, "v2": 48}
    assigned = await blynk.dget("get", [("v1", ""), ("v2", "")])
    assert (assigned.status, assigned.message) == (400, "Wrong pin format.")
    blynk.emu.variants.update({"device_get_keys": "lenient"})
    assert (await blynk.dget("get", [("v1", ""), ("v2", "")])).json() == {"v1": 21.5, "v2": 48}
    assert (await blynk.dget("get", [("v1", "")])).text == "21.5"


# export_delivery, export_timestamps, export_quota


async def _rows(blynk: Blynk, reply_json: dict[str, Any]) -> list[list[str]]:
    link = reply_json["link"]
    async with blynk.session.get(link) as download:
        data = await download.read()
        content_type = download.content_type
    if link.endswith(".zip"):
        assert content_type == "application/zip"
        archive = zipfile.ZipFile(io.BytesIO(data))
        (name,) = archive.namelist()
        text = archive.read(name).decode()
    elif link.endswith(".csv.gz"):
        assert content_type == "application/gzip"
        text = gzip.decompress(data).decode()
    else:
        assert (link[-4:], content_type) == (".csv", "text/csv")
        text = data.decode()
    return [line.split(",") for line in text.splitlines()]


@pytest.mark.parametrize("reading", ["link_zip", "link_gzip", "link_csv"])
async def test_export_links(blynk: Blynk, reading: str) -> None:
    blynk.emu.variants.update({"export_delivery": reading})
    reply = await blynk.dget("data/get", [("pin", "v1"), ("period", "DAY"), ("output", "JSON")])
    rows = await _rows(blynk, reply.json())  # `output=JSON` is ignored: dropped from the docs
    assert rows[0] == ["data_stream_name", "ts", "value"]
    assert rows[1] == ["Temperature", str((NOW_MS - DAY_MS) // 1000), "12.9"]


@pytest.mark.parametrize(
    ("reading", "ts", "ts_type"),
    [
        ("seconds", (NOW_MS - DAY_MS) // 1000, "UInt32"),
        ("milliseconds", NOW_MS - DAY_MS, "UInt64"),
        ("seconds_text", str((NOW_MS - DAY_MS) // 1000), "UInt32"),
        ("milliseconds_text", str(NOW_MS - DAY_MS), "UInt64"),
    ],
)
async def test_export_json_timestamps(
    blynk: Blynk, reading: str, ts: int | str, ts_type: str
) -> None:
    blynk.emu.variants.update({"export_delivery": "json", "export_timestamps": reading})
    body = (await blynk.dget("data/get", [("pin", "v1"), ("period", "DAY")])).json()
    assert body["meta"][1] == {"name": "ts", "type": ts_type}
    assert body["data"][0] == {"data_stream_name": "Temperature", "ts": ts, "value": 12.9}


@pytest.mark.parametrize(
    ("reading", "status", "message"),
    [
        ("429", 429, "Daily limit of 10 data exports per device is reached."),
        ("500_no_data_text", 500, "No data exports left for today (limit 10)."),
    ],
)
async def test_export_quota(blynk: Blynk, reading: str, status: int, message: str) -> None:
    blynk.emu.variants.update({"export_quota": reading})
    for _ in range(10):
        assert (await blynk.dget("data/get", [("pin", "v1")])).status == 200
    over = await blynk.dget("data/get", [("pin", "v1")])
    assert (over.status, over.message) == (status, message)


# boolean_writes


async def test_boolean_writes(blynk: Blynk) -> None:
    one = {"deviceId": 2, "dataStreamId": 3, "value": True}
    many = {"deviceId": 2, "values": {"3": True, "1": 1}}
    points = {"deviceId": 2, "dataStreamId": 3, "values": [{"value": True, "ts": NOW_MS}]}
    refused = await blynk.ppost(f"{V1}/device/datastream", one)
    assert (refused.status, refused.message) == (400, "Invalid value.")
    blynk.emu.set_value(2, 3, 0)
    blynk.emu.set_value(2, 1, 0)
    assert (await blynk.ppost(f"{V1}/device/datastreams", many)).status == 204
    assert (blynk.emu.value(2, 3), blynk.emu.value(2, 1)) == (0, 1)  # the boolean was skipped
    assert (await blynk.ppost(f"{V1}/device/import/batch", points)).status == 400
    rows = {"fields": ["deviceId", "Pump"], "updates": [[2, True]]}
    skipped = await blynk.ppost("/api/v1/organization/product/devices/batch-update", rows)
    assert (skipped.status, blynk.emu.value(2, 3)) == (204, 0)
    blynk.emu.variants.update({"boolean_writes": "accepted"})
    assert (await blynk.ppost(f"{V1}/device/datastream", one)).status == 204
    assert blynk.emu.value(2, 3) == 1
    assert (await blynk.ppost(f"{V1}/device/import/batch", points)).status == 204


# value_shapes


async def test_value_shapes_text(blynk: Blynk) -> None:
    blynk.emu.variants.update({"value_shapes": "text"})
    v2 = (await blynk.pget(f"{V2}/device/datastreams", {"deviceId": "3"})).json()
    assert v2["dataStreams"][0]["value"] == "[13.38886,52.517037]"
    batch = (await blynk.pget(f"{V1}/device/datastreams/batch", {"deviceIds": "1"})).json()
    assert [ds.get("value") for ds in batch[0]["dataStreams"]][:4] == ["21.5", "48", "1013.2", "OK"]
    all_values = (await blynk.dget("getAll")).json()
    assert (all_values["v1"], all_values["v4"]) == ("21.5", "OK")
    several = (await blynk.dget("get", [("v1", None), ("v2", None)])).json()
    assert several == {"v1": "21.5", "v2": "48"}


async def test_value_shapes_one_malformed(blynk: Blynk) -> None:
    blynk.emu.variants.update({"value_shapes": "one_malformed"})
    batch = (await blynk.pget(f"{V1}/device/datastreams/batch", {"deviceIds": "1,2"})).json()
    first, second = ([ds.get("value") for ds in item["dataStreams"]] for item in batch)
    assert first[:3] == [{"unexpected": True}, 48, 1013.2]
    assert {"unexpected": True} not in second
    strings = {"deviceId": "1", "dataStreamIds": "4"}  # no number to spoil
    assert (await blynk.pget(f"{V2}/device/datastreams", strings)).json()["dataStreams"][0][
        "value"
    ] == "OK"
    assert (await blynk.dget("getAll")).json()["v1"] == {"unexpected": True}


# enum_answers


async def test_enum_answers(blynk: Blynk) -> None:
    """The label reading answers an ENUM with its template row, in every read."""
    office_ac, host = 20, "dashboard.windmillair.com"
    assert (await blynk.dget("getAll", device=office_ac, region=host)).json()["v3"] == 1
    blynk.emu.variants.update({"enum_answers": "label"})
    every = (await blynk.dget("getAll", device=office_ac, region=host)).json()
    assert (every["v0"], every["v3"], every["v4"]) == (1, "Cool", "Medium")
    one = await blynk.dget("get", [("v3", None)], device=office_ac, region=host)
    assert one.text == "Cool"
    several = await blynk.dget("get", [("v3", None), ("v4", None)], device=office_ac, region=host)
    assert several.json() == {"v3": "Cool", "v4": "Medium"}
    # The thermostat's Mode has no rows in the demo: it stays a number.
    batch = (await blynk.pget(f"{V1}/device/datastreams/batch", {"deviceIds": "4"})).json()
    assert next(ds["value"] for ds in batch[0]["dataStreams"] if ds["pin"] == "v2") == 1


# template_bounds


async def test_template_bounds(blynk: Blynk) -> None:
    def bounds(body: list[dict[str, Any]]) -> list[tuple[Any, Any]]:
        return [(ds.get("min"), ds.get("max")) for ds in body][:2]

    present = (await blynk.pget(f"{V1}/template/datastreams", {"templateId": "353"})).json()
    assert bounds(present) == [(-40, 85), (0, 100)]
    blynk.emu.variants.update({"template_bounds": "absent"})
    absent = (await blynk.pget(f"{V1}/template/datastreams", {"templateId": "353"})).json()
    assert bounds(absent) == [(None, None), (None, None)]
    assert absent[0]["units"] == "Celsius"
    # The server still clamps to the bounds it does not show.
    await blynk.ppost(f"{V1}/device/datastream", {"deviceId": 1, "dataStreamId": 2, "value": 150})
    assert blynk.emu.value(1, 2) == 100


# import_age: tests/emulator/test_platform_write.py::test_import_time_window


async def test_import_age_applies_to_the_device_upload(blynk: Blynk) -> None:
    old = json.dumps([[NOW_MS - 40 * DAY_MS, 1.0]])
    headers = {"Content-Type": "application/json"}
    token = blynk.device_token(1)
    path = f"{EXT}/batch/update?token={token}&pin=v1"
    assert (await blynk.request("POST", path, data=old, headers=headers)).status == 200
    blynk.emu.variants.update({"import_age": "one_month"})
    refused = await blynk.request("POST", path, data=old, headers=headers)
    assert (refused.status, refused.message) == (
        400,
        "Timestamps could be only one month in the past.",
    )


# redirect


@pytest.mark.parametrize("reading", ["308", "301", "302", "307"])
async def test_redirect_status(blynk: Blynk, reading: str) -> None:
    blynk.emu.variants.update({"redirect": reading})
    reply = await blynk.dget("isHardwareConnected", device=6)  # a device of ny3
    assert reply.status == int(reading)
    assert reply.headers["Location"].startswith(blynk.server.url("ny3") + f"{EXT}/")


async def test_variants_survive_a_server_restart(emu: Emulator, socket_enabled: None) -> None:
    emu.variants.update({"page_size": "capped_2"})
    async with EmulatorServer(emu) as server, ClientSession() as session:
        blynk = Blynk(session, server, emu)
        reply = await blynk.pget(f"{V1}/devices", {"size": "10"})
        assert len(reply.json()["content"]) == 2
