"""Actions: values, widget properties, history import and read, batch updates.

Every action runs against the emulator over real HTTP; each test asserts what reached the
emulator (or that nothing did) and what came back.
"""

from contextlib import suppress
import copy
from datetime import UTC, datetime, timedelta
import json
import math
from pathlib import Path
import re
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_CONFIG_ENTRY_ID, ATTR_DEVICE_ID, ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, selector
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import yaml

from custom_components.blynk_cloud.const import DOMAIN
from custom_components.blynk_cloud.services import (
    IMPORT_AHEAD,
    IMPORT_MARGIN,
    IMPORT_PAST,
    PROPERTY_NAMES,
    PROPERTY_OPTIONS,
)
from emulator import Emulator, Fault

from .conftest import DEMO, advance, typed

SERVICES_YAML = Path(__file__).parent.parent / "custom_components/blynk_cloud/services.yaml"
TRANSLATIONS = Path(__file__).parent.parent / "custom_components/blynk_cloud/translations/en.json"
ICONS = Path(__file__).parent.parent / "custom_components/blynk_cloud/icons.json"

V1 = "/api/v1/organization"
WRITE_ONE = f"{V1}/device/datastream"
WRITE_MANY = f"{V1}/device/datastreams"
PROPERTY = f"{V1}/device/datastream/property"
IMPORT = f"{V1}/device/import/batch"
HISTORY = f"{V1}/device/datastream/history"
BATCH_UPDATE = f"{V1}/product/devices/batch-update"
DEVICE_UPDATE = "/external/api/update"
DEVICE_BATCH = "/external/api/batch/update"
DEVICE_PROPERTY = "/external/api/update/property"

GARDEN, RELAYS, CAR, THERMOSTAT, CABIN = 1, 2, 3, 4, 6
"""Blynk ids of the demo devices the organization entry sees."""
NAMES = {
    GARDEN: "Garden weather",
    RELAYS: "Living room relays",
    CAR: "Car tracker",
    THERMOSTAT: "Hallway thermostat",
}
SCOPE_ERROR = "Platform API scope is not enabled for this oauth client."
TARGET = "number.hallway_thermostat_target_temperature"
MODE = "select.hallway_thermostat_mode"
DISPLAY = "text.hallway_thermostat_display_text"
PUMP = "switch.living_room_relays_pump"


def _without_value(device_id: int, datastream_id: str) -> dict[str, Any]:
    """The demo, with one datastream of one device never set."""
    scenario = copy.deepcopy(DEMO)
    device = next(device for device in scenario["devices"] if device["id"] == device_id)
    del device["values"][datastream_id]
    return scenario


def _aliases(template_id: int, aliases: dict[str, str]) -> dict[str, Any]:
    """The demo, with datastreams of a template (by label) given other aliases."""
    scenario = copy.deepcopy(DEMO)
    template = next(item for item in scenario["templates"] if item["id"] == template_id)
    for datastream in template["datastreams"]:
        datastream["alias"] = aliases.get(datastream["label"], datastream["alias"])
    return scenario


QUIET_STATUS = _without_value(GARDEN, "4")
"""Garden weather's Status (v4) has no value: device mode does not know the pin yet."""
CROSSED_ALIASES = _aliases(356, {"Mode": "Heating", "Energy": "Meter"})
"""The thermostat's Mode (v2) has the alias "Heating", the label of v3; Energy (v5) "Meter"."""
LOW_IMPORT_LIMIT = {**copy.deepcopy(DEMO), "import_daily_limit": 15_000}


# Helpers


def blynk_device(hass: HomeAssistant, entry: MockConfigEntry, blynk_id: int | None = None) -> str:
    """The registry id of a Blynk device of an entry (device mode: the entry's one device)."""
    key = entry.entry_id if blynk_id is None else f"{entry.unique_id}_{blynk_id}"
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, key), entry.entry_id)
    assert device is not None
    return device.id


async def call(
    hass: HomeAssistant, service: str, data: dict[str, Any], *, response: bool = False
) -> Any:
    """Call an action of the integration and wait for it."""
    return await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=response
    )


def shown(hass: HomeAssistant, entity_id: str) -> str:
    """What an entity shows now."""
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


def sent(emulator: Emulator, path: str) -> list[Any]:
    """What reached the emulator at a path: JSON bodies, or the query without the token."""
    return [
        record.body
        if record.body is not None
        else [pair for pair in record.query if pair[0] != "token"]
        for record in emulator.requests
        if record.path == path
    ]


def now_ms() -> int:
    return int(dt_util.utcnow().timestamp() * 1000)


