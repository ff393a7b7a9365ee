"""An asyncio client for the Blynk Cloud APIs, without Home Assistant imports.

`BlynkPlatformClient` speaks the Platform API for an organization (OAuth2 client credentials);
`BlynkDeviceClient` speaks the Device HTTPS API for one device (its auth token).
"""

from .device import BlynkDeviceClient
from .errors import (
    BlynkAuthError,
    BlynkChunkError,
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
from .host import REGIONAL_HOSTS, BlynkServer
from .http import RequestStats
from .models import (
    BOOLEAN_TEXTS,
    BatchUpdateResult,
    Datastream,
    DatastreamType,
    DatastreamValue,
    Device,
    HardwareInfo,
    HistoryPoint,
    Listing,
    Location,
    Organization,
    Template,
    UploadResult,
    Value,
    coerce_value,
    normalize_pin,
    number_of,
    parse_value,
    token_digest,
)
from .platform import BATCH_READ_DEVICES, BlynkPlatformClient

__all__ = [
    "BATCH_READ_DEVICES",
    "BOOLEAN_TEXTS",
    "REGIONAL_HOSTS",
    "BatchUpdateResult",
    "BlynkAuthError",
    "BlynkChunkError",
    "BlynkConnectionError",
    "BlynkDeviceClient",
    "BlynkError",
    "BlynkInvalidCredentialsError",
    "BlynkInvalidHostError",
    "BlynkInvalidValueError",
    "BlynkNotFoundError",
    "BlynkPlatformClient",
    "BlynkRateLimitError",
    "BlynkRegionRedirectError",
    "BlynkResponseError",
    "BlynkScopeError",
    "BlynkServer",
    "BlynkServerError",
    "BlynkTimeoutError",
    "Datastream",
    "DatastreamType",
    "DatastreamValue",
    "Device",
    "HardwareInfo",
    "HistoryPoint",
    "Listing",
    "Location",
    "Organization",
    "RequestStats",
    "Template",
    "UploadResult",
    "Value",
    "coerce_value",
    "normalize_pin",
    "number_of",
    "parse_value",
    "token_digest",
]
