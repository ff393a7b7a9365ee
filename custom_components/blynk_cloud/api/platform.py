"""Organization mode: the Platform API with an OAuth2 client, for all devices of an organization."""

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
import time
from typing import Any, cast

import aiohttp

from .chunks import chunked, upload_chunks
from .errors import (
    BlynkAuthError,
    BlynkInvalidCredentialsError,
    BlynkInvalidValueError,
    BlynkNotFoundError,
    BlynkRateLimitError,
)
from .host import BlynkServer
from .http import DEFAULT_TIMEOUT, BlynkHttp, Query, Response
from .models import (
    AccessToken,
    BatchUpdateResult,
    Datastream,
    DatastreamValue,
    Device,
    HistoryPoint,
    Listing,
    Organization,
    Page,
    Template,
    UploadResult,
    Value,
    parse_batch_values,
    parse_datastreams,
    parse_online,
    parse_skipped,
    value_to_wire,
)

BATCH_READ_DEVICES = 10
"""Devices per batch read, the documented maximum."""
PAGE_SIZES: tuple[int, ...] = (1000, 100, 50)
"""Page sizes to ask for, largest first. The Platform API serves up to 1,000 items a page (a
server may serve fewer, or ignore the size); one that keeps the older limit of 100 refuses a
larger size with a 400 ("Bad request - requested page size is too big"), so the next is asked."""
MAX_PAGES = 1000
"""A paged read stops here whatever the server says (a million items at 1,000 a page)."""
MAX_BATCH_ROWS = 10_000
MAX_IMPORT_POINTS = 10_000
_API = "/api/v1/organization"


