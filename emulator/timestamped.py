"""Timestamped points shared by the Platform import and the Device batch upload.

Documented: at most 10,000 points a request; how old a point may be is the
``import_age`` variant (the pages say one month, the 2026-04-20 changelog three);
points more than one month in the future are silently skipped; a per-device daily limit
applies, common to both endpoints (100,000 points since the 2026-05-20 changelog).

Inferences:
- A month is 30 days. One point older than the limit rejects the whole request with
  400 "Timestamps could be only one month in the past." (or "three months").
- Going over the daily limit rejects the whole request with 429 "Daily limit of
  {limit} imported data points per device is reached.".
- Imported points land in the history only; the current value does not change.
"""

from collections.abc import Callable, Iterable
from typing import Any

from .entities import Datastream, Device
from .errors import ApiError
from .model import DAY_MS, Emulator
from .values import ValueMismatchError, from_json
from .variants import IMPORT_AGE

MAX_POINTS = 10_000
MONTH_MS = 30 * DAY_MS
AGE_LIMITS = {"one_month": (MONTH_MS, "one month"), "three_months": (3 * MONTH_MS, "three months")}
TOO_OLD = "Timestamps could be only {} in the past."
DAILY_LIMIT = "Daily limit of {} imported data points per device is reached."


def accept_points(
    emu: Emulator,
    device: Device,
    ds: Datastream,
    points: Iterable[tuple[int, Any]],
    mismatch: str,
    *,
    check: Callable[[Datastream, Any], Any] = from_json,
) -> None:
    """Check ``(ts_ms, value)`` points and add them to the history, or raise ApiError.

    ``check`` turns a JSON value into its wire form (ValueMismatchError if it does not fit).
    """
    now = emu.now_ms()
    age, words = AGE_LIMITS[emu.variants.reading(IMPORT_AGE)]
    accepted: list[tuple[int, Any]] = []
    for ts, value in points:
        if ts < now - age:
            raise ApiError(400, TOO_OLD.format(words))
        try:
            wire = check(ds, value)
        except ValueMismatchError:
            raise ApiError(400, mismatch) from None
        if ts <= now + MONTH_MS:
            accepted.append((ts, wire))
    limit = emu.world.import_daily_limit
    if not emu.use_quota("import", device, len(accepted), limit):
        raise ApiError(429, DAILY_LIMIT.format(limit))
    emu.add_points(device, ds, accepted)
