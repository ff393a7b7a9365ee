"""Switches: writable BOOLEAN datastreams and writable INT 0..1 datastreams."""

from unittest.mock import patch

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF, SERVICE_TURN_ON, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.blynk_cloud.const import CONF_DATASTREAMS, DOMAIN
from emulator import Emulator, Fault
from tests.conftest import OAUTH_CLIENT, setup_entry, typed
from tests.test_mapping import relays_ranging

RELAY = "switch.living_room_relays_relay_1"
PUMP = "switch.living_room_relays_pump"
WRITE = "/api/v1/organization/device/datastream"


@pytest.fixture
def platforms() -> list[Platform]:
    """Only switches."""
    return [Platform.SWITCH]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entities(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    await snapshot_platform(hass, entity_registry, snapshot, organization.entry_id)


@pytest.mark.usefixtures("organization")
async def test_turn_on_and_off(hass: HomeAssistant, emulator: Emulator) -> None:
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: RELAY}, blocking=True
    )
    assert emulator.value(2, 1) == 0
    assert hass.states.get(RELAY).state == "off"  # shown at once, before the next poll
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: PUMP}, blocking=True
    )
    assert emulator.value(2, 3) in (True, 1)
    assert hass.states.get(PUMP).state == "on"
    writes = [r.body for r in emulator.requests if r.path == WRITE]
    assert typed(writes) == typed(
        [
            {"deviceId": 2, "dataStreamId": 1, "value": 0},
            {"deviceId": 2, "dataStreamId": 3, "value": 1},  # no boolean in the raw values
        ]
    )


@pytest.mark.usefixtures("organization")
async def test_write_failure(hass: HomeAssistant, emulator: Emulator) -> None:
    emulator.inject(Fault.server_error(), path=WRITE)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: RELAY}, blocking=True
        )
    assert err.value.translation_key == "api_error"
    assert hass.states.get(RELAY).state == "on"


@pytest.mark.usefixtures("organization")
async def test_write_auth_failure_starts_reauth(hass: HomeAssistant, emulator: Emulator) -> None:
    emulator.set_client_secret(OAUTH_CLIENT["client_id"], "rotated")
    emulator.revoke_tokens()
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: RELAY}, blocking=True
        )
    assert err.value.translation_key == "auth_failed"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_no_value_yet(
    hass: HomeAssistant, organization_entry: MockConfigEntry, platforms: list[Platform]
) -> None:
    """A switch chosen for a datastream the device never set is neither on nor off."""
    organization_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        organization_entry, options={CONF_DATASTREAMS: {"353:v4": {"entity": "switch"}}}
    )
    with patch("custom_components.blynk_cloud.PLATFORMS", platforms):
        await setup_entry(hass, organization_entry)
    assert hass.states.get("switch.cabin_weather_status").state == "unknown"
    assert hass.states.get("switch.garden_weather_status").state == "on"  # "OK" is not off


@pytest.mark.parametrize("scenario", [relays_ranging(1, 2)])
async def test_off_value_is_the_minimum(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    platforms: list[Platform],
) -> None:
    """A relay switched between 1 (off) and 2 (on): turning it off writes 1, not 0."""
    organization_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        organization_entry, options={CONF_DATASTREAMS: {"354:v1": {"entity": "switch"}}}
    )
    with patch("custom_components.blynk_cloud.PLATFORMS", platforms):
        await setup_entry(hass, organization_entry)
    relay = "switch.living_room_relays_relay_2"
    emulator.clear_log()
    for service, state in ((SERVICE_TURN_ON, "on"), (SERVICE_TURN_OFF, "off")):
        await hass.services.async_call(
            SWITCH_DOMAIN, service, {ATTR_ENTITY_ID: relay}, blocking=True
        )
        assert hass.states.get(relay).state == state
    writes = [r.body for r in emulator.requests if r.path == WRITE]
    assert typed(writes) == typed(
        [
            {"deviceId": 2, "dataStreamId": 2, "value": 2},
            {"deviceId": 2, "dataStreamId": 2, "value": 1},
        ]
    )
    assert emulator.value(2, 2) == 1
