"""The Device HTTPS API client against the emulator."""

import aiohttp
import pytest

from custom_components.blynk_cloud.api import (
    BlynkChunkError,
    BlynkDeviceClient,
    BlynkInvalidCredentialsError,
    BlynkInvalidValueError,
    BlynkResponseError,
    BlynkServer,
    BlynkServerError,
    DatastreamType,
    Location,
    coerce_value,
)
from emulator import Emulator, EmulatorServer, Fault
from tests.conftest import demo_device

WEATHER = demo_device("Garden weather")
CABIN = demo_device("Cabin weather")  # lives in the ny3 region
TRACKER = demo_device("Car tracker")
THERMOSTAT = demo_device("Hallway thermostat")


def client_for(
    session: aiohttp.ClientSession, server: EmulatorServer, device: dict, region: str | None = None
) -> BlynkDeviceClient:
    """A client of a demo device."""
    return BlynkDeviceClient(session, server.url(region), device["token"])


async def test_reads(device: BlynkDeviceClient, emulator: Emulator) -> None:
    assert await device.authenticate() is True
    values = await device.get_all()
    assert values == {"v1": 21.5, "v2": 48, "v3": 1013.2, "v4": "OK"}
    assert await device.get(["V1", "v4", "v1"]) == {"v1": 21.5, "v4": "OK"}
    # Pins are bare keys, as the docs write them.
    assert emulator.requests[-1].describe().endswith("get?token=REDACTED&v1&v4 -> 200")
    # One pin comes back as bare text, kept as text: its datastream's type reads it.
    assert await device.get(["v2"]) == {"v2": "48"}
    assert await device.get(["v4"]) == {"v4": "OK"}
    emulator.set_value(1, "v4", "null")
    assert await device.get(["v4"]) == {"v4": "null"}
    assert await device.get(["v4", "v4"]) == {"v4": "null"}
    emulator.set_online(1, False)
    assert await device.is_hardware_connected() is False
    assert await device.device_name() == "Garden weather"


async def test_location_read(
    session: aiohttp.ClientSession, blynk: EmulatorServer, emulator: Emulator
) -> None:
    tracker = client_for(session, blynk, TRACKER)
    where = Location(latitude=52.517037, longitude=13.38886)
    values = await tracker.get_all()
    assert coerce_value(values["v0"], DatastreamType.LOCATION) == where
    (text,) = (await tracker.get(["v0"])).values()
    assert coerce_value(text, DatastreamType.LOCATION) == where


async def test_updates(
    session: aiohttp.ClientSession, blynk: EmulatorServer, emulator: Emulator
) -> None:
    thermostat = client_for(session, blynk, THERMOSTAT)
    await thermostat.update("v1", 22.5)
    await thermostat.update(7, "Hi there")
    await thermostat.batch_update({"v1": 23, "v6": "Batch"})
    assert (emulator.value(4, 2), emulator.value(4, 7)) == (23, "Batch")
    tracker = client_for(session, blynk, TRACKER)
    await tracker.update("v0", Location(latitude=48.1, longitude=11.5))
    await tracker.update(1, Location(latitude=48.2, longitude=11.6))
    assert emulator.value(3, 1) == [11.6, 48.2]
    relays = client_for(session, blynk, demo_device("Living room relays"))
    await relays.update("v2", True)
    assert emulator.value(2, 3) in (True, 1)


async def test_update_refused(device: BlynkDeviceClient) -> None:
    with pytest.raises(BlynkInvalidValueError, match="Value doesn't match"):
        await device.update("v2", "warm")
    with pytest.raises(ValueError, match="location"):
        await device.batch_update({"v1": Location(latitude=1.0, longitude=2.0)})
    with pytest.raises(ValueError, match="not a pin"):
        await device.get(["temperature"])


