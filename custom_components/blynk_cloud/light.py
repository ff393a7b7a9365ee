"""Lights: power, brightness as a range, and colour from zeRGBa (merged or split)."""

import re
from typing import Any, override

from homeassistant.components.light import LightEntity
from homeassistant.components.light.const import ATTR_BRIGHTNESS, ATTR_RGB_COLOR, ColorMode
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .backend import MULTI_VALUE_SEPARATOR, BlynkDevice
from .combination import TOGETHER, Combination
from .combined import POWER, BlynkCombinedEntity
from .coordinator import BlynkConfigEntry, BlynkRuntimeData
from .entity import async_add_combined_entities
from .mapping import as_number

PARALLEL_UPDATES = 1
BRIGHTNESS = "brightness"
COLOR = "color"
FULL = 255
_SEPARATORS = re.compile(r"[\x00,;\s]+")

type RGB = tuple[int, int, int]


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BlynkConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the lights the options or a product profile combine."""
    async_add_combined_entities(entry, Platform.LIGHT, BlynkLight, async_add_entities)


def parse_rgb(value: Any) -> RGB | None:
    """Three channels from zeRGBa's merged value: Blynk separates values with NUL.

    Commas, semicolons and spaces are read as well (firmware that writes the colour back
    as text).
    """
    if not isinstance(value, str):
        return None
    parts = [as_number(part) for part in _SEPARATORS.split(value.strip()) if part]
    if len(parts) != len(TOGETHER) or any(part is None for part in parts):
        return None
    red, green, blue = (min(max(round(part or 0), 0), FULL) for part in parts)
    return red, green, blue


class BlynkLight(BlynkCombinedEntity, LightEntity):
    """A light: without a power datastream, the lowest brightness (or black) is off."""

    def __init__(
        self, runtime: BlynkRuntimeData, device: BlynkDevice, combination: Combination
    ) -> None:
        """The colour mode follows the parts."""
        super().__init__(runtime, device, combination)
        self._colour = self.has(COLOR) or self.has(TOGETHER[0])
        if self._colour:
            mode = ColorMode.RGB
        elif self.has(BRIGHTNESS):
            mode = ColorMode.BRIGHTNESS
        else:
            mode = ColorMode.ONOFF
        self._attr_color_mode = mode
        self._attr_supported_color_modes = {mode}
        self._resume: tuple[int, RGB] = (FULL, (FULL, FULL, FULL))
        """Brightness and colour a light without power datastream comes back with."""

    @property
    @override
    def is_on(self) -> bool | None:
        if self.has(POWER):
            return self.is_switched_on(POWER)
        level = self._level()
        return None if level is None else level > 0

    @property
    @override
    def brightness(self) -> int | None:
        level = self._level()  # asked while the light is on only
        return None if level is None else max(level, 1)

    @property
    @override
    def rgb_color(self) -> RGB | None:
        rgb = self._rgb()
        if rgb is None or self.has(BRIGHTNESS):
            return rgb
        # Without a brightness datastream the colour carries the brightness: show it at full.
        peak = max(rgb)
        return (FULL, FULL, FULL) if peak == 0 else _scaled(rgb, FULL / peak)

    def _level(self) -> int | None:
        """Brightness 0-255 from the brightness part, else from the colour's brightest channel."""
        if self.has(BRIGHTNESS):
            fraction = self.fraction(BRIGHTNESS)
            return None if fraction is None else round(fraction * FULL)
        rgb = self._rgb()
        return None if rgb is None else max(rgb)

    def _rgb(self) -> RGB | None:
        if self.has(COLOR):
            return parse_rgb(self.value(COLOR))
        if not self.has(TOGETHER[0]):
            return None
        channels = [self.number(role) for role in TOGETHER]
        if any(channel is None for channel in channels):
            return None
        red, green, blue = (min(max(round(channel or 0), 0), FULL) for channel in channels)
        return red, green, blue

    @override
    async def async_turn_on(self, **kwargs: Any) -> None:
        brightness: int | None = kwargs.get(ATTR_BRIGHTNESS)
        rgb: RGB | None = kwargs.get(ATTR_RGB_COLOR)
        writes: dict[str, Any] = {}
        if self.has(POWER):
            writes[POWER] = self.on_off(POWER)[0]
        elif brightness is None and rgb is None:
            brightness, rgb = self._resume
        if self.has(BRIGHTNESS) and brightness is not None:
            lowest = self.bounds(BRIGHTNESS)[0] + self.step_of(BRIGHTNESS)
            writes[BRIGHTNESS] = max(self.scaled(BRIGHTNESS, brightness / FULL), lowest)
        if self._colour and not self.has(BRIGHTNESS) and (rgb or brightness is not None):
            # The colour carries the brightness: scale it so its brightest channel matches.
            rgb = rgb or self.rgb_color or (FULL, FULL, FULL)
            if brightness is not None:
                rgb = _scaled(rgb, brightness / max(*rgb, 1))
        if self._colour and rgb is not None:
            writes.update(self._colour_writes(rgb))
        await self.async_write(writes)

    @override
    async def async_turn_off(self, **kwargs: Any) -> None:
        if self.has(POWER):
            await self.async_write({POWER: self.on_off(POWER)[1]})
            return
        self._resume = (self.brightness or FULL, self.rgb_color or self._resume[1])
        if self.has(BRIGHTNESS):
            await self.async_write({BRIGHTNESS: self.bounds(BRIGHTNESS)[0]})
        else:
            await self.async_write(self._colour_writes((0, 0, 0)))

    def _colour_writes(self, rgb: RGB) -> dict[str, Any]:
        if self.has(COLOR):
            return {COLOR: MULTI_VALUE_SEPARATOR.join(str(channel) for channel in rgb)}
        return dict(zip(TOGETHER, rgb, strict=True))


def _scaled(rgb: RGB, factor: float) -> RGB:
    red, green, blue = (min(max(round(channel * factor), 0), FULL) for channel in rgb)
    return red, green, blue
