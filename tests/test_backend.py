"""What the two modes do differently: discovery's edge cases, through Home Assistant."""

import logging

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.blynk_cloud.const import CONF_DATASTREAMS
from emulator import Emulator, Fault
from tests.conftest import demo_device, setup_entry


async def test_inaccessible_template(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A template the client cannot read does not stop setup, and is read again later.

    Its devices' values name pins no known template has: that alone triggers rediscovery.
    """
    emulator.inject(
        Fault(status=404, message="Template is not found or you don't have access to it."),
        path="/api/v1/organization/template/datastreams",
    )
    entry = await setup_entry(hass, organization_entry)
    assert entry.state is ConfigEntryState.LOADED
    assert "Template 353 is not accessible" in caplog.text
    assert hass.states.get("switch.living_room_relays_relay_1").state == "on"
    assert emulator.count("/api/v1/organization/template/datastreams") == 7 + 7
    assert hass.states.get("sensor.garden_weather_temperature").state == "21.5"


async def test_device_mode_pin_chosen_before_it_has_a_value(
    hass: HomeAssistant,
    device_entry: MockConfigEntry,
    emulator: Emulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A pin chosen in the options gets its entity; one the template lacks cannot stop setup."""
    caplog.set_level(logging.WARNING)
    device_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        device_entry,
        options={CONF_DATASTREAMS: {"v9": {"entity": "sensor"}, "v5": {"entity": "number"}}},
    )
    entry = await setup_entry(hass, device_entry)
    assert entry.state is ConfigEntryState.LOADED
    assert "could not be read" in caplog.text
    assert hass.states.get("sensor.garden_weather_v9").state == "unknown"
    assert hass.states.get("number.garden_weather_v5").state == "unknown"
    assert hass.states.get("sensor.garden_weather_v1").state == "21.5"


@pytest.mark.parametrize("shape", ["typed", "text"])
async def test_device_mode_location(
    hass: HomeAssistant, device_entry: MockConfigEntry, emulator: Emulator, shape: str
) -> None:
    """Device mode knows types only from values: a `[lon, lat]` pair is a position.

    Also as text, from a server that sends every value as text.
    """
    emulator.variants.update({"value_shapes": shape})
    tracker = demo_device("Car tracker")
    # The demo's tracker is offline, and device mode cannot tell its values' age: connect it.
    emulator.set_online(tracker["id"], True)
    device_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        device_entry, data={**device_entry.data, "token": tracker["token"]}
    )
    await setup_entry(hass, device_entry)
    state = hass.states.get("device_tracker.garden_weather_v0")
    assert (state.attributes["latitude"], state.attributes["longitude"]) == (52.517037, 13.38886)


@pytest.mark.parametrize(
    ("text", "shown", "number"),
    [
        ("123", "123", True),
        ("-2.5e1", "-25.0", True),
        ("true", "true", False),
        ("NaN", "NaN", False),
        ('{"a": 1}', '{"a": 1}', False),
        ("12 kg", "12 kg", False),
    ],
)
async def test_device_mode_numbers_sent_as_text(
    hass: HomeAssistant,
    device_entry: MockConfigEntry,
    emulator: Emulator,
    text: str,
    shown: str,
    number: bool,
) -> None:
    """A server that sends every value as text: a text that is a number is a number."""
    emulator.variants.update({"value_shapes": "text"})
    emulator.set_value(1, "v4", text)
    await setup_entry(hass, device_entry)
    state = hass.states.get("sensor.garden_weather_v4")
    assert (state.state, "state_class" in state.attributes) == (shown, number)