class Untouched:
    """Asserts that an action reached the emulator not at all."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.before = len(emulator.requests)

    def check(self) -> None:
        assert len(self.emulator.requests) == self.before


async def refused(
    hass: HomeAssistant,
    emulator: Emulator,
    service: str,
    data: dict[str, Any],
    *,
    response: bool = False,
) -> ServiceValidationError:
    """Call an action that must be refused before anything reaches the emulator."""
    untouched = Untouched(emulator)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, service, data, response=response)
    untouched.check()
    return err.value


# Registration and descriptions


async def test_actions_are_registered_without_entries(hass: HomeAssistant) -> None:
    assert await async_setup_component(hass, DOMAIN, {})
    assert set(hass.services.async_services_for_domain(DOMAIN)) == {
        "set_value",
        "set_values",
        "set_property",
        "import_history",
        "get_history",
        "batch_update",
        "import_statistics",
    }


# set_value, organization mode


@pytest.mark.parametrize(
    ("blynk_id", "datastream", "value", "datastream_id", "wire", "entity_id", "state"),
    [
        (THERMOSTAT, "v1", 23.5, 2, 23.5, TARGET, "23.5"),
        (THERMOSTAT, "2", 22, 2, 22.0, TARGET, "22.0"),
        (THERMOSTAT, "Target temperature", "24.5", 2, 24.5, TARGET, "24.5"),
        (THERMOSTAT, "Mode", 2, 3, 2, MODE, "2"),
        (THERMOSTAT, "V2", "3", 3, 3, MODE, "3"),
        (THERMOSTAT, "Display text", "Hi", 7, "Hi", DISPLAY, "Hi"),
        (THERMOSTAT, "Display text", 42, 7, "42", DISPLAY, "42"),
        (THERMOSTAT, "Display text", "ü" * 512, 7, "ü" * 512, DISPLAY, "ü" * 255),
        # The Platform API's raw values have no boolean: a BOOLEAN datastream is sent 1 or 0.
        (RELAYS, "Pump", "on", 3, 1, PUMP, "on"),
        (RELAYS, "Pump", 0, 3, 0, PUMP, "off"),
        (RELAYS, "Pump", True, 3, 1, PUMP, "on"),
        (RELAYS, "Relay 1", "1", 1, 1, "switch.living_room_relays_relay_1", "on"),
        (RELAYS, "Relay 2", 1.0, 2, 1, "switch.living_room_relays_relay_2", "on"),
        (GARDEN, "Humidity", 55, 2, 55, "sensor.garden_weather_humidity", "55"),
        (
            CAR,
            "Location",
            {"latitude": 48.137, "longitude": 11.575, "radius": 5},
            1,
            [11.575, 48.137],
            "device_tracker.car_tracker_location",
            None,
        ),
    ],
)
async def test_set_value(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    emulator: Emulator,
    blynk_id: int,
    datastream: str,
    value: Any,
    datastream_id: int,
    wire: Any,
    entity_id: str,
    state: str | None,
) -> None:
    await call(
        hass,
        "set_value",
        {
            ATTR_DEVICE_ID: blynk_device(hass, organization, blynk_id),
            "datastream": datastream,
            "value": value,
        },
    )
    assert typed(sent(emulator, WRITE_ONE)) == typed(
        [{"deviceId": blynk_id, "dataStreamId": datastream_id, "value": wire}]
    )
    # Entities show the written value at once, before the next poll.
    if state is None:  # a location
        attributes = hass.states.get(entity_id).attributes
        assert (attributes["latitude"], attributes["longitude"]) == (48.137, 11.575)
    else:
        assert shown(hass, entity_id) == state


@pytest.mark.usefixtures("organization")
async def test_set_value_updates_entities_at_once(
    hass: HomeAssistant, organization: MockConfigEntry, emulator: Emulator
) -> None:
    await call(
        hass,
        "set_value",
        {
            ATTR_DEVICE_ID: blynk_device(hass, organization, THERMOSTAT),
            "datastream": "Target temperature",
            "value": 12.5,
        },
    )
    assert emulator.value(THERMOSTAT, 2) == 12.5
    assert hass.states.get("number.hallway_thermostat_target_temperature").state == "12.5"
    await call(
        hass,
        "set_value",
        {
            ATTR_DEVICE_ID: blynk_device(hass, organization, CAR),
            "datastream": "Location",
            "value": {"latitude": 48.137, "longitude": 11.575},
        },
    )
    tracker = hass.states.get("device_tracker.car_tracker_location")
    assert (tracker.attributes["latitude"], tracker.attributes["longitude"]) == (48.137, 11.575)


@pytest.mark.parametrize(
    ("blynk_id", "datastream", "value", "key", "placeholders"),
    [
        (THERMOSTAT, "Target temperature", "warm", "value_not_number", {"value": '"warm"'}),
        (THERMOSTAT, "Target temperature", True, "value_not_number", {}),
        (THERMOSTAT, "Target temperature", math.nan, "value_not_number", {}),
        (THERMOSTAT, "Target temperature", [21], "value_not_number", {}),
        (
            THERMOSTAT,
            "Target temperature",
            35,
            "value_out_of_range",
            {"min": "10", "max": "30", "value": "35"},
        ),
        (THERMOSTAT, "Target temperature", 9.5, "value_out_of_range", {}),
        (THERMOSTAT, "Energy", -5, "value_out_of_range", {"min": "0", "max": "∞"}),
        (THERMOSTAT, "Mode", 1.5, "value_not_integer", {}),
        (THERMOSTAT, "Mode", "two", "value_not_integer", {}),
        (THERMOSTAT, "Mode", 7, "value_out_of_range", {"min": "0", "max": "3"}),
        (RELAYS, "Relay 1", True, "value_not_integer", {}),
        (RELAYS, "Relay 1", 2, "value_out_of_range", {"min": "0", "max": "1"}),
        (RELAYS, "Pump", "maybe", "value_not_boolean", {}),
        (RELAYS, "Pump", 2, "value_not_boolean", {}),
        (RELAYS, "Pump", None, "value_not_boolean", {}),
        (
            THERMOSTAT,
            "Display text",
            "x" * 1025,
            "value_too_long",
            {"length": "1025", "max": "1024"},
        ),
        (THERMOSTAT, "Display text", "ü" * 513, "value_too_long", {"length": "1026"}),
        (THERMOSTAT, "Display text", True, "value_not_text", {}),
        (THERMOSTAT, "Display text", {"a": 1}, "value_not_text", {}),
        (CAR, "Location", {"latitude": 91, "longitude": 0}, "value_not_location", {}),
        (CAR, "Location", {"latitude": 0, "longitude": -181}, "value_not_location", {}),
        (CAR, "Location", {"latitude": 1}, "value_not_location", {}),
        (CAR, "Location", {"latitude": "north", "longitude": 1}, "value_not_location", {}),
        (CAR, "Location", [11.5, 48.1], "value_not_location", {}),
        (CAR, "Speed", {"latitude": 1, "longitude": 1}, "value_not_number", {}),
    ],
)
async def test_set_value_refuses_what_cannot_fit(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    emulator: Emulator,
    blynk_id: int,
    datastream: str,
    value: Any,
    key: str,
    placeholders: dict[str, str],
) -> None:
    untouched = Untouched(emulator)
    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass,
            "set_value",
            {
                ATTR_DEVICE_ID: blynk_device(hass, organization, blynk_id),
                "datastream": datastream,
                "value": value,
            },
        )
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == key
    found = err.value.translation_placeholders
    assert found["device"] == NAMES[blynk_id]
    assert found["datastream"].startswith(datastream)
    assert placeholders.items() <= found.items()
    untouched.check()


@pytest.mark.usefixtures("organization")
async def test_refusal_message_names_datastream_and_device(
    hass: HomeAssistant, organization: MockConfigEntry
) -> None:
    with pytest.raises(
        ServiceValidationError,
        match=r"^Target temperature \(V1\) of Hallway thermostat takes values from 10 to 30; "
        r"35 is outside",
    ):
        await call(
            hass,
            "set_value",
            {
                ATTR_DEVICE_ID: blynk_device(hass, organization, THERMOSTAT),
                "datastream": "v1",
                "value": 35,
            },
        )


@pytest.mark.parametrize("datastream", ["Nope", "99", "v99", "", "temperature"])
async def test_unknown_datastream(
    hass: HomeAssistant, organization: MockConfigEntry, emulator: Emulator, datastream: str
) -> None:
    untouched = Untouched(emulator)
    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass,
            "set_value",
            {
                ATTR_DEVICE_ID: blynk_device(hass, organization, GARDEN),
                "datastream": datastream,
                "value": 1,
            },
        )
    assert err.value.translation_key == "unknown_datastream"
    assert err.value.translation_placeholders == {
        "device": "Garden weather",
        "datastream": datastream,
    }
    untouched.check()


@pytest.mark.parametrize("scenario", [CROSSED_ALIASES])
async def test_alias_resolves_after_label(
    hass: HomeAssistant, organization: MockConfigEntry, emulator: Emulator
) -> None:
    """A label wins over another datastream's alias; an alias alone also resolves."""
    target = blynk_device(hass, organization, THERMOSTAT)
    await call(hass, "set_value", {ATTR_DEVICE_ID: target, "datastream": "Heating", "value": 0})
    await call(hass, "set_value", {ATTR_DEVICE_ID: target, "datastream": "Meter", "value": 5})
    assert [body["dataStreamId"] for body in sent(emulator, WRITE_ONE)] == [4, 6]


# Targets: every device action validates its device first


def _minimal(service: str) -> dict[str, Any]:
    """Otherwise valid data of each device action."""
    return {
        "set_value": {"datastream": "v1", "value": 1},
        "set_values": {"values": {"v1": 1}},
        "set_property": {"datastream": "v1", "property": "label", "value": "x"},
        "import_history": {"datastream": "v1", "values": [{"ts": now_ms(), "value": 1}]},
        "get_history": {"datastream": "v1", "start": "2025-10-01T00:00:00Z", "end": "2025-10-02"},
    }[service]


DEVICE_ACTIONS = ["set_value", "set_values", "set_property", "import_history", "get_history"]


def _responds(service: str) -> bool:
    return service in ("import_history", "get_history")


