"""Injected faults: what the next matching requests answer instead of the real thing.

A :class:`Fault` is queued with a count and an optional path prefix and method
(:meth:`FaultQueue.add`); each matching request consumes one use, after the first
``skip`` matching requests (answered normally). Control paths (``/_emulator/``) are
never faulted, except the export files they serve for Blynk's export links.

Inferences: the bodies of fault answers use Blynk's ``{"error": {"message": ...}}``
shape with ``Too many requests.`` (429), ``Internal server error.`` (500),
``Unauthorized.`` (401) and ``Forbidden.`` (403) unless a message is given; the
malformed JSON body is a truncated device list.
"""

from dataclasses import dataclass
import math
from typing import Any

_DEFAULT_MESSAGES = {
    401: "Unauthorized.",
    403: "Forbidden.",
    429: "Too many requests.",
    500: "Internal server error.",
}
MALFORMED_BODY = b'{"content":[{"id":1,"templateId":353,"name":"Garden'


@dataclass(frozen=True)
class Fault:
    """What a faulted request answers.

    ``delay`` seconds pass first (``math.inf``: until :meth:`Emulator.release`; a release
    ends any delay early); then ``drop`` closes the connection without an
    answer, ``malformed`` answers a truncated JSON body (status ``status`` or 200),
    ``body`` answers that JSON (status ``status`` or 200), ``location`` answers an empty
    redirect there (status ``status`` or 308), ``status`` answers that status with an
    error body (and ``Retry-After`` if ``retry_after`` is set); with none of these, the
    normal answer follows the delay.
    """

    status: int | None = None
    retry_after: int | None = None
    message: str | None = None
    delay: float = 0.0
    malformed: bool = False
    drop: bool = False
    body: Any = None
    location: str | None = None

    @classmethod
    def rate_limited(cls, retry_after: int | None = None) -> Fault:
        """429 Too Many Requests, optionally with ``Retry-After``."""
        return cls(status=429, retry_after=retry_after)

    @classmethod
    def server_error(cls) -> Fault:
        """500 with ``{"error": {"message": ...}}``."""
        return cls(status=500)

    @classmethod
    def unauthorized(cls) -> Fault:
        """401, as for an expired or unknown access token."""
        return cls(status=401)

    @classmethod
    def forbidden(cls, message: str | None = None) -> Fault:
        """403 with ``message`` (default ``Forbidden.``)."""
        return cls(status=403, message=message)

    @classmethod
    def timeout(cls, seconds: float) -> Fault:
        """Wait ``seconds``, then answer normally (clients with a shorter timeout fail)."""
        return cls(delay=seconds)

    @classmethod
    def held(cls) -> Fault:
        """Answer normally, but only after :meth:`Emulator.release` (a request in flight).

        With :meth:`Emulator.received`, a test holds a request under way as long as it needs,
        without waiting for any time.
        """
        return cls(delay=math.inf)

    @classmethod
    def malformed_json(cls) -> Fault:
        """200, ``application/json``, truncated body."""
        return cls(malformed=True)

    @classmethod
    def answer(cls, body: Any, status: int | None = None) -> Fault:
        """Answer ``body`` as JSON (a server's odd but well-formed answer)."""
        return cls(body=body, status=status)

    @classmethod
    def redirect(cls, location: str, status: int = 308) -> Fault:
        """An empty redirect to ``location`` (a proxy, or a server that moved elsewhere)."""
        return cls(status=status, location=location)

    @classmethod
    def dropped(cls) -> Fault:
        """Close the connection without any answer."""
        return cls(drop=True)

    def message_text(self) -> str:
        """Return the message of the error body."""
        if self.message is not None:
            return self.message
        return _DEFAULT_MESSAGES.get(self.status or 0, "Error.")


@dataclass
class FaultRule:
    """A queued fault with its remaining uses and what it matches."""

    fault: Fault
    remaining: int
    path: str | None
    method: str | None
    skip: int = 0

    def matches(self, path: str, method: str) -> bool:
        """Return whether a request to ``path`` with ``method`` is affected."""
        if self.path is not None and not path.startswith(self.path):
            return False
        return self.method is None or self.method.upper() == method.upper()


class FaultQueue:
    """The queued faults, first added first used."""

    def __init__(self) -> None:
        """Start empty."""
        self.rules: list[FaultRule] = []

    def add(
        self, fault: Fault, count: int, path: str | None, method: str | None, skip: int = 0
    ) -> None:
        """Queue ``fault`` for ``count`` matching requests after the next ``skip``."""
        if count < 1 or skip < 0:
            raise ValueError("count must be at least 1 and skip at least 0")
        self.rules.append(FaultRule(fault, count, path, method, skip))

    def take(self, path: str, method: str) -> Fault | None:
        """Consume and return the fault for this request, if any."""
        for rule in self.rules:
            if rule.matches(path, method):
                if rule.skip:
                    rule.skip -= 1
                    return None
                rule.remaining -= 1
                if rule.remaining == 0:
                    self.rules.remove(rule)
                return rule.fault
        return None

    def clear(self) -> None:
        """Forget every queued fault."""
        self.rules.clear()
