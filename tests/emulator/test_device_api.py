"""The Device HTTPS API: every endpoint, answer and error text of the docs."""

from collections.abc import AsyncIterator
import json
from typing import Any

from aiohttp import ClientSession
import pytest

from emulator import Emulator, EmulatorServer

from .helpers import BASE_TIME, EXT, V1, Blynk, FakeClock, tiny_scenario

NOW_MS = int(BASE_TIME * 1000)
MISMATCH = "Value doesn't match the Datastream data type"


async def test_get_one_pin_as_text(blynk: Blynk) -> None:
    reply = await blynk.dget("get", [("v1", None)])
    assert (reply.status, reply.text) == (200, "21.5")
    assert (await blynk.dget("get", [("V2", None)])).text == "48"
    assert (await blynk.dget("get", [("v4", None)])).text == "OK"
    location = await blynk.dget("get", [("v0", None)], device=3)
    assert json.loads(location.text) == [13.38886, 52.517037]
    never_set = await blynk.dget("get", [("v4", None)], device=6, region="ny3")
    assert (never_set.status, never_set.text) == (200, "")


async def test_get_several_pins_as_json(blynk: Blynk) -> None:
    reply = await blynk.dget("get", [("v1", None), ("v2", None), ("v4", None), ("v1", None)])
    assert reply.json() == {"v1": 21.5, "v2": 48, "v4": "OK"}
    partly = await blynk.dget("get", [("v1", None), ("v4", None)], device=6, region="ny3")
    assert partly.json() == {"v1": 8.4}


async def test_get_by_datastream_id(blynk: Blynk) -> None:
    assert (await blynk.dget("get", [("dataStreamId", "3")])).text == "1013.2"
    wrong = await blynk.dget("get", [("dataStreamId", "x")])
    assert (wrong.status, wrong.message) == (400, "Wrong dataStreamId format.")
    unknown = await blynk.dget("get", [("dataStreamId", "9")])
    assert (unknown.status, unknown.message) == (
        400,
        "Requested dataStream doesn't exist in the product Weather Station",
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ([], "Wrong pin format."),
        ([("x1", "")], "Wrong pin format."),
        ([("v1", ""), ("vv", "")], "Wrong pin format."),
        ([("v9", None)], "No datastream setup for that pin."),
        ([("d1", None)], "No datastream setup for that pin."),
    ],
)
async def test_get_errors(blynk: Blynk, params: list[tuple[str, str | None]], message: str) -> None:
    reply = await blynk.dget("get", params)
    assert (reply.status, reply.json()) == (400, {"error": {"message": message}})


@pytest.mark.parametrize(
    "endpoint",
    [
        "get",
        "getAll",
        "update",
        "batch/update",
        "update/property",
        "logEvent",
        "isHardwareConnected",
        "device/meta",
    ],
)
async def test_invalid_or_missing_token(blynk: Blynk, endpoint: str) -> None:
    wrong = await blynk.request("GET", f"{EXT}/{endpoint}", params={"token": "x" * 32, "v1": ""})
    assert (wrong.status, wrong.json()) == (400, {"error": {"message": "Invalid token."}})
    missing = await blynk.request("GET", f"{EXT}/{endpoint}", params={"v1": ""})
    assert (missing.status, missing.message) == (400, "Invalid token.")


async def test_get_all(blynk: Blynk) -> None:
    assert (await blynk.dget("getAll")).json() == {"v1": 21.5, "v2": 48, "v3": 1013.2, "v4": "OK"}
    tracker = await blynk.dget("getAll", device=3)
    assert tracker.json() == {"v0": [13.38886, 52.517037], "v1": 0.0, "v2": 87}
    assert "v4" not in (await blynk.dget("getAll", device=6, region="ny3")).json()


async def test_update_by_pin(blynk: Blynk, clock: FakeClock) -> None:
    clock.advance(5)
    reply = await blynk.dget("update", [("v1", "23.25")])
    assert (reply.status, reply.text) == (200, "")
    assert blynk.emu.value(1, 1) == 23.25
    assert blynk.emu.history(1, 1)[-1] == (NOW_MS + 5000, 23.25)
    upper = await blynk.dget("update", [("V2", "55")])
    assert upper.status == 200
    assert blynk.emu.value(1, 2) == 55
    clamped = await blynk.dget("update", [("v1", "100")])
    assert clamped.status == 200
    assert blynk.emu.value(1, 1) == 85.0
    text = await blynk.dget("update", [("v4", "all good")])
    assert text.status == 200
    assert blynk.emu.value(1, 4) == "all good"


