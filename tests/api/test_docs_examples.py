"""The example answers of the Blynk documentation, served verbatim: what the client reads of them.

The files and their sources: tests/fixtures/blynk_docs/SOURCES.md.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
import json
from pathlib import Path

import aiohttp
from aiohttp import web
import pytest

from custom_components.blynk_cloud.api import (
    BlynkChunkError,
    BlynkDeviceClient,
    BlynkInvalidCredentialsError,
    BlynkInvalidValueError,
    BlynkNotFoundError,
    BlynkPlatformClient,
    BlynkRegionRedirectError,
    BlynkResponseError,
    BlynkScopeError,
    BlynkServerError,
    Datastream,
    DatastreamType,
    DatastreamValue,
    Device,
    HardwareInfo,
    HistoryPoint,
    Location,
    Organization,
    Template,
    coerce_value,
)
from custom_components.blynk_cloud.api.models import value_to_wire
from tests.api.conftest import serving

FIXTURES = Path(__file__).parent.parent / "fixtures" / "blynk_docs"
V1 = "/api/v1/organization"
EXT = "/external/api"


@dataclass
class DocsServer:
    """A server answering each path with a documentation example, verbatim."""

    url: str = ""
    answers: dict[str, tuple[int, str]] = field(default_factory=dict)

    def answer(self, path: str, example: str, status: int = 200) -> None:
        """Answer `path` with the example file `example`."""
        self.answers[path] = (status, example)


@pytest.fixture
async def docs(socket_enabled: None) -> AsyncIterator[DocsServer]:
    """The server; a token request is answered with the docs' token example."""
    server = DocsServer()
    server.answer("/oauth2/token", "oauth_token.json")

    async def handler(request: web.Request) -> web.Response:
        status, example = server.answers[request.path]
        body = (FIXTURES / example).read_bytes()
        kind = "application/json" if example.endswith(".json") else "text/plain"
        return web.Response(status=status, body=body, content_type=kind)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    async with serving(app) as server.url:
        yield server


@pytest.fixture
def platform(session: aiohttp.ClientSession, docs: DocsServer) -> BlynkPlatformClient:
    """A Platform API client of the docs' server."""
    return BlynkPlatformClient(session, docs.url, "oa2-client-id_example", "example-secret")


@pytest.fixture
def device(session: aiohttp.ClientSession, docs: DocsServer) -> BlynkDeviceClient:
    """A Device API client of the docs' server."""
    return BlynkDeviceClient(session, docs.url, "example-device-token")


def test_every_example_is_listed_with_its_source() -> None:
    listed = (FIXTURES / "SOURCES.md").read_text()
    files = sorted(path.name for path in FIXTURES.iterdir() if path.name != "SOURCES.md")
    assert files
    assert [name for name in files if f"`{name}`" not in listed] == []


async def test_platform_reads(platform: BlynkPlatformClient, docs: DocsServer) -> None:
    docs.answer(f"{V1}/profile", "organization_profile_reference.json")
    docs.answer(f"{V1}/devices", "devices_page.json")
    docs.answer(f"{V1}/device/online", "device_online.json")
    docs.answer(f"{V1}/template", "template_info.json")
    docs.answer(f"{V1}/template/datastreams", "template_datastreams.json")
    docs.answer(f"{V1}/device/datastream/history", "history_page.json")

    assert await platform.organization() == Organization(
        id=658,
        name="My Awesome Organization",
        parent_id=657,
        timezone="Europe/Kiev",
        unit_system="IMPERIAL",
    )
    listing = await platform.devices()
    assert listing.complete
    (listed,) = listing.items
    hardware = HardwareInfo("1.0.0", "1.0.0", "ESP8266", "1", "TMPL0NqfCLjWX")
    assert (listed.id, listed.name, listed.template_id, listed.org_id) == (
        165,
        "My awesome device",
        353,
        577,
    )
    assert listed.hardware == hardware
    # The one device's own read is not used: its example has the listing's fields.
    info = Device.from_json(json.loads((FIXTURES / "device_info.json").read_text()))
    assert (info.id, info.template_id, info.org_id, info.hardware) == (1, 353, 578, hardware)
    assert await platform.device_online(1) is True
    assert await platform.template(605) == Template(
        id=605, name="Dev tempalte", board_type="ESP8266", codes=("TMPL84aMXD6vd",)
    )
    assert await platform.template_datastreams(605) == [
        Datastream(
            id=1, label="DS 1", pin="v1", type=DatastreamType.INT, alias="DS 1", units="Celsius"
        )
    ]
    assert await platform.history(1, 1, 0, 2_000_000_000_000) == [
        HistoryPoint(ts=1702483099000, value=5)
    ]
    # Values are read in batches (below); the v2 read's items have the same shape.
    (item,) = json.loads((FIXTURES / "v2_values.json").read_text())
    value = DatastreamValue.from_json(item)
    assert (value.datastream_id, value.pin, value.raw, value.updated_at) == (
        201,
        "v10",
        22.2,
        1707245800000,
    )