class BlynkPlatformClient(BlynkHttp):
    """A Platform API client authenticated with an OAuth2 client id and secret."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        server: BlynkServer | str,
        client_id: str,
        client_secret: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        on_server_change: Callable[[BlynkServer], None] | None = None,
        max_concurrency: int = 8,
        renew_margin: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Create a client; no request is made until the first call."""
        super().__init__(session, server, timeout=timeout, on_server_change=on_server_change)
        self._auth = aiohttp.encode_basic_auth(client_id, client_secret)
        self._client_secret = client_secret
        self._access_token: str | None = None
        self._expires_at = 0.0
        self._renew_margin = renew_margin
        self._clock = clock
        self._token_lock = asyncio.Lock()
        self._refused: BlynkAuthError | None = None
        """The token endpoint refused these credentials: no request will change that."""
        self._concurrency = asyncio.Semaphore(max_concurrency)
        self._page_sizes: tuple[int, ...] = PAGE_SIZES
        """The sizes left to ask for: a size the server refused is not asked again."""

    def __repr__(self) -> str:
        """Name the server only."""
        return f"BlynkPlatformClient({self.server.host!r})"

    def _secrets(self) -> Iterable[str]:
        return (self._client_secret, self._access_token or "", self._auth)

    # Token lifecycle

    async def _token(self) -> str:
        """A valid access token; renewed shortly before it expires, by one caller at a time."""
        if self._access_token is not None and self._clock() < self._expires_at:
            return self._access_token
        async with self._token_lock:
            if self._access_token is None or self._clock() >= self._expires_at:
                await self._renew()
            assert self._access_token is not None  # set by _renew
            return self._access_token

    async def _renew_rejected(self, rejected: str) -> None:
        """Renew after the server refused `rejected`, unless another caller already has."""
        async with self._token_lock:
            if self._access_token == rejected:
                await self._renew()

    async def _renew(self) -> None:
        if self._refused is not None:
            raise self._refused
        try:
            response = await self.send(
                "POST",
                "/oauth2/token",
                query=(("grant_type", "client_credentials"),),
                headers={"Authorization": self._auth},
            )
        except BlynkAuthError as err:
            # Callers queued behind this renewal fail at once instead of asking again.
            self._refused = err
            raise
        token = AccessToken.from_json(response.json())
        self._access_token = token.token
        # Renew a margin before expiry, but never sooner than half the lifetime.
        lifetime = token.expires_in
        self._expires_at = self._clock() + max(lifetime - self._renew_margin, lifetime / 2)
        self.stats.token_renewals += 1

    async def _call(
        self, method: str, path: str, *, query: Query = (), body: Any = None
    ) -> Response:
        """An authorized request; a 401 renews the token once and repeats the request."""
        async with self._concurrency:
            token = await self._token()
            try:
                return await self.send(method, path, query=query, body=body, headers=_bearer(token))
            except BlynkInvalidCredentialsError:
                await self._renew_rejected(token)
            return await self.send(
                method, path, query=query, body=body, headers=_bearer(await self._token())
            )

    async def authenticate(self) -> Organization:
        """Check the credentials and the Platform API scope: the organization of the client."""
        return await self.organization()

    # Reads

    async def organization(self) -> Organization:
        """The organization the OAuth client belongs to."""
        return Organization.from_json((await self._call("GET", f"{_API}/profile")).json())

    async def devices(self, *, include_sub_organizations: bool = False) -> Listing[Device]:
        """Every device of the organization (all pages), and whether the pages added up."""
        query = (("includeSubOrgDevices", "true" if include_sub_organizations else "false"),)
        listing = await self._paged(f"{_API}/devices", query)
        unique = {device.id: device for device in map(Device.from_json, listing.items)}
        # A device listed twice (the list moved between two pages) counts once.
        return Listing(
            list(unique.values()), listing.complete and len(unique) == len(listing.items)
        )

    async def device_online(self, device_id: int) -> bool:
        """Whether the device is connected now."""
        response = await self._call(
            "GET", f"{_API}/device/online", query=_id("deviceId", device_id)
        )
        return parse_online(response.json())

    async def devices_online(self, device_ids: Iterable[int]) -> dict[int, bool]:
        """Connectivity of several devices: one request each, a few at a time.

        As in batch reads, a device the server does not know (any more) is left out.
        """
        ids = list(device_ids)
        results = await _gather_first_error(self._online_if_known(device_id) for device_id in ids)
        return {
            device_id: online
            for device_id, online in zip(ids, results, strict=True)
            if online is not None
        }

    async def _online_if_known(self, device_id: int) -> bool | None:
        try:
            return await self.device_online(device_id)
        except BlynkNotFoundError:
            return None

    async def template(self, template_id: int) -> Template:
        """A template's name and board."""
        response = await self._call("GET", f"{_API}/template", query=_id("templateId", template_id))
        return Template.from_json(response.json())

    async def template_datastreams(self, template_id: int) -> list[Datastream]:
        """A template's datastream definitions."""
        response = await self._call(
            "GET", f"{_API}/template/datastreams", query=_id("templateId", template_id)
        )
        return parse_datastreams(response.json())

    async def batch_values(
        self, device_ids: Sequence[int], datastream_ids: Sequence[int] = ()
    ) -> dict[int, list[DatastreamValue]]:
        """Current values of many devices: ceil(n / 10) requests, a few at a time.

        Devices the server skipped (not found, no access) are absent from the result.
        """
        answers = await _gather_first_error(
            self._batch_values(chunk, datastream_ids)
            for chunk in chunked(device_ids, BATCH_READ_DEVICES)
        )
        return {device_id: values for answer in answers for device_id, values in answer.items()}

    async def _batch_values(
        self, device_ids: Sequence[int], datastream_ids: Sequence[int]
    ) -> dict[int, list[DatastreamValue]]:
        query = [*_ids("deviceIds", device_ids), *_ids("dataStreamIds", datastream_ids)]
        response = await self._call("GET", f"{_API}/device/datastreams/batch", query=query)
        return parse_batch_values(response.json())

    async def history(
        self,
        device_id: int,
        datastream_id: int,
        start_ms: int,
        end_ms: int,
        *,
        limit: int | None = None,
        pace: Callable[[], Awaitable[None]] | None = None,
    ) -> list[HistoryPoint]:
        """Stored values between two instants (epoch ms), oldest first, at most `limit`.

        `pace` is awaited before each page: a caller's way to keep within a request budget.
        """
        query = [
            *_id("deviceId", device_id),
            *_id("dataStreamId", datastream_id),
            ("from", str(start_ms)),
            ("to", str(end_ms)),
        ]
        listing = await self._paged(
            f"{_API}/device/datastream/history", query, limit=limit, pace=pace
        )
        return sorted((HistoryPoint.from_json(item) for item in listing.items), key=lambda p: p.ts)

    async def _paged(
        self,
        path: str,
        query: Query,
        *,
        limit: int | None = None,
        pace: Callable[[], Awaitable[None]] | None = None,
    ) -> Listing[Any]:
        """Every item of a paged read, up to `limit`.

        The server may serve fewer items a page than asked, ignore the size, or refuse a size
        above its limit (see `_first_page`): after the first page, pages are asked in the size
        it served, so that page numbers count the same on both sides. Reading stops when the
        items add up to `totalElements`, or a page comes back empty, short or repeated, or
        after `MAX_PAGES`.
        """
        page = await self._first_page(path, query, limit, pace)
        items, served = list(page.content), len(page.content)
        for number in range(1, MAX_PAGES):
            wanted = page.total if limit is None else min(page.total, limit)
            if len(items) >= wanted or not served:
                break
            previous = page
            page = await self._page(path, query, number, served, pace)
            if not page.content or page.content == previous.content:
                break
            items.extend(page.content)
            if len(page.content) < served:
                break
        wanted = page.total if limit is None else min(page.total, limit)
        return Listing(items[:wanted], len(items) >= wanted)

    async def _first_page(
        self,
        path: str,
        query: Query,
        limit: int | None,
        pace: Callable[[], Awaitable[None]] | None,
    ) -> Page:
        """The first page, in the largest size the server takes.

        A 400 to a size larger than the next one asks again with the next one (the server's
        text is not relied on); the size that worked is kept for every later read.
        """
        sizes = self._page_sizes
        while True:
            size = sizes[0] if limit is None else max(1, min(sizes[0], limit))
            try:
                page = await self._page(path, query, 0, size, pace)
            except BlynkInvalidValueError:
                if len(sizes) == 1 or size <= sizes[1]:
                    raise
                sizes = sizes[1:]
                continue
            self._page_sizes = sizes
            return page

    async def _page(
        self,
        path: str,
        query: Query,
        page: int,
        size: int,
        pace: Callable[[], Awaitable[None]] | None,
    ) -> Page:
        if pace is not None:
            await pace()
        response = await self._call(
            "GET", path, query=[*query, ("page", str(page)), ("size", str(size))]
        )
        return Page.from_json(response.json())

    # Writes

    async def write_value(self, device_id: int, datastream_id: int, value: Value) -> None:
        """Set one datastream."""
        await self._call(
            "POST",
            f"{_API}/device/datastream",
            body={"deviceId": device_id, "dataStreamId": datastream_id, "value": _wire(value)},
        )

    async def write_values(self, device_id: int, values: Mapping[int, Value]) -> None:
        """Set several datastreams of one device in one request.

        The server silently skips unknown ids and values of the wrong type: validate first.
        """
        await self._call(
            "POST",
            f"{_API}/device/datastreams",
            body={
                "deviceId": device_id,
                "values": {str(ds_id): _wire(value) for ds_id, value in values.items()},
            },
        )

    async def set_property(self, device_id: int, datastream_id: int, name: str, value: str) -> None:
        """Set a widget property of a datastream."""
        await self._call(
            "POST",
            f"{_API}/device/datastream/property",
            body={
                "deviceId": device_id,
                "dataStreamId": datastream_id,
                "property": name,
                "value": value,
            },
        )

    async def batch_update(
        self,
        fields: Sequence[str],
        updates: Sequence[Sequence[Any]],
        *,
        debug: bool = False,
    ) -> BatchUpdateResult:
        """Set datastreams of many devices of one product, 10,000 rows a request."""
        skipped: dict[str, int] = {}
        reasons: list[str] = []
        chunks = chunked(updates, MAX_BATCH_ROWS)
        for index, chunk in enumerate(chunks):
            response = await self._call(
                "POST",
                "/api/v1/organization/product/devices/batch-update",
                body={
                    "fields": list(fields),
                    "updates": [
                        [_wire(item) if isinstance(item, bool) else item for item in row]
                        for row in chunk
                    ],
                    "debug": debug,
                },
            )
            # 204 (no body) means every row was applied.
            counters, chunk_reasons = parse_skipped(response.json()) if response.body else ({}, [])
            for key, count in counters.items():
                skipped[key] = skipped.get(key, 0) + count
            prefix = f"request {index + 1}: " if len(chunks) > 1 else ""
            reasons.extend(f"{prefix}{reason}" for reason in chunk_reasons)
        return BatchUpdateResult(skipped=skipped, reasons=tuple(reasons), requests=len(chunks))

    async def import_history(
        self, device_id: int, datastream_id: int, points: Sequence[tuple[int, Value]]
    ) -> UploadResult:
        """Import timestamped points (epoch ms), 10,000 a request, each confirmed before the next.

        A failed request stops the import with `BlynkChunkError`, which says how many arrived.
        """
        return await upload_chunks(
            points,
            MAX_IMPORT_POINTS,
            lambda chunk: self._call(
                "POST",
                f"{_API}/device/import/batch",
                body={
                    "deviceId": device_id,
                    "dataStreamId": datastream_id,
                    "values": [{"ts": ts, "value": _wire(v)} for ts, v in chunk],
                },
            ),
        )


def _wire(value: Value) -> int | float | str | list[float]:
    """The Platform API's raw value: a string, a number or [lon, lat]; a boolean is 1 or 0."""
    if isinstance(value, bool):
        return int(value)
    return value_to_wire(value)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _id(name: str, value: int) -> list[tuple[str, str]]:
    return [(name, str(value))]


def _ids(name: str, values: Sequence[int]) -> list[tuple[str, str]]:
    # The OpenAPI spec says `style: form, explode: true`: the parameter repeats.
    return [(name, str(value)) for value in values]


async def _gather_first_error[T](calls: Iterable[Awaitable[T]]) -> list[T]:
    """Run the calls together; on failure raise the error a caller must act on first.

    A rate limit wins (its delay is the longest the server asked for), then an auth failure,
    then whichever error came first.
    """
    results = await asyncio.gather(*calls, return_exceptions=True)
    errors = [result for result in results if isinstance(result, BaseException)]
    if not errors:
        return cast("list[T]", results)
    rate_limits = [err for err in errors if isinstance(err, BlynkRateLimitError)]
    if rate_limits:
        raise max(rate_limits, key=lambda err: err.retry_after or 0.0)
    raise next((err for err in errors if isinstance(err, BlynkAuthError)), errors[0])
