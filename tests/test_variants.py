"""The integration's main paths under every reading the emulator can play (emulator/variants.py).

Each reading is played on the paths where it applies, through Home Assistant (config entries,
states, services, registries), and each case asserts what that reading could break:
- `test_organization`: the Platform API's readings (token refusal, boolean writes, value
  shapes and timestamps, template bounds, import age, redirect status) on setup, a poll,
  writes, a discovery, a history read, an import and a reauth;
- `test_device`: the Device API's readings (value shapes, export delivery and timestamps,
  import age, redirect status) on setup, a poll, a write, a new pin, the export read into
  statistics, an upload and a reauth; how device mode types values sent as text;
- page sizes on more devices and history than a page holds; the export quota; `get` keys; ENUMs
  answered with their numbers or their labels;
  the redirect rules (once, to the same service only, never from https to http) under each
  redirect status.

The emulator plays the demo scenario with the case's readings; every other variant keeps the
demo's reading. `test_every_reading_is_played` keeps the list complete.
"""

from collections.abc import AsyncIterator
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
from homeassistant.util import dt as dt_util, ssl as ssl_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.blynk_cloud.config_flow import device_unique_id
from custom_components.blynk_cloud.const import CONF_DATASTREAMS, CONF_MODE, DOMAIN, Mode
from emulator import Emulator, EmulatorServer, Fault
from emulator.variants import CATALOG
from tests.combined import local_resolver, vendor_entry
from tests.conftest import (
    DEMO,
    OAUTH_CLIENT,
    ORGANIZATION,
    advance,
    demo_device,
    fleet,
    setup_entry,
    typed,
)
from tests.https import certificate, https_proxy
from tests.test_statistics import recorded

CABIN = demo_device("Cabin weather")  # region ny3
GARDEN = demo_device("Garden weather")
DISCOVERY = 15 * 60
TOKEN = "/oauth2/token"
DEVICES = "/api/v1/organization/devices"
HISTORY = "/api/v1/organization/device/datastream/history"
BATCH = "/api/v1/organization/device/datastreams/batch"
WRITE = "/api/v1/organization/device/datastream"
TEMPERATURE = "sensor.garden_weather_temperature"
HOUR_MS = 3_600_000

__all__ = ["local_resolver"]


def readings(name: str) -> list[str]:
    """Every reading of a variant."""
    return [reading.name for reading in CATALOG[name].readings]


def case(chosen: dict[str, str]) -> Any:
    """A test case playing these readings, named after them."""
    return pytest.param(chosen, id=",".join(f"{name}={value}" for name, value in chosen.items()))


def cases(*names: str) -> list[Any]:
    """One case for each reading of each variant named."""
    return [case({name: reading}) for name in names for reading in readings(name)]


ORGANIZATION_CASES = cases(
    "token_refusal",
    "boolean_writes",
    "value_shapes",
    "value_timestamps",
    "template_bounds",
    "import_age",
    "redirect",
)
# CSV has no quoted numbers: the text forms of `ts` come in JSON bodies only.
EXPORT_CASES = [
    case({"export_delivery": delivery, "export_timestamps": stamps})
    for delivery in readings("export_delivery")
    for stamps in (
        readings("export_timestamps") if delivery == "json" else ("seconds", "milliseconds")
    )
]
DEVICE_CASES = [*cases("value_shapes", "import_age", "redirect"), *EXPORT_CASES]
TEXT_CASES = cases("value_shapes")
NUMBERS_AS_TEXT_CASES = [
    case({"value_shapes": r}) for r in readings("value_shapes") if r != "one_malformed"
]
QUOTA_CASES = cases("export_quota")
GET_KEY_CASES = cases("device_get_keys")
REDIRECT_CASES = cases("redirect")
ENUM_CASES = cases("enum_answers")
PAGED = fleet(120, 1)
"""More devices than a page of 100 holds (or of 50, the documented default size)."""
PAGE_CASES = [
    pytest.param({**PAGED, "variants": {"page_size": reading}}, id=f"page_size={reading}")
    for reading in readings("page_size")
]


