"""Water heaters: the Raypak profiles (pool and spa on one mode datastream, operation modes)."""

from typing import Any
from unittest.mock import patch

from homeassistant.components.water_heater import (
    ATTR_OPERATION_LIST,
    ATTR_OPERATION_MODE,
    DOMAIN as WATER_HEATER_DOMAIN,
    SERVICE_SET_OPERATION_MODE,
    SERVICE_SET_TEMPERATURE,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_TEMPERATURE,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    Platform,
)
from homeassistant.core import HomeAssistant
import pytest

from emulator import Emulator, EmulatorServer
from tests.combined import local_resolver, vendor_entry
from tests.conftest import setup_entry

__all__ = ["local_resolver"]
POOL = "water_heater.pool_heater"
SPA = "water_heater.pool_heater_spa"
HEAT_PUMP = "water_heater.spa_heat_pump"


@pytest.fixture
def platforms() -> list[Platform]:
    """Water heaters and sensors."""
    return [Platform.WATER_HEATER, Platform.SENSOR]


async def call(hass: HomeAssistant, service: str, entity_id: str, **data: Any) -> None:
    await hass.services.async_call(
        WATER_HEATER_DOMAIN, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


@pytest.mark.usefixtures("local_resolver")
async def test_raypak_avia(
    hass: HomeAssistant, blynk: EmulatorServer, emulator: Emulator, platforms: list[Platform]
) -> None:
    """v53 is 1 for pool and 2 for spa: two heaters, one on at a time, in °F."""
    with patch("custom_components.blynk_cloud.PLATFORMS", platforms):
        await setup_entry(hass, vendor_entry(blynk, "Pool heater"))
    pool, spa = hass.states.get(POOL), hass.states.get(SPA)
    assert (pool.name, spa.name) == ("Pool heater", "Pool heater Spa")
    assert (pool.state, spa.state) == ("on", "off")
    assert pool.attributes[ATTR_TEMPERATURE] == pytest.approx(28.9, abs=0.1)  # 84 °F
    assert pool.attributes["current_temperature"] == pytest.approx(25.7, abs=0.1)
    assert hass.states.get("sensor.pool_heater_status_text").state == "Heating"

    await call(hass, SERVICE_TURN_ON, SPA)
    assert emulator.value(23, "v53") == 2
    assert (hass.states.get(POOL).state, hass.states.get(SPA).state) == ("off", "on")
    await call(hass, SERVICE_SET_TEMPERATURE, SPA, temperature=39)
    assert emulator.value(23, "v43") == 102.0  # whole degrees, as the heater takes them
    await call(hass, SERVICE_TURN_OFF, SPA)
    assert emulator.value(23, "v53") == 0


@pytest.mark.usefixtures("local_resolver")
async def test_raypak_crosswind(
    hass: HomeAssistant, blynk: EmulatorServer, emulator: Emulator, platforms: list[Platform]
) -> None:
    """Operation modes off, pool and spa on the mode command; off and on go through it."""
    with patch("custom_components.blynk_cloud.PLATFORMS", platforms):
        await setup_entry(hass, vendor_entry(blynk, "Spa heat pump"))
    state = hass.states.get(HEAT_PUMP)
    assert state.state == "spa"
    assert state.attributes[ATTR_OPERATION_LIST] == ["off", "pool", "spa"]
    await call(hass, SERVICE_SET_OPERATION_MODE, HEAT_PUMP, operation_mode="pool")
    assert emulator.value(24, "v67") == 1
    await call(hass, SERVICE_TURN_OFF, HEAT_PUMP)
    assert emulator.value(24, "v67") == 0
    assert hass.states.get(HEAT_PUMP).state == "off"
    await call(hass, SERVICE_TURN_ON, HEAT_PUMP)
    assert emulator.value(24, "v67") == 1  # back to the last operation it had
    await call(
        hass,
        SERVICE_SET_TEMPERATURE,
        HEAT_PUMP,
        temperature=38,
        **{ATTR_OPERATION_MODE: "spa"},
    )
    assert (emulator.value(24, "v111"), emulator.value(24, "v67")) == (100, 2)
