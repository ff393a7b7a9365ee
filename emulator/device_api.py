"""The Device HTTPS API (``/external/api/...``): one device, its auth token in the query.

Documented (reference section 3 and the update page): the endpoints, parameters,
answers and error texts below; errors are 400 ``{"error": {"message": ...}}``;
locations are two ``value`` parameters, longitude first; ``batch/update`` POST needs
``Content-Type: application/json`` and takes at most 10,000 ``[ts, value]`` points;
``getAll`` holds the datastreams that have a value; every request is a device message.

Inferences:
- Pins are case-insensitive (``v1``/``V1``); answers name them in lower case.
- A pin without a datastream answers "No datastream setup for that pin." on every
  endpoint; an unknown ``dataStreamId`` answers "Requested dataStream doesn't exist
  in the product {template name}"; a missing token answers "Invalid token.".
- ``get`` of a datastream that was never set answers 200 with an empty body; the
  multi-pin ``get`` leaves such pins out. Pins are bare keys (``&v1&v2``); what a pin
  written ``v1=`` gets is the ``device_get_keys`` variant.
- ``getAll`` and the multi-pin ``get`` shape their values as the ``value_shapes``
  variant says; every read answers ENUMs as the ``enum_answers`` variant says.
- ``update`` accepts several ``{pin}={value}`` pairs and applies them together;
  ``update`` answers an empty 200, ``batch/update`` answers ``OK``.
- ``update/property``: several properties per request are accepted; a property name
  outside the documented list answers "Wrong property name."; a badly formatted value
  answers "Value doesn't match the Datastream data type"; non-virtual pins answer
  "Wrong pin format.".
- ``logEvent`` codes must be among the template's ``events``; a template without
  events knows no code.
- ``device/meta/update``: a ``DeviceName`` value must be 1-50 letters, digits,
  spaces, apostrophes, underscores or hyphens (the rule for device names); a
  ``Number`` value must be a number.
"""

import json
import re
from typing import Any

from aiohttp import web

from . import properties, views
from .appkeys import emulator_of
from .entities import Datastream, Device, Template
from .errors import (
    BATCH_TOO_BIG,
    DATASTREAM_NOT_IN_PRODUCT,
    EVENT_NOT_FOUND,
    INVALID_TOKEN,
    METAFIELD_NOT_FOUND,
    METAFIELD_NOT_FOUND_UPDATE,
    NO_DATASTREAM_FOR_PIN,
    NO_EVENT_CODE,
    UNKNOWN_CONTENT_TYPE,
    VALUE_MISMATCH,
    WRONG_DATASTREAM_ID,
    WRONG_METAFIELD,
    WRONG_METAFIELD_UPDATE,
    WRONG_PIN,
    WRONG_VALUE,
    ApiError,
)
from .model import Emulator
from .timestamped import MAX_POINTS, accept_points
from .values import ValueMismatchError, from_text, pin_key, to_text
from .variants import DEVICE_GET_KEYS

PREFIX = "/external/api"
WRONG_PROPERTY = "Wrong property name."
_INTEGER = re.compile(r"\d{1,9}")
_DEVICE_NAME = re.compile(r"[\w' -]{1,50}")


def device_of(request: web.Request, missing: str = INVALID_TOKEN) -> tuple[Emulator, Device]:
    """Return the emulator and the device of the ``token`` parameter; count a message."""
    emu = emulator_of(request)
    token = request.query.get("token")
    if not token:
        raise ApiError(400, missing)
    device = emu.device_for_token(token)
    if device is None:
        raise ApiError(400, INVALID_TOKEN)
    emu.count_message(device)
    return emu, device


def credential_region(emu: Emulator, request: web.Request) -> str | None:
    """Return the region of the request's device token, if it is known."""
    device = emu.device_for_token(request.query.get("token", ""))
    return None if device is None else device.region


def by_pin(template: Template, text: str | None) -> Datastream:
    """Return the datastream of a pin text; 400 for a malformed or unbound pin."""
    key = None if text is None else pin_key(text)
    if key is None:
        raise ApiError(400, WRONG_PIN)
    ds = template.by_pin.get(key)
    if ds is None:
        raise ApiError(400, NO_DATASTREAM_FOR_PIN)
    return ds


def by_id(template: Template, text: str) -> Datastream:
    """Return the datastream of a ``dataStreamId`` text; 400 if malformed or unknown."""
    if _INTEGER.fullmatch(text) is None:
        raise ApiError(400, WRONG_DATASTREAM_ID)
    ds = template.datastreams.get(int(text))
    if ds is None:
        raise ApiError(400, DATASTREAM_NOT_IN_PRODUCT.format(template.name))
    return ds


