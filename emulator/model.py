"""The emulator's state and behaviour: :class:`Emulator`, the one implementation.

The HTTP routes (Platform API, Device HTTPS API, control API) and Python callers
all go through this class. Times come from the injected ``clock`` (seconds), so
tests can move time forward.

Inferences: a "day" of the daily limits is a UTC calendar day of the clock;
device messages are counted for every Device HTTPS API request that carries a
valid token of the region it reached (redirected requests don't count).
"""

import asyncio
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import suppress
import json
import logging
import math
import secrets
import time
from typing import Any

from .entities import Datastream, Device, OAuthClient
from .faults import Fault, FaultQueue
from .records import RequestRecord
from .scenario import ScenarioSource, load_scenario
from .state import World
from .tokens import TokenStore
from .values import from_json, pin_key

_LOGGER = logging.getLogger(__package__)
DAY_MS = 86_400_000
MAX_EXPORTS = 100
WAIT_LIMIT = 30.0
"""Seconds `Emulator.wait_for` waits at most."""


class Emulator:
    """An in-memory Blynk Cloud: organizations, devices, tokens, faults and a log."""

    def __init__(
        self,
        scenario: ScenarioSource,
        *,
        token_lifetime: float = 86400.0,
        clock: Callable[[], float] = lambda: time.time(),  # noqa: PLW0108 - read at each call: a frozen clock too
    ) -> None:
        """Load ``scenario`` (dict, bundled name or path); tokens last ``token_lifetime`` s."""
        self.clock = clock
        self.token_lifetime = token_lifetime
        self._release = asyncio.Event()
        self._changed = asyncio.Event()
        """Set (and replaced) whenever a request arrives or is logged: `wait_for` checks again."""
        self.load(scenario)

    # Scenario ------------------------------------------------------------------

    def load(self, scenario: ScenarioSource) -> None:
        """Replace the whole state with ``scenario``."""
        self._scenario = load_scenario(scenario)
        self.reset()

    def reset(self) -> None:
        """Reload the last scenario: tokens, values, faults and the log start afresh."""
        self.world = World(json.loads(json.dumps(self._scenario)), self.now_ms())
        self.variants = self.world.variants
        """The readings in force (:mod:`emulator.variants`): the scenario's, until changed."""
        self.tokens = TokenStore(self.clock, self.token_lifetime)
        self.faults = FaultQueue()
        self._requests: list[RequestRecord] = []
        self._arrivals: list[str] = []
        self._properties: dict[tuple[int, int], dict[str, str]] = {}
        self._events: list[tuple[int, str, str | None]] = []
        self._messages: Counter[int] = Counter()
        self._quota: Counter[tuple[str, int, int]] = Counter()
        self.exports: dict[str, bytes] = {}

    @property
    def scenario(self) -> dict[str, Any]:
        """Return the last loaded scenario (validated)."""
        return self._scenario

    @property
    def regions(self) -> list[str]:
        """Return the regions of the scenario."""
        return list(self.world.regions)

    @property
    def default_region(self) -> str:
        """Return the scenario's default region."""
        return self.world.default_region

    def now_ms(self) -> int:
        """Return the clock in epoch milliseconds."""
        return int(self.clock() * 1000)

    # Devices and values --------------------------------------------------------

    def set_value(
        self, device_id: int, datastream: int | str, value: Any, *, ts_ms: int | None = None
    ) -> None:
        """Set a value as if the device reported it (wire form; also appended to history).

        Raises KeyError for an unknown device or datastream and ValueError for a value
        that does not match the datastream type.
        """
        device = self._device(device_id)
        ds = self._datastream(device, datastream)
        wire = from_json(ds, list(value) if isinstance(value, tuple) else value)
        self.write_value(device, ds, wire, self.now_ms() if ts_ms is None else ts_ms)

    def value(self, device_id: int, datastream: int | str) -> Any:
        """Return the current wire-form value, or None if never set."""
        device = self._device(device_id)
        current = device.values.get(self._datastream(device, datastream).id)
        return None if current is None else _copy(current[1])

    def history(self, device_id: int, datastream: int | str) -> list[tuple[int, Any]]:
        """Return the ``(ts_ms, value)`` history, oldest first."""
        device = self._device(device_id)
        points = device.history.get(self._datastream(device, datastream).id, [])
        return [(ts, _copy(value)) for ts, value in points]

    def set_online(self, device_id: int, online: bool) -> None:
        """Connect or disconnect a device (``connectTime``/``disconnectTime`` follow)."""
        device = self._device(device_id)
        device.online = online
        if online:
            device.connect_time = self.now_ms()
        else:
            device.disconnect_time = self.now_ms()

    def add_device(self, device: dict[str, Any]) -> int:
        """Add a device (scenario shape; id and token optional) and return its id."""
        data = json.loads(json.dumps(device))
        return self.world.add_device(data, now_ms=self.now_ms()).id

    def remove_device(self, device_id: int) -> None:
        """Remove a device; KeyError if it does not exist."""
        self.world.remove_device(device_id)

    # Credentials -----------------------------------------------------------------

    def revoke_tokens(self) -> None:
        """Make every issued access and refresh token invalid."""
        self.tokens.revoke_all()

    def set_client_secret(self, client_id: str, secret: str) -> None:
        """Rotate a client secret; the old one now gets ``invalid_client``."""
        self.world.clients[client_id].secret = secret

    def authenticate_client(self, client_id: str, secret: str) -> OAuthClient | None:
        """Return the client if ``client_id`` and ``secret`` match, else None."""
        client = self.world.clients.get(client_id)
        if client is None or not secrets.compare_digest(client.secret, secret):
            return None
        return client

    def client_for_access_token(self, token: str) -> OAuthClient | None:
        """Return the client of a valid access token, else None."""
        client_id = self.tokens.client_of(token)
        return None if client_id is None else self.world.clients.get(client_id)

    def device_for_token(self, token: str) -> Device | None:
        """Return the device with this auth token, else None."""
        return self.world.devices_by_token.get(token)

    def all_secrets(self) -> list[str]:
        """Return every secret the emulator knows (to check that none leaks)."""
        world = self.world
        return [
            *(client.secret for client in world.clients.values()),
            *world.devices_by_token,
            *self.tokens.all_tokens(),
        ]

    # Side channels -------------------------------------------------------------

    @property
    def properties(self) -> dict[tuple[int, int], dict[str, str]]:
        """Return ``(device_id, datastream_id) -> property -> value``, as received."""
        return {key: dict(value) for key, value in self._properties.items()}

    @property
    def events(self) -> list[tuple[int, str, str | None]]:
        """Return the logged events: ``(device_id, code, description)``."""
        return list(self._events)

    def messages(self, device_id: int) -> int:
        """Return how many Device HTTPS API requests the device has made."""
        return self._messages[device_id]

    # Faults and the request log ---------------------------------------------------

    def inject(
        self,
        fault: Fault,
        *,
        count: int = 1,
        path: str | None = None,
        method: str | None = None,
        skip: int = 0,
    ) -> None:
        """Apply ``fault`` to ``count`` requests under ``path`` (and ``method``), after ``skip``."""
        self.faults.add(fault, count, path, method, skip)

    def clear_faults(self) -> None:
        """Forget every injected fault."""
        self.faults.clear()

    @property
    def requests(self) -> list[RequestRecord]:
        """Return every non-control request so far, secrets redacted."""
        return list(self._requests)

    def count(self, path: str | None = None, *, method: str | None = None) -> int:
        """Count requests to exactly ``path`` (all if None), optionally by ``method``."""
        return sum(
            1
            for record in self._requests
            if (path is None or record.path == path)
            and (method is None or record.method == method.upper())
        )

    def clear_log(self) -> None:
        """Forget the request log (and which requests arrived)."""
        self._requests.clear()
        self._arrivals.clear()

    def arrivals(self, path: str | None = None) -> int:
        """Count requests under ``path`` (all if None) that arrived, answered or not yet."""
        return sum(1 for arrived in self._arrivals if path is None or arrived.startswith(path))

    async def wait_for(self, condition: Callable[[], object]) -> None:
        """Return once ``condition()`` holds: it is checked whenever a request arrives or is logged.

        A test waits for the emulator this way, not for a time. The wait is bounded by
        ``WAIT_LIMIT`` seconds of the event loop's clock (only a failing test reaches it).
        """
        async with asyncio.timeout(WAIT_LIMIT):
            while not condition():
                await self._changed.wait()

    async def received(self, path: str | None = None, count: int = 1) -> None:
        """Return once ``count`` requests under ``path`` have arrived since the log was cleared.

        See :meth:`wait_for`.
        """
        await self.wait_for(lambda: self.arrivals(path) >= count)

    async def pause(self, seconds: float) -> None:
        """Wait ``seconds`` (``math.inf``: forever) or until :meth:`release`, what comes first."""
        release = self._release
        with suppress(TimeoutError):
            async with asyncio.timeout(None if math.isinf(seconds) else seconds):
                await release.wait()

    def release(self) -> None:
        """Let every paused request (a fault's delay or hold) go on now."""
        self._release.set()
        self._release = asyncio.Event()

    # For the routes --------------------------------------------------------------

    def arrive(self, path: str) -> None:
        """Note a request that arrived (before it is answered)."""
        self._arrivals.append(path)
        self._change()

    def record(self, record: RequestRecord) -> None:
        """Append a (redacted) request record and log it."""
        self._requests.append(record)
        _LOGGER.debug("%s", record.describe())
        self._change()

    def _change(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def write_value(self, device: Device, ds: Datastream, wire: Any, ts_ms: int) -> None:
        """Store a checked wire value as current and append it to the history."""
        device.values[ds.id] = (ts_ms, wire)
        self.add_points(device, ds, [(ts_ms, wire)])

    def add_points(self, device: Device, ds: Datastream, points: Iterable[tuple[int, Any]]) -> None:
        """Insert checked ``(ts_ms, wire)`` points into the history, keeping the order."""
        history = device.history.setdefault(ds.id, [])
        new = sorted(points, key=_timestamp)
        history.extend(new)
        if new and len(history) > len(new) and new[0][0] < history[-len(new) - 1][0]:
            history.sort(key=_timestamp)

    def set_property(self, device: Device, ds: Datastream, name: str, value: str) -> None:
        """Store a widget property as received."""
        self._properties.setdefault((device.id, ds.id), {})[name] = value

    def log_event(self, device: Device, code: str, description: str | None) -> None:
        """Record a device event."""
        self._events.append((device.id, code, description))
        device.last_event_at = self.now_ms()

    def count_message(self, device: Device) -> None:
        """Count one device message."""
        self._messages[device.id] += 1

    def use_quota(self, kind: str, device: Device, amount: int, limit: int) -> bool:
        """Spend ``amount`` of today's ``kind`` quota of a device; False if over ``limit``."""
        key = (kind, device.id, self.now_ms() // DAY_MS)
        if self._quota[key] + amount > limit:
            return False
        self._quota[key] += amount
        return True

    def store_export(self, name: str, data: bytes) -> None:
        """Keep an export file (the most recent ``MAX_EXPORTS``) for download."""
        self.exports[name] = data
        for old in list(self.exports)[:-MAX_EXPORTS]:
            del self.exports[old]

    def datastream_ref(self, device: Device, ref: int | str) -> Datastream | None:
        """Return the datastream of a device by id, id text or pin (``v5``)."""
        template = self.world.template_of(device)
        if isinstance(ref, int):
            return template.datastreams.get(ref)
        if ref.isdigit():
            return template.datastreams.get(int(ref))
        key = pin_key(ref)
        return None if key is None else template.by_pin.get(key)

    def _device(self, device_id: int) -> Device:
        device = self.world.devices.get(device_id)
        if device is None:
            raise KeyError(f"no device {device_id}")
        return device

    def _datastream(self, device: Device, ref: int | str) -> Datastream:
        ds = self.datastream_ref(device, ref)
        if ds is None:
            raise KeyError(f"device {device.id} has no datastream {ref!r}")
        return ds


def _timestamp(point: tuple[int, Any]) -> int:
    return point[0]


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value