async def test_update_by_datastream_id_and_locations(blynk: Blynk) -> None:
    assert (await blynk.dget("update", [("dataStreamId", "2"), ("value", "61")])).status == 200
    assert blynk.emu.value(1, 2) == 61
    by_id = await blynk.dget(
        "update", [("dataStreamId", "1"), ("value", "2.35"), ("value", "48.85")], device=3
    )
    assert by_id.status == 200
    assert blynk.emu.value(3, 1) == [2.35, 48.85]
    by_pin = await blynk.dget(
        "update", [("pin", "V0"), ("value", "-0.12"), ("value", "51.5")], device=3
    )
    assert by_pin.status == 200
    assert blynk.emu.value(3, 1) == [-0.12, 51.5]
    repeated = await blynk.dget("update", [("v0", "13.4"), ("v0", "52.5")], device=3)
    assert repeated.status == 200
    assert blynk.emu.value(3, "v0") == [13.4, 52.5]


async def test_update_types(blynk: Blynk) -> None:
    for text, stored in [("true", 1), ("0", 0), ("TRUE", 1), ("false", 0)]:
        assert (await blynk.dget("update", [("v2", text)], device=2)).status == 200
        assert blynk.emu.value(2, 3) == stored
    assert (await blynk.dget("update", [("v2", "3")], device=4)).status == 200  # ENUM
    assert blynk.emu.value(4, 3) == 3


@pytest.mark.parametrize(
    ("device", "params"),
    [
        (1, [("v2", "1.5")]),  # INT
        (1, [("v2", "")]),
        (1, [("v1", "warm")]),  # DOUBLE
        (1, [("v1", "inf")]),
        (2, [("v2", "yes")]),  # BOOLEAN
        (3, [("v0", "13.4")]),  # LOCATION needs two values
        (3, [("v0", "13.4"), ("v0", "north")]),
        (3, [("v0", "13.4"), ("v0", "95")]),  # latitude beyond 90
        (1, [("v1", "1"), ("v1", "2")]),  # two values for a number
        (1, [("dataStreamId", "1")]),  # no value
        (1, [("v4", "x" * 1025)]),
    ],
)
async def test_update_rejects_mismatches(
    blynk: Blynk, device: int, params: list[tuple[str, str]]
) -> None:
    reply = await blynk.dget("update", params, device=device)
    assert (reply.status, reply.message) == (400, MISMATCH)


async def test_update_is_all_or_nothing(blynk: Blynk) -> None:
    reply = await blynk.dget("update", [("v1", "30"), ("v2", "wet")])
    assert reply.status == 400
    assert blynk.emu.value(1, 1) == 21.5


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ([], "Wrong pin format."),
        ([("vx", "1")], "Wrong pin format."),
        ([("pin", "x"), ("value", "1")], "Wrong pin format."),
        ([("v8", "1")], "No datastream setup for that pin."),
        ([("dataStreamId", "a"), ("value", "1")], "Wrong dataStreamId format."),
        (
            [("dataStreamId", "8"), ("value", "1")],
            "Requested dataStream doesn't exist in the product Weather Station",
        ),
    ],
)
async def test_update_errors(blynk: Blynk, params: list[tuple[str, str]], message: str) -> None:
    reply = await blynk.dget("update", params)
    assert (reply.status, reply.message) == (400, message)


async def test_batch_update_get(blynk: Blynk, clock: FakeClock) -> None:
    clock.advance(1)
    reply = await blynk.dget("batch/update", [("v1", "19.5"), ("v2", "51"), ("v4", "Batch")])
    assert (reply.status, reply.text) == (200, "OK")
    stamps = {blynk.emu.history(1, ds)[-1][0] for ds in (1, 2)}
    assert stamps == {NOW_MS + 1000}
    assert blynk.emu.value(1, 4) == "Batch"
    assert blynk.emu.messages(1) == 1
    wrong = await blynk.dget("batch/update", [("v1", "x")])
    assert (wrong.status, wrong.message) == (400, MISMATCH)


async def post_batch(
    blynk: Blynk, pin: str | None, body: bytes | str, content_type: str | None = "application/json"
) -> Any:
    params = [("token", blynk.device_token(1))] + ([("pin", pin)] if pin else [])
    headers = {"Content-Type": content_type} if content_type else {}
    skip = [] if content_type else ["Content-Type"]
    return await blynk.request(
        "POST",
        f"{EXT}/batch/update",
        params=params,
        data=body,
        headers=headers,
        skip_auto_headers=skip,
    )


