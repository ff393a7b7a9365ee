"""The HTTP layer both clients share: addresses, redirects, timeouts, errors and counters."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
import json
import logging
import time
from typing import Any
from urllib.parse import quote

import aiohttp
from yarl import URL

from .errors import (
    BlynkConnectionError,
    BlynkError,
    BlynkInvalidCredentialsError,
    BlynkInvalidHostError,
    BlynkInvalidValueError,
    BlynkNotFoundError,
    BlynkRateLimitError,
    BlynkRegionRedirectError,
    BlynkResponseError,
    BlynkScopeError,
    BlynkServerError,
    BlynkTimeoutError,
)
from .host import BlynkServer

_LOGGER = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 20.0
REDACTED = "**REDACTED**"
_OAUTH_CREDENTIAL_ERRORS = frozenset({"invalid_client", "invalid_grant", "unauthorized_client"})
_SCOPE_TEXT = "scope is not enabled"
_TOKEN_REFUSALS = ("invalid token", "no token provided")
"""The Device API's 400 texts for a token it does not know, or did not get."""

MAX_DOWNLOAD_BYTES = 64 << 20
"""The largest file the client downloads (an export of a month of raw values is far smaller)."""
_REDIRECTS = frozenset({301, 302, 307, 308})
"""Blynk documents a 308 to the right region; a proxy or a later server may send another."""

type Query = Sequence[tuple[str, str | None]]
"""Query parameters in order; a value of None is a bare key (`get?token=…&v1&v2`)."""


@dataclass(slots=True)
class RequestStats:
    """Counters a maintainer wants in diagnostics, and that device mode turns into a sensor."""

    requests: int = 0
    failures: int = 0
    rate_limited: int = 0
    last_rate_limited: datetime | None = None
    token_renewals: int = 0
    redirects: int = 0


@dataclass(frozen=True, slots=True)
class Response:
    """A successful answer."""

    request: str
    """Method and path, for messages (never the query: it may carry a token)."""
    status: int
    body: bytes

    def json(self) -> Any:
        """The body as JSON; a body that is not JSON is a malformed response."""
        try:
            return json.loads(self.body)
        except ValueError:
            raise BlynkResponseError(f"{self.request}: the answer is not valid JSON") from None

    def text(self) -> str:
        """The body as text."""
        return self.body.decode("utf-8", errors="replace").strip()


