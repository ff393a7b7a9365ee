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
    normalize_pin,
    parse_value,
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
        (DatastreamValue.list_from_json, {"data": []}),
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
    assert (value.pin, value.value, value.updated_at) == ("v1", None, None)
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
    assert [(p.ts, p.value) for p in parse_export(rows)] == [(0, 3), (2, 1.5)]
