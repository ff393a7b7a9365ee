"""The setup and memory baseline: one coordinator over in-memory values, one sensor per value.

It does what any coordinator-backed integration must (a first refresh, one platform, entities
with unique IDs) and nothing more. Its entry can give the sensors the shape of the measured
entities, so that Home Assistant's own cost for that shape is in both figures: devices (one per
`CONF_ENTITIES / CONF_DEVICES` sensors) and sensors with a device class and unit.

Its manifest is `bench.baseline.MANIFEST`: hassfest validates every `manifest.json` of the
repository, so the benchmark registers this package with the loader instead of shipping one.
"""

import logging

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

DOMAIN = "bench_baseline"
CONF_ENTITIES = "entities"
CONF_DEVICES = "devices"
"""Devices the sensors are spread over (0: no device)."""
CONF_DEVICE_CLASS_SENSORS = "device_class_sensors"
"""Sensors that are temperatures in degrees Celsius; the others are plain numbers."""
LOGGER = logging.getLogger(__package__)

type BaselineConfigEntry = ConfigEntry[DataUpdateCoordinator[dict[str, float]]]


async def async_setup_entry(hass: HomeAssistant, entry: BaselineConfigEntry) -> bool:
    """Read the in-memory values once, then add a sensor per value."""
    count: int = entry.data[CONF_ENTITIES]

    async def values() -> dict[str, float]:
        return {f"value_{index}": float(index) for index in range(count)}

    coordinator = DataUpdateCoordinator(
        hass,
        LOGGER,
        config_entry=entry,
        name=DOMAIN,
        update_method=values,
        update_interval=None,
    )
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
    await hass.config_entries.async_forward_entry_setups(entry, [Platform.SENSOR])
    return True


async def async_unload_entry(hass: HomeAssistant, entry: BaselineConfigEntry) -> bool:
    """Unload the sensors."""
    return await hass.config_entries.async_unload_platforms(entry, [Platform.SENSOR])
