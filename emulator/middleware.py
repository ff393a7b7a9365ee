"""What happens around every Blynk request: faults, region redirects, the request log.

Order for a non-control request: (1) an injected fault, if one matches, answers
instead (after its delay); (2) a valid credential of another region answers
``308 Permanent Redirect`` (or another status: the ``redirect`` variant) with an empty
body and ``Location`` = that region's URL + the same path and query; (3) the route
answers, ``ApiError`` becoming Blynk's error body; (4) a redacted
:class:`~emulator.records.RequestRecord` is kept.

Documented: the Device HTTPS API's 308 with ``Content-Length: 0`` and ``Location``.
Inferences: the Platform API and the token endpoint redirect the same way, for
valid credentials only (unknown, wrong or expired credentials get the normal
authentication error).

Export files (``/_emulator/exports/``) stand for the file host that Blynk's export links point
at: they are faulted and logged like Blynk's own paths, not like the control API.
"""

import asyncio
from typing import NoReturn

from aiohttp import web
from aiohttp.typedefs import Handler

from . import device_api, oauth, platform_auth
from .appkeys import REGION_KEY, URL_FOR_KEY, emulator_of
from .device_export import EXPORTS_PATH
from .errors import ApiError, error_response
from .faults import MALFORMED_BODY, Fault
from .records import RequestRecord, parse_body, redact_query
from .variants import REDIRECT

CONTROL_PREFIX = "/_emulator"
_BODYLESS = frozenset({204, 304})


@web.middleware
async def emulator_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Fault, redirect, answer and record a request; control requests pass through."""
    if _is_control(request.path):
        return await handler(request)
    emu = emulator_of(request)
    status = 0
    raw = b""
    try:
        raw = await request.read()
        emu.arrive(request.path)
        response = await _answer(request, handler, emu.faults.take(request.path, request.method))
    except web.HTTPException as exc:
        status = exc.status
        raise
    else:
        status = response.status
        return response
    finally:
        emu.record(
            RequestRecord(
                method=request.method,
                path=request.path,
                query=redact_query(request.query.items(), request.query_string),
                body=parse_body(raw),
                status=status,
                region=request.app[REGION_KEY],
            )
        )


def _is_control(path: str) -> bool:
    """A control path: not Blynk's. Export files stand for Blynk's file host, so they are not."""
    if path.startswith(EXPORTS_PATH + "/"):
        return False
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


async def _answer(
    request: web.Request, handler: Handler, fault: Fault | None
) -> web.StreamResponse:
    if fault is not None:
        if fault.delay > 0:
            await emulator_of(request).pause(fault.delay)
        if fault.drop:
            _drop(request)
        response = fault_response(fault)
        if response is not None:
            return response
    redirect = await _redirect(request)
    if redirect is not None:
        return redirect
    try:
        return await handler(request)
    except ApiError as err:
        return err.response()


def fault_response(fault: Fault) -> web.Response | None:
    """Return the answer of a fault, or None when the normal answer should follow."""
    if fault.malformed:
        return web.Response(
            status=fault.status or 200, body=MALFORMED_BODY, content_type="application/json"
        )
    if fault.body is not None:
        return web.json_response(fault.body, status=fault.status or 200)
    if fault.location is not None:
        return web.Response(status=fault.status or 308, headers={"Location": fault.location})
    if fault.status is None:
        return None
    if fault.status in _BODYLESS:
        return web.Response(status=fault.status)
    headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
    return error_response(fault.status, fault.message_text(), headers)


def _drop(request: web.Request) -> NoReturn:
    if request.transport is not None:
        request.transport.close()
    raise asyncio.CancelledError


async def _redirect(request: web.Request) -> web.Response | None:
    emu = emulator_of(request)
    path = request.path
    region: str | None = None
    if path == oauth.TOKEN_PATH:
        region = await oauth.credential_region(emu, request)
    elif path.startswith("/api/"):
        region = platform_auth.credential_region(emu, request)
    elif path.startswith(device_api.PREFIX + "/"):
        region = device_api.credential_region(emu, request)
    if region is None or region == request.app[REGION_KEY]:
        return None
    try:
        base = request.app[URL_FOR_KEY](region)
    except KeyError:  # a region loaded after start has no site: answer here
        return None
    status = int(emu.variants.reading(REDIRECT))
    return web.Response(status=status, headers={"Location": base + request.raw_path})
