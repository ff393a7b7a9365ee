"""The config, reauth, reconfigure and options flows, against the Blynk emulator over HTTP."""

import ast
from collections.abc import Iterator
import copy
import json
from pathlib import Path
import socket
from typing import Any
from unittest.mock import AsyncMock, patch

from aiohttp.abc import ResolveResult
from aiohttp.resolver import AsyncResolver
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import (
    CONF_CLIENT_ID,
    CONF_CLIENT_SECRET,
    CONF_HOST,
    CONF_NAME,
    CONF_SCAN_INTERVAL,
    CONF_TOKEN,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType, InvalidData
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.blynk_cloud import config_flow
from custom_components.blynk_cloud.config_flow import device_unique_id
from custom_components.blynk_cloud.const import (
    CONF_DATASTREAMS,
    CONF_HISTORY_DAYS,
    CONF_IDENTITY,
    CONF_INCLUDE_SUB_ORGANIZATIONS,
    CONF_MODE,
    DEVICE_REMOVAL_DISCOVERIES,
    DISCOVERY_INTERVAL,
    DOMAIN,
    Mode,
)
from emulator import Emulator, EmulatorServer, Fault
from tests.combined import WITHOUT_BOUNDS
from tests.conftest import (
    DEMO,
    OAUTH_CLIENT,
    ORGANIZATION,
    UNSCOPED_CLIENT,
    advance,
    demo_device,
    setup_entry,
)

GARDEN = demo_device("Garden weather")
RELAYS = demo_device("Living room relays")
CABIN = demo_device("Cabin weather")  # lives in region ny3
GREENHOUSE = demo_device("Club greenhouse")  # a Weather Station too, in the sub-organization
GARDEN_IDENTITY = {
    "name": "Garden weather",
    "product": "Weather Station",
    "pins": ["v1", "v2", "v3", "v4"],
}
"""What the Device API reveals of the garden's weather station."""
UNKNOWN_TOKEN = "x" * 32
NEW_TOKEN = "n" * 32
NEW_SECRET = "rotated-secret"
OTHER_CLIENT = {
    "client_id": "oa2-client-id_other_organization_00000000000",
    "client_secret": "secret-of-the-other-organization-000000000",
    "org_id": 900,
    "platform_api": True,
    "region": "fra1",
}
TWO_ORGANIZATIONS = copy.deepcopy(DEMO)
TWO_ORGANIZATIONS["organizations"].append(
    {**ORGANIZATION, "id": 900, "name": "Other Corp", "parentOrganizationId": None}
)
TWO_ORGANIZATIONS["oauth_clients"].append(OTHER_CLIENT)
PROFILE = "/api/v1/organization/profile"
VALUES = {
    Mode.ORGANIZATION: "/api/v1/organization/device/datastreams/batch",
    Mode.DEVICE: "/external/api/getAll",
}
IS_CONNECTED = "/external/api/isHardwareConnected"
DEVICE_GET = "/external/api/get"
STRINGS = json.loads(
    (Path(config_flow.__file__).parent / "translations" / "en.json").read_text(encoding="utf-8")
)


RENAMED = "iot.acme.example"
"""A name the emulator's server (127.0.0.1) also answers to, as a renamed white-label server."""


@pytest.fixture
def renamed_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """Resolve RENAMED to the emulator's address (tests resolve no other names)."""
    resolve = AsyncResolver.resolve

    async def resolve_renamed(
        self: AsyncResolver, host: str, port: int = 0, family: int = socket.AF_INET
    ) -> list[ResolveResult]:
        if host != RENAMED:
            return await resolve(self, host, port, family)
        return [
            ResolveResult(
                hostname=host,
                host="127.0.0.1",
                port=port,
                family=socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
        ]

    monkeypatch.setattr(AsyncResolver, "resolve", resolve_renamed)


@pytest.fixture
def mock_setup_entry() -> Iterator[AsyncMock]:
    """Creating or updating an entry does not set it up."""
    with patch("custom_components.blynk_cloud.async_setup_entry", return_value=True) as mock:
        yield mock


def organization_input(server: EmulatorServer, **changes: str) -> dict[str, str]:
    """What a user types in organization mode."""
    return {
        CONF_HOST: server.url(),
        CONF_CLIENT_ID: OAUTH_CLIENT["client_id"],
        CONF_CLIENT_SECRET: OAUTH_CLIENT["client_secret"],
        **changes,
    }


def device_input(server: EmulatorServer, **changes: str) -> dict[str, str]:
    """What a user types in device mode."""
    return {CONF_HOST: server.url(), CONF_TOKEN: GARDEN["token"], **changes}


def closed_port_url() -> str:
    """An address where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def relays_entry(server: EmulatorServer) -> MockConfigEntry:
    """A device-mode entry for the demo relay board."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=RELAYS["name"],
        unique_id=device_unique_id(RELAYS["token"]),
        data={CONF_MODE: Mode.DEVICE, CONF_HOST: server.url(), CONF_TOKEN: RELAYS["token"]},
    )


def garden_entry(server: EmulatorServer) -> MockConfigEntry:
    """The garden's weather station in device mode, as the config flow makes it now."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=GARDEN["name"],
        unique_id=device_unique_id(GARDEN["token"]),
        data={
            CONF_MODE: Mode.DEVICE,
            CONF_HOST: server.url(),
            CONF_TOKEN: GARDEN["token"],
            CONF_IDENTITY: GARDEN_IDENTITY,
        },
    )


def cabin_entry(server: EmulatorServer) -> MockConfigEntry:
    """The cabin's weather station in device mode (it lives in region ny3)."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=CABIN["name"],
        unique_id=device_unique_id(CABIN["token"]),
        data={CONF_MODE: Mode.DEVICE, CONF_HOST: server.url("ny3"), CONF_TOKEN: CABIN["token"]},
    )


def with_token(name: str, token: str) -> dict[str, Any]:
    """The demo, with a device's token regenerated."""
    scenario = copy.deepcopy(DEMO)
    next(device for device in scenario["devices"] if device["name"] == name)["token"] = token
    return scenario


def registry_ids(hass: HomeAssistant, entry: MockConfigEntry) -> tuple[list[str], list[str]]:
    """What keeps a user's history and settings: device identifiers, entity unique IDs."""
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    assert devices
    assert entities
    return (
        sorted(identifier for device in devices for _, identifier in device.identifiers),
        sorted(entity.unique_id for entity in entities),
    )


