"""System health: the Blynk servers in use, whether they answer, and the last good poll."""

from typing import Any

from homeassistant.components import system_health
from homeassistant.core import HomeAssistant, callback

from .const import DOMAIN
from .coordinator import BlynkConfigEntry


@callback
def async_register(hass: HomeAssistant, register: system_health.SystemHealthRegistration) -> None:
    """Register the system health callback."""
    register.async_register_info(system_health_info)


async def system_health_info(hass: HomeAssistant) -> dict[str, Any]:
    """One line per question, over every loaded entry."""
    entries: list[BlynkConfigEntry] = hass.config_entries.async_loaded_entries(DOMAIN)
    servers = sorted({str(entry.runtime_data.backend.client.server.url) for entry in entries})
    polls = [
        entry.runtime_data.values.last_success
        for entry in entries
        if entry.runtime_data.values.last_success is not None
    ]
    return {
        "server": ", ".join(servers),
        "can_reach_server": _can_reach_all(hass, servers),
        "last_successful_poll": max(polls).isoformat() if polls else "",
    }


async def _can_reach_all(hass: HomeAssistant, servers: list[str]) -> str | dict[str, str]:
    """`ok`, or the first server's failure."""
    for server in servers:
        result = await system_health.async_check_can_reach_url(hass, server)
        if result != "ok":
            return result
    return "ok"