@pytest.mark.parametrize("service", DEVICE_ACTIONS)
async def test_unknown_device(
    hass: HomeAssistant, organization: MockConfigEntry, emulator: Emulator, service: str
) -> None:
    error = await refused(
        hass,
        emulator,
        service,
        {ATTR_DEVICE_ID: "0123456789abcdef", **_minimal(service)},
        response=_responds(service),
    )
    assert error.translation_key == "service_device_not_found"


@pytest.mark.parametrize("service", DEVICE_ACTIONS)
async def test_device_of_another_integration(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    emulator: Emulator,
    device_registry: dr.DeviceRegistry,
    service: str,
) -> None:
    other = MockConfigEntry(domain="other_integration")
    other.add_to_hass(hass)
    foreign = device_registry.async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other_integration", "x")}, name="Kettle"
    )
    error = await refused(
        hass,
        emulator,
        service,
        {ATTR_DEVICE_ID: foreign.id, **_minimal(service)},
        response=_responds(service),
    )
    assert error.translation_key == "service_device_wrong_domain"
    assert error.translation_placeholders["device_name"] == "Kettle"


@pytest.mark.parametrize("service", DEVICE_ACTIONS)
async def test_device_of_unloaded_entry(
    hass: HomeAssistant, organization: MockConfigEntry, emulator: Emulator, service: str
) -> None:
    target = blynk_device(hass, organization, GARDEN)
    assert await hass.config_entries.async_unload(organization.entry_id)
    assert organization.state is ConfigEntryState.NOT_LOADED
    error = await refused(
        hass,
        emulator,
        service,
        {ATTR_DEVICE_ID: target, **_minimal(service)},
        response=_responds(service),
    )
    assert error.translation_key == "service_config_entry_not_loaded"


@pytest.mark.parametrize("service", DEVICE_ACTIONS)
async def test_device_blynk_no_longer_lists(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    emulator: Emulator,
    device_registry: dr.DeviceRegistry,
    service: str,
) -> None:
    gone = device_registry.async_get_or_create(
        config_entry_id=organization.entry_id,
        identifiers={(DOMAIN, f"{organization.unique_id}_404")},
        name="Old sensor",
    )
    error = await refused(
        hass,
        emulator,
        service,
        {ATTR_DEVICE_ID: gone.id, **_minimal(service)},
        response=_responds(service),
    )
    assert error.translation_key == "device_not_listed"
    assert error.translation_placeholders == {"device": "Old sensor"}


# API errors


@pytest.mark.parametrize(
    ("fault", "key"),
    [
        (Fault.server_error(), "api_error"),
        (Fault.rate_limited(retry_after=5), "rate_limited"),
        (Fault(status=404, message="Device with identifier 4 is not found."), "not_found"),
        (Fault(status=400, message="Invalid value."), "value_refused"),
        (Fault.dropped(), "cannot_connect"),
    ],
)
async def test_api_errors(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    emulator: Emulator,
    fault: Fault,
    key: str,
) -> None:
    emulator.inject(fault, path=WRITE_ONE)
    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass,
            "set_value",
            {
                ATTR_DEVICE_ID: blynk_device(hass, organization, THERMOSTAT),
                "datastream": "Target temperature",
                "value": 25,
            },
        )
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == key
    # A failed write leaves entities showing the value Blynk has.
    assert shown(hass, TARGET) == "21.5"
    assert emulator.value(THERMOSTAT, 2) == 21.5
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)


@pytest.mark.parametrize(
    ("fault", "key", "sources"),
    [
        (Fault.unauthorized(), "auth_failed", ["reauth"]),
        # Only the Blynk console grants the scope: new credentials would not help.
        (Fault.forbidden(SCOPE_ERROR), "scope_not_enabled", []),
    ],
)
async def test_auth_failure_starts_reauth(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    emulator: Emulator,
    fault: Fault,
    key: str,
    sources: list[str],
) -> None:
    # A 401 renews the token and repeats the request once: fail both.
    emulator.inject(fault, count=2, path=WRITE_MANY)
    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass,
            "set_values",
            {
                ATTR_DEVICE_ID: blynk_device(hass, organization, THERMOSTAT),
                "values": {"v1": 25},
            },
        )
    assert err.value.translation_key == key
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == sources


# Several values


async def test_set_values_one_request(
    hass: HomeAssistant, organization: MockConfigEntry, emulator: Emulator
) -> None:
    await call(
        hass,
        "set_values",
        {
            ATTR_DEVICE_ID: blynk_device(hass, organization, THERMOSTAT),
            "values": {"Target temperature": 22.5, "v2": "3", 7: "Hi"},
        },
    )
    assert typed(sent(emulator, WRITE_MANY)) == typed(
        [{"deviceId": THERMOSTAT, "values": {"2": 22.5, "3": 3, "7": "Hi"}}]
    )
    assert emulator.count(WRITE_ONE) == 0
    assert [emulator.value(THERMOSTAT, ds) for ds in (2, 3, 7)] == [22.5, 3, "Hi"]
    assert [shown(hass, entity_id) for entity_id in (TARGET, MODE, DISPLAY)] == ["22.5", "3", "Hi"]


async def test_set_values_location(
    hass: HomeAssistant, organization: MockConfigEntry, emulator: Emulator
) -> None:
    await call(
        hass,
        "set_values",
        {
            ATTR_DEVICE_ID: blynk_device(hass, organization, CAR),
            "values": {"Location": {"latitude": 1.5, "longitude": 2.5}, "Battery": 50},
        },
    )
    assert typed(sent(emulator, WRITE_MANY)) == typed(
        [{"deviceId": CAR, "values": {"1": [2.5, 1.5], "3": 50}}]
    )


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"v1": 20, "Target temperature": 21}, "duplicate_datastream"),
        ({"v1": 20, "Mode": 9}, "value_out_of_range"),
        ({"Mode": 1, "Nope": 1}, "unknown_datastream"),
    ],
)
async def test_set_values_refused_whole(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    emulator: Emulator,
    values: dict[str, Any],
    key: str,
) -> None:
    error = await refused(
        hass,
        emulator,
        "set_values",
        {ATTR_DEVICE_ID: blynk_device(hass, organization, THERMOSTAT), "values": values},
    )
    assert error.translation_key == key


@pytest.mark.parametrize(
    ("service", "data"),
    [
        ("set_values", {"values": {}}),
        ("set_values", {"values": [1, 2]}),
        ("set_value", {"datastream": "v1"}),
        ("set_property", {"datastream": "v1", "property": "colour", "value": "#FFFFFF"}),
        ("import_history", {"datastream": "v1", "values": []}),
        ("import_history", {"datastream": "v1", "values": [{"ts": 1}]}),
        ("import_history", {"datastream": "v1", "values": [{"ts": 1, "value": 1, "x": 2}]}),
        ("get_history", {"datastream": "v1", "start": "yesterday", "end": "2025-10-01"}),
        (
            "get_history",
            {"datastream": "v1", "start": "2025-10-01", "end": "2025-10-02", "limit": 0},
        ),
    ],
)
async def test_schema_errors(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    emulator: Emulator,
    service: str,
    data: dict[str, Any],
) -> None:
    untouched = Untouched(emulator)
    with pytest.raises(probatio.Invalid):
        await call(
            hass,
            service,
            {ATTR_DEVICE_ID: blynk_device(hass, organization, GARDEN), **data},
            response=_responds(service),
        )
    untouched.check()


