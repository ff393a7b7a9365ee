"""Fixtures for the emulator tests: the demo scenario served on 127.0.0.1."""

from collections.abc import AsyncIterator

from aiohttp import ClientSession
import pytest

from emulator import Emulator, EmulatorServer

from .helpers import Blynk, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    """Return a clock the test moves by hand."""
    return FakeClock()


@pytest.fixture
def emu(clock: FakeClock) -> Emulator:
    """Return the demo scenario on the fake clock."""
    return Emulator("demo", clock=clock)


@pytest.fixture
async def server(emu: Emulator, socket_enabled: None) -> AsyncIterator[EmulatorServer]:
    """Serve the emulator on 127.0.0.1, one port per region."""
    async with EmulatorServer(emu) as running:
        yield running


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[ClientSession]:
    """Return an HTTP client session."""
    async with ClientSession() as client:
        yield client


@pytest.fixture
def blynk(session: ClientSession, server: EmulatorServer, emu: Emulator) -> Blynk:
    """Return a test client of the served emulator."""
    return Blynk(session, server, emu)