async def test_profile_as_the_page_prints_it(
    platform: BlynkPlatformClient, docs: DocsServer
) -> None:
    """The page's example misses a comma: not JSON, and said so."""
    docs.answer(f"{V1}/profile", "organization_profile.txt")
    with pytest.raises(BlynkResponseError, match="not valid JSON"):
        await platform.organization()


@pytest.mark.parametrize(
    ("path", "example", "status", "error", "message"),
    [
        (
            "/oauth2/token",
            "oauth_invalid_client.json",
            400,
            BlynkInvalidCredentialsError,
            "Client ID is not found or password is wrong.",
        ),
        (
            f"{V1}/device/online",
            "scope_not_enabled.json",
            403,
            BlynkScopeError,
            "Platform API scope is not enabled for this oauth client.",
        ),
        (
            f"{V1}/device/online",
            "device_not_found.json",
            404,
            BlynkNotFoundError,
            "Device with identifier 1 is not found or belong to another organization.",
        ),
    ],
)
async def test_platform_errors(
    platform: BlynkPlatformClient,
    docs: DocsServer,
    path: str,
    example: str,
    status: int,
    error: type[Exception],
    message: str,
) -> None:
    docs.answer(path, example, status)
    with pytest.raises(error) as raised:
        await platform.device_online(1)
    assert str(raised.value).endswith(f"HTTP {status}: {message}")


async def test_platform_not_found(platform: BlynkPlatformClient, docs: DocsServer) -> None:
    docs.answer(f"{V1}/template", "template_not_found.json", 404)
    with pytest.raises(BlynkNotFoundError, match="Template is not found"):
        await platform.template(1)
    docs.answer(f"{V1}/device/datastream", "write_device_not_found.json", 404)
    with pytest.raises(BlynkNotFoundError, match="Device with identifier 1 is not found"):
        await platform.write_value(1, 1, 5)
    docs.answer(f"{V1}/device/datastream", "write_datastream_not_found.json", 404)
    with pytest.raises(BlynkNotFoundError, match="Data stream with identifier 1 is not found!"):
        await platform.write_value(1, 1, 5)


async def test_device_reads(device: BlynkDeviceClient, docs: DocsServer) -> None:
    docs.answer(f"{EXT}/get", "get_one_pin.txt")
    (text,) = (await device.get(["v1"])).values()
    assert text == "100.00000"
    assert coerce_value(text, DatastreamType.DOUBLE) == 100.0
    assert coerce_value(text, DatastreamType.STRING) == "100.00000"
    docs.answer(f"{EXT}/get", "get_several_pins.json")
    assert await device.get(["v1", "v2", "v3", "v4"]) == {
        "v1": 1.0,
        "v2": 2,
        "v3": 3,
        "v4": "string pin",
    }
    docs.answer(f"{EXT}/getAll", "get_all.json")
    values = await device.get_all()
    pins = [f"{letter}{number}" for letter in "adv" for number in range(4)] + ["v4"]
    assert list(values) == pins
    assert coerce_value(values["v4"], DatastreamType.LOCATION) == Location(11.0, 12.0)
    docs.answer(f"{EXT}/isHardwareConnected", "is_hardware_connected.txt")
    assert await device.is_hardware_connected() is True
    docs.answer(f"{EXT}/device/meta", "device_meta.json")
    assert await device.device_name() == "device value"
    docs.answer(f"{EXT}/batch/update", "batch_upload_ok.txt")
    assert (await device.upload("v1", [(1, 1.0)])).points == 1


DEVICE_CALLS: dict[str, Callable[[BlynkDeviceClient], Awaitable[object]]] = {
    "update": lambda device: device.update("v1", 5),
    "device/meta": lambda device: device.device_name(),
    "data/get": lambda device: device.export("v1", "DAY"),
}


