"""The mapping rules: which entity a datastream becomes, with which unit and device class."""

import copy
from typing import Any

from homeassistant.components.sensor import (
    DEVICE_CLASS_STATE_CLASSES,
    DEVICE_CLASS_UNITS,
    STATE_CLASS_UNITS,
    SensorDeviceClass,
    SensorStateClass,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.blynk_cloud.api import Datastream, DatastreamType
from custom_components.blynk_cloud.const import CONF_DATASTREAMS, DOMAIN
from custom_components.blynk_cloud.mapping import (
    AUTOMATIC,
    UNITS,
    EntityKind,
    Override,
    as_number,
    decide,
    enum_options,
    is_bounded,
    number_bounds,
    on_off_values,
    unit_spec,
)
from emulator import Emulator
from tests.conftest import DEMO, setup_entry, typed

T = DatastreamType


def ds(
    kind: DatastreamType,
    *,
    writable: bool = False,
    low: float | None = None,
    high: float | None = None,
    units: str | None = None,
    label: str = "Value",
    labels: tuple[tuple[int, str], ...] = (),
) -> Datastream:
    return Datastream(
        id=1,
        label=label,
        pin="v1",
        type=kind,
        units=units,
        min=low,
        max=high,
        writable=writable,
        labels=labels,
    )


@pytest.mark.parametrize(
    ("datastream", "kind"),
    [
        (ds(T.LOCATION), EntityKind.DEVICE_TRACKER),
        (ds(T.BOOLEAN, writable=True), EntityKind.SWITCH),
        (ds(T.BOOLEAN), EntityKind.BINARY_SENSOR),
        (ds(T.STRING, writable=True), EntityKind.TEXT),
        (ds(T.STRING), EntityKind.SENSOR),
        (ds(T.ENUM, writable=True, low=0, high=3), EntityKind.SELECT),
        (ds(T.ENUM, writable=True, labels=((0, "Off"), (1, "On"))), EntityKind.SELECT),
        (ds(T.ENUM, writable=True), EntityKind.NUMBER),  # no options to choose from
        (ds(T.ENUM, low=0, high=3), EntityKind.SENSOR),
        (ds(T.INT, writable=True, low=0, high=1), EntityKind.SWITCH),
        (ds(T.INT, writable=True, low=-1, high=1), EntityKind.NUMBER),  # three values, not on/off
        (ds(T.INT, low=-1, high=1), EntityKind.SENSOR),
        (ds(T.INT, writable=True, low=0, high=10), EntityKind.NUMBER),
        (ds(T.DOUBLE, writable=True), EntityKind.NUMBER),
        (ds(T.INT, low=0, high=1), EntityKind.BINARY_SENSOR),
        (ds(T.INT), EntityKind.SENSOR),
        (ds(T.DOUBLE, low=0, high=1), EntityKind.SENSOR),
    ],
)
def test_automatic_rules(datastream: Datastream, kind: EntityKind) -> None:
    assert decide(datastream, AUTOMATIC).kind is kind
    chosen = decide(datastream, Override(entity=EntityKind.NONE))
    assert (chosen.kind, chosen.reason) == (EntityKind.NONE, "chosen in the options")


@pytest.mark.parametrize(
    ("units", "label", "unit", "device_class", "state_class"),
    [
        (
            "Celsius",
            "Temperature",
            "°C",
            SensorDeviceClass.TEMPERATURE,
            SensorStateClass.MEASUREMENT,
        ),
        (
            "Fahrenheit",
            "Temperature",
            "°F",
            SensorDeviceClass.TEMPERATURE,
            SensorStateClass.MEASUREMENT,
        ),
        ("Percent", "Humidity", "%", SensorDeviceClass.HUMIDITY, SensorStateClass.MEASUREMENT),
        ("Percent", "Battery", "%", SensorDeviceClass.BATTERY, SensorStateClass.MEASUREMENT),
        ("Percent", "Soil moisture", "%", SensorDeviceClass.MOISTURE, SensorStateClass.MEASUREMENT),
        ("Percent", "Fill level", "%", None, SensorStateClass.MEASUREMENT),
        ("Watt", "Power", "W", SensorDeviceClass.POWER, SensorStateClass.MEASUREMENT),
        ("kWh", "Energy", "kWh", SensorDeviceClass.ENERGY, SensorStateClass.TOTAL_INCREASING),
        (
            "Kilowatt Hour",
            "Energy",
            "kWh",
            SensorDeviceClass.ENERGY,
            SensorStateClass.TOTAL_INCREASING,
        ),
        ("WattHour", "Energy", "Wh", SensorDeviceClass.ENERGY, SensorStateClass.TOTAL_INCREASING),
        ("Volt", "Mains", "V", SensorDeviceClass.VOLTAGE, SensorStateClass.MEASUREMENT),
        ("Ampere", "Load", "A", SensorDeviceClass.CURRENT, SensorStateClass.MEASUREMENT),
        ("ppm", "CO2", "ppm", SensorDeviceClass.CO2, SensorStateClass.MEASUREMENT),
        ("ppm", "Carbon dioxide", "ppm", SensorDeviceClass.CO2, SensorStateClass.MEASUREMENT),
        # Parts per million of something else: no device class claims what it is not.
        ("Particles per million", "Air", "ppm", None, SensorStateClass.MEASUREMENT),
        ("ppm", "TVOC", "ppm", None, SensorStateClass.MEASUREMENT),
        ("Degree", "Heading", "°", None, SensorStateClass.MEASUREMENT_ANGLE),
        (
            "°",
            "Wind direction",
            "°",
            SensorDeviceClass.WIND_DIRECTION,
            SensorStateClass.MEASUREMENT_ANGLE,
        ),
        ("hPa", "Pressure", "hPa", SensorDeviceClass.PRESSURE, SensorStateClass.MEASUREMENT),
        (
            "Hectopascal",
            "Pressure",
            "hPa",
            SensorDeviceClass.PRESSURE,
            SensorStateClass.MEASUREMENT,
        ),
        ("Lux", "Light", "lx", SensorDeviceClass.ILLUMINANCE, SensorStateClass.MEASUREMENT),
        ("Meters", "Altitude", "m", SensorDeviceClass.DISTANCE, SensorStateClass.MEASUREMENT),
        ("Seconds", "Uptime", "s", SensorDeviceClass.DURATION, SensorStateClass.MEASUREMENT),
        (
            "Kilometer per hour",
            "Speed",
            "km/h",
            SensorDeviceClass.SPEED,
            SensorStateClass.MEASUREMENT,
        ),
        (
            "Signal Strength",
            "RSSI",
            "dBm",
            SensorDeviceClass.SIGNAL_STRENGTH,
            SensorStateClass.MEASUREMENT,
        ),
        (
            "Liter per second",
            "Flow",
            "L/s",
            SensorDeviceClass.VOLUME_FLOW_RATE,
            SensorStateClass.MEASUREMENT,
        ),
        ("Decibel", "Noise", "dB", SensorDeviceClass.SOUND_PRESSURE, SensorStateClass.MEASUREMENT),
        ("AQI", "Air", None, SensorDeviceClass.AQI, SensorStateClass.MEASUREMENT),
        ("pH", "Water", None, SensorDeviceClass.PH, SensorStateClass.MEASUREMENT),
        ("Furlongs", "Odd", "Furlongs", None, SensorStateClass.MEASUREMENT),
        (None, "Count", None, None, SensorStateClass.MEASUREMENT),
    ],
)
def test_units(
    units: str | None,
    label: str,
    unit: str | None,
    device_class: SensorDeviceClass | None,
    state_class: SensorStateClass,
) -> None:
    spec = unit_spec(ds(T.DOUBLE, units=units, label=label))
    assert (spec.unit, spec.device_class, spec.state_class) == (unit, device_class, state_class)


def test_units_only_for_numbers() -> None:
    assert unit_spec(ds(T.STRING, units="Celsius")).unit is None
    assert unit_spec(ds(T.ENUM, units="Celsius")).unit is None


def test_number_bounds() -> None:
    assert number_bounds(ds(T.INT), AUTOMATIC) == (-2_147_483_648, 2_147_483_647, 1.0)
    assert number_bounds(ds(T.DOUBLE), AUTOMATIC) == (-1e9, 1e9, 0.1)
    assert number_bounds(ds(T.DOUBLE, low=5, high=30), Override(max=25, step=0.5)) == (5, 25, 0.5)
    assert not is_bounded(ds(T.DOUBLE, low=5), AUTOMATIC)
    assert is_bounded(ds(T.DOUBLE, low=5), Override(max=9))


def test_enum_options_and_labels() -> None:
    labels = ((0, "Off"), (1, "On"), (2, "On"))
    choices = enum_options(ds(T.ENUM, labels=labels), AUTOMATIC)
    assert choices.options == ["Off", "On (1)", "On (2)"]
    assert (choices.name_of("ON"), choices.name_of(2)) == ("On (1)", "On (2)")  # a label answer
    assert enum_options(ds(T.ENUM, low=1, high=3), AUTOMATIC).options == ["1", "2", "3"]
    assert not enum_options(ds(T.ENUM, low=0, high=100), AUTOMATIC)  # no choice list
    assert not enum_options(ds(T.ENUM, low=0.5, high=3), AUTOMATIC)
    assert enum_options(ds(T.ENUM), Override(min=0, max=1)).options == ["0", "1"]
    choices = enum_options(ds(T.ENUM, labels=((0, "Off"), (1, "On"))), AUTOMATIC)
    values = (1, 1.0, 0, 2, 1.5, "On", " on ", "1", None)
    assert [choices.name_of(value) for value in values] == [
        "On",
        "On",
        "Off",
        None,
        None,
        "On",  # a server that answers with the label
        "On",
        "On",
        None,
    ]
    assert typed(choices.value_of("On", ds(T.ENUM))) == typed(1)
    assert typed(choices.value_of("On", ds(T.STRING))) == typed("1")


def test_switch_values() -> None:
    assert on_off_values(ds(T.BOOLEAN), AUTOMATIC) == (True, False)
    assert on_off_values(ds(T.INT), AUTOMATIC) == (1, 0)
    assert on_off_values(ds(T.INT, low=0, high=255), AUTOMATIC) == (255, 0)
    assert on_off_values(ds(T.DOUBLE, low=0.5, high=2.5), Override(min=1.0)) == (2.5, 1.0)


async def test_choices_in_the_options_apply(
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    organization_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        organization_entry,
        options={
            CONF_DATASTREAMS: {
                "356:v2": {"entity": "number", "min": 0, "max": 3},  # Mode, an ENUM
                "356:v3": {"entity": "switch"},  # Heating, read-only 0..1
                "353:v4": {"entity": "none"},  # Status
            }
        },
    )
    await setup_entry(hass, organization_entry)
    mode = hass.states.get("number.hallway_thermostat_mode")
    assert (mode.state, mode.attributes["min"], mode.attributes["max"]) == ("1", 0, 3)
    assert "unit_of_measurement" not in mode.attributes
    assert hass.states.get("switch.hallway_thermostat_heating").state == "on"
    assert hass.states.get("sensor.hallway_thermostat_mode") is None
    assert hass.states.get("sensor.garden_weather_status") is None
    # Unique IDs do not depend on the choice: the history of an entity survives it.
    assert (
        entity_registry.async_get("number.hallway_thermostat_mode").unique_id == "127.0.0.1:658_4_3"
    )


NO_BOUNDS = {**DEMO, "variants": {"template_bounds": "absent"}}


@pytest.mark.parametrize("scenario", [NO_BOUNDS])
async def test_templates_without_bounds(
    hass: HomeAssistant, organization_entry: MockConfigEntry, emulator: Emulator
) -> None:
    """The Platform API's schema shows no min/max: entities still work, the options bound them."""
    organization_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        organization_entry,
        options={
            CONF_DATASTREAMS: {
                "354:v1": {"entity": "switch"},  # Relay 2, a writable INT
                "354:v3": {"entity": "number", "min": 5, "max": 30},  # Setpoint, a DOUBLE
            }
        },
    )
    await setup_entry(hass, organization_entry)
    # Without bounds a writable INT is a number over Blynk's Integer range, shown as a box.
    relay = hass.states.get("number.living_room_relays_relay_1")
    assert (relay.state, relay.attributes["min"], relay.attributes["max"]) == (
        "1",
        -2_147_483_648,
        2_147_483_647,
    )
    assert relay.attributes["mode"] == "box"
    await hass.services.async_call(
        "number", "set_value", {"entity_id": relay.entity_id, "value": 0}, blocking=True
    )
    assert emulator.value(2, 1) == 0
    # A switch chosen in the options writes 1 and 0.
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.living_room_relays_relay_2"}, blocking=True
    )
    assert emulator.value(2, 2) == 1
    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": "switch.living_room_relays_relay_2"}, blocking=True
    )
    assert emulator.value(2, 2) == 0
    # The options' bounds hold for the entity and for the actions' validation.
    setpoint = hass.states.get("number.living_room_relays_setpoint")
    assert (setpoint.attributes["min"], setpoint.attributes["max"]) == (5, 30)
    relays = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"{organization_entry.unique_id}_2"), organization_entry.entry_id
    )
    assert relays is not None
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "set_value",
            {"device_id": relays.id, "datastream": "Setpoint", "value": 40},
            blocking=True,
        )
    assert err.value.translation_key == "value_out_of_range"
    assert err.value.translation_placeholders["max"] == "30"
    assert emulator.value(2, 4) == 21.0


