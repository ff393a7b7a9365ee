"""Serving the emulator: one aiohttp site per region, each on its own port.

``EmulatorServer(emu)`` starts one application per region of the scenario on
``host`` (default 127.0.0.1) and a free port (or ``ports[region]``). Every site
serves the Blynk APIs and the control API; a request's region is the site's.
The sites are fixed at start: regions of a scenario loaded later must be among them
for redirects to work (the control API's ``load`` checks this).
"""

from collections.abc import Callable
import socket
from types import TracebackType
from typing import Self

from aiohttp import web

from . import batch_update, control, device_api, device_export, oauth, platform_api, platform_write
from .appkeys import EMULATOR_KEY, REGION_KEY, URL_FOR_KEY
from .middleware import emulator_middleware
from .model import Emulator

MAX_REQUEST_BYTES = 2 * 1024 * 1024  # Blynk's documented maximum request size
SHUTDOWN_TIMEOUT = 0.25


def create_app(emu: Emulator, region: str, url_for: Callable[[str], str]) -> web.Application:
    """Return the application of one region."""
    app = web.Application(middlewares=[emulator_middleware], client_max_size=MAX_REQUEST_BYTES)
    app[EMULATOR_KEY] = emu
    app[REGION_KEY] = region
    app[URL_FOR_KEY] = url_for
    for module in (
        oauth,
        platform_api,
        platform_write,
        batch_update,
        device_api,
        device_export,
        control,
    ):
        module.add_routes(app)
    return app


class EmulatorServer:
    """The emulator on HTTP, one site per region; also an async context manager."""

    def __init__(
        self, emulator: Emulator, *, host: str = "127.0.0.1", ports: dict[str, int] | None = None
    ) -> None:
        """Serve ``emulator`` on ``host``; ``ports`` maps regions to fixed ports."""
        self.emulator = emulator
        self.host = host
        self._ports = dict(ports or {})
        self._runners: list[web.AppRunner] = []
        self._urls: dict[str, str] = {}

    async def start(self) -> None:
        """Start one site per region of the scenario."""
        if self._runners:
            raise RuntimeError("the server is already started")
        try:
            for region in self.emulator.regions:
                await self._start_region(region)
        except BaseException:
            await self.stop()
            raise

    async def _start_region(self, region: str) -> None:
        app = create_app(self.emulator, region, self._url_of)
        runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=SHUTDOWN_TIMEOUT
        )
        await runner.setup()
        self._runners.append(runner)
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host, self._ports.get(region, 0)))
        except OSError:
            sock.close()
            raise
        await web.SockSite(runner, sock).start()
        host = f"[{self.host}]" if family == socket.AF_INET6 else self.host
        self._urls[region] = f"http://{host}:{sock.getsockname()[1]}"

    def _url_of(self, region: str) -> str:
        return self._urls[region]

    def url(self, region: str | None = None) -> str:
        """Return ``http://host:port`` of a region (default: the scenario's default)."""
        return self._urls[region or self.emulator.default_region]

    @property
    def urls(self) -> dict[str, str]:
        """Return the URL of every served region."""
        return dict(self._urls)

    async def stop(self) -> None:
        """Stop every site; requests still held by a fault are answered first."""
        self.emulator.release()
        runners, self._runners = self._runners, []
        self._urls.clear()
        for runner in runners:
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        """Start the server."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the server."""
        await self.stop()
