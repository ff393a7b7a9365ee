"""Reading Platform API parameters: ids, lists, flags, pages and JSON bodies.

Documented: ids are query parameters; ``page`` is 0-based (default 0) and ``size``
1..1000 (default 50); paginated answers are ``{"content": [...], "totalElements": N}``.
How many items a page really holds is the ``page_size`` variant (:mod:`emulator.variants`);
pages are counted in the size served, whatever was asked.

Inferences:
- Array parameters (``deviceIds``, ``dataStreamIds``) may repeat and may hold
  comma-separated ids; both forms can be mixed.
- A size above 1000 (above 100 in the ``strict_100`` reading) answers 400 with the
  OpenAPI's "requested page size is too big" text; a size below 1 or a negative page
  answers 400.
- Booleans are ``true``/``false`` in any letter case.
- A POST body without ``Content-Type`` is read as JSON (the 2026-01-29 changelog);
  another content type than ``application/json`` answers 415.
"""

from collections.abc import Sequence
import json
import re
from typing import Any

from aiohttp import web

from .errors import (
    INVALID_BODY,
    INVALID_PARAMETER,
    MISSING_PARAMETER,
    PAGE_SIZE_TOO_BIG,
    UNSUPPORTED_CONTENT_TYPE,
    ApiError,
)
from .variants import PAGE_SIZE, Variants

MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 50
_INTEGER = re.compile(r"-?\d{1,18}")


def query_int(request: web.Request, name: str, default: int | None = None) -> int:
    """Return an integer query parameter; 400 if malformed, or if missing without default."""
    text = request.query.get(name)
    if text is None or text == "":
        if default is None:
            raise ApiError(400, MISSING_PARAMETER.format(name))
        return default
    return _integer(text, name)


def query_ints(request: web.Request, name: str) -> list[int] | None:
    """Return a repeated and/or comma-separated id list (unique, in order), None if absent."""
    texts = request.query.getall(name, [])
    if not texts:
        return None
    result: dict[int, None] = {}
    for text in texts:
        for part in text.split(","):
            if part.strip():
                result[_integer(part.strip(), name)] = None
    return list(result)


def query_bool(request: web.Request, name: str, *, default: bool) -> bool:
    """Return a ``true``/``false`` query parameter."""
    text = request.query.get(name)
    if text is None or text == "":
        return default
    if text.lower() not in {"true", "false"}:
        raise ApiError(400, INVALID_PARAMETER.format(name))
    return text.lower() == "true"


_PAGE_CAPS = {"capped_100": 100, "capped_2": 2}
_PAGE_LIMITS = {"honoured": MAX_PAGE_SIZE, "strict_100": 100}


def page_params(request: web.Request, variants: Variants) -> tuple[int, int]:
    """Return ``(page, size served)`` after checking the documented ranges."""
    page = query_int(request, "page", 0)
    size = query_int(request, "size", DEFAULT_PAGE_SIZE)
    if size < 1:
        raise ApiError(400, INVALID_PARAMETER.format("size"))
    if page < 0:
        raise ApiError(400, INVALID_PARAMETER.format("page"))
    reading = variants.reading(PAGE_SIZE)
    if reading == "ignored":
        return page, DEFAULT_PAGE_SIZE
    if reading in _PAGE_CAPS:
        return page, min(size, _PAGE_CAPS[reading])
    if size > _PAGE_LIMITS[reading]:
        raise ApiError(400, PAGE_SIZE_TOO_BIG)
    return page, size


def paginate(items: Sequence[Any], page: int, size: int) -> dict[str, Any]:
    """Return one page of ``items`` in the paginated envelope."""
    start = page * size
    return {"content": list(items[start : start + size]), "totalElements": len(items)}


async def json_body(request: web.Request) -> dict[str, Any]:
    """Return the JSON object body of a POST; 415 or 400 if it is not one."""
    content_type = request.headers.get("Content-Type")
    if content_type is not None and request.content_type != "application/json":
        raise ApiError(415, UNSUPPORTED_CONTENT_TYPE.format(request.content_type))
    try:
        data = json.loads(await request.read())
    except ValueError:
        raise ApiError(400, INVALID_BODY) from None
    if not isinstance(data, dict):
        raise ApiError(400, INVALID_BODY)
    return data


def body_int(body: dict[str, Any], name: str) -> int:
    """Return an integer field of a JSON body; 400 if missing or not an integer."""
    value = body.get(name)
    if value is None:
        raise ApiError(400, MISSING_PARAMETER.format(name))
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(400, INVALID_PARAMETER.format(name))
    return value


def _integer(text: str, name: str) -> int:
    if _INTEGER.fullmatch(text) is None:
        raise ApiError(400, INVALID_PARAMETER.format(name))
    return int(text)
