"""Polling, discovery and connectivity through Home Assistant, against the emulator."""

import copy
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_TOKEN, EVENT_STATE_CHANGED, STATE_UNAVAILABLE
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.blynk_cloud.api import platform as platform_module
from custom_components.blynk_cloud.backend import DEVICE_MODE_TEMPLATE_KEY
from custom_components.blynk_cloud.config_flow import device_unique_id
from custom_components.blynk_cloud.const import (
    CONF_COMBINED,
    CONF_MODE,
    DEVICE_REMOVAL_DISCOVERIES,
    DOMAIN,
    REQUEST_TIMEOUT,
    Mode,
)
from emulator import Emulator, EmulatorServer, Fault
from tests.combined import THERMOSTAT
from tests.conftest import DEMO, OAUTH_CLIENT, advance, demo_device, fleet, setup_entry
from tests.test_services import blynk_device

BATCH = "/api/v1/organization/device/datastreams/batch"
POLL = 30
TEMPERATURE = "sensor.garden_weather_temperature"


def record_state_changes(hass: HomeAssistant) -> list[str]:
    """Entity ids of every state written from now on."""
    written: list[str] = []

    @callback
    def listen(event: Event) -> None:
        written.append(event.data["entity_id"])

    hass.bus.async_listen(EVENT_STATE_CHANGED, listen)
    return written


@pytest.mark.parametrize("scenario", [fleet(25)])
async def test_poll_costs_ceil_devices_over_ten(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, organization_entry)
    emulator.clear_log()
    await advance(hass, freezer, POLL)
    assert [(r.method, r.path) for r in emulator.requests] == [("GET", BATCH)] * 3


async def test_unchanged_poll_writes_no_state(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, organization_entry)
    written = record_state_changes(hass)
    await advance(hass, freezer, POLL)
    assert emulator.count(BATCH) >= 2
    assert written == []
    emulator.set_value(1, "v1", 22.5)
    await advance(hass, freezer, POLL)
    assert written == [TEMPERATURE]
    assert hass.states.get(TEMPERATURE).state == "22.5"


@pytest.mark.parametrize(("retry_after", "wait"), [(120, 120), (None, 60)])
async def test_rate_limit_postpones_the_poll(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
    retry_after: int | None,
    wait: int,
) -> None:
    await setup_entry(hass, organization_entry)
    emulator.inject(Fault.rate_limited(retry_after), path=BATCH)
    await advance(hass, freezer, POLL)
    assert hass.states.get(TEMPERATURE).state == "21.5"  # a 429 only delays: still available
    emulator.clear_log()
    await advance(hass, freezer, wait - 5)
    assert emulator.count(BATCH) == 0
    emulator.set_value(1, "v1", 18.0)
    await advance(hass, freezer, 5)
    assert emulator.count(BATCH) == 1
    assert hass.states.get(TEMPERATURE).state == "18.0"


