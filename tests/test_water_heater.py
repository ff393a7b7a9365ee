"""Water heaters: the Raypak profiles (pool and spa on one mode datastream, operation modes)."""

from homeassistant.components.water_heater import (
    ATTR_OPERATION_LIST,
    ATTR_OPERATION_MODE,
    SERVICE_SET_OPERATION_MODE,
    SERVICE_SET_TEMPERATURE,
)
from homeassistant.const import ATTR_TEMPERATURE, SERVICE_TURN_OFF, SERVICE_TURN_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from emulator import Emulator, EmulatorServer
from tests.combined import (
    WITHOUT_BOUNDS,
    act,
    combined_entry,
    local_resolver,
    setup_with,
    vendor_entry,
)

__all__ = ["local_resolver"]
POOL = "water_heater.pool_heater"
SPA = "water_heater.pool_heater_spa"
HEAT_PUMP = "water_heater.spa_heat_pump"


@pytest.fixture
def platforms() -> list[Platform]:
    """Water heaters and sensors."""
    return [Platform.WATER_HEATER, Platform.SENSOR]


@pytest.mark.usefixtures("local_resolver")
async def test_raypak_avia(
    hass: HomeAssistant, blynk: EmulatorServer, emulator: Emulator, platforms: list[Platform]
) -> None:
    """v53 is 1 for pool and 2 for spa: two heaters, one on at a time, in °F."""
    await setup_with(hass, vendor_entry(blynk, "Pool heater"), platforms)
    pool, spa = hass.states.get(POOL), hass.states.get(SPA)
    assert (pool.name, spa.name) == ("Pool heater", "Pool heater Spa")
    assert (pool.state, spa.state) == ("on", "off")
    assert pool.attributes[ATTR_TEMPERATURE] == pytest.approx(28.9, abs=0.1)  # 84 °F
    assert pool.attributes["current_temperature"] == pytest.approx(25.7, abs=0.1)
    assert hass.states.get("sensor.pool_heater_status_text").state == "Heating"

    await act(hass, SPA, SERVICE_TURN_ON)
    assert emulator.value(23, "v53") == 2
    assert (hass.states.get(POOL).state, hass.states.get(SPA).state) == ("off", "on")
    await act(hass, SPA, SERVICE_SET_TEMPERATURE, temperature=39)
    assert emulator.value(23, "v43") == 102.0  # whole degrees, as the heater takes them
    await act(hass, SPA, SERVICE_TURN_OFF)
    assert emulator.value(23, "v53") == 0


@pytest.mark.usefixtures("local_resolver")
async def test_raypak_crosswind(
    hass: HomeAssistant, blynk: EmulatorServer, emulator: Emulator, platforms: list[Platform]
) -> None:
    """Operation modes off, pool and spa on the mode command; off and on go through it."""
    await setup_with(hass, vendor_entry(blynk, "Spa heat pump"), platforms)
    state = hass.states.get(HEAT_PUMP)
    assert state.state == "spa"
    assert state.attributes[ATTR_OPERATION_LIST] == ["off", "pool", "spa"]
    await act(hass, HEAT_PUMP, SERVICE_SET_OPERATION_MODE, operation_mode="pool")
    assert emulator.value(24, "v67") == 1
    await act(hass, HEAT_PUMP, SERVICE_TURN_OFF)
    assert emulator.value(24, "v67") == 0
    assert hass.states.get(HEAT_PUMP).state == "off"
    await act(hass, HEAT_PUMP, SERVICE_TURN_ON)
    assert emulator.value(24, "v67") == 1  # back to the last operation it had
    await act(
        hass,
        HEAT_PUMP,
        SERVICE_SET_TEMPERATURE,
        temperature=38,
        **{ATTR_OPERATION_MODE: "spa"},
    )
    assert (emulator.value(24, "v111"), emulator.value(24, "v67")) == (100, 2)


@pytest.mark.parametrize("scenario", [WITHOUT_BOUNDS])
async def test_a_target_beyond_its_parts_bounds_is_refused(
    hass: HomeAssistant, organization_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """The part's bounds check the write: the device would clamp it, and the state would lie.

    Home Assistant does not check a water heater's target against its bounds itself.
    """
    heater = {
        "platform": "water_heater",
        "key": "water_heater",
        "parts": {
            "current_temperature": {"pin": "v0"},
            "target_temperature": {"pin": "v1", "min": 10, "max": 30},
        },
    }
    entry = combined_entry(organization_entry, {"356": [heater]})
    await setup_with(hass, entry, [Platform.WATER_HEATER])
    entity_id = "water_heater.hallway_thermostat"
    state = hass.states.get(entity_id)
    assert (state.attributes["min_temp"], state.attributes["max_temp"]) == (10, 30)
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, entity_id, SERVICE_SET_TEMPERATURE, temperature=40)
    assert err.value.translation_key == "value_out_of_range"
    assert emulator.value(4, "v1") == 21.5
    assert hass.states.get(entity_id).attributes[ATTR_TEMPERATURE] == 21.5
