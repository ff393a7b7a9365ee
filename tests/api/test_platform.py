"""The Platform API client against the emulator: every call, token lifecycle, chunking."""

import asyncio
import copy
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.blynk_cloud.api import (
    BlynkChunkError,
    BlynkInvalidCredentialsError,
    BlynkInvalidValueError,
    BlynkPlatformClient,
    BlynkRateLimitError,
    BlynkScopeError,
    BlynkServer,
    BlynkServerError,
    Datastream,
    DatastreamType,
    Location,
)
from emulator import Emulator, EmulatorServer, Fault
from tests.api.conftest import FakeClock, serving
from tests.conftest import DEMO, OAUTH_CLIENT, UNSCOPED_CLIENT, fleet

TOKEN = "/oauth2/token"
BATCH = "/api/v1/organization/device/datastreams/batch"
DEVICES = "/api/v1/organization/devices"
IMPORT = "/api/v1/organization/device/import/batch"
BATCH_UPDATE = "/api/v1/organization/product/devices/batch-update"
HISTORY = "/api/v1/organization/device/datastream/history"


async def test_organization(platform: BlynkPlatformClient, emulator: Emulator) -> None:
    organization = await platform.authenticate()
    assert (organization.id, organization.name) == (658, "Acme Home")
    assert organization.timezone == "Europe/Berlin"
    assert emulator.count(TOKEN) == 1
    assert platform.stats.token_renewals == 1


async def test_invalid_client(session: aiohttp.ClientSession, blynk: EmulatorServer) -> None:
    client = BlynkPlatformClient(session, blynk.url(), OAUTH_CLIENT["client_id"], "wrong-secret")
    with pytest.raises(BlynkInvalidCredentialsError, match="Client ID is not found"):
        await client.organization()


async def test_scope_not_enabled(session: aiohttp.ClientSession, blynk: EmulatorServer) -> None:
    client = BlynkPlatformClient(
        session, blynk.url(), UNSCOPED_CLIENT["client_id"], UNSCOPED_CLIENT["client_secret"]
    )
    with pytest.raises(BlynkScopeError, match="Platform API scope is not enabled"):
        await client.organization()


async def test_devices_and_sub_organizations(platform: BlynkPlatformClient) -> None:
    own = (await platform.devices()).items
    everything = (await platform.devices(include_sub_organizations=True)).items
    assert {device.org_id for device in own} == {658}
    assert {device.org_id for device in everything} == {658, 659}
    weather = next(device for device in own if device.id == 1)
    assert weather.name == "Garden weather"
    assert weather.hardware is not None
    assert weather.hardware.template_code == "TMPLcsa26x3lF"
    assert "token" not in repr(weather)


@pytest.mark.parametrize("scenario", [fleet(2500)])
async def test_devices_all_pages(platform: BlynkPlatformClient, emulator: Emulator) -> None:
    listing = await platform.devices()
    assert listing.complete
    assert len({device.id for device in listing.items}) == len(listing.items) == 2500
    assert emulator.count(DEVICES) == 3


async def test_online_and_template(platform: BlynkPlatformClient, emulator: Emulator) -> None:
    assert await platform.device_online(1) is True
    emulator.set_online(1, False)
    assert await platform.devices_online([1, 2]) == {1: False, 2: True}
    template = await platform.template(353)
    assert (template.name, template.board_type) == ("Weather Station", "ESP32")
    datastreams = await platform.template_datastreams(353)
    temperature = next(ds for ds in datastreams if ds.label == "Temperature")
    assert temperature == Datastream(
        id=1,
        label="Temperature",
        pin="v1",
        type=DatastreamType.DOUBLE,
        alias="Temperature",
        units="Celsius",
        min=-40.0,
        max=85.0,
        writable=False,
    )


async def test_batch_values_ten_devices_a_request(emulator: Emulator, socket_enabled: None) -> None:
    emulator.load(fleet(25))
    async with EmulatorServer(emulator) as server, aiohttp.ClientSession() as session:
        client = BlynkPlatformClient(
            session,
            server.url(),
            emulator.scenario["oauth_clients"][0]["client_id"],
            emulator.scenario["oauth_clients"][0]["client_secret"],
        )
        ids = [device["id"] for device in emulator.scenario["devices"]]
        values = await client.batch_values([*ids, 99_999])
        assert sorted(values) == sorted(ids)  # the unknown device is skipped, not an error
        assert emulator.count(BATCH) == 3
        assert all(len(device_values) == 2 for device_values in values.values())


async def test_batch_values_rate_limit_wins(
    platform: BlynkPlatformClient, emulator: Emulator
) -> None:
    await platform.authenticate()
    emulator.inject(Fault.server_error(), path=BATCH)
    emulator.inject(Fault.rate_limited(retry_after=7), path=BATCH)
    with pytest.raises(BlynkRateLimitError) as err:
        await platform.batch_values(list(range(1, 21)))
    assert err.value.retry_after == 7
    assert platform.stats.rate_limited == 1
    assert platform.stats.last_rate_limited is not None