def _pin_params(request: web.Request, reserved: set[str]) -> list[str]:
    return [key for key in dict.fromkeys(request.query) if key not in reserved]


async def get(request: web.Request) -> web.Response:
    """``get``: one value as text, or several pins as a JSON object."""
    emu, device = device_of(request)
    template = emu.world.template_of(device)
    if "dataStreamId" in request.query:
        return _text(emu, device, by_id(template, request.query["dataStreamId"]))
    pins = _pin_params(request, {"token"})
    if not pins or (emu.variants.is_(DEVICE_GET_KEYS, "bare_only") and _assigned(request, pins)):
        raise ApiError(400, WRONG_PIN)
    found = [by_pin(template, pin) for pin in pins]
    if len(found) == 1:
        return _text(emu, device, found[0])
    body = {ds.pin_name: _answered(emu, device, ds) for ds in found if ds.id in device.values}
    views.shape_values(emu.variants, [[(body, pin) for pin in body]])
    return web.json_response(body)


def _assigned(request: web.Request, keys: list[str]) -> bool:
    """Whether one of ``keys`` is written with ``=`` in the query string (``v1=``)."""
    written = {part.split("=", 1)[0] for part in request.query_string.split("&") if "=" in part}
    return not written.isdisjoint(keys)


async def get_all(request: web.Request) -> web.Response:
    """``getAll``: every datastream that has a value, by pin."""
    emu, device = device_of(request)
    template = emu.world.template_of(device)
    ordered = sorted(template.datastreams.values(), key=lambda ds: (ds.pin_name[0], ds.pin))
    body = {ds.pin_name: _answered(emu, device, ds) for ds in ordered if ds.id in device.values}
    views.shape_values(emu.variants, [[(body, pin) for pin in body]])
    return web.json_response(body)


async def update(request: web.Request) -> web.Response:
    """``update``: ``{pin}={value}``, ``dataStreamId=&value=`` or ``pin=&value=``."""
    emu, device = device_of(request)
    _write(emu, device, request)
    return web.Response(text="")


async def batch_update_get(request: web.Request) -> web.Response:
    """``batch/update`` GET: several pins, one timestamp, one message."""
    emu, device = device_of(request)
    _write(emu, device, request)
    return web.Response(text="OK")


async def batch_update_post(request: web.Request) -> web.Response:
    """``batch/update`` POST: ``[[ts, value], ...]`` points for one pin."""
    emu, device = device_of(request)
    ds = by_pin(emu.world.template_of(device), request.query.get("pin"))
    if request.content_type != "application/json":
        raise ApiError(400, UNKNOWN_CONTENT_TYPE)
    try:
        rows = json.loads(await request.read())
    except ValueError:
        raise ApiError(400, VALUE_MISMATCH) from None
    if not isinstance(rows, list):
        raise ApiError(400, VALUE_MISMATCH)
    if len(rows) > MAX_POINTS:
        raise ApiError(400, BATCH_TOO_BIG)
    accept_points(emu, device, ds, [_row(row) for row in rows], VALUE_MISMATCH)
    return web.Response(text="OK")


async def update_property(request: web.Request) -> web.Response:
    """``update/property``: ``pin`` and ``{property}={value}`` (repeated for lists)."""
    emu, device = device_of(request)
    ds = by_pin(emu.world.template_of(device), request.query.get("pin"))
    if ds.pin_type != "VIRTUAL":
        raise ApiError(400, WRONG_PIN)
    names = _pin_params(request, {"token", "pin"})
    if not names:
        raise ApiError(400, WRONG_PROPERTY)
    received: dict[str, str] = {}
    for name in names:
        values = request.query.getall(name)
        if not properties.is_known(name):
            raise ApiError(400, WRONG_PROPERTY)
        if not all(properties.is_valid(name, value) for value in values):
            raise ApiError(400, VALUE_MISMATCH)
        received[name] = properties.MULTI_VALUE_SEPARATOR.join(values)
    for name, value in received.items():
        emu.set_property(device, ds, name, value)
    return web.Response(text="")


async def log_event(request: web.Request) -> web.Response:
    """``logEvent``: ``code`` and an optional ``description``."""
    emu, device = device_of(request)
    code = request.query.get("code")
    if not code:
        raise ApiError(400, NO_EVENT_CODE)
    if code not in emu.world.template_of(device).event_codes:
        raise ApiError(400, EVENT_NOT_FOUND)
    emu.log_event(device, code, request.query.get("description"))
    return web.Response(text="")


