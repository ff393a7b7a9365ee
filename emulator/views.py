"""JSON views of the entities, in the shapes of the Platform API reference.

Inferences:
- Optional device fields (``activatedAt``, ``ownerUserId``, ``hardwareInfo``) appear
  only when the scenario gives them; the full device always has
  ``lifecycleStatus`` (default ``{"eventId": 1, "name": "Active", ...}``), the time
  fields (0 = never), ``ip`` (default ``""``) and ``isLocked`` (default false).
- ``dataStreamValues`` of the full device lists every datastream of the template,
  like the v2 read (``value``/``updatedAt`` omitted when never set).
- Template datastreams answer the documented fields plus every other key the scenario
  gives (``units``...); the listed booleans default to false. ``min`` and ``max`` are
  answered as the ``template_bounds`` variant says.
- Values are shaped as the ``value_shapes`` variant says (:func:`shape_values`); ENUM
  values are numbers or labels as the ``enum_answers`` variant says (:func:`answered`).
"""

from collections.abc import MutableMapping, Sequence
from typing import Any

from .entities import Datastream, Device, Organization, Template
from .state import DEVICE_NAME_METAFIELD_ID, World
from .values import is_number, to_text
from .variants import ENUM_ANSWERS, VALUE_SHAPES, VALUE_TIMESTAMPS, Variants

_DATASTREAM_FLAGS = (
    "isAnalogPin",
    "isRaw",
    "isHistory",
    "isForService",
    "isForReports",
    "isForActions",
    "isForConditions",
    "isSync",
)
_DEFAULT_LIFECYCLE = {"eventId": 1, "name": "Active", "icon": "check", "color": "#23C48E"}
_OPTIONAL_DEVICE_FIELDS = ("activatedAt", "ownerUserId", "hardwareInfo")
_BOUNDS = frozenset({"min", "max"})
MALFORMED_VALUE = {"unexpected": True}
"""What the ``one_malformed`` reading answers instead of a value."""

type ValueSlot = tuple[MutableMapping[Any, Any], Any]
"""Where a value sits in an answer: the object holding it, and its key."""


def organization(org: Organization) -> dict[str, Any]:
    """Return an organization as ``/organization/profile`` answers it."""
    data = org.definition
    return {
        "id": org.id,
        "name": org.name,
        "description": data.get("description", ""),
        "parentOrganizationId": org.parent_id,
        "isActive": data.get("isActive", True),
        "tz": data.get("tz", "UTC"),
        "unitSystem": data.get("unitSystem", "METRIC"),
        "phoneNumber": data.get("phoneNumber", ""),
        "address": data.get("address"),
        "lastModifiedTs": data.get("lastModifiedTs", 0),
    }


def device_summary(world: World, device: Device) -> dict[str, Any]:
    """Return a device as the device list answers it."""
    result: dict[str, Any] = {
        "id": device.id,
        "templateId": device.template_id,
        "originalTemplateId": world.original_template_id(device.template_id),
        "orgId": device.org_id,
        "name": device.name,
        "token": device.token,
    }
    for key in _OPTIONAL_DEVICE_FIELDS:
        if device.definition.get(key) is not None:
            result[key] = device.definition[key]
    return result


def device_base_info(world: World, device: Device) -> dict[str, Any]:
    """Return a device as ``/device/baseInfo`` answers it."""
    data = device.definition
    return device_summary(world, device) | {
        "lifecycleStatus": data.get("lifecycleStatus", _DEFAULT_LIFECYCLE),
        "firstConnectTime": data.get("firstConnectTime", device.connect_time),
        "firmwareUpdatedAt": data.get("firmwareUpdatedAt", 0),
        "connectTime": device.connect_time,
        "disconnectTime": device.disconnect_time,
        "ip": data.get("ip", ""),
        "isLocked": data.get("isLocked", False),
        "lastReceivedEventAt": device.last_event_at,
    }


def device_full(world: World, variants: Variants, device: Device) -> dict[str, Any]:
    """Return a device as ``/device`` answers it, with values and metafields."""
    template = world.template_of(device)
    return device_base_info(world, device) | {
        "dataStreamValues": [
            datastream_value(variants, device, ds) for ds in sorted_datastreams(template)
        ],
        "metaFieldValues": [
            {"id": field["id"], "name": field["name"], "value": metafield_value(field)}
            for field in metafields(device)
        ],
    }