async def test_batch_values_error(platform: BlynkPlatformClient, emulator: Emulator) -> None:
    await platform.authenticate()
    emulator.inject(Fault.server_error(), path=BATCH)
    with pytest.raises(BlynkServerError):
        await platform.batch_values([1, 2])


async def test_history_pages_and_limit(platform: BlynkPlatformClient, emulator: Emulator) -> None:
    base = emulator.now_ms() - 10 * 86_400_000
    for index in range(2500):
        emulator.set_value(1, 1, float(index), ts_ms=base + index * 60_000)
    end = emulator.now_ms()
    emulator.clear_log()
    points = await platform.history(1, 1, base, end)
    assert len(points) >= 2500
    assert [point.ts for point in points] == sorted(point.ts for point in points)
    assert emulator.count("/api/v1/organization/device/datastream/history") == 3
    limited = await platform.history(1, 1, base, end, limit=5)
    assert len(limited) == 5


async def test_a_refused_page_size_is_asked_smaller(
    platform: BlynkPlatformClient, emulator: Emulator
) -> None:
    """A server with the older limit of 100 refuses 1,000: the client asks 100, then keeps it."""
    emulator.variants.update({"page_size": "strict_100"})
    assert len((await platform.devices()).items) == 8
    await platform.history(1, 1, 0, emulator.now_ms())
    await platform.devices()
    sizes = [
        (record.path, dict(record.query)["size"], record.status)
        for record in emulator.requests
        if "size" in dict(record.query)
    ]
    assert sizes == [
        (DEVICES, "1000", 400),
        (DEVICES, "100", 200),
        (HISTORY, "100", 200),
        (DEVICES, "100", 200),
    ]


@pytest.mark.parametrize(("limit", "requests"), [(None, 3), (300, 3), (100, 1)])
async def test_a_refusal_at_every_size_is_the_error(
    platform: BlynkPlatformClient, emulator: Emulator, limit: int | None, requests: int
) -> None:
    """A 400 for another reason: each smaller size once (none smaller than the limit asks)."""
    await platform.authenticate()
    emulator.inject(Fault.answer({"error": {"message": "Wrong."}}, 400), path=HISTORY, count=9)
    with pytest.raises(BlynkInvalidValueError, match="Wrong"):
        await platform.history(1, 1, 0, emulator.now_ms(), limit=limit)
    assert emulator.count(HISTORY) == requests
    emulator.clear_faults()
    await platform.history(1, 1, 0, emulator.now_ms())
    assert dict(emulator.requests[-1].query)["size"] == "1000"  # nothing was kept


async def test_writes(platform: BlynkPlatformClient, emulator: Emulator) -> None:
    await platform.write_value(2, 1, 1)
    await platform.write_value(3, 1, Location(latitude=48.1, longitude=11.5))
    await platform.write_values(4, {2: 22.5, 7: "hello"})
    await platform.set_property(1, 1, "color", "#FF0000")
    assert emulator.value(2, 1) == 1
    assert emulator.value(3, 1) == [11.5, 48.1]
    assert (emulator.value(4, 2), emulator.value(4, 7)) == (22.5, "hello")
    assert emulator.properties[(1, 1)] == {"color": "#FF0000"}


async def test_write_refused(platform: BlynkPlatformClient) -> None:
    with pytest.raises(BlynkInvalidValueError):
        await platform.write_value(1, 1, "not a number")


async def test_import_history_in_chunks(platform: BlynkPlatformClient, emulator: Emulator) -> None:
    start = emulator.now_ms() - 86_400_000
    points = [(start + index * 1000, float(index % 50)) for index in range(25_000)]
    result = await platform.import_history(1, 1, points)
    assert (result.points, result.requests) == (25_000, 3)
    assert emulator.count(IMPORT) == 3
    sent = {ts for ts, _ in points}
    assert len([ts for ts, _ in emulator.history(1, 1) if ts in sent]) == 25_000


async def test_import_history_stops_at_failed_chunk(
    platform: BlynkPlatformClient, emulator: Emulator
) -> None:
    start = emulator.now_ms() - 86_400_000
    points = [(start + index * 1000, 1.0) for index in range(25_000)]
    await platform.authenticate()
    emulator.inject(Fault(), path=IMPORT)  # the first chunk is answered normally
    emulator.inject(Fault.server_error(), path=IMPORT)
    with pytest.raises(BlynkChunkError) as err:
        await platform.import_history(1, 1, points)
    assert err.value.accepted == 10_000
    assert emulator.count(IMPORT) == 2


async def test_batch_update_counters_summed(
    platform: BlynkPlatformClient, emulator: Emulator
) -> None:
    # Two requests, each with a device the product can be derived from, each skipping a row.
    rows: list[list[Any]] = [[1, 20.5]] * 9_999 + [[999, 1.0], [1, 21.0], [None, 2.0]]
    result = await platform.batch_update(["deviceId", "Temperature"], rows)
    assert result.requests == 2
    assert (result.skipped["deviceNotFound"], result.skipped["nullDeviceId"]) == (1, 1)
    assert emulator.count(BATCH_UPDATE) == 2
    debug = await platform.batch_update(
        ["deviceId", "Temperature"], [[1, 3.0], [999, 1.0]], debug=True
    )
    assert debug.requests == 1
    assert len(debug.reasons) == 1
    assert emulator.value(1, 1) == 3.0
    nothing = await platform.batch_update(["deviceId", "Temperature"], [])
    assert nothing.requests == 0
    clean = await platform.batch_update(["deviceId", "Temperature", "Humidity"], [[1, 4.0, None]])
    assert (clean.requests, clean.skipped, clean.reasons) == (1, {}, ())
    assert (emulator.value(1, 1), emulator.value(1, 2)) == (4.0, 48)  # null skips a column