async def is_hardware_connected(request: web.Request) -> web.Response:
    """``isHardwareConnected``: ``true`` or ``false`` as text."""
    _, device = device_of(request)
    return web.Response(text="true" if device.online else "false")


async def device_meta(request: web.Request) -> web.Response:
    """``device/meta?metaFieldId=``: ``{"type", "value"}``."""
    _, device = device_of(request)
    text = request.query.get("metaFieldId", "")
    if _INTEGER.fullmatch(text) is None:
        raise ApiError(400, WRONG_METAFIELD)
    for field in views.metafields(device):
        if field["id"] == int(text):
            return web.json_response(views.metafield_value(field))
    raise ApiError(400, METAFIELD_NOT_FOUND)


async def device_meta_update(request: web.Request) -> web.Response:
    """``device/meta/update``: ``metaFieldId`` or ``metaFieldName``, and ``value``."""
    _, device = device_of(request)
    field = _metafield(device, request)
    value = request.query.get("value")
    if value is None:
        raise ApiError(400, WRONG_VALUE)
    if field["type"] == "DeviceName":
        if _DEVICE_NAME.fullmatch(value) is None:
            raise ApiError(400, WRONG_VALUE)
        device.name = value
        return web.Response(text="")
    stored: Any = value
    if field["type"] == "Number":
        try:
            stored = float(value)
        except ValueError:
            raise ApiError(400, WRONG_VALUE) from None
    field["value"] = stored
    return web.Response(text="")


def _metafield(device: Device, request: web.Request) -> dict[str, Any]:
    id_text, name = request.query.get("metaFieldId"), request.query.get("metaFieldName")
    if id_text is None and name is None:
        raise ApiError(400, WRONG_METAFIELD_UPDATE)
    if id_text is not None and _INTEGER.fullmatch(id_text) is None:
        raise ApiError(400, WRONG_METAFIELD_UPDATE)
    for field in views.metafields(device):
        if (id_text is not None and field["id"] == int(id_text)) or field["name"] == name:
            return field
    raise ApiError(400, METAFIELD_NOT_FOUND_UPDATE)


def _write(emu: Emulator, device: Device, request: web.Request) -> None:
    template = emu.world.template_of(device)
    query = request.query
    targets: list[tuple[Datastream, list[str]]]
    if "dataStreamId" in query:
        targets = [(by_id(template, query["dataStreamId"]), query.getall("value", []))]
    elif "pin" in query:
        targets = [(by_pin(template, query["pin"]), query.getall("value", []))]
    else:
        pins = _pin_params(request, {"token"})
        targets = [(by_pin(template, pin), query.getall(pin)) for pin in pins]
    if not targets:
        raise ApiError(400, WRONG_PIN)
    try:
        parsed = [(ds, from_text(ds, texts)) for ds, texts in targets]
    except ValueMismatchError:
        raise ApiError(400, VALUE_MISMATCH) from None
    now = emu.now_ms()
    for ds, wire in parsed:
        emu.write_value(device, ds, wire, now)


def _row(row: Any) -> tuple[int, Any]:
    if not (isinstance(row, list) and len(row) == 2):  # noqa: PLR2004 - [ts, value]
        raise ApiError(400, VALUE_MISMATCH)
    ts = row[0]
    if isinstance(ts, bool) or not isinstance(ts, int):
        raise ApiError(400, VALUE_MISMATCH)
    return ts, row[1]


def _text(emu: Emulator, device: Device, ds: Datastream) -> web.Response:
    current = device.values.get(ds.id)
    return web.Response(text="" if current is None else to_text(_answered(emu, device, ds)))


def _answered(emu: Emulator, device: Device, ds: Datastream) -> Any:
    return views.answered(emu.variants, ds, device.values[ds.id][1])


def add_routes(app: web.Application) -> None:
    """Register the Device HTTPS API."""
    router = app.router
    router.add_get(f"{PREFIX}/get", get)
    router.add_get(f"{PREFIX}/getAll", get_all)
    router.add_get(f"{PREFIX}/update", update)
    router.add_get(f"{PREFIX}/batch/update", batch_update_get)
    router.add_post(f"{PREFIX}/batch/update", batch_update_post)
    router.add_get(f"{PREFIX}/update/property", update_property)
    router.add_get(f"{PREFIX}/logEvent", log_event)
    router.add_get(f"{PREFIX}/isHardwareConnected", is_hardware_connected)
    router.add_get(f"{PREFIX}/device/meta", device_meta)
    router.add_get(f"{PREFIX}/device/meta/update", device_meta_update)
