"""What differs between the two modes, behind one interface the coordinators and actions use.

Organization mode reads the Platform API for every device of an organization; device mode reads
the Device HTTPS API for one device. Both present devices, their datastreams (by pin), current
values (by pin) and connectivity the same way.
"""

from abc import ABC, abstractmethod
import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import timedelta
import json
import time
from typing import Any, override

from homeassistant.helpers.device_registry import DeviceInfo

from .api import (
    BlynkDeviceClient,
    BlynkInvalidValueError,
    BlynkNotFoundError,
    BlynkPlatformClient,
    BlynkResponseError,
    Datastream,
    DatastreamType,
    HardwareInfo,
    HistoryPoint,
    Location,
    Template,
    UploadResult,
    Value,
    coerce_value,
    parse_value,
    pin_order,
)
from .api.http import BlynkHttp
from .const import DOMAIN, LOGGER, Mode
from .mapping import EntityKind
from .profiles import Profile

MANUFACTURER = "Blynk"
DEVICE_MODE_DEVICE_ID = 0
"""A device-mode entry holds exactly one device; it has no Blynk id the Device API reveals."""
DEVICE_MODE_TEMPLATE_KEY = "device"

type Values = Mapping[int, Mapping[str, Value | None]]
"""Current values: Blynk device id -> pin -> value (None: never set, or not readable)."""


@dataclass(frozen=True, slots=True)
class BlynkDevice:
    """What discovery knows of a device: identity, naming and datastreams (by pin)."""

    id: int
    name: str
    template_id: int | None = None
    model: str | None = None
    hardware: HardwareInfo | None = None
    datastreams: Mapping[str, Datastream] = field(default_factory=dict)
    profile: Profile | None = None
    """The known product this device is (its profile is switched on)."""
    token_digest: str | None = field(default=None, repr=False, compare=False)
    """Organization mode: the digest of the device's auth token (tells device entries of it)."""


@dataclass(frozen=True, slots=True)
class Discovery:
    """The devices a discovery found, and whether it saw them all."""

    devices: dict[int, BlynkDevice]
    complete: bool = True
    """Every page answered and the devices add up to what the server counts: only then may
    a device missing from it be taken for gone."""


def organization_device_key(scope: str, device_id: int) -> str:
    """An organization device's identifier: the entry's first unique ID and the Blynk id."""
    return f"{scope}_{device_id}"