async def test_batch_update_post(blynk: Blynk) -> None:
    points = [[NOW_MS - 60_000, 17.0], [NOW_MS - 120_000, 16.5]]
    reply = await post_batch(blynk, "v1", json.dumps(points))
    assert (reply.status, reply.text) == (200, "OK")
    history = blynk.emu.history(1, 1)
    assert (NOW_MS - 60_000, 17.0) in history
    assert (NOW_MS - 120_000, 16.5) in history
    assert blynk.emu.value(1, 1) == 21.5


@pytest.mark.parametrize(
    ("pin", "body", "content_type", "message"),
    [
        (None, "[]", "application/json", "Wrong pin format."),
        ("v9", "[]", "application/json", "No datastream setup for that pin."),
        ("v1", "[]", "text/plain", "Unknown content type."),
        ("v1", "[]", None, "Unknown content type."),
        ("v1", "[[1, 2]", "application/json", MISMATCH),
        ("v1", '{"ts": 1}', "application/json", MISMATCH),
        ("v1", f"[[{NOW_MS}]]", "application/json", MISMATCH),
        ("v1", f'[["{NOW_MS}", 1.0]]', "application/json", MISMATCH),
        ("v1", f'[[{NOW_MS}, "warm"]]', "application/json", MISMATCH),
        (
            "v1",
            f"[[{NOW_MS - 91 * 86_400_000}, 1.0]]",
            "application/json",
            "Timestamps could be only three months in the past.",
        ),
    ],
)
async def test_batch_update_post_errors(
    blynk: Blynk, pin: str | None, body: str, content_type: str | None, message: str
) -> None:
    reply = await post_batch(blynk, pin, body, content_type)
    assert (reply.status, reply.message) == (400, message)


async def test_batch_update_post_size_limit(blynk: Blynk) -> None:
    too_many = await post_batch(blynk, "v1", json.dumps([[NOW_MS, 1.0]] * 10_001))
    assert (too_many.status, too_many.message) == (
        400,
        "Too much data in batch. Maximum batch size is 10000 points.",
    )
    exactly = await post_batch(blynk, "v1", json.dumps([[NOW_MS, 1.0]] * 10_000))
    assert exactly.status == 200


async def test_update_property(blynk: Blynk) -> None:
    reply = await blynk.dget(
        "update/property", [("pin", "v1"), ("label", "Outside"), ("color", "#D3435C")]
    )
    assert (reply.status, reply.text) == (200, "")
    listed = await blynk.dget(
        "update/property", [("pin", "V4"), ("labels", "Off"), ("labels", "On")]
    )
    assert listed.status == 200
    assert blynk.emu.properties == {
        (1, 1): {"label": "Outside", "color": "#D3435C"},
        (1, 4): {"labels": "Off\u0000On"},
    }


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ([("label", "x")], "Wrong pin format."),
        ([("pin", "v1")], "Wrong property name."),
        ([("pin", "v1"), ("colour", "#FFFFFF")], "Wrong property name."),
        ([("pin", "v1"), ("color", "red")], MISMATCH),
        ([("pin", "v1"), ("isDisabled", "1")], MISMATCH),
        ([("pin", "v9"), ("label", "x")], "No datastream setup for that pin."),
    ],
)
async def test_update_property_errors(
    blynk: Blynk, params: list[tuple[str, str]], message: str
) -> None:
    reply = await blynk.dget("update/property", params)
    assert (reply.status, reply.message) == (400, message)
    assert blynk.emu.properties == {}


async def test_log_event(blynk: Blynk) -> None:
    reply = await blynk.dget("logEvent", [("code", "frost_warning"), ("description", "-3 C")])
    assert (reply.status, reply.text) == (200, "")
    assert (await blynk.dget("logEvent", [("code", "window_open")], device=4)).status == 200
    assert blynk.emu.events == [(1, "frost_warning", "-3 C"), (4, "window_open", None)]
    device = (await blynk.pget(f"{V1}/device/baseInfo", {"deviceId": "1"})).json()
    assert device["lastReceivedEventAt"] == NOW_MS
    missing = await blynk.dget("logEvent", [("description", "x")])
    assert (missing.status, missing.message) == (400, "Event code is not provided.")
    unknown = await blynk.dget("logEvent", [("code", "window_open")])
    assert (unknown.status, unknown.message) == (
        400,
        "Can't find Event with this code in Product template",
    )