async def start_flow(hass: HomeAssistant, entry: MockConfigEntry, source: str) -> FlowResult:
    """Start a reauth or reconfigure flow of an entry."""
    if source == "reauth":
        return await entry.start_reauth_flow(hass)
    return await entry.start_reconfigure_flow(hass)


def copy_entry(entry: MockConfigEntry, options: dict[str, Any]) -> MockConfigEntry:
    """A copy of a fixture's entry, with options."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=entry.title,
        unique_id=entry.unique_id,
        data=entry.data,
        options=options,
    )


def suggested(result: FlowResult, field: str) -> Any:
    """The value a form suggests for a field."""
    key = next(key for key in result["data_schema"].schema if key == field)
    return (key.description or {}).get("suggested_value")


async def start(hass: HomeAssistant, mode: Mode) -> FlowResult:
    """Open the user flow and pick a mode."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    return await hass.config_entries.flow.async_configure(result["flow_id"], {"next_step_id": mode})


async def submit(hass: HomeAssistant, result: FlowResult, data: dict[str, Any]) -> FlowResult:
    """Submit a config flow form."""
    return await hass.config_entries.flow.async_configure(result["flow_id"], data)


# User flow


async def test_user_step_is_a_menu(hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == [Mode.ORGANIZATION, Mode.DEVICE]


async def test_organization_creates_entry(
    hass: HomeAssistant, blynk: EmulatorServer, mock_setup_entry: AsyncMock
) -> None:
    result = await start(hass, Mode.ORGANIZATION)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "organization"
    assert suggested(result, CONF_HOST) == config_flow.DEFAULT_HOST

    result = await submit(hass, result, organization_input(blynk))

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Acme Home"
    # The scope of a server outside Blynk.Cloud is its hostname: neither scheme nor port.
    assert result["result"].unique_id == f"127.0.0.1:{ORGANIZATION['id']}"
    assert result["data"] == {CONF_MODE: Mode.ORGANIZATION, **organization_input(blynk)}
    assert len(mock_setup_entry.mock_calls) == 1


@pytest.mark.parametrize(
    ("name", "title"), [(None, GARDEN["name"]), ("Shed sensors", "Shed sensors")]
)
async def test_device_creates_entry(
    hass: HomeAssistant,
    blynk: EmulatorServer,
    mock_setup_entry: AsyncMock,
    name: str | None,
    title: str,
) -> None:
    result = await start(hass, Mode.DEVICE)
    assert result["step_id"] == "device"
    user_input = device_input(blynk, **{CONF_HOST: f" {blynk.url()}/ "})
    if name is not None:
        user_input[CONF_NAME] = name

    result = await submit(hass, result, user_input)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == title
    unique_id = result["result"].unique_id
    assert unique_id == device_unique_id(GARDEN["token"])
    assert unique_id.startswith("device_")
    assert GARDEN["token"] not in unique_id
    # What identifies the device without its token (none of it secret), for later tokens.
    assert result["data"] == {
        CONF_MODE: Mode.DEVICE,
        CONF_HOST: blynk.url(),
        CONF_TOKEN: GARDEN["token"],
        CONF_IDENTITY: GARDEN_IDENTITY,
    }


async def test_device_title_without_name_metafield(
    hass: HomeAssistant, blynk: EmulatorServer, emulator: Emulator, mock_setup_entry: AsyncMock
) -> None:
    """A template without the "Device Name" metafield: a plain default title."""
    emulator.inject(Fault.forbidden(), path="/external/api/device/meta")
    result = await submit(hass, await start(hass, Mode.DEVICE), device_input(blynk))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == config_flow.DEFAULT_DEVICE_NAME


# Errors, each followed by recovery in the same flow


@pytest.mark.parametrize(
    ("mode", "changes", "fault", "path", "errors"),
    [
        (Mode.ORGANIZATION, {CONF_HOST: "not a host!"}, None, None, {CONF_HOST: "invalid_host"}),
        (Mode.DEVICE, {CONF_HOST: "ftp://blynk.cloud"}, None, None, {CONF_HOST: "invalid_host"}),
        (Mode.ORGANIZATION, {CONF_CLIENT_SECRET: "wrong"}, None, None, {"base": "invalid_auth"}),
        (Mode.DEVICE, {CONF_TOKEN: UNKNOWN_TOKEN}, None, None, {"base": "invalid_auth"}),
        (
            Mode.ORGANIZATION,
            {
                CONF_CLIENT_ID: UNSCOPED_CLIENT["client_id"],
                CONF_CLIENT_SECRET: UNSCOPED_CLIENT["client_secret"],
            },
            None,
            None,
            {"base": "scope_not_enabled"},
        ),
        (Mode.ORGANIZATION, {}, Fault.dropped(), PROFILE, {"base": "cannot_connect"}),
        (Mode.DEVICE, {}, Fault.dropped(), IS_CONNECTED, {"base": "cannot_connect"}),
        (Mode.ORGANIZATION, {}, Fault.malformed_json(), PROFILE, {"base": "unknown"}),
        (Mode.DEVICE, {}, Fault.malformed_json(), IS_CONNECTED, {"base": "unknown"}),
    ],
    ids=[
        "organization-invalid_host",
        "device-invalid_host",
        "organization-invalid_auth",
        "device-invalid_auth",
        "organization-scope_not_enabled",
        "organization-cannot_connect",
        "device-cannot_connect",
        "organization-unknown",
        "device-unknown",
    ],
)
async def test_error_then_recovery(
    hass: HomeAssistant,
    *,
    blynk: EmulatorServer,
    emulator: Emulator,
    mock_setup_entry: AsyncMock,
    mode: Mode,
    changes: dict[str, str],
    fault: Fault | None,
    path: str | None,
    errors: dict[str, str],
) -> None:
    make_input = organization_input if mode is Mode.ORGANIZATION else device_input
    if fault is not None:
        # aiohttp sends a GET once more when the connection drops: drop both.
        emulator.inject(fault, path=path, count=2 if fault.drop else 1)
    result = await start(hass, mode)

    result = await submit(hass, result, make_input(blynk, **changes))

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    if errors.get(CONF_HOST) == "invalid_host":
        assert emulator.count() == 0
    result = await submit(hass, result, make_input(blynk))
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_cannot_connect_to_a_closed_port(
    hass: HomeAssistant, blynk: EmulatorServer, mock_setup_entry: AsyncMock
) -> None:
    result = await start(hass, Mode.ORGANIZATION)
    result = await submit(hass, result, organization_input(blynk, **{CONF_HOST: closed_port_url()}))
    assert result["errors"] == {"base": "cannot_connect"}
    result = await submit(hass, result, organization_input(blynk))
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_wrong_region_redirect(
    hass: HomeAssistant, blynk: EmulatorServer, mock_setup_entry: AsyncMock
) -> None:
    """Blynk answers 308 for a token of another region: the form offers that region."""
    result = await start(hass, Mode.DEVICE)
    typed = device_input(blynk, **{CONF_HOST: blynk.url("fra1"), CONF_TOKEN: CABIN["token"]})

    result = await submit(hass, result, typed)

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_HOST: "wrong_region"}
    assert result["description_placeholders"]["host"] == blynk.url("ny3")
    assert suggested(result, CONF_HOST) == blynk.url("ny3")
    result = await submit(hass, result, {**typed, CONF_HOST: blynk.url("ny3")})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == CABIN["name"]
    assert result["data"][CONF_HOST] == blynk.url("ny3")


