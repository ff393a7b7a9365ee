"""Diagnostics: useful to a maintainer, with secrets, positions and contact details redacted."""

import json
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
    get_diagnostics_for_device,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.blynk_cloud.const import DOMAIN
from emulator import Emulator, EmulatorServer
from tests.conftest import setup_entry

VOLATILE = props("entry_id", "created_at", "modified_at", "last_success", "last_duration_seconds")


def stable(diagnostics: dict[str, Any], blynk: EmulatorServer) -> dict[str, Any]:
    """The emulator listens on a free port: name it the same in every run."""
    text = json.dumps(diagnostics)
    for url in blynk.urls.values():
        text = text.replace(url, "http://127.0.0.1:PORT")
    return json.loads(text)


async def test_entry_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    organization_entry: MockConfigEntry,
    blynk: EmulatorServer,
    emulator: Emulator,
    snapshot: SnapshotAssertion,
) -> None:
    assert await async_setup_component(hass, "diagnostics", {})
    entry = await setup_entry(hass, organization_entry)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    text = json.dumps(diagnostics)
    for secret in emulator.all_secrets():
        assert secret not in text
    assert "52.517037" not in text  # the car's position
    assert diagnostics["entry"]["data"]["client_secret"] == "**REDACTED**"
    assert stable(diagnostics, blynk) == snapshot(exclude=VOLATILE)


async def test_device_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    device_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    blynk: EmulatorServer,
    emulator: Emulator,
    snapshot: SnapshotAssertion,
) -> None:
    assert await async_setup_component(hass, "diagnostics", {})
    entry = await setup_entry(hass, device_entry)
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, entry.entry_id), entry.entry_id
    )
    assert device is not None
    diagnostics = await get_diagnostics_for_device(hass, hass_client, entry, device)
    assert emulator.all_secrets()[0] not in json.dumps(diagnostics)
    assert stable(diagnostics, blynk) == snapshot(exclude=VOLATILE)


async def test_device_mode_entry_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    device_entry: MockConfigEntry,
    emulator: Emulator,
) -> None:
    """A device-mode entry holds the device's auth token: it never leaves redacted."""
    assert await async_setup_component(hass, "diagnostics", {})
    entry = await setup_entry(hass, device_entry)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert diagnostics["entry"]["data"]["token"] == "**REDACTED**"
    text = json.dumps(diagnostics)
    assert not [secret for secret in emulator.all_secrets() if secret in text]
