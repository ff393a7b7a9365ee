"""No secret of the scenario, nor any issued token, reaches the log or the records."""

import logging

import pytest

from emulator import RequestRecord

from .helpers import EXT, V1, Blynk


async def test_no_secret_is_logged(blynk: Blynk, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client_id, secret = blynk.client
    issued = (await blynk.oauth(creds=blynk.client)).json()
    query_creds = {
        "grant_type": "client_credentials",
        "client_id": client_id,
        "client_secret": secret,
    }
    await blynk.oauth(query_creds)
    await blynk.oauth(query_creds, creds=None)
    refresh = {"grant_type": "refresh_token", "refresh_token": issued["refresh_token"]}
    await blynk.oauth(refresh | {"client_id": client_id, "client_secret": secret})
    await blynk.request("POST", "/oauth2/token", data=query_creds)
    await blynk.request(
        "POST", "/oauth2/token", json={"client_secret": secret, "nested": [{"token": "t"}]}
    )
    headers = {"Authorization": f"Bearer {issued['access_token']}"}
    await blynk.request("GET", f"{V1}/devices", headers=headers)
    for device_id in (1, 2, 3, 4, 5):
        await blynk.dget("getAll", device=device_id)
    await blynk.dget("getAll", device=6)  # redirected, Location holds the token
    await blynk.request("GET", f"{EXT}/update", params={"token": blynk.device_token(1), "v1": "20"})
    await blynk.request("GET", f"{EXT}/get", params={"token": "guess-a-token"})
    log_json = (await blynk.request("GET", "/_emulator/requests")).text

    secrets = [*blynk.emu.all_secrets(), issued["access_token"], issued["refresh_token"]]
    assert len(secrets) >= 10
    records = repr(blynk.emu.requests)
    for value in secrets:
        assert value not in records
        assert value not in caplog.text
        assert value not in log_json
    assert client_id in records  # the client id is not a secret
    assert "Bearer" not in records
    first = blynk.emu.requests[0]
    assert isinstance(first, RequestRecord)
    assert first.method == "POST"
    assert first.path == "/oauth2/token"
    token_post = next(r for r in blynk.emu.requests if r.body is not None)
    assert token_post.body == {"client_secret": "REDACTED", "nested": [{"token": "REDACTED"}]}
    update = next(r for r in blynk.emu.requests if r.path == f"{EXT}/update")
    assert update.query == (("token", "REDACTED"), ("v1", "20"))
    assert "emulator" in {record.name for record in caplog.records}


async def test_records_keep_query_order_and_repeats(blynk: Blynk) -> None:
    await blynk.pget(
        f"{V1}/device/datastreams/batch",
        [("deviceIds", "2"), ("dataStreamIds", "1"), ("deviceIds", "1")],
    )
    record = blynk.emu.requests[-1]
    assert record.query == (("deviceIds", "2"), ("dataStreamIds", "1"), ("deviceIds", "1"))
    assert record.status == 200
    assert record.body is None
    assert record.region == "fra1"
    assert record.describe() == (
        "[fra1] GET /api/v1/organization/device/datastreams/batch"
        "?deviceIds=2&dataStreamIds=1&deviceIds=1 -> 200"
    )
    await blynk.dget("get", [("v1", None)])
    assert blynk.emu.requests[-1].describe().endswith("/external/api/get?token=REDACTED&v1 -> 200")
    # A bare key and a key with an empty value are told apart.
    await blynk.dget("get", [("v1", None), ("v2", "")])
    bare = blynk.emu.requests[-1]
    assert bare.query == (("token", "REDACTED"), ("v1", None), ("v2", ""))
    assert bare.describe().endswith("/external/api/get?token=REDACTED&v1&v2= -> 400")
    await blynk.request("GET", f"{EXT}/getAll")
    assert blynk.emu.requests[-1].describe() == "[fra1] GET /external/api/getAll -> 400"


def test_deeply_nested_bodies_are_cut() -> None:
    from emulator.records import parse_body

    nested: object = "secret"
    for _ in range(40):
        nested = [nested]
    import json

    body = parse_body(json.dumps(nested).encode())
    assert "secret" not in json.dumps(body)
    assert parse_body(b"not json") is None
    assert parse_body(b"") is None