def metafields(device: Device) -> list[dict[str, Any]]:
    """Return the metafields of a device, the device name (id 1) first."""
    name = {
        "id": DEVICE_NAME_METAFIELD_ID,
        "name": "Device Name",
        "type": "DeviceName",
        "value": device.name,
    }
    return [name, *device.metafields]


def metafield_value(field: dict[str, Any]) -> dict[str, Any]:
    """Return a metafield's ``{"type", "value"}`` object."""
    return {"type": field["type"], "value": field["value"]}


def sorted_datastreams(template: Template) -> list[Datastream]:
    """Return the datastreams of a template by id."""
    return [template.datastreams[key] for key in sorted(template.datastreams)]


def datastream_value(variants: Variants, device: Device, ds: Datastream) -> dict[str, Any]:
    """Return a ``DataStreamValue``; ``value`` and ``updatedAt`` only when set."""
    result: dict[str, Any] = {
        "dataStreamId": ds.id,
        "pin": ds.pin_name,
        "dataStreamLabel": ds.label,
        "dataStreamAlias": ds.alias,
    }
    current = device.values.get(ds.id)
    if current is not None:
        result["value"] = answered(variants, ds, current[1])
        if variants.is_(VALUE_TIMESTAMPS, "present"):
            result["updatedAt"] = current[0]
    return result


def answered(variants: Variants, ds: Datastream, wire: Any) -> Any:
    """A stored value as reads answer it: an ENUM's label, where ``enum_answers`` says so.

    The label is the template's row for the value (``enumValues``: a list of
    ``{"incoming", "outcome"}`` rows or an object); a value without a row stays a number.
    """
    if ds.type != "ENUM" or not variants.is_(ENUM_ANSWERS, "label"):
        return wire
    rows = ds.definition.get("enumValues")
    if isinstance(rows, dict):
        labels = {str(value): label for value, label in rows.items()}
    else:
        labels = {str(row.get("incoming")): row.get("outcome") for row in rows or ()}
    key = str(int(wire)) if is_number(wire) and float(wire).is_integer() else str(wire)
    return labels.get(key, wire)


def template_summary(template: Template) -> dict[str, Any]:
    """Return a template as the template list answers it."""
    return {
        "id": template.id,
        "templateIds": template.definition.get("templateIds", []),
        "parentId": template.parent_id,
        "orgId": template.org_id,
        "name": template.name,
    }


def template_detail(template: Template) -> dict[str, Any]:
    """Return a template as ``/template`` answers it."""
    data = template.definition
    result = template_summary(template) | {
        "boardType": data.get("boardType", "ESP32"),
        "connectionType": data.get("connectionType", "WI_FI"),
        "description": data.get("description", ""),
        "createdAt": data.get("createdAt", 0),
    }
    if "logoUrl" in data:
        result["logoUrl"] = data["logoUrl"]
    return result


def template_datastream(ds: Datastream, *, bounds: bool) -> dict[str, Any]:
    """Return a ``TemplateDataStream``; ``bounds`` keeps ``min`` and ``max``."""
    result: dict[str, Any] = {
        "id": ds.id,
        "label": ds.label,
        "alias": ds.alias,
        "type": ds.type,
        "pin": ds.pin,
        "pinType": ds.pin_type,
    }
    for key, value in ds.definition.items():
        if bounds or key not in _BOUNDS:
            result.setdefault(key, value)
    for key in _DATASTREAM_FLAGS:
        result.setdefault(key, False)
    return result


def value_slots(values: Sequence[dict[str, Any]]) -> list[ValueSlot]:
    """Return the slots of the set values of ``DataStreamValue`` objects."""
    return [(item, "value") for item in values if "value" in item]


def shape_values(variants: Variants, devices: Sequence[Sequence[ValueSlot]]) -> None:
    """Apply the ``value_shapes`` reading, in place, to the value slots of each device."""
    if variants.is_(VALUE_SHAPES, "text"):
        for slots in devices:
            for holder, key in slots:
                holder[key] = to_text(holder[key])
    elif variants.is_(VALUE_SHAPES, "one_malformed") and devices:
        for holder, key in devices[0]:
            if is_number(holder[key]):
                holder[key] = dict(MALFORMED_VALUE)
                return