@pytest.fixture
def scenario(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The demo with the case's readings."""
    scenario = copy.deepcopy(DEMO)
    scenario["variants"] = {
        **scenario.get("variants", {}),
        **request.node.callspec.params["chosen"],
    }
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


def organization_at(host: str) -> MockConfigEntry:
    """The demo organization's entry, made with the address `host`."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=ORGANIZATION["name"],
        unique_id=f"127.0.0.1:{ORGANIZATION['id']}",
        data={
            CONF_MODE: Mode.ORGANIZATION,
            CONF_HOST: host,
            CONF_CLIENT_ID: OAUTH_CLIENT["client_id"],
            CONF_CLIENT_SECRET: OAUTH_CLIENT["client_secret"],
        },
    )


def cabin_at(host: str, **options: Any) -> MockConfigEntry:
    """The cabin's device-mode entry, made with the address `host`."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Cabin weather",
        unique_id=device_unique_id(CABIN["token"]),
        data={CONF_MODE: Mode.DEVICE, CONF_HOST: host, CONF_TOKEN: CABIN["token"]},
        options=options,
    )


def refused_as_too_old(emulator: Emulator) -> str | None:
    """The server's words for a point 45 days old: None where three months are allowed."""
    if emulator.variants.is_("import_age", "three_months"):
        return None
    return "only one month in the past"


async def import_old_point(
    hass: HomeAssistant,
    emulator: Emulator,
    device_id: str,
    stored_in: tuple[int, str, float],
    refusal: str | None,
) -> None:
    """Import a point 45 days old: stored in `stored_in` (device, pin, value), or refused so."""
    device, pin, value = stored_in
    old = {"ts": (dt_util.utcnow() - timedelta(days=45)).isoformat(), "value": value}
    data = {"device_id": device_id, "datastream": pin, "values": [old]}
    if refusal is None:
        await hass.services.async_call(DOMAIN, "import_history", data, blocking=True)
        assert value in [stored for _, stored in emulator.history(device, pin)]
    else:
        with pytest.raises(HomeAssistantError, match=refusal):
            await hass.services.async_call(DOMAIN, "import_history", data, blocking=True)


async def writes(hass: HomeAssistant, emulator: Emulator) -> None:
    """A BOOLEAN switch (its value goes out as the number 1), a number, and a relay.

    A relay is an INT 0/1 datastream: a switch where the template gives its bounds, else a
    number over Blynk's whole Integer range.
    """
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.living_room_relays_pump"}, blocking=True
    )
    (sent,) = [record.body for record in emulator.requests if record.path == WRITE]
    assert typed(sent) == typed({"deviceId": 2, "dataStreamId": 3, "value": 1})
    assert emulator.value(2, 3) == 1
    assert hass.states.get("switch.living_room_relays_pump").state == "on"
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": "number.living_room_relays_setpoint", "value": 22.5},
        blocking=True,
    )
    assert emulator.value(2, 4) == 22.5
    if emulator.variants.is_("template_bounds", "present"):
        relay = "switch.living_room_relays_relay_1"
        assert hass.states.get(relay).state == "on"
        await hass.services.async_call("switch", "turn_off", {"entity_id": relay}, blocking=True)
        assert hass.states.get(relay).state == "off"
    else:
        relay = "number.living_room_relays_relay_1"
        state = hass.states.get(relay)
        assert (state.state, state.attributes["min"], state.attributes["max"]) == (
            "1",
            -2147483648,
            2147483647,
        )
        await hass.services.async_call(
            "number", "set_value", {"entity_id": relay, "value": 0}, blocking=True
        )
        assert hass.states.get(relay).state == "0"
    assert emulator.value(2, "v0") == 0


