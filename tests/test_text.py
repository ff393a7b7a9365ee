"""Texts: writable STRING datastreams."""

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.text import ATTR_VALUE, DOMAIN as TEXT_DOMAIN, SERVICE_SET_VALUE
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from emulator import Emulator
from tests.conftest import advance

DISPLAY = "text.hallway_thermostat_display_text"


@pytest.fixture
def platforms() -> list[Platform]:
    """Only texts."""
    return [Platform.TEXT]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entities(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    await snapshot_platform(hass, entity_registry, snapshot, organization.entry_id)


@pytest.mark.usefixtures("organization")
async def test_set_value(hass: HomeAssistant, emulator: Emulator) -> None:
    await hass.services.async_call(
        TEXT_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: DISPLAY, ATTR_VALUE: "Guests"},
        blocking=True,
    )
    assert emulator.value(4, 7) == "Guests"
    assert hass.states.get(DISPLAY).state == "Guests"


@pytest.mark.usefixtures("organization")
async def test_long_text_is_cut(
    hass: HomeAssistant, emulator: Emulator, freezer: FrozenDateTimeFactory
) -> None:
    emulator.set_value(4, "v6", "x" * 1000)
    await advance(hass, freezer, 30)
    assert hass.states.get(DISPLAY).state == "x" * 255
