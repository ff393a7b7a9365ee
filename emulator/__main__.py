"""Command line: serve a scenario until Ctrl-C.

``python -m emulator --scenario demo --port 8081 [--other-ports 8082,...] [--host 127.0.0.1]
[--variant token_refusal=401 ...]`` serves the default region on ``--port`` and every other
server (the other regions, then the white-label servers) on the ``--other-ports``, or on the
ports after ``--port`` (``--variant`` picks readings, see ``emulator.variants``), then prints
the URLs and the scenario's credentials (an OAuth client with the Platform API scope and one
device token). They are local demo credentials, printed on purpose. Ctrl-C (SIGINT) or SIGTERM
stops it.
"""

import argparse
import asyncio
from collections.abc import Sequence
import contextlib
import logging
import signal

from .model import Emulator
from .server import EmulatorServer
from .variants import parse_assignment


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser."""
    parser = argparse.ArgumentParser(prog="python -m emulator", description=__doc__)
    parser.add_argument("--scenario", default="demo", help="bundled name or JSON file")
    parser.add_argument("--port", type=int, default=8081, help="port of the default region")
    parser.add_argument(
        "--other-ports",
        type=port_list,
        default=(),
        metavar="PORT,...",
        help="ports of the other servers, in the order printed (default: the ports after --port)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--token-lifetime", type=float, default=86400.0, help="access token lifetime (s)"
    )
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        type=_assignment,
        metavar="NAME=READING",
        help="a reading of a behaviour the docs leave open (repeatable; see emulator.variants)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    return parser


def _assignment(text: str) -> tuple[str, str]:
    try:
        return parse_assignment(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def port_list(text: str) -> tuple[int, ...]:
    """Parse ``8082,8083`` (an empty text is no port)."""
    return tuple(int(port) for port in text.split(",") if port.strip())


def allocate_ports(
    servers: Sequence[str], first: int, others: Sequence[int] = ()
) -> dict[str, int]:
    """Return the port of each server: ``first``, then ``others`` in order, then the next ports.

    The one place that gives the command line's servers their ports. A server without a
    given port takes the port after the highest one given, so a range stays contiguous;
    with ``first`` 0 every server without a given port gets a free port.
    """
    given = [first, *others]
    ports: dict[str, int] = {}
    for index, server in enumerate(servers):
        if index < len(given):
            ports[server] = given[index]
        else:
            ports[server] = max(ports.values()) + 1 if first else 0
    return ports


def region_ports(emu: Emulator, port: int, others: Sequence[int] = ()) -> dict[str, int]:
    """Return the port of each region: the default region first, then the others."""
    regions = [emu.default_region, *(r for r in emu.regions if r != emu.default_region)]
    return allocate_ports(regions, port, others)


def describe(emu: Emulator, server: EmulatorServer) -> list[str]:
    """Return the lines that tell a developer where and how to connect."""
    lines = [f"Blynk Cloud emulator, scenario with regions {', '.join(emu.regions)}"]
    lines += [f"  {region}: {url}" for region, url in server.urls.items()]
    clients = list(emu.world.clients.values())
    client = next((c for c in clients if c.platform_api), clients[0] if clients else None)
    if client is not None:
        lines += [
            f"OAuth client ({client.region}): {client.client_id}",
            f"  client secret: {client.secret}",
        ]
    device = next((d for d in emu.world.devices.values() if d.region == emu.default_region), None)
    if device is not None:
        lines.append(f"Device {device.id} '{device.name}' token: {device.token}")
    for region, url in server.urls.items():
        if "." not in region:
            continue
        # A vendor's white-label server: reached as <host>.localhost (loopback, RFC 6761), so
        # the integration sees the vendor's host name and recognizes its products.
        lines.append(f"White-label server {region}: {local_url(url, region)}")
        lines += [
            f"  Device {d.id} '{d.name}' token: {d.token}"
            for d in emu.world.devices.values()
            if d.region == region
        ]
    lines.append(f"Control API: {server.url()}/_emulator/ - press Ctrl-C to stop")
    return lines


def local_url(url: str, host: str) -> str:
    """The URL of a site under a vendor's host name: `http://<host>.localhost:<port>`."""
    return f"http://{host}.localhost:{url.rsplit(':', 1)[1]}"


async def serve(args: argparse.Namespace, stop: asyncio.Event) -> None:
    """Serve until ``stop`` is set."""
    emu = Emulator(args.scenario, token_lifetime=args.token_lifetime)
    emu.variants.update(dict(args.variant))
    ports = region_ports(emu, args.port, args.other_ports)
    async with EmulatorServer(emu, host=args.host, ports=ports) as server:
        print("\n".join(describe(emu, server)), flush=True)
        await stop.wait()


def stop_on_signals(stop: asyncio.Event) -> None:
    """Set ``stop`` on SIGINT and SIGTERM (also when started in the background)."""
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    if args.verbose:
        logging.basicConfig(level=logging.DEBUG, format="%(asctime)s %(message)s")
        logging.getLogger("asyncio").setLevel(logging.WARNING)

    async def run() -> None:
        stop = asyncio.Event()
        stop_on_signals(stop)
        await serve(args, stop)

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
