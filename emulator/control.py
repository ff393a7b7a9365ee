"""The control API under ``/_emulator/`` (not Blynk): drive the emulator over HTTP.

Every site serves it; it is never logged and never faulted (the export files it serves
for Blynk's export links are: see ``middleware``). Each route calls the
matching :class:`~emulator.model.Emulator` method, so behaviour has one
implementation. Bodies are JSON; errors answer ``{"error": {"message": ...}}`` with
404 (unknown device, client...) or 400 (invalid input).

=======  ===========================================  =================================
Method   Path                                         Body / query -> answer
=======  ===========================================  =================================
GET      ``/_emulator/``                              -> ``{"routes": ["GET /_emulator/…"]}``
GET      ``/_emulator/scenario``                      -> the loaded scenario
POST     ``/_emulator/load``                          ``{"scenario": name | object}``
POST     ``/_emulator/reset``                         reload the last scenario
GET      ``/_emulator/value``                         ``?deviceId=&dataStream=`` ->
                                                      ``{"value"}``
POST     ``/_emulator/value``                         ``{"deviceId", "dataStream",
                                                      "value", "ts"?}``
GET      ``/_emulator/history``                       ``?deviceId=&dataStream=`` ->
                                                      ``{"history": [[ts, v]...]}``
POST     ``/_emulator/online``                        ``{"deviceId", "online"}``
POST     ``/_emulator/devices``                       a scenario device -> ``{"id"}``
DELETE   ``/_emulator/devices/{id}``                  remove a device
POST     ``/_emulator/faults``                        Fault fields + ``count``, ``path``,
                                                      ``method``, ``skip``
DELETE   ``/_emulator/faults``                        clear the faults
POST     ``/_emulator/release``                       answer the requests a fault holds
GET      ``/_emulator/requests``                      -> ``{"requests": [record...]}``
DELETE   ``/_emulator/requests``                      clear the log
GET      ``/_emulator/count``                         ``?path=&method=`` -> ``{"count"}``
POST     ``/_emulator/revoke``                        revoke every token
POST     ``/_emulator/client-secret``                 ``{"client_id", "client_secret"}``
GET      ``/_emulator/properties``                    -> ``[{"deviceId", "dataStreamId",
                                                      "properties"}]``
GET      ``/_emulator/events``                        -> ``[{"deviceId", "code",
                                                      "description"}]``
GET      ``/_emulator/messages``                      ``?deviceId=`` -> ``{"messages"}``
GET      ``/_emulator/exports/{name}``                a ``data/get`` file (zip, gz, csv)
GET      ``/_emulator/variants``                      -> ``{"variants": {name: reading},
                                                      "catalog": [...]}``
POST     ``/_emulator/variants``                      ``{name: reading, ...}``
=======  ===========================================  =================================
"""

from collections.abc import Awaitable, Callable
import json
from typing import Any

from aiohttp import web

from .appkeys import URL_FOR_KEY, emulator_of
from .errors import error_response
from .faults import Fault
from .scenario import load_scenario
from .variants import catalog_json

PREFIX = "/_emulator"
type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_FAULT_TYPES: dict[str, tuple[type, ...]] = {
    "status": (int, type(None)),
    "retry_after": (int, type(None)),
    "message": (str, type(None)),
    "delay": (int, float),
    "malformed": (bool,),
    "drop": (bool,),
    "body": (dict, list, str, int, float),
    "location": (str, type(None)),
}
_OK = {"ok": True}


class ControlError(Exception):
    """Invalid control input (400)."""


