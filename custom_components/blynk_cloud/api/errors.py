"""Errors raised by the Blynk client.

Every message is built by the client from what it knows is safe: a request's method and path
(never its query string, which carries device tokens) and the server's own error text with any
secret the client holds replaced.
"""


class BlynkError(Exception):
    """Base class of every error the client raises."""

    server_message: str = ""
    """The server's own error text (secrets replaced), when it answered with one."""


class BlynkInvalidHostError(BlynkError, ValueError):
    """The server address is not a region, a hostname or an http(s) URL."""


class BlynkConnectionError(BlynkError):
    """The server could not be reached, or the connection broke."""


class BlynkTimeoutError(BlynkConnectionError):
    """The server did not answer in time."""


class BlynkAuthError(BlynkError):
    """The credentials were refused."""


class BlynkInvalidCredentialsError(BlynkAuthError):
    """The client id and secret, the access token or the device token are wrong or revoked.

    A 401, or a 403 that does not name the missing scope: the Platform API's pages list a
    bare 403 for a refused access token.
    """


class BlynkScopeError(BlynkAuthError):
    """The OAuth client is valid but does not have the Platform API scope enabled."""


class BlynkNotFoundError(BlynkError):
    """The device, datastream or template is not found or not accessible."""


class BlynkRateLimitError(BlynkError):
    """The server answered 429 Too Many Requests."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        """Keep the delay the server asked for (seconds), when it sent one."""
        super().__init__(message)
        self.retry_after = retry_after


class BlynkInvalidValueError(BlynkError):
    """The server refused a value or an argument (HTTP 400); the message is the server's."""


class BlynkServerError(BlynkError):
    """The server failed (HTTP 5xx or another unexpected status)."""


class BlynkResponseError(BlynkError):
    """The server answered something that is not what the API documents."""


class BlynkRegionRedirectError(BlynkResponseError):
    """The server redirected more than once, or to another service or to plain http."""


class BlynkChunkError(BlynkError):
    """A chunked upload stopped at a failed chunk; `accepted` points arrived before it."""

    def __init__(self, accepted: int, cause: BlynkError) -> None:
        """Keep how far the upload got, and the error that stopped it."""
        super().__init__(f"{cause} ({accepted} accepted before the failed request)")
        self.accepted = accepted
        self.cause = cause