# Device mode


@pytest.mark.parametrize(
    ("datastream", "value", "query", "pin", "state"),
    [
        ("v2", 55, [("v2", "55")], "v2", "55"),
        ("V2", "56", [("v2", "56")], "v2", "56"),
        # An INT guess may be a BOOLEAN datastream, which Blynk reads as 1/0.
        ("v2", True, [("v2", "1")], "v2", "1"),
        ("v1", 18.25, [("v1", "18.25")], "v1", "18.25"),
        ("v4", "Rain", [("v4", "Rain")], "v4", "Rain"),
    ],
)
async def test_device_mode_set_value(
    hass: HomeAssistant,
    device: MockConfigEntry,
    emulator: Emulator,
    datastream: str,
    value: Any,
    query: list[tuple[str, str]],
    pin: str,
    state: str,
) -> None:
    await call(
        hass,
        "set_value",
        {ATTR_DEVICE_ID: blynk_device(hass, device), "datastream": datastream, "value": value},
    )
    assert sent(emulator, DEVICE_UPDATE) == [query]
    assert shown(hass, f"sensor.garden_weather_{pin}") == state


@pytest.mark.parametrize(
    ("datastream", "value", "key"),
    [
        ("v2", 2.5, "value_not_integer"),
        ("v1", "warm", "value_not_number"),
        ("v4", {"latitude": 1, "longitude": 2}, "value_not_text"),
        ("2", 1, "unknown_datastream"),
        ("Humidity", 1, "unknown_datastream"),
    ],
)
async def test_device_mode_refuses(
    hass: HomeAssistant,
    device: MockConfigEntry,
    emulator: Emulator,
    datastream: str,
    value: Any,
    key: str,
) -> None:
    error = await refused(
        hass,
        emulator,
        "set_value",
        {ATTR_DEVICE_ID: blynk_device(hass, device), "datastream": datastream, "value": value},
    )
    assert error.translation_key == key
    assert error.translation_placeholders["device"] == "Garden weather"


@pytest.mark.parametrize("scenario", [QUIET_STATUS])
@pytest.mark.parametrize(
    ("value", "query"),
    [
        (5, [("v4", "5")]),
        (2.5, [("v4", "2.5")]),
        ("Dry", [("v4", "Dry")]),
        (False, [("v4", "0")]),
    ],
)
async def test_device_mode_unreported_pin_sent_as_given(
    hass: HomeAssistant,
    device: MockConfigEntry,
    emulator: Emulator,
    freezer: FrozenDateTimeFactory,
    value: Any,
    query: list[tuple[str, str]],
) -> None:
    assert hass.states.get("sensor.garden_weather_v4") is None  # no value, no entity yet
    await call(
        hass,
        "set_value",
        {ATTR_DEVICE_ID: blynk_device(hass, device), "datastream": "v4", "value": value},
    )
    assert sent(emulator, DEVICE_UPDATE) == [query]
    assert emulator.value(GARDEN, 4) == query[0][1]
    # The next poll reveals the pin: its entity shows what Blynk holds.
    await advance(hass, freezer, 60)
    assert shown(hass, "sensor.garden_weather_v4") == query[0][1]


@pytest.mark.parametrize("scenario", [QUIET_STATUS])
@pytest.mark.parametrize(
    ("value", "key"),
    [
        ([1, 2], "value_not_supported"),
        (None, "value_not_supported"),
        (math.inf, "value_not_number"),
        ("x" * 1025, "value_too_long"),
        ({"latitude": 100, "longitude": 0}, "value_not_location"),
    ],
)
async def test_device_mode_unreported_pin_generic_checks(
    hass: HomeAssistant, device: MockConfigEntry, emulator: Emulator, value: Any, key: str
) -> None:
    error = await refused(
        hass,
        emulator,
        "set_value",
        {ATTR_DEVICE_ID: blynk_device(hass, device), "datastream": "V4", "value": value},
    )
    assert error.translation_key == key
    assert error.translation_placeholders["datastream"] == "V4"


async def test_device_mode_server_refuses(
    hass: HomeAssistant, device: MockConfigEntry, emulator: Emulator
) -> None:
    """A pin the template lacks passes the generic checks; Blynk's refusal is translated."""
    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass,
            "set_value",
            {
                ATTR_DEVICE_ID: blynk_device(hass, device),
                "datastream": "v9",
                "value": {"latitude": 1, "longitude": 2},
            },
        )
    assert err.value.translation_key == "value_refused"
    assert "No datastream setup for that pin" in err.value.translation_placeholders["error"]
    assert sent(emulator, DEVICE_UPDATE) == [[("pin", "v9"), ("value", "2.0"), ("value", "1.0")]]


async def test_device_mode_auth_failure(
    hass: HomeAssistant, device: MockConfigEntry, emulator: Emulator
) -> None:
    emulator.inject(Fault(status=400, message="Invalid token."), path=DEVICE_BATCH)
    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass,
            "set_values",
            {ATTR_DEVICE_ID: blynk_device(hass, device), "values": {"v2": 1}},
        )
    assert err.value.translation_key == "auth_failed"
    await hass.async_block_till_done()
    assert [
        flow["context"]["source"]
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    ] == ["reauth"]


async def test_device_mode_set_values(
    hass: HomeAssistant, device: MockConfigEntry, emulator: Emulator
) -> None:
    await call(
        hass,
        "set_values",
        {ATTR_DEVICE_ID: blynk_device(hass, device), "values": {"v2": 50, "V4": "Dry"}},
    )
    assert sent(emulator, DEVICE_BATCH) == [[("v2", "50"), ("v4", "Dry")]]
    assert emulator.count(DEVICE_UPDATE) == 0
    assert (emulator.value(GARDEN, 2), emulator.value(GARDEN, 4)) == (50, "Dry")
    assert (shown(hass, "sensor.garden_weather_v2"), shown(hass, "sensor.garden_weather_v4")) == (
        "50",
        "Dry",
    )


async def test_device_mode_set_values_location_refused(
    hass: HomeAssistant, device: MockConfigEntry, emulator: Emulator
) -> None:
    error = await refused(
        hass,
        emulator,
        "set_values",
        {
            ATTR_DEVICE_ID: blynk_device(hass, device),
            "values": {"v2": 50, "v9": {"latitude": 1, "longitude": 2}},
        },
    )
    assert error.translation_key == "location_in_batch"
    assert error.translation_placeholders == {"device": "Garden weather", "datastream": "V9"}


# Widget properties


@pytest.mark.parametrize(
    ("prop", "value", "name", "text"),
    [
        ("color", "#D3435C", "color", "#D3435C"),
        ("on_back_color", "#00ff00", "onBackColor", "#00ff00"),
        ("offColor", "#000000", "offColor", "#000000"),
        ("is_disabled", True, "isDisabled", "true"),
        ("isHidden", " False ", "isHidden", "false"),
        ("min", 5, "min", "5"),
        ("max", 2.5, "max", "2.5"),
        ("step", "0.5", "step", "0.5"),
        ("opacity", 50.0, "opacity", "50"),
        ("rotation", 360, "rotation", "360"),
        ("maximum_fraction_digits", 2, "maximumFractionDigits", "2"),
        ("labels", ["Off", "Heat", 3], "labels", "Off\u0000Heat\u00003"),
        ("urls", ["https://example.com/a.png"], "urls", "https://example.com/a.png"),
        ("label", "Target", "label", "Target"),
        ("page", 2, "page", "2"),
        ("label", "x" * 200, "label", "x" * 200),
    ],
)
async def test_set_property(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    emulator: Emulator,
    prop: str,
    value: Any,
    name: str,
    text: str,
) -> None:
    await call(
        hass,
        "set_property",
        {
            ATTR_DEVICE_ID: blynk_device(hass, organization, THERMOSTAT),
            "datastream": "Target temperature",
            "property": prop,
            "value": value,
        },
    )
    assert sent(emulator, PROPERTY) == [
        {"deviceId": THERMOSTAT, "dataStreamId": 2, "property": name, "value": text}
    ]
    assert emulator.properties == {(THERMOSTAT, 2): {name: text}}


