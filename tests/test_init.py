"""Setting up and unloading entries against the emulator."""

import copy
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.blynk_cloud.const import DISCOVERY_INTERVAL, DOMAIN
from emulator import Emulator
from tests.conftest import DEMO, advance, setup_entry


async def test_organization_entry_loads_and_unloads(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    entry = await setup_entry(hass, organization_entry)
    assert entry.state is ConfigEntryState.LOADED
    devices = dr.async_entries_for_config_entry(device_registry, entry.entry_id)
    assert sorted(device.name for device in devices) == [
        "Bedroom fan",
        "Cabin weather",
        "Car tracker",
        "Desk lamp",
        "Garden valve",
        "Garden weather",
        "Hallway thermostat",
        "Living room relays",
    ]
    entities = er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    assert len(entities) > 10
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert DOMAIN in hass.config.components


async def test_device_entry_loads(hass: HomeAssistant, device_entry: MockConfigEntry) -> None:
    entry = await setup_entry(hass, device_entry)
    assert entry.state is ConfigEntryState.LOADED


async def test_more_datastreams_than_home_assistant_enables(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    issue_registry: ir.IssueRegistry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Beyond the entity limit, the last datastream entities are created disabled, and said so."""
    monkeypatch.setattr("custom_components.blynk_cloud.plan.ENABLED_ENTITY_LIMIT", 30)
    entry = await setup_entry(hass, organization_entry)
    entities = er.async_entries_for_config_entry(entity_registry, entry.entry_id)
    enabled = [e for e in entities if e.disabled_by is None]
    # Room: 30, less 5 connectivity sensors and 10 kept in reserve: 15 datastream entities.
    assert len(enabled) == 5 + 15
    assert {e.entity_id for e in entities if e.disabled_by} >= {
        "text.hallway_thermostat_display_text",
        "sensor.cabin_weather_temperature",
    }
    issue = issue_registry.async_get_issue(DOMAIN, f"entity_limit_{entry.entry_id}")
    assert issue is not None
    assert issue.translation_placeholders["count"] == str(len(entities) - len(enabled))


def without_enums() -> dict[str, Any]:
    """The demo without ENUM datastreams (writable ones are the selects)."""
    scenario = copy.deepcopy(DEMO)
    enums: dict[int, set[str]] = {}
    for template in scenario["templates"]:
        enums[template["id"]] = {
            str(ds["id"]) for ds in template["datastreams"] if ds["type"] == "ENUM"
        }
        template["datastreams"] = [ds for ds in template["datastreams"] if ds["type"] != "ENUM"]
    for device in scenario["devices"]:
        for key in ("values", "history"):
            for ident in enums[device["templateId"]]:
                device.get(key, {}).pop(ident, None)
    return scenario


@pytest.mark.parametrize("scenario", [without_enums()])
async def test_platforms_follow_the_datastreams(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """No select platform without a select entity: each platform costs setup time.

    A datastream that becomes one later gets it, through a reload of the entry.
    """
    entry = await setup_entry(hass, organization_entry)
    assert "select" not in hass.config.components
    emulator.load(DEMO)  # the template gains Mode again
    await advance(hass, freezer, DISCOVERY_INTERVAL.total_seconds())
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get("select.hallway_thermostat_mode").state == "1"
    assert await hass.config_entries.async_unload(entry.entry_id)
