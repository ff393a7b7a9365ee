"""Parsing of API answers: values, types, and malformed shapes."""

from typing import Any

import pytest

from custom_components.blynk_cloud.api import (
    BlynkResponseError,
    Datastream,
    DatastreamType,
    DatastreamValue,
    Device,
    HistoryPoint,
    Location,
    Organization,
    Template,
    coerce_value,
    normalize_pin,
    parse_value,
    token_digest,
)
from custom_components.blynk_cloud.api.models import (
    AccessToken,
    Page,
    parse_batch_values,
    parse_datastreams,
    parse_export,
    parse_online,
    parse_pin_values,
    parse_skipped,
    value_to_wire,
)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (None, None),
        (True, True),
        (3, 3),
        (2.5, 2.5),
        ("text", "text"),
        ([13.4, 52.5], Location(latitude=52.5, longitude=13.4)),
    ],
)
def test_values(raw: Any, value: Any) -> None:
    assert parse_value(raw) == value
    assert type(parse_value(raw)) is type(value)
    if value is not None:
        assert value_to_wire(value) == raw


@pytest.mark.parametrize("raw", [[1.0], [True, 1.0], {"lat": 1}, [1, 2, 3]])
def test_unexpected_values(raw: Any) -> None:
    with pytest.raises(BlynkResponseError):
        parse_value(raw)


def test_types() -> None:
    assert DatastreamType.parse("double") is DatastreamType.DOUBLE
    assert DatastreamType.parse("GPS") is DatastreamType.LOCATION
    assert DatastreamType.parse("SOMETHING_NEW") is DatastreamType.STRING


def test_pins() -> None:
    assert normalize_pin(" V5 ") == "v5"
    assert normalize_pin("d13") == "d13"
    with pytest.raises(ValueError, match="not a pin"):
        normalize_pin("x5")


def test_datastream_pins() -> None:
    digital = Datastream.from_json({"id": 1, "label": "Led", "pin": 13, "pinType": "DIGITAL"})
    assert (digital.pin, digital.type, digital.writable) == ("d13", DatastreamType.STRING, False)
    odd = Datastream.from_json({"id": 2, "label": "Odd", "pin": "V7", "type": "INT", "min": True})
    assert (odd.pin, odd.min) == ("v7", None)


@pytest.mark.parametrize(
    ("parse", "data"),
    [
        (Organization.from_json, []),
        (Organization.from_json, {"id": "658", "name": "x"}),
        (Organization.from_json, {"id": True, "name": "x"}),
        (Device.from_json, {"id": 1, "name": 5, "templateId": 1, "orgId": 1}),
        (Template.from_json, {"name": "x"}),
        (HistoryPoint.from_json, {"createdAt": 1}),
        (parse_batch_values, [{"deviceId": 1, "data": []}]),
        (Page.from_json, {"content": {}, "totalElements": 1}),
        (AccessToken.from_json, {"access_token": "a", "expires_in": "soon"}),
        (AccessToken.from_json, {"expires_in": 60}),
        (parse_online, {"connected": "yes"}),
        (parse_datastreams, {"id": 1}),
        (parse_batch_values, [{"dataStreams": []}]),
        (parse_batch_values, {"deviceId": 1}),
        (parse_pin_values, [1, 2]),
        (parse_skipped, []),
        (parse_export, {"data": {}}),
        (parse_export, {"data": [{"value": 1.0}]}),
    ],
)
def test_malformed(parse: Any, data: Any) -> None:
    with pytest.raises(BlynkResponseError):
        parse(data)


def test_optional_fields() -> None:
    device = Device.from_json(
        {"id": 1, "name": "x", "templateId": 2, "orgId": 3, "hardwareInfo": None, "token": "s"}
    )
    assert device.hardware is None
    template = Template.from_json({"id": 1, "name": "T", "templateIds": "TMPL"})
    assert template.codes == ()
    value = DatastreamValue.from_json({"dataStreamId": 1, "pin": "V1"})
    assert (value.pin, value.raw, value.updated_at) == ("v1", None, None)
    assert value == DatastreamValue(1, "v1", None, updated_at=5)  # updatedAt is not compared


def test_token_repr_hides_the_token() -> None:
    token = AccessToken.from_json({"access_token": "secret-value", "expires_in": 300})
    assert token.expires_in == 300.0
    assert "secret-value" not in repr(token)


def test_skip_counters() -> None:
    counters, reasons = parse_skipped({"deviceNotFound": 2, "debug": True, "skippedRows": ["r"]})
    assert (counters, reasons) == ({"deviceNotFound": 2}, ["r"])


def test_export_rows() -> None:
    rows = {"data": [{"ts": 2, "value": 1.5}, {"ts": 1, "value": None}, {"ts": 0, "value": 3}]}
    # Small numbers are seconds: the docs type `ts` UInt32.
    assert [(p.ts, p.value) for p in parse_export(rows)] == [(0, 3), (2000, 1.5)]


@pytest.mark.parametrize(
    "ts",
    [
        1_760_000_000,
        1_760_000_000_000,
        "1760000000",
        "1760000000000",
        1_760_000_000.0,
        "2025-10-09 08:53:20",
        "2025-10-09T10:53:20+02:00",
    ],
)
def test_export_timestamps_in_every_form(ts: Any) -> None:
    (point,) = parse_export({"data": [{"ts": ts, "value": "21.5"}]}, DatastreamType.DOUBLE)
    assert (point.ts, point.value) == (1_760_000_000_000, 21.5)


