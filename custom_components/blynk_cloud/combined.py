"""The base of combined entities: parts read from the poll, writes batched and checked."""

from collections.abc import Callable, Hashable, Mapping
from enum import IntFlag
import math
from typing import Any, override

from homeassistant.exceptions import ServiceValidationError
from homeassistant.util.percentage import percentage_to_ranged_value, ranged_value_to_percentage

from .api import Datastream, DatastreamType, Value
from .backend import BlynkDevice
from .combination import ROLES, Combination, Part
from .const import DOMAIN
from .coordinator import BlynkRuntimeData, BlynkValuesCoordinator
from .entity import BlynkEntity
from .mapping import Override, as_number, bounds, is_on, on_off_values, step, unit_spec
from .writes import Write, async_write


class BlynkCombinedEntity(BlynkEntity[BlynkValuesCoordinator]):
    """An entity made of several datastreams of one device."""

    def __init__(
        self, runtime: BlynkRuntimeData, device: BlynkDevice, combination: Combination
    ) -> None:
        """The device's main entity when the combination has no name of its own."""
        super().__init__(runtime.values, runtime, device)
        self.combination = combination
        self._attr_unique_id = runtime.plan.combined_unique_id(device, combination)
        if combination.translation_key is None:
            self._attr_name = combination.name
        else:  # a product profile's entity: its name is translated
            self._attr_translation_key = combination.translation_key
        self._datastreams: dict[str, Datastream] = {
            role: device.datastreams[part.pin] for role, part in combination.parts.items()
        }

    def has(self, role: str) -> bool:
        """Whether a datastream plays this part."""
        return role in self._datastreams

    def part(self, role: str) -> Part:
        """The part of a role (callers check `has` first)."""
        return self.combination.parts[role]

    def writable(self, role: str) -> bool:
        """Whether a part is there and may be written (the device may set it itself)."""
        return self.has(role) and not self.part(role).read_only

    def value(self, role: str) -> Value | None:
        """The current value of a part's datastream (None: no part, or no value)."""
        if (datastream := self._datastreams.get(role)) is None:
            return None
        return self.coordinator.data.get(self.device.id, {}).get(datastream.pin)

    def number(self, role: str) -> float | None:
        """The current value of a part as a number."""
        return as_number(self.value(role))

    @override
    def _state_key(self) -> Hashable:
        return tuple(self.value(role) for role in self._datastreams)

    # Switches

    def on_off(self, role: str) -> tuple[Value, Value]:
        """What a SWITCH part writes for on and off: the part's, else the datastream's."""
        datastream = self._datastreams[role]
        part = self.part(role)
        on, off = on_off_values(datastream, self.limits(role)[1])
        return (on if part.on is None else part.on), (off if part.off is None else part.off)

    def is_switched_on(self, role: str) -> bool | None:
        """Whether a SWITCH part is on (None: no value yet).

        A part that names its on value is on at that value only (one mode datastream can
        switch two heaters: 1 pool, 2 spa).
        """
        on, off = self.on_off(role)
        return is_on(self.value(role), on, off, only_on=self.part(role).on is not None)

    # Ranges

    def limits(self, role: str) -> tuple[Part, Override]:
        """Who chose a part's bounds and step: the part, then the options."""
        return self.part(role), self.runtime.plan.override(self.device, self._datastreams[role])

    def bounds(self, role: str) -> tuple[float, float]:
        """A RANGE part's bounds: the part's, the options', the template's, else the role's."""
        default = ROLES[self.combination.platform][role].default_range or (0.0, 100.0)
        return bounds(self._datastreams[role], *self.limits(role), default=default)

    def fraction(self, role: str) -> float | None:
        """Where a RANGE part's value lies between its bounds, 0 to 1."""
        if (number := self.number(role)) is None:
            return None
        low, high = self.bounds(role)
        return min(max((number - low) / (high - low), 0.0), 1.0)

    def scaled(self, role: str, fraction: float) -> float:
        """The RANGE value at a fraction of its bounds (whole numbers for INT and ENUM)."""
        low, high = self.bounds(role)
        value = low + fraction * (high - low)
        if self._datastreams[role].type is not DatastreamType.DOUBLE:
            return round(value)
        return value

    def speeds(self, role: str) -> tuple[float, float]:
        """The values of a RANGE part that are on: a minimum of 0 (or less) means off."""
        low, high = self.bounds(role)
        return (low + self.step_of(role), high) if low <= 0 else (low, high)

    def percentage_of(self, role: str) -> int | None:
        """A RANGE part as a percentage of its speeds (0: off); a Double's as its fraction."""
        if (number := self.number(role)) is None:
            return None
        if self._datastreams[role].type is DatastreamType.DOUBLE:
            fraction = self.fraction(role)
            return None if fraction is None else round(fraction * 100)
        first, high = self.speeds(role)
        if number < first:
            return 0
        if number > high:
            return None  # a value beyond the speeds: a preset on the same datastream
        return ranged_value_to_percentage((first, high), number)

    def from_percentage(self, role: str, percentage: float) -> float:
        """The RANGE value of a percentage above 0 (a Double's: its fraction of the range)."""
        if self._datastreams[role].type is DatastreamType.DOUBLE:
            return self.scaled(role, percentage / 100)
        first, high = self.speeds(role)
        # As Home Assistant's fans round: 34 % of three speeds is the second.
        return min(
            max(math.ceil(percentage_to_ranged_value((first, high), percentage)), first), high
        )

    def step_of(self, role: str, default: float | None = None) -> float:
        """The smallest change of a part: the part's step, the options', else `default`.

        Without either: 1 for whole numbers, 0.1 for a Double.
        """
        return step(self._datastreams[role], *self.limits(role), default=default)

    # Choices

    def choice(self, role: str) -> str | None:
        """The name a CHOICE or STATUS part's value stands for."""
        return self.part(role).choices.name_of(self.value(role)) if self.has(role) else None

    def choice_value(self, role: str, name: str) -> Any:
        """The value that stands for a name, in the datastream's type."""
        return self.part(role).choices.value_of(name, self._datastreams[role])

    def options(self, role: str) -> list[str]:
        """The names of a CHOICE part, in the order of the options."""
        return self.part(role).choices.options if self.has(role) else []

    # Temperatures

    def temperature_unit_of(self, role: str) -> str | None:
        """The temperature unit of a part from its datastream's units, if it names one."""
        spec = unit_spec(self._datastreams[role])
        return spec.unit if spec.device_class == "temperature" else None

    def setting_bounds(self, role: str) -> tuple[float | None, float | None]:
        """A SETTING part's bounds, where the part, the options or the template give them."""
        return bounds(self._datastreams[role], *self.limits(role))

    # Writes

    async def async_write(self, values: Mapping[str, Any]) -> None:
        """Set parts (by role) in one checked request, and show the new values at once."""
        if not values:
            return  # a thermostat without power or mode datastreams has one mode, always on
        if read_only := [role for role in values if self.part(role).read_only]:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="part_read_only",
                translation_placeholders={
                    "entity": self.entity_id,
                    "datastream": self._datastreams[read_only[0]].label,
                },
            )
        await async_write(
            self.hass,
            self.coordinator.config_entry,
            self.device,
            [
                Write(self._datastreams[role], value, limits=self.part(role))
                for role, value in values.items()
            ],
        )


