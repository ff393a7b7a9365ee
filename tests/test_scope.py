"""A missing Platform API scope: the whole entry pauses, says what to do, and resumes alone."""

import copy
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_CLIENT_ID, CONF_CLIENT_SECRET, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.blynk_cloud.const import DOMAIN, SCOPE_CHECK_INTERVAL
from emulator import Emulator
from tests.conftest import DEMO, UNSCOPED_CLIENT, advance, setup_entry

BATCH = "/api/v1/organization/device/datastreams/batch"
TEMPERATURE = "sensor.garden_weather_temperature"
CONNECTIVITY = "binary_sensor.garden_weather_connectivity"
CHECK = SCOPE_CHECK_INTERVAL.total_seconds()


def without_scope() -> dict[str, Any]:
    """The demo, its OAuth2 client without the Platform API scope."""
    scenario = copy.deepcopy(DEMO)
    scenario["oauth_clients"][0]["platform_api"] = False
    return scenario


def issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"scope_not_enabled_{entry.entry_id}")


def flows(hass: HomeAssistant) -> list[str]:
    """The sources of the integration's flows in progress (a reauth would be one)."""
    return [
        flow["context"]["source"]
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    ]


async def test_scope_withdrawn_pauses_the_whole_entry(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = await setup_entry(hass, organization_entry)
    emulator.load(without_scope())  # (every access token goes with the reload)
    await advance(hass, freezer, 30)  # the values poll is refused

    # One state of the entry: every entity unavailable, one issue, no reauth flow.
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    assert hass.states.get(CONNECTIVITY).state == STATE_UNAVAILABLE
    found = issue(hass, entry)
    assert found is not None
    assert found.translation_key == "scope_not_enabled"
    assert flows(hass) == []
    assert entry.state is ConfigEntryState.LOADED
    said = [r for r in caplog.records if "lacks the Platform API scope" in r.message]
    assert [r.levelno for r in said] == [logging.WARNING]

    # Paused: no coordinator asks Blynk (discovery and connectivity included) until the check.
    emulator.clear_log()
    await advance(hass, freezer, CHECK - 60)
    assert emulator.count() == 0
    # The check repeats the refused read, once; the issue stays while Blynk refuses.
    await advance(hass, freezer, 60)
    assert emulator.count(BATCH) == 1
    assert issue(hass, entry) is not None

    # The scope is back: the next check's read succeeds, and everything resumes.
    emulator.load(DEMO)
    emulator.set_value(1, "v1", 19.5)
    await advance(hass, freezer, CHECK)
    assert issue(hass, entry) is None
    assert hass.states.get(TEMPERATURE).state == "19.5"
    assert hass.states.get(CONNECTIVITY).state == "on"
    # Polling runs at its interval again.
    emulator.clear_log()
    await advance(hass, freezer, 30)
    assert emulator.count(BATCH) == 1
    assert flows(hass) == []


async def test_scope_missing_at_setup(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Setup waits for the scope (Home Assistant retries it): no reauth flow, one issue."""
    organization_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        organization_entry,
        data={
            **organization_entry.data,
            CONF_CLIENT_ID: UNSCOPED_CLIENT["client_id"],
            CONF_CLIENT_SECRET: UNSCOPED_CLIENT["client_secret"],
        },
    )
    entry = await setup_entry(hass, organization_entry)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.error_reason_translation_key == "scope_not_enabled"
    assert issue(hass, entry) is not None
    assert flows(hass) == []
    # Checked as often as Home Assistant retries the setup: within every 10 minutes.
    assert "Home Assistant retries the setup" in caplog.text
    assert "checked again every" not in caplog.text
    for _ in range(8):
        emulator.clear_log()
        await advance(hass, freezer, 10 * 60)
        assert emulator.count("/api/v1/organization/devices") >= 1
        assert entry.state is ConfigEntryState.SETUP_RETRY
    assert flows(hass) == []
    # Granted in the console: the retried setup's first read removes the issue.
    emulator.load(
        copy.deepcopy(DEMO) | {"oauth_clients": [{**UNSCOPED_CLIENT, "platform_api": True}]}
    )
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED
    assert issue(hass, entry) is None