@pytest.mark.parametrize(
    ("prop", "value", "key", "placeholders"),
    [
        ("color", "red", "property_not_color", {"property": "color", "value": '"red"'}),
        ("back_color", 5, "property_not_color", {"property": "backColor"}),
        ("is_muted", "yes", "property_not_boolean", {}),
        ("min", "low", "property_not_number", {}),
        ("step", True, "property_not_number", {}),
        ("opacity", 101, "property_out_of_range", {"min": "0", "max": "100"}),
        ("rotation", -1, "property_out_of_range", {"min": "0", "max": "360"}),
        ("maximum_fraction_digits", 11, "property_out_of_range", {"max": "10"}),
        ("maximum_fraction_digits", 1.5, "property_out_of_range", {}),
        ("labels", "Off", "property_not_list", {}),
        ("labels", [], "property_not_list", {}),
        ("urls", ["a\u0000b"], "property_not_list", {}),
        ("labels", [True], "property_not_text", {}),
        ("label", {"a": 1}, "property_not_text", {}),
        ("label", "x" * 201, "property_too_long", {"length": "201", "max": "200"}),
        # Organization mode sends a list as one value: the joined items count.
        ("labels", ["x" * 100, "y" * 100], "property_too_long", {"length": "201"}),
    ],
)
async def test_set_property_refuses(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    emulator: Emulator,
    prop: str,
    value: Any,
    key: str,
    placeholders: dict[str, str],
) -> None:
    untouched = Untouched(emulator)
    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass,
            "set_property",
            {
                ATTR_DEVICE_ID: blynk_device(hass, organization, THERMOSTAT),
                "datastream": "v1",
                "property": prop,
                "value": value,
            },
        )
    assert err.value.translation_key == key
    found = err.value.translation_placeholders
    assert found["device"] == "Hallway thermostat"
    assert found["datastream"] == "Target temperature (V1)"
    assert placeholders.items() <= found.items()
    untouched.check()


async def test_set_property_device_mode(
    hass: HomeAssistant, device: MockConfigEntry, emulator: Emulator
) -> None:
    target = blynk_device(hass, device)
    # Each value sent counts on its own: two items of 150 characters fit.
    labels = ["x" * 150, "y" * 150]
    await call(
        hass,
        "set_property",
        {ATTR_DEVICE_ID: target, "datastream": "v4", "property": "labels", "value": labels},
    )
    await call(
        hass,
        "set_property",
        {ATTR_DEVICE_ID: target, "datastream": "v4", "property": "is_hidden", "value": True},
    )
    assert sent(emulator, DEVICE_PROPERTY) == [
        [("pin", "v4"), ("labels", labels[0]), ("labels", labels[1])],
        [("pin", "v4"), ("isHidden", "true")],
    ]
    assert emulator.properties == {
        (GARDEN, 4): {"labels": "\u0000".join(labels), "isHidden": "true"}
    }


@pytest.mark.parametrize(
    ("datastream", "prop", "value", "key"),
    [
        ("d3", "label", "Door", "property_needs_virtual_pin"),
        ("v4", "urls", ["x" * 201], "property_too_long"),
    ],
)
async def test_set_property_device_mode_refuses(
    hass: HomeAssistant,
    device: MockConfigEntry,
    emulator: Emulator,
    datastream: str,
    prop: str,
    value: Any,
    key: str,
) -> None:
    error = await refused(
        hass,
        emulator,
        "set_property",
        {
            ATTR_DEVICE_ID: blynk_device(hass, device),
            "datastream": datastream,
            "property": prop,
            "value": value,
        },
    )
    assert error.translation_key == key


async def test_set_property_server_refuses(
    hass: HomeAssistant, organization: MockConfigEntry, emulator: Emulator
) -> None:
    """Most property formats are undocumented: what Blynk refuses is reported, translated."""
    emulator.inject(Fault(status=400, message="Invalid value for property page."), path=PROPERTY)
    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass,
            "set_property",
            {
                ATTR_DEVICE_ID: blynk_device(hass, organization, THERMOSTAT),
                "datastream": "v1",
                "property": "page",
                "value": "settings",
            },
        )
    assert err.value.translation_key == "value_refused"


# Importing history


async def test_import_history_in_chunks(
    hass: HomeAssistant, organization: MockConfigEntry, emulator: Emulator
) -> None:
    """25,000 points arrive whole, in three requests, oldest first."""
    before = emulator.history(GARDEN, 1)
    now = now_ms()
    points = [{"ts": now - minute * 60_000, "value": 20 + minute % 10} for minute in range(25_000)]
    response = await call(
        hass,
        "import_history",
        {
            ATTR_DEVICE_ID: blynk_device(hass, organization, GARDEN),
            "datastream": "Temperature",
            "values": points,
        },
        response=True,
    )
    assert response == {"points": 25_000, "requests": 3}
    bodies = sent(emulator, IMPORT)
    assert [len(body["values"]) for body in bodies] == [10_000, 10_000, 5_000]
    assert all(body["deviceId"] == GARDEN and body["dataStreamId"] == 1 for body in bodies)
    timestamps = [point["ts"] for body in bodies for point in body["values"]]
    assert timestamps == sorted(point["ts"] for point in points)
    assert bodies[0]["values"][0] == {"ts": now - 24_999 * 60_000, "value": 29.0}
    history = emulator.history(GARDEN, 1)
    assert len(history) == len(before) + 25_000
    assert {(ts, float(value)) for ts, value in history} >= {
        (point["ts"], float(point["value"])) for point in points
    }
    # History only: the current value and the entities stay as they were.
    assert shown(hass, "sensor.garden_weather_temperature") == "21.5"


async def test_import_history_times(
    hass: HomeAssistant, organization: MockConfigEntry, emulator: Emulator
) -> None:
    """Epoch milliseconds (number or digits) and ISO 8601 date-times with a zone."""
    now = dt_util.utcnow().replace(microsecond=0)
    hour = timedelta(hours=1)
    values = [
        {"ts": int((now - 4 * hour).timestamp() * 1000), "value": 1},
        {"ts": str(int((now - 3 * hour).timestamp() * 1000)), "value": 2},
        {
            "ts": (now - 2 * hour).astimezone(dt_util.get_time_zone("Asia/Tokyo")).isoformat(),
            "value": 3,
        },
        {"ts": (now - hour).strftime("%Y-%m-%dT%H:%M:%SZ"), "value": 4},
        {"ts": now, "value": 5},
        {"ts": float(int(now.timestamp() * 1000) + 1000), "value": 6},
    ]
    response = await call(
        hass,
        "import_history",
        {
            ATTR_DEVICE_ID: blynk_device(hass, organization, THERMOSTAT),
            "datastream": "Power",
            "values": values,
        },
        response=True,
    )
    assert response == {"points": 6, "requests": 1}
    base = int(now.timestamp() * 1000)
    assert typed(sent(emulator, IMPORT)[0]["values"]) == typed(
        [
            {"ts": base - 4 * 3_600_000, "value": 1.0},
            {"ts": base - 3 * 3_600_000, "value": 2.0},
            {"ts": base - 2 * 3_600_000, "value": 3.0},
            {"ts": base - 3_600_000, "value": 4.0},
            {"ts": base, "value": 5.0},
            {"ts": base + 1000, "value": 6.0},
        ]
    )


