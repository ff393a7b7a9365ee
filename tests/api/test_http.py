"""The shared HTTP layer: error classes, timeouts, redirects, and secrets kept out of messages."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
import logging

import aiohttp
from aiohttp import web
from freezegun.api import FrozenDateTimeFactory
import pytest

from custom_components.blynk_cloud.api import (
    BlynkConnectionError,
    BlynkDeviceClient,
    BlynkError,
    BlynkInvalidValueError,
    BlynkPlatformClient,
    BlynkRateLimitError,
    BlynkRegionRedirectError,
    BlynkResponseError,
    BlynkServerError,
    BlynkTimeoutError,
)
from custom_components.blynk_cloud.api.http import BlynkHttp, retry_after
from emulator import Emulator, EmulatorServer, Fault
from tests.api.conftest import serving
from tests.conftest import OAUTH_CLIENT, demo_device
from tests.https import certificate, https_proxy

ONLINE = "/api/v1/organization/device/online"


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.server_error(), BlynkServerError),
        (Fault.dropped(), BlynkConnectionError),
        (Fault.malformed_json(), BlynkResponseError),
        (Fault.rate_limited(), BlynkRateLimitError),
        (Fault(status=418), BlynkInvalidValueError),
    ],
)
async def test_faults(
    session: aiohttp.ClientSession,
    blynk: EmulatorServer,
    emulator: Emulator,
    fault: Fault,
    error: type[BlynkError],
) -> None:
    client = BlynkPlatformClient(
        session, blynk.url(), OAUTH_CLIENT["client_id"], OAUTH_CLIENT["client_secret"]
    )
    await client.authenticate()
    # aiohttp itself repeats an idempotent request once when a reused connection drops.
    emulator.inject(fault, path=ONLINE, count=2 if fault.drop else 1)
    with pytest.raises(error) as err:
        await client.device_online(1)
    assert ONLINE in str(err.value)
    assert client.stats.failures == (0 if fault.malformed else 1)
    if isinstance(err.value, BlynkRateLimitError):
        assert err.value.retry_after is None
    assert await client.device_online(1) is True  # the next request is answered again


async def test_timeout(
    freezer: FrozenDateTimeFactory,
    session: aiohttp.ClientSession,
    blynk: EmulatorServer,
    emulator: Emulator,
) -> None:
    """No answer in time: the request's time runs out on the (frozen) clock, not the wall's."""
    client = BlynkPlatformClient(
        session, blynk.url(), OAUTH_CLIENT["client_id"], OAUTH_CLIENT["client_secret"], timeout=5
    )
    await client.authenticate()
    emulator.inject(Fault.held(), path=ONLINE)
    request = asyncio.create_task(client.device_online(1))
    await emulator.received(ONLINE)
    freezer.tick(6)  # aiohttp rounds the deadline up to a whole second
    with pytest.raises(BlynkTimeoutError, match=f"{ONLINE}: no answer in time"):
        await request
    assert client.stats.failures == 1
    assert await client.device_online(1) is True  # the next request is answered again


async def test_connection_refused(session: aiohttp.ClientSession, socket_enabled: None) -> None:
    client = BlynkDeviceClient(session, "http://127.0.0.1:9", "t" * 32)
    with pytest.raises(BlynkConnectionError, match="getAll"):
        await client.get_all()


def test_retry_after_forms() -> None:
    assert retry_after(None) is None
    assert retry_after("12") == 12.0
    later = datetime.now(UTC) + timedelta(seconds=30)
    assert 25 <= (retry_after(format_datetime(later, usegmt=True)) or 0) <= 30
    assert retry_after("soon") is None


@pytest.fixture
async def odd_server(socket_enabled: None) -> AsyncIterator[str]:
    """A server that answers what Blynk documents rarely: the shapes the emulator never sends."""

    async def loop(request: web.Request) -> web.Response:
        return web.Response(status=308, headers={"Location": str(request.url)})

    async def away(request: web.Request) -> web.Response:
        return web.Response(status=308, headers={"Location": "http://elsewhere.example/x"})

    async def found(request: web.Request) -> web.Response:
        return web.Response(status=302, headers={"Location": str(request.url)})

    async def see_other(request: web.Request) -> web.Response:
        return web.Response(status=303, headers={"Location": str(request.url)})

    async def flat(request: web.Request) -> web.Response:
        return web.json_response({"message": "Flat message"}, status=400)

    async def plain(request: web.Request) -> web.Response:
        return web.Response(text="Service Unavailable", status=503)

    async def odd_json(request: web.Request) -> web.Response:
        return web.json_response([1, 2], status=400)

    async def dated(request: web.Request) -> web.Response:
        later = datetime.now(UTC) + timedelta(seconds=90)
        return web.Response(
            status=429, headers={"Retry-After": format_datetime(later, usegmt=True)}
        )

    app = web.Application()
    app.router.add_get("/external/api/loop", loop)
    app.router.add_get("/external/api/flat", flat)
    app.router.add_get("/external/api/away", away)
    app.router.add_get("/external/api/found", found)
    app.router.add_get("/external/api/other", see_other)
    app.router.add_get("/external/api/plain", plain)
    app.router.add_get("/external/api/odd", odd_json)
    app.router.add_get("/external/api/dated", dated)
    async with serving(app) as url:
        yield url


async def test_odd_answers(session: aiohttp.ClientSession, odd_server: str) -> None:
    http = BlynkHttp(session, odd_server)
    with pytest.raises(BlynkRegionRedirectError, match="redirected twice"):
        await http.send("GET", "/external/api/loop")
    # Credentials follow a 308 only to another region of the same service.
    with pytest.raises(BlynkRegionRedirectError, match="another server"):
        await http.send("GET", "/external/api/away")
    # 301, 302 and 307 are followed like a 308 (once); other redirects are not.
    with pytest.raises(BlynkRegionRedirectError, match="redirected twice"):
        await http.send("GET", "/external/api/found")
    with pytest.raises(BlynkServerError, match="HTTP 303"):
        await http.send("GET", "/external/api/other")
    assert http.stats.redirects == 2
    with pytest.raises(BlynkInvalidValueError, match="Flat message"):
        await http.send("GET", "/external/api/flat")
    with pytest.raises(BlynkServerError, match="Service Unavailable"):
        await http.send("GET", "/external/api/plain")
    with pytest.raises(BlynkInvalidValueError, match=r"HTTP 400$"):
        await http.send("GET", "/external/api/odd")
    with pytest.raises(BlynkRateLimitError) as err:
        await http.send("GET", "/external/api/dated")
    assert err.value.retry_after is not None
    assert 80 < err.value.retry_after <= 90


async def test_never_from_https_to_http(blynk: EmulatorServer, emulator: Emulator) -> None:
    """From an https server, neither a redirect nor an export link is followed to plain http:
    the credentials and the device token never travel unencrypted."""  # noqa: D205, D209
    server_context, client_context = certificate()
    connector = aiohttp.TCPConnector(ssl=client_context)
    async with (
        https_proxy(blynk.url("ny3"), server_context) as url,
        aiohttp.ClientSession(connector=connector) as session,
    ):
        # The organization's OAuth client lives in fra1: ny3 redirects it there, over http.
        platform = BlynkPlatformClient(
            session, url, OAUTH_CLIENT["client_id"], OAUTH_CLIENT["client_secret"]
        )
        with pytest.raises(BlynkRegionRedirectError, match="another server"):
            await platform.authenticate()
        assert [(r.region, r.path) for r in emulator.requests] == [("ny3", "/oauth2/token")]
        assert platform.server.url.scheme == "https"
        # The cabin lives in ny3: it is read over https, but its export links to http.
        cabin = BlynkDeviceClient(session, url, demo_device("Cabin weather")["token"])
        assert await cabin.get_all()
        with pytest.raises(BlynkRegionRedirectError, match="another server"):
            await cabin.export("v1", "DAY")


async def test_secrets_never_leak(
    session: aiohttp.ClientSession,
    blynk: EmulatorServer,
    emulator: Emulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every error path, with debug logging: no secret in messages, reprs or logs."""
    caplog.set_level(logging.DEBUG)
    token = demo_device("Garden weather")["token"]
    secret = OAUTH_CLIENT["client_secret"]
    platform = BlynkPlatformClient(session, blynk.url(), OAUTH_CLIENT["client_id"], secret)
    device = BlynkDeviceClient(session, blynk.url(), token)
    await platform.authenticate()
    messages: list[str] = [repr(platform), repr(device)]
    faults = (Fault.server_error(), Fault.dropped(), Fault.malformed_json(), Fault.rate_limited(5))
    calls = (lambda: platform.device_online(1), device.get_all)
    for fault in faults:
        for call, echo in zip(calls, (secret, token), strict=True):
            # A server that echoes the credentials of the request back in its message.
            for injected in (fault, Fault.forbidden(f"echo {echo}")):
                emulator.inject(injected, count=2)
                with pytest.raises(BlynkError) as err:
                    await call()
                messages.extend((str(err.value), repr(err.value)))
                emulator.clear_faults()
    with pytest.raises(BlynkError) as err:
        await BlynkDeviceClient(session, blynk.url(), token + "x").get_all()
    messages.append(str(err.value))
    with pytest.raises(BlynkError) as err:
        await BlynkPlatformClient(session, blynk.url(), "id", secret + "x").organization()
    messages.append(str(err.value))
    text = "\n".join([*messages, caplog.text])
    assert "**REDACTED**" in text  # the echoing server's message was cleaned, not dropped
    for value in emulator.all_secrets():
        assert value not in text
