"""Platform API writes: one value, several values, history import, widget property.

Documented: JSON bodies; 204 on success; 404 "Device with identifier {id} is not found
or belong to another organization." and "Data stream with identifier {id} is not
found!"; 400 "Invalid value" for a value of the wrong type (single write); invalid ids
and mismatched types silently skipped (several values); numbers clamped to min/max;
import limits (see :mod:`emulator.timestamped`); property names from the
``DataStreamPropertyName`` enum, values up to 200 characters, 400 if the format is
invalid, 404 for "Device/datastream/property not found".

Inferences:
- Texts: "Invalid value." (wrong value type), "Property {name} is not found." (404),
  "Invalid value for property {name}." (400), "Properties can only be set on
  datastreams of virtual pins." (400, the docs say properties only work on virtual
  pins), "Maximum of 10,000 data points per request." (400).
- Keys of ``values`` that are not datastream ids of the template are skipped.
- Import ``ts`` may be a number or a string of digits (the old page types it String).
- Whether JSON ``true``/``false`` is a value is the ``boolean_writes`` variant.
"""

from typing import Any

from aiohttp import web

from . import properties
from .entities import Datastream
from .errors import INVALID_BODY, INVALID_VALUE, MISSING_PARAMETER, ApiError
from .model import Emulator
from .params import body_int, json_body
from .platform_auth import authorize, datastream_or_404, device_or_404
from .timestamped import MAX_POINTS, accept_points
from .values import ValueMismatchError, from_json
from .variants import BOOLEAN_WRITES

V1 = "/api/v1/organization"
TOO_MANY_POINTS = "Maximum of 10,000 data points per request."
PROPERTY_NOT_FOUND = "Property {} is not found."
PROPERTY_INVALID = "Invalid value for property {}."
PROPERTY_NOT_VIRTUAL = "Properties can only be set on datastreams of virtual pins."
_NO_CONTENT = 204


async def write_one(request: web.Request) -> web.Response:
    """``POST /organization/device/datastream``: ``{"deviceId", "dataStreamId", "value"}``."""
    emu, client = authorize(request)
    body = await json_body(request)
    device = device_or_404(emu, client, body_int(body, "deviceId"))
    ds = datastream_or_404(emu, device, body_int(body, "dataStreamId"))
    if body.get("value") is None:
        raise ApiError(400, MISSING_PARAMETER.format("value"))
    try:
        wire = platform_value(emu, ds, body["value"])
    except ValueMismatchError:
        raise ApiError(400, INVALID_VALUE) from None
    emu.write_value(device, ds, wire, emu.now_ms())
    return web.Response(status=_NO_CONTENT)


async def write_many(request: web.Request) -> web.Response:
    """``POST /organization/device/datastreams``: ``{"deviceId", "values": {id: value}}``."""
    emu, client = authorize(request)
    body = await json_body(request)
    device = device_or_404(emu, client, body_int(body, "deviceId"))
    values = body.get("values")
    if not isinstance(values, dict):
        raise ApiError(400, INVALID_BODY)
    template = emu.world.template_of(device)
    now = emu.now_ms()
    for key, value in values.items():
        ds = template.datastreams.get(int(key)) if key.isdigit() else None
        if ds is None:
            continue
        try:
            wire = platform_value(emu, ds, value)
        except ValueMismatchError:
            continue
        emu.write_value(device, ds, wire, now)
    return web.Response(status=_NO_CONTENT)


async def import_batch(request: web.Request) -> web.Response:
    """``POST /organization/device/import/batch``: timestamped points into the history."""
    emu, client = authorize(request)
    body = await json_body(request)
    device = device_or_404(emu, client, body_int(body, "deviceId"))
    ds = datastream_or_404(emu, device, body_int(body, "dataStreamId"))
    items = body.get("values")
    if not isinstance(items, list) or not items:
        raise ApiError(400, INVALID_BODY)
    if len(items) > MAX_POINTS:
        raise ApiError(400, TOO_MANY_POINTS)
    points = [_point(item) for item in items]
    accept_points(
        emu, device, ds, points, INVALID_VALUE, check=lambda ds, v: platform_value(emu, ds, v)
    )
    return web.Response(status=_NO_CONTENT)


async def write_property(request: web.Request) -> web.Response:
    """``POST /organization/device/datastream/property``: one widget property."""
    emu, client = authorize(request)
    body = await json_body(request)
    device = device_or_404(emu, client, body_int(body, "deviceId"))
    ds = datastream_or_404(emu, device, body_int(body, "dataStreamId"))
    name, value = body.get("property"), body.get("value")
    if not isinstance(name, str) or not isinstance(value, str):
        raise ApiError(400, INVALID_BODY)
    if not properties.is_known(name):
        raise ApiError(404, PROPERTY_NOT_FOUND.format(name))
    if ds.pin_type != "VIRTUAL":
        raise ApiError(400, PROPERTY_NOT_VIRTUAL)
    if len(value) > properties.MAX_PLATFORM_VALUE or not properties.is_valid(name, value):
        raise ApiError(400, PROPERTY_INVALID.format(name))
    emu.set_property(device, ds, name, value)
    return web.Response(status=_NO_CONTENT)


def platform_value(emu: Emulator, ds: Datastream, value: Any) -> Any:
    """The wire form of a JSON value; a JSON boolean only where the variant accepts one."""
    if isinstance(value, bool) and emu.variants.is_(BOOLEAN_WRITES, "refused"):
        raise ValueMismatchError(value)
    return from_json(ds, value)


def _point(item: Any) -> tuple[int, Any]:
    if not isinstance(item, dict) or "value" not in item:
        raise ApiError(400, INVALID_BODY)
    ts = item.get("ts")
    if isinstance(ts, str) and ts.isdigit():
        ts = int(ts)
    if isinstance(ts, bool) or not isinstance(ts, int):
        raise ApiError(400, INVALID_BODY)
    return ts, item["value"]


def add_routes(app: web.Application) -> None:
    """Register the Platform API writes."""
    router = app.router
    router.add_post(f"{V1}/device/datastream", write_one)
    router.add_post(f"{V1}/device/datastreams", write_many)
    router.add_post(f"{V1}/device/import/batch", import_batch)
    router.add_post(f"{V1}/device/datastream/property", write_property)