async def test_import_history_without_response(
    hass: HomeAssistant, organization: MockConfigEntry, emulator: Emulator
) -> None:
    await call(
        hass,
        "import_history",
        {
            ATTR_DEVICE_ID: blynk_device(hass, organization, CAR),
            "datastream": "Location",
            "values": [{"ts": now_ms(), "value": {"latitude": 52.5, "longitude": 13.4}}],
        },
    )
    assert typed(sent(emulator, IMPORT)[0]["values"][0]["value"]) == typed([13.4, 52.5])


@pytest.mark.parametrize(
    ("values", "key", "placeholders"),
    [
        ([{"ts": "2025-10-09T12:00:00", "value": 1}], "import_time_without_zone", {}),
        ([{"ts": "yesterday", "value": 1}], "import_invalid_time", {"value": '"yesterday"'}),
        ([{"ts": 1.5, "value": 1}], "import_invalid_time", {}),
        ([{"ts": True, "value": 1}], "import_invalid_time", {}),
        ([{"ts": None, "value": 1}], "import_invalid_time", {}),
        ([{"ts": 0, "value": "warm"}], "value_not_number", {}),
        ([{"ts": 0, "value": 100}], "value_out_of_range", {}),
    ],
)
async def test_import_history_refuses(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    emulator: Emulator,
    values: list[dict[str, Any]],
    key: str,
    placeholders: dict[str, str],
) -> None:
    untouched = Untouched(emulator)
    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass,
            "import_history",
            {
                ATTR_DEVICE_ID: blynk_device(hass, organization, GARDEN),
                "datastream": "v1",
                "values": values,
            },
            response=True,
        )
    assert err.value.translation_key == key
    found = err.value.translation_placeholders
    assert (found["device"], found["datastream"]) == ("Garden weather", "Temperature (V1)")
    assert placeholders.items() <= found.items()
    untouched.check()


async def test_import_history_refuses_old_points(
    hass: HomeAssistant, organization: MockConfigEntry, emulator: Emulator
) -> None:
    now = dt_util.utcnow()
    oldest = now - timedelta(days=100)
    values = [
        {"ts": (now - timedelta(days=93)).isoformat(), "value": 1},
        {"ts": now.isoformat(), "value": 2},
        {"ts": oldest.isoformat(), "value": 3},
    ]
    untouched = Untouched(emulator)
    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass,
            "import_history",
            {
                ATTR_DEVICE_ID: blynk_device(hass, organization, GARDEN),
                "datastream": "v1",
                "values": values,
            },
        )
    assert err.value.translation_key == "import_too_old"
    assert err.value.translation_placeholders["count"] == "2"
    assert err.value.translation_placeholders["oldest"] == (
        oldest.replace(microsecond=oldest.microsecond // 1000 * 1000).isoformat()
    )
    assert "2 points for Temperature (V1) of Garden weather are older than three months" in str(
        err.value
    )
    untouched.check()


@pytest.mark.parametrize(("reading", "accepted"), [("three_months", True), ("one_month", False)])
async def test_import_history_within_three_months(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    emulator: Emulator,
    reading: str,
    accepted: bool,
) -> None:
    """Blynk's changelog allows three months: never refused here.

    A server that allows one month says so itself, and its message reaches the user.
    """
    emulator.variants.update({"import_age": reading})
    ts = dt_util.utcnow() - timedelta(days=45)
    data = {
        ATTR_DEVICE_ID: blynk_device(hass, organization, GARDEN),
        "datastream": "v1",
        "values": [{"ts": ts.isoformat(), "value": 4.5}],
    }
    if accepted:
        answer = await call(hass, "import_history", data, response=True)
        assert answer == {"points": 1, "requests": 1}
        assert (int(ts.timestamp() * 1000), 4.5) in emulator.history(1, 1)
        return
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "import_history", data)
    assert err.value.translation_key == "upload_refused"
    assert err.value.translation_placeholders == {
        "message": "Timestamps could be only one month in the past."
    }
    assert str(err.value) == (
        "Blynk refused the points; nothing was imported. Blynk says: "
        "Timestamps could be only one month in the past."
    )


@pytest.mark.parametrize(
    ("offset", "key"),
    [
        (-IMPORT_PAST + IMPORT_MARGIN / 2, "import_too_old"),
        (IMPORT_AHEAD - IMPORT_MARGIN / 2, "import_too_new"),
    ],
    ids=["old", "new"],
)
async def test_import_history_keeps_a_margin_inside_the_window(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    emulator: Emulator,
    offset: timedelta,
    key: str,
) -> None:
    """Points within the margin of either end are refused; just inside it, accepted.

    The margin narrows the window Blynk accepts (a long import must not see its oldest points
    age past the server's limit while it runs); it never widens it.
    """
    now = dt_util.utcnow()  # frozen: the action sees the same instant
    device = blynk_device(hass, organization, GARDEN)
    error = await refused(
        hass,
        emulator,
        "import_history",
        {
            ATTR_DEVICE_ID: device,
            "datastream": "v1",
            "values": [{"ts": (now + offset).isoformat(), "value": 1}],
        },
    )
    assert error.translation_key == key
    inside = offset - IMPORT_MARGIN if offset > timedelta(0) else offset + IMPORT_MARGIN
    # Just inside, the point is sent: whether the server keeps it is its own limit's business
    # (this emulator allows 90 days, less than the 92 let through: it says so in its message).
    with suppress(HomeAssistantError):
        await call(
            hass,
            "import_history",
            {
                ATTR_DEVICE_ID: device,
                "datastream": "v1",
                "values": [{"ts": (now + inside).isoformat(), "value": 1}],
            },
        )
    assert emulator.count(IMPORT) == 1


async def test_import_history_refuses_far_future_points(
    hass: HomeAssistant, organization: MockConfigEntry, emulator: Emulator
) -> None:
    """Blynk would skip them silently: nothing is dropped without a word."""
    ahead = dt_util.utcnow() + timedelta(days=40)
    error = await refused(
        hass,
        emulator,
        "import_history",
        {
            ATTR_DEVICE_ID: blynk_device(hass, organization, GARDEN),
            "datastream": "v1",
            "values": [{"ts": now_ms(), "value": 1}, {"ts": ahead, "value": 2}],
        },
    )
    assert error.translation_key == "import_too_new"
    assert error.translation_placeholders["count"] == "1"


@pytest.mark.parametrize("scenario", [LOW_IMPORT_LIMIT])
async def test_import_history_stops_at_failed_chunk(
    hass: HomeAssistant, organization: MockConfigEntry, emulator: Emulator
) -> None:
    """The daily limit (15,000 here) refuses the second request: the error says how far."""
    now = now_ms()
    points = [{"ts": now - second * 1000, "value": 20} for second in range(25_000)]
    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass,
            "import_history",
            {
                ATTR_DEVICE_ID: blynk_device(hass, organization, GARDEN),
                "datastream": "v1",
                "values": points,
            },
            response=True,
        )
    assert err.value.translation_key == "upload_interrupted"
    assert err.value.translation_placeholders["accepted"] == "10000"
    assert [record.status for record in emulator.requests if record.path == IMPORT] == [204, 429]


