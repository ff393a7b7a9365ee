"""Platform API writes: values, clamping, types, import limits and widget properties."""

from typing import Any

from aiohttp import ClientSession
import pytest

from emulator import Emulator, EmulatorServer

from .helpers import BASE_TIME, V1, Blynk, FakeClock, tiny_scenario

NOW_MS = int(BASE_TIME * 1000)
DAY_MS = 86_400_000
WRITE = f"{V1}/device/datastream"
WRITE_MANY = f"{V1}/device/datastreams"
IMPORT = f"{V1}/device/import/batch"
PROPERTY = f"{V1}/device/datastream/property"


async def test_single_write(blynk: Blynk, clock: FakeClock) -> None:
    clock.advance(10)
    reply = await blynk.ppost(WRITE, {"deviceId": 4, "dataStreamId": 2, "value": 22.5})
    assert (reply.status, reply.text) == (204, "")
    assert blynk.emu.value(4, 2) == 22.5
    assert blynk.emu.history(4, 2)[-1] == (NOW_MS + 10_000, 22.5)
    values = await blynk.pget("/api/v2/organization/device/datastreams", {"deviceId": "4"})
    target = values.json()["dataStreams"][1]
    assert (target["value"], target["updatedAt"]) == (22.5, NOW_MS + 10_000)


@pytest.mark.parametrize(
    ("device", "ds", "value", "stored"),
    [
        (2, 4, 99, 30.0),  # Setpoint DOUBLE 5..30
        (2, 4, -3.5, 5.0),
        (1, 2, 150, 100),  # Humidity INT 0..100
        (1, 2, 5.0, 5),  # an integral number is an INT
        (2, 1, 7, 1),  # Relay INT 0..1
        (2, 3, 1, 1),  # BOOLEAN (JSON true: the boolean_writes variant)
        (2, 3, 0, 0),
        (4, 3, 2, 2),  # ENUM
        (4, 7, "Hi there", "Hi there"),  # STRING
        (3, 1, [2.35, 48.85], [2.35, 48.85]),  # LOCATION [lon, lat]
    ],
)
async def test_values_are_typed_and_clamped(
    blynk: Blynk, device: int, ds: int, value: Any, stored: Any
) -> None:
    reply = await blynk.ppost(WRITE, {"deviceId": device, "dataStreamId": ds, "value": value})
    assert reply.status == 204
    assert blynk.emu.value(device, ds) == stored
    assert type(blynk.emu.value(device, ds)) is type(stored)


@pytest.mark.parametrize(
    ("device", "ds", "value"),
    [
        (1, 2, 1.5),  # INT rejects non-integral numbers
        (1, 2, "12"),  # a string is not a number
        (1, 2, True),  # a boolean is not a number
        (1, 2, 2**31),  # beyond 32 bits
        (1, 1, "warm"),
        (1, 4, 12),  # STRING wants a string
        (1, 4, "x" * 1025),  # more than 1024 bytes
        (2, 3, 2),  # BOOLEAN is 0/1
        (3, 1, [1.0]),
        (3, 1, [200.0, 10.0]),  # longitude beyond 180
        (3, 1, "13.4,52.5"),
    ],
)
async def test_type_mismatch_is_400(blynk: Blynk, device: int, ds: int, value: Any) -> None:
    before = blynk.emu.value(device, ds)
    reply = await blynk.ppost(WRITE, {"deviceId": device, "dataStreamId": ds, "value": value})
    assert (reply.status, reply.message) == (400, "Invalid value.")
    assert blynk.emu.value(device, ds) == before


async def test_single_write_errors(blynk: Blynk) -> None:
    unknown = await blynk.ppost(WRITE, {"deviceId": 1000, "dataStreamId": 1, "value": 1})
    text = "Device with identifier 1000 is not found or belong to another organization."
    assert (unknown.status, unknown.json()) == (404, {"error": {"message": text}})
    no_stream = await blynk.ppost(WRITE, {"deviceId": 1, "dataStreamId": 77, "value": 1})
    assert (no_stream.status, no_stream.json()) == (
        404,
        {"error": {"message": "Data stream with identifier 77 is not found!"}},
    )
    no_device = await blynk.ppost(WRITE, {"dataStreamId": 1, "value": 1})
    assert (no_device.status, no_device.message) == (
        400,
        "Required parameter 'deviceId' is not present.",
    )
    no_value = await blynk.ppost(WRITE, {"deviceId": 1, "dataStreamId": 1})
    assert (no_value.status, no_value.message) == (
        400,
        "Required parameter 'value' is not present.",
    )
    wrong_id = await blynk.ppost(WRITE, {"deviceId": "1", "dataStreamId": 1, "value": 1})
    assert wrong_id.status == 400
    not_object = await blynk.ppost(WRITE, [1, 2])
    assert not_object.status == 400


