"""Device trackers: LOCATION datastreams, `[longitude, latitude]` on the wire."""

from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_LATITUDE, ATTR_LONGITUDE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from pytest_homeassistant_custom_component.typing import WebSocketGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.blynk_cloud.const import CONF_DATASTREAMS
from emulator import Emulator
from tests.conftest import advance, setup_entry
from tests.test_coordinator import record_state_changes

TRACKER = "device_tracker.car_tracker_location"


@pytest.fixture
def platforms() -> list[Platform]:
    """Only trackers."""
    return [Platform.DEVICE_TRACKER]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entities(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    await snapshot_platform(hass, entity_registry, snapshot, organization.entry_id)


@pytest.mark.usefixtures("organization")
async def test_position_not_swapped_and_written_only_on_move(
    hass: HomeAssistant, emulator: Emulator, freezer: FrozenDateTimeFactory
) -> None:
    state = hass.states.get(TRACKER)
    # The demo car is in Berlin: Blynk sends [13.38886, 52.517037], longitude first.
    assert (state.attributes[ATTR_LATITUDE], state.attributes[ATTR_LONGITUDE]) == (
        52.517037,
        13.38886,
    )
    written = record_state_changes(hass)
    emulator.set_value(3, "v1", 42.0)  # the speed changes, the position does not
    await advance(hass, freezer, 30)
    assert written == []
    emulator.set_value(3, "v0", [11.5755, 48.1374])  # Munich
    await advance(hass, freezer, 30)
    assert written == [TRACKER]
    state = hass.states.get(TRACKER)
    assert (state.attributes[ATTR_LATITUDE], state.attributes[ATTR_LONGITUDE]) == (
        48.1374,
        11.5755,
    )


async def test_no_position(
    hass: HomeAssistant, organization_entry: MockConfigEntry, platforms: list[Platform]
) -> None:
    """A tracker chosen for a datastream that holds no position shows none."""
    organization_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        organization_entry, options={CONF_DATASTREAMS: {"355:v1": {"entity": "device_tracker"}}}
    )
    with patch("custom_components.blynk_cloud.PLATFORMS", platforms):
        await setup_entry(hass, organization_entry)
    state = hass.states.get("device_tracker.car_tracker_speed")
    assert ATTR_LATITUDE not in state.attributes


@pytest.mark.usefixtures("organization")
async def test_location_is_a_primary_entity(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """A primary entity, not diagnostic (the tracker base class's default).

    The map shows it, and the voice assistant settings offer it like any other primary entity.
    """
    entry = entity_registry.async_get(TRACKER)
    assert (entry.entity_category, entry.hidden_by, entry.disabled_by) == (None, None, None)
    assert hass.states.get(TRACKER).state == "not_home"


async def test_a_zone_added_later_counts_after_a_reload(
    hass: HomeAssistant, organization: MockConfigEntry, hass_ws_client: WebSocketGenerator
) -> None:
    """As the README says: the parked car takes a new zone once the entry is reloaded."""
    assert hass.states.get(TRACKER).state == "not_home"
    client = await hass_ws_client(hass)
    zone = {"name": "Office", "latitude": 52.517037, "longitude": 13.38886, "radius": 100}
    await client.send_json_auto_id({"type": "zone/create", **zone})
    assert (await client.receive_json())["success"]
    await hass.async_block_till_done()
    assert hass.states.get(TRACKER).state == "not_home"  # written only on a move

    assert await hass.config_entries.async_reload(organization.entry_id)
    await hass.async_block_till_done()

    assert hass.states.get(TRACKER).state == "Office"
