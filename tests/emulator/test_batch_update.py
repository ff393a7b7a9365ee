"""``product/devices/batch-update`` as its OpenAPI page describes it."""

from collections.abc import AsyncIterator
from typing import Any

from aiohttp import ClientSession
import pytest

from emulator import Emulator, EmulatorServer

from .helpers import V1, Blynk, tiny_scenario

PATH = f"{V1}/product/devices/batch-update"
ZERO = {
    "invalidRowSize": 0,
    "nullDeviceId": 0,
    "nonNumericDeviceId": 0,
    "deviceNotFound": 0,
    "noAccessToDevice": 0,
    "wrongProduct": 0,
}


async def test_all_rows_succeed(blynk: Blynk) -> None:
    body = {
        "fields": ["deviceId", "Temperature", "Humidity"],
        "updates": [[1, 10.5, None], [5, 99.0, 30], ["6", 7, 40.0], [1.0, None, 41]],
    }
    reply = await blynk.ppost(PATH, body)
    assert (reply.status, reply.text) == (204, "")
    assert blynk.emu.value(1, 1) == 10.5
    assert blynk.emu.value(1, 2) == 41
    assert blynk.emu.value(5, 1) == 85.0  # clamped to max
    assert blynk.emu.value(5, 2) == 30
    assert blynk.emu.value(6, 1) == 7.0
    assert blynk.emu.value(6, 2) == 40


async def test_counter_mode(blynk: Blynk) -> None:
    body = {
        "fields": ["deviceId", "Temperature"],
        "updates": [
            [1, 11.0],
            [2, 1.0],  # another product
            [1],  # wrong size
            "row",  # not a row
            [None, 1.0],
            ["abc", 1.0],
            [True, 1.0],
            [999, 1.0],
            [5, "warm"],  # type mismatch: value skipped, row fine
        ],
    }
    reply = await blynk.ppost(PATH, body)
    assert reply.status == 200
    assert reply.json() == ZERO | {
        "invalidRowSize": 2,
        "nullDeviceId": 1,
        "nonNumericDeviceId": 2,
        "deviceNotFound": 1,
        "wrongProduct": 1,
    }
    assert blynk.emu.value(1, 1) == 11.0
    assert blynk.emu.value(2, 1) == 1
    assert blynk.emu.value(5, 1) == 26.3


async def test_debug_mode_lists_at_most_100_reasons(blynk: Blynk) -> None:
    updates: list[Any] = [[1, 12.0], *([None, 1.0] for _ in range(150)), [999, 1.0]]
    body = {"fields": ["deviceId", "Temperature"], "updates": updates, "debug": True}
    reply = await blynk.ppost(PATH, body)
    assert reply.status == 200
    skipped = reply.json()["skippedRows"]
    assert list(reply.json()) == ["skippedRows"]
    assert len(skipped) == 100
    assert skipped[0] == "Row 1: deviceId is null"
    assert blynk.emu.value(1, 1) == 12.0
    few = {"fields": ["deviceId", "Temperature"], "updates": [[1, 1.0], [999, 1.0]], "debug": True}
    assert (await blynk.ppost(PATH, few)).json() == {
        "skippedRows": ["Row 1: device 999 is not found"]
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"fields": ["deviceId"], "updates": [[1]]},
            "The first element of fields must be deviceId, followed by datastream labels.",
        ),
        (
            {"fields": ["id", "Temperature"], "updates": [[1, 1]]},
            "The first element of fields must be deviceId, followed by datastream labels.",
        ),
        (
            {"fields": "deviceId,Temperature", "updates": [[1, 1]]},
            "The first element of fields must be deviceId, followed by datastream labels.",
        ),
        (
            {"fields": ["deviceId", "Temperature"], "updates": [[999, 1], [None, 2]]},
            "No valid device found to derive the product.",
        ),
        (
            {"fields": ["deviceId", "Wind"], "updates": [[1, 1]]},
            "Data stream with label Wind is not found!",
        ),
        (
            {"fields": ["deviceId", "Temperature"], "updates": [[1, 1]] * 10_001},
            "Maximum of 10,000 updates per request.",
        ),
    ],
)
async def test_bad_requests(blynk: Blynk, body: dict[str, Any], message: str) -> None:
    reply = await blynk.ppost(PATH, body)
    assert (reply.status, reply.message) == (400, message)
    assert blynk.emu.value(1, 1) == 21.5


@pytest.mark.parametrize(
    "body",
    [
        {"fields": ["deviceId", "Temperature"]},
        {"fields": ["deviceId", "Temperature"], "updates": []},
        {"fields": ["deviceId", "Temperature"], "updates": [[1, 1]], "debug": "yes"},
    ],
)
async def test_malformed_bodies(blynk: Blynk, body: dict[str, Any]) -> None:
    assert (await blynk.ppost(PATH, body)).status == 400


async def test_10000_updates_are_allowed(blynk: Blynk) -> None:
    body = {"fields": ["deviceId", "Temperature"], "updates": [[1, 1.0]] * 10_000}
    assert (await blynk.ppost(PATH, body)).status == 204


@pytest.fixture
async def tiny(socket_enabled: None) -> AsyncIterator[Blynk]:
    emu = Emulator(tiny_scenario())
    async with EmulatorServer(emu) as server, ClientSession() as session:
        blynk = Blynk(session, server, emu)
        blynk._token = await blynk.token(("tiny-client", "tiny-secret"))
        yield blynk


async def test_variants_of_the_product_are_accepted(tiny: Blynk) -> None:
    body = {
        "fields": ["deviceId", "Level", "Note"],
        "updates": [[2, 7, "v"], [1, 8, "r"], [3, 9, None]],
    }
    reply = await tiny.ppost(PATH, body)
    assert reply.json() == ZERO | {"wrongProduct": 1}
    assert tiny.emu.value(2, 1) == 7  # the variant has no Note: that value is skipped
    assert tiny.emu.value(1, 1) == 8
    assert tiny.emu.value(1, 3) == "r"
    assert tiny.emu.value(3, 1) is None
