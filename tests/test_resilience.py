"""The fault matrix: load, rate-limit storms, the server away, expiring tokens, offline devices.

After every fault the integration recovers by itself, with its entities back and no duplicate
entities or devices.
"""

import asyncio

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.blynk_cloud.const import DOMAIN
from emulator import Emulator, EmulatorServer, Fault
from tests.conftest import advance, fleet, setup_entry

BATCH = "/api/v1/organization/device/datastreams/batch"
WRITE = "/api/v1/organization/device/datastream"
WRITES = "/api/v1/organization/device/datastreams"
TEMPERATURE = "sensor.garden_weather_temperature"


def counts(hass: HomeAssistant, entry: MockConfigEntry) -> tuple[int, int]:
    """Devices and entities of the entry in the registries."""
    return (
        len(dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)),
        len(er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)),
    )


@pytest.mark.parametrize("scenario", [fleet(1000, 2)])
async def test_thousand_devices_and_a_burst_of_writes(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
) -> None:
    entry = await setup_entry(hass, organization_entry)
    assert counts(hass, entry) == (1000, 3000)  # two datastreams and connectivity per device
    emulator.clear_log()
    await advance(hass, freezer, 30)
    assert emulator.count(BATCH) == 100
    assert emulator.count() == 100

    registry = dr.async_get(hass)
    device_ids = {
        key.rsplit("_", 1)[1]: device.id
        for device in dr.async_entries_for_config_entry(registry, entry.entry_id)
        for _, key in device.identifiers
    }
    emulator.clear_log()
    calls = [
        hass.services.async_call(
            DOMAIN,
            "set_value",
            {"device_id": device_ids[str(number)], "datastream": "v0", "value": number % 80},
            blocking=True,
        )
        for number in range(1, 151)
    ] + [
        hass.services.async_call(
            DOMAIN,
            "set_values",
            {"device_id": device_ids[str(number)], "values": {"v0": 20.5, "v1": number % 100}},
            blocking=True,
        )
        for number in range(151, 201)
    ]
    await asyncio.gather(*calls)
    singles = [r.body["deviceId"] for r in emulator.requests if r.path == WRITE]
    multiples = [r.body["deviceId"] for r in emulator.requests if r.path == WRITES]
    # Every write arrived, exactly once.
    assert sorted(singles) == list(range(1, 151))
    assert sorted(multiples) == list(range(151, 201))
    assert emulator.value(42, 0) == 42
    assert (emulator.value(199, 0), emulator.value(199, 1)) == (20.5, 99)
    assert all(r.status in (200, 204) for r in emulator.requests)


@pytest.mark.parametrize("retry_after", [90, None])
async def test_rate_limit_storm(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    retry_after: int | None,
) -> None:
    entry = await setup_entry(hass, organization_entry)
    before = counts(hass, entry)
    emulator.inject(Fault.rate_limited(retry_after), path=BATCH, count=5)
    wait = retry_after or 60
    emulator.clear_log()
    await advance(hass, freezer, 30)  # the first poll is refused: the last values stay
    assert hass.states.get(TEMPERATURE).state == "21.5"
    for _ in range(4):
        await advance(hass, freezer, wait)
        # Every poll waits as long as the server asked; values three polls old are not shown.
        assert hass.states.get(TEMPERATURE).state == STATE_UNAVAILABLE
    assert emulator.count(BATCH) == 5
    emulator.set_value(1, "v1", 17.0)
    await advance(hass, freezer, wait)
    assert hass.states.get(TEMPERATURE).state == "17.0"
    assert counts(hass, entry) == before


async def test_server_away_at_startup(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    blynk: EmulatorServer,
) -> None:
    ports = {region: int(url.rsplit(":", 1)[1]) for region, url in blynk.urls.items()}
    await blynk.stop()
    entry = await setup_entry(hass, organization_entry)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.error_reason_translation_key == "cannot_connect"
    async with EmulatorServer(emulator, ports=ports):
        for _ in range(20):  # Home Assistant retries with a growing delay
            await advance(hass, freezer, 30)
            if entry.state is ConfigEntryState.LOADED:
                break
        assert entry.state is ConfigEntryState.LOADED
        assert hass.states.get(TEMPERATURE).state == "21.5"
        assert counts(hass, entry) == (8, 39)
        await hass.config_entries.async_unload(entry.entry_id)


async def test_access_token_expiring_during_a_burst(
    hass: HomeAssistant, organization_entry: MockConfigEntry, emulator: Emulator
) -> None:
    await setup_entry(hass, organization_entry)
    device_id = next(
        device.id
        for device in dr.async_entries_for_config_entry(
            dr.async_get(hass), organization_entry.entry_id
        )
        if device.name == "Living room relays"
    )
    emulator.revoke_tokens()  # what an expired token looks like to the server
    emulator.clear_log()
    await asyncio.gather(
        *(
            hass.services.async_call(
                DOMAIN,
                "set_value",
                {"device_id": device_id, "datastream": "Setpoint", "value": 10 + n / 10},
                blocking=True,
            )
            for n in range(40)
        )
    )
    assert emulator.count("/oauth2/token") == 1
    assert emulator.count(WRITE) == 40 + 8  # the eight in flight when refused are sent again


async def test_device_offline_and_back(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
) -> None:
    entry = await setup_entry(hass, organization_entry)
    before = counts(hass, entry)
    connectivity = "binary_sensor.garden_weather_connectivity"
    emulator.set_online(1, False)
    await advance(hass, freezer, 5 * 60)
    assert hass.states.get(connectivity).state == "off"
    assert hass.states.get(TEMPERATURE).state == "21.5"
    emulator.set_online(1, True)
    emulator.set_value(1, "v1", 23.0)
    await advance(hass, freezer, 5 * 60)
    assert hass.states.get(connectivity).state == "on"
    assert hass.states.get(TEMPERATURE).state == "23.0"
    assert counts(hass, entry) == before


async def test_all_faults_in_a_row(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
) -> None:
    """Each fault once, one after the other: the entry ends as it began.

    (A 403 is not among them: twice in a row it is a refusal of the credentials, see
    tests/test_variants.py.)
    """
    entry = await setup_entry(hass, organization_entry)
    before = counts(hass, entry)
    for fault in (
        Fault.server_error(),
        Fault.malformed_json(),
        Fault.dropped(),
        Fault(status=502),
        Fault.rate_limited(30),
    ):
        emulator.inject(fault, path=BATCH, count=2)
        await advance(hass, freezer, 60)
        await advance(hass, freezer, 60)
        emulator.clear_faults()
        await advance(hass, freezer, 60)
        assert hass.states.get(TEMPERATURE).state != STATE_UNAVAILABLE, fault
    assert counts(hass, entry) == before
    assert entry.state is ConfigEntryState.LOADED
    # Polling is back to its interval: one read every 30 seconds.
    emulator.clear_log()
    await advance(hass, freezer, 30)
    assert emulator.count(BATCH) == 1