@pytest.fixture
def regions(blynk: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat the emulator's regions as the Blynk.Cloud regions to probe."""
    monkeypatch.setattr(config_flow, "REGION_CANDIDATES", (blynk.url("fra1"), blynk.url("ny3")))


@pytest.mark.usefixtures("regions")
async def test_wrong_region_found_by_probing(
    hass: HomeAssistant, blynk: EmulatorServer, emulator: Emulator, mock_setup_entry: AsyncMock
) -> None:
    """A region that calls a foreign token "Invalid token.": the other regions are asked.

    The emulator's regions share one world, so fra1 answers 308 for a ny3 token; fra1's
    "Invalid token." is its documented answer for an unknown token, injected once.
    """
    emulator.inject(Fault(status=400, message="Invalid token."), path=IS_CONNECTED)
    result = await start(hass, Mode.DEVICE)
    typed = device_input(blynk, **{CONF_HOST: blynk.url("fra1"), CONF_TOKEN: CABIN["token"]})

    result = await submit(hass, result, typed)

    assert result["errors"] == {CONF_HOST: "wrong_region"}
    assert result["description_placeholders"]["host"] == blynk.url("ny3")
    assert suggested(result, CONF_HOST) == blynk.url("ny3")
    assert [(r.region, r.status) for r in emulator.requests] == [("fra1", 400), ("ny3", 200)]
    result = await submit(hass, result, {**typed, CONF_HOST: blynk.url("ny3")})
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("regions")
async def test_wrong_region_probing_finds_nothing(
    hass: HomeAssistant, blynk: EmulatorServer, emulator: Emulator
) -> None:
    result = await start(hass, Mode.DEVICE)
    typed = device_input(blynk, **{CONF_HOST: blynk.url("fra1"), CONF_TOKEN: UNKNOWN_TOKEN})

    result = await submit(hass, result, typed)

    assert result["errors"] == {"base": "invalid_auth"}
    assert [(r.region, r.status) for r in emulator.requests] == [("fra1", 400), ("ny3", 400)]


async def test_organization_already_configured(
    hass: HomeAssistant, blynk: EmulatorServer, organization_entry: MockConfigEntry
) -> None:
    organization_entry.add_to_hass(hass)
    result = await submit(hass, await start(hass, Mode.ORGANIZATION), organization_input(blynk))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_device_already_configured(
    hass: HomeAssistant, blynk: EmulatorServer, device_entry: MockConfigEntry
) -> None:
    device_entry.add_to_hass(hass)
    result = await submit(hass, await start(hass, Mode.DEVICE), device_input(blynk))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_device_of_an_organization_entry(
    hass: HomeAssistant,
    blynk: EmulatorServer,
    emulator: Emulator,
    organization_entry: MockConfigEntry,
) -> None:
    """A device the organization entry has already: refused, never a second copy."""
    await setup_entry(hass, organization_entry)
    emulator.clear_log()
    result = await submit(hass, await start(hass, Mode.DEVICE), device_input(blynk))

    # What the organization's discovery knows tells: its devices are not listed again.
    assert emulator.count("/api/v1/organization/devices") == 0
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "device_in_organization"
    assert result["description_placeholders"] == {
        "organization": ORGANIZATION["name"],
        "device": GARDEN["name"],
    }
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1
    # A device of the sub-organization, which the entry leaves out, is no copy.
    result = await submit(
        hass,
        await start(hass, Mode.DEVICE),
        device_input(blynk, **{CONF_TOKEN: GREENHOUSE["token"]}),
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == GREENHOUSE["name"]


async def test_device_entry_of_a_device_the_organization_has_not_discovered(
    hass: HomeAssistant,
    blynk: EmulatorServer,
    emulator: Emulator,
    organization_entry: MockConfigEntry,
) -> None:
    """A device added to the organization after its latest discovery: the flow cannot tell.

    The organization's next discovery says so when the device is a copy (tests/test_issues.py).
    """
    await setup_entry(hass, organization_entry)
    await setup_entry(hass, relays_entry(blynk))  # loaded too, and no organization
    shed = copy.deepcopy(GARDEN) | {"id": 42, "name": "Shed weather", "token": "S" * 32}
    emulator.add_device(shed)
    result = await submit(
        hass, await start(hass, Mode.DEVICE), device_input(blynk, **{CONF_TOKEN: shed["token"]})
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize(
    ("source", "token"),
    [
        ("reauth", RELAYS["token"]),  # the entry's own token
        ("reconfigure", RELAYS["token"]),
        ("reauth", GARDEN["token"]),  # another token, of a device the API cannot tell apart
    ],
    ids=["reauth", "reconfigure", "reauth_another_token"],
)
async def test_reauth_and_reconfigure_of_a_device_of_an_organization_entry(
    hass: HomeAssistant,
    blynk: EmulatorServer,
    organization_entry: MockConfigEntry,
    source: str,
    token: str,
) -> None:
    """A device entry's token of a device the organization entry has: refused, with why."""
    await setup_entry(hass, organization_entry)
    relays = relays_entry(blynk)  # made before the organization entry (an entry of old)
    relays.add_to_hass(hass)
    result = await start_flow(hass, relays, source)

    typed = {CONF_TOKEN: token} if source == "reauth" else device_input(blynk, token=token)
    result = await submit(hass, result, typed)

    device = RELAYS if token == RELAYS["token"] else GARDEN
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "device_in_organization"
    assert result["description_placeholders"] == {
        "organization": ORGANIZATION["name"],
        "device": device["name"],
    }
    assert relays.data[CONF_TOKEN] == RELAYS["token"]


# Reauth


async def test_reauth_organization(
    hass: HomeAssistant,
    blynk: EmulatorServer,
    emulator: Emulator,
    organization_entry: MockConfigEntry,
    mock_setup_entry: AsyncMock,
) -> None:
    organization_entry.add_to_hass(hass)
    emulator.set_client_secret(OAUTH_CLIENT["client_id"], NEW_SECRET)
    result = await organization_entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"]["title"] == ORGANIZATION["name"]
    assert CONF_HOST not in result["data_schema"].schema
    assert suggested(result, CONF_CLIENT_ID) == OAUTH_CLIENT["client_id"]
    typed = {CONF_CLIENT_ID: OAUTH_CLIENT["client_id"], CONF_CLIENT_SECRET: "old-or-mistyped"}

    result = await submit(hass, result, typed)
    assert result["errors"] == {"base": "invalid_auth"}
    result = await submit(hass, result, {**typed, CONF_CLIENT_SECRET: NEW_SECRET})

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert organization_entry.data == {
        **organization_input(blynk, **{CONF_CLIENT_SECRET: NEW_SECRET}),
        CONF_MODE: Mode.ORGANIZATION,
    }


async def test_reauth_organization_wrong_account(
    hass: HomeAssistant,
    blynk: EmulatorServer,
    emulator: Emulator,
    organization_entry: MockConfigEntry,
) -> None:
    emulator.load(TWO_ORGANIZATIONS)
    organization_entry.add_to_hass(hass)
    data = dict(organization_entry.data)
    result = await organization_entry.start_reauth_flow(hass)

    result = await submit(
        hass,
        result,
        {
            CONF_CLIENT_ID: OTHER_CLIENT["client_id"],
            CONF_CLIENT_SECRET: OTHER_CLIENT["client_secret"],
        },
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert organization_entry.data == data


async def test_reauth_device_regenerated_token(
    hass: HomeAssistant,
    blynk: EmulatorServer,
    emulator: Emulator,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    """The token was regenerated in the console: the same device, every ID kept."""
    entry = await setup_entry(hass, garden_entry(blynk))
    ids = registry_ids(hass, entry)
    emulator.load(with_token(GARDEN["name"], NEW_TOKEN))
    result = await entry.start_reauth_flow(hass)
    assert list(result["data_schema"].schema) == [CONF_TOKEN]

    result = await submit(hass, result, {CONF_TOKEN: GARDEN["token"]})
    assert result["errors"] == {"base": "invalid_auth"}
    result = await submit(hass, result, {CONF_TOKEN: NEW_TOKEN})
    await hass.async_block_till_done(wait_background_tasks=True)

    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_TOKEN] == NEW_TOKEN
    assert (entry.unique_id, entry.title) == (device_unique_id(GARDEN["token"]), GARDEN["name"])
    assert entry.state is ConfigEntryState.LOADED
    assert registry_ids(hass, entry) == ids
    assert hass.states.get("sensor.garden_weather_v1").state == "21.5"
    # The unique ID still names the first token: the new one is refused as a second entry.
    result = await submit(
        hass, await start(hass, Mode.DEVICE), device_input(blynk, **{CONF_TOKEN: NEW_TOKEN})
    )
    assert result["reason"] == "already_configured"


@pytest.mark.parametrize(
    ("source", "typed"),
    [("reauth", {CONF_TOKEN: RELAYS["token"]}), ("reconfigure", {CONF_TOKEN: RELAYS["token"]})],
)
async def test_device_token_of_another_device(
    hass: HomeAssistant,
    blynk: EmulatorServer,
    source: str,
    typed: dict[str, str],
) -> None:
    """Another product's device: refused, and the entry stays as it was."""
    entry = garden_entry(blynk)
    entry.add_to_hass(hass)
    data = dict(entry.data)
    result = await start_flow(hass, entry, source)
    if source == "reconfigure":
        typed = {CONF_HOST: blynk.url(), **typed}

    result = await submit(hass, result, typed)

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_device"
    assert result["description_placeholders"] == {
        "title": GARDEN["name"],
        "name": RELAYS["name"],
        "product": "Relay Board",
        "pins": "v0, v1, v2, v3",
    }
    assert entry.data == data


async def test_reauth_device_the_api_cannot_tell(
    hass: HomeAssistant, blynk: EmulatorServer, mock_setup_entry: AsyncMock
) -> None:
    """Same product, another name: renamed, or another device? The user is shown and asked."""
    entry = garden_entry(blynk)
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)

    result = await submit(hass, result, {CONF_TOKEN: GREENHOUSE["token"]})

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "confirm_device"
    assert result["description_placeholders"] == {
        "title": GARDEN["name"],
        "name": GREENHOUSE["name"],
        "product": "Weather Station",
        "pins": "v1, v2, v3, v4",
    }
    assert entry.data[CONF_TOKEN] == GARDEN["token"]  # nothing changes before the answer
    result = await submit(hass, result, {})
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_TOKEN] == GREENHOUSE["token"]
    assert entry.data[CONF_IDENTITY]["name"] == GREENHOUSE["name"]
    assert entry.unique_id == device_unique_id(GARDEN["token"])


async def test_reauth_device_without_product_name(
    hass: HomeAssistant, blynk: EmulatorServer, emulator: Emulator, mock_setup_entry: AsyncMock
) -> None:
    """A server that does not name the product: the same name alone is not enough."""
    entry = garden_entry(blynk)
    entry.add_to_hass(hass)
    emulator.load(with_token(GARDEN["name"], NEW_TOKEN))
    emulator.inject(Fault(status=400, message="Wrong dataStreamId format."), path=DEVICE_GET)
    result = await entry.start_reauth_flow(hass)

    result = await submit(hass, result, {CONF_TOKEN: NEW_TOKEN})

    assert result["step_id"] == "confirm_device"
    assert result["description_placeholders"]["product"] == "?"


async def test_reauth_device_made_before_identities(
    hass: HomeAssistant,
    blynk: EmulatorServer,
    emulator: Emulator,
    device_entry: MockConfigEntry,
    mock_setup_entry: AsyncMock,
) -> None:
    """An entry from an earlier version knows nothing of its device: the user is asked once."""
    assert CONF_IDENTITY not in device_entry.data
    device_entry.add_to_hass(hass)
    emulator.load(with_token(GARDEN["name"], NEW_TOKEN))
    result = await device_entry.start_reauth_flow(hass)

    result = await submit(hass, result, {CONF_TOKEN: NEW_TOKEN})
    assert result["step_id"] == "confirm_device"
    assert result["description_placeholders"]["name"] == GARDEN["name"]
    result = await submit(hass, result, {})

    assert result["reason"] == "reauth_successful"
    assert device_entry.data[CONF_IDENTITY] == GARDEN_IDENTITY
    assert device_entry.unique_id == device_unique_id(GARDEN["token"])


@pytest.mark.usefixtures("regions")
async def test_reauth_finds_the_region(
    hass: HomeAssistant, blynk: EmulatorServer, emulator: Emulator, mock_setup_entry: AsyncMock
) -> None:
    """Reauth has no server field: the region a token belongs to is simply taken."""
    cabin = cabin_entry(blynk)
    cabin.add_to_hass(hass)
    for answer in (Fault(status=400, message="Invalid token."), None):
        # Found by asking the other regions after an "Invalid token.", then by a 308.
        if answer is not None:
            emulator.inject(answer, path=IS_CONNECTED)
        hass.config_entries.async_update_entry(
            cabin, data={**cabin.data, CONF_HOST: blynk.url("fra1")}
        )
        result = await cabin.start_reauth_flow(hass)
        result = await submit(hass, result, {CONF_TOKEN: CABIN["token"]})
        assert result["reason"] == "reauth_successful"
        assert cabin.data[CONF_HOST] == blynk.url("ny3")


async def test_reauth_device_same_token(
    hass: HomeAssistant,
    blynk: EmulatorServer,
    device_entry: MockConfigEntry,
    mock_setup_entry: AsyncMock,
) -> None:
    """Blynk refused the token only for a while: the same token is accepted again."""
    device_entry.add_to_hass(hass)
    unique_id = device_entry.unique_id
    result = await device_entry.start_reauth_flow(hass)

    result = await submit(hass, result, {CONF_TOKEN: GARDEN["token"]})

    assert result["reason"] == "reauth_successful"
    assert device_entry.unique_id == unique_id


async def test_reauth_device_token_of_another_entry(
    hass: HomeAssistant, blynk: EmulatorServer, device_entry: MockConfigEntry
) -> None:
    device_entry.add_to_hass(hass)
    relays = relays_entry(blynk)
    relays.add_to_hass(hass)
    result = await relays.start_reauth_flow(hass)

    result = await submit(hass, result, {CONF_TOKEN: GARDEN["token"]})

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert relays.data[CONF_TOKEN] == RELAYS["token"]
    assert relays.unique_id == device_unique_id(RELAYS["token"])


# Reconfigure


async def test_reconfigure_organization(
    hass: HomeAssistant,
    blynk: EmulatorServer,
    emulator: Emulator,
    organization_entry: MockConfigEntry,
    mock_setup_entry: AsyncMock,
) -> None:
    """The server moved to another port; an empty secret keeps the current one."""
    organization_entry.add_to_hass(hass)
    unique_id = organization_entry.unique_id
    result = await organization_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    assert result["description_placeholders"]["title"] == ORGANIZATION["name"]
    assert suggested(result, CONF_HOST) == blynk.url()
    assert suggested(result, CONF_CLIENT_ID) == OAUTH_CLIENT["client_id"]
    assert suggested(result, CONF_CLIENT_SECRET) is None

    async with EmulatorServer(emulator) as moved:
        new_host = moved.url()
        typed = organization_input(moved, **{CONF_HOST: f"{new_host}/", CONF_CLIENT_SECRET: ""})
        result = await submit(hass, result, typed)

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert organization_entry.data == {
        **organization_input(blynk, **{CONF_HOST: new_host}),
        CONF_MODE: Mode.ORGANIZATION,
    }
    assert organization_entry.unique_id == unique_id
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


@pytest.mark.usefixtures("renamed_server")
async def test_reconfigure_organization_new_address(
    hass: HomeAssistant, blynk: EmulatorServer, organization_entry: MockConfigEntry
) -> None:
    """A white-label server renamed (here 127.0.0.1 becomes RENAMED): the same organization.

    Every unique ID stays, so devices, entities and their history carry on; adding the
    organization again, at either address, is refused.
    """
    entry = await setup_entry(hass, organization_entry)
    ids = registry_ids(hass, entry)
    unique_id = entry.unique_id
    new_host = blynk.url().replace("127.0.0.1", RENAMED)
    result = await entry.start_reconfigure_flow(hass)

    result = await submit(hass, result, organization_input(blynk, **{CONF_HOST: new_host}))

    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_HOST] == new_host
    assert entry.unique_id == unique_id
    await hass.async_block_till_done(wait_background_tasks=True)  # reloaded at the new address
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.garden_weather_temperature").state == "21.5"
    assert registry_ids(hass, entry) == ids
    for host in (new_host, blynk.url()):
        result = await start(hass, Mode.ORGANIZATION)
        result = await submit(hass, result, organization_input(blynk, **{CONF_HOST: host}))
        assert result["reason"] == "already_configured"
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


@pytest.mark.usefixtures("renamed_server")
@pytest.mark.parametrize("renamed", [True, False], ids=["another_host", "another_port"])
async def test_reconfigure_organization_to_another_server_with_the_same_id(
    hass: HomeAssistant, organization_entry: MockConfigEntry, renamed: bool
) -> None:
    """Another Blynk server whose organization has the same id is another organization.

    Its devices have the same ids and other names: taken for this one, each would inherit the
    entities and history of the device with its number.
    """
    entry = await setup_entry(hass, organization_entry)
    ids = registry_ids(hass, entry)
    data = dict(entry.data)
    other = copy.deepcopy(DEMO)
    for device in other["devices"]:
        device["name"] = f"Pool {device['id']}"
    async with EmulatorServer(Emulator(other)) as server:
        result = await entry.start_reconfigure_flow(hass)
        host = server.url().replace("127.0.0.1", RENAMED) if renamed else server.url()
        result = await submit(hass, result, organization_input(server, **{CONF_HOST: host}))

    assert result["reason"] == "wrong_account"
    assert entry.data == data
    assert registry_ids(hass, entry) == ids


@pytest.mark.usefixtures("renamed_server")
async def test_reconfigure_organization_to_another_entrys_address(
    hass: HomeAssistant, blynk: EmulatorServer, organization_entry: MockConfigEntry
) -> None:
    """The organization is already an entry at the new address: refused."""
    organization_entry.add_to_hass(hass)
    new_host = blynk.url().replace("127.0.0.1", RENAMED)
    moved = MockConfigEntry(
        domain=DOMAIN,
        title=ORGANIZATION["name"],
        unique_id=f"other.example:{ORGANIZATION['id']}",  # made at an address since renamed
        data={**organization_entry.data, CONF_HOST: new_host},
    )
    moved.add_to_hass(hass)
    result = await organization_entry.start_reconfigure_flow(hass)

    result = await submit(hass, result, organization_input(blynk, **{CONF_HOST: new_host}))

    assert result["reason"] == "already_configured"
    assert organization_entry.data[CONF_HOST] == blynk.url()


async def test_reconfigure_organization_wrong_account(
    hass: HomeAssistant,
    blynk: EmulatorServer,
    emulator: Emulator,
    organization_entry: MockConfigEntry,
) -> None:
    emulator.load(TWO_ORGANIZATIONS)
    organization_entry.add_to_hass(hass)
    result = await organization_entry.start_reconfigure_flow(hass)

    result = await submit(
        hass,
        result,
        organization_input(
            blynk,
            **{
                CONF_CLIENT_ID: OTHER_CLIENT["client_id"],
                CONF_CLIENT_SECRET: OTHER_CLIENT["client_secret"],
            },
        ),
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert organization_entry.data[CONF_CLIENT_ID] == OAUTH_CLIENT["client_id"]


async def test_reconfigure_device_host_and_token(
    hass: HomeAssistant,
    blynk: EmulatorServer,
    mock_setup_entry: AsyncMock,
) -> None:
    """A device entry moves to another server, keeping its token (empty field)."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=GARDEN["name"],
        unique_id=device_unique_id(GARDEN["token"]),
        data={CONF_MODE: Mode.DEVICE, CONF_HOST: closed_port_url(), CONF_TOKEN: GARDEN["token"]},
    )
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert CONF_NAME not in result["data_schema"].schema
    assert suggested(result, CONF_TOKEN) is None

    result = await submit(hass, result, {CONF_HOST: blynk.url(), CONF_TOKEN: ""})

    assert result["reason"] == "reconfigure_successful"
    assert entry.data == {
        CONF_MODE: Mode.DEVICE,
        CONF_HOST: blynk.url(),
        CONF_TOKEN: GARDEN["token"],
        CONF_IDENTITY: GARDEN_IDENTITY,  # an entry of an earlier version learns it now
    }
    assert entry.unique_id == device_unique_id(GARDEN["token"])
    assert entry.title == GARDEN["name"]


async def test_reconfigure_device_regenerated_token(
    hass: HomeAssistant, blynk: EmulatorServer, emulator: Emulator, mock_setup_entry: AsyncMock
) -> None:
    entry = garden_entry(blynk)
    entry.add_to_hass(hass)
    emulator.load(with_token(GARDEN["name"], NEW_TOKEN))
    result = await entry.start_reconfigure_flow(hass)

    result = await submit(hass, result, device_input(blynk, **{CONF_TOKEN: NEW_TOKEN}))

    assert result["reason"] == "reconfigure_successful"
    assert entry.unique_id == device_unique_id(GARDEN["token"])
    assert entry.data[CONF_TOKEN] == NEW_TOKEN


async def test_reconfigure_device_to_configured_token(
    hass: HomeAssistant, blynk: EmulatorServer, device_entry: MockConfigEntry
) -> None:
    """The token of another entry: that device is already configured."""
    device_entry.add_to_hass(hass)
    relays = relays_entry(blynk)
    relays.add_to_hass(hass)
    result = await relays.start_reconfigure_flow(hass)

    result = await submit(hass, result, device_input(blynk))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert relays.data[CONF_TOKEN] == RELAYS["token"]


# Options


async def start_options(hass: HomeAssistant, entry: MockConfigEntry, step: str) -> FlowResult:
    """Open the options menu and pick a step."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"][:3] == ["settings", "datastreams", "combine"]
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": step}
    )


