"""Injected faults: each kind, counts, path and method filters, and the control exemption."""

import asyncio
import json

from aiohttp import ClientError, ClientSession, TCPConnector
import pytest

from emulator import Fault

from .helpers import EXT, V1, Blynk, basic

DEVICES = f"{V1}/devices"


async def test_rate_limited(blynk: Blynk) -> None:
    blynk.emu.inject(Fault.rate_limited(retry_after=7), path=DEVICES)
    reply = await blynk.pget(DEVICES)
    assert reply.status == 429
    assert reply.headers["Retry-After"] == "7"
    assert reply.message == "Too many requests."
    assert (await blynk.pget(DEVICES)).status == 200
    blynk.emu.inject(Fault.rate_limited())
    bare = await blynk.dget("getAll")
    assert bare.status == 429
    assert "Retry-After" not in bare.headers


@pytest.mark.parametrize(
    ("fault", "status", "message"),
    [
        (Fault.server_error(), 500, "Internal server error."),
        (Fault.unauthorized(), 401, "Unauthorized."),
        (Fault.forbidden(), 403, "Forbidden."),
        (
            Fault.forbidden("Platform API scope is not enabled for this oauth client."),
            403,
            "Platform API scope is not enabled for this oauth client.",
        ),
        (Fault(status=418), 418, "Error."),
        (Fault(status=503, message="Maintenance."), 503, "Maintenance."),
    ],
)
async def test_error_faults(blynk: Blynk, fault: Fault, status: int, message: str) -> None:
    blynk.emu.inject(fault)
    reply = await blynk.dget("getAll")
    assert (reply.status, reply.json()) == (status, {"error": {"message": message}})


async def test_bodyless_status(blynk: Blynk) -> None:
    blynk.emu.inject(Fault(status=204))
    reply = await blynk.dget("getAll")
    assert (reply.status, reply.text) == (204, "")


async def test_count_path_and_method(blynk: Blynk) -> None:
    headers = await blynk.bearer()
    blynk.emu.inject(Fault.server_error(), count=2, path=f"{V1}/device", method="get")
    assert (await blynk.pget(f"{V1}/profile")).status == 200  # other path
    write = {"deviceId": 1, "dataStreamId": 1, "value": 1}
    assert (
        await blynk.request("POST", f"{V1}/device/datastream", json=write, headers=headers)
    ).status == 204
    assert (await blynk.pget(f"{V1}/device", {"deviceId": "1"})).status == 500
    assert (await blynk.pget(f"{V1}/device/online", {"deviceId": "1"})).status == 500  # prefix
    assert (await blynk.pget(f"{V1}/device", {"deviceId": "1"})).status == 200  # used up


async def test_faults_are_first_in_first_out_and_clearable(blynk: Blynk) -> None:
    blynk.emu.inject(Fault.server_error())
    blynk.emu.inject(Fault.forbidden())
    assert (await blynk.dget("getAll")).status == 500
    blynk.emu.clear_faults()
    assert (await blynk.dget("getAll")).status == 200
    with pytest.raises(ValueError, match="count"):
        blynk.emu.inject(Fault.server_error(), count=0)


async def test_a_delay_ends_with_a_release(blynk: Blynk) -> None:
    """A delayed (or held) request is under way until its time passes or it is released."""
    blynk.emu.inject(Fault.timeout(3600))
    reply = asyncio.create_task(blynk.dget("isHardwareConnected"))
    await blynk.emu.received("/external/api/isHardwareConnected")
    assert not reply.done()
    assert blynk.emu.requests == []  # arrived, not answered
    blynk.emu.release()
    assert ((await reply).status, (await reply).text) == (200, "true")
    assert blynk.emu.arrivals() == 1


async def test_a_held_request_makes_impatient_clients_fail(blynk: Blynk) -> None:
    blynk.emu.inject(Fault.held())
    url = blynk.url(f"{EXT}/getAll?token={blynk.device_token(1)}")
    async with ClientSession() as impatient:
        request = asyncio.create_task(impatient.get(url))
        await blynk.emu.received()
        request.cancel()  # the client gives up, as on its timeout
        with pytest.raises(asyncio.CancelledError):
            await request
        # The server notices the closed connection and logs the request unanswered.
        await blynk.emu.wait_for(lambda: blynk.emu.requests)
    assert blynk.emu.requests[-1].status == 0