@pytest.mark.parametrize("ts", [None, "soon", True, -5, [1]])
def test_export_timestamps_that_are_not(ts: Any) -> None:
    with pytest.raises(BlynkResponseError, match="`ts`"):
        parse_export({"data": [{"ts": ts, "value": 1}]})


def test_export_rows_that_do_not_fit_are_left_out() -> None:
    rows = {"data": [{"ts": 1, "value": "warm"}, {"ts": 2, "value": "21"}]}
    assert [(p.ts, p.value) for p in parse_export(rows, DatastreamType.INT)] == [(2000, 21)]


@pytest.mark.parametrize(
    ("raw", "kind", "value"),
    [
        ("123", DatastreamType.STRING, "123"),
        ("true", DatastreamType.STRING, "true"),
        ("null", DatastreamType.STRING, "null"),
        (123, DatastreamType.STRING, "123"),
        (21.5, DatastreamType.STRING, "21.5"),
        (True, DatastreamType.STRING, "true"),
        ("21.5", DatastreamType.DOUBLE, 21.5),
        (21, DatastreamType.DOUBLE, 21.0),
        (" 48 ", DatastreamType.INT, 48),
        ("48.0", DatastreamType.INT, 48),
        (48.5, DatastreamType.INT, 48.5),
        ("2", DatastreamType.ENUM, 2),
        (" Cool ", DatastreamType.ENUM, "Cool"),  # a vendor's server answers with the label
        (True, DatastreamType.INT, 1),
        (False, DatastreamType.DOUBLE, 0.0),
        (True, DatastreamType.BOOLEAN, 1),
        (0, DatastreamType.BOOLEAN, 0),
        (1.0, DatastreamType.BOOLEAN, 1),
        ("TRUE", DatastreamType.BOOLEAN, 1),
        ("off", DatastreamType.BOOLEAN, 0),
        ([13.38886, 52.517037], DatastreamType.LOCATION, Location(52.517037, 13.38886)),
        ("[13.38886,52.517037]", DatastreamType.LOCATION, Location(52.517037, 13.38886)),
        ("13.38886, 52.517037", DatastreamType.LOCATION, Location(52.517037, 13.38886)),
        (["13.38886", "52.517037"], DatastreamType.LOCATION, Location(52.517037, 13.38886)),
        (None, DatastreamType.DOUBLE, None),
        ("text", None, "text"),
        ([1, 2], None, Location(2.0, 1.0)),
    ],
)
def test_values_are_read_by_their_type(raw: Any, kind: DatastreamType | None, value: Any) -> None:
    read = coerce_value(raw, kind)
    assert read == value
    assert type(read) is type(value)


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ({"unexpected": True}, DatastreamType.DOUBLE),
        ("warm", DatastreamType.DOUBLE),
        ("NaN", DatastreamType.DOUBLE),
        ("inf", DatastreamType.INT),
        ("Cool", DatastreamType.INT),
        ("", DatastreamType.ENUM),
        ([1, 2], DatastreamType.STRING),
        (2, DatastreamType.BOOLEAN),
        ("yes please", DatastreamType.BOOLEAN),
        ([1, 2, 3], DatastreamType.LOCATION),
        ("[1, 2", DatastreamType.LOCATION),
        ("a,b", DatastreamType.LOCATION),
        ({"unexpected": True}, None),
    ],
)
def test_values_that_do_not_fit(raw: Any, kind: DatastreamType | None) -> None:
    with pytest.raises(BlynkResponseError):
        coerce_value(raw, kind)


def test_a_malformed_value_is_kept_as_sent() -> None:
    item = DatastreamValue.from_json({"dataStreamId": 1, "pin": "v1", "value": {"x": 1}})
    assert item.raw == {"x": 1}
    with pytest.raises(BlynkResponseError):
        coerce_value(item.raw, None)
    with pytest.raises(BlynkResponseError):
        coerce_value(item.raw, DatastreamType.STRING)


@pytest.mark.parametrize(
    ("rows", "labels"),
    [
        (None, ()),  # the documented schema: no rows
        (
            [{"incoming": 0, "outcome": "Off"}, {"incoming": 1, "outcome": " Heat "}],
            ((0, "Off"), (1, "Heat")),
        ),
        (
            [{"key": "2", "label": "Cool"}, {"value": 3.0, "name": "Auto"}],
            ((2, "Cool"), (3, "Auto")),
        ),
        ({"0": "Off", "1": "On"}, ((0, "Off"), (1, "On"))),
        # Unreadable rows are left out; a value given twice keeps its first label.
        (
            [
                {"incoming": 1.5, "outcome": "Half"},
                {"incoming": True, "outcome": "Yes"},
                {"incoming": "x", "outcome": "X"},
                {"incoming": 4, "outcome": ""},
                {"incoming": 5, "outcome": 5},
                "row",
                {"incoming": 6, "outcome": "Six"},
                {"incoming": 6, "outcome": "Other six"},
            ],
            ((6, "Six"),),
        ),
        ("Off,On", ()),
    ],
)
def test_enum_labels(rows: Any, labels: tuple[tuple[int, str], ...]) -> None:
    """An ENUM's rows, where a server gives them (the documented schema names no field)."""
    raw = {"id": 3, "label": "Mode", "pin": 2, "type": "ENUM", "enumValues": rows}
    assert Datastream.from_json(raw).labels == labels


def test_device_token_is_kept_as_a_digest_only() -> None:
    raw = {"id": 1, "name": "Pump", "templateId": 3, "orgId": 7, "token": "t0ken"}
    device = Device.from_json(raw)
    assert device.token_digest == token_digest("t0ken") != "t0ken"
    assert "t0ken" not in repr(device)
    assert Device.from_json({**raw, "token": None}).token_digest is None