async def test_is_hardware_connected(blynk: Blynk) -> None:
    assert (await blynk.dget("isHardwareConnected")).text == "true"
    assert (await blynk.dget("isHardwareConnected", device=3)).text == "false"
    blynk.emu.set_online(1, False)
    assert (await blynk.dget("isHardwareConnected")).text == "false"


async def test_device_meta(blynk: Blynk) -> None:
    name = await blynk.dget("device/meta", [("metaFieldId", "1")])
    assert name.json() == {"type": "DeviceName", "value": "Garden weather"}
    serial = await blynk.dget("device/meta", [("metaFieldId", "2")])
    assert serial.json() == {"type": "Text", "value": "WS-000001"}
    absent = await blynk.dget("device/meta", [("metaFieldId", "3")])
    assert (absent.status, absent.message) == (400, "MetaField doesn't exist.")
    for params in ([("metaFieldId", "one")], []):
        wrong = await blynk.dget("device/meta", params)
        assert (wrong.status, wrong.message) == (400, "Wrong metaField format.")


async def test_device_meta_update(blynk: Blynk) -> None:
    renamed = await blynk.dget(
        "device/meta/update", [("metaFieldId", "1"), ("value", "Back garden")]
    )
    assert renamed.status == 200
    device = (await blynk.pget(f"{V1}/device", {"deviceId": "1"})).json()
    assert device["name"] == "Back garden"
    by_name = await blynk.dget(
        "device/meta/update", [("metaFieldName", "Serial Number"), ("value", "WS-9")]
    )
    assert by_name.status == 200
    assert (await blynk.dget("device/meta", [("metaFieldId", "2")])).json()["value"] == "WS-9"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ([("value", "x")], "Wrong metaField format"),
        ([("metaFieldId", "x"), ("value", "x")], "Wrong metaField format"),
        ([("metaFieldId", "7"), ("value", "x")], "MetaField doesn't exist"),
        ([("metaFieldName", "serial number"), ("value", "x")], "MetaField doesn't exist"),
        ([("metaFieldId", "2")], "Wrong value"),
        ([("metaFieldId", "1"), ("value", "")], "Wrong value"),
        ([("metaFieldId", "1"), ("value", "x" * 51)], "Wrong value"),
        ([("metaFieldId", "1"), ("value", "Bad/name")], "Wrong value"),
    ],
)
async def test_device_meta_update_errors(
    blynk: Blynk, params: list[tuple[str, str]], message: str
) -> None:
    reply = await blynk.dget("device/meta/update", params)
    assert (reply.status, reply.message) == (400, message)


@pytest.fixture
async def tiny(socket_enabled: None) -> AsyncIterator[Blynk]:
    emu = Emulator(tiny_scenario())
    async with EmulatorServer(emu) as server, ClientSession() as session:
        yield Blynk(session, server, emu)


async def test_number_metafield_and_digital_pins(tiny: Blynk) -> None:
    ok = await tiny.dget("device/meta/update", [("metaFieldId", "2"), ("value", "2.5")])
    assert ok.status == 200
    assert (await tiny.dget("device/meta", [("metaFieldId", "2")])).json() == {
        "type": "Number",
        "value": 2.5,
    }
    wrong = await tiny.dget("device/meta/update", [("metaFieldId", "2"), ("value", "heavy")])
    assert (wrong.status, wrong.message) == (400, "Wrong value")
    assert (await tiny.dget("update", [("d3", "1")])).status == 200
    assert tiny.emu.value(1, 2) == 1
    assert (await tiny.dget("getAll")).json() == {"d3": 1}
    prop = await tiny.dget("update/property", [("pin", "d3"), ("label", "Lamp")])
    assert (prop.status, prop.message) == (400, "Wrong pin format.")
    no_events = await tiny.dget("logEvent", [("code", "anything")])
    assert no_events.message == "Can't find Event with this code in Product template"


async def test_messages_are_counted_per_device(blynk: Blynk) -> None:
    await blynk.dget("getAll")
    await blynk.dget("get", [("v99", None)])  # an error still costs a message
    await blynk.dget("isHardwareConnected", device=2)
    await blynk.request("GET", f"{EXT}/getAll", params={"token": "nobody"})
    assert blynk.emu.messages(1) == 2
    assert blynk.emu.messages(2) == 1
    assert blynk.emu.messages(3) == 0