def _guarded(handler: Handler) -> Handler:
    async def guarded(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except KeyError as err:
            return error_response(404, str(err.args[0] if err.args else err))
        except (ValueError, TypeError, ControlError) as err:
            return error_response(400, str(err))

    return guarded


async def _body(request: web.Request) -> dict[str, Any]:
    data = json.loads(await request.read() or b"{}")
    if not isinstance(data, dict):
        raise ControlError("the body must be a JSON object")
    return data


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ControlError(f"'{name}' must be an integer")
    return int(value)


def _datastream(value: Any) -> int | str:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value
    raise ControlError("'dataStream' must be an id or a pin")


async def scenario(request: web.Request) -> web.StreamResponse:
    """Answer the loaded scenario."""
    return web.json_response(emulator_of(request).scenario)


async def load(request: web.Request) -> web.StreamResponse:
    """Load a scenario by name or as JSON; its regions must be served."""
    emu = emulator_of(request)
    data = load_scenario((await _body(request))["scenario"])
    url_for = request.app[URL_FOR_KEY]
    for region in data["regions"]:
        try:
            url_for(region)
        except KeyError:
            raise ControlError(f"region {region!r} is not served") from None
    emu.load(data)
    return web.json_response(_OK)


async def reset(request: web.Request) -> web.StreamResponse:
    """Reload the last scenario."""
    emulator_of(request).reset()
    return web.json_response(_OK)


async def get_value(request: web.Request) -> web.StreamResponse:
    """Answer a current value."""
    query = request.query
    value = emulator_of(request).value(
        _int(query["deviceId"], "deviceId"), _datastream(query["dataStream"])
    )
    return web.json_response({"value": value})


async def set_value(request: web.Request) -> web.StreamResponse:
    """Set a value as if the device reported it."""
    body = await _body(request)
    ts = body.get("ts")
    emulator_of(request).set_value(
        _int(body["deviceId"], "deviceId"),
        _datastream(body["dataStream"]),
        body["value"],
        ts_ms=None if ts is None else _int(ts, "ts"),
    )
    return web.json_response(_OK)


async def history(request: web.Request) -> web.StreamResponse:
    """Answer a datastream history."""
    query = request.query
    points = emulator_of(request).history(
        _int(query["deviceId"], "deviceId"), _datastream(query["dataStream"])
    )
    return web.json_response({"history": [list(point) for point in points]})


async def online(request: web.Request) -> web.StreamResponse:
    """Connect or disconnect a device."""
    body = await _body(request)
    if not isinstance(body.get("online"), bool):
        raise ControlError("'online' must be true or false")
    emulator_of(request).set_online(_int(body["deviceId"], "deviceId"), body["online"])
    return web.json_response(_OK)


async def add_device(request: web.Request) -> web.StreamResponse:
    """Add a device."""
    device_id = emulator_of(request).add_device(await _body(request))
    return web.json_response({"id": device_id}, status=201)


async def remove_device(request: web.Request) -> web.StreamResponse:
    """Remove a device."""
    emulator_of(request).remove_device(_int(request.match_info["device_id"], "id"))
    return web.json_response(_OK)


async def inject(request: web.Request) -> web.StreamResponse:
    """Queue a fault."""
    body = await _body(request)
    fields: dict[str, Any] = {}
    for name, kinds in _FAULT_TYPES.items():
        if name in body:
            value = body[name]
            if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
                raise ControlError(f"'{name}' has the wrong type")
            fields[name] = value
    count = _int(body.get("count", 1), "count")
    skip = _int(body.get("skip", 0), "skip")
    path, method = body.get("path"), body.get("method")
    if not isinstance(path, str | None) or not isinstance(method, str | None):
        raise ControlError("'path' and 'method' must be strings")
    emulator_of(request).inject(Fault(**fields), count=count, path=path, method=method, skip=skip)
    return web.json_response(_OK)


async def release(request: web.Request) -> web.StreamResponse:
    """Let the requests a fault holds (its delay) go on now."""
    emulator_of(request).release()
    return web.json_response(_OK)


async def clear_faults(request: web.Request) -> web.StreamResponse:
    """Forget the queued faults."""
    emulator_of(request).clear_faults()
    return web.json_response(_OK)


async def requests(request: web.Request) -> web.StreamResponse:
    """Answer the (redacted) request log."""
    records = [record.as_json() for record in emulator_of(request).requests]
    return web.json_response({"requests": records})


async def clear_log(request: web.Request) -> web.StreamResponse:
    """Forget the request log."""
    emulator_of(request).clear_log()
    return web.json_response(_OK)


async def count(request: web.Request) -> web.StreamResponse:
    """Count requests by exact path and method."""
    query = request.query
    total = emulator_of(request).count(query.get("path"), method=query.get("method"))
    return web.json_response({"count": total})


async def revoke(request: web.Request) -> web.StreamResponse:
    """Revoke every issued token."""
    emulator_of(request).revoke_tokens()
    return web.json_response(_OK)


async def client_secret(request: web.Request) -> web.StreamResponse:
    """Rotate a client secret."""
    body = await _body(request)
    client_id, secret = body.get("client_id"), body.get("client_secret")
    if not isinstance(client_id, str) or not isinstance(secret, str):
        raise ControlError("'client_id' and 'client_secret' must be strings")
    emulator_of(request).set_client_secret(client_id, secret)
    return web.json_response(_OK)


async def properties(request: web.Request) -> web.StreamResponse:
    """Answer the received widget properties."""
    received = emulator_of(request).properties
    body = [
        {"deviceId": device_id, "dataStreamId": ds_id, "properties": values}
        for (device_id, ds_id), values in received.items()
    ]
    return web.json_response(body)


async def events(request: web.Request) -> web.StreamResponse:
    """Answer the logged events."""
    body = [
        {"deviceId": device_id, "code": code, "description": description}
        for device_id, code, description in emulator_of(request).events
    ]
    return web.json_response(body)


async def messages(request: web.Request) -> web.StreamResponse:
    """Answer a device's message count."""
    device_id = _int(request.query["deviceId"], "deviceId")
    return web.json_response({"messages": emulator_of(request).messages(device_id)})


_EXPORT_TYPES = {".zip": "application/zip", ".gz": "application/gzip", ".csv": "text/csv"}


async def export(request: web.Request) -> web.StreamResponse:
    """Serve an export file of ``data/get``."""
    name = request.match_info["name"]
    data = emulator_of(request).exports[name]
    content_type = _EXPORT_TYPES[name[name.rindex(".") :]]
    return web.Response(body=data, content_type=content_type)


async def get_variants(request: web.Request) -> web.StreamResponse:
    """Answer the readings in force and the catalog of every variant with its sources."""
    emu = emulator_of(request)
    return web.json_response({"variants": emu.variants.as_dict(), "catalog": catalog_json()})


async def set_variants(request: web.Request) -> web.StreamResponse:
    """Set readings: ``{"name": "reading", ...}``; the scenario's come back on reset."""
    emu = emulator_of(request)
    emu.variants.update(await _body(request))
    return web.json_response({"variants": emu.variants.as_dict()})


async def index(request: web.Request) -> web.Response:
    """List the control API's routes (the address the emulator prints answers)."""
    routes = {
        f"{route.method} {route.resource.canonical}"
        for route in request.app.router.routes()
        if route.resource is not None and route.resource.canonical.startswith(PREFIX)
    }
    return web.json_response({"routes": sorted(routes)})


def add_routes(app: web.Application) -> None:
    """Register the control API."""
    routes: list[tuple[str, str, Handler]] = [
        ("GET", "/", index),
        ("GET", "/scenario", scenario),
        ("POST", "/load", load),
        ("POST", "/reset", reset),
        ("GET", "/value", get_value),
        ("POST", "/value", set_value),
        ("GET", "/history", history),
        ("POST", "/online", online),
        ("POST", "/devices", add_device),
        ("DELETE", "/devices/{device_id}", remove_device),
        ("POST", "/faults", inject),
        ("DELETE", "/faults", clear_faults),
        ("POST", "/release", release),
        ("GET", "/requests", requests),
        ("DELETE", "/requests", clear_log),
        ("GET", "/count", count),
        ("POST", "/revoke", revoke),
        ("POST", "/client-secret", client_secret),
        ("GET", "/properties", properties),
        ("GET", "/events", events),
        ("GET", "/messages", messages),
        ("GET", "/exports/{name}", export),
        ("GET", "/variants", get_variants),
        ("POST", "/variants", set_variants),
    ]
    for method, path, handler in routes:
        app.router.add_route(method, PREFIX + path, _guarded(handler))
