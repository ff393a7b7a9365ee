"""The minimal coordinator-backed sensor platform the setup and memory figures compare with."""

from pathlib import Path
from typing import TYPE_CHECKING

from homeassistant import loader
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry  # type: ignore[import-untyped]

from .baseline_integration import CONF_DEVICE_CLASS_SENSORS, CONF_DEVICES, CONF_ENTITIES, DOMAIN

if TYPE_CHECKING:
    from .harness import Setup

PACKAGE = "bench.baseline_integration"
PATH = Path(__file__).resolve().parent / "baseline_integration"
MANIFEST: loader.Manifest = {
    "domain": DOMAIN,
    "name": "Benchmark baseline",
    "codeowners": [],
    "config_flow": True,
    "dependencies": [],
    "documentation": "https://example.invalid/bench_baseline",
    "iot_class": "local_polling",
    "requirements": [],
    "version": "0.0.0",
}
"""Kept here rather than in a `manifest.json`: hassfest would validate that file."""


def register(hass: HomeAssistant) -> None:
    """Make the baseline integration known to this Home Assistant, as a custom integration."""
    integration = loader.Integration(
        hass,
        PACKAGE,
        PATH,
        MANIFEST.copy(),  # the loader adds keys to it
        {path.name for path in PATH.iterdir()},
    )
    hass.data[loader.DATA_INTEGRATIONS][DOMAIN] = integration


def baseline_entry(entities: int, like: Setup | None = None) -> MockConfigEntry:
    """An entry of the baseline with `entities` sensors; shaped `like` a measured setup.

    Shaped, its sensors are spread over as many devices, and as many have a device class.
    """
    return MockConfigEntry(
        domain=DOMAIN,
        title="Benchmark baseline",
        data={
            CONF_ENTITIES: entities,
            CONF_DEVICES: like.devices if like else 0,
            CONF_DEVICE_CLASS_SENSORS: like.device_class_sensors if like else 0,
        },
        pref_disable_polling=True,
    )
