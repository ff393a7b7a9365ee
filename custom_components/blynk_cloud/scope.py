"""A missing Platform API scope: one state of the whole entry, not of the read that met it.

Blynk answers 403 "Platform API scope is not enabled for this oauth client." to an OAuth2 client
without the scope. New credentials cannot fix that, only the Blynk console can, so no reauth flow
is started. Every coordinator of the entry pauses at once, one repair issue says what to do, and
the entry checks on its own, every SCOPE_CHECK_INTERVAL, by repeating the read that was refused.
The first such read that succeeds resumes every coordinator and removes the issue. Missing at
setup, the setup fails and Home Assistant retries it on its own schedule (seconds at first, at
most SETUP_RETRY_MAX_WAIT apart).
"""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import SETUP_RETRY_MAX_WAIT, ConfigEntry, ConfigEntryState
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_interval

from .const import LOGGER, SCOPE_CHECK_INTERVAL
from .errors import ScopeNotEnabledError
from .issues import async_scope_not_enabled

if TYPE_CHECKING:
    from .coordinator import BlynkCoordinator


class ScopeWatch:
    """Pauses an entry's coordinators together while the Platform API scope is missing."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Watch no coordinator yet; stop checking when the entry unloads."""
        self._hass = hass
        self._entry = entry
        self._coordinators: list[BlynkCoordinator[Any]] = []
        self._probe: BlynkCoordinator[Any] | None = None
        """The coordinator whose read was refused: the one read repeated while paused."""
        self._cancel_check: CALLBACK_TYPE | None = None
        entry.async_on_unload(self._stop_checking)

    def watch(self, coordinator: BlynkCoordinator[Any]) -> None:
        """Pause and resume `coordinator` with the others."""
        self._coordinators.append(coordinator)

    def paused(self, coordinator: BlynkCoordinator[Any]) -> bool:
        """Whether `coordinator` must not ask Blynk now (the probe still may)."""
        return self._probe is not None and coordinator is not self._probe

    @callback
    def refused(self, coordinator: BlynkCoordinator[Any]) -> None:
        """Blynk refused `coordinator`'s read for the missing scope: pause everything."""
        if self._probe is not None:
            return
        async_scope_not_enabled(self._hass, self._entry, refused=True)
        if self._entry.state is ConfigEntryState.SETUP_IN_PROGRESS:
            # The setup fails, and Home Assistant retries it on its own schedule: no check here.
            LOGGER.warning(
                "The OAuth2 client of %s lacks the Platform API scope: Home Assistant retries "
                "the setup (after seconds at first, then at most %s apart)",
                self._entry.title,
                timedelta(seconds=SETUP_RETRY_MAX_WAIT),
            )
            return
        self._probe = coordinator
        LOGGER.warning(
            "The OAuth2 client of %s lacks the Platform API scope: polling is paused, and "
            "checked again every %s",
            self._entry.title,
            SCOPE_CHECK_INTERVAL,
        )
        for other in self._coordinators:
            other.update_interval = None
            if other is not coordinator:
                other.async_set_update_error(ScopeNotEnabledError())

        async def check(_now: datetime) -> None:
            await coordinator.async_refresh()

        self._cancel_check = async_track_time_interval(
            self._hass,
            check,
            SCOPE_CHECK_INTERVAL,
            name=f"blynk_cloud {self._entry.title} scope check",
            cancel_on_shutdown=True,
        )

    @callback
    def read(self, coordinator: BlynkCoordinator[Any]) -> None:
        """A read succeeded: the scope is there (also after a setup retried for it)."""
        async_scope_not_enabled(self._hass, self._entry, refused=False)
        if self._probe is None:
            return
        self._probe = None
        self._stop_checking()
        LOGGER.info("The Platform API scope of %s is back: polling resumes", self._entry.title)
        for other in self._coordinators:
            other.update_interval = other.poll_interval
            if other is not coordinator:
                self._entry.async_create_background_task(
                    self._hass, other.async_refresh(), "blynk_cloud resume"
                )

    @callback
    def _stop_checking(self) -> None:
        if self._cancel_check is not None:
            self._cancel_check()
            self._cancel_check = None
