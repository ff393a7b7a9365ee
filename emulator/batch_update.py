"""``POST /api/v1/organization/product/devices/batch-update``: many devices at once.

Documented (OpenAPI page): body ``{"fields": ["deviceId", <datastream labels>...],
"updates": [[deviceId, value...], ...], "debug": false}``; at most 10,000 updates;
``null`` skips a datastream; the product is derived from the first valid device and
every device must belong to it (compared by original template id); 204 when every
row succeeds; otherwise 200 with counters ``invalidRowSize``, ``nullDeviceId``,
``nonNumericDeviceId``, ``deviceNotFound``, ``noAccessToDevice``, ``wrongProduct``
(counter mode) or ``skippedRows`` (debug mode, at most 100 strings); 400 when no
valid device is found or the fields are invalid.

Inferences:
- The counter answer holds all six counters, zeros included; the debug answer holds
  only ``skippedRows``, each ``"Row {index}: {reason}"`` (0-based row index).
- ``noAccessToDevice`` stays 0: an OAuth client sees its whole organization tree, so
  the per-device check never fails (it concerns user-scoped tokens).
- A device id may be an integer, an integral number or a string of digits.
- Labels are checked against the product (root) template: an unknown label answers
  400 "Data stream with label {label} is not found!". A value of the wrong type (a JSON
  boolean too, as the ``boolean_writes`` variant says) is skipped like ``null``; numbers
  are clamped.
- Texts: "The first element of fields must be deviceId, followed by datastream
  labels.", "Maximum of 10,000 updates per request.", "No valid device found to
  derive the product.".
"""

from typing import Any

from aiohttp import web

from .entities import Device, OAuthClient
from .errors import INVALID_BODY, ApiError
from .model import Emulator
from .params import json_body
from .platform_auth import authorize, visible_device
from .platform_write import platform_value
from .values import ValueMismatchError

PATH = "/api/v1/organization/product/devices/batch-update"
MAX_UPDATES = 10_000
MAX_SKIPPED_ROWS = 100
COUNTERS = (
    "invalidRowSize",
    "nullDeviceId",
    "nonNumericDeviceId",
    "deviceNotFound",
    "noAccessToDevice",
    "wrongProduct",
)
INVALID_FIELDS = "The first element of fields must be deviceId, followed by datastream labels."
TOO_MANY_UPDATES = "Maximum of 10,000 updates per request."
NO_VALID_DEVICE = "No valid device found to derive the product."
UNKNOWN_LABEL = "Data stream with label {} is not found!"


class _Outcome:
    """The rows to apply and the rows skipped, with their reasons."""

    def __init__(self) -> None:
        self.rows: list[tuple[Device, list[Any]]] = []
        self.counters = dict.fromkeys(COUNTERS, 0)
        self.skipped: list[str] = []
        self.product: int | None = None

    def skip(self, index: int, counter: str, reason: str) -> None:
        self.counters[counter] += 1
        self.skipped.append(f"Row {index}: {reason}")


async def batch_update(request: web.Request) -> web.Response:
    """Apply rows of datastream values to many devices of one product."""
    emu, client = authorize(request)
    body = await json_body(request)
    fields = body.get("fields")
    if not (
        isinstance(fields, list)
        and len(fields) >= 2  # noqa: PLR2004 - deviceId and at least one label
        and all(isinstance(field, str) for field in fields)
        and fields[0] == "deviceId"
    ):
        raise ApiError(400, INVALID_FIELDS)
    updates, debug = body.get("updates"), body.get("debug", False)
    if not isinstance(updates, list) or not updates or not isinstance(debug, bool):
        raise ApiError(400, INVALID_BODY)
    if len(updates) > MAX_UPDATES:
        raise ApiError(400, TOO_MANY_UPDATES)
    outcome = _classify(emu, client, len(fields), updates)
    if outcome.product is None:
        raise ApiError(400, NO_VALID_DEVICE)
    product = emu.world.templates[outcome.product]
    for label in fields[1:]:
        if label not in product.by_label:
            raise ApiError(400, UNKNOWN_LABEL.format(label))
    _apply(emu, fields[1:], outcome.rows)
    if not outcome.skipped:
        return web.Response(status=204)
    if debug:
        return web.json_response({"skippedRows": outcome.skipped[:MAX_SKIPPED_ROWS]})
    return web.json_response(outcome.counters)


def _classify(emu: Emulator, client: OAuthClient, width: int, updates: list[Any]) -> _Outcome:
    outcome = _Outcome()
    for index, row in enumerate(updates):
        if not isinstance(row, list) or len(row) != width:
            outcome.skip(index, "invalidRowSize", f"expected {width} elements")
            continue
        if row[0] is None:
            outcome.skip(index, "nullDeviceId", "deviceId is null")
            continue
        device_id = _device_id(row[0])
        if device_id is None:
            outcome.skip(index, "nonNumericDeviceId", f"deviceId {row[0]!r} is not numeric")
            continue
        device = visible_device(emu, client, device_id)
        if device is None:
            outcome.skip(index, "deviceNotFound", f"device {device_id} is not found")
            continue
        original = emu.world.original_template_id(device.template_id)
        if outcome.product is None:
            outcome.product = original
        if original != outcome.product:
            outcome.skip(index, "wrongProduct", f"device {device_id} has another product")
            continue
        outcome.rows.append((device, row))
    return outcome


def _apply(emu: Emulator, labels: list[str], rows: list[tuple[Device, list[Any]]]) -> None:
    now = emu.now_ms()
    for device, row in rows:
        by_label = emu.world.template_of(device).by_label
        for label, value in zip(labels, row[1:], strict=True):
            ds = by_label.get(label)
            if value is None or ds is None:
                continue
            try:
                wire = platform_value(emu, ds, value)
            except ValueMismatchError:
                continue
            emu.write_value(device, ds, wire, now)


def _device_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def add_routes(app: web.Application) -> None:
    """Register the batch update."""
    app.router.add_post(PATH, batch_update)