async def test_expired_token_renewed_once_under_concurrency(
    platform: BlynkPlatformClient, emulator: Emulator, clock: FakeClock
) -> None:
    await platform.authenticate()
    clock.now += 86_400  # past expires_in: every caller needs a new token
    await asyncio.gather(*(platform.device_online(1) for _ in range(30)))
    assert emulator.count(TOKEN) == 2
    assert platform.stats.token_renewals == 2


async def test_revoked_token_renewed_once_under_concurrency(
    platform: BlynkPlatformClient, emulator: Emulator
) -> None:
    await platform.authenticate()
    emulator.revoke_tokens()
    results = await asyncio.gather(*(platform.device_online(1) for _ in range(30)))
    assert all(results)
    assert emulator.count(TOKEN) == 2


async def test_revoked_credentials(platform: BlynkPlatformClient, emulator: Emulator) -> None:
    await platform.authenticate()
    emulator.set_client_secret(OAUTH_CLIENT["client_id"], "rotated")
    emulator.revoke_tokens()
    with pytest.raises(BlynkInvalidCredentialsError):
        await platform.device_online(1)


async def test_unauthorized_twice(platform: BlynkPlatformClient, emulator: Emulator) -> None:
    await platform.authenticate()
    emulator.inject(Fault.unauthorized(), path="/api/v1/organization/device/online", count=2)
    with pytest.raises(BlynkInvalidCredentialsError):
        await platform.device_online(1)
    assert emulator.count(TOKEN) == 2


@pytest.mark.parametrize("status", ["308", "301", "302", "307"])  # the `redirect` variant
async def test_wrong_region_redirect(
    session: aiohttp.ClientSession, emulator: Emulator, socket_enabled: None, status: str
) -> None:
    scenario = copy.deepcopy(DEMO)
    scenario["oauth_clients"][0]["region"] = "ny3"
    scenario["variants"] = {**DEMO["variants"], "redirect": status}
    emulator.load(scenario)
    moved: list[BlynkServer] = []
    async with EmulatorServer(emulator) as server:
        client = BlynkPlatformClient(
            session,
            server.url("fra1"),
            OAUTH_CLIENT["client_id"],
            OAUTH_CLIENT["client_secret"],
            on_server_change=moved.append,
        )
        await client.write_value(1, 1, 19.5)  # a POST: re-sent with body and Authorization
        assert [server_.host for server_ in moved] == [server.url("ny3")]
        assert client.server.host == server.url("ny3")
        assert emulator.value(1, 1) == 19.5
        await client.organization()
        assert len(moved) == 1  # later calls go to the new region directly
        redirected = [r for r in emulator.requests if r.status == int(status)]
        assert [r.path for r in redirected] == [TOKEN]


def _device(device_id: int) -> dict[str, Any]:
    return {"id": device_id, "name": f"D{device_id}", "templateId": 1, "orgId": 1}


@pytest.mark.parametrize(
    ("second_page", "ids", "pages"),
    [
        ([], [1, 2], 2),  # empty before the total is reached
        ([_device(1), _device(2)], [1, 2], 2),  # the first page again: `page` ignored
        ([_device(3)], [1, 2, 3], 2),  # short before the total is reached
        # The list moved (a device listed twice); the third page repeats the second.
        ([_device(2), _device(3)], [1, 2, 3], 3),
    ],
)
async def test_pages_that_do_not_add_up(
    session: aiohttp.ClientSession,
    socket_enabled: None,
    second_page: list[dict[str, Any]],
    ids: list[int],
    pages: int,
) -> None:
    """A listing that stops short of `totalElements` is returned, marked incomplete."""
    asked: list[tuple[str, str]] = []

    async def token(request: web.Request) -> web.Response:
        return web.json_response({"access_token": "a" * 40, "expires_in": 3600})

    async def devices(request: web.Request) -> web.Response:
        asked.append((request.query["page"], request.query["size"]))
        content = [_device(1), _device(2)] if request.query["page"] == "0" else second_page
        return web.json_response({"content": content, "totalElements": 5})

    app = web.Application()
    app.router.add_post("/oauth2/token", token)
    app.router.add_get(DEVICES, devices)
    async with serving(app) as url:
        client = BlynkPlatformClient(session, url, "id", "secret")
        listing = await client.devices()
    assert sorted(device.id for device in listing.items) == ids
    assert not listing.complete
    # The first page asked 1,000 and got 2: later pages are asked in the size served.
    assert asked == [("0", "1000"), *((str(page), "2") for page in range(1, pages))]
