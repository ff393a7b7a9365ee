"""Selects: writable ENUM datastreams, with the template's labels (or numbers) as options."""

import copy
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.select import (
    ATTR_OPTION,
    ATTR_OPTIONS,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.components.sensor import ATTR_OPTIONS as SENSOR_OPTIONS, SensorDeviceClass
from homeassistant.const import ATTR_DEVICE_CLASS, ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.blynk_cloud.const import CONF_DATASTREAMS
from emulator import Emulator
from tests.conftest import DEMO, advance, setup_entry, typed

MODE = "select.hallway_thermostat_mode"
WRITE = "/api/v1/organization/device/datastream"
THERMOSTAT = 4


def with_mode(**changes: Any) -> dict[str, Any]:
    """The demo, with the thermostat's Mode datastream (an ENUM, 0..3) changed."""
    scenario = copy.deepcopy(DEMO)
    template = next(item for item in scenario["templates"] if item["id"] == 356)
    mode = next(item for item in template["datastreams"] if item["label"] == "Mode")
    mode.update(changes)
    return scenario


ROWS = [
    {"incoming": 0, "outcome": "Off", "color": "#000000"},
    {"incoming": 1, "outcome": "Heat", "color": "#D3435C"},
    {"incoming": 2, "outcome": "Cool", "color": "#23C48E"},
    {"incoming": 3, "outcome": "Auto", "color": "#04C0F8"},
]
LABELLED = with_mode(enumValues=ROWS)
"""A server that gives the template's rows (an inference: the docs name no such field)."""
LABELLED_AS_OBJECT = with_mode(enumValues={"0": "Off", "1": "Heat", "2": "Cool", "3": "Auto"})
READ_ONLY_LABELLED = with_mode(enumValues=ROWS, isForActions=False)


def answering(scenario: dict[str, Any], reading: str) -> Any:
    """A scenario whose server answers ENUMs with their numbers, or with their labels."""
    variants = {**scenario["variants"], "enum_answers": reading}
    return pytest.param({**scenario, "variants": variants}, id=f"enum_answers={reading}")


ANSWERS = ("number", "label")


@pytest.fixture
def platforms() -> list[Platform]:
    """Only selects."""
    return [Platform.SELECT]


async def select(hass: HomeAssistant, option: str) -> None:
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: MODE, ATTR_OPTION: option},
        blocking=True,
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("scenario", [LABELLED])
async def test_entities(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    entities = er.async_entries_for_config_entry(entity_registry, organization.entry_id)
    selects = [entity for entity in entities if entity.domain == SELECT_DOMAIN]
    assert MODE in [entity.entity_id for entity in selects]
    await snapshot_platform(hass, entity_registry, snapshot, organization.entry_id)


@pytest.mark.parametrize(
    "scenario",
    [
        answering(scenario, reading)
        for scenario in (LABELLED, LABELLED_AS_OBJECT)
        for reading in ANSWERS
    ],
)
@pytest.mark.usefixtures("organization")
async def test_labels_are_the_options(hass: HomeAssistant, emulator: Emulator) -> None:
    state = hass.states.get(MODE)
    assert state.attributes[ATTR_OPTIONS] == ["Off", "Heat", "Cool", "Auto"]
    assert state.state == "Heat"  # the thermostat's Mode is 1
    await select(hass, "Cool")
    sent = [record.body for record in emulator.requests if record.path == WRITE]
    assert typed(sent) == typed([{"deviceId": THERMOSTAT, "dataStreamId": 3, "value": 2}])
    assert emulator.value(THERMOSTAT, 3) == 2
    assert hass.states.get(MODE).state == "Cool"


@pytest.mark.usefixtures("organization")
async def test_numbers_are_the_options_without_labels(
    hass: HomeAssistant, emulator: Emulator
) -> None:
    """The documented template gives no labels: the bounds' whole numbers are the options."""
    state = hass.states.get(MODE)
    assert (state.state, state.attributes[ATTR_OPTIONS]) == ("1", ["0", "1", "2", "3"])
    await select(hass, "3")
    assert emulator.value(THERMOSTAT, 3) == 3
    assert hass.states.get(MODE).state == "3"


@pytest.mark.parametrize("scenario", [with_mode(enumValues=ROWS[:2])])
@pytest.mark.usefixtures("organization")
async def test_a_value_without_label_is_unknown(
    hass: HomeAssistant, emulator: Emulator, freezer: FrozenDateTimeFactory
) -> None:
    assert hass.states.get(MODE).attributes[ATTR_OPTIONS] == ["Off", "Heat"]
    emulator.set_value(THERMOSTAT, 3, 3)  # a value the template has no row for
    await advance(hass, freezer, 30)
    assert hass.states.get(MODE).state == "unknown"


@pytest.mark.parametrize("platforms", [[Platform.SENSOR]])
@pytest.mark.parametrize(
    "scenario", [answering(READ_ONLY_LABELLED, reading) for reading in ANSWERS]
)
@pytest.mark.usefixtures("organization")
async def test_read_only_enum_is_an_enum_sensor(hass: HomeAssistant) -> None:
    assert hass.states.get(MODE) is None
    state = hass.states.get("sensor.hallway_thermostat_mode")
    assert state.state == "Heat"
    assert state.attributes[ATTR_DEVICE_CLASS] == SensorDeviceClass.ENUM
    assert state.attributes[SENSOR_OPTIONS] == ["Off", "Heat", "Cool", "Auto"]


def without_options(*, writable: bool) -> dict[str, Any]:
    """The demo, with Mode neither labelled nor bounded."""
    scenario = with_mode(isForActions=writable)
    template = next(item for item in scenario["templates"] if item["id"] == 356)
    mode = next(item for item in template["datastreams"] if item["label"] == "Mode")
    del mode["min"], mode["max"]
    return scenario


@pytest.mark.parametrize(
    ("scenario", "entity_id"),
    [
        (without_options(writable=True), "number.hallway_thermostat_mode"),
        (without_options(writable=False), "sensor.hallway_thermostat_mode"),
    ],
)
@pytest.mark.parametrize("platforms", [[Platform.NUMBER, Platform.SENSOR, Platform.SELECT]])
@pytest.mark.usefixtures("organization")
async def test_enum_without_options_shows_numbers(hass: HomeAssistant, entity_id: str) -> None:
    """Neither labels nor bounds: no choice list to offer, the value shows as a number."""
    assert hass.states.get(MODE) is None
    state = hass.states.get(entity_id)
    assert state.state == "1"
    assert ATTR_DEVICE_CLASS not in state.attributes


LABELS = {"356:v2": {"labels": {"0": "Off", "1": "Heat", "2": "Cool", "3": "Auto"}}}
"""The Mode's labels as the options give them (value=name in the datastream's form)."""


def labelled(entry: MockConfigEntry) -> MockConfigEntry:
    """The organization entry with the Mode's labels in its options."""
    return MockConfigEntry(
        domain=entry.domain,
        unique_id=entry.unique_id,
        data=entry.data,
        options={CONF_DATASTREAMS: LABELS},
    )


@pytest.mark.parametrize("scenario", [without_options(writable=True)])
async def test_labels_from_the_options_make_a_select(
    hass: HomeAssistant, organization_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """The documented template has no labels: the user names the values, Blynk gets numbers."""
    entry = labelled(organization_entry)
    with patch("custom_components.blynk_cloud.PLATFORMS", [Platform.SELECT, Platform.NUMBER]):
        await setup_entry(hass, entry)
    assert hass.states.get("number.hallway_thermostat_mode") is None
    state = hass.states.get(MODE)
    assert (state.state, state.attributes[ATTR_OPTIONS]) == (
        "Heat",
        ["Off", "Heat", "Cool", "Auto"],
    )
    await select(hass, "Cool")
    sent = [record.body for record in emulator.requests if record.path == WRITE]
    assert typed(sent) == typed([{"deviceId": THERMOSTAT, "dataStreamId": 3, "value": 2}])
    assert hass.states.get(MODE).state == "Cool"


@pytest.mark.parametrize("scenario", [without_options(writable=False)])
@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_labels_from_the_options_make_an_enum_sensor(
    hass: HomeAssistant, organization_entry: MockConfigEntry
) -> None:
    entry = labelled(organization_entry)
    with patch("custom_components.blynk_cloud.PLATFORMS", [Platform.SENSOR, Platform.SELECT]):
        await setup_entry(hass, entry)
    assert hass.states.get(MODE) is None
    state = hass.states.get("sensor.hallway_thermostat_mode")
    assert state.state == "Heat"
    assert state.attributes[ATTR_DEVICE_CLASS] == SensorDeviceClass.ENUM
    assert state.attributes[SENSOR_OPTIONS] == ["Off", "Heat", "Cool", "Auto"]
