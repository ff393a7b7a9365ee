"""The demo's combined entities as a user combines them, and vendor-server entries."""

from collections.abc import AsyncIterator
import copy
import socket
from typing import Any, override
from unittest.mock import patch

from aiohttp.abc import ResolveResult
from aiohttp.resolver import AsyncResolver
from homeassistant.const import ATTR_ENTITY_ID, CONF_HOST, CONF_TOKEN, Platform
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.blynk_cloud.config_flow import device_unique_id
from custom_components.blynk_cloud.const import (
    CONF_COMBINED,
    CONF_DATASTREAMS,
    CONF_MODE,
    DOMAIN,
    Mode,
)
from emulator import Emulator, EmulatorServer
from tests.conftest import DEMO, demo_device, setup_entry, typed

WITHOUT_BOUNDS = {**DEMO, "variants": {**DEMO["variants"], "template_bounds": "absent"}}
"""The demo as the Platform API's documented schema reads: templates without min and max."""

THERMOSTAT = {
    "platform": "climate",
    "key": "climate",
    "parts": {
        "current_temperature": {"pin": "v0"},
        "target_temperature": {"pin": "v1"},
        "hvac_mode": {"pin": "v2", "options": {"0": "off", "1": "heat", "2": "cool", "3": "auto"}},
        "hvac_action": {"pin": "v3", "options": {"0": "idle", "1": "heating"}},
    },
}
"""The Hallway thermostat's template (356): room and target temperature, Mode ENUM, Heating."""
FAN = {
    "platform": "fan",
    "key": "fan",
    "parts": {
        "power": {"pin": "v0"},
        "speed": {"pin": "v1"},
        "preset": {"pin": "v2", "options": {"0": "normal", "1": "sleep", "2": "breeze"}},
        "oscillate": {"pin": "v3"},
    },
}
"""The Bedroom fan's template (357): power, speed 1-3, Mode ENUM, oscillation."""
LIGHT = {
    "platform": "light",
    "key": "light",
    "parts": {"power": {"pin": "v0"}, "brightness": {"pin": "v1"}, "color": {"pin": "v2"}},
}
"""The Desk lamp's template (358): power, brightness 0-255, zeRGBa merged into a String."""
VALVE = {"platform": "valve", "key": "valve", "parts": {"position": {"pin": "v0"}}}
"""The Garden valve's template (359): position 0-100 %."""
COMBINED = {"356": [THERMOSTAT], "357": [FAN], "358": [LIGHT], "359": [VALVE]}
BOUNDS_READINGS = ("present", "absent")
"""Templates with min and max (the demo's), and without (the Platform API's documented schema)."""
RANGES = {
    "356": ("target_temperature", 10, 30),
    "357": ("speed", 1, 3),
    "358": ("brightness", 0, 255),
    "359": ("position", 0, 100),
}
"""What README's table of the demo gives each range, for templates without bounds."""
RELAYS_AS_SWITCHES = {"354:v0": {"entity": "switch"}, "354:v1": {"entity": "switch"}}
"""README: without bounds, Relay 1 and Relay 2 are numbers; the options make them switches."""

WRITE = "/api/v1/organization/device/datastream"
WRITE_MANY = "/api/v1/organization/device/datastreams"
"""The Platform API's writes: one datastream, and several of a device in one request."""

CLIMATE = "climate.hallway_thermostat"
FAN_ENTITY = "fan.bedroom_fan"
LIGHT_ENTITY = "light.desk_lamp"
VALVE_ENTITY = "valve.garden_valve"


def combined_entry(
    entry: MockConfigEntry, combined: dict[str, list[dict[str, Any]]] | None = None
) -> MockConfigEntry:
    """The organization entry with combined entities combined in its options."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=entry.title,
        unique_id=entry.unique_id,
        data=entry.data,
        options={CONF_COMBINED: COMBINED if combined is None else combined},
    )


def with_bounds(reading: str) -> dict[str, Any]:
    """The demo on a server whose templates carry min and max (present) or not (absent)."""
    return {**DEMO, "variants": {**DEMO["variants"], "template_bounds": reading}}


def readme_entry(entry: MockConfigEntry, reading: str) -> MockConfigEntry:
    """The organization entry set up as the README advises, on a server of this reading.

    The demo's thermostat, fan, light and valve combined; without template bounds, each range
    given its bounds in the combine form, and the relays chosen as switches.
    """
    if reading == "present":
        return combined_entry(entry)
    combined = copy.deepcopy(COMBINED)
    for template, (role, low, high) in RANGES.items():
        combined[template][0]["parts"][role].update(min=low, max=high)
    return MockConfigEntry(
        domain=DOMAIN,
        title=entry.title,
        unique_id=entry.unique_id,
        data=entry.data,
        options={CONF_COMBINED: combined, CONF_DATASTREAMS: RELAYS_AS_SWITCHES},
    )


def vendor_entry(blynk: EmulatorServer, name: str, **options: Any) -> MockConfigEntry:
    """A device-mode entry for a demo device on its vendor's server, by the vendor's host name.

    The emulator serves the vendor on 127.0.0.1; `<host>.localhost` reaches it (RFC 6761).
    """
    device = demo_device(name)
    host = device["region"]
    port = blynk.url(host).rsplit(":", 1)[1]
    return MockConfigEntry(
        domain=DOMAIN,
        title=name,
        unique_id=device_unique_id(device["token"]),
        data={
            CONF_MODE: Mode.DEVICE,
            CONF_HOST: f"http://{host}.localhost:{port}",
            CONF_TOKEN: device["token"],
        },
        options=options,
    )


class _IPv4Resolver(AsyncResolver):
    """aiodns, as Home Assistant resolves; IPv4 only, where the emulator listens."""

    @override
    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return await super().resolve(host, port, socket.AF_INET)


@pytest.fixture
async def local_resolver(disable_mock_zeroconf_resolver: None) -> AsyncIterator[None]:
    """Resolve host names as Home Assistant does (aiodns: `*.localhost` is loopback).

    The test harness's own resolver belongs to another event loop.
    """
    resolver = _IPv4Resolver()
    resolver.real_close = resolver.close  # type: ignore[attr-defined]
    with patch("homeassistant.helpers.aiohttp_client._async_make_resolver", return_value=resolver):
        yield


async def setup_with(
    hass: HomeAssistant, entry: MockConfigEntry, platforms: list[Platform]
) -> MockConfigEntry:
    """Set up an entry with these platforms only."""
    with patch("custom_components.blynk_cloud.PLATFORMS", platforms):
        return await setup_entry(hass, entry)


async def act(hass: HomeAssistant, entity_id: str, service: str, **data: Any) -> None:
    """Call a service of the entity's domain on it, and wait for it."""
    await hass.services.async_call(
        entity_id.split(".", maxsplit=1)[0],
        service,
        {ATTR_ENTITY_ID: entity_id, **data},
        blocking=True,
    )


def posted(emulator: Emulator) -> list[Any]:
    """The bodies the integration wrote, typed: `1` is not `1.0`, `0` is not `False`.

    Compare with `typed([(WRITE, {...}), ...])`; the emulator's stored values carry the
    datastream's type whatever was sent, so only the bodies show a wrong JSON type.
    """
    return typed([(r.path, r.body) for r in emulator.requests if r.path in (WRITE, WRITE_MANY)])
