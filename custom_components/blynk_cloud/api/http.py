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

import aiohttp

from .errors import (
    BlynkConnectionError,
    BlynkError,
    BlynkInvalidCredentialsError,
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
_INVALID_TOKEN_TEXT = "invalid token"  # noqa: S105 - an error text, not a secret

type Query = Sequence[tuple[str, str]]


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
        url = self._server.url.with_path(path).with_query(list(query))
        try:
            async with self._session.request(
                method,
                url,
                json=body,
                headers=headers,
                allow_redirects=False,
                timeout=self._timeout,
            ) as resp:
                payload = await resp.read()
                status, response_headers = resp.status, resp.headers
        except TimeoutError:
            self.stats.failures += 1
            raise BlynkTimeoutError(f"{method} {path}: no answer in time") from None
        except aiohttp.ClientError as err:
            # aiohttp's messages can quote the URL, and with it a device token.
            self.stats.failures += 1
            raise BlynkConnectionError(f"{method} {path}: {type(err).__name__}") from None
        _LOGGER.debug("%s %s -> %s", method, path, status)
        if status == HTTPStatus.PERMANENT_REDIRECT and "Location" in response_headers:
            self._move_to(self._region_of(method, path, response_headers["Location"], redirected))
            return await self.send(
                method, path, query=query, body=body, headers=headers, redirected=True
            )
        if status < HTTPStatus.MULTIPLE_CHOICES:
            return Response(f"{method} {path}", status, payload)
        self.stats.failures += 1
        raise self._error(method, path, status, response_headers, payload)

    def _region_of(self, method: str, path: str, location: str, redirected: bool) -> BlynkServer:
        """The region a 308 points at; credentials go there only if it is the same service.

        Blynk answers a wrong region with one 308 to another host of the same service; a second
        redirect, another service or a downgrade to plain http would be something else.
        """
        if redirected:
            raise BlynkRegionRedirectError(f"{method} {path}: redirected twice")
        target = self._server.with_origin_of(location)
        downgrade = self._server.url.scheme == "https" and target.url.scheme == "http"
        if target.scope != self._server.scope or downgrade:
            raise BlynkRegionRedirectError(f"{method} {path}: refused a redirect to another server")
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
        text = (
            f"{method} {path}: HTTP {status}: {self.redact(message)}"
            if message
            else (f"{method} {path}: HTTP {status}")
        )
        lowered = message.lower()
        if status == 429:  # noqa: PLR2004
            self.stats.rate_limited += 1
            self.stats.last_rate_limited = datetime.now(UTC)
            return BlynkRateLimitError(text, retry_after(headers.get("Retry-After")))
        if status == 401 or code in _OAUTH_CREDENTIAL_ERRORS or _INVALID_TOKEN_TEXT in lowered:  # noqa: PLR2004
            return BlynkInvalidCredentialsError(text)
        if _SCOPE_TEXT in lowered:
            return BlynkScopeError(text)
        if status in (403, 404):
            return BlynkNotFoundError(text)
        if 400 <= status < 500:  # noqa: PLR2004
            return BlynkInvalidValueError(text)
        return BlynkServerError(text)


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
