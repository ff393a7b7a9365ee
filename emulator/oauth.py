"""The OAuth2 token endpoint: ``POST /oauth2/token``.

Documented: ``grant_type=client_credentials`` with HTTP Basic credentials or
``client_id``/``client_secret`` in the query; ``grant_type=refresh_token&refresh_token=``
with the same credentials; 200 ``{"access_token", "token_type": "Bearer",
"expires_in", "refresh_token"}``; errors 400 ``{"error": <RFC 6749 code>,
"error_description"}``, e.g. ``invalid_client`` / "Client ID is not found or password
is wrong."; refresh tokens are single-use.

Inferences:
- Parameters may also come in an ``application/x-www-form-urlencoded`` body (RFC
  6749); the query wins when both have one. Basic credentials win over query ones.
- Error descriptions other than ``invalid_client``'s are the texts below; every error
  is a 400. Other grant types (``user_credentials``, ``authorization_code``...) answer
  ``unsupported_grant_type``: the emulator has no users.
- The answer carries ``Cache-Control: no-store`` (RFC 6749 section 5.1).
"""

import base64

from aiohttp import web

from .appkeys import emulator_of
from .model import Emulator

TOKEN_PATH = "/oauth2/token"  # noqa: S105 - a path
INVALID_CLIENT = "Client ID is not found or password is wrong."
_GRANTS = frozenset({"client_credentials", "refresh_token"})
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def oauth_error(code: str, description: str) -> web.Response:
    """Return an RFC 6749 error answer (status 400)."""
    body = {"error": code, "error_description": description}
    return web.json_response(body, status=400, headers=_NO_STORE)


async def token_params(request: web.Request) -> dict[str, str]:
    """Return the token request's parameters: query, then form body."""
    params: dict[str, str] = {}
    if request.content_type == "application/x-www-form-urlencoded":
        form = await request.post()
        params.update({key: value for key, value in form.items() if isinstance(value, str)})
    for key in set(request.query):
        params[key] = request.query[key]
    return params


async def client_credentials(request: web.Request) -> tuple[str, str] | None:
    """Return ``(client_id, client_secret)`` from Basic auth or the parameters."""
    header = request.headers.get("Authorization", "")
    if header[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except ValueError:
            return None
        client_id, colon, secret = decoded.partition(":")
        return (client_id, secret) if colon else None
    params = await token_params(request)
    query_id, query_secret = params.get("client_id"), params.get("client_secret")
    if query_id is None or query_secret is None:
        return None
    return query_id, query_secret


async def credential_region(emu: Emulator, request: web.Request) -> str | None:
    """Return the region of the request's valid client credentials, if any."""
    credentials = await client_credentials(request)
    client = None if credentials is None else emu.authenticate_client(*credentials)
    return None if client is None else client.region


async def token(request: web.Request) -> web.Response:
    """Issue tokens for ``client_credentials`` and ``refresh_token`` grants."""
    emu = emulator_of(request)
    params = await token_params(request)
    grant = params.get("grant_type")
    if not grant:
        return oauth_error("invalid_request", "Missing grant_type parameter.")
    if grant not in _GRANTS:
        return oauth_error("unsupported_grant_type", f"Unsupported grant type: {grant}.")
    credentials = await client_credentials(request)
    client = None if credentials is None else emu.authenticate_client(*credentials)
    if client is None:
        return oauth_error("invalid_client", INVALID_CLIENT)
    if grant == "refresh_token":
        refresh_token = params.get("refresh_token")
        if not refresh_token:
            return oauth_error("invalid_request", "Missing refresh_token parameter.")
        if not emu.tokens.use_refresh(refresh_token, client.client_id):
            return oauth_error("invalid_grant", "Refresh token is invalid or expired.")
    access, refresh = emu.tokens.issue(client.client_id)
    body = {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": int(emu.token_lifetime),
        "refresh_token": refresh,
    }
    return web.json_response(body, headers=_NO_STORE)


def add_routes(app: web.Application) -> None:
    """Register the token endpoint."""
    app.router.add_post(TOKEN_PATH, token)
