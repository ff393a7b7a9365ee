"""Constants of the Blynk Cloud integration."""

from datetime import timedelta
from enum import StrEnum
import logging
from typing import Final

DOMAIN: Final = "blynk_cloud"
LOGGER = logging.getLogger(__package__)

CONF_MODE: Final = "mode"
CONF_INCLUDE_SUB_ORGANIZATIONS: Final = "include_sub_organizations"
CONF_IDENTITY: Final = "identity"
"""Device mode: what the Device API reveals of the device (`identity.DeviceIdentity`)."""
CONF_DATASTREAMS: Final = "datastreams"
"""Options: per-datastream entity choices, keyed by `datastream_key`."""
CONF_COMBINED: Final = "combined"
"""Options: combined entities, as lists of combinations keyed by `Backend.template_key`."""
CONF_DISABLED_PROFILES: Final = "disabled_profiles"
"""Options: ids of the product profiles the user switched off."""
CONF_HISTORY_DAYS: Final = "history_days"
"""Options, organization mode: days of Blynk history to import into statistics (0: none)."""
DEFAULT_HISTORY_DAYS: Final = 7
MAX_HISTORY_DAYS: Final = 90
CONF_ENTITY: Final = "entity"
CONF_MIN: Final = "min"
CONF_MAX: Final = "max"
CONF_STEP: Final = "step"
CONF_LABELS: Final = "labels"
"""Options, per datastream: an ENUM's value names, `{"0": "Off"}`, where the template has none."""


class Mode(StrEnum):
    """How an entry talks to Blynk."""

    ORGANIZATION = "organization"
    """Platform API with an OAuth2 client: every device of an organization."""
    DEVICE = "device"
    """Device HTTPS API with one device's auth token: works on every plan."""


# Organization mode reads ten devices per request, so even large fleets poll cheaply.
DEFAULT_SCAN_INTERVAL: Final = {Mode.ORGANIZATION: 30, Mode.DEVICE: 60}
"""Seconds. Device mode pays one message of the plan's monthly quota per request."""
MIN_SCAN_INTERVAL: Final = {Mode.ORGANIZATION: 10, Mode.DEVICE: 15}
MAX_SCAN_INTERVAL: Final = 3600
CONNECTIVITY_INTERVAL: Final = {
    Mode.ORGANIZATION: timedelta(minutes=5),
    Mode.DEVICE: timedelta(minutes=10),
}
"""Organization mode asks once per device, so connectivity is read less often than values."""
OFFLINE_VALUES_MAX_AGE: Final = timedelta(hours=2)
"""A device Blynk calls offline shows its values while its newest report is at most this old;
then they are no longer the truth, and its entities go unavailable until it reports again.
Long enough for a device that sleeps between reports (Home Assistant's Zigbee integration
takes the same time to call a mains-powered device unavailable)."""
DISCOVERY_INTERVAL: Final = timedelta(minutes=15)
DEVICE_REMOVAL_DISCOVERIES: Final = 3
"""A device leaves Home Assistant, with its entities, after missing from this many consecutive
complete discoveries (45 minutes at the discovery interval): a server's bad answer is not
enough to lose a device and its history."""
SCOPE_CHECK_INTERVAL: Final = timedelta(minutes=30)
"""While the OAuth2 client lacks the Platform API scope, one read this often checks for it."""

ENABLED_ENTITY_LIMIT = 10_000
"""Home Assistant adds at most this many enabled entities to one config entry (2026.10)."""
RESERVED_ENTITIES: Final = 10
"""Room kept under the limit for the entry's own entities (device mode's counters)."""
REQUESTS_SENSOR: Final = "requests"
MONTHLY_MESSAGES_SENSOR: Final = "monthly_messages"
USAGE_SENSORS: Final = (REQUESTS_SENSOR, MONTHLY_MESSAGES_SENSOR)
"""The keys of device mode's counters (sensors about the entry's own requests)."""

REQUEST_TIMEOUT: Final = 20.0
"""Seconds a request may take before the poll counts as failed."""

FREE_PLAN_MONTHLY_MESSAGES: Final = 100_000
"""Device messages a month on Blynk's Free plan; every Device HTTPS API request is one."""
MINUTES_PER_MONTH: Final = 30 * 24 * 60