@pytest.mark.parametrize(
    ("endpoint", "example", "error", "message"),
    [
        ("update", "get_invalid_token.json", BlynkInvalidCredentialsError, "Invalid token."),
        ("update", "get_wrong_pin.json", BlynkInvalidValueError, "Wrong pin format."),
        (
            "update",
            "get_datastream_not_in_product.json",
            BlynkInvalidValueError,
            "Requested dataStream doesn't exist in the product ESP32 QA",
        ),
        ("update", "update_invalid_token.json", BlynkInvalidCredentialsError, "Invalid token."),
        ("update", "update_wrong_pin.json", BlynkInvalidValueError, "Wrong pin format."),
        (
            "update",
            "update_value_mismatch.json",
            BlynkInvalidValueError,
            "Value doesn't match the Datastream data type",
        ),
        (
            "update",
            "update_wrong_datastream_id.json",
            BlynkInvalidValueError,
            "Wrong dataStreamId format.",
        ),
        (
            "update",
            "update_pin_value_mismatch.json",
            BlynkInvalidValueError,
            "Value doesn't match the Datastream data type.",
        ),
        (
            "update",
            "update_no_datastream_for_pin.json",
            BlynkInvalidValueError,
            "No datastream setup for that pin.",
        ),
        # A template without the "Device Name" metafield: a refusal, not a name.
        (
            "device/meta",
            "device_meta_wrong_format.json",
            BlynkInvalidValueError,
            "Wrong metaField format.",
        ),
        (
            "device/meta",
            "device_meta_not_found.json",
            BlynkInvalidValueError,
            "MetaField doesn't exist.",
        ),
        # A token the server did not get is a token refused: the user enters it again.
        ("data/get", "export_no_token.json", BlynkInvalidCredentialsError, "No token provided."),
        (
            "data/get",
            "export_incorrect_parameters.json",
            BlynkInvalidValueError,
            "Request with incorrect parameters",
        ),
    ],
)
async def test_device_errors(
    device: BlynkDeviceClient,
    docs: DocsServer,
    endpoint: str,
    example: str,
    error: type[Exception],
    message: str,
) -> None:
    docs.answer(f"{EXT}/{endpoint}", example, 400)
    with pytest.raises(error) as raised:
        await DEVICE_CALLS[endpoint](device)
    assert raised.value.server_message == message  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("example", "message"),
    [
        (
            "batch_upload_too_much.json",
            "Too much data in batch. Maximum batch size is 10000 points.",
        ),
        ("batch_upload_unknown_content_type.json", "Unknown content type."),
    ],
)
async def test_device_upload_refused(
    device: BlynkDeviceClient, docs: DocsServer, example: str, message: str
) -> None:
    docs.answer(f"{EXT}/batch/update", example, 400)
    with pytest.raises(BlynkChunkError) as raised:
        await device.upload("v1", [(1, 1.0)])
    assert isinstance(raised.value.cause, BlynkInvalidValueError)
    assert raised.value.cause.server_message == message


def test_location_value() -> None:
    """The OpenAPI's location example is `[longitude, latitude]`, read and written alike."""
    example = (FIXTURES / "location_value.json").read_text()
    location = coerce_value(json.loads(example), DatastreamType.LOCATION)
    assert location == Location(latitude=52.517037, longitude=13.38886)
    assert json.dumps(value_to_wire(location), separators=(",", ":")) == example


async def test_exports(device: BlynkDeviceClient, docs: DocsServer) -> None:
    docs.answer(f"{EXT}/data/get", "export_no_data.json", 500)
    assert await device.export("v1", "DAY") == []
    docs.answer(f"{EXT}/data/get", "export_enum_error.json", 500)
    with pytest.raises(BlynkServerError, match="No enum constant"):
        await device.export("v1", "DAY")
    # The example's link points at a placeholder host: not this server, so not followed.
    docs.answer(f"{EXT}/data/get", "export_link.json")
    with pytest.raises(BlynkRegionRedirectError, match="another server"):
        await device.export("v1", "DAY")
    # The JSON output example has an unquoted date: not JSON, and said so.
    docs.answer(f"{EXT}/data/get", "export_json_output.txt")
    with pytest.raises(BlynkResponseError, match="not valid JSON"):
        await device.export("v1", "DAY")