@pytest.mark.parametrize("chosen", ORGANIZATION_CASES)
async def test_organization(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    blynk: EmulatorServer,
    emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    chosen: dict[str, str],
) -> None:
    # Setup. The client lives in fra1; the entry starts in ny3 and is sent there by a redirect.
    entry = organization_at(blynk.url("ny3"))
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert entry.data[CONF_HOST] == blynk.url("fra1")
    assert hass.states.get(TEMPERATURE).state == expected_state(emulator, "21.5")
    assert hass.states.get("sensor.garden_weather_status").state == "OK"
    assert hass.states.get("sensor.hallway_thermostat_room_temperature").state == "20.8"
    before = registry_ids(hass, entry)

    # A poll
    emulator.set_value(1, "v2", 55)
    emulator.set_value(4, "v0", 19.5)
    await advance(hass, freezer, 30)
    assert hass.states.get("sensor.garden_weather_humidity").state == "55"
    assert hass.states.get("sensor.hallway_thermostat_room_temperature").state == "19.5"

    # Writes
    await writes(hass, emulator)

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

    # History, and an import older than one month: refused by the server that says so
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
    await import_old_point(hass, emulator, garden, (1, "v1", 4.5), refused_as_too_old(emulator))

    # Reauth. A revoked token is renewed once, without a word; a renewed token the API
    # refuses again asks the user (while the token endpoint still gives tokens).
    renewals = emulator.count(TOKEN)
    emulator.revoke_tokens()
    emulator.set_value(1, "v2", 56)
    await advance(hass, freezer, 30)
    assert hass.states.get("sensor.garden_weather_humidity").state == "56"
    assert emulator.count(TOKEN) == renewals + 1
    assert not reauth_started(hass, entry)
    monkeypatch.setattr(emulator, "client_for_access_token", lambda _token: None)
    await advance(hass, freezer, 30)
    assert reauth_started(hass, entry)
    assert emulator.count(TOKEN) == renewals + 2


@pytest.mark.parametrize("chosen", DEVICE_CASES)
async def test_device(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    blynk: EmulatorServer,
    emulator: Emulator,
    chosen: dict[str, str],
) -> None:
    """With the recorder, for the statistics."""

    async def poll() -> None:
        await advance(hass, freezer, 61)

    # The cabin lives in ny3; the entry starts in fra1 and is sent there by a redirect.
    entry = cabin_at(blynk.url("fra1"))
    hour_ago = emulator.now_ms() - HOUR_MS
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

    # History: the Device API's export (a file or rows, `ts` in any form), into statistics
    start = dt_util.utcnow() - timedelta(days=6)
    answer = await hass.services.async_call(
        DOMAIN,
        "import_statistics",
        {"device_id": cabin, "start": start},
        blocking=True,
        return_response=True,
    )
    # Also when every value comes as text: the numbers among them are numbers, with statistics.
    assert answer is not None
    rows = await recorded(hass, "sensor.cabin_weather_v3", start)
    hour = hour_ago // HOUR_MS * HOUR_MS
    assert [row["mean"] for row in rows if row["start"] == hour / 1000] == [1017.0]

    # An upload older than one month: refused by the server that says so
    await import_old_point(hass, emulator, cabin, (6, "v3", 1001.5), refused_as_too_old(emulator))

    # Reauth: a token the server no longer knows asks the user
    emulator.remove_device(6)
    await poll()
    assert reauth_started(hass, entry)


@pytest.mark.parametrize("scenario", PAGE_CASES)
async def test_paged_reads(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
) -> None:
    """120 devices and 150 history points: more than a page, whatever size the server serves."""
    reading = emulator.variants.reading("page_size")
    # Requests a listing of 120 devices costs, and a history of 150 points (the server's
    # page: 1,000 asked; 100; 100 after a refused 1,000, and from then on; 50 whatever
    # asked; 2)
    pages = {
        "honoured": (1, 1),
        "capped_100": (2, 2),
        "strict_100": (3, 2),
        "ignored": (3, 3),
        "capped_2": (60, 75),
    }[reading]
    base = emulator.now_ms() - 3 * 24 * HOUR_MS
    for index in range(150):
        emulator.set_value(1, 0, float(index % 40), ts_ms=base + index * 20 * 60_000)
    entry = await setup_entry(hass, organization_entry)
    assert entry.state is ConfigEntryState.LOADED
    devices = [key for key in registry_ids(hass, entry) if key.startswith("device ")]
    assert len(devices) == 120
    assert emulator.count(DEVICES) == pages[0]

    # A discovery: a device on the last page arrives, one of the first page stays a while
    newcomer = copy.deepcopy(PAGED["devices"][0])
    newcomer.update(id=121, name="Fleet device 00121", token="N" * 32)
    emulator.add_device(newcomer)
    emulator.remove_device(7)
    await advance(hass, freezer, DISCOVERY)
    assert hass.states.get("sensor.fleet_device_00121_temperature_0").state != STATE_UNAVAILABLE
    assert hass.states.get("sensor.fleet_device_00007_temperature_0").state == STATE_UNAVAILABLE
    assert len([key for key in registry_ids(hass, entry) if key.startswith("device ")]) == 121

    # History longer than a page
    emulator.clear_log()
    first = registry_ids(hass, entry)["device Fleet device 00001"]
    answer = await hass.services.async_call(
        DOMAIN,
        "get_history",
        {
            "device_id": first,
            "datastream": "v0",
            "start": dt_util.utc_from_timestamp(base / 1000),
            "end": dt_util.utcnow(),
        },
        blocking=True,
        return_response=True,
    )
    assert answer is not None
    assert [point["value"] for point in answer["points"]] == [
        value for _, value in emulator.history(1, 0)
    ]
    assert len(answer["points"]) == 150
    assert emulator.count(HISTORY) == pages[1]


