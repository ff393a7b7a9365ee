"""The integration's main paths under every reading the emulator can play (emulator/variants.py).

Each reading of each variant gets one organization entry and one device entry, set up through
Home Assistant and checked through its states, services and registries: setup, a poll, a write,
a discovery, a history read and a reauth. The emulator plays the demo scenario with that one
reading; every other variant keeps the demo's reading.
"""

import copy
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import (
    CONF_CLIENT_ID,
    CONF_CLIENT_SECRET,
    CONF_HOST,
    CONF_TOKEN,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.blynk_cloud.config_flow import device_unique_id
from custom_components.blynk_cloud.const import CONF_DATASTREAMS, CONF_MODE, DOMAIN, Mode
from emulator import Emulator, EmulatorServer
from emulator.variants import VARIANTS
from tests.conftest import DEMO, OAUTH_CLIENT, ORGANIZATION, advance, demo_device, setup_entry

NOT_READ = frozenset({"v2_shape"})
"""Variants of requests the integration never makes (values are read in batches, not with the
v2 read of one device): under them it would run the same paths again."""
CASES = [
    pytest.param(variant.name, reading.name, id=f"{variant.name}={reading.name}")
    for variant in VARIANTS
    if variant.name not in NOT_READ
    for reading in variant.readings
]
CABIN = demo_device("Cabin weather")  # region ny3
GARDEN = demo_device("Garden weather")
DISCOVERY = 15 * 60


@pytest.fixture
def scenario(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The demo with the case's reading; the redirect case also puts the client in ny3."""
    variant, reading = (
        request.node.callspec.params["variant"],
        request.node.callspec.params["reading"],
    )
    scenario = copy.deepcopy(DEMO)
    scenario["variants"] = {**scenario.get("variants", {}), variant: reading}
    return scenario


def registry_ids(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    """Registry devices (by name) and entity registry entries (by entity id) of an entry."""
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    return {
        **{f"device {device.name}": device.id for device in devices},
        **{entity.entity_id: entity.id for entity in entities},
    }


def reauth_started(hass: HomeAssistant, entry: MockConfigEntry) -> bool:
    """Whether a reauth flow of the entry is in progress."""
    return any(entry.async_get_active_flows(hass, {SOURCE_REAUTH}))


def expected_state(emulator: Emulator, value: str) -> str:
    """What the first numeric value of an answer shows: unknown when the server spoils it."""
    if emulator.variants.is_("value_shapes", "one_malformed"):
        return STATE_UNKNOWN
    return value


@pytest.mark.parametrize(("variant", "reading"), CASES)
async def test_organization(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    blynk: EmulatorServer,
    emulator: Emulator,
    variant: str,
    reading: str,
) -> None:
    # The client lives in fra1; the entry starts in ny3 and is sent there by a redirect.
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=ORGANIZATION["name"],
        unique_id=f"127.0.0.1:{ORGANIZATION['id']}",
        data={
            CONF_MODE: Mode.ORGANIZATION,
            CONF_HOST: blynk.url("ny3"),
            CONF_CLIENT_ID: OAUTH_CLIENT["client_id"],
            CONF_CLIENT_SECRET: OAUTH_CLIENT["client_secret"],
        },
    )
    # Setup
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert entry.data[CONF_HOST] == blynk.url("fra1")
    assert hass.states.get("sensor.garden_weather_temperature").state == expected_state(
        emulator, "21.5"
    )
    assert hass.states.get("sensor.garden_weather_status").state == "OK"
    assert hass.states.get("sensor.hallway_thermostat_room_temperature").state == "20.8"
    before = registry_ids(hass, entry)

    # A poll
    emulator.set_value(1, "v2", 55)
    emulator.set_value(4, "v0", 19.5)
    await advance(hass, freezer, 30)
    assert hass.states.get("sensor.garden_weather_humidity").state == "55"
    assert hass.states.get("sensor.hallway_thermostat_room_temperature").state == "19.5"

    # Writes: a BOOLEAN switch and a number
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.living_room_relays_pump"}, blocking=True
    )
    assert emulator.value(2, 3) == 1
    assert hass.states.get("switch.living_room_relays_pump").state == "on"
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": "number.living_room_relays_setpoint", "value": 22.5},
        blocking=True,
    )
    assert emulator.value(2, 4) == 22.5

    # A discovery: a new device arrives, a listed one keeps everything, a gone one stays a while
    shed = copy.deepcopy(GARDEN)
    shed.update(id=42, name="Shed weather", token="S" * 32)
    emulator.add_device(shed)
    emulator.remove_device(3)
    await advance(hass, freezer, DISCOVERY)
    assert hass.states.get("sensor.shed_weather_status").state == "OK"
    after = registry_ids(hass, entry)
    assert {key: after.get(key) for key in before} == before
    assert hass.states.get("device_tracker.car_tracker_location").state == STATE_UNAVAILABLE

    # History
    garden = after["device Garden weather"]
    start, end = dt_util.utcnow() - timedelta(days=4), dt_util.utcnow()
    answer = await hass.services.async_call(
        DOMAIN,
        "get_history",
        {"device_id": garden, "datastream": "Temperature", "start": start, "end": end},
        blocking=True,
        return_response=True,
    )
    assert answer is not None
    stored = [v for ts, v in emulator.history(1, 1) if start.timestamp() * 1000 <= ts]
    assert [point["value"] for point in answer["points"]] == stored
    old = {"ts": (end - timedelta(days=45)).isoformat(), "value": 4.5}
    data = {"device_id": garden, "datastream": "v1", "values": [old]}
    if emulator.variants.is_("import_age", "three_months"):
        await hass.services.async_call(DOMAIN, "import_history", data, blocking=True)
    else:
        with pytest.raises(HomeAssistantError, match="only one month in the past"):
            await hass.services.async_call(DOMAIN, "import_history", data, blocking=True)

    # Reauth: a revoked token is renewed without a word; refused credentials ask the user
    emulator.revoke_tokens()
    emulator.set_value(1, "v2", 56)
    await advance(hass, freezer, 30)
    assert hass.states.get("sensor.garden_weather_humidity").state == "56"
    assert not reauth_started(hass, entry)
    emulator.set_client_secret(OAUTH_CLIENT["client_id"], "rotated")
    emulator.revoke_tokens()
    await advance(hass, freezer, 30)
    assert reauth_started(hass, entry)


