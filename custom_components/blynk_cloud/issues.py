"""Repair issues, raised only where the user can act, and removed when the cause goes away."""

from collections.abc import Mapping

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_TOKEN
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .api import token_digest
from .backend import BlynkDevice
from .const import CONF_MODE, DOMAIN, ENABLED_ENTITY_LIMIT, FREE_PLAN_MONTHLY_MESSAGES, Mode
from .errors import SCOPE_NOT_ENABLED
from .plan import EntityPlan

MESSAGE_QUOTA = "message_quota"
DATASTREAM_REMOVED = "datastream_removed"
ENTITY_LIMIT = "entity_limit"
DEVICE_TWICE = "device_twice"
KINDS = (SCOPE_NOT_ENABLED, MESSAGE_QUOTA, DATASTREAM_REMOVED, ENTITY_LIMIT, DEVICE_TWICE)
LEGACY_KINDS = ("region_moved",)
"""Issues earlier versions raised that ask nothing of the user: removed at setup."""


def _issue_id(kind: str, entry: ConfigEntry) -> str:
    return f"{kind}_{entry.entry_id}"


@callback
def _set(
    hass: HomeAssistant,
    entry: ConfigEntry,
    kind: str,
    placeholders: dict[str, str] | None,
) -> None:
    """Create the issue with these placeholders, or delete it when there are none."""
    if placeholders is None:
        ir.async_delete_issue(hass, DOMAIN, _issue_id(kind, entry))
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        _issue_id(kind, entry),
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=kind,
        translation_placeholders={"title": entry.title, **placeholders},
    )


@callback
def async_remove_issues(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Remove every issue of an entry (it is being removed)."""
    for kind in (*KINDS, *LEGACY_KINDS):
        _set(hass, entry, kind, None)


@callback
def async_remove_legacy_issues(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Remove issues earlier versions raised that were no repairs."""
    for kind in LEGACY_KINDS:
        _set(hass, entry, kind, None)


@callback
def async_scope_not_enabled(hass: HomeAssistant, entry: ConfigEntry, refused: bool) -> None:
    """The OAuth client lacks the Platform API scope: only the Blynk console can fix that."""
    _set(hass, entry, SCOPE_NOT_ENABLED, {} if refused else None)


@callback
def async_check_message_quota(
    hass: HomeAssistant, entry: ConfigEntry, poll_seconds: float, messages: int
) -> None:
    """Warn when a device-mode entry alone would use up the Free plan's monthly messages."""
    _set(
        hass,
        entry,
        MESSAGE_QUOTA,
        {
            "interval": str(round(poll_seconds)),
            "messages": f"{messages:,}",
            "quota": f"{FREE_PLAN_MONTHLY_MESSAGES:,}",
        }
        if messages > FREE_PLAN_MONTHLY_MESSAGES
        else None,
    )


@callback
def async_check_removed_datastreams(
    hass: HomeAssistant, entry: ConfigEntry, plan: EntityPlan, devices: Mapping[int, BlynkDevice]
) -> None:
    """Entities whose datastream left its template show nothing any more: say which.

    Organization mode only: there templates define datastreams; in device mode a pin is
    simply not reported until the device sets it.
    """
    orphans = plan.leftovers(hass, entry.entry_id, devices).orphaned
    _set(hass, entry, DATASTREAM_REMOVED, {"entities": ", ".join(orphans)} if orphans else None)


@callback
def async_check_devices_twice(
    hass: HomeAssistant, entry: ConfigEntry, devices: Mapping[int, BlynkDevice]
) -> None:
    """Devices of this organization entry that a device-mode entry shows as well.

    A device-mode entry for a device of an organization entry is refused when it is made; one
    made before the organization entry would be a silent second copy: say which.
    """
    digests = {device.token_digest for device in devices.values()} - {None}
    twice = sorted(
        other.title
        for other in hass.config_entries.async_entries(DOMAIN)
        if other.data.get(CONF_MODE) == Mode.DEVICE
        and token_digest(other.data[CONF_TOKEN]) in digests
    )
    _set(hass, entry, DEVICE_TWICE, {"entries": ", ".join(twice)} if twice else None)


@callback
def async_check_entity_limit(hass: HomeAssistant, entry: ConfigEntry, disabled: int) -> None:
    """Say how many entities were created disabled to stay within Home Assistant's limit."""
    _set(
        hass,
        entry,
        ENTITY_LIMIT,
        {"count": f"{disabled:,}", "limit": f"{ENABLED_ENTITY_LIMIT:,}"} if disabled else None,
    )
