"""Regions: a credential of another region answers 308 with the exact Location."""

from .helpers import EXT, V1, Blynk


async def test_device_api_redirects_to_the_device_region(blynk: Blynk) -> None:
    token = blynk.device_token(6)  # the ny3 device
    query = f"?token={token}&v1&v2"
    reply = await blynk.request("GET", f"{EXT}/get{query}")
    assert reply.status == 308
    assert reply.text == ""
    assert reply.headers["Content-Length"] == "0"
    assert reply.headers["Location"] == blynk.server.url("ny3") + f"{EXT}/get{query}"
    followed = await blynk.request(
        "GET", reply.headers["Location"].removeprefix(blynk.server.url("ny3")), region="ny3"
    )
    assert followed.json() == {"v1": 8.4, "v2": 67}
    assert blynk.emu.messages(6) == 1  # the redirected request is not a message


async def test_fra1_device_on_ny3_is_redirected_back(blynk: Blynk) -> None:
    reply = await blynk.dget("isHardwareConnected", region="ny3")
    assert reply.status == 308
    assert reply.headers["Location"] == (
        blynk.server.url("fra1") + f"{EXT}/isHardwareConnected?token={blynk.device_token(1)}"
    )


async def test_unknown_device_token_is_not_redirected(blynk: Blynk) -> None:
    reply = await blynk.request("GET", f"{EXT}/getAll", params={"token": "unknown"}, region="ny3")
    assert (reply.status, reply.message) == (400, "Invalid token.")


async def test_platform_api_redirects_to_the_client_region(blynk: Blynk) -> None:
    headers = await blynk.bearer()
    path = f"{V1}/device/datastreams/batch?deviceIds=1&deviceIds=2"
    reply = await blynk.request("GET", path, headers=headers, region="ny3")
    assert reply.status == 308
    assert reply.headers["Location"] == blynk.server.url("fra1") + path
    post = await blynk.ppost(
        f"{V1}/device/datastream", {"deviceId": 1, "dataStreamId": 1, "value": 3}, region="ny3"
    )
    assert post.status == 308
    assert post.headers["Location"] == blynk.server.url() + f"{V1}/device/datastream"
    assert blynk.emu.value(1, 1) == 21.5
    unknown = await blynk.request(
        "GET", f"{V1}/profile", region="ny3", headers={"Authorization": "Bearer x"}
    )
    assert unknown.status == 403


async def test_token_endpoint_redirects_valid_credentials(blynk: Blynk) -> None:
    client_id, secret = blynk.client
    path = (
        f"/oauth2/token?grant_type=client_credentials&client_id={client_id}&client_secret={secret}"
    )
    reply = await blynk.request("POST", path, region="ny3")
    assert reply.status == 308
    assert reply.headers["Location"] == blynk.server.url("fra1") + path
    wrong = await blynk.oauth(creds=(client_id, "wrong"), params=None)
    assert wrong.status == 400
    on_ny3 = await blynk.request(
        "POST", "/oauth2/token", params={"grant_type": "client_credentials"}, region="ny3"
    )
    assert on_ny3.json()["error"] == "invalid_client"


async def test_other_paths_are_not_redirected(blynk: Blynk) -> None:
    reply = await blynk.request("GET", f"/unknown?token={blynk.device_token(6)}")
    assert reply.status == 404
    assert blynk.emu.requests[-1].status == 404