TARGET = "target_temperature"
CURRENT = "current_temperature"
POWER = "power"


class BlynkTemperatureEntity(BlynkCombinedEntity):
    """A combined entity around a target temperature: thermostats and water heaters."""

    _attr_min_temp: float
    _attr_max_temp: float
    _attr_target_temperature_step: float | None

    def __init__(
        self, runtime: BlynkRuntimeData, device: BlynkDevice, combination: Combination
    ) -> None:
        """Bounds and step from the target's datastream; the unit from its units."""
        super().__init__(runtime, device, combination)
        low, high = self.setting_bounds(TARGET)
        if low is not None:
            self._attr_min_temp = low
        if high is not None:
            self._attr_max_temp = high
        double = self._datastreams[TARGET].type is DatastreamType.DOUBLE
        self._attr_target_temperature_step = self.step_of(TARGET, 0.5 if double else None)
        self._unit = self.temperature_unit_of(TARGET) or (
            self.temperature_unit_of(CURRENT) if self.has(CURRENT) else None
        )

    @property
    def temperature_unit(self) -> str:
        """The unit the datastreams name, else Home Assistant's."""
        return self._unit or self.hass.config.units.temperature_unit

    @property
    def current_temperature(self) -> float | None:
        """The current temperature part."""
        return self.number(CURRENT)

    @property
    def target_temperature(self) -> float | None:
        """The target temperature part."""
        return self.number(TARGET)

    def target_writes(self, temperature: float) -> dict[str, Any]:
        """The write of a target temperature, to its step (whole degrees for INT: 100.4 is 100)."""
        size = self._attr_target_temperature_step or 1.0
        value = math.floor(temperature / size + 0.5) * size
        if self._datastreams[TARGET].type is not DatastreamType.DOUBLE:
            return {TARGET: round(value)}
        return {TARGET: round(value, 6)}

    def power_writes(self, on: bool) -> dict[str, Any]:
        """The write that switches the power part."""
        return {POWER: self.on_off(POWER)[0 if on else 1]}


POSITION = "position"
OPEN = "open"


class BlynkPositionEntity(BlynkCombinedEntity):
    """A combined entity that opens: valves and covers.

    A platform names its features (opening and closing, setting a position) and its device
    classes; a position datastream adds setting it.
    """

    _opens: IntFlag
    _sets_position: IntFlag
    _device_classes: Callable[[str], str]

    def __init__(
        self, runtime: BlynkRuntimeData, device: BlynkDevice, combination: Combination
    ) -> None:
        """Features and device class from the combination."""
        super().__init__(runtime, device, combination)
        self._attr_supported_features = self._opens | (
            self._sets_position if self.positioned else 0
        )
        if combination.device_class:
            self._attr_device_class = self._device_classes(combination.device_class)

    @property
    def positioned(self) -> bool:
        """Whether a datastream holds the position."""
        return self.has(POSITION)

    @property
    def position(self) -> int | None:
        """The position, 0 (closed) to 100 (open); 0 while the open datastream says closed."""
        if self.has(OPEN) and self.is_switched_on(OPEN) is False:
            return 0
        fraction = self.fraction(POSITION) if self.positioned else None
        return None if fraction is None else round(fraction * 100)

    @property
    def closed(self) -> bool | None:
        """Closed at position 0, or when the open datastream says so."""
        if not self.positioned:
            opened = self.is_switched_on(OPEN)
            return None if opened is None else not opened
        position = self.position
        return None if position is None else position == 0

    async def async_move(self, position: int) -> None:
        """Go to a position (100: open, 0: closed): position and open/close in one request."""
        writes: dict[str, Any] = {}
        if self.positioned:
            writes[POSITION] = self.scaled(POSITION, position / 100)
        if self.has(OPEN):
            writes[OPEN] = self.on_off(OPEN)[0 if position > 0 else 1]
        await self.async_write(writes)