async def test_body_must_be_json(blynk: Blynk) -> None:
    headers = await blynk.bearer()
    garbage = await blynk.request(
        "POST", WRITE, data=b"{nope", headers=headers | {"Content-Type": "application/json"}
    )
    assert garbage.status == 400
    text = await blynk.request("POST", WRITE, data="{}", headers=headers)
    assert text.status == 415
    body = b'{"deviceId": 1, "dataStreamId": 1, "value": 3}'
    untyped = await blynk.request(
        "POST", WRITE, data=body, headers=headers, skip_auto_headers=["Content-Type"]
    )
    assert untyped.status == 204  # no Content-Type: read as JSON (2026-01-29 changelog)


async def test_write_many_skips_invalid_entries(blynk: Blynk) -> None:
    values = {"1": 25.5, "2": 1.5, "3": 990.0, "4": 12, "77": 1, "x": 2}
    reply = await blynk.ppost(WRITE_MANY, {"deviceId": 1, "values": values})
    assert reply.status == 204
    assert blynk.emu.value(1, 1) == 25.5
    assert blynk.emu.value(1, 2) == 48  # 1.5 is not an INT: skipped
    assert blynk.emu.value(1, 3) == 990.0
    assert blynk.emu.value(1, 4) == "OK"  # 12 is not a STRING: skipped
    missing = await blynk.ppost(WRITE_MANY, {"deviceId": 999, "values": {}})
    assert missing.status == 404
    bad = await blynk.ppost(WRITE_MANY, {"deviceId": 1, "values": [1]})
    assert bad.status == 400


async def test_import_lands_in_history_only(blynk: Blynk) -> None:
    points = [{"value": 5.5, "ts": NOW_MS - 1000}, {"value": 6, "ts": str(NOW_MS - 2000)}]
    reply = await blynk.ppost(IMPORT, {"deviceId": 1, "dataStreamId": 1, "values": points})
    assert reply.status == 204
    history = blynk.emu.history(1, 1)
    assert (NOW_MS - 2000, 6.0) in history
    assert (NOW_MS - 1000, 5.5) in history
    assert [ts for ts, _ in history] == sorted(ts for ts, _ in history)
    assert blynk.emu.value(1, 1) == 21.5


@pytest.mark.parametrize(
    ("reading", "oldest_days", "words"),
    [("three_months", 90, "three months"), ("one_month", 30, "one month")],
)
async def test_import_time_window(blynk: Blynk, reading: str, oldest_days: int, words: str) -> None:
    blynk.emu.variants.update({"import_age": reading})
    future = [{"value": 1, "ts": NOW_MS + 31 * DAY_MS}, {"value": 2, "ts": NOW_MS + 29 * DAY_MS}]
    reply = await blynk.ppost(IMPORT, {"deviceId": 1, "dataStreamId": 2, "values": future})
    assert reply.status == 204
    assert blynk.emu.history(1, 2)[-1] == (NOW_MS + 29 * DAY_MS, 2)
    assert all(ts != NOW_MS + 31 * DAY_MS for ts, _ in blynk.emu.history(1, 2))
    oldest = [{"value": 3, "ts": NOW_MS - oldest_days * DAY_MS}]
    accepted = await blynk.ppost(IMPORT, {"deviceId": 1, "dataStreamId": 2, "values": oldest})
    assert accepted.status == 204
    old = [{"value": 1, "ts": NOW_MS}, {"value": 1, "ts": NOW_MS - (oldest_days + 1) * DAY_MS}]
    rejected = await blynk.ppost(IMPORT, {"deviceId": 1, "dataStreamId": 2, "values": old})
    assert (rejected.status, rejected.message) == (
        400,
        f"Timestamps could be only {words} in the past.",
    )
    assert (NOW_MS, 1) not in blynk.emu.history(1, 2)


@pytest.mark.parametrize(
    "values",
    [
        [],
        "x",
        [{"ts": NOW_MS}],
        [{"value": 1}],
        [{"value": 1, "ts": "soon"}],
        [{"value": 1, "ts": True}],
        [[NOW_MS, 1]],
    ],
)
async def test_import_rejects_malformed_points(blynk: Blynk, values: Any) -> None:
    reply = await blynk.ppost(IMPORT, {"deviceId": 1, "dataStreamId": 2, "values": values})
    assert reply.status == 400