class Backend[ClientT: BlynkHttp](ABC):
    """One mode's way of discovering, reading and writing."""

    mode: Mode
    client: ClientT

    def __init__(self) -> None:
        """Start without unreadable values."""
        self._unreadable: set[tuple[int, str]] = set()
        self.stamps: dict[int, dict[str, int]] = {}
        """Blynk device id -> pin -> epoch ms when its value was set, where Blynk tells it."""

    @abstractmethod
    async def discover(self) -> Discovery:
        """Every device with its datastream definitions."""

    @abstractmethod
    async def read_values(
        self, devices: Mapping[int, BlynkDevice]
    ) -> dict[int, dict[str, Value | None]]:
        """Current values of these devices; a device the server skipped is absent."""

    @abstractmethod
    async def read_connectivity(self, devices: Mapping[int, BlynkDevice]) -> dict[int, bool]:
        """Whether each device is connected now."""

    @abstractmethod
    async def write(self, device: BlynkDevice, datastream: Datastream, value: Value) -> None:
        """Set one datastream."""

    @abstractmethod
    async def write_many(
        self, device: BlynkDevice, values: Sequence[tuple[Datastream, Value]]
    ) -> None:
        """Set several datastreams of one device in one request."""

    @abstractmethod
    def property_values(self, value: str | list[str]) -> list[str]:
        """The strings `set_property` sends for a value (a list property may be one string)."""

    @abstractmethod
    async def set_property(
        self, device: BlynkDevice, datastream: Datastream, name: str, value: str | list[str]
    ) -> None:
        """Set a widget property of a datastream."""

    @abstractmethod
    async def upload_history(
        self, device: BlynkDevice, datastream: Datastream, points: Sequence[tuple[int, Value]]
    ) -> UploadResult:
        """Add timestamped points (epoch ms) to a datastream's history, in chunks."""

    @abstractmethod
    async def history(
        self,
        device: BlynkDevice,
        datastream: Datastream,
        start_ms: int,
        end_ms: int,
        *,
        pace: Callable[[], Awaitable[None]],
    ) -> list[HistoryPoint]:
        """Stored values between two instants, oldest first; `pace` precedes each request."""

    @abstractmethod
    def datastream_key(self, device: BlynkDevice, datastream: Datastream) -> str:
        """The key of a datastream's options: shared by every device of a template."""

    @abstractmethod
    def template_key(self, device: BlynkDevice) -> str:
        """The key of a device's combined entities in the options: shared by its template."""

    @abstractmethod
    def device_key(self, device: BlynkDevice) -> str:
        """A stable identifier of a device, scoped to the organization or the entry."""

    def device_info(self, device: BlynkDevice) -> DeviceInfo:
        """The Home Assistant device of a Blynk device."""
        hardware = device.hardware
        server = self.client.server
        return DeviceInfo(
            identifiers={(DOMAIN, self.device_key(device))},
            name=device.name,
            manufacturer=device.profile.manufacturer if device.profile else MANUFACTURER,
            model=device.model or (device.profile.name if device.profile else None),
            model_id=hardware.template_code if hardware else None,
            sw_version=hardware.firmware_version if hardware else None,
            hw_version=hardware.board_type if hardware else None,
            configuration_url=f"{server.url}/dashboard" if server.is_blynk_cloud else None,
        )

    def _read(
        self, device: BlynkDevice, raw: Mapping[str, Any], types: Mapping[str, DatastreamType]
    ) -> dict[str, Value | None]:
        """Values by pin, each read as its datastream's type where that is known.

        A value that does not fit leaves only its own datastream without a value (unknown),
        and is logged once until it reads again.
        """
        values: dict[str, Value | None] = {}
        for pin, item in raw.items():
            try:
                values[pin] = coerce_value(item, types.get(pin))
            except BlynkResponseError as err:
                values[pin] = None
                if (device.id, pin) not in self._unreadable:
                    self._unreadable.add((device.id, pin))
                    LOGGER.warning("Unreadable value of %s %s: %s", device.name, pin.upper(), err)
            else:
                self._unreadable.discard((device.id, pin))
        return values

    def connectivity_unique_id(self, device: BlynkDevice) -> str:
        """The unique ID of a device's connectivity sensor."""
        return f"{self.device_key(device)}_connectivity"

    def unique_id(self, device: BlynkDevice, datastream: Datastream) -> str:
        """The unique ID of a datastream's entity: never changes, never holds a secret."""
        ident = datastream.pin if datastream.id is None else datastream.id
        return f"{self.device_key(device)}_{ident}"