@pytest.mark.parametrize(("variant", "reading"), CASES)
async def test_device(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    blynk: EmulatorServer,
    emulator: Emulator,
    variant: str,
    reading: str,
) -> None:
    """With the recorder, for the statistics."""

    async def poll() -> None:
        await advance(hass, freezer, 61)

    # The cabin lives in ny3; the entry starts in fra1 and is sent there by a redirect.
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Cabin weather",
        unique_id=device_unique_id(CABIN["token"]),
        data={CONF_MODE: Mode.DEVICE, CONF_HOST: blynk.url("fra1"), CONF_TOKEN: CABIN["token"]},
    )
    hour_ago = emulator.now_ms() - 3_600_000
    emulator.set_value(6, "v3", 1017.0, ts_ms=hour_ago)  # history for the statistics
    emulator.set_value(6, "v3", 1018.9)
    # Setup
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert entry.data[CONF_HOST] == blynk.url("ny3")
    first = hass.states.get("sensor.cabin_weather_v1")
    if emulator.variants.is_("value_shapes", "one_malformed"):
        # The Device API names no types: a pin that never had a readable value has no entity
        # yet; the device's other pins are not affected.
        assert first is None
    else:
        assert first.state == "8.4"
    assert hass.states.get("sensor.cabin_weather_v3").state == "1018.9"

    # A poll
    emulator.set_value(6, "v2", 77)
    await poll()
    assert hass.states.get("sensor.cabin_weather_v2").state == "77"

    # A write
    cabin = registry_ids(hass, entry)["device Cabin weather"]
    await hass.services.async_call(
        DOMAIN,
        "set_value",
        {"device_id": cabin, "datastream": "v3", "value": 1020.5},
        blocking=True,
    )
    assert emulator.value(6, 3) == 1020.5

    # A discovery: a pin that gets its first value becomes an entity
    emulator.set_value(6, "v4", "123")
    await poll()
    assert hass.states.get("sensor.cabin_weather_v4").state == "123"

    # History: the Device API's export, read into statistics
    answer = await hass.services.async_call(
        DOMAIN,
        "import_statistics",
        {"device_id": cabin, "start": dt_util.utcnow() - timedelta(days=6)},
        blocking=True,
        return_response=True,
    )
    # Also when every value comes as text: the numbers among them are numbers, with statistics.
    assert answer is not None
    assert answer["hours"] > 0

    # Reauth: a token the server no longer knows asks the user
    emulator.remove_device(6)
    await poll()
    assert reauth_started(hass, entry)