async def test_import_history_device_mode(
    hass: HomeAssistant, device: MockConfigEntry, emulator: Emulator
) -> None:
    now = now_ms()
    response = await call(
        hass,
        "import_history",
        {
            ATTR_DEVICE_ID: blynk_device(hass, device),
            "datastream": "v2",
            "values": [{"ts": now - 60_000, "value": 40}, {"ts": now, "value": "41"}],
        },
        response=True,
    )
    assert response == {"points": 2, "requests": 1}
    uploads = [record for record in emulator.requests if record.path == DEVICE_BATCH]
    assert typed([(record.method, record.query[1:], record.body) for record in uploads]) == typed(
        [("POST", (("pin", "v2"),), [[now - 60_000, 40], [now, 41]])]
    )
    assert emulator.history(GARDEN, 2)[-2:] == [(now - 60_000, 40), (now, 41)]


# Reading history


async def test_get_history(
    hass: HomeAssistant, organization: MockConfigEntry, emulator: Emulator
) -> None:
    stored = emulator.history(GARDEN, 1)
    start = dt_util.utcnow() - timedelta(days=2)
    end = dt_util.utcnow()
    response = await call(
        hass,
        "get_history",
        {
            ATTR_DEVICE_ID: blynk_device(hass, organization, GARDEN),
            "datastream": "Temperature",
            "start": start.isoformat(),
            "end": end.isoformat(),
        },
        response=True,
    )
    start_ms, end_ms = (int(moment.timestamp() * 1000) for moment in (start, end))
    expected = [(ts, value) for ts, value in stored if start_ms <= ts <= end_ms]
    assert len(expected) >= 3
    assert response == {
        "points": [
            {"time": datetime.fromtimestamp(ts / 1000, UTC).isoformat(), "value": value}
            for ts, value in expected
        ]
    }
    query = dict(sent(emulator, HISTORY)[0])
    assert (query["deviceId"], query["dataStreamId"]) == ("1", "1")
    assert (int(query["from"]), int(query["to"])) == (start_ms, end_ms)


async def test_get_history_limit_and_location(
    hass: HomeAssistant, organization: MockConfigEntry, emulator: Emulator
) -> None:
    target = blynk_device(hass, organization, CAR)
    now = now_ms()
    await call(
        hass,
        "import_history",
        {
            ATTR_DEVICE_ID: target,
            "datastream": "Location",
            "values": [
                {"ts": now - minutes * 60_000, "value": {"latitude": 50 + minutes, "longitude": 8}}
                for minutes in range(5)
            ],
        },
    )
    response = await call(
        hass,
        "get_history",
        {
            ATTR_DEVICE_ID: target,
            "datastream": "v0",
            "start": dt_util.utcnow() - timedelta(hours=1),
            "end": dt_util.utcnow(),
            "limit": 2,
        },
        response=True,
    )
    assert [point["value"] for point in response["points"]] == [
        {"latitude": 51.0, "longitude": 8.0},
        {"latitude": 50.0, "longitude": 8.0},
    ]


async def test_get_history_naive_times_are_local(
    hass: HomeAssistant, organization: MockConfigEntry, emulator: Emulator
) -> None:
    """The UI's date-time picker gives no zone: Home Assistant's zone applies."""
    await hass.config.async_set_time_zone("Europe/Berlin")
    await call(
        hass,
        "get_history",
        {
            ATTR_DEVICE_ID: blynk_device(hass, organization, GARDEN),
            "datastream": "1",
            "start": "2026-01-15 00:00:00",
            "end": "2026-07-15 00:00:00",
        },
        response=True,
    )
    query = dict(sent(emulator, HISTORY)[0])
    assert datetime.fromtimestamp(int(query["from"]) / 1000, UTC).isoformat() == (
        "2026-01-14T23:00:00+00:00"
    )
    assert datetime.fromtimestamp(int(query["to"]) / 1000, UTC).isoformat() == (
        "2026-07-14T22:00:00+00:00"
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [("2025-10-02T00:00:00Z", "2025-10-01T00:00:00Z"), ("2025-10-01T00:00:00Z",) * 2],
)
async def test_get_history_refuses_empty_range(
    hass: HomeAssistant, organization: MockConfigEntry, emulator: Emulator, start: str, end: str
) -> None:
    error = await refused(
        hass,
        emulator,
        "get_history",
        {
            ATTR_DEVICE_ID: blynk_device(hass, organization, GARDEN),
            "datastream": "v1",
            "start": start,
            "end": end,
        },
        response=True,
    )
    assert error.translation_key == "history_empty_range"


async def test_get_history_device_mode(
    hass: HomeAssistant, device: MockConfigEntry, emulator: Emulator
) -> None:
    error = await refused(
        hass,
        emulator,
        "get_history",
        {
            ATTR_DEVICE_ID: blynk_device(hass, device),
            "datastream": "v1",
            "start": "2025-10-01T00:00:00Z",
            "end": "2025-10-02T00:00:00Z",
        },
        response=True,
    )
    assert error.translation_key == "history_needs_organization"
    assert error.translation_placeholders == {"device": "Garden weather"}


async def test_get_history_api_error(
    hass: HomeAssistant, organization: MockConfigEntry, emulator: Emulator
) -> None:
    emulator.inject(Fault.server_error(), path=HISTORY)
    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass,
            "get_history",
            {
                ATTR_DEVICE_ID: blynk_device(hass, organization, GARDEN),
                "datastream": "v1",
                "start": "2025-10-01T00:00:00Z",
                "end": "2025-10-02T00:00:00Z",
            },
            response=True,
        )
    assert err.value.translation_key == "api_error"


# Batch updates


async def test_batch_update(
    hass: HomeAssistant, organization: MockConfigEntry, emulator: Emulator
) -> None:
    response = await call(
        hass,
        "batch_update",
        {
            ATTR_CONFIG_ENTRY_ID: organization.entry_id,
            "fields": ["deviceId", "Temperature", "Humidity"],
            "updates": [[GARDEN, 19.5, 50], [CABIN, 7.5, None]],
        },
        response=True,
    )
    assert response == {"skipped": {}, "reasons": [], "requests": 1}
    assert typed(sent(emulator, BATCH_UPDATE)) == typed(
        [
            {
                "fields": ["deviceId", "Temperature", "Humidity"],
                "updates": [[GARDEN, 19.5, 50], [CABIN, 7.5, None]],
                "debug": False,
            }
        ]
    )
    assert [emulator.value(GARDEN, 1), emulator.value(GARDEN, 2), emulator.value(CABIN, 2)] == [
        19.5,
        50,
        67,
    ]
    # The entities show what Blynk now holds, read back at once.
    assert hass.states.get("sensor.garden_weather_temperature").state == "19.5"
    assert hass.states.get("sensor.cabin_weather_temperature").state == "7.5"


