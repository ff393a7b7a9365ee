"""Fixtures of the client tests: a plain aiohttp session and clients of the demo scenario."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
import ssl

import aiohttp
from aiohttp import web
import pytest

from custom_components.blynk_cloud.api import BlynkDeviceClient, BlynkPlatformClient
from emulator import EmulatorServer
from tests.conftest import OAUTH_CLIENT, demo_device


class FakeClock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        """Start at an arbitrary instant."""
        self.now = 1000.0

    def __call__(self) -> float:
        """Read the clock."""
        return self.now


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """A session like Home Assistant's shared one."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def clock() -> FakeClock:
    """The client's clock."""
    return FakeClock()


@pytest.fixture
def platform(
    session: aiohttp.ClientSession, blynk: EmulatorServer, clock: FakeClock
) -> BlynkPlatformClient:
    """A Platform API client of the demo organization."""
    return BlynkPlatformClient(
        session, blynk.url(), OAUTH_CLIENT["client_id"], OAUTH_CLIENT["client_secret"], clock=clock
    )


@pytest.fixture
def device(session: aiohttp.ClientSession, blynk: EmulatorServer) -> BlynkDeviceClient:
    """A Device HTTPS API client of the demo weather station."""
    return BlynkDeviceClient(session, blynk.url(), demo_device("Garden weather")["token"])


@asynccontextmanager
async def serving(
    app: web.Application, ssl_context: ssl.SSLContext | None = None
) -> AsyncIterator[str]:
    """Serve `app` on 127.0.0.1 (a free port; https with `ssl_context`) and give its URL.

    For answers the emulator never gives: odd shapes, the docs' own examples.
    """
    runner = web.AppRunner(app, access_log=None)  # its lines would show device tokens
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_context)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"{'http' if ssl_context is None else 'https'}://127.0.0.1:{port}"
    finally:
        await runner.cleanup()
