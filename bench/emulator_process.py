"""The emulator in a child process on 127.0.0.1, driven and read through its control API."""

import asyncio
import contextlib
import json
import os
from pathlib import Path
import signal
import socket
import sys
from types import TracebackType
from typing import Any, Self

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
START_TIMEOUT = 60.0
"""Seconds the emulator may take to load a scenario and listen."""
STOP_TIMEOUT = 5.0
CONTROL_CONCURRENCY = 8
LATENCY_REQUESTS = 1_000_000_000
"""Requests a simulated latency applies to: all of them until it is cleared."""
USER_TIME, SYSTEM_TIME = 11, 12
"""Fields of /proc/PID/stat after the command name (utime and stime, in clock ticks)."""


def free_port() -> int:
    """A port nothing listens on now (the emulator binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


class EmulatorProcess:
    """`python -m emulator --scenario FILE` in its own process group; stopped on exit."""

    def __init__(self, scenario: dict[str, Any], workdir: Path, name: str) -> None:
        """Serve `scenario` (written to `workdir/name.json`) once entered."""
        self.scenario = scenario
        self._file = workdir / f"{name}.json"
        self._log = workdir / f"{name}.log"
        self._process: asyncio.subprocess.Process | None = None
        self._session: aiohttp.ClientSession | None = None
        self.url = ""

    async def __aenter__(self) -> Self:
        """Start the process and wait (bounded) until the control API answers."""
        self._file.write_text(json.dumps(self.scenario), encoding="utf-8")
        port = free_port()
        self.url = f"http://{HOST}:{port}"
        with self._log.open("wb") as log:
            self._process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "emulator",
                "--scenario",
                str(self._file),
                "--host",
                HOST,
                "--port",
                str(port),
                cwd=ROOT,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,  # it prints the scenario's credentials
                stderr=log,
                start_new_session=True,
            )
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        try:
            await self._wait_ready()
        except BaseException:
            await self.__aexit__(None, None, None)
            raise
        return self

    async def _wait_ready(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_TIMEOUT
        while loop.time() < deadline:
            assert self._process is not None
            if self._process.returncode is not None:
                raise RuntimeError(f"the emulator stopped: {self._log.read_text()[-2000:]}")
            with contextlib.suppress(aiohttp.ClientError):
                await self.count()
                return
            await asyncio.sleep(0.1)
        raise RuntimeError(f"the emulator did not answer within {START_TIMEOUT:.0f} s")

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the process (SIGTERM, then SIGKILL) and close the control session."""
        if self._session is not None:
            await self._session.close()
            self._session = None
        process, self._process = self._process, None
        if process is None or process.returncode is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
        except TimeoutError:
            process.kill()
            await process.wait()

    # Control API

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        assert self._session is not None, "the emulator is not running"
        async with self._session.request(method, f"{self.url}/_emulator{path}", **kwargs) as resp:
            resp.raise_for_status()
            return await resp.json()

    async def count(self, path: str | None = None) -> int:
        """Requests the emulator received (to `path`, or all) since the log was cleared."""
        params = {} if path is None else {"path": path}
        answer = await self._request("GET", "/count", params=params)
        return int(answer["count"])

    async def clear_log(self) -> None:
        """Forget the requests received so far."""
        await self._request("DELETE", "/requests")

    async def messages(self, device_id: int) -> int:
        """Device HTTPS API messages a device has used."""
        answer = await self._request("GET", "/messages", params={"deviceId": device_id})
        return int(answer["messages"])

    async def add_latency(self, seconds: float, path: str) -> None:
        """Delay every answer under `path` by `seconds`, as a network round trip would."""
        body = {"delay": seconds, "count": LATENCY_REQUESTS, "path": path}
        await self._request("POST", "/faults", json=body)

    async def clear_faults(self) -> None:
        """Answer at once again."""
        await self._request("DELETE", "/faults")

    def cpu_ms(self) -> float | None:
        """CPU time the emulator process used so far (Linux; None elsewhere)."""
        if self._process is None:
            return None
        try:
            stat = Path(f"/proc/{self._process.pid}/stat").read_text(encoding="ascii")
        except OSError:
            return None
        fields = stat.rsplit(")", 1)[1].split()
        ticks = int(fields[USER_TIME]) + int(fields[SYSTEM_TIME])
        return ticks * 1000 / os.sysconf("SC_CLK_TCK")

    async def set_values(self, changes: list[tuple[int, int, Any]]) -> None:
        """Set `(device id, datastream id, value)` as if the devices reported them."""
        limit = asyncio.Semaphore(CONTROL_CONCURRENCY)

        async def one(device_id: int, datastream_id: int, value: Any) -> None:
            async with limit:
                body = {"deviceId": device_id, "dataStream": datastream_id, "value": value}
                await self._request("POST", "/value", json=body)

        await asyncio.gather(*(one(*change) for change in changes))