class OrganizationBackend(Backend[BlynkPlatformClient]):
    """Platform API: batch reads of ten devices a request, templates read once each."""

    mode = Mode.ORGANIZATION

    def __init__(
        self, client: BlynkPlatformClient, scope: str, *, include_sub_organizations: bool
    ) -> None:
        """`scope` is the entry's unique ID: server and organization."""
        super().__init__()
        self.client = client
        self._scope = scope
        self._include_sub_organizations = include_sub_organizations

    @override
    async def discover(self) -> Discovery:
        listing = await self.client.devices(
            include_sub_organizations=self._include_sub_organizations
        )
        devices = listing.items
        template_ids = sorted({device.template_id for device in devices})
        templates = await asyncio.gather(
            *(self._template(template_id) for template_id in template_ids)
        )
        by_template = dict(zip(template_ids, templates, strict=True))
        found = {
            device.id: BlynkDevice(
                id=device.id,
                name=device.name,
                template_id=device.template_id,
                model=template.name if (template := by_template[device.template_id][0]) else None,
                hardware=device.hardware,
                datastreams=by_template[device.template_id][1],
                token_digest=device.token_digest,
            )
            for device in devices
        }
        return Discovery(found, complete=listing.complete)

    async def _template(self, template_id: int) -> tuple[Template | None, dict[str, Datastream]]:
        """A template and its datastreams; one the client cannot see yields no entities."""
        try:
            template, datastreams = await asyncio.gather(
                self.client.template(template_id), self.client.template_datastreams(template_id)
            )
        except BlynkNotFoundError:
            LOGGER.warning(
                "Template %s is not accessible; its devices get no entities", template_id
            )
            return None, {}
        return template, {datastream.pin: datastream for datastream in datastreams}

    @override
    async def read_values(
        self, devices: Mapping[int, BlynkDevice]
    ) -> dict[int, dict[str, Value | None]]:
        answer = await self.client.batch_values(list(devices))
        for device_id, values in answer.items():
            self.stamps[device_id] = {
                item.pin: item.updated_at for item in values if item.updated_at is not None
            }
        return {
            device_id: self._read(
                devices[device_id],
                {item.pin: item.raw for item in values},
                {pin: ds.type for pin, ds in devices[device_id].datastreams.items()},
            )
            for device_id, values in answer.items()
            if device_id in devices
        }

    @override
    async def read_connectivity(self, devices: Mapping[int, BlynkDevice]) -> dict[int, bool]:
        return await self.client.devices_online(list(devices))

    @override
    async def write(self, device: BlynkDevice, datastream: Datastream, value: Value) -> None:
        await self.client.write_value(device.id, _id(datastream), value)

    @override
    async def write_many(
        self, device: BlynkDevice, values: Sequence[tuple[Datastream, Value]]
    ) -> None:
        await self.client.write_values(
            device.id, {_id(datastream): value for datastream, value in values}
        )

    @override
    def property_values(self, value: str | list[str]) -> list[str]:
        # Inference: the Platform API takes one string `value`, and its docs say nothing of
        # lists. Blynk's documented multi-value separator (MQTT, and the hardware protocol's
        # `setProperty(pin, "labels", "a", "b")`) is NUL: a list is sent as its items joined
        # with NUL, the form the Device API's repeated parameters arrive in.
        return [MULTI_VALUE_SEPARATOR.join(value) if isinstance(value, list) else value]

    @override
    async def set_property(
        self, device: BlynkDevice, datastream: Datastream, name: str, value: str | list[str]
    ) -> None:
        (sent,) = self.property_values(value)
        await self.client.set_property(device.id, _id(datastream), name, sent)

    @override
    async def upload_history(
        self, device: BlynkDevice, datastream: Datastream, points: Sequence[tuple[int, Value]]
    ) -> UploadResult:
        return await self.client.import_history(device.id, _id(datastream), points)

    @override
    async def history(
        self,
        device: BlynkDevice,
        datastream: Datastream,
        start_ms: int,
        end_ms: int,
        *,
        pace: Callable[[], Awaitable[None]],
    ) -> list[HistoryPoint]:
        return await self.client.history(device.id, _id(datastream), start_ms, end_ms, pace=pace)

    @override
    def datastream_key(self, device: BlynkDevice, datastream: Datastream) -> str:
        return f"{device.template_id}:{datastream.pin}"

    @override
    def template_key(self, device: BlynkDevice) -> str:
        return str(device.template_id)

    @override
    def device_key(self, device: BlynkDevice) -> str:
        return organization_device_key(self._scope, device.id)


