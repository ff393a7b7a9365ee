"""System health: servers, whether they answer, and the last good poll."""

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry, get_system_health_info

from custom_components.blynk_cloud.const import DOMAIN
from emulator import EmulatorServer
from tests.conftest import setup_entry


async def test_system_health(
    hass: HomeAssistant, organization_entry: MockConfigEntry, blynk: EmulatorServer
) -> None:
    assert await async_setup_component(hass, "system_health", {})
    await setup_entry(hass, organization_entry)
    info = await get_system_health_info(hass, DOMAIN)
    for key, value in info.items():
        if hasattr(value, "__await__"):
            info[key] = await value
    assert info["server"] == blynk.url()
    assert info["can_reach_server"] == "ok"
    assert info["last_successful_poll"]


async def test_unreachable(
    hass: HomeAssistant, organization_entry: MockConfigEntry, blynk: EmulatorServer
) -> None:
    assert await async_setup_component(hass, "system_health", {})
    await setup_entry(hass, organization_entry)
    await blynk.stop()
    info = await get_system_health_info(hass, DOMAIN)
    assert await info["can_reach_server"] == {"type": "failed", "error": "unreachable"}
    assert info["last_successful_poll"]  # the last good poll before the server went away


async def test_nothing_loaded(
    hass: HomeAssistant, organization_entry: MockConfigEntry, blynk: EmulatorServer
) -> None:
    """An entry that could not be set up has never polled."""
    assert await async_setup_component(hass, "system_health", {})
    await blynk.stop()
    await setup_entry(hass, organization_entry)
    info = await get_system_health_info(hass, DOMAIN)
    assert (info["server"], info["last_successful_poll"]) == ("", "")
    await info["can_reach_server"]
