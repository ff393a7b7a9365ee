"""The request log: one redacted record per non-control request.

Secrets never reach a record or the ``emulator`` logger: the query values and JSON
body keys ``token``, ``client_secret``, ``refresh_token``, ``access_token`` and
``password`` are replaced by ``REDACTED`` and the ``Authorization`` header is not
kept. ``client_id`` is not secret and is kept.
"""

from collections.abc import Iterable
from dataclasses import dataclass
import json
from typing import Any

SECRET_KEYS = frozenset({"token", "client_secret", "refresh_token", "access_token", "password"})
REDACTED = "REDACTED"
_MAX_BODY_DEPTH = 32


@dataclass(frozen=True)
class RequestRecord:
    """A request as the emulator saw it, secrets redacted.

    ``status`` is the answered status; 0 when the connection was closed without an
    answer (dropped by a fault or abandoned by the client). In ``query``, a key sent
    without ``=`` (``get?token=…&v1``) has the value None, and ``v1=`` the value ``""``.
    """

    method: str
    path: str
    query: tuple[tuple[str, str | None], ...]
    body: Any
    status: int
    region: str

    def as_json(self) -> dict[str, Any]:
        """Return the record as JSON data (query as ``[[key, value], ...]``)."""
        return {
            "method": self.method,
            "path": self.path,
            "query": [list(pair) for pair in self.query],
            "body": self.body,
            "status": self.status,
            "region": self.region,
        }

    def describe(self) -> str:
        """Return a one-line, redacted description for logs."""
        query = "&".join(key if value is None else f"{key}={value}" for key, value in self.query)
        target = f"{self.path}?{query}" if query else self.path
        return f"[{self.region}] {self.method} {target} -> {self.status}"


def redact_query(
    pairs: Iterable[tuple[str, str]], query_string: str
) -> tuple[tuple[str, str | None], ...]:
    """Return the query pairs, in order, with secret values replaced.

    Keys written without ``=`` in ``query_string`` get the value None.
    """
    bare = {part for part in query_string.split("&") if part and "=" not in part}
    return tuple(
        (key, REDACTED if key in SECRET_KEYS else None if not value and key in bare else value)
        for key, value in pairs
    )


def parse_body(raw: bytes) -> Any:
    """Return the request body as redacted JSON data, or None if it is not JSON."""
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return redact_body(data)


def redact_body(data: Any, depth: int = 0) -> Any:
    """Return ``data`` with the values of secret keys replaced, at any depth."""
    if depth > _MAX_BODY_DEPTH:
        return REDACTED
    if isinstance(data, dict):
        return {
            key: REDACTED if key in SECRET_KEYS else redact_body(value, depth + 1)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [redact_body(item, depth + 1) for item in data]
    return data
