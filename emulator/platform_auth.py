"""Platform API access: Bearer tokens, the Platform API scope, and what a client sees.

Documented: ``Authorization: Bearer {access_token}`` on every call; a client without
the Platform API scope gets 403 "Platform API scope is not enabled for this oauth
client."; a device outside the organization answers 404 "Device with identifier {id}
is not found or belong to another organization.".

A missing, unknown, expired or revoked token is refused as the ``token_refusal`` variant
says (:mod:`emulator.variants`; the docs' default is a bare 403).

Inferences:
- An OAuth client sees its organization and all its sub-organizations (devices,
  templates, organizations); templates of parent organizations are visible too,
  since sub-organization devices may use them.
- Checks run in this order: token, region (308, see the middleware), scope (403).
"""

from aiohttp import web

from .appkeys import emulator_of
from .entities import Datastream, Device, OAuthClient, Template
from .errors import (
    DATASTREAM_NOT_FOUND,
    DEVICE_NOT_FOUND,
    FORBIDDEN,
    SCOPE_NOT_ENABLED,
    TEMPLATE_NOT_FOUND,
    UNAUTHORIZED,
    ApiError,
)
from .model import Emulator
from .variants import TOKEN_REFUSAL, Variants


def bearer_client(emu: Emulator, request: web.Request) -> OAuthClient | None:
    """Return the client of the request's valid Bearer token, else None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return emu.client_for_access_token(token.strip())


def credential_region(emu: Emulator, request: web.Request) -> str | None:
    """Return the region of the request's valid Bearer token, if any."""
    client = bearer_client(emu, request)
    return None if client is None else client.region


def authorize(request: web.Request) -> tuple[Emulator, OAuthClient]:
    """Return the emulator and the calling client; 401 or 403 if not allowed."""
    emu = emulator_of(request)
    client = bearer_client(emu, request)
    if client is None:
        raise token_refused(emu.variants)
    if not client.platform_api:
        raise ApiError(403, SCOPE_NOT_ENABLED)
    return emu, client


def token_refused(variants: Variants) -> ApiError:
    """Return the answer to a missing, unknown, expired or revoked access token."""
    reading = variants.reading(TOKEN_REFUSAL)
    if reading == "401":
        return ApiError(401, UNAUTHORIZED, {"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return ApiError(403, FORBIDDEN, bare=reading == "403")


def visible_device(emu: Emulator, client: OAuthClient, device_id: int) -> Device | None:
    """Return the device if the client's organization tree holds it, else None."""
    device = emu.world.devices.get(device_id)
    if device is None or device.org_id not in emu.world.subtree(client.org_id):
        return None
    return device


def device_or_404(emu: Emulator, client: OAuthClient, device_id: int) -> Device:
    """Return a visible device; 404 with the documented text if there is none."""
    device = visible_device(emu, client, device_id)
    if device is None:
        raise ApiError(404, DEVICE_NOT_FOUND.format(device_id))
    return device


def datastream_or_404(emu: Emulator, device: Device, datastream_id: int) -> Datastream:
    """Return a datastream of the device's template; 404 with the documented text."""
    ds = emu.world.template_of(device).datastreams.get(datastream_id)
    if ds is None:
        raise ApiError(404, DATASTREAM_NOT_FOUND.format(datastream_id))
    return ds


def template_or_404(emu: Emulator, client: OAuthClient, template_id: int) -> Template:
    """Return a template the client may see; 404 with the documented text."""
    world = emu.world
    template = world.templates.get(template_id)
    visible = world.subtree(client.org_id) | set(world.ancestors(client.org_id))
    if template is None or template.org_id not in visible:
        raise ApiError(404, TEMPLATE_NOT_FOUND)
    return template
