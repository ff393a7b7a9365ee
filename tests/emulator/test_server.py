"""``EmulatorServer``: one site per region on 127.0.0.1, start and stop."""

import socket

from aiohttp import ClientSession
import pytest

from emulator import Emulator, EmulatorServer

from .helpers import EXT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_one_site_per_region(emu: Emulator, socket_enabled: None) -> None:
    server = EmulatorServer(emu)
    await server.start()
    try:
        assert server.url() == server.url("fra1")
        assert set(server.urls) == set(emu.regions)
        assert server.url("fra1") != server.url("ny3")
        assert server.url().startswith("http://127.0.0.1:")
        with pytest.raises(KeyError):
            server.url("lon1")
        with pytest.raises(RuntimeError, match="already started"):
            await server.start()
        async with ClientSession() as session:
            token = emu.world.devices[6].token
            async with session.get(
                f"{server.url('ny3')}{EXT}/isHardwareConnected?token={token}"
            ) as resp:
                assert await resp.text() == "true"
        assert emu.requests[-1].region == "ny3"
    finally:
        await server.stop()
    assert server.urls == {}
    await server.stop()  # stopping twice is harmless


async def test_fixed_ports(emu: Emulator, socket_enabled: None) -> None:
    port = free_port()
    async with EmulatorServer(emu, ports={"ny3": port}) as server:
        assert server.url("ny3") == f"http://127.0.0.1:{port}"


async def test_busy_port_fails_cleanly(emu: Emulator, socket_enabled: None) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        server = EmulatorServer(emu, ports={"ny3": port})
        with pytest.raises(OSError, match="in use"):
            await server.start()
        assert server.urls == {}


async def test_ipv6_host(emu: Emulator, socket_enabled: None) -> None:
    async with EmulatorServer(emu, host="::1") as server:  # tests may only connect to 127.0.0.1
        assert server.url().startswith("http://[::1]:")


async def test_region_without_site_answers_locally(emu: Emulator, socket_enabled: None) -> None:
    async with EmulatorServer(emu) as server, ClientSession() as session:
        emu.add_device({"name": "Far away", "templateId": 353, "token": "far-token"})
        emu.world.regions.append("sgp1")
        emu.world.devices_by_token["far-token"].region = "sgp1"
        url = f"{server.url()}{EXT}/isHardwareConnected?token=far-token"
        async with session.get(url, allow_redirects=False) as resp:
            assert (resp.status, await resp.text()) == (200, "false")
