"""Diagnostics: what a maintainer needs to understand an entry, and nothing secret."""

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_CLIENT_SECRET, CONF_LATITUDE, CONF_LONGITUDE, CONF_TOKEN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from .api import Location, Value
from .backend import BlynkDevice
from .const import DOMAIN
from .coordinator import BlynkConfigEntry, BlynkCoordinator, BlynkRuntimeData

TO_REDACT = {
    CONF_CLIENT_SECRET,
    CONF_TOKEN,
    "access_token",
    "refresh_token",
    "authToken",
    CONF_LATITUDE,
    CONF_LONGITUDE,
    "phoneNumber",
    "address",
}
"""Secrets, positions and contact details: kept out wherever they would appear."""
REDACTED = "**REDACTED**"


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: BlynkConfigEntry
) -> dict[str, Any]:
    """The entry, its polling and request counters, and every device with its mapping."""
    runtime = entry.runtime_data
    return {
        "entry": async_redact_data(entry.as_dict(), TO_REDACT),
        **_summary(runtime),
        "devices": [_device(runtime, device) for device in runtime.discovery.data.values()],
    }


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: BlynkConfigEntry, device: dr.AnyDeviceEntry
) -> dict[str, Any]:
    """One device: its datastreams, what each became and why, and its current values."""
    runtime = entry.runtime_data
    keys = {identifier for domain, identifier in device.identifiers if domain == DOMAIN}
    blynk_device = next(
        (
            known
            for known in runtime.discovery.data.values()
            if runtime.backend.device_key(known) in keys
        ),
        None,
    )
    # A device Blynk no longer lists (it leaves the registry at the next discovery).
    device_data = _device(runtime, blynk_device) if blynk_device else None
    return {**_summary(runtime), "device": device_data}


def _summary(runtime: BlynkRuntimeData) -> dict[str, Any]:
    devices = runtime.discovery.data.values()
    client = runtime.backend.client
    return {
        "mode": runtime.backend.mode,
        "server": client.server.host,
        "counts": {
            "devices": len(devices),
            "templates": len({device.template_id for device in devices} - {None}),
            "datastreams": sum(len(device.datastreams) for device in devices),
        },
        "coordinators": {
            coordinator_name: _coordinator(coordinator)
            for coordinator_name, coordinator in (
                ("discovery", runtime.discovery),
                ("values", runtime.values),
                ("connectivity", runtime.connectivity),
            )
        },
        "requests": asdict(client.stats),
        "options": dict(runtime.values.config_entry.options),
        "history_import": asdict(runtime.statistics.progress),
    }


def _coordinator(coordinator: BlynkCoordinator[Any]) -> dict[str, Any]:
    interval = coordinator.update_interval
    return {
        "interval_seconds": interval.total_seconds() if interval else None,
        "last_update_success": coordinator.last_update_success,
        "last_success": coordinator.last_success,
        "last_duration_seconds": coordinator.last_duration,
        "rate_limited": coordinator.rate_limited,
        "last_error": str(coordinator.last_exception) if coordinator.last_exception else None,
    }


def _device(runtime: BlynkRuntimeData, device: BlynkDevice) -> dict[str, Any]:
    values = runtime.values.data.get(device.id)
    return {
        "id": device.id,
        "name": device.name,
        "template_id": device.template_id,
        "model": device.model,
        "hardware": asdict(device.hardware) if device.hardware else None,
        "online": runtime.connectivity.data.get(device.id),
        "read": values is not None,
        "profile": device.profile.id if device.profile else None,
        "combined": [combination.to_data() for combination in runtime.plan.combinations(device)],
        "datastreams": [
            {
                "pin": datastream.pin,
                "id": datastream.id,
                "label": datastream.label,
                "alias": datastream.alias,
                "type": datastream.type,
                "units": datastream.units,
                "min": datastream.min,
                "max": datastream.max,
                "writable": datastream.writable,
                "entity": (decision := runtime.plan.decide(device, datastream)).kind,
                "reason": decision.reason,
                "value": _value((values or {}).get(datastream.pin)),
            }
            for datastream in device.datastreams.values()
        ],
    }


def _value(value: Value | None) -> Any:
    """Positions are personal data: only say that there is one."""
    return REDACTED if isinstance(value, Location) else value
