"""Errors of the emulator and the documented Blynk error texts.

Blynk answers API errors with ``{"error": {"message": "..."}}`` (Platform API and
Device HTTPS API alike); the OAuth token endpoint uses the RFC 6749 shape instead
(see :mod:`emulator.oauth`). Texts quoted from the docs are kept verbatim, including
their punctuation.

Inferences (the docs give no text for these cases):
- A refused access token: see the ``token_refusal`` variant (:mod:`emulator.variants`);
  ``Unauthorized.`` with ``WWW-Authenticate: Bearer`` for 401, ``Forbidden.`` for a 403
  with a body.
- Missing or malformed parameters and bodies: the ``MISSING_PARAMETER``,
  ``INVALID_PARAMETER``, ``INVALID_BODY`` and ``UNSUPPORTED_CONTENT_TYPE`` texts below.
"""

from typing import Any

from aiohttp import web

# Platform API, quoted from the docs.
DEVICE_NOT_FOUND = "Device with identifier {} is not found or belong to another organization."
DATASTREAM_NOT_FOUND = "Data stream with identifier {} is not found!"
ORGANIZATION_NOT_FOUND = (
    "Organization with identifier {} is not found or you don't have access to it."
)
TEMPLATE_NOT_FOUND = "Template is not found or you don't have access to it."
SCOPE_NOT_ENABLED = "Platform API scope is not enabled for this oauth client."
PAGE_SIZE_TOO_BIG = "Bad request - requested page size is too big"

# Platform API, inferred.
UNAUTHORIZED = "Unauthorized."
FORBIDDEN = "Forbidden."
MISSING_PARAMETER = "Required parameter '{}' is not present."
INVALID_PARAMETER = "Parameter '{}' has an invalid value."
INVALID_BODY = "Request body is missing or is not valid JSON for this endpoint."
UNSUPPORTED_CONTENT_TYPE = "Content type '{}' is not supported. Use application/json."
INVALID_VALUE = "Invalid value."

# Device HTTPS API, quoted from the docs.
INVALID_TOKEN = "Invalid token."  # noqa: S105 - an error text
NO_TOKEN = "No token provided."  # noqa: S105 - an error text
WRONG_PIN = "Wrong pin format."
VALUE_MISMATCH = "Value doesn't match the Datastream data type"
NO_DATASTREAM_FOR_PIN = "No datastream setup for that pin."
WRONG_DATASTREAM_ID = "Wrong dataStreamId format."
DATASTREAM_NOT_IN_PRODUCT = "Requested dataStream doesn't exist in the product {}"
UNKNOWN_CONTENT_TYPE = "Unknown content type."
BATCH_TOO_BIG = "Too much data in batch. Maximum batch size is 10000 points."
NO_EVENT_CODE = "Event code is not provided."
EVENT_NOT_FOUND = "Can't find Event with this code in Product template"
WRONG_METAFIELD = "Wrong metaField format."
METAFIELD_NOT_FOUND = "MetaField doesn't exist."
WRONG_METAFIELD_UPDATE = "Wrong metaField format"
METAFIELD_NOT_FOUND_UPDATE = "MetaField doesn't exist"
WRONG_VALUE = "Wrong value"
INCORRECT_PARAMETERS = "Request with incorrect parameters"
NO_DATA = "No data"
PERIOD_ENUM = "No enum constant cc.blynk.server.core.model.widgets.outputs.graph.Period.{}"


class ScenarioError(ValueError):
    """A scenario is not valid; the message names the offending entry."""


class ApiError(Exception):
    """An error answer of the Blynk API: ``{"error": {"message": ...}}``."""

    def __init__(
        self,
        status: int,
        message: str,
        headers: dict[str, str] | None = None,
        *,
        bare: bool = False,
    ) -> None:
        """Keep the status, the message and optional headers; ``bare`` answers no body."""
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.bare = bare

    def response(self) -> web.Response:
        """Render the error as Blynk does."""
        if self.bare:
            return web.Response(status=self.status, headers=self.headers)
        return error_response(self.status, self.message, self.headers)


def error_body(message: str) -> dict[str, Any]:
    """Return Blynk's error body for ``message``."""
    return {"error": {"message": message}}


def error_response(
    status: int, message: str, headers: dict[str, str] | None = None
) -> web.Response:
    """Return a JSON error response in Blynk's shape."""
    return web.json_response(error_body(message), status=status, headers=headers)
