"""Platform API reads: organization, devices, templates, datastream values and history.

Documented (reference sections 2.2-2.5 and the DataStreams OpenAPI page): the paths,
query parameters and answer shapes below; ``includeSubOrgDevices`` defaults to false;
the batch read takes at most 10 devices and silently skips devices that are unknown
or not accessible; ``value``/``updatedAt`` are absent when never set; history is
``{"content": [{"value", "createdAt"}], "totalElements"}``.

Inferences:
- Devices and templates are listed by ascending id; history newest first, with
  ``from``/``to`` inclusive (clients must not rely on the order).
- ``orgId`` outside the client's organization tree answers 404 "Organization with
  identifier {id} is not found or you don't have access to it.".
- The template list holds the templates owned by ``orgId`` only.
- Unknown ids in ``dataStreamIds`` are ignored; more than 10 ``deviceIds`` answer
  400 "Maximum of 10 devices per request.".
- History accepts ``pin=v1`` instead of ``dataStreamId`` ("alternative to pin").
"""

from typing import Any

from aiohttp import web

from . import views
from .entities import Datastream, Device
from .errors import DATASTREAM_NOT_FOUND, MISSING_PARAMETER, ORGANIZATION_NOT_FOUND, ApiError
from .model import Emulator
from .params import page_params, paginate, query_bool, query_int, query_ints
from .platform_auth import (
    authorize,
    datastream_or_404,
    device_or_404,
    template_or_404,
    visible_device,
)
from .values import pin_key
from .variants import TEMPLATE_BOUNDS

V1 = "/api/v1/organization"
V2 = "/api/v2/organization"
MAX_BATCH_DEVICES = 10
TOO_MANY_DEVICES = "Maximum of 10 devices per request."


async def profile(request: web.Request) -> web.Response:
    """``GET /organization/profile``: the client's organization."""
    emu, client = authorize(request)
    return web.json_response(views.organization(emu.world.orgs[client.org_id]))


async def organization(request: web.Request) -> web.Response:
    """``GET /organization?orgId=``: an organization of the client's tree."""
    emu, client = authorize(request)
    org_id = _visible_org(emu, client.org_id, query_int(request, "orgId"))
    return web.json_response(views.organization(emu.world.orgs[org_id]))


async def devices(request: web.Request) -> web.Response:
    """``GET /organization/devices``: one page of devices of an organization."""
    emu, client = authorize(request)
    org_id = _visible_org(emu, client.org_id, query_int(request, "orgId", client.org_id))
    include_sub = query_bool(request, "includeSubOrgDevices", default=False)
    page, size = page_params(request, emu.variants)
    orgs = emu.world.subtree(org_id) if include_sub else {org_id}
    listed = [
        views.device_summary(emu.world, device)
        for _, device in sorted(emu.world.devices.items())
        if device.org_id in orgs
    ]
    return web.json_response(paginate(listed, page, size))


async def device(request: web.Request) -> web.Response:
    """``GET /organization/device?deviceId=``: the full device."""
    emu, client = authorize(request)
    found = device_or_404(emu, client, query_int(request, "deviceId"))
    return web.json_response(views.device_full(emu.world, emu.variants, found))


async def device_base_info(request: web.Request) -> web.Response:
    """``GET /organization/device/baseInfo?deviceId=``: the device without values."""
    emu, client = authorize(request)
    found = device_or_404(emu, client, query_int(request, "deviceId"))
    return web.json_response(views.device_base_info(emu.world, found))


async def device_online(request: web.Request) -> web.Response:
    """``GET /organization/device/online?deviceId=``: ``{"connected": bool}``."""
    emu, client = authorize(request)
    found = device_or_404(emu, client, query_int(request, "deviceId"))
    return web.json_response({"connected": found.online})


async def templates(request: web.Request) -> web.Response:
    """``GET /organization/templates``: one page of an organization's templates."""
    emu, client = authorize(request)
    org_id = _visible_org(emu, client.org_id, query_int(request, "orgId", client.org_id))
    page, size = page_params(request, emu.variants)
    listed = [
        views.template_summary(template)
        for _, template in sorted(emu.world.templates.items())
        if template.org_id == org_id
    ]
    return web.json_response(paginate(listed, page, size))