async def submit_options(
    hass: HomeAssistant, result: FlowResult, data: dict[str, Any]
) -> FlowResult:
    """Submit an options flow form."""
    return await hass.config_entries.options.async_configure(result["flow_id"], data)


@pytest.mark.parametrize(
    ("entry_fixture", "too_low", "fields"),
    [
        (
            "organization_entry",
            9,
            {CONF_SCAN_INTERVAL, CONF_INCLUDE_SUB_ORGANIZATIONS, CONF_HISTORY_DAYS},
        ),
        ("device_entry", 14, {CONF_SCAN_INTERVAL}),
    ],
    ids=["organization", "device"],
)
async def test_options_settings(
    hass: HomeAssistant,
    *,
    blynk: EmulatorServer,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
    request: pytest.FixtureRequest,
    entry_fixture: str,
    too_low: int,
    fields: set[str],
) -> None:
    entry = await setup_entry(hass, request.getfixturevalue(entry_fixture))
    result = await start_options(hass, entry, "settings")
    assert result["step_id"] == "settings"
    assert set(result["data_schema"].schema) == fields

    with pytest.raises(InvalidData):
        await submit_options(hass, result, {CONF_SCAN_INTERVAL: too_low})
    with pytest.raises(InvalidData):
        await submit_options(hass, result, {CONF_SCAN_INTERVAL: 3601})
    result = await submit_options(hass, result, {CONF_SCAN_INTERVAL: too_low + 1})
    await hass.async_block_till_done(wait_background_tasks=True)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_SCAN_INTERVAL] == too_low + 1
    assert entry.state is ConfigEntryState.LOADED
    # The reloaded entry reads the values at the new interval (the default is 30 s or more).
    emulator.clear_log()
    await advance(hass, freezer, too_low + 2)
    assert emulator.count(VALUES[Mode(entry.data[CONF_MODE])]) == 1


