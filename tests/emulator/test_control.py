"""The control API over HTTP: a thin layer over the Python API."""

from typing import Any

import pytest

from emulator import fleet_scenario

from .helpers import EXT, Blynk, tiny_scenario

C = "/_emulator"


async def control(blynk: Blynk, verb: str, route: str, body: Any = None, **params: str) -> Any:
    kwargs: dict[str, Any] = {"params": params}
    if body is not None:
        kwargs["json"] = body
    reply = await blynk.request(verb, C + route, **kwargs)
    assert reply.status in {200, 201}, reply.text
    return reply.json()


async def test_values_history_and_online(blynk: Blynk) -> None:
    body = {"deviceId": 1, "dataStream": "v1", "value": 30.5, "ts": 1_760_000_001_000}
    assert await control(blynk, "POST", "/value", body) == {"ok": True}
    assert await control(blynk, "GET", "/value", deviceId="1", dataStream="1") == {"value": 30.5}
    history = await control(blynk, "GET", "/history", deviceId="1", dataStream="v1")
    assert history["history"][-1] == [1_760_000_001_000, 30.5]
    await control(blynk, "POST", "/value", {"deviceId": 3, "dataStream": 1, "value": [1.5, 2.5]})
    assert blynk.emu.value(3, 1) == [1.5, 2.5]
    await control(blynk, "POST", "/online", {"deviceId": 1, "online": False})
    assert (await blynk.dget("isHardwareConnected")).text == "false"


async def test_devices(blynk: Blynk) -> None:
    added = await control(
        blynk, "POST", "/devices", {"name": "New", "templateId": 353, "token": "t" * 32}
    )
    assert added == {"id": 26}
    assert (
        await blynk.request("GET", f"{EXT}/isHardwareConnected", params={"token": "t" * 32})
    ).text == "false"
    assert await control(blynk, "DELETE", "/devices/26") == {"ok": True}
    gone = await blynk.request("DELETE", f"{C}/devices/26")
    assert gone.status == 404
    assert gone.message == "no device 26"


async def test_faults_requests_and_counts(blynk: Blynk) -> None:
    fault = {"status": 429, "retry_after": 3, "count": 2, "path": EXT, "method": "GET"}
    await control(blynk, "POST", "/faults", fault)
    assert (await blynk.dget("getAll")).headers["Retry-After"] == "3"
    await control(blynk, "DELETE", "/faults")
    assert (await blynk.dget("getAll")).status == 200
    log = await control(blynk, "GET", "/requests")
    assert [r["status"] for r in log["requests"]] == [429, 200]
    assert log["requests"][0]["query"] == [["token", "REDACTED"]]
    assert log["requests"][0]["region"] == "fra1"
    assert await control(blynk, "GET", "/count", path=f"{EXT}/getAll") == {"count": 2}
    assert await control(blynk, "GET", "/count", method="POST") == {"count": 0}
    await control(blynk, "DELETE", "/requests")
    assert await control(blynk, "GET", "/count") == {"count": 0}
    await control(blynk, "POST", "/faults", {"delay": 0.01, "malformed": True})
    assert (await blynk.dget("getAll")).text.startswith('{"content"')
    await control(blynk, "POST", "/faults", {"drop": False, "message": "Down.", "status": 503})
    assert (await blynk.dget("getAll")).message == "Down."


async def test_credentials(blynk: Blynk) -> None:
    headers = await blynk.bearer()
    await control(blynk, "POST", "/revoke")
    assert (
        await blynk.request("GET", "/api/v1/organization/profile", headers=headers)
    ).status == 403
    client_id, _ = blynk.client
    await control(
        blynk, "POST", "/client-secret", {"client_id": client_id, "client_secret": "rotated"}
    )
    assert (await blynk.oauth(creds=(client_id, "rotated"))).status == 200
    unknown = await blynk.request(
        "POST", f"{C}/client-secret", json={"client_id": "x", "client_secret": "y"}
    )
    assert unknown.status == 404