def relays_ranging(low: int, high: int) -> dict[str, Any]:
    """The demo, with the relay board's Relay 2 (writable INT) ranging `low..high`."""
    scenario = copy.deepcopy(DEMO)
    template = next(item for item in scenario["templates"] if item["id"] == 354)
    relay = next(item for item in template["datastreams"] if item["label"] == "Relay 2")
    relay.update(min=low, max=high)
    return scenario


@pytest.mark.parametrize("scenario", [relays_ranging(-1, 1)])
async def test_int_minus_one_to_one_is_not_on_off(
    hass: HomeAssistant, organization_entry: MockConfigEntry
) -> None:
    """Three values (a motor's reverse, stop, forward) are a number, not a switch."""
    await setup_entry(hass, organization_entry)
    assert hass.states.get("switch.living_room_relays_relay_2") is None
    relay = hass.states.get("number.living_room_relays_relay_2")
    assert (relay.attributes["min"], relay.attributes["max"], relay.attributes["step"]) == (
        -1,
        1,
        1,
    )


@pytest.mark.parametrize("name", sorted(UNITS))
def test_every_unit_is_valid_in_home_assistant(name: str) -> None:
    """Each unit, device class and state class is a combination Home Assistant accepts."""
    spec = UNITS[name]
    if spec.state_class in STATE_CLASS_UNITS:
        assert spec.unit in STATE_CLASS_UNITS[spec.state_class], name
    if spec.device_class is None:
        return
    assert spec.unit in DEVICE_CLASS_UNITS[spec.device_class], name
    assert spec.state_class in DEVICE_CLASS_STATE_CLASSES[spec.device_class], name


def test_values_as_numbers() -> None:
    assert [as_number(v) for v in (True, 3, 2.5, "25.0C", " 7 % ", "-3", "1e5")] == [
        1.0,
        3.0,
        2.5,
        25.0,
        7.0,
        -3.0,
        100000.0,
    ]
    assert [as_number(v) for v in (None, "OFF", float("nan"), "1" * 400, "12 degrees")] == [
        None
    ] * 5