class BlynkHttp:
    """Sends requests to one Blynk server, following one wrong-region redirect."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        server: BlynkServer | str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        on_server_change: Callable[[BlynkServer], None] | None = None,
    ) -> None:
        """Use Home Assistant's shared session; `server` may be any form `BlynkServer` takes."""
        self._session = session
        self._server = server if isinstance(server, BlynkServer) else BlynkServer.parse(server)
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._on_server_change = on_server_change
        self.stats = RequestStats()

    @property
    def server(self) -> BlynkServer:
        """The server in use; it changes after a wrong-region redirect."""
        return self._server

    def _secrets(self) -> Iterable[str]:
        """Secrets this client holds, to be kept out of every message."""
        return ()

    def redact(self, text: str) -> str:
        """Replace every secret this client holds."""
        for secret in self._secrets():
            if secret:
                text = text.replace(secret, REDACTED)
        return text

    async def send(
        self,
        method: str,
        path: str,
        *,
        query: Query = (),
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        redirected: bool = False,
    ) -> Response:
        """Send a request; after a wrong-region redirect, once more to the right region."""
        self.stats.requests += 1
        url = self._server.url.with_path(path)
        if query:
            url = URL(f"{url}?{_query_string(query)}", encoded=True)
        status, response_headers, payload = await self._exchange(
            method, url, f"{method} {path}", body=body, headers=headers
        )
        _LOGGER.debug("%s %s -> %s", method, path, status)
        if status in _REDIRECTS and "Location" in response_headers:
            self._move_to(self._region_of(method, path, response_headers["Location"], redirected))
            return await self.send(
                method, path, query=query, body=body, headers=headers, redirected=True
            )
        if status < HTTPStatus.MULTIPLE_CHOICES:
            return Response(f"{method} {path}", status, payload)
        self.stats.failures += 1
        raise self._error(method, path, status, response_headers, payload)

    async def fetch(self, url: URL, request: str) -> bytes:
        """Download a file the server pointed at: no credentials, no redirects, size capped.

        `request` names it in messages (the URL may carry what the server put in it).
        """
        self.stats.requests += 1
        status, _, payload = await self._exchange("GET", url, request, limit=MAX_DOWNLOAD_BYTES)
        if status != HTTPStatus.OK:
            # No credentials went with it, so a refusal (an expired link, say) is no credential
            # problem: it never asks the user for new ones.
            self.stats.failures += 1
            failed = status >= HTTPStatus.INTERNAL_SERVER_ERROR
            raise (BlynkServerError if failed else BlynkResponseError)(f"{request}: HTTP {status}")
        return payload

    async def _exchange(
        self,
        method: str,
        url: URL,
        request: str,
        *,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        limit: int | None = None,
    ) -> tuple[int, Mapping[str, str], bytes]:
        """One request and its whole answer; network failures become client errors."""
        try:
            async with self._session.request(
                method,
                url,
                json=body,
                headers=headers,
                allow_redirects=False,
                timeout=self._timeout,
            ) as resp:
                return resp.status, resp.headers, await _read(resp, limit, request)
        except TimeoutError:
            self.stats.failures += 1
            raise BlynkTimeoutError(f"{request}: no answer in time") from None
        except aiohttp.ClientError as err:
            # aiohttp's messages can quote the URL, and with it a device token.
            self.stats.failures += 1
            raise BlynkConnectionError(f"{request}: {type(err).__name__}") from None

    def _region_of(self, method: str, path: str, location: str, redirected: bool) -> BlynkServer:
        """The region a redirect points at; credentials go there only if it is the same service.

        Blynk answers a wrong region with one redirect (a 308; 301, 302 and 307 are followed
        alike, with the same method and body) to another host of the same service; a second
        redirect, another service or a downgrade to plain http would be something else.
        """
        if redirected:
            raise BlynkRegionRedirectError(f"{method} {path}: redirected twice")
        return self.same_service(location, f"{method} {path}")

    def same_service(self, location: str, request: str) -> BlynkServer:
        """The server of a URL the server gave, if it is the same service and not a downgrade."""
        try:
            target = self._server.with_origin_of(location)
        except BlynkInvalidHostError:
            raise BlynkRegionRedirectError(
                f"{request}: refused an address of another server"
            ) from None
        downgrade = self._server.url.scheme == "https" and target.url.scheme == "http"
        if target.scope != self._server.scope or downgrade:
            raise BlynkRegionRedirectError(f"{request}: refused to go to another server")
        return target

    def _move_to(self, server: BlynkServer) -> None:
        self.stats.redirects += 1
        _LOGGER.info("Blynk server moved this account to %s", server.host)
        self._server = server
        if self._on_server_change is not None:
            self._on_server_change(server)

    def _error(
        self,
        method: str,
        path: str,
        status: int,
        headers: Mapping[str, str],
        payload: bytes,
    ) -> BlynkError:
        code, message = _error_text(payload)
        request = f"{method} {path}".strip()
        text = (
            f"{request}: HTTP {status}: {self.redact(message)}"
            if message
            else f"{request}: HTTP {status}"
        )
        error = self._error_of(status, code, message, text, headers)
        error.server_message = self.redact(message)
        return error

    def _error_of(
        self, status: int, code: str | None, message: str, text: str, headers: Mapping[str, str]
    ) -> BlynkError:
        lowered = message.lower()
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            self.stats.rate_limited += 1
            self.stats.last_rate_limited = datetime.now(UTC)
            return BlynkRateLimitError(text, retry_after(headers.get("Retry-After")))
        if _SCOPE_TEXT in lowered:
            return BlynkScopeError(text)
        if (
            status in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)
            or code in _OAUTH_CREDENTIAL_ERRORS
            or any(text in lowered for text in _TOKEN_REFUSALS)
        ):
            # The Platform API's pages list a bare 403 for a refused access token (never 401).
            return BlynkInvalidCredentialsError(text)
        if status == HTTPStatus.NOT_FOUND:
            return BlynkNotFoundError(text)
        if HTTPStatus.BAD_REQUEST <= status < HTTPStatus.INTERNAL_SERVER_ERROR:
            return BlynkInvalidValueError(text)
        return BlynkServerError(text)


async def _read(resp: aiohttp.ClientResponse, limit: int | None, request: str) -> bytes:
    if limit is None:
        return await resp.read()
    data = bytearray()
    async for chunk in resp.content.iter_chunked(1 << 16):
        data.extend(chunk)
        if len(data) > limit:
            raise BlynkResponseError(f"{request}: larger than {limit // (1 << 20)} MiB")
    return bytes(data)


def _query_string(query: Query) -> str:
    """The encoded query; a bare key is written without `=`."""
    return "&".join(
        quote(key, safe="") if value is None else f"{quote(key, safe='')}={quote(value, safe='')}"
        for key, value in query
    )


def _error_text(payload: bytes) -> tuple[str | None, str]:
    """Blynk's three error shapes: `{"error":{"message"}}`, OAuth's `{"error","error_description"}`,
    and a flat `{"message"}`. Returns the OAuth error code, if any, and the message."""  # noqa: D205, D209
    try:
        data = json.loads(payload)
    except ValueError:
        return None, payload.decode("utf-8", errors="replace").strip()[:200]
    if not isinstance(data, dict):
        return None, ""
    error = data.get("error")
    if isinstance(error, dict):
        return None, str(error.get("message", ""))
    if isinstance(error, str):
        return error, str(data.get("error_description") or error)
    return None, str(data.get("message", ""))


def retry_after(header: str | None) -> float | None:
    """Seconds from a Retry-After header, given as seconds or as an HTTP date."""
    if not header:
        return None
    header = header.strip()
    if header.isdigit():
        return float(header)
    try:
        when = parsedate_to_datetime(header)
    except TypeError, ValueError:
        return None
    return max(0.0, when.timestamp() - time.time())
