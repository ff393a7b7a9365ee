"""Device trackers: LOCATION datastreams (Blynk's `[longitude, latitude]`, read as a Location)."""

from typing import override

from homeassistant.components.device_tracker.entity import TrackerEntity
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import Location
from .coordinator import BlynkConfigEntry
from .entity import BlynkDatastreamEntity, async_add_datastream_entities
from .mapping import EntityKind

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BlynkConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a tracker per LOCATION datastream."""
    async_add_datastream_entities(
        entry, EntityKind.DEVICE_TRACKER, BlynkTracker, async_add_entities
    )


class BlynkTracker(BlynkDatastreamEntity, TrackerEntity):
    """A GPS position; its state is written only when the position changes.

    A primary entity, unlike the tracker base class's diagnostic default: the map shows it and
    voice assistants are offered it.
    """

    @property
    @override
    def entity_category(self) -> EntityCategory | None:
        return None

    @property
    @override
    def force_update(self) -> bool:
        """The base class records every refresh; a tracker that did not move records nothing."""
        return False

    @property
    def _location(self) -> Location | None:
        value = self.raw_value
        return value if isinstance(value, Location) else None

    @property
    @override
    def latitude(self) -> float | None:
        return location.latitude if (location := self._location) else None

    @property
    @override
    def longitude(self) -> float | None:
        return location.longitude if (location := self._location) else None