async def template(request: web.Request) -> web.Response:
    """``GET /organization/template?templateId=``."""
    emu, client = authorize(request)
    found = template_or_404(emu, client, query_int(request, "templateId"))
    return web.json_response(views.template_detail(found))


async def template_datastreams(request: web.Request) -> web.Response:
    """``GET /organization/template/datastreams?templateId=``: TemplateDataStream[]."""
    emu, client = authorize(request)
    found = template_or_404(emu, client, query_int(request, "templateId"))
    bounds = emu.variants.is_(TEMPLATE_BOUNDS, "present")
    body = [views.template_datastream(ds, bounds=bounds) for ds in views.sorted_datastreams(found)]
    return web.json_response(body)


async def datastreams_v2(request: web.Request) -> web.Response:
    """``GET /api/v2/organization/device/datastreams``: one device's values."""
    emu, client = authorize(request)
    found = device_or_404(emu, client, query_int(request, "deviceId"))
    values = _values(emu, found, query_ints(request, "dataStreamIds"))
    views.shape_values(emu.variants, [views.value_slots(values)])
    return web.json_response({"dataStreams": values})


async def datastreams_batch(request: web.Request) -> web.Response:
    """``GET /organization/device/datastreams/batch``: values of up to 10 devices."""
    emu, client = authorize(request)
    device_ids = query_ints(request, "deviceIds")
    if device_ids is None:
        raise ApiError(400, MISSING_PARAMETER.format("deviceIds"))
    if len(device_ids) > MAX_BATCH_DEVICES:
        raise ApiError(400, TOO_MANY_DEVICES)
    ids = query_ints(request, "dataStreamIds")
    answered = [
        (device_id, _values(emu, found, ids))
        for device_id in device_ids
        if (found := visible_device(emu, client, device_id)) is not None
    ]
    views.shape_values(emu.variants, [views.value_slots(values) for _, values in answered])
    body = [{"deviceId": device_id, "dataStreams": values} for device_id, values in answered]
    return web.json_response(body)


async def history(request: web.Request) -> web.Response:
    """``GET /organization/device/datastream/history``: one page, newest first."""
    emu, client = authorize(request)
    found = device_or_404(emu, client, query_int(request, "deviceId"))
    ds = _history_datastream(emu, request, found)
    start, end = query_int(request, "from"), query_int(request, "to")
    page, size = page_params(request, emu.variants)
    points = [
        {"value": value, "createdAt": ts}
        for ts, value in reversed(found.history.get(ds.id, []))
        if start <= ts <= end
    ]
    return web.json_response(paginate(points, page, size))


def _history_datastream(emu: Emulator, request: web.Request, found: Device) -> Datastream:
    if "dataStreamId" in request.query or "pin" not in request.query:
        return datastream_or_404(emu, found, query_int(request, "dataStreamId"))
    pin = request.query["pin"]
    ds = emu.world.template_of(found).by_pin.get(pin_key(pin) or "")
    if ds is None:
        raise ApiError(404, DATASTREAM_NOT_FOUND.format(pin))
    return ds


def _values(emu: Emulator, found: Device, ids: list[int] | None) -> list[dict[str, Any]]:
    template = emu.world.template_of(found)
    return [
        views.datastream_value(emu.variants, found, ds)
        for ds in views.sorted_datastreams(template)
        if ids is None or ds.id in ids
    ]


def _visible_org(emu: Emulator, own_org_id: int, org_id: int) -> int:
    if org_id not in emu.world.subtree(own_org_id):
        raise ApiError(404, ORGANIZATION_NOT_FOUND.format(org_id))
    return org_id


def add_routes(app: web.Application) -> None:
    """Register the Platform API reads."""
    router = app.router
    router.add_get(f"{V1}/profile", profile)
    router.add_get(V1, organization)
    router.add_get(f"{V1}/devices", devices)
    router.add_get(f"{V1}/device", device)
    router.add_get(f"{V1}/device/baseInfo", device_base_info)
    router.add_get(f"{V1}/device/online", device_online)
    router.add_get(f"{V1}/templates", templates)
    router.add_get(f"{V1}/template", template)
    router.add_get(f"{V1}/template/datastreams", template_datastreams)
    router.add_get(f"{V2}/device/datastreams", datastreams_v2)
    router.add_get(f"{V1}/device/datastreams/batch", datastreams_batch)
    router.add_get(f"{V1}/device/datastream/history", history)