async def test_rate_limit_shows_recent_values_only(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Through 429s the last values stay for three polls (90 s), then no longer.

    The entities go unavailable (said once), and the next good read brings them back.
    """
    await setup_entry(hass, organization_entry)
    emulator.inject(Fault.rate_limited(), path=BATCH, count=3)  # no Retry-After: 60 s
    await advance(hass, freezer, POLL)  # t=30: refused
    await advance(hass, freezer, 50)  # t=80: the last good read is 80 s old
    assert hass.states.get(TEMPERATURE).state == "21.5"
    await advance(hass, freezer, 15)  # t=95: more than 90 s, even before the next attempt
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    emulator.set_value(1, "v1", 18.0)
    await advance(hass, freezer, 100)  # t=195: refused twice more, about t=90 and t=150
    assert emulator.count(BATCH) == 1 + 3
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    await advance(hass, freezer, 60)  # the next read (about t=210) succeeds
    assert hass.states.get(TEMPERATURE).state == "18.0"
    stale = [r for r in caplog.records if "429 since" in r.message]
    assert len(stale) == 1
    assert stale[0].levelno == logging.WARNING


async def test_rate_limit_briefly(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Two quick 429s and then a good read, all within three polls: always available."""
    await setup_entry(hass, organization_entry)
    emulator.inject(Fault.rate_limited(10), path=BATCH, count=2)
    for _ in range(5):  # t=30, 40: refused; t=50: read
        await advance(hass, freezer, 10 if emulator.count(BATCH) > 1 else POLL)
        assert hass.states.get(TEMPERATURE).state == "21.5"
    assert [r.status for r in emulator.requests if r.path == BATCH][-3:] == [429, 429, 200]
    await advance(hass, freezer, 3 * POLL)  # no staleness left behind from the refusals
    assert hass.states.get(TEMPERATURE).state == "21.5"
    assert not [r for r in caplog.records if "429 since" in r.message]


@pytest.mark.parametrize("fault", [Fault.server_error(), Fault.malformed_json(), Fault.dropped()])
async def test_failure_then_recovery_logged_once(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    fault: Fault,
) -> None:
    await setup_entry(hass, organization_entry)
    caplog.clear()
    emulator.inject(fault, path=BATCH, count=4)  # a drop is retried by aiohttp once
    await advance(hass, freezer, POLL)
    await advance(hass, freezer, POLL)
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    emulator.clear_faults()
    await advance(hass, freezer, POLL)
    assert hass.states.get(TEMPERATURE).state == "21.5"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR and "values" in r.message]
    recoveries = [r for r in caplog.records if "values data recovered" in r.message]
    assert (len(errors), len(recoveries)) == (1, 1)


