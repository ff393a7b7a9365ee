"""Repair issues: raised where the user can act, gone when the cause is."""

import copy

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_HOST, CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.blynk_cloud.const import DOMAIN
from emulator import Emulator, EmulatorServer
from tests.conftest import DEMO, advance, demo_device, setup_entry


async def test_region_moved_said_once(
    hass: HomeAssistant,
    device_entry: MockConfigEntry,
    blynk: EmulatorServer,
    issue_registry: ir.IssueRegistry,
) -> None:
    cabin = demo_device("Cabin weather")  # lives in ny3; the entry says fra1
    device_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        device_entry, data={**device_entry.data, "token": cabin["token"]}
    )
    entry = await setup_entry(hass, device_entry)
    assert entry.data[CONF_HOST] == blynk.url("ny3")
    issue = issue_registry.async_get_issue(DOMAIN, f"region_moved_{entry.entry_id}")
    assert issue is not None
    assert issue.translation_placeholders == {"title": "Garden weather", "host": blynk.url("ny3")}
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, f"region_moved_{entry.entry_id}") is None


async def test_message_quota(
    hass: HomeAssistant, device_entry: MockConfigEntry, issue_registry: ir.IssueRegistry
) -> None:
    device_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(device_entry, options={CONF_SCAN_INTERVAL: 15})
    entry = await setup_entry(hass, device_entry)
    issue = issue_registry.async_get_issue(DOMAIN, f"message_quota_{entry.entry_id}")
    assert issue is not None
    # 30 days: 172,800 reads every 15 s plus 4,320 connectivity checks every 10 minutes.
    assert issue.translation_placeholders["messages"] == "177,120"
    hass.config_entries.async_update_entry(entry, options={CONF_SCAN_INTERVAL: 60})
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, f"message_quota_{entry.entry_id}") is None


async def test_removed_datastream(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    entry = await setup_entry(hass, organization_entry)
    issue_id = f"datastream_removed_{entry.entry_id}"
    scenario = copy.deepcopy(DEMO)
    weather = next(t for t in scenario["templates"] if t["id"] == 353)
    weather["datastreams"] = [ds for ds in weather["datastreams"] if ds["label"] != "Pressure"]
    for device in scenario["devices"]:
        if device["templateId"] == 353:
            device["values"].pop("3", None)
            device.get("history", {}).pop("3", None)
    emulator.load(scenario)
    await advance(hass, freezer, 15 * 60)
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    # The sub-organization's greenhouse is not part of this entry.
    assert issue.translation_placeholders["entities"] == (
        "sensor.cabin_weather_pressure, sensor.garden_weather_pressure"
    )
    emulator.load(DEMO)
    await advance(hass, freezer, 15 * 60)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
