"""Device mode: the Device HTTPS API with one device's auth token (works on every plan).

The token travels in the query string, so no URL of this client is ever logged or quoted.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
import re
from typing import Any

import aiohttp
from yarl import URL

from .chunks import upload_chunks
from .errors import BlynkInvalidValueError, BlynkResponseError, BlynkServerError
from .exports import read_export_file
from .host import BlynkServer
from .http import DEFAULT_TIMEOUT, BlynkHttp, Query, Response
from .models import (
    DatastreamType,
    HistoryPoint,
    Location,
    UploadResult,
    Value,
    normalize_pin,
    parse_export,
    parse_pin_values,
    value_to_wire,
)

MAX_UPLOAD_POINTS = 10_000
_API = "/external/api"
_NO_DATA = "no data"
"""The export's whole answer for a period without values (HTTP 500)."""
DEVICE_NAME_METAFIELD = 1
"""Blynk templates start with the "Device Name" metafield, id 1."""
UNKNOWN_DATASTREAM_ID = 999_999_999
"""A datastream id no template has: asking for it makes the server name the product."""
_PRODUCT_TEXT = re.compile(r"doesn't exist in the product (?P<name>.+?)\.?$")
"""Documented answer to an unknown `dataStreamId`: "Requested dataStream doesn't exist in the
product {TemplateName}"."""


class BlynkDeviceClient(BlynkHttp):
    """A Device HTTPS API client for one device."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        server: BlynkServer | str,
        token: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        on_server_change: Callable[[BlynkServer], None] | None = None,
    ) -> None:
        """Create a client; no request is made until the first call."""
        super().__init__(session, server, timeout=timeout, on_server_change=on_server_change)
        self._device_token = token

    def __repr__(self) -> str:
        """Name the server only."""
        return f"BlynkDeviceClient({self.server.host!r})"

    def _secrets(self) -> Iterable[str]:
        return (self._device_token,)

    async def _call(
        self, endpoint: str, query: Query = (), *, method: str = "GET", body: Any = None
    ) -> Response:
        return await self.send(
            method,
            f"{_API}/{endpoint}",
            query=[("token", self._device_token), *query],
            body=body,
        )

    async def authenticate(self) -> bool:
        """Check the token (and the region): whether the device is connected now."""
        return await self.is_hardware_connected()

    async def is_hardware_connected(self) -> bool:
        """Whether the device is connected now."""
        text = (await self._call("isHardwareConnected")).text().lower()
        if text not in ("true", "false"):
            raise BlynkResponseError("GET isHardwareConnected: not true or false")
        return text == "true"

    async def get_all(self) -> dict[str, Any]:
        """Every datastream that has a value, by pin, as sent (`coerce_value` reads them)."""
        return parse_pin_values((await self._call("getAll")).json())

    async def get(self, pins: Sequence[str]) -> dict[str, Any]:
        """Several pins in one request (bare keys, as documented), as sent.

        One pin is answered with its value as text (None: never set), several as JSON.
        """
        pins = list(dict.fromkeys(normalize_pin(pin) for pin in pins))
        response = await self._call("get", [(pin, None) for pin in pins])
        if len(pins) == 1:
            return {pins[0]: response.text() or None}
        return parse_pin_values(response.json())

    async def device_name(self) -> str | None:
        """The device's name, from its "Device Name" metafield, when the template has one."""
        response = await self._call("device/meta", [("metaFieldId", str(DEVICE_NAME_METAFIELD))])
        data = response.json()
        value = data.get("value") if isinstance(data, dict) else None
        return value if isinstance(value, str) and value else None

    async def product_name(self) -> str | None:
        """The name of the device's product (template), when the server says it.

        The Device API has no call for it; the documented error text of an unknown datastream
        id holds it. Another answer (a server that words it otherwise) tells nothing: None.
        """
        try:
            await self._call("get", [("dataStreamId", str(UNKNOWN_DATASTREAM_ID))])
        except BlynkInvalidValueError as err:
            match = _PRODUCT_TEXT.search(str(err))
            return match["name"].strip() if match else None
        return None

    async def update(self, target: str | int, value: Value) -> None:
        """Set a datastream by pin (`v5`) or by datastream id."""
        key, ident = (
            ("pin", normalize_pin(target))
            if isinstance(target, str)
            else (
                "dataStreamId",
                str(target),
            )
        )
        if isinstance(value, Location):
            query = [(key, ident), *(("value", _query_value(part)) for part in value.to_wire())]
        elif key == "pin":
            query = [(ident, _query_value(value))]
        else:
            query = [(key, ident), ("value", _query_value(value))]
        await self._call("update", query)

    async def batch_update(self, values: Mapping[str, Value]) -> None:
        """Set several pins in one request (one message, one timestamp)."""
        if any(isinstance(value, Location) for value in values.values()):
            raise ValueError("a location takes two values and cannot be part of a batch")
        await self._call(
            "batch/update",
            [(normalize_pin(pin), _query_value(value)) for pin, value in values.items()],
        )

    async def upload(self, pin: str, points: Sequence[tuple[int, Value]]) -> UploadResult:
        """Upload timestamped points (epoch ms), 10,000 a request, each confirmed first."""
        query = [("pin", normalize_pin(pin))]
        return await upload_chunks(
            points,
            MAX_UPLOAD_POINTS,
            lambda chunk: self._call(
                "batch/update",
                query,
                method="POST",
                body=[[ts, value_to_wire(value)] for ts, value in chunk],
            ),
        )

    async def set_property(self, pin: str, name: str, value: str | Sequence[str]) -> None:
        """Set a widget property; list properties (`labels`, `urls`) repeat the parameter."""
        values = [value] if isinstance(value, str) else list(value)
        await self._call(
            "update/property", [("pin", normalize_pin(pin)), *((name, item) for item in values)]
        )

    async def export(
        self, pin: str, period: str, kind: DatastreamType | None = None
    ) -> list[HistoryPoint]:
        """Raw stored values of the last `period` (`HOUR`, `DAY`, `WEEK` or `MONTH`), oldest first.

        Blynk answers a link to a file (the documented answer: a zip, or a gzip or plain CSV
        file) or the rows as JSON; both are read, values by the datastream's type `kind`.
        Blynk allows a few exports per device a day (10 at the time of writing): a refusal
        is an error, never an empty history.
        """
        try:
            response = await self._call(
                "data/get",
                [
                    ("pin", normalize_pin(pin)),
                    ("period", period),
                    ("granularityType", "RAW_DATA"),
                    ("format", "TS"),
                ],
            )
        except BlynkServerError as err:
            if err.server_message.strip().rstrip(".").lower() == _NO_DATA:
                return []  # Blynk answers an empty period with a 500 "No data", nothing more
            raise
        data = response.json()
        link = data.get("link") if isinstance(data, dict) else None
        if isinstance(link, str):
            return read_export_file(await self._download(link), kind)
        return parse_export(data, kind)

    async def _download(self, link: str) -> bytes:
        """The export file; only from the same service, never from https to http."""
        request = "GET export file"
        url = URL(link)
        if not url.is_absolute():
            url = self.server.url.join(url)
        self.same_service(str(url), request)
        return await self.fetch(url, request)


def _query_value(value: Value | float) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)