def device_names(hass: HomeAssistant, entry: MockConfigEntry) -> set[str | None]:
    """The names of an entry's devices in the device registry."""
    return {
        device.name
        for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    }


async def test_options_include_sub_organizations(
    hass: HomeAssistant, organization_entry: MockConfigEntry
) -> None:
    entry = await setup_entry(hass, organization_entry)
    assert "Club greenhouse" not in device_names(hass, entry)
    result = await start_options(hass, entry, "settings")

    await submit_options(
        hass,
        result,
        {CONF_SCAN_INTERVAL: 30, CONF_INCLUDE_SUB_ORGANIZATIONS: True, CONF_HISTORY_DAYS: 14},
    )
    await hass.async_block_till_done(wait_background_tasks=True)

    assert entry.options == {
        CONF_SCAN_INTERVAL: 30,
        CONF_INCLUDE_SUB_ORGANIZATIONS: True,
        CONF_HISTORY_DAYS: 14,
    }
    assert "Club greenhouse" in device_names(hass, entry)


async def test_options_datastream_entity(
    hass: HomeAssistant, organization_entry: MockConfigEntry
) -> None:
    """Organization mode: a template datastream becomes a number with bounds."""
    entry = await setup_entry(hass, organization_entry)
    result = await start_options(hass, entry, "datastreams")
    assert result["step_id"] == "datastreams"
    result = await submit_options(hass, result, {"datastream": "353:v1"})
    assert result["step_id"] == "datastream"
    assert result["description_placeholders"] == {
        "datastream": "Weather Station - Temperature (v1)"
    }

    result = await submit_options(hass, result, {"entity": "number", "min": 5, "max": 5})
    assert result["errors"] == {"max": "max_not_above_min"}
    result = await submit_options(hass, result, {"entity": "number", "min": -10, "max": 40})
    await hass.async_block_till_done(wait_background_tasks=True)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_DATASTREAMS] == {
        "353:v1": {"entity": "number", "min": -10, "max": 40}
    }
    assert entry.state is ConfigEntryState.LOADED


