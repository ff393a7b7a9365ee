"""``python -m emulator``: arguments, the printed credentials and serving."""

import argparse
import asyncio
from typing import Any

import pytest

from emulator import Emulator, EmulatorServer, __main__ as cli

from .helpers import tiny_scenario


def test_parser_defaults() -> None:
    args = cli.build_parser().parse_args([])
    assert (args.scenario, args.port, args.other_ports, args.host) == (
        "demo",
        8081,
        (),
        "127.0.0.1",
    )
    assert (args.token_lifetime, args.verbose) == (86400.0, False)
    args = cli.build_parser().parse_args(["--port", "18081", "--other-ports", "18090, 18095,"])
    assert (args.port, args.other_ports) == (18081, (18090, 18095))


def test_region_ports_put_the_default_region_first() -> None:
    emu = Emulator("demo")
    assert cli.region_ports(emu, 9000) == {
        "fra1": 9000,
        "ny3": 9001,
        "dashboard.windmillair.com": 9002,
        "raymote.raypak.com": 9003,
        "microclimate.blynk.cc": 9004,
    }
    assert cli.region_ports(emu, 9000, [9500]) == {
        "fra1": 9000,
        "ny3": 9500,
        "dashboard.windmillair.com": 9501,
        "raymote.raypak.com": 9502,
        "microclimate.blynk.cc": 9503,
    }
    scenario = tiny_scenario(regions=["sgp1", "blr1"], default_region="blr1")
    assert cli.region_ports(Emulator(scenario), 7000) == {"blr1": 7000, "sgp1": 7001}


def test_servers_without_a_given_port_take_the_next_ones() -> None:
    servers = ["fra1", "ny3", "lon1", "white-label"]
    assert cli.allocate_ports(servers, 8081, [8090]) == {
        "fra1": 8081,
        "ny3": 8090,
        "lon1": 8091,
        "white-label": 8092,
    }
    assert cli.allocate_ports(servers[:2], 8081, [8090, 8095]) == {"fra1": 8081, "ny3": 8090}
    # Port 0: each server without a given port gets a free one.
    assert cli.allocate_ports(servers[:3], 0, [8090]) == {"fra1": 0, "ny3": 8090, "lon1": 0}


async def test_serve_prints_urls_and_demo_credentials(
    socket_enabled: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "region_ports", lambda *_: {})  # free ports
    args = cli.build_parser().parse_args(["--scenario", "demo", "--token-lifetime", "60"])
    stop = asyncio.Event()
    stop.set()
    await cli.serve(args, stop)
    out = capsys.readouterr().out
    emu = Emulator("demo")
    client = next(c for c in emu.world.clients.values() if c.platform_api)
    assert "fra1: http://127.0.0.1:" in out
    assert "ny3: http://127.0.0.1:" in out
    assert client.client_id in out
    assert client.secret in out
    assert emu.world.devices[1].token in out
    assert "/_emulator/" in out
    # The vendors' servers, by the host names the product profiles recognize.
    assert "White-label server raymote.raypak.com: http://raymote.raypak.com.localhost:" in out
    assert f"Device 23 'Pool heater' token: {emu.world.devices[23].token}" in out


async def test_describe_without_clients_or_devices(socket_enabled: None) -> None:
    scenario = tiny_scenario(oauth_clients=[], devices=[])
    emu = Emulator(scenario)
    async with EmulatorServer(emu) as server:
        lines = cli.describe(emu, server)
    assert not any("OAuth client" in line or "token:" in line for line in lines)
    scenario = tiny_scenario(
        oauth_clients=[{"client_id": "c", "client_secret": "s", "org_id": 1, "platform_api": False}]
    )
    emu = Emulator(scenario)
    async with EmulatorServer(emu) as server:
        assert "OAuth client (fra1): c" in cli.describe(emu, server)


@pytest.mark.parametrize("verbose", [[], ["-v"]])
def test_main_stops_on_ctrl_c(monkeypatch: pytest.MonkeyPatch, verbose: list[str]) -> None:
    seen: dict[str, Any] = {}

    async def interrupted(args: argparse.Namespace, stop: asyncio.Event) -> None:
        seen["args"] = args
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "serve", interrupted)
    assert cli.main(["--port", "9100", *verbose]) == 0
    assert seen["args"].port == 9100
