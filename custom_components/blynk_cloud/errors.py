"""Client errors turned into what Home Assistant expects: reauth, retry later, or a message.

Coordinators raise `ConfigEntryAuthFailed` and `UpdateFailed`; actions raise translated
`HomeAssistantError`s and start a reauth flow when the credentials stopped working. A missing
Platform API scope is no credential problem: new credentials cannot fix it (see `scope.py`).
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed, HomeAssistantError
from homeassistant.helpers.update_coordinator import UpdateFailed

from .api import (
    BlynkAuthError,
    BlynkChunkError,
    BlynkConnectionError,
    BlynkError,
    BlynkInvalidValueError,
    BlynkNotFoundError,
    BlynkRateLimitError,
    BlynkScopeError,
)
from .const import DOMAIN

SCOPE_NOT_ENABLED = "scope_not_enabled"

RATE_LIMIT_BACKOFF = 60.0
"""Seconds to wait after a 429 that did not say how long (Blynk documents no Retry-After)."""


class ScopeNotEnabledError(UpdateFailed):
    """A read refused because the OAuth2 client lacks the Platform API scope."""

    def __init__(self) -> None:
        """Say so in the user's language."""
        super().__init__(translation_domain=DOMAIN, translation_key=SCOPE_NOT_ENABLED)


def error_reason(err: BlynkError) -> str:
    """The translation key of any other client error."""
    match err:
        case BlynkRateLimitError():
            return "rate_limited"
        case BlynkConnectionError():
            return "cannot_connect"
        case BlynkNotFoundError():
            return "not_found"
        case BlynkInvalidValueError():
            return "value_refused"
    return "api_error"


@asynccontextmanager
async def translate_errors() -> AsyncIterator[None]:
    """For coordinators: reauth on auth failures, back off on 429, else fail this poll."""
    try:
        yield
    except BlynkScopeError as err:
        raise ScopeNotEnabledError from err
    except BlynkAuthError as err:
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key="auth_failed"
        ) from err
    except BlynkError as err:
        retry_after = None
        if isinstance(err, BlynkRateLimitError):
            retry_after = err.retry_after if err.retry_after is not None else RATE_LIMIT_BACKOFF
        raise UpdateFailed(
            translation_domain=DOMAIN,
            translation_key=error_reason(err),
            translation_placeholders={"error": str(err)},
            retry_after=retry_after,
        ) from err


@asynccontextmanager
async def action_errors(hass: HomeAssistant, entry: ConfigEntry) -> AsyncIterator[None]:
    """For actions and entity commands: a translated error; auth failures also start reauth."""
    try:
        yield
    except BlynkChunkError as err:
        if not err.accepted and isinstance(err.cause, BlynkInvalidValueError):
            # The server refused what was sent (such as points older than it accepts).
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="upload_refused",
                translation_placeholders={"message": err.cause.server_message or str(err.cause)},
            ) from err
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="upload_interrupted",
            translation_placeholders={"accepted": str(err.accepted), "error": str(err.cause)},
        ) from err
    except BlynkScopeError as err:
        # Only the Blynk console can grant the scope: new credentials would not help.
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key=SCOPE_NOT_ENABLED
        ) from err
    except BlynkAuthError as err:
        entry.async_start_reauth(hass)
        raise HomeAssistantError(translation_domain=DOMAIN, translation_key="auth_failed") from err
    except BlynkError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key=error_reason(err),
            translation_placeholders={"error": str(err)},
        ) from err
