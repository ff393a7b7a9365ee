"""The naive ways of polling a fleet: plain aiohttp loops of sequential awaits.

They are what the benchmark compares the integration's batch reads with; the integration holds
none of this. Both read the same values the integration reads, and parse what they read.
"""

from collections.abc import Sequence
from typing import Any

import aiohttp

V2_VALUES = "/api/v2/organization/device/datastreams"
TIMEOUT = aiohttp.ClientTimeout(total=20)
"""As long as the integration waits for an answer."""
DEVICE_GET = "/external/api/get"


async def access_token(session: aiohttp.ClientSession, url: str, scenario: dict[str, Any]) -> str:
    """An OAuth2 access token of the scenario's client (fetched once, before any timing)."""
    client = scenario["oauth_clients"][0]
    async with session.post(
        f"{url}/oauth2/token",
        params={"grant_type": "client_credentials"},
        auth=aiohttp.BasicAuth(client["client_id"], client["client_secret"]),
        timeout=TIMEOUT,
    ) as resp:
        resp.raise_for_status()
        token: str = (await resp.json())["access_token"]
        return token


async def per_device(
    session: aiohttp.ClientSession, url: str, token: str, device_ids: Sequence[int]
) -> dict[int, Any]:
    """One v2 read per device (Platform API), one after the other."""
    headers = {"Authorization": f"Bearer {token}"}
    values: dict[int, Any] = {}
    for device_id in device_ids:
        async with session.get(
            f"{url}{V2_VALUES}",
            params={"deviceId": str(device_id)},
            headers=headers,
            timeout=TIMEOUT,
        ) as resp:
            resp.raise_for_status()
            values[device_id] = await resp.json()
    return values


async def per_datastream(
    session: aiohttp.ClientSession, url: str, devices: Sequence[tuple[str, Sequence[str]]]
) -> dict[tuple[str, str], str]:
    """One Device HTTPS API `get` per datastream of each `(token, pins)`, one after the other.

    This is how the existing community integrations read: a request per pin per device.
    """
    values: dict[tuple[str, str], str] = {}
    for token, pins in devices:
        for pin in pins:
            async with session.get(
                f"{url}{DEVICE_GET}?token={token}&{pin}", timeout=TIMEOUT
            ) as resp:
                resp.raise_for_status()
                values[token, pin] = await resp.text()
    return values