async def test_options_step_fits_the_datastream(
    hass: HomeAssistant, organization_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """A whole-number datastream refuses a fractional step: it is never rounded in silence."""
    entry = await setup_entry(hass, organization_entry)
    result = await start_options(hass, entry, "datastreams")
    result = await submit_options(hass, result, {"datastream": "353:v2"})  # Humidity, INT

    result = await submit_options(hass, result, {"entity": "number", "step": 0.5})
    assert result["errors"] == {"step": "step_not_integer"}
    result = await submit_options(hass, result, {"entity": "number", "step": 5})
    await hass.async_block_till_done(wait_background_tasks=True)

    assert entry.options[CONF_DATASTREAMS] == {"353:v2": {"entity": "number", "step": 5}}
    assert hass.states.get("number.garden_weather_humidity").attributes["step"] == 5
    # A DOUBLE datastream takes any step.
    result = await start_options(hass, entry, "datastreams")
    result = await submit_options(hass, result, {"datastream": "353:v1"})
    result = await submit_options(hass, result, {"entity": "number", "step": 0.5})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_options_select_needs_options(
    hass: HomeAssistant, organization_entry: MockConfigEntry
) -> None:
    """The thermostat's Mode (ENUM) has no labels: its bounds' numbers are the options."""
    entry = await setup_entry(hass, organization_entry)
    result = await start_options(hass, entry, "datastreams")
    result = await submit_options(hass, result, {"datastream": "356:v2"})
    assert set(result["data_schema"].schema["entity"].config["options"]) == {
        "auto",
        "select",
        "sensor",
        "number",
        "none",
    }

    result = await submit_options(hass, result, {"entity": "select", "min": 0, "max": 500})
    assert result["errors"] == {"entity": "select_without_options"}
    result = await submit_options(hass, result, {"entity": "select", "min": 1, "max": 2})
    await hass.async_block_till_done(wait_background_tasks=True)

    assert hass.states.get("select.hallway_thermostat_mode").attributes["options"] == ["1", "2"]


@pytest.mark.parametrize("scenario", [WITHOUT_BOUNDS])
async def test_options_labels_name_an_enum(
    hass: HomeAssistant, organization_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """Under the documented template (no labels, no bounds) the options' labels make a select."""
    entry = await setup_entry(hass, organization_entry)
    assert hass.states.get("number.hallway_thermostat_mode").state == "1"
    result = await start_options(hass, entry, "datastreams")
    result = await submit_options(hass, result, {"datastream": "356:v2"})  # Mode, ENUM
    for wrong in ("0=Off, 1", "0.5=Off", "low=Off"):
        result = await submit_options(hass, result, {"entity": "auto", "labels": wrong})
        assert result["errors"] == {"labels": "invalid_labels"}
    result = await submit_options(hass, result, {"entity": "select", "labels": "  "})
    assert result["errors"] == {"entity": "select_without_options"}
    labels = "0=Off, 1=Heat, 2=Cool, 3: Auto"
    result = await submit_options(hass, result, {"entity": "auto", "labels": labels})
    await hass.async_block_till_done(wait_background_tasks=True)

    assert entry.options[CONF_DATASTREAMS] == {
        "356:v2": {"entity": "auto", "labels": {"0": "Off", "1": "Heat", "2": "Cool", "3": "Auto"}}
    }
    assert hass.states.get("number.hallway_thermostat_mode") is None
    state = hass.states.get("select.hallway_thermostat_mode")
    assert (state.state, state.attributes["options"]) == ("Heat", ["Off", "Heat", "Cool", "Auto"])
    result = await start_options(hass, entry, "datastreams")
    result = await submit_options(hass, result, {"datastream": "356:v2"})
    assert suggested(result, "labels") == "0=Off, 1=Heat, 2=Cool, 3=Auto"
    # Labels name an ENUM's values only.
    result = await start_options(hass, entry, "datastreams")
    result = await submit_options(hass, result, {"datastream": "353:v2"})  # Humidity, INT
    result = await submit_options(hass, result, {"entity": "auto", "labels": "0=Dry"})
    assert result["errors"] == {"labels": "labels_need_enum"}


async def test_options_datastream_auto_removes_choice(
    hass: HomeAssistant, organization_entry: MockConfigEntry
) -> None:
    choices = {"353:v1": {"entity": "sensor"}, "354:v2": {"entity": "switch"}}
    entry = await setup_entry(hass, copy_entry(organization_entry, {CONF_DATASTREAMS: choices}))
    result = await start_options(hass, entry, "datastreams")
    result = await submit_options(hass, result, {"datastream": "353:v1"})
    assert suggested(result, "entity") == "sensor"

    result = await submit_options(hass, result, {"entity": "auto"})
    await hass.async_block_till_done(wait_background_tasks=True)

    assert entry.options[CONF_DATASTREAMS] == {"354:v2": {"entity": "switch"}}
    assert entry.state is ConfigEntryState.LOADED


async def test_options_device_typed_pin(hass: HomeAssistant, blynk: EmulatorServer) -> None:
    """Device mode takes a pin the device has not set yet (Cabin weather's v4), in any case."""
    cabin = MockConfigEntry(
        domain=DOMAIN,
        title=CABIN["name"],
        unique_id=device_unique_id(CABIN["token"]),
        data={CONF_MODE: Mode.DEVICE, CONF_HOST: blynk.url("ny3"), CONF_TOKEN: CABIN["token"]},
    )
    entry = await setup_entry(hass, cabin)
    result = await start_options(hass, entry, "datastreams")

    result = await submit_options(hass, result, {"datastream": "x9"})
    assert result["errors"] == {"datastream": "invalid_pin"}
    result = await submit_options(hass, result, {"datastream": "V4"})
    assert result["step_id"] == "datastream"
    assert result["description_placeholders"] == {"datastream": "v4"}
    result = await submit_options(hass, result, {"entity": "text"})
    await hass.async_block_till_done(wait_background_tasks=True)

    assert entry.options[CONF_DATASTREAMS] == {"v4": {"entity": "text"}}
    assert entry.state is ConfigEntryState.LOADED


async def test_options_device_known_pin(hass: HomeAssistant, device_entry: MockConfigEntry) -> None:
    entry = await setup_entry(hass, device_entry)
    result = await start_options(hass, entry, "datastreams")

    result = await submit_options(hass, result, {"datastream": "v4"})
    result = await submit_options(hass, result, {"entity": "text"})
    await hass.async_block_till_done(wait_background_tasks=True)

    assert entry.options[CONF_DATASTREAMS] == {"v4": {"entity": "text"}}
    assert entry.state is ConfigEntryState.LOADED


async def test_options_unknown_datastream(
    hass: HomeAssistant,
    emulator: Emulator,
    organization_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The datastream's template left the organization while the form was open."""
    entry = await setup_entry(hass, organization_entry)
    result = await start_options(hass, entry, "datastreams")
    with pytest.raises(InvalidData):  # organization mode lists its datastreams: no typing
        await submit_options(hass, result, {"datastream": "999:v1"})
    emulator.remove_device(demo_device("Car tracker")["id"])
    for _ in range(DEVICE_REMOVAL_DISCOVERIES):  # a device leaves after several discoveries
        await advance(hass, freezer, DISCOVERY_INTERVAL.total_seconds())

    result = await submit_options(hass, result, {"datastream": "355:v0"})
    assert result["errors"] == {"datastream": "unknown_datastream"}
    result = await submit_options(hass, result, {"datastream": "353:v1"})
    assert result["step_id"] == "datastream"


async def test_options_datastreams_not_loaded(
    hass: HomeAssistant, organization_entry: MockConfigEntry
) -> None:
    organization_entry.add_to_hass(hass)
    result = await start_options(hass, organization_entry, "datastreams")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_loaded"


# Translations


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    else:
        yield node


FLOW_HELPERS = {"BlynkConfigFlow": (), "BlynkOptionsFlow": ("_choice_errors", "_labels_error")}
"""Module functions of config_flow.py that name a flow's errors, by flow class."""


def _keys_used(class_name: str) -> tuple[set[str], set[str]]:
    """The error and abort keys a flow class of config_flow.py (and its helpers) names."""
    tree = ast.parse(Path(config_flow.__file__).read_text(encoding="utf-8"))
    flow = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name)
    helpers = [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name in FLOW_HELPERS[class_name]
    ]
    errors: set[str] = set()
    aborts: set[str] = set()
    for helper in helpers:  # they return {field: error}
        for node in ast.walk(helper):
            if isinstance(node, ast.Dict):
                errors.update(
                    value.value for value in node.values if isinstance(value, ast.Constant)
                )
    for node in ast.walk(flow):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "InvalidInputError":
            errors.add(node.args[0].value)
        elif (
            isinstance(node, ast.Assign)
            and isinstance(target := node.targets[0], ast.Subscript)
            and getattr(target.value, "id", None) == "errors"
            and isinstance(node.value, ast.Constant)
        ):
            errors.add(node.value.value)
        elif isinstance(node, ast.keyword) and node.arg == "reason":
            aborts.add(node.value.value)
        elif isinstance(node, ast.Attribute) and node.attr == "_abort_if_unique_id_configured":
            aborts.add("already_configured")
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "AbortFlow":
            aborts.add(node.args[0].value)
    return errors, aborts


def test_translations_are_literal() -> None:
    """A custom integration's strings are used as they are: no `[%key:...]` references."""
    assert all(isinstance(text, str) for text in _strings(STRINGS))
    assert not [text for text in _strings(STRINGS) if "[%key:" in text]


@pytest.mark.parametrize(
    ("section", "class_name", "errors", "aborts"),
    [
        (
            "config",
            "BlynkConfigFlow",
            {
                "invalid_host",
                "invalid_auth",
                "scope_not_enabled",
                "cannot_connect",
                "unknown",
                "wrong_region",
            },
            {"already_configured", "wrong_account", "wrong_device", "device_in_organization"},
        ),
        (
            "options",
            "BlynkOptionsFlow",
            {
                "invalid_pin",
                "unknown_datastream",
                "max_not_above_min",
                "step_not_integer",
                "select_without_options",
                "labels_need_enum",
                "invalid_labels",
            },
            {"not_loaded"},
        ),
    ],
)
def test_flow_keys_are_translated(
    section: str, class_name: str, errors: set[str], aborts: set[str]
) -> None:
    assert _keys_used(class_name) == (errors, aborts)
    assert errors <= set(STRINGS[section]["error"])
    assert aborts <= set(STRINGS[section]["abort"])


def test_flow_steps_are_translated() -> None:
    config = STRINGS["config"]["step"]
    assert {
        "user",
        "organization",
        "device",
        "reauth_confirm",
        "confirm_device",
        "reconfigure",
    } <= set(config)
    assert set(config["user"]["menu_options"]) == set(Mode)
    options = STRINGS["options"]["step"]
    assert {"init", "settings", "datastreams", "datastream", "combine", "combine_parts"} <= set(
        options
    )
    assert set(options["init"]["menu_options"]) == {
        "settings",
        "datastreams",
        "combine",
        "profiles",
    }
    assert {"auto", "none", *(str(kind) for kind in config_flow.EntityKind)} == set(
        STRINGS["selector"]["entity_kind"]["options"]
    )
