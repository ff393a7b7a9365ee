"""The client against every reading the emulator can play (emulator/variants.py)."""

from typing import Any

import aiohttp
import pytest

from custom_components.blynk_cloud.api import (
    BlynkDeviceClient,
    BlynkInvalidCredentialsError,
    BlynkPlatformClient,
    BlynkRateLimitError,
    BlynkScopeError,
    BlynkServerError,
    DatastreamType,
    platform as platform_module,
)
from emulator import Emulator, EmulatorServer
from emulator.variants import CATALOG
from tests.conftest import OAUTH_CLIENT, UNSCOPED_CLIENT, demo_device, fleet

TOKEN = "/oauth2/token"
DEVICES = "/api/v1/organization/devices"
HISTORY = "/api/v1/organization/device/datastream/history"
DAY_MS = 86_400_000


def readings(name: str) -> list[str]:
    """Every reading of a variant."""
    return [reading.name for reading in CATALOG[name].readings]


@pytest.mark.parametrize("reading", readings("token_refusal"))
async def test_a_refused_token_is_renewed_once(
    platform: BlynkPlatformClient, emulator: Emulator, reading: str
) -> None:
    emulator.variants.update({"token_refusal": reading})
    await platform.authenticate()
    emulator.revoke_tokens()
    assert await platform.device_online(1) is True  # renewed, then the request repeated
    assert emulator.count(TOKEN) == 2
    emulator.revoke_tokens()
    emulator.set_client_secret(OAUTH_CLIENT["client_id"], "rotated")
    with pytest.raises(BlynkInvalidCredentialsError):
        await platform.device_online(1)


@pytest.mark.parametrize("reading", readings("token_refusal"))
async def test_a_second_refusal_is_an_auth_failure(
    platform: BlynkPlatformClient,
    emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    reading: str,
) -> None:
    """A token refused again right after renewal: the credentials are refused."""
    emulator.variants.update({"token_refusal": reading})
    await platform.authenticate()
    monkeypatch.setattr(emulator, "client_for_access_token", lambda _token: None)
    with pytest.raises(BlynkInvalidCredentialsError):
        await platform.device_online(1)
    assert emulator.count(TOKEN) == 2  # one renewal, no more


@pytest.mark.parametrize("reading", readings("token_refusal"))
async def test_the_scope_error_stays_the_scope_error(
    session: aiohttp.ClientSession, blynk: EmulatorServer, emulator: Emulator, reading: str
) -> None:
    emulator.variants.update({"token_refusal": reading})
    client = BlynkPlatformClient(
        session, blynk.url(), UNSCOPED_CLIENT["client_id"], UNSCOPED_CLIENT["client_secret"]
    )
    with pytest.raises(BlynkScopeError):
        await client.device_online(1)
    assert emulator.count(TOKEN) == 1


@pytest.mark.parametrize("scenario", [fleet(25)])
@pytest.mark.parametrize("reading", readings("page_size"))
async def test_every_page_size(
    session: aiohttp.ClientSession, blynk: EmulatorServer, emulator: Emulator, reading: str
) -> None:
    emulator.variants.update({"page_size": reading})
    client = BlynkPlatformClient(
        session, blynk.url(), OAUTH_CLIENT["client_id"], OAUTH_CLIENT["client_secret"]
    )
    listing = await client.devices()
    assert listing.complete
    assert sorted(device.id for device in listing.items) == list(range(1, 26))
    base = emulator.now_ms() - DAY_MS
    for index in range(120):
        emulator.set_value(1, 0, float(index % 80), ts_ms=base + index * 60_000)
    points = await client.history(1, 0, base, emulator.now_ms())
    values = [point.value for point in points if point.ts >= base]
    assert values == [float(index % 80) for index in range(120)]
    limited = await client.history(1, 0, base, emulator.now_ms(), limit=3)
    assert len(limited) == 3