class DeviceBackend(Backend[BlynkDeviceClient]):
    """Device HTTPS API: one `getAll` per poll, datastreams inferred from the values."""

    mode = Mode.DEVICE

    def __init__(
        self,
        client: BlynkDeviceClient,
        entry_id: str,
        name: str,
        *,
        pins: Mapping[str, EntityKind],
        combined: Mapping[str, DatastreamType],
    ) -> None:
        """Pins known before they have values: they get entities at once.

        `pins` have a choice of entity in the options, which types a pin without a value or
        with text; `combined` pins play parts of combined entities, and take the type given
        here while they have no value (a value types its pin, as any other).
        """
        super().__init__()
        self.client = client
        self._entry_id = entry_id
        self._name = name
        self._pins = pins
        self._combined = combined
        self._last_values: dict[str, Any] | None = None
        self._datastreams: dict[str, Datastream] = {}
        """Pins seen so far. A pin keeps the type of its first value (21 then 21.5 stays one
        sensor), so a rediscovery never changes an entity under the user's feet."""

    @override
    async def discover(self) -> Discovery:
        # The latest poll already tells which pins exist: discovery costs no message.
        values = self._last_values if self._last_values is not None else await self._get_all()
        all_text = _all_text(values)
        wanted = {**dict.fromkeys(self._combined), **dict.fromkeys(self._pins)}
        missing = [pin for pin in wanted if pin not in values]
        if missing:
            try:
                values = {**values, **await self.client.get(missing)}
            except BlynkInvalidValueError as err:
                # A pin chosen in the options that the template lacks must not stop the entry.
                LOGGER.warning("Pins %s could not be read: %s", ", ".join(missing), err)
        for pin, raw in sorted({**wanted, **values}.items(), key=lambda item: pin_order(item[0])):
            if pin in self._datastreams:
                continue
            chosen = self._pins.get(pin, EntityKind.AUTO)
            try:
                kind = (
                    self._combined[pin]
                    if raw is None and chosen is EntityKind.AUTO and pin in self._combined
                    else self._type_of(pin, raw, all_text=all_text)
                )
            except BlynkResponseError:
                continue  # typed by its first readable value, not by a malformed one
            self._datastreams[pin] = Datastream(id=None, label=pin.upper(), pin=pin, type=kind)
        device = BlynkDevice(
            id=DEVICE_MODE_DEVICE_ID, name=self._name, datastreams=dict(self._datastreams)
        )
        return Discovery({DEVICE_MODE_DEVICE_ID: device})

    def _type_of(self, pin: str, raw: Any, *, all_text: bool) -> DatastreamType:
        """The type of a pin's first value (see `_type_of`)."""
        return _type_of(raw, self._pins.get(pin, EntityKind.AUTO), all_text=all_text)

    async def _get_all(self) -> dict[str, Any]:
        self._last_values = await self.client.get_all()
        return self._last_values

    @override
    async def read_values(
        self, devices: Mapping[int, BlynkDevice]
    ) -> dict[int, dict[str, Value | None]]:
        raw = await self._get_all()
        device = devices.get(DEVICE_MODE_DEVICE_ID) or BlynkDevice(
            DEVICE_MODE_DEVICE_ID, self._name
        )
        # As the entities know the pins: a product profile's types come first.
        known = {**self._datastreams, **device.datastreams}
        types = {pin: ds.type for pin, ds in known.items()}
        all_text = _all_text(raw)
        for pin, item in raw.items():
            # A pin not typed yet is read as the discovery that follows will type it.
            if pin not in types:
                with suppress(BlynkResponseError):
                    types[pin] = self._type_of(pin, item, all_text=all_text)
        values = self._read(device, raw, types)
        # A pin not typed yet whose value cannot be read stays unseen until it can be.
        return {
            DEVICE_MODE_DEVICE_ID: {
                pin: value
                for pin, value in values.items()
                if value is not None or pin in self._datastreams
            }
        }

    @override
    async def read_connectivity(self, devices: Mapping[int, BlynkDevice]) -> dict[int, bool]:
        return {DEVICE_MODE_DEVICE_ID: await self.client.is_hardware_connected()}

    @override
    async def write(self, device: BlynkDevice, datastream: Datastream, value: Value) -> None:
        await self.client.update(datastream.pin, value)

    @override
    async def write_many(
        self, device: BlynkDevice, values: Sequence[tuple[Datastream, Value]]
    ) -> None:
        await self.client.batch_update({datastream.pin: value for datastream, value in values})

    @override
    def property_values(self, value: str | list[str]) -> list[str]:
        return value if isinstance(value, list) else [value]  # repeated parameters

    @override
    async def set_property(
        self, device: BlynkDevice, datastream: Datastream, name: str, value: str | list[str]
    ) -> None:
        await self.client.set_property(datastream.pin, name, value)

    @override
    async def upload_history(
        self, device: BlynkDevice, datastream: Datastream, points: Sequence[tuple[int, Value]]
    ) -> UploadResult:
        return await self.client.upload(datastream.pin, points)

    @override
    async def history(
        self,
        device: BlynkDevice,
        datastream: Datastream,
        start_ms: int,
        end_ms: int,
        *,
        pace: Callable[[], Awaitable[None]],
    ) -> list[HistoryPoint]:
        # The export ends now; it takes a named period, so ask for the shortest that reaches back.
        age = timedelta(milliseconds=int(time.time() * 1000) - start_ms)
        await pace()
        points = await self.client.export(datastream.pin, export_period(age), datastream.type)
        return [point for point in points if start_ms <= point.ts <= end_ms]

    @override
    def datastream_key(self, device: BlynkDevice, datastream: Datastream) -> str:
        return datastream.pin

    @override
    def template_key(self, device: BlynkDevice) -> str:
        return DEVICE_MODE_TEMPLATE_KEY

    @override
    def device_key(self, device: BlynkDevice) -> str:
        return self._entry_id