async def test_import_rejects_wrong_types_and_too_many_points(blynk: Blynk) -> None:
    wrong = [{"value": "warm", "ts": NOW_MS}]
    reply = await blynk.ppost(IMPORT, {"deviceId": 1, "dataStreamId": 2, "values": wrong})
    assert (reply.status, reply.message) == (400, "Invalid value.")
    many = [{"value": 1, "ts": NOW_MS - n} for n in range(10_001)]
    too_many = await blynk.ppost(IMPORT, {"deviceId": 1, "dataStreamId": 2, "values": many})
    assert (too_many.status, too_many.message) == (
        400,
        "Maximum of 10,000 data points per request.",
    )
    exactly = await blynk.ppost(IMPORT, {"deviceId": 1, "dataStreamId": 2, "values": many[:10_000]})
    assert exactly.status == 204
    unknown = await blynk.ppost(IMPORT, {"deviceId": 1, "dataStreamId": 9, "values": wrong})
    assert unknown.status == 404


async def test_import_daily_limit(socket_enabled: None, clock: FakeClock) -> None:
    emu = Emulator(tiny_scenario(import_daily_limit=3), clock=clock)
    async with EmulatorServer(emu) as server, ClientSession() as session:
        blynk = Blynk(session, server, emu)
        blynk._token = await blynk.token(("tiny-client", "tiny-secret"))
        two = [{"value": 1, "ts": NOW_MS - 1}, {"value": 2, "ts": NOW_MS - 2}]
        body = {"deviceId": 1, "dataStreamId": 1, "values": two}
        assert (await blynk.ppost(IMPORT, body)).status == 204
        over = await blynk.ppost(IMPORT, body)
        assert (over.status, over.message) == (
            429,
            "Daily limit of 3 imported data points per device is reached.",
        )
        other_device = await blynk.ppost(IMPORT, body | {"deviceId": 2})
        assert other_device.status == 204
        clock.advance(86_400)  # a new day; the access token has expired too
        blynk._token = await blynk.token(("tiny-client", "tiny-secret"))
        assert (await blynk.ppost(IMPORT, body)).status == 204


async def test_property_is_stored(blynk: Blynk) -> None:
    for name, value in [
        ("color", "#FF0000"),
        ("label", "Outside"),
        ("isDisabled", "true"),
        ("min", "-10.5"),
        ("opacity", "50"),
        ("rotation", "360"),
        ("maximumFractionDigits", "2"),
        ("labels", "a,b"),
    ]:
        body = {"deviceId": 1, "dataStreamId": 1, "property": name, "value": value}
        reply = await blynk.ppost(PROPERTY, body)
        assert reply.status == 204, (name, reply.text)
    assert blynk.emu.properties[(1, 1)]["color"] == "#FF0000"
    assert blynk.emu.properties[(1, 1)]["labels"] == "a,b"
    assert len(blynk.emu.properties[(1, 1)]) == 8


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("color", "red"),
        ("onColor", "#12345"),
        ("isHidden", "yes"),
        ("max", "ten"),
        ("step", "nan"),
        ("opacity", "101"),
        ("scale", "-1"),
        ("rotation", "361"),
        ("maximumFractionDigits", "11"),
        ("label", "x" * 201),
    ],
)
async def test_property_format_is_checked(blynk: Blynk, name: str, value: str) -> None:
    body = {"deviceId": 1, "dataStreamId": 1, "property": name, "value": value}
    reply = await blynk.ppost(PROPERTY, body)
    assert (reply.status, reply.message) == (400, f"Invalid value for property {name}.")
    assert (1, 1) not in blynk.emu.properties


async def test_property_errors(blynk: Blynk) -> None:
    unknown = {"deviceId": 1, "dataStreamId": 1, "property": "colour", "value": "#FFFFFF"}
    reply = await blynk.ppost(PROPERTY, unknown)
    assert (reply.status, reply.message) == (404, "Property colour is not found.")
    not_text = {"deviceId": 1, "dataStreamId": 1, "property": "min", "value": 5}
    assert (await blynk.ppost(PROPERTY, not_text)).status == 400
    no_stream = {"deviceId": 1, "dataStreamId": 50, "property": "label", "value": "x"}
    assert (await blynk.ppost(PROPERTY, no_stream)).status == 404
    no_device = {"deviceId": 50, "dataStreamId": 1, "property": "label", "value": "x"}
    assert (await blynk.ppost(PROPERTY, no_device)).status == 404


async def test_property_needs_a_virtual_pin(socket_enabled: None) -> None:
    emu = Emulator(tiny_scenario())
    async with EmulatorServer(emu) as server, ClientSession() as session:
        blynk = Blynk(session, server, emu)
        blynk._token = await blynk.token(("tiny-client", "tiny-secret"))
        body = {"deviceId": 1, "dataStreamId": 2, "property": "label", "value": "Lamp"}
        reply = await blynk.ppost(PROPERTY, body)
        assert (reply.status, reply.message) == (
            400,
            "Properties can only be set on datastreams of virtual pins.",
        )