@pytest.mark.parametrize("chosen", NUMBERS_AS_TEXT_CASES)
async def test_device_mode_reads_numbers_sent_as_text(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    device_entry: MockConfigEntry,
    emulator: Emulator,
    chosen: dict[str, str],
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
    assert ("state_class" in status.attributes) is (chosen["value_shapes"] == "text")


@pytest.mark.parametrize("chosen", TEXT_CASES)
async def test_text_stays_text(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    organization_entry: MockConfigEntry,
    device_entry: MockConfigEntry,
    emulator: Emulator,
    chosen: dict[str, str],
) -> None:
    """A STRING datastream keeps `123`, `true` and `null` as text, whatever the answer's shape."""
    await setup_entry(hass, organization_entry)
    await setup_entry(hass, device_entry)
    for text in ("123", "true", "null"):
        emulator.set_value(1, "v4", text)
        await advance(hass, freezer, 60)
        assert hass.states.get("sensor.garden_weather_status").state == text
        assert hass.states.get("sensor.garden_weather_v4").state == text


@pytest.mark.parametrize("chosen", QUOTA_CASES)
async def test_an_export_refused_for_its_quota_is_an_error(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    device_entry: MockConfigEntry,
    emulator: Emulator,
    chosen: dict[str, str],
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
    key = {"429": "rate_limited", "500_no_data_text": "api_error"}[chosen["export_quota"]]
    assert err.value.translation_key == key


@pytest.mark.parametrize("chosen", GET_KEY_CASES)
async def test_chosen_pins_are_read_with_bare_keys(
    hass: HomeAssistant,
    blynk: EmulatorServer,
    emulator: Emulator,
    caplog: pytest.LogCaptureFixture,
    chosen: dict[str, str],
) -> None:
    """A pin chosen in the options that has no value yet is read with `get`, as documented:
    `get?token=…&v4`, never `v4=` (which a strict server refuses and a lenient one takes)."""  # noqa: D205, D209
    entry = cabin_at(blynk.url("ny3"), **{CONF_DATASTREAMS: {"v4": {"entity": "sensor"}}})
    await setup_entry(hass, entry)
    (read,) = [record for record in emulator.requests if record.path == "/external/api/get"]
    assert (read.query, read.status) == ((("token", "REDACTED"), ("v4", None)), 200)
    assert hass.states.get("sensor.cabin_weather_v4").state == STATE_UNKNOWN
    assert "could not be read" not in caplog.text


@pytest.mark.usefixtures("local_resolver")
@pytest.mark.parametrize("chosen", ENUM_CASES)
async def test_an_enum_answered_with_its_number_or_its_label(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    blynk: EmulatorServer,
    emulator: Emulator,
    caplog: pytest.LogCaptureFixture,
    chosen: dict[str, str],
) -> None:
    """The Windmill AC's mode and fan speed (ENUMs with labels) read alike either way."""
    await setup_entry(hass, vendor_entry(blynk, "Office AC"))
    state = hass.states.get("climate.office_ac")
    assert (state.state, state.attributes["fan_mode"]) == ("cool", "medium")
    await hass.services.async_call(
        "climate",
        "set_fan_mode",
        {"entity_id": "climate.office_ac", "fan_mode": "high"},
        blocking=True,
    )
    assert emulator.value(20, "v4") == 3  # the number, never the label, is written
    emulator.set_value(20, "v3", 0)  # the unit is set to Fan on its own panel
    await advance(hass, freezer, 61)
    state = hass.states.get("climate.office_ac")
    assert (state.state, state.attributes["fan_mode"]) == ("fan_only", "high")
    assert "Unreadable value" not in caplog.text


# The redirect rules, under each status the server may redirect with


@pytest.mark.usefixtures("local_resolver")
@pytest.mark.parametrize("rule", ["once", "same_service"])
@pytest.mark.parametrize("chosen", REDIRECT_CASES)
async def test_a_refused_redirect_fails_one_poll(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    blynk: EmulatorServer,
    emulator: Emulator,
    chosen: dict[str, str],
    rule: str,
) -> None:
    """A redirect is followed once, to the same service only.

    Sent to ny3, which sends the read back, or to another host name (which would answer): the
    poll fails without a loop and without reaching the other host; the next poll reads.
    """
    entry = await setup_entry(hass, organization_at(blynk.url("fra1")))
    status = int(chosen["redirect"])
    port = blynk.url("fra1").rsplit(":", 1)[1]
    location, answered = {
        "once": (blynk.url("ny3") + BATCH, [("fra1", status), ("ny3", status)]),
        "same_service": (f"http://blynk.localhost:{port}{BATCH}", [("fra1", status)]),
    }[rule]
    emulator.clear_log()
    emulator.inject(Fault.redirect(location, status), path=BATCH)
    await advance(hass, freezer, 30)
    assert [(record.region, record.status) for record in emulator.requests] == answered
    assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    await advance(hass, freezer, 30)
    assert hass.states.get(TEMPERATURE).state == "21.5"
    assert entry.data[CONF_HOST] == blynk.url("fra1")


@pytest.fixture
async def https_ny3(blynk: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    """The emulator's ny3 behind https, with a certificate Home Assistant's session trusts."""
    server_context, client_context = certificate()
    monkeypatch.setattr(ssl_util, "client_context", lambda *_args: client_context)
    async with https_proxy(blynk.url("ny3"), server_context) as url:
        yield url


@pytest.mark.parametrize("chosen", REDIRECT_CASES)
async def test_never_from_https_to_http(
    hass: HomeAssistant,
    blynk: EmulatorServer,
    emulator: Emulator,
    https_ny3: str,
    chosen: dict[str, str],
) -> None:
    """ny3, over https, sends the organization to fra1 over http: the secret stays home."""
    entry = await setup_entry(hass, organization_at(https_ny3))
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert [(record.region, record.path, record.status) for record in emulator.requests] == [
        ("ny3", TOKEN, int(chosen["redirect"]))
    ]
    assert entry.data[CONF_HOST] == https_ny3


@pytest.mark.parametrize(
    "chosen", [case({"export_delivery": r}) for r in readings("export_delivery") if r != "json"]
)
async def test_no_export_link_from_https_to_http(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    emulator: Emulator,
    https_ny3: str,
    chosen: dict[str, str],
) -> None:
    """The cabin reads over https; its export links to a file over http: not downloaded."""
    entry = await setup_entry(hass, cabin_at(https_ny3))
    assert hass.states.get("sensor.cabin_weather_v1").state == "8.4"
    cabin = registry_ids(hass, entry)["device Cabin weather"]
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN,
            "import_statistics",
            {"device_id": cabin, "start": dt_util.utcnow() - timedelta(days=2)},
            blocking=True,
            return_response=True,
        )
    assert "refused to go to another server" in str(err.value.translation_placeholders)
    assert emulator.count("/external/api/data/get") == 1


def test_every_reading_is_played() -> None:
    """Each reading of the catalog has a case above."""
    chosen = [
        param.values[0]
        for param in (
            *ORGANIZATION_CASES,
            *DEVICE_CASES,
            *TEXT_CASES,
            *NUMBERS_AS_TEXT_CASES,
            *QUOTA_CASES,
            *GET_KEY_CASES,
            *REDIRECT_CASES,
            *ENUM_CASES,
        )
    ]
    chosen += [param.values[0]["variants"] for param in PAGE_CASES]
    played = {(name, reading) for readings in chosen for name, reading in readings.items()}
    assert played == {(name, reading) for name in CATALOG for reading in readings(name)}
