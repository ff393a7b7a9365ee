"""Export files: zip, gzip and plain CSV, their layouts, and the download's limits."""

from collections.abc import AsyncIterator
import gzip
import io
import zipfile

import aiohttp
from aiohttp import web
import pytest

from custom_components.blynk_cloud.api import (
    BlynkAuthError,
    BlynkDeviceClient,
    BlynkRegionRedirectError,
    BlynkResponseError,
    BlynkServerError,
    DatastreamType,
    exports,
    http,
)
from custom_components.blynk_cloud.api.exports import csv_rows, read_export_file, unpack
from tests.api.conftest import serving

CSV = "data_stream_name,ts,value\nTemperature,1760000000,21.5\nTemperature,1760000060,22\n"


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        zipped({"device_data.csv": CSV}),
        zipped({"folder/": "", "notes.txt": "x", "device_data.csv": CSV}),
        gzip.compress(CSV.encode()),
        CSV.encode(),
        b"\xef\xbb\xbf" + CSV.encode(),  # with a byte-order mark
    ],
)
def test_every_form_of_file(data: bytes) -> None:
    points = read_export_file(data, DatastreamType.DOUBLE)
    assert [(p.ts, p.value) for p in points] == [
        (1_760_000_000_000, 21.5),
        (1_760_000_060_000, 22.0),
    ]


def test_a_zip_without_csv_uses_its_first_file() -> None:
    assert unpack(zipped({"export.txt": CSV})) == CSV


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04broken", "not a readable zip"),
        (zipped({}), "empty zip"),
        (zipped({"folder/": ""}), "empty zip"),
        (b"\x1f\x8bbroken", "not readable gzip"),
    ],
)
def test_unreadable_files(data: bytes, message: str) -> None:
    with pytest.raises(BlynkResponseError, match=message):
        unpack(data)


def test_files_too_large_once_unpacked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "MAX_EXPORT_BYTES", 10)
    with pytest.raises(BlynkResponseError, match="too large"):
        unpack(zipped({"device_data.csv": CSV}))
    with pytest.raises(BlynkResponseError, match="too large"):
        unpack(gzip.compress(CSV.encode()))


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("", []),
        ("\n\n", []),
        ("timestamp,value\n1,2\n", [("1", "2")]),
        ("Value,TS\n3,4\n", [("4", "3")]),
        ("1,2\n3,4\n", [("1", "2"), ("3", "4")]),
        ("name,1,2\nname,3\n", [("1", "2")]),
        ("when,what\n1,2\n", [("1", "2")]),
        ("-5.5,2\n", [("-5.5", "2")]),
    ],
)
def test_csv_layouts(text: str, rows: list[tuple[str, str]]) -> None:
    assert csv_rows(text) == rows


def test_a_single_column_is_not_an_export() -> None:
    with pytest.raises(BlynkResponseError, match="fewer than two columns"):
        csv_rows("1\n2\n")


def test_values_of_unknown_type_are_numbers_when_they_look_like_one() -> None:
    points = read_export_file(b"ts,value\n1,21.5\n2,7\n3,warm\n", None)
    assert [p.value for p in points] == [21.5, 7, "warm"]


@pytest.fixture
async def linker(socket_enabled: None) -> AsyncIterator[tuple[str, dict[str, str]]]:
    """A server whose export answers the link the test sets, and serves the files."""
    links: dict[str, str] = {}

    async def data_get(request: web.Request) -> web.Response:
        return web.json_response({"link": links["link"]})

    async def file(request: web.Request) -> web.Response:
        return web.Response(body=CSV.encode())

    async def refused(request: web.Request) -> web.Response:
        return web.Response(status=int(request.match_info["status"]), text="<Error/>")

    app = web.Application()
    app.router.add_get("/external/api/data/get", data_get)
    app.router.add_get("/files/export.csv", file)
    app.router.add_get("/refused/{status}", refused)
    async with serving(app) as url:
        yield url, links


async def test_downloads(
    session: aiohttp.ClientSession,
    linker: tuple[str, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, links = linker
    client = BlynkDeviceClient(session, url, "t" * 32)
    links["link"] = "/files/export.csv"  # relative: on this server
    assert len(await client.export("v1", "DAY", DatastreamType.DOUBLE)) == 2
    links["link"] = f"{url}/files/export.csv"
    assert len(await client.export("v1", "DAY", DatastreamType.DOUBLE)) == 2
    links["link"] = f"{url}/files/missing.csv"
    with pytest.raises(BlynkResponseError, match="GET export file: HTTP 404"):
        await client.export("v1", "DAY")
    # No credentials went with the download: a refused one is not a credential problem.
    for status, error in (
        (401, BlynkResponseError),
        (403, BlynkResponseError),
        (503, BlynkServerError),
    ):
        links["link"] = f"/refused/{status}"
        with pytest.raises(error, match=f"GET export file: HTTP {status}$") as refused:
            await client.export("v1", "DAY")
        assert not isinstance(refused.value, BlynkAuthError)
    links["link"] = "http://elsewhere.example/files/export.csv"
    with pytest.raises(BlynkRegionRedirectError, match="another server"):
        await client.export("v1", "DAY")
    monkeypatch.setattr(http, "MAX_DOWNLOAD_BYTES", 10)
    links["link"] = "/files/export.csv"
    with pytest.raises(BlynkResponseError, match="larger than"):
        await client.export("v1", "DAY")