@pytest.mark.parametrize(
    ("debug", "skipped", "reasons"),
    [
        (
            False,
            {
                "invalidRowSize": 0,
                "nullDeviceId": 0,
                "nonNumericDeviceId": 0,
                "deviceNotFound": 1,
                "noAccessToDevice": 0,
                "wrongProduct": 1,
            },
            [],
        ),
        (True, {}, ["Row 1: device 999 is not found", "Row 2: device 4 has another product"]),
    ],
)
async def test_batch_update_reports_skipped_rows(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    emulator: Emulator,
    debug: bool,
    skipped: dict[str, int],
    reasons: list[str],
) -> None:
    response = await call(
        hass,
        "batch_update",
        {
            ATTR_CONFIG_ENTRY_ID: organization.entry_id,
            "fields": ["deviceId", "Temperature"],
            "updates": [[GARDEN, 18], [999, 1], [THERMOSTAT, 1]],
            "debug": debug,
        },
        response=True,
    )
    assert response == {"skipped": skipped, "reasons": reasons, "requests": 1}
    assert sent(emulator, BATCH_UPDATE)[0]["debug"] is debug
    assert emulator.value(GARDEN, 1) == 18.0


@pytest.mark.parametrize(
    ("fields", "updates", "key", "placeholders"),
    [
        (["Temperature", "deviceId"], [[1, 1]], "batch_update_fields", {}),
        (["deviceId"], [[1]], "batch_update_fields", {"fields": '["deviceId"]'}),
        (
            ["deviceId", "Temperature"],
            [[1, 20], [6, 20, 30]],
            "batch_update_row_length",
            {"row": "2", "length": "3", "expected": "2"},
        ),
    ],
)
async def test_batch_update_refuses_shapes(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    emulator: Emulator,
    fields: list[str],
    updates: list[list[Any]],
    key: str,
    placeholders: dict[str, str],
) -> None:
    error = await refused(
        hass,
        emulator,
        "batch_update",
        {ATTR_CONFIG_ENTRY_ID: organization.entry_id, "fields": fields, "updates": updates},
    )
    assert error.translation_key == key
    assert placeholders.items() <= error.translation_placeholders.items()


@pytest.mark.parametrize(
    "data",
    [
        {"fields": ["deviceId", "Temperature"], "updates": []},
        {"fields": ["deviceId", "Temperature"], "updates": [1, 2]},
        {"fields": ["deviceId", "Temperature"]},
    ],
)
async def test_batch_update_schema(
    hass: HomeAssistant, organization: MockConfigEntry, emulator: Emulator, data: dict[str, Any]
) -> None:
    untouched = Untouched(emulator)
    with pytest.raises(probatio.Invalid):
        await call(hass, "batch_update", {ATTR_CONFIG_ENTRY_ID: organization.entry_id, **data})
    untouched.check()


async def test_batch_update_needs_organization(
    hass: HomeAssistant, device: MockConfigEntry, emulator: Emulator
) -> None:
    error = await refused(
        hass,
        emulator,
        "batch_update",
        {
            ATTR_CONFIG_ENTRY_ID: device.entry_id,
            "fields": ["deviceId", "V1"],
            "updates": [[0, 1]],
        },
    )
    assert error.translation_key == "batch_update_needs_organization"
    assert error.translation_placeholders == {"entry": "Garden weather"}


@pytest.mark.parametrize("unload", [False, True])
async def test_batch_update_entry_checks(
    hass: HomeAssistant, organization: MockConfigEntry, emulator: Emulator, unload: bool
) -> None:
    entry_id = organization.entry_id if unload else "not-an-entry"
    if unload:
        assert await hass.config_entries.async_unload(organization.entry_id)
    untouched = Untouched(emulator)
    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass,
            "batch_update",
            {
                ATTR_CONFIG_ENTRY_ID: entry_id,
                "fields": ["deviceId", "Temperature"],
                "updates": [[1, 20]],
            },
        )
    assert err.value.translation_key == (
        "service_config_entry_not_loaded" if unload else "service_config_entry_not_found"
    )
    untouched.check()


async def test_batch_update_api_error(
    hass: HomeAssistant, organization: MockConfigEntry, emulator: Emulator
) -> None:
    """An unknown label is Blynk's to refuse (labels are per template)."""
    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass,
            "batch_update",
            {
                ATTR_CONFIG_ENTRY_ID: organization.entry_id,
                "fields": ["deviceId", "Dew point"],
                "updates": [[GARDEN, 20]],
            },
        )
    assert err.value.translation_key == "value_refused"
    assert "Dew point" in err.value.translation_placeholders["error"]


# Descriptions: services.yaml, translations and icons


def _services_yaml() -> dict[str, Any]:
    return yaml.safe_load(SERVICES_YAML.read_text(encoding="utf-8"))


def _example(field: dict[str, Any]) -> Any:
    """An example as a user would enter it: YAML for objects and lists, else as written."""
    chosen = field["selector"]
    example = field["example"]
    if "object" in chosen or (chosen.get("text") or {}).get("multiple"):
        return yaml.safe_load(example)
    return example


async def test_examples_pass_the_schemas(
    hass: HomeAssistant, organization: MockConfigEntry
) -> None:
    registered = hass.services.async_services_for_domain(DOMAIN)
    targets = {
        ATTR_DEVICE_ID: blynk_device(hass, organization, GARDEN),
        ATTR_CONFIG_ENTRY_ID: organization.entry_id,
    }
    checked = 0
    for name, description in _services_yaml().items():
        fields = description["fields"]
        data = {key: targets[key] for key in fields if key in targets}
        examples = {key: _example(field) for key, field in fields.items() if "example" in field}
        data |= examples
        data |= {key: field["default"] for key, field in fields.items() if "default" in field}
        if ATTR_ENTITY_ID in data:
            data.pop(ATTR_DEVICE_ID)  # import_statistics targets a device or an entity
            assert set(data) == set(fields) - {ATTR_DEVICE_ID}, name
        else:
            assert set(data) == set(fields), name
        registered[name].schema(data)
        checked += len(examples)
    assert checked == 17


async def test_descriptions_match_the_actions(
    hass: HomeAssistant, organization: MockConfigEntry
) -> None:
    described = _services_yaml()
    registered = hass.services.async_services_for_domain(DOMAIN)
    assert set(described) == set(registered)
    translations = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))
    icons = json.loads(ICONS.read_text(encoding="utf-8"))
    for name, description in described.items():
        schema_keys = {str(key) for key in registered[name].schema.schema}
        assert set(description["fields"]) == schema_keys, name
        texts = translations["services"][name]
        assert texts["name"]
        assert texts["description"]
        for field, spec in description["fields"].items():
            selector.validate_selector(spec["selector"])
            assert texts["fields"][field]["name"], (name, field)
            assert texts["fields"][field]["description"], (name, field)
        assert icons["services"][name]["service"].startswith("mdi:")
    options = described["set_property"]["fields"]["property"]["selector"]["select"]["options"]
    assert tuple(options) == PROPERTY_OPTIONS
    assert len(PROPERTY_NAMES) == 34
    assert set(translations["selector"]["property"]["options"]) == set(options)


def test_exception_translations_exist() -> None:
    """Every translation key the actions and writes raise has a message."""
    package = Path(__file__).parent.parent / "custom_components/blynk_cloud"
    source = "".join(
        (package / name).read_text(encoding="utf-8") for name in ("services.py", "writes.py")
    )
    raised = set(
        re.findall(r'(?:translation_key=|_error\(|unfit\(|UnfitValueError\()\s*"([a-z_]+)"', source)
    )
    messages = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))["exceptions"]
    assert len(raised) == 33
    assert raised <= set(messages)