EXPORT_PERIODS = (
    ("HOUR", timedelta(hours=1)),
    ("DAY", timedelta(days=1)),
    ("WEEK", timedelta(days=7)),
    ("MONTH", timedelta(days=30)),
)
"""The Device API's export periods (all ending now) that return raw values."""
MULTI_VALUE_SEPARATOR = "\u0000"


def export_period(age: timedelta) -> str:
    """The shortest export period that reaches `age` back from now."""
    for period, length in EXPORT_PERIODS:
        if age <= length:
            return period
    raise ValueError(f"the Device API exports at most {EXPORT_PERIODS[-1][1].days} days")


def _id(datastream: Datastream) -> int:
    if datastream.id is None:  # pragma: no cover - organization datastreams always have ids
        raise ValueError(f"datastream {datastream.pin} has no id")
    return datastream.id


_KIND_TYPES = {
    EntityKind.NUMBER: DatastreamType.DOUBLE,
    EntityKind.SWITCH: DatastreamType.INT,
    EntityKind.BINARY_SENSOR: DatastreamType.INT,
    EntityKind.DEVICE_TRACKER: DatastreamType.LOCATION,
}


def _type_of(raw: Any, kind: EntityKind, *, all_text: bool) -> DatastreamType:
    """The type a device-mode value suggests; for text or no value, what the chosen entity needs.

    The value is read as JSON: 21 is a number, `"21"` text (BlynkResponseError if neither),
    unless the answer sent every value as text (`all_text`): then `"21"` is a number too.
    """
    value = parse_value(raw)
    if all_text and isinstance(value, str):
        value = _held_in(value)
    # Blynk answers BOOLEAN datastreams with 1 and 0, so no value reads as a boolean here.
    match value:
        case int():
            return DatastreamType.INT
        case float():
            return DatastreamType.DOUBLE
        case Location():
            return DatastreamType.LOCATION
    return _KIND_TYPES.get(kind, DatastreamType.STRING)


def _all_text(values: Mapping[str, Any]) -> bool:
    """Whether an answer sent every value as text: then it sends numbers as text too.

    Where numbers come as numbers, a text that holds one is text (a STRING datastream).
    """
    return all(isinstance(raw, str) for raw in values.values() if raw is not None)


def _held_in(text: str) -> Value:
    """The number or location a text holds as JSON (`"21.5"`, `"[13.4,52.5]"`), else the text."""
    try:
        value = parse_value(json.loads(text, parse_constant=_not_a_number))
    except ValueError, BlynkResponseError:
        return text
    if isinstance(value, bool) or not isinstance(value, int | float | Location):
        return text  # `"true"`, `"null"` and `"\"x\""` are text as they are
    return value


def _not_a_number(constant: str) -> None:
    raise ValueError(constant)  # NaN and Infinity are no readings
