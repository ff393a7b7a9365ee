"""The organizations, clients, templates and devices of a scenario, validated.

:class:`World` is built from a scenario dictionary (format: :mod:`emulator.scenario`)
and raises :class:`~emulator.errors.ScenarioError` naming the first invalid entry.
"""

import secrets
from typing import Any, NoReturn

from .entities import (
    DATASTREAM_TYPES,
    PIN_LETTERS,
    Datastream,
    Device,
    OAuthClient,
    Organization,
    Template,
)
from .errors import ScenarioError
from .values import ValueMismatchError, from_json, is_number
from .variants import scenario_variants

DEFAULT_IMPORT_DAILY_LIMIT = 100_000
DEFAULT_EXPORT_DAILY_LIMIT = 10
DEVICE_NAME_METAFIELD_ID = 1
_MISSING: Any = object()
_PAIR = 2


class _Entry:
    """Typed reads of one scenario object, with errors that name where it is."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise ScenarioError(f"{where}: expected an object")
        self.data: dict[str, Any] = data
        self.where = where

    def fail(self, message: str) -> NoReturn:
        raise ScenarioError(f"{self.where}: {message}")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = _MISSING) -> Any:
        if key not in self.data or self.data[key] is None:
            if default is _MISSING:
                self.fail(f"'{key}' is required")
            return default
        value = self.data[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
            self.fail(f"'{key}' has the wrong type")
        return value

    def number(self, key: str) -> float | None:
        value = self.data.get(key)
        if value is not None and not is_number(value):
            self.fail(f"'{key}' must be a number")
        return value


class World:
    """The state of a scenario that the APIs read and change."""

    def __init__(self, scenario: Any, now_ms: int) -> None:
        """Validate ``scenario`` and build its entities; ``now_ms`` anchors relative times."""
        top = _Entry(scenario, "scenario")
        self.now_ms = now_ms
        self.regions: list[str] = _regions(top)
        self.default_region: str = top.get("default_region", str, self.regions[0])
        if self.default_region not in self.regions:
            top.fail("'default_region' is not one of 'regions'")
        self.variants = scenario_variants(top.data.get("variants"))
        self.import_daily_limit: int = top.get(
            "import_daily_limit", int, DEFAULT_IMPORT_DAILY_LIMIT
        )
        self.export_daily_limit: int = top.get(
            "export_daily_limit", int, DEFAULT_EXPORT_DAILY_LIMIT
        )
        self.orgs: dict[int, Organization] = {}
        self.clients: dict[str, OAuthClient] = {}
        self.templates: dict[int, Template] = {}
        self.devices: dict[int, Device] = {}
        self.devices_by_token: dict[str, Device] = {}
        for index, raw in enumerate(top.get("organizations", list)):
            self._add_org(_Entry(raw, f"organizations[{index}]"))
        self._check_org_tree()
        for index, raw in enumerate(top.get("oauth_clients", list, [])):
            self._add_client(_Entry(raw, f"oauth_clients[{index}]"))
        for index, raw in enumerate(top.get("templates", list, [])):
            self._add_template(_Entry(raw, f"templates[{index}]"))
        self._original_ids = {key: self._root_template(key) for key in self.templates}
        for index, raw in enumerate(top.get("devices", list, [])):
            self.add_device(raw, where=f"devices[{index}]")

    # Organizations -------------------------------------------------------------

    def subtree(self, org_id: int) -> frozenset[int]:
        """Return ``org_id`` and the ids of all its descendant organizations."""
        found = {org_id}
        frontier = {org_id}
        for _ in range(len(self.orgs)):
            frontier = {o.id for o in self.orgs.values() if o.parent_id in frontier} - found
            found |= frontier
        return frozenset(found)

    def ancestors(self, org_id: int) -> list[int]:
        """Return the ids of the parents of ``org_id``, nearest first."""
        chain: list[int] = []
        parent = self.orgs[org_id].parent_id
        while parent is not None and parent not in chain:  # bounded: ids never repeat
            chain.append(parent)
            parent = self.orgs[parent].parent_id
        return chain

    def original_template_id(self, template_id: int) -> int:
        """Return the root of the template hierarchy of ``template_id``."""
        return self._original_ids[template_id]

    def _root_template(self, template_id: int) -> int:
        seen: set[int] = set()
        current = template_id
        while (parent := self.templates[current].parent_id) is not None:
            if parent not in self.templates:
                raise ScenarioError(f"template {current}: unknown parentId")
            if current in seen:
                raise ScenarioError(f"template {template_id}: parent cycle")
            seen.add(current)
            current = parent
        return current

    # Devices -------------------------------------------------------------------

    def template_of(self, device: Device) -> Template:
        """Return the template of ``device``."""
        return self.templates[device.template_id]

    def add_device(self, raw: Any, *, now_ms: int | None = None, where: str = "device") -> Device:
        """Validate a scenario device entry and add it; id and token are optional.

        Its values are stamped ``now_ms`` (default: the load time).
        """
        entry = _Entry(raw, where)
        stamp = self.now_ms if now_ms is None else now_ms
        device_id: int | None = entry.get("id", int, None)
        if device_id is None:
            device_id = max(self.devices, default=0) + 1
        if device_id in self.devices:
            entry.fail(f"duplicate device id {device_id}")
        template_id: int = entry.get("templateId", int)
        template = self.templates.get(template_id)
        if template is None:
            entry.fail(f"unknown templateId {template_id}")
        org_id: int = entry.get("orgId", int, template.org_id)
        if org_id not in self.orgs:
            entry.fail(f"unknown orgId {org_id}")
        token: str | None = entry.get("token", str, None)
        if token is None:
            token = secrets.token_urlsafe(24)
        if not token or token in self.devices_by_token:
            entry.fail("'token' must be unique and not empty")
        region: str = entry.get("region", str, self.default_region)
        if region not in self.regions:
            entry.fail(f"unknown region {region!r}")
        online: bool = entry.get("online", bool, False)
        device = Device(
            id=device_id,
            name=entry.get("name", str),
            template_id=template_id,
            org_id=org_id,
            token=token,
            region=region,
            online=online,
            definition=entry.data,
            metafields=_metafields(entry),
            connect_time=entry.get("connectTime", int, stamp if online else 0),
            disconnect_time=entry.get("disconnectTime", int, 0),
            last_event_at=entry.get("lastReceivedEventAt", int, 0),
        )
        for ds, value in _keyed(entry, "values", template, object):
            device.values[ds.id] = (stamp, _value(entry, ds, value))
        for ds, points in _keyed(entry, "history", template, list):
            device.history[ds.id] = _points(entry, ds, points, stamp)
        self.devices[device_id] = device
        self.devices_by_token[token] = device
        return device

    def remove_device(self, device_id: int) -> Device:
        """Remove and return a device; KeyError if it does not exist."""
        device = self.devices.pop(device_id, None)
        if device is None:
            raise KeyError(f"no device {device_id}")
        del self.devices_by_token[device.token]
        return device

    # Building ------------------------------------------------------------------

    def _add_org(self, entry: _Entry) -> None:
        org_id: int = entry.get("id", int)
        if org_id in self.orgs:
            entry.fail(f"duplicate organization id {org_id}")
        self.orgs[org_id] = Organization(
            id=org_id,
            name=entry.get("name", str),
            parent_id=entry.get("parentOrganizationId", int, None),
            definition=entry.data,
        )

    def _check_org_tree(self) -> None:
        for org in self.orgs.values():
            if org.parent_id is not None and org.parent_id not in self.orgs:
                raise ScenarioError(f"organization {org.id}: unknown parentOrganizationId")
        for org in self.orgs.values():
            parent = org.parent_id
            for _ in range(len(self.orgs)):
                if parent is None:
                    break
                parent = self.orgs[parent].parent_id
            else:
                raise ScenarioError(f"organization {org.id}: parent cycle")

    def _add_client(self, entry: _Entry) -> None:
        client_id: str = entry.get("client_id", str)
        if client_id in self.clients:
            entry.fail(f"duplicate client_id {client_id}")
        org_id: int = entry.get("org_id", int)
        if org_id not in self.orgs:
            entry.fail(f"unknown org_id {org_id}")
        region: str = entry.get("region", str, self.default_region)
        if region not in self.regions:
            entry.fail(f"unknown region {region!r}")
        self.clients[client_id] = OAuthClient(
            client_id=client_id,
            secret=entry.get("client_secret", str),
            org_id=org_id,
            platform_api=entry.get("platform_api", bool, True),
            region=region,
        )

    def _add_template(self, entry: _Entry) -> None:
        template_id: int = entry.get("id", int)
        if template_id in self.templates:
            entry.fail(f"duplicate template id {template_id}")
        org_id: int = entry.get("orgId", int)
        if org_id not in self.orgs:
            entry.fail(f"unknown orgId {org_id}")
        for template_code in entry.get("templateIds", list, []):
            if not isinstance(template_code, str):
                entry.fail("'templateIds' must hold strings")
        datastreams: dict[int, Datastream] = {}
        pins: set[str] = set()
        labels: set[str] = set()
        for index, raw in enumerate(entry.get("datastreams", list, [])):
            ds = _datastream(_Entry(raw, f"{entry.where}.datastreams[{index}]"))
            if ds.id in datastreams or ds.pin_name in pins or ds.label in labels:
                entry.fail(f"datastream {ds.id}: duplicate id, pin or label")
            datastreams[ds.id] = ds
            pins.add(ds.pin_name)
            labels.add(ds.label)
        codes = set()
        for index, raw in enumerate(entry.get("events", list, [])):
            codes.add(_Entry(raw, f"{entry.where}.events[{index}]").get("eventCode", str))
        self.templates[template_id] = Template(
            id=template_id,
            org_id=org_id,
            name=entry.get("name", str),
            parent_id=entry.get("parentId", int, None),
            definition=entry.data,
            datastreams=datastreams,
            event_codes=frozenset(codes),
        )


def _points(entry: _Entry, ds: Datastream, points: list[Any], now_ms: int) -> list[tuple[int, Any]]:
    history: list[tuple[int, Any]] = []
    for point in points:
        if not (isinstance(point, list) and len(point) == _PAIR and isinstance(point[0], int)):
            entry.fail(f"history of datastream {ds.id}: points are [ts_ms, value]")
        ts = point[0] if point[0] > 0 else now_ms + point[0]
        history.append((ts, _value(entry, ds, point[1])))
    history.sort(key=lambda item: item[0])
    return history


def _regions(top: _Entry) -> list[str]:
    regions: list[str] = top.get("regions", list)
    if not regions or not all(isinstance(r, str) and r for r in regions):
        top.fail("'regions' must be a non-empty list of names")
    if len(set(regions)) != len(regions):
        top.fail("'regions' has duplicates")
    return regions


def _datastream(entry: _Entry) -> Datastream:
    kind: str = entry.get("type", str)
    if kind not in DATASTREAM_TYPES:
        entry.fail(f"unknown type {kind!r}")
    pin_type: str = entry.get("pinType", str, "VIRTUAL")
    if pin_type not in PIN_LETTERS:
        entry.fail(f"unknown pinType {pin_type!r}")
    pin: int = entry.get("pin", int)
    if not 0 <= pin <= 255:  # noqa: PLR2004 - Blynk's virtual pins are 0..255
        entry.fail("'pin' must be within 0..255")
    minimum, maximum = entry.number("min"), entry.number("max")
    if minimum is not None and maximum is not None and minimum > maximum:
        entry.fail("'min' is greater than 'max'")
    label: str = entry.get("label", str)
    ds = Datastream(
        id=entry.get("id", int),
        label=label,
        alias=entry.get("alias", str, label),
        type=kind,
        pin=pin,
        pin_type=pin_type,
        minimum=minimum,
        maximum=maximum,
        definition=entry.data,
    )
    if "defaultValue" in entry.data:
        _value(entry, ds, entry.data["defaultValue"])
    return ds


def _metafields(entry: _Entry) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    seen = {DEVICE_NAME_METAFIELD_ID}
    for index, raw in enumerate(entry.get("metafields", list, [])):
        field = _Entry(raw, f"{entry.where}.metafields[{index}]")
        field_id: int = field.get("id", int)
        if field_id in seen:
            field.fail(f"metafield id {field_id} is taken (1 is the device name)")
        seen.add(field_id)
        result.append(
            {
                "id": field_id,
                "name": field.get("name", str),
                "type": field.get("type", str, "Text"),
                "value": field.data.get("value"),
            }
        )
    return result


def _keyed(entry: _Entry, key: str, template: Template, kind: type) -> list[tuple[Datastream, Any]]:
    result: list[tuple[Datastream, Any]] = []
    for ds_key, item in entry.get(key, dict, {}).items():
        ds = template.datastreams.get(int(ds_key)) if str(ds_key).isdigit() else None
        if ds is None:
            entry.fail(f"'{key}' names unknown datastream {ds_key!r}")
        if not isinstance(item, kind):
            entry.fail(f"'{key}' of datastream {ds_key} has the wrong type")
        result.append((ds, item))
    return result


def _value(entry: _Entry, ds: Datastream, value: Any) -> Any:
    try:
        return from_json(ds, value)
    except ValueMismatchError:
        entry.fail(f"value {value!r} does not match datastream {ds.id} ({ds.type})")