async def test_release_over_the_control_api(blynk: Blynk) -> None:
    blynk.emu.inject(Fault.held())
    reply = asyncio.create_task(blynk.dget("isHardwareConnected"))
    await blynk.emu.received()
    assert (await blynk.request("POST", "/_emulator/release")).json() == {"ok": True}
    assert (await reply).status == 200


async def test_a_wait_for_the_emulator_is_bounded(
    blynk: Blynk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("emulator.model.WAIT_LIMIT", 0)
    with pytest.raises(TimeoutError):
        await blynk.emu.received()


async def test_malformed_json(blynk: Blynk) -> None:
    blynk.emu.inject(Fault.malformed_json(), path=DEVICES)
    reply = await blynk.pget(DEVICES)
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("application/json")
    with pytest.raises(json.JSONDecodeError):
        reply.json()


async def test_dropped_connection(blynk: Blynk) -> None:
    # POST: aiohttp retries idempotent requests once after a disconnection.
    blynk.emu.inject(Fault.dropped())
    url = blynk.url("/oauth2/token?grant_type=client_credentials")
    async with ClientSession(connector=TCPConnector(force_close=True)) as fresh:
        with pytest.raises(ClientError):
            async with fresh.post(url, headers=basic(*blynk.client)) as resp:
                await resp.read()
        async with fresh.post(url, headers=basic(*blynk.client)) as resp:
            assert resp.status == 200
    assert [record.status for record in blynk.emu.requests] == [0, 200]


async def test_faults_apply_to_the_token_endpoint(blynk: Blynk) -> None:
    blynk.emu.inject(Fault.server_error(), path="/oauth2/token", method="POST")
    assert (await blynk.oauth(creds=blynk.client)).status == 500
    assert (await blynk.oauth(creds=blynk.client)).status == 200


async def test_control_paths_are_never_faulted_or_logged(blynk: Blynk) -> None:
    blynk.emu.inject(Fault.server_error(), count=3)
    reply = await blynk.request("GET", "/_emulator/count")
    assert reply.json() == {"count": 0}
    assert blynk.emu.faults.rules[0].remaining == 3
    assert blynk.emu.requests == []


async def test_drop_without_transport() -> None:
    from unittest.mock import Mock

    from emulator.middleware import _drop

    with pytest.raises(asyncio.CancelledError):
        _drop(Mock(transport=None))


async def test_a_fault_after_some_normal_answers(blynk: Blynk) -> None:
    blynk.emu.inject(Fault.server_error(), path=DEVICES, skip=1)
    assert (await blynk.pget(DEVICES, {"size": "2"})).status == 200
    assert (await blynk.pget(DEVICES, {"size": "2", "page": "1"})).status == 500
    assert (await blynk.pget(DEVICES)).status == 200
    with pytest.raises(ValueError, match="skip"):
        blynk.emu.inject(Fault.server_error(), skip=-1)


async def test_an_odd_but_well_formed_answer(blynk: Blynk) -> None:
    blynk.emu.inject(Fault.answer({"content": [], "totalElements": 0}), path=DEVICES)
    assert (await blynk.pget(DEVICES)).json() == {"content": [], "totalElements": 0}
    assert (await blynk.pget(DEVICES)).json()["totalElements"] == 8
    control = {"body": ["odd"], "status": 202, "path": DEVICES, "skip": 1}
    assert (await blynk.request("POST", "/_emulator/faults", json=control)).status == 200
    assert (await blynk.pget(DEVICES)).status == 200
    odd = await blynk.pget(DEVICES)
    assert (odd.status, odd.json()) == (202, ["odd"])


async def test_a_redirect(blynk: Blynk) -> None:
    blynk.emu.inject(Fault.redirect("http://elsewhere.example/x"), path=DEVICES)
    moved = await blynk.pget(DEVICES)
    assert (moved.status, moved.headers["Location"], moved.text) == (
        308,
        "http://elsewhere.example/x",
        "",
    )
    control = {"location": "https://other.example/", "status": 302, "path": DEVICES}
    assert (await blynk.request("POST", "/_emulator/faults", json=control)).status == 200
    found = await blynk.pget(DEVICES)
    assert (found.status, found.headers["Location"]) == (302, "https://other.example/")
    assert (await blynk.pget(DEVICES)).status == 200