@pytest.mark.parametrize("scenario", [fleet(25)])
async def test_paging_stops_at_the_hard_cap(
    session: aiohttp.ClientSession,
    blynk: EmulatorServer,
    emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    emulator.variants.update({"page_size": "capped_2"})
    monkeypatch.setattr(platform_module, "MAX_PAGES", 4)
    client = BlynkPlatformClient(
        session, blynk.url(), OAUTH_CLIENT["client_id"], OAUTH_CLIENT["client_secret"]
    )
    listing = await client.devices()
    assert (len(listing.items), listing.complete) == (8, False)
    assert emulator.count(DEVICES) == 4


async def test_booleans_are_written_as_numbers(
    platform: BlynkPlatformClient, emulator: Emulator
) -> None:
    """The documented raw value is a string, a number or a location: never true/false."""
    assert emulator.variants.reading("boolean_writes") == "refused"
    await platform.write_value(2, 3, True)
    assert emulator.value(2, 3) == 1
    await platform.write_values(2, {3: False, 1: True})
    assert (emulator.value(2, 3), emulator.value(2, 1)) == (0, 1)
    now = emulator.now_ms()
    await platform.import_history(2, 3, [(now - 1000, True)])
    assert (now - 1000, 1) in emulator.history(2, 3)
    await platform.batch_update(["deviceId", "Pump"], [[2, True]])
    assert emulator.value(2, 3) == 1
    sent = [record.body for record in emulator.requests if record.method == "POST"]
    assert all("true" not in str(body).lower() for body in sent), sent


@pytest.mark.parametrize("reading", readings("device_get_keys"))
async def test_get_under_every_reading(
    device: BlynkDeviceClient, emulator: Emulator, reading: str
) -> None:
    emulator.variants.update({"device_get_keys": reading})
    assert await device.get(["v1", "v2"]) == {"v1": 21.5, "v2": 48}
    assert await device.get(["v2"]) == {"v2": "48"}


@pytest.mark.parametrize("stamps", readings("export_timestamps"))
@pytest.mark.parametrize("delivery", readings("export_delivery"))
async def test_every_export(
    session: aiohttp.ClientSession,
    blynk: EmulatorServer,
    emulator: Emulator,
    delivery: str,
    stamps: str,
) -> None:
    emulator.variants.update({"export_delivery": delivery, "export_timestamps": stamps})
    weather = BlynkDeviceClient(session, blynk.url(), demo_device("Garden weather")["token"])
    points = await weather.export("v1", "WEEK", DatastreamType.DOUBLE)
    expected = [
        (ts // 1000 * 1000 if stamps.startswith("seconds") else ts, value)
        for ts, value in emulator.history(1, 1)
        if ts >= emulator.now_ms() - 7 * DAY_MS
    ]
    assert [(point.ts, point.value) for point in points] == expected
    emulator.set_value(1, "v4", "123", ts_ms=emulator.now_ms() - 1000)
    status = await weather.export("v4", "WEEK", DatastreamType.STRING)
    assert [point.value for point in status] == ["123"]  # a STRING stays text


@pytest.mark.parametrize(
    ("reading", "error"),
    [("429", BlynkRateLimitError), ("500_no_data_text", BlynkServerError)],
)
async def test_an_export_refused_for_quota_is_not_an_empty_history(
    device: BlynkDeviceClient, emulator: Emulator, reading: str, error: type[Exception]
) -> None:
    emulator.variants.update({"export_quota": reading})
    for _ in range(10):
        await device.export("v1", "DAY")
    with pytest.raises(error, match="exports"):
        await device.export("v1", "DAY")


@pytest.mark.parametrize("reading", readings("value_shapes"))
async def test_values_are_kept_as_sent(
    platform: BlynkPlatformClient, emulator: Emulator, reading: str
) -> None:
    emulator.variants.update({"value_shapes": reading})
    answer = await platform.batch_values([1, 2])
    raw: dict[str, Any] = {item.pin: item.raw for item in answer[1]}
    expected = {
        "typed": 21.5,
        "text": "21.5",
        "one_malformed": {"unexpected": True},
    }[reading]
    assert raw["v1"] == expected
    assert answer[2]  # the other device of the batch is there, whatever the first holds
