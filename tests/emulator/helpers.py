"""Helpers for the emulator tests: a fake clock, an HTTP client and small scenarios."""

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
import json
from typing import Any
from urllib.parse import quote

from aiohttp import ClientSession
from multidict import CIMultiDictProxy
from yarl import URL

from emulator import Emulator, EmulatorServer

BASE_TIME = 1_760_000_000.0  # 2025-10-09T08:53:20Z
V1 = "/api/v1/organization"
V2 = "/api/v2/organization"
EXT = "/external/api"


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, now: float = BASE_TIME) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Reply:
    """A fully read HTTP answer."""

    status: int
    text: str
    headers: CIMultiDictProxy[str]

    def json(self) -> Any:
        return json.loads(self.text)

    @property
    def message(self) -> str:
        return str(self.json()["error"]["message"])


def basic(client_id: str, secret: str) -> dict[str, str]:
    """Return an HTTP Basic ``Authorization`` header."""
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


@dataclass
class Blynk:
    """A small client of the emulated Blynk Cloud, for tests."""

    session: ClientSession
    server: EmulatorServer
    emu: Emulator
    _token: str | None = field(default=None, init=False)

    def url(self, path: str, region: str | None = None) -> str:
        return self.server.url(region) + path

    async def request(
        self, method: str, path: str, *, region: str | None = None, **kwargs: Any
    ) -> Reply:
        kwargs.setdefault("allow_redirects", False)
        async with self.session.request(method, self.url(path, region), **kwargs) as resp:
            return Reply(resp.status, await resp.text(), resp.headers)

    @property
    def client(self) -> tuple[str, str]:
        """Return the demo client with the Platform API scope."""
        client = next(c for c in self.emu.world.clients.values() if c.platform_api)
        return client.client_id, client.secret

    @property
    def unscoped_client(self) -> tuple[str, str]:
        """Return the demo client without the Platform API scope."""
        client = next(c for c in self.emu.world.clients.values() if not c.platform_api)
        return client.client_id, client.secret

    async def oauth(
        self, params: dict[str, str] | None = None, *, creds: tuple[str, str] | None = None
    ) -> Reply:
        query = {"grant_type": "client_credentials"} if params is None else params
        headers = basic(*creds) if creds else {}
        return await self.request("POST", "/oauth2/token", params=query, headers=headers)

    async def token(self, creds: tuple[str, str] | None = None) -> str:
        reply = await self.oauth(creds=creds or self.client)
        assert reply.status == 200, reply.text
        return str(reply.json()["access_token"])

    async def bearer(self) -> dict[str, str]:
        if self._token is None:
            self._token = await self.token()
        return {"Authorization": f"Bearer {self._token}"}

    async def pget(self, path: str, params: Any = None, *, region: str | None = None) -> Reply:
        headers = await self.bearer()
        return await self.request("GET", path, params=params, headers=headers, region=region)

    async def ppost(self, path: str, body: Any, *, region: str | None = None) -> Reply:
        headers = await self.bearer()
        return await self.request("POST", path, json=body, headers=headers, region=region)

    def device_token(self, device_id: int) -> str:
        return self.emu.world.devices[device_id].token

    async def dget(
        self,
        endpoint: str,
        params: Sequence[tuple[str, str | None]] = (),
        *,
        device: int = 1,
        region: str | None = None,
    ) -> Reply:
        """A Device API GET; a parameter whose value is None is a bare key (``&v1``)."""
        query = [("token", self.device_token(device)), *params]
        text = "&".join(
            quote(key, safe="")
            if value is None
            else f"{quote(key, safe='')}={quote(value, safe='')}"
            for key, value in query
        )
        url = URL(self.url(f"{EXT}/{endpoint}", region) + "?" + text, encoded=True)
        async with self.session.get(url, allow_redirects=False) as resp:
            return Reply(resp.status, await resp.text(), resp.headers)


def tiny_scenario(**options: Any) -> dict[str, Any]:
    """Return a small scenario with the special cases the demo does not have."""
    return {
        "regions": ["fra1"],
        "organizations": [{"id": 1, "name": "Tiny"}],
        "oauth_clients": [
            {"client_id": "tiny-client", "client_secret": "tiny-secret", "org_id": 1}
        ],
        "templates": [
            {
                "id": 10,
                "orgId": 1,
                "name": "Root",
                "datastreams": [
                    {"id": 1, "label": "Level", "type": "INT", "pin": 1},
                    {"id": 2, "label": "Lamp", "type": "INT", "pin": 3, "pinType": "DIGITAL"},
                    {"id": 3, "label": "Note", "type": "STRING", "pin": 2},
                ],
            },
            {
                "id": 11,
                "orgId": 1,
                "name": "Variant",
                "parentId": 10,
                "datastreams": [{"id": 1, "label": "Level", "type": "INT", "pin": 1}],
            },
            {
                "id": 12,
                "orgId": 1,
                "name": "Other",
                "datastreams": [{"id": 1, "label": "Level", "type": "INT", "pin": 1}],
            },
        ],
        "devices": [
            {
                "id": 1,
                "name": "Root device",
                "templateId": 10,
                "token": "tiny-token-1",
                "metafields": [{"id": 2, "name": "Weight", "type": "Number", "value": 1.5}],
            },
            {"id": 2, "name": "Variant device", "templateId": 11, "token": "tiny-token-2"},
            {"id": 3, "name": "Other device", "templateId": 12, "token": "tiny-token-3"},
        ],
        **options,
    }