async def test_side_channels(blynk: Blynk) -> None:
    await blynk.dget("update/property", [("pin", "v1"), ("label", "Out")])
    await blynk.dget("logEvent", [("code", "frost_warning")])
    assert await control(blynk, "GET", "/properties") == [
        {"deviceId": 1, "dataStreamId": 1, "properties": {"label": "Out"}}
    ]
    assert await control(blynk, "GET", "/events") == [
        {"deviceId": 1, "code": "frost_warning", "description": None}
    ]
    assert await control(blynk, "GET", "/messages", deviceId="1") == {"messages": 2}


async def test_load_reset_and_scenario(blynk: Blynk) -> None:
    await control(blynk, "POST", "/value", {"deviceId": 1, "dataStream": 1, "value": 1.0})
    await control(blynk, "POST", "/reset")
    assert blynk.emu.value(1, 1) == 21.5
    await control(blynk, "POST", "/load", {"scenario": tiny_scenario()})
    assert (await control(blynk, "GET", "/scenario"))["organizations"][0]["name"] == "Tiny"
    await control(blynk, "POST", "/load", {"scenario": "demo"})
    assert 6 in blynk.emu.world.devices
    fleet = fleet_scenario(3)
    fleet["regions"] = ["fra1", "lon1"]
    refused = await blynk.request("POST", f"{C}/load", json={"scenario": fleet})
    assert (refused.status, refused.message) == (400, "region 'lon1' is not served")
    invalid = await blynk.request("POST", f"{C}/load", json={"scenario": {"regions": []}})
    assert invalid.status == 400


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", "/value", {"deviceId": 99, "dataStream": 1, "value": 1}, 404),
        ("POST", "/value", {"deviceId": 1, "dataStream": 99, "value": 1}, 404),
        ("POST", "/value", {"deviceId": 1, "dataStream": 1, "value": "x"}, 400),
        ("POST", "/value", {"deviceId": 1, "dataStream": 1.5, "value": 1}, 400),
        ("POST", "/value", {"deviceId": True, "dataStream": 1, "value": 1}, 400),
        ("POST", "/value", {"deviceId": "one", "dataStream": 1, "value": 1}, 400),
        ("POST", "/value", {"dataStream": 1, "value": 1}, 404),
        ("POST", "/value", [1], 400),
        ("POST", "/online", {"deviceId": 1, "online": "yes"}, 400),
        ("POST", "/devices", {"name": "x", "templateId": 1}, 400),
        ("POST", "/faults", {"status": "500"}, 400),
        ("POST", "/faults", {"drop": 1}, 400),
        ("POST", "/faults", {"delay": True}, 400),
        ("POST", "/faults", {"path": 5}, 400),
        ("POST", "/faults", {"count": 0}, 400),
        ("POST", "/client-secret", {"client_id": 1}, 400),
        ("POST", "/load", {"scenario": "nothing-like-this"}, 400),
        ("GET", "/messages", None, 404),
    ],
)
async def test_errors(blynk: Blynk, method: str, path: str, body: Any, status: int) -> None:
    reply = await blynk.request(method, C + path, json=body)
    assert reply.status == status, reply.text
    assert "message" in reply.json()["error"]


async def test_invalid_json_body(blynk: Blynk) -> None:
    reply = await blynk.request(
        "POST", f"{C}/value", data=b"{", headers={"Content-Type": "application/json"}
    )
    assert reply.status == 400
    empty = await blynk.request("POST", f"{C}/reset")
    assert empty.status == 200


async def test_the_printed_address_lists_the_routes(blynk: Blynk) -> None:
    routes = (await control(blynk, "GET", "/"))["routes"]
    assert "GET /_emulator/" in routes
    assert "POST /_emulator/variants" in routes
    assert all(route.split(" ")[1].startswith(C) for route in routes)