async def test_upload_in_chunks(device: BlynkDeviceClient, emulator: Emulator) -> None:
    start = emulator.now_ms() - 86_400_000
    points = [(start + index * 1000, float(index % 30)) for index in range(25_000)]
    result = await device.upload("v1", points)
    assert (result.points, result.requests) == (25_000, 3)
    assert emulator.count("/external/api/batch/update", method="POST") == 3
    sent = {ts for ts, _ in points}
    assert len([ts for ts, _ in emulator.history(1, 1) if ts in sent]) == 25_000


async def test_upload_interrupted(device: BlynkDeviceClient, emulator: Emulator) -> None:
    start = emulator.now_ms() - 86_400_000
    emulator.inject(Fault.server_error(), path="/external/api/batch/update")
    with pytest.raises(BlynkChunkError) as err:
        await device.upload("v1", [(start, 1.0)])
    assert err.value.accepted == 0


async def test_properties(device: BlynkDeviceClient, emulator: Emulator) -> None:
    await device.set_property("v1", "color", "#00FF00")
    await device.set_property("v1", "label", "Outside")
    assert emulator.properties[(1, 1)] == {"color": "#00FF00", "label": "Outside"}


async def test_list_property(
    session: aiohttp.ClientSession, blynk: EmulatorServer, emulator: Emulator
) -> None:
    thermostat = client_for(session, blynk, THERMOSTAT)
    await thermostat.set_property("v2", "labels", ["Off", "Eco", "Comfort"])
    assert "labels" in emulator.properties[(4, 3)]


async def test_invalid_token(session: aiohttp.ClientSession, blynk: EmulatorServer) -> None:
    client = BlynkDeviceClient(session, blynk.url(), "x" * 32)
    with pytest.raises(BlynkInvalidCredentialsError, match="Invalid token"):
        await client.get_all()


async def test_wrong_region_resends_body(
    session: aiohttp.ClientSession, blynk: EmulatorServer, emulator: Emulator
) -> None:
    moved: list[BlynkServer] = []
    cabin = BlynkDeviceClient(
        session, blynk.url("fra1"), CABIN["token"], on_server_change=moved.append
    )
    start = emulator.now_ms() - 3_600_000
    result = await cabin.upload("v1", [(start, 5.5), (start + 1000, 5.6)])
    assert result.points == 2
    assert [server.host for server in moved] == [blynk.url("ny3")]
    assert (start + 1000, 5.6) in emulator.history(6, 1)
    assert (await cabin.get_all())["v1"] == 8.4


async def test_unexpected_connectivity_answer(
    device: BlynkDeviceClient, emulator: Emulator
) -> None:
    emulator.inject(Fault.malformed_json(), path="/external/api/isHardwareConnected")
    with pytest.raises(BlynkResponseError):
        await device.is_hardware_connected()
    emulator.inject(Fault.malformed_json(), path="/external/api/getAll")
    with pytest.raises(BlynkResponseError):
        await device.get_all()


async def test_export(
    session: aiohttp.ClientSession, blynk: EmulatorServer, emulator: Emulator
) -> None:
    cabin = client_for(session, blynk, CABIN, "ny3")
    points = await cabin.export("v1", "WEEK")
    assert points
    assert [point.ts for point in points] == sorted(point.ts for point in points)
    assert await cabin.export("v4", "DAY") == []  # never set: Blynk answers 500 "No data"
    emulator.inject(Fault.server_error(), path="/external/api/data/get")
    with pytest.raises(BlynkServerError):
        await cabin.export("v1", "DAY")


@pytest.mark.parametrize(
    ("fault", "product"),
    [
        (None, "Weather Station"),  # the documented error text names it
        (Fault(status=400, message="Requested dataStream doesn't exist in the product X."), "X"),
        (Fault(status=400, message="Wrong dataStreamId format."), None),  # worded otherwise
        (Fault(status=200, message=""), None),  # a server that answers the id with a value
    ],
)
async def test_product_name(
    device: BlynkDeviceClient, emulator: Emulator, fault: Fault | None, product: str | None
) -> None:
    if fault is not None:
        emulator.inject(fault, path="/external/api/get")
    assert await device.product_name() == product
