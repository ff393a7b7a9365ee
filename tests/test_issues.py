"""Repair issues: raised where the user can act, gone when the cause is."""

import copy
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_HOST, CONF_SCAN_INTERVAL
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.blynk_cloud.const import CONF_COMBINED, DOMAIN
from emulator import Emulator, EmulatorServer
from tests.combined import CLIMATE, COMBINED, combined_entry
from tests.conftest import DEMO, advance, demo_device, setup_entry


async def test_region_move_is_no_repair(
    hass: HomeAssistant,
    device_entry: MockConfigEntry,
    blynk: EmulatorServer,
    issue_registry: ir.IssueRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Blynk moved the device to another region: saved and logged; nothing asks the user."""
    cabin = demo_device("Cabin weather")  # lives in ny3; the entry says fra1
    device_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        device_entry, data={**device_entry.data, "token": cabin["token"]}
    )
    # An earlier version raised a repair issue for a move: it goes at the next start.
    ir.async_create_issue(
        hass,
        DOMAIN,
        f"region_moved_{device_entry.entry_id}",
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="region_moved",
    )
    entry = await setup_entry(hass, device_entry)
    assert entry.data[CONF_HOST] == blynk.url("ny3")
    assert not [issue for issue in issue_registry.issues.values() if issue.domain == DOMAIN]
    moved = [record for record in caplog.records if "moved" in record.message]
    assert [(record.levelno, record.message) for record in moved] == [
        (logging.INFO, f"Blynk server moved this account to {blynk.url('ny3')}")
    ]


async def test_issues_go_with_their_entry(
    hass: HomeAssistant, device_entry: MockConfigEntry, issue_registry: ir.IssueRegistry
) -> None:
    device_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(device_entry, options={CONF_SCAN_INTERVAL: 15})
    entry = await setup_entry(hass, device_entry)
    assert issue_registry.async_get_issue(DOMAIN, f"message_quota_{entry.entry_id}") is not None
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert not [issue for issue in issue_registry.issues.values() if issue.domain == DOMAIN]


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
    emulator.load(without_pressure())
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


def without_pressure() -> dict[str, Any]:
    """The demo with the weather stations' Pressure datastream removed from their template."""
    scenario = copy.deepcopy(DEMO)
    weather = next(t for t in scenario["templates"] if t["id"] == 353)
    weather["datastreams"] = [ds for ds in weather["datastreams"] if ds["label"] != "Pressure"]
    for device in scenario["devices"]:
        if device["templateId"] == 353:
            device["values"].pop("3", None)
            device.get("history", {}).pop("3", None)
    return scenario


async def test_combined_entities_are_no_removed_datastreams(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """One plan knows every unique ID: the repair check and the cleanup of superseded entities.

    Combined entities are expected entities, at every discovery and after a restart; a
    datastream that leaves its template is named alone; a combined entity taken out of the
    options goes without a repair, and its datastreams get their own entities back.
    """
    entry = await setup_entry(hass, combined_entry(organization_entry))
    issue_id = f"datastream_removed_{entry.entry_id}"
    # An entity of no device Blynk lists is not the plan's to judge.
    entity_registry.async_get_or_create("sensor", DOMAIN, "elsewhere", config_entry=entry)
    await advance(hass, freezer, 15 * 60)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    await hass.config_entries.async_reload(entry.entry_id)  # a restart: the entities are known
    await hass.async_block_till_done()
    await advance(hass, freezer, 15 * 60)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    assert hass.states.get(CLIMATE).state == "heat"

    emulator.load(without_pressure())
    await advance(hass, freezer, 15 * 60)
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue.translation_placeholders["entities"] == (
        "sensor.cabin_weather_pressure, sensor.garden_weather_pressure"
    )

    emulator.load(DEMO)
    hass.config_entries.async_update_entry(
        entry, options={CONF_COMBINED: {k: v for k, v in COMBINED.items() if k != "356"}}
    )
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    await advance(hass, freezer, 15 * 60)
    assert entity_registry.async_get(CLIMATE) is None
    assert hass.states.get("number.hallway_thermostat_target_temperature").state == "21.5"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Home Assistant enables 30 entities per entry here: the demo has more."""
    monkeypatch.setattr("custom_components.blynk_cloud.plan.ENABLED_ENTITY_LIMIT", 30)


def limit_issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"entity_limit_{entry.entry_id}")


def held_back(hass: HomeAssistant, entry: MockConfigEntry) -> list[str]:
    """The entities the integration disabled (to stay within the limit)."""
    return sorted(
        registry_entry.entity_id
        for registry_entry in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if registry_entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    )


@pytest.mark.usefixtures("small_limit")
async def test_entity_limit_clears_when_entities_are_enabled(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The advice followed: other entities disabled, the held-back ones enabled."""
    entry = await setup_entry(hass, organization_entry)
    held = held_back(hass, entry)
    assert "sensor.cabin_weather_temperature" in held
    assert limit_issue(hass, entry).translation_placeholders["count"] == str(len(held))
    unwanted = ["sensor.garden_weather_status", "switch.living_room_relays_relay_2"]
    for entity_id in unwanted:
        entity_registry.async_update_entity(entity_id, disabled_by=er.RegistryEntryDisabler.USER)
    for count, entity_id in enumerate(held[:2], start=1):
        entity_registry.async_update_entity(entity_id, disabled_by=None)
        await hass.async_block_till_done()
        assert limit_issue(hass, entry).translation_placeholders["count"] == str(len(held) - count)
    for entity_id in held[2:]:
        entity_registry.async_update_entity(entity_id, disabled_by=None)
    await hass.async_block_till_done()
    assert limit_issue(hass, entry) is None
    # Home Assistant reloads the entry to add the enabled entities: the issue stays gone.
    await advance(hass, freezer, 31)
    assert hass.states.get("sensor.cabin_weather_temperature").state == "8.4"
    assert limit_issue(hass, entry) is None


@pytest.mark.usefixtures("small_limit")
async def test_entity_limit_clears_when_datastreams_are_not_created(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The advice followed: datastreams not needed set to Not created make room."""
    entry = await setup_entry(hass, organization_entry)
    held = held_back(hass, entry)
    assert limit_issue(hass, entry) is not None
    # Not created: every datastream of five templates (relays, car, thermostat, fan, valve).
    unneeded = [
        f"{template['id']}:v{datastream['pin']}"
        for template in DEMO["templates"]
        if template["id"] in (354, 355, 356, 357, 359)
        for datastream in template["datastreams"]
    ]
    hass.config_entries.async_update_entry(
        entry, options={"datastreams": {key: {"entity": "none"} for key in unneeded}}
    )
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    # What fits now is enabled again, by the integration that disabled it.
    remaining = [entity_id for entity_id in held if entity_registry.async_get(entity_id)]
    assert "sensor.cabin_weather_temperature" in remaining
    assert [entity_registry.async_get(entity_id).disabled_by for entity_id in remaining] == [
        None
    ] * len(remaining)
    assert limit_issue(hass, entry) is None
    await advance(hass, freezer, 31)  # Home Assistant reloads the entry to add them
    assert hass.states.get("sensor.cabin_weather_temperature").state == "8.4"


async def test_device_entry_of_an_organization_entry(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    device_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A device entry made before its organization's entry: the copy is said, not silent."""
    await setup_entry(hass, device_entry)
    entry = await setup_entry(hass, organization_entry)
    issue = issue_registry.async_get_issue(DOMAIN, f"device_twice_{entry.entry_id}")
    assert issue is not None
    assert issue.translation_placeholders == {"title": "Acme Home", "entries": "Garden weather"}
    await hass.config_entries.async_remove(device_entry.entry_id)
    await advance(hass, freezer, 15 * 60)  # the next discovery
    assert issue_registry.async_get_issue(DOMAIN, f"device_twice_{entry.entry_id}") is None