async def test_timeout(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A server that does not answer in time: the request's time runs out on the frozen clock."""
    await setup_entry(hass, organization_entry)
    emulator.clear_log()
    emulator.inject(Fault.held(), path=BATCH)
    freezer.tick(POLL)
    async_fire_time_changed(hass)
    await emulator.received(BATCH)  # the poll is under way, and gets no answer
    await advance(hass, freezer, REQUEST_TIMEOUT + 1)
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    await advance(hass, freezer, POLL)
    assert hass.states.get(TEMPERATURE).state == "21.5"


async def test_devices_added_and_removed_at_runtime(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = await setup_entry(hass, organization_entry)
    new = copy.deepcopy(next(d for d in DEMO["devices"] if d["id"] == 1))
    new.update(id=42, name="Shed weather", token="S" * 32)
    emulator.add_device(new)
    emulator.remove_device(2)
    # The next poll no longer gets the removed device: only its entities become unavailable.
    await advance(hass, freezer, POLL)
    assert hass.states.get("switch.living_room_relays_relay_1").state == STATE_UNAVAILABLE
    assert hass.states.get(TEMPERATURE).state == "21.5"
    # Rediscovery (its own slow cadence) adds the new device at once; the gone one leaves only
    # after it has been missing from several complete discoveries.
    await advance(hass, freezer, 15 * 60)
    names = {d.name for d in dr.async_entries_for_config_entry(device_registry, entry.entry_id)}
    assert {"Shed weather", "Living room relays"} <= names
    assert hass.states.get("sensor.shed_weather_temperature").state == "21.5"
    assert hass.states.get("switch.living_room_relays_relay_1").state == STATE_UNAVAILABLE
    for _ in range(DEVICE_REMOVAL_DISCOVERIES - 1):
        await advance(hass, freezer, 15 * 60)
    names = {d.name for d in dr.async_entries_for_config_entry(device_registry, entry.entry_id)}
    assert "Living room relays" not in names
    assert entity_registry.async_get("switch.living_room_relays_relay_1") is None
    assert entry.state is ConfigEntryState.LOADED
    # Removed as Home Assistant 2026.10 wants it: nothing deprecated was used.
    assert "Detected that custom integration" not in caplog.text


async def test_new_datastream_rediscovered_once(
    hass: HomeAssistant,
    device_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, device_entry)
    assert hass.states.get("sensor.garden_weather_v5") is None
    emulator.set_value(1, "v1", 3.0)
    await advance(hass, freezer, 60)
    emulator.clear_log()
    # A pin that was never set appears in getAll: device mode learns it from the poll itself.
    scenario = copy.deepcopy(emulator.scenario)
    weather = next(t for t in scenario["templates"] if t["id"] == 353)
    weather["datastreams"].append(
        {
            "id": 9,
            "label": "Rain",
            "alias": "Rain",
            "type": "DOUBLE",
            "pin": 5,
            "pinType": "VIRTUAL",
        }
    )
    emulator.load(scenario)
    emulator.set_value(1, "v5", 1.5)
    await advance(hass, freezer, 60)
    assert hass.states.get("sensor.garden_weather_v5").state == "1.5"
    assert [r.path for r in emulator.requests] == ["/external/api/getAll"]


async def test_revoked_credentials_start_reauth_without_a_storm(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry = await setup_entry(hass, organization_entry)
    emulator.set_client_secret(OAUTH_CLIENT["client_id"], "rotated")
    emulator.revoke_tokens()
    emulator.clear_log()
    await advance(hass, freezer, 15 * 60)  # every coordinator has tried once
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    # One refused renewal; then one 401 per coordinator (connectivity: per device).
    assert emulator.count("/oauth2/token") == 1
    assert emulator.count() <= 1 + 1 + 1 + len(DEMO["devices"])
    tried = emulator.count()
    for _ in range(20):
        await advance(hass, freezer, POLL)
    await advance(hass, freezer, 60 * 60)
    assert emulator.count() == tried  # no retry loop, no request storm
    assert entry.state is ConfigEntryState.LOADED


async def test_connectivity(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, organization_entry)
    assert hass.states.get("binary_sensor.garden_weather_connectivity").state == "on"
    assert hass.states.get("binary_sensor.car_tracker_connectivity").state == "off"
    emulator.set_online(1, False)
    emulator.clear_log()
    await advance(hass, freezer, POLL)
    assert emulator.count("/api/v1/organization/device/online") == 0  # slower cadence
    assert hass.states.get("binary_sensor.garden_weather_connectivity").state == "on"
    await advance(hass, freezer, 5 * 60)
    assert hass.states.get("binary_sensor.garden_weather_connectivity").state == "off"
    # A device just gone offline keeps its last values: they are recent.
    assert hass.states.get(TEMPERATURE).state == "21.5"


@pytest.fixture(params=["present", "absent"])
def timestamps(request: pytest.FixtureRequest, emulator: Emulator) -> str:
    """Both readings of `value_timestamps`: Blynk tells when each value was set, or not."""
    emulator.variants.update({"value_timestamps": request.param})
    return str(request.param)


@pytest.mark.usefixtures("timestamps")
async def test_an_offline_device_shows_its_values_while_they_are_recent(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Offline, a device's values are the truth only while its newest report is recent.

    Blynk's time of each value tells when the device reported; without it, a change seen does.
    """
    caplog.set_level(logging.INFO)
    await setup_entry(hass, organization_entry)
    connectivity = "binary_sensor.garden_weather_connectivity"
    emulator.set_online(1, False)
    await advance(hass, freezer, 5 * 60)
    assert hass.states.get(connectivity).state == "off"
    # Asleep between reports, it still reports every hour.
    for reading in ("21.6", "21.7", "21.8"):
        await advance(hass, freezer, 60 * 60)
        emulator.set_value(1, "v1", float(reading))
        await advance(hass, freezer, POLL)
        assert hass.states.get(TEMPERATURE).state == reading
    # It stops reporting: once its newest report is two hours old, its values are not shown.
    await advance(hass, freezer, 60 * 60)
    assert hass.states.get(TEMPERATURE).state == "21.8"
    await advance(hass, freezer, 60 * 60 + POLL)  # without Blynk's time: from the poll that saw it
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    assert hass.states.get("sensor.garden_weather_humidity").state == STATE_UNAVAILABLE
    assert hass.states.get(connectivity).state == "off"  # that one is still the truth
    assert "Blynk device Garden weather is offline and last reported" in caplog.text
    assert hass.states.get("sensor.hallway_thermostat_room_temperature").state == "20.8"
    # Back online: its values are shown again.
    emulator.set_online(1, True)
    await advance(hass, freezer, 5 * 60)
    assert hass.states.get(TEMPERATURE).state == "21.8"


@pytest.mark.usefixtures("timestamps")
async def test_writes_to_an_offline_device_are_no_report(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A value set by Home Assistant or on the Blynk side does not make old readings current."""
    await setup_entry(hass, organization_entry)
    room = "sensor.hallway_thermostat_room_temperature"
    for device_id in (1, 2, 4):
        emulator.set_online(device_id, False)
    for _ in range(5):
        await advance(hass, freezer, 30 * 60)
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    assert hass.states.get(room).state == STATE_UNAVAILABLE
    # Home Assistant sets a value of the weather station, and the Blynk app (or a Blynk
    # automation) sets the sleeping thermostat's target temperature.
    garden = blynk_device(hass, organization_entry, 1)
    await hass.services.async_call(
        DOMAIN,
        "set_value",
        {"device_id": garden, "datastream": "Humidity", "value": 55},
        blocking=True,
    )
    emulator.set_value(4, "v1", 25.0)
    await advance(hass, freezer, POLL)
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    assert hass.states.get(room).state == STATE_UNAVAILABLE
    # What the device itself sends is a report.
    emulator.set_value(4, "v0", 19.5)
    await advance(hass, freezer, POLL)
    assert hass.states.get(room).state == "19.5"
    # A device made of controls alone reports on them.
    pump = "switch.living_room_relays_pump"
    assert hass.states.get(pump).state == STATE_UNAVAILABLE
    emulator.set_value(2, "v2", 1)
    await advance(hass, freezer, POLL)
    assert hass.states.get(pump).state == "on"


@pytest.mark.usefixtures("timestamps")
async def test_an_offline_device_that_never_reported(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Values of unknown age from an offline device are not shown.

    Home Assistant's first sight of them tells nothing of when the device sent them.
    """
    await setup_entry(hass, organization_entry)
    shed = copy.deepcopy(next(d for d in DEMO["devices"] if d["id"] == 1))
    shed.update(id=42, name="Shed weather", token="S" * 32, online=False, values={}, history={})
    emulator.add_device(shed)
    await advance(hass, freezer, 15 * 60)  # discovered, read, and found offline
    state = "sensor.shed_weather_temperature"
    assert hass.states.get(state).state == STATE_UNAVAILABLE
    emulator.set_value(42, "v1", 12.5)  # it wakes, reports over HTTPS, and sleeps again
    await advance(hass, freezer, POLL)
    assert hass.states.get(state).state == "12.5"
    assert hass.states.get("binary_sensor.shed_weather_connectivity").state == "off"


@pytest.mark.usefixtures("timestamps")
async def test_a_reload_never_shows_old_values_of_an_offline_device(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Until connectivity is read again, a device counts as offline: no stale state is written.

    A state written for a moment still reaches the recorder and state triggers.
    """
    await setup_entry(hass, organization_entry)
    emulator.set_online(1, False)
    for _ in range(6):
        await advance(hass, freezer, 30 * 60)
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    shown: list[str] = []

    @callback
    def listen(event: Event) -> None:
        if event.data["entity_id"] == TEMPERATURE and event.data["new_state"] is not None:
            shown.append(event.data["new_state"].state)

    hass.bus.async_listen(EVENT_STATE_CHANGED, listen)
    assert await hass.config_entries.async_reload(organization_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)  # connectivity read after setup

    assert set(shown) == {STATE_UNAVAILABLE}
    assert hass.states.get("sensor.hallway_thermostat_room_temperature").state == "20.8"


async def test_a_device_mode_thermostat_set_from_the_app_is_no_report(
    hass: HomeAssistant, blynk: EmulatorServer, emulator: Emulator, freezer: FrozenDateTimeFactory
) -> None:
    """The Blynk app sets a combined thermostat's target while the device is offline."""
    token = demo_device("Hallway thermostat")["token"]
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Hallway thermostat",
        unique_id=device_unique_id(token),
        data={CONF_MODE: Mode.DEVICE, CONF_HOST: blynk.url(), CONF_TOKEN: token},
        options={CONF_COMBINED: {DEVICE_MODE_TEMPLATE_KEY: [THERMOSTAT]}},
    )
    await setup_entry(hass, entry)
    thermostat = "climate.hallway_thermostat"
    assert hass.states.get(thermostat).attributes["current_temperature"] == 20.8
    emulator.set_online(4, False)
    for _ in range(13):
        await advance(hass, freezer, 10 * 60)
    assert hass.states.get(thermostat).state == STATE_UNAVAILABLE
    emulator.set_value(4, "v1", 25.0)  # the app, or a Blynk automation
    await advance(hass, freezer, 60)
    assert hass.states.get(thermostat).state == STATE_UNAVAILABLE
    emulator.set_value(4, "v0", 19.5)  # the device reports its room temperature
    await advance(hass, freezer, 60)
    state = hass.states.get(thermostat)
    assert (state.attributes["current_temperature"], state.attributes["temperature"]) == (
        19.5,
        25.0,
    )


async def test_an_offline_device_in_device_mode(
    hass: HomeAssistant,
    device_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The Device API tells no time of a value: a change seen tells that the device reported."""
    await setup_entry(hass, device_entry)
    emulator.set_online(1, False)
    for _ in range(12):  # two hours, unchanged
        await advance(hass, freezer, 10 * 60)
    assert hass.states.get("binary_sensor.garden_weather_connectivity").state == "off"
    assert hass.states.get("sensor.garden_weather_v1").state == "21.5"
    await advance(hass, freezer, 60)
    assert hass.states.get("sensor.garden_weather_v1").state == STATE_UNAVAILABLE
    # A value Home Assistant sets is no report of the device.
    await hass.services.async_call(
        DOMAIN,
        "set_value",
        {"device_id": blynk_device(hass, device_entry), "datastream": "v2", "value": 55},
        blocking=True,
    )
    await advance(hass, freezer, 60)
    assert hass.states.get("sensor.garden_weather_v1").state == STATE_UNAVAILABLE
    emulator.set_value(1, "v1", 22.0)  # reported over HTTPS, without connecting
    await advance(hass, freezer, 60)
    assert hass.states.get("sensor.garden_weather_v1").state == "22.0"
    assert hass.states.get("sensor.garden_weather_v2").state != STATE_UNAVAILABLE


async def test_an_offline_device_at_start_in_device_mode(
    hass: HomeAssistant,
    device_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """After a restart, an offline device's values are of unknown age until it reports."""
    emulator.set_online(1, False)
    await setup_entry(hass, device_entry)
    assert hass.states.get("binary_sensor.garden_weather_connectivity").state == "off"
    assert hass.states.get("sensor.garden_weather_v1").state == STATE_UNAVAILABLE
    emulator.set_value(1, "v1", 22.0)
    await advance(hass, freezer, 60)
    assert hass.states.get("sensor.garden_weather_v1").state == "22.0"


async def test_a_write_during_a_poll_wins_until_the_next_poll(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A poll that overlaps a write may have read before it: the written value stays shown."""
    await setup_entry(hass, organization_entry)
    relay = "switch.living_room_relays_relay_1"
    emulator.clear_log()
    emulator.inject(Fault.held(), path=BATCH)
    freezer.tick(POLL)
    async_fire_time_changed(hass)
    await emulator.received(BATCH)  # the poll is under way
    await hass.services.async_call("switch", "turn_off", {"entity_id": relay}, blocking=True)
    emulator.set_value(2, "v0", 1)  # and the device switches itself back on meanwhile
    emulator.release()  # the poll reads that
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(relay).state == "off"
    await advance(hass, freezer, POLL)
    assert hass.states.get(relay).state == "on"  # the next poll shows the device's truth


async def test_a_write_during_an_outage_does_not_revive_the_entities(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await setup_entry(hass, organization_entry)
    emulator.inject(Fault.server_error(), path=BATCH, count=3)
    await advance(hass, freezer, POLL)
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    relays = next(
        device.id
        for device in dr.async_entries_for_config_entry(
            dr.async_get(hass), organization_entry.entry_id
        )
        if device.name == "Living room relays"
    )
    await hass.services.async_call(
        DOMAIN, "set_value", {"device_id": relays, "datastream": "v0", "value": 0}, blocking=True
    )
    assert emulator.value(2, 1) == 0
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    assert hass.states.get("switch.living_room_relays_relay_1").state == STATE_UNAVAILABLE
    await advance(hass, freezer, POLL)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR and "values" in r.message]
    assert len(errors) == 1  # still one outage, logged once


async def test_a_device_that_comes_back_gets_its_entities_back(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_entry(hass, organization_entry)
    relays = copy.deepcopy(next(d for d in DEMO["devices"] if d["id"] == 2))
    emulator.remove_device(2)
    for _ in range(DEVICE_REMOVAL_DISCOVERIES):
        await advance(hass, freezer, 15 * 60)
    assert hass.states.get("switch.living_room_relays_relay_1") is None
    emulator.add_device(relays)
    await advance(hass, freezer, 15 * 60)
    assert hass.states.get("switch.living_room_relays_relay_1").state == "on"


async def test_template_changes(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """A renamed device is renamed; a redefined datastream rebuilds its entity, once."""
    entry = await setup_entry(hass, organization_entry)
    scenario = copy.deepcopy(emulator.scenario)
    next(d for d in scenario["devices"] if d["id"] == 1)["name"] = "Front garden"
    weather = next(t for t in scenario["templates"] if t["id"] == 353)
    pressure = next(ds for ds in weather["datastreams"] if ds["label"] == "Pressure")
    pressure["isForActions"] = True  # now settable: a number, no longer a sensor
    emulator.load(scenario)
    await advance(hass, freezer, 15 * 60)
    await advance(hass, freezer, POLL)
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, "127.0.0.1:658_1"), entry.entry_id
    )
    assert device is not None
    assert device.name == "Front garden"
    assert entity_registry.async_get("sensor.garden_weather_pressure") is None
    # The new entity takes the device's new name.
    assert hass.states.get("number.front_garden_pressure").state == "1013.2"
    assert entry.state is ConfigEntryState.LOADED


DEVICES = "/api/v1/organization/devices"
DISCOVERY = 15 * 60
SMALL_PAGES = {**DEMO, "variants": {**DEMO["variants"], "page_size": "capped_2"}}


def registry_of(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, str]:
    """Registry entry ids of an entry's devices (by name) and entities (by entity id)."""
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    return {
        **{f"device {device.name}": device.id for device in devices},
        **{entity.entity_id: entity.id for entity in entities},
    }


@pytest.mark.parametrize("scenario", [SMALL_PAGES])
async def test_listed_devices_keep_their_registry_entries_through_rediscovery(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Two devices a page: every discovery reads four pages; in one, the second fails."""
    entry = await setup_entry(hass, organization_entry)
    before = registry_of(hass, entry)
    assert len([key for key in before if key.startswith("device ")]) == 8
    for discovery in range(4):
        emulator.clear_log()
        if discovery == 2:
            emulator.inject(Fault.server_error(), path=DEVICES, skip=1)
        await advance(hass, freezer, DISCOVERY)
        assert emulator.count(DEVICES) == (2 if discovery == 2 else 4)
        assert registry_of(hass, entry) == before
        assert hass.states.get(TEMPERATURE).state == "21.5"
        assert hass.states.get("switch.living_room_relays_relay_1").state == "on"


@pytest.mark.parametrize("scenario", [SMALL_PAGES])
async def test_a_listing_cut_at_the_hard_cap_removes_nothing(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Reading stops at the cap on pages, and the listing it cut short proves no device gone."""
    entry = await setup_entry(hass, organization_entry)
    before = registry_of(hass, entry)
    monkeypatch.setattr(platform_module, "MAX_PAGES", 2)  # the eight devices take four pages
    for _ in range(DEVICE_REMOVAL_DISCOVERIES + 1):
        emulator.clear_log()
        await advance(hass, freezer, DISCOVERY)
        assert emulator.count(DEVICES) == 2
        assert registry_of(hass, entry) == before
    emulator.set_value(9, "v1", 12.5)  # the garden valve, on the last page, still reads
    await advance(hass, freezer, 30)
    assert hass.states.get("sensor.garden_valve_flow").state == "12.5"


async def test_an_empty_listing_removes_nothing_on_its_own(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A server that lists nothing, without an error: devices stay, and still read."""
    entry = await setup_entry(hass, organization_entry)
    before = registry_of(hass, entry)
    empty = Fault.answer({"content": [], "totalElements": 0})
    for _ in range(2):  # short of the limit, twice: each normal listing starts the count anew
        emulator.inject(empty, path=DEVICES, count=DEVICE_REMOVAL_DISCOVERIES - 1)
        for step in range(DEVICE_REMOVAL_DISCOVERIES - 1):
            emulator.set_value(1, "v1", 22.0 + step)
            await advance(hass, freezer, DISCOVERY)
            assert registry_of(hass, entry) == before
            assert hass.states.get(TEMPERATURE).state == str(22.0 + step)
        await advance(hass, freezer, DISCOVERY)
    assert registry_of(hass, entry) == before
    # Missing from enough complete discoveries in a row: now they are gone.
    emulator.inject(empty, path=DEVICES, count=DEVICE_REMOVAL_DISCOVERIES)
    for _ in range(DEVICE_REMOVAL_DISCOVERIES):
        await advance(hass, freezer, DISCOVERY)
    assert registry_of(hass, entry) == {}
    assert hass.states.get(TEMPERATURE) is None


async def test_an_incomplete_listing_never_counts(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Pages that do not add up to what the server counts prove no device gone."""
    entry = await setup_entry(hass, organization_entry)
    before = registry_of(hass, entry)
    short = Fault.answer({"content": [], "totalElements": 5})
    emulator.inject(short, path=DEVICES, count=DEVICE_REMOVAL_DISCOVERIES + 1)
    for _ in range(DEVICE_REMOVAL_DISCOVERIES + 1):
        await advance(hass, freezer, DISCOVERY)
        assert registry_of(hass, entry) == before
    assert hass.states.get(TEMPERATURE).state == "21.5"


async def test_a_device_left_from_an_earlier_run_leaves_after_the_limit(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A registry device this run never saw is counted like the others."""
    organization_entry.add_to_hass(hass)
    registry = dr.async_get(hass)
    stale = registry.async_get_or_create(
        config_entry_id=organization_entry.entry_id,
        identifiers={(DOMAIN, f"{organization_entry.unique_id}_999")},
        name="Old device",
    )
    await setup_entry(hass, organization_entry)  # the first complete discovery without it
    for _ in range(DEVICE_REMOVAL_DISCOVERIES - 2):
        await advance(hass, freezer, DISCOVERY)
    assert registry.async_get(stale.id) is not None
    await advance(hass, freezer, DISCOVERY)
    assert registry.async_get(stale.id) is None


async def test_a_refused_connectivity_read_never_means_a_device_is_gone(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 403 while reading connectivity renews the token: the device stays, and reads."""
    entry = await setup_entry(hass, organization_entry)
    before = registry_of(hass, entry)
    emulator.clear_log()
    emulator.inject(Fault.forbidden(), path="/api/v1/organization/device/online")
    await advance(hass, freezer, 5 * 60)
    assert emulator.count("/oauth2/token") == 1
    assert hass.states.get("binary_sensor.garden_weather_connectivity").state == "on"
    assert registry_of(hass, entry) == before
    assert not any(entry.async_get_active_flows(hass, {SOURCE_REAUTH}))


async def test_a_device_missing_for_a_while_costs_no_extra_reads(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Kept while missing, a device is not taken for a new one at each discovery."""
    await setup_entry(hass, organization_entry)
    emulator.remove_device(2)
    await advance(hass, freezer, DISCOVERY)
    emulator.clear_log()
    for _ in range(3):  # up to and with the next discovery
        await advance(hass, freezer, 5 * 60)
    assert emulator.count(DEVICES) == 1
    # One connectivity request per known device (the missing one included) each time, one
    # values read each time: the discovery asked for nothing more.
    assert emulator.count("/api/v1/organization/device/online") == 3 * 8
    assert emulator.count(BATCH) == 3
