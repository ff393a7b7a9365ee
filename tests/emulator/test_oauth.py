"""OAuth2 token endpoint and Platform API authentication, as documented."""

from aiohttp import ClientSession

from emulator import Emulator, EmulatorServer

from .helpers import V1, Blynk, FakeClock, basic, tiny_scenario

INVALID_CLIENT = {
    "error": "invalid_client",
    "error_description": "Client ID is not found or password is wrong.",
}
SCOPE = "Platform API scope is not enabled for this oauth client."


async def test_client_credentials_with_basic_auth(blynk: Blynk) -> None:
    reply = await blynk.oauth(creds=blynk.client)
    assert reply.status == 200
    body = reply.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 86400
    assert len(body["access_token"]) == 40
    assert reply.headers["Cache-Control"] == "no-store"
    profile = await blynk.request(
        "GET", f"{V1}/profile", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert profile.status == 200


async def test_client_credentials_in_query(blynk: Blynk) -> None:
    client_id, secret = blynk.client
    params = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    reply = await blynk.oauth(params)
    assert reply.status == 200
    assert reply.json()["token_type"] == "Bearer"


async def test_client_credentials_in_form_body(blynk: Blynk) -> None:
    client_id, secret = blynk.client
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    reply = await blynk.request("POST", "/oauth2/token", data=form)
    assert reply.status == 200


async def test_wrong_secret_and_unknown_client_are_invalid_client(blynk: Blynk) -> None:
    client_id, _ = blynk.client
    wrong = await blynk.oauth(creds=(client_id, "wrong"))
    assert (wrong.status, wrong.json()) == (400, INVALID_CLIENT)
    params = {"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"}
    unknown = await blynk.oauth(params)
    assert (unknown.status, unknown.json()) == (400, INVALID_CLIENT)


async def test_missing_or_malformed_credentials_are_invalid_client(blynk: Blynk) -> None:
    missing = await blynk.oauth()
    assert (missing.status, missing.json()) == (400, INVALID_CLIENT)
    for header in ("Basic !!!notbase64", "Basic bm9jb2xvbg=="):  # the second has no colon
        reply = await blynk.request(
            "POST",
            "/oauth2/token",
            params={"grant_type": "client_credentials"},
            headers={"Authorization": header},
        )
        assert (reply.status, reply.json()) == (400, INVALID_CLIENT)


async def test_grant_type_errors(blynk: Blynk) -> None:
    missing = await blynk.oauth({}, creds=blynk.client)
    assert missing.status == 400
    assert missing.json()["error"] == "invalid_request"
    other = await blynk.oauth({"grant_type": "password"}, creds=blynk.client)
    assert other.status == 400
    assert other.json()["error"] == "unsupported_grant_type"


async def test_token_endpoint_is_post_only(blynk: Blynk) -> None:
    reply = await blynk.request("GET", "/oauth2/token", params={"grant_type": "x"})
    assert reply.status == 405


async def test_refresh_token_is_single_use(blynk: Blynk) -> None:
    first = (await blynk.oauth(creds=blynk.client)).json()
    params = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    refreshed = await blynk.oauth(params, creds=blynk.client)
    assert refreshed.status == 200
    second = refreshed.json()
    assert second["access_token"] != first["access_token"]
    again = await blynk.oauth(params, creds=blynk.client)
    assert again.status == 400
    assert again.json()["error"] == "invalid_grant"
    for token in (first["access_token"], second["access_token"]):
        headers = {"Authorization": f"Bearer {token}"}
        assert (await blynk.request("GET", f"{V1}/profile", headers=headers)).status == 200
    chained = {"grant_type": "refresh_token", "refresh_token": second["refresh_token"]}
    client_id, secret = blynk.client
    in_query = await blynk.oauth(chained | {"client_id": client_id, "client_secret": secret})
    assert in_query.status == 200


async def test_refresh_needs_credentials_token_and_the_same_client(blynk: Blynk) -> None:
    issued = (await blynk.oauth(creds=blynk.client)).json()
    params = {"grant_type": "refresh_token", "refresh_token": issued["refresh_token"]}
    no_creds = await blynk.oauth(params)
    assert (no_creds.status, no_creds.json()) == (400, INVALID_CLIENT)
    no_token = await blynk.oauth({"grant_type": "refresh_token"}, creds=blynk.client)
    assert no_token.json()["error"] == "invalid_request"
    other_client = await blynk.oauth(params, creds=blynk.unscoped_client)
    assert other_client.json()["error"] == "invalid_grant"
    still_valid = await blynk.oauth(params, creds=blynk.client)
    assert still_valid.status == 200


async def test_access_and_refresh_tokens_expire(blynk: Blynk, clock: FakeClock) -> None:
    issued = (await blynk.oauth(creds=blynk.client)).json()
    headers = {"Authorization": f"Bearer {issued['access_token']}"}
    clock.advance(86399)
    assert (await blynk.request("GET", f"{V1}/profile", headers=headers)).status == 200
    clock.advance(1)
    expired = await blynk.request("GET", f"{V1}/profile", headers=headers)
    assert (expired.status, expired.text) == (403, "")  # the token_refusal variant's default
    params = {"grant_type": "refresh_token", "refresh_token": issued["refresh_token"]}
    refresh = await blynk.oauth(params, creds=blynk.client)
    assert refresh.json()["error"] == "invalid_grant"


async def test_token_lifetime_is_configurable(socket_enabled: None) -> None:
    emu = Emulator(tiny_scenario(), token_lifetime=300.0)
    async with EmulatorServer(emu) as server, ClientSession() as client:
        url = server.url() + "/oauth2/token?grant_type=client_credentials"
        async with client.post(url, headers=basic("tiny-client", "tiny-secret")) as resp:
            assert (await resp.json())["expires_in"] == 300


async def test_revoked_tokens_stop_working(blynk: Blynk) -> None:
    issued = (await blynk.oauth(creds=blynk.client)).json()
    blynk.emu.revoke_tokens()
    headers = {"Authorization": f"Bearer {issued['access_token']}"}
    assert (await blynk.request("GET", f"{V1}/profile", headers=headers)).status == 403
    params = {"grant_type": "refresh_token", "refresh_token": issued["refresh_token"]}
    assert (await blynk.oauth(params, creds=blynk.client)).json()["error"] == "invalid_grant"


async def test_rotated_secret(blynk: Blynk) -> None:
    client_id, old = blynk.client
    blynk.emu.set_client_secret(client_id, "new-secret")
    assert (await blynk.oauth(creds=(client_id, old))).json() == INVALID_CLIENT
    assert (await blynk.oauth(creds=(client_id, "new-secret"))).status == 200


async def test_platform_api_needs_a_valid_bearer_token(blynk: Blynk) -> None:
    missing = await blynk.request("GET", f"{V1}/profile")
    assert (missing.status, missing.text) == (403, "")
    for header in ("Bearer", "Bearer unknown-token", "Basic abc"):
        reply = await blynk.request("GET", f"{V1}/profile", headers={"Authorization": header})
        assert (reply.status, reply.text) == (403, "")


async def test_client_without_platform_scope_gets_403(blynk: Blynk) -> None:
    token = await blynk.token(blynk.unscoped_client)
    headers = {"Authorization": f"Bearer {token}"}
    for path in (f"{V1}/profile", f"{V1}/devices", "/api/v2/organization/device/datastreams"):
        reply = await blynk.request("GET", path, headers=headers, params={"deviceId": "1"})
        assert reply.status == 403
        assert reply.json() == {"error": {"message": SCOPE}}