@pytest.mark.parametrize(
    ("variant", "reading"),
    [c for c in CASES if c.values[0] == "value_shapes" and c.values[1] != "one_malformed"],
)
async def test_device_mode_reads_numbers_sent_as_text(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    device_entry: MockConfigEntry,
    emulator: Emulator,
    variant: str,
    reading: str,
) -> None:
    """Device mode types a pin by its first value: numbers sent as text are numbers too.

    Where the server sends numbers as numbers, text stays text.
    """
    emulator.set_value(1, "v4", "123")
    await setup_entry(hass, device_entry)
    temperature = hass.states.get("sensor.garden_weather_v1")
    assert temperature.state == "21.5"
    assert temperature.attributes["state_class"] == "measurement"
    status = hass.states.get("sensor.garden_weather_v4")
    assert status.state == "123"
    assert ("state_class" in status.attributes) is (reading == "text")


@pytest.mark.parametrize(
    ("variant", "reading"), [c for c in CASES if c.values[0] == "value_shapes"]
)
async def test_text_stays_text(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    organization_entry: MockConfigEntry,
    device_entry: MockConfigEntry,
    emulator: Emulator,
    variant: str,
    reading: str,
) -> None:
    """A STRING datastream keeps `123`, `true` and `null` as text, whatever the answer's shape."""
    await setup_entry(hass, organization_entry)
    await setup_entry(hass, device_entry)
    for text in ("123", "true", "null"):
        emulator.set_value(1, "v4", text)
        await advance(hass, freezer, 60)
        assert hass.states.get("sensor.garden_weather_status").state == text
        assert hass.states.get("sensor.garden_weather_v4").state == text


@pytest.mark.parametrize(
    ("variant", "reading"), [c for c in CASES if c.values[0] == "export_quota"]
)
async def test_an_export_refused_for_its_quota_is_an_error(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    device_entry: MockConfigEntry,
    emulator: Emulator,
    variant: str,
    reading: str,
) -> None:
    """Over the daily export limit, the history import fails aloud: it never reads as empty."""
    await setup_entry(hass, device_entry)
    garden = registry_ids(hass, device_entry)["device Garden weather"]
    data = {"device_id": garden, "start": dt_util.utcnow() - timedelta(days=2)}
    limit = emulator.world.export_daily_limit
    assert emulator.use_quota("export", emulator.world.devices[1], limit, limit)  # used up today
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN, "import_statistics", data, blocking=True, return_response=True
        )
    key = {"429": "rate_limited", "500_no_data_text": "api_error"}[reading]
    assert err.value.translation_key == key


@pytest.mark.parametrize(
    ("variant", "reading"), [c for c in CASES if c.values[0] == "device_get_keys"]
)
async def test_chosen_pins_are_read_with_bare_keys(
    hass: HomeAssistant,
    blynk: EmulatorServer,
    emulator: Emulator,
    caplog: pytest.LogCaptureFixture,
    variant: str,
    reading: str,
) -> None:
    """A pin chosen in the options that has no value yet is read with `get`, as documented."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Cabin weather",
        unique_id=device_unique_id(CABIN["token"]),
        data={CONF_MODE: Mode.DEVICE, CONF_HOST: blynk.url("ny3"), CONF_TOKEN: CABIN["token"]},
        options={CONF_DATASTREAMS: {"v4": {"entity": "sensor"}}},
    )
    await setup_entry(hass, entry)
    (read,) = [record for record in emulator.requests if record.path == "/external/api/get"]
    assert (read.query, read.status) == ((("token", "REDACTED"), ("v4", "")), 200)
    assert hass.states.get("sensor.cabin_weather_v4").state == STATE_UNKNOWN
    assert "could not be read" not in caplog.text
