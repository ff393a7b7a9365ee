"""Blynk Cloud: Blynk IoT devices (Blynk.Cloud and white-label servers) in Home Assistant."""

from homeassistant.const import CONF_CLIENT_ID, CONF_CLIENT_SECRET, CONF_HOST, CONF_TOKEN, Platform
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import config_validation as cv, entity_registry as er
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType
import probatio

from .api import BlynkDeviceClient, BlynkPlatformClient, BlynkServer
from .backend import Backend, DeviceBackend, OrganizationBackend
from .combination import COMBINED_PLATFORMS, Combination, parse as parse_combination, pin_types
from .const import (
    CONF_COMBINED,
    CONF_DATASTREAMS,
    CONF_DISABLED_PROFILES,
    CONF_HISTORY_DAYS,
    CONF_INCLUDE_SUB_ORGANIZATIONS,
    CONF_MODE,
    DEFAULT_HISTORY_DAYS,
    DOMAIN,
    LOGGER,
    REQUEST_TIMEOUT,
    Mode,
)
from .coordinator import (
    BlynkConfigEntry,
    BlynkConnectivityCoordinator,
    BlynkDiscoveryCoordinator,
    BlynkRuntimeData,
    BlynkValuesCoordinator,
)
from .entity import async_apply_entity_limit, async_remove_superseded_entities
from .issues import (
    async_check_entity_limit,
    async_check_message_quota,
    async_remove_issues,
    async_remove_legacy_issues,
)
from .mapping import EntityKind, Override
from .plan import EntityPlan
from .profiles import async_get_profiles
from .scope import ScopeWatch
from .services import async_setup_services
from .statistics import StatisticsImporter, import_budget, recorder_loaded

PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.CLIMATE,
    Platform.COVER,
    Platform.DEVICE_TRACKER,
    Platform.FAN,
    Platform.LIGHT,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TEXT,
    Platform.VALVE,
    Platform.WATER_HEATER,
]
ON_DEMAND_PLATFORMS = frozenset(
    platform
    for platform in PLATFORMS
    if platform in COMBINED_PLATFORMS or platform.value in {kind.value for kind in EntityKind}
)
"""Platforms set up only when a datastream (`mapping.decide`) or a combined entity
(`combination`) becomes one of their entities."""
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions: they live as long as Home Assistant, not as long as an entry."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: BlynkConfigEntry) -> bool:
    """Discover devices, read their values, then add the entities."""
    overrides = {
        key: Override.from_options(choice)
        for key, choice in entry.options.get(CONF_DATASTREAMS, {}).items()
    }
    combined = _combined(entry)
    async_remove_legacy_issues(hass, entry)
    backend = _backend(hass, entry, overrides, combined)
    disabled = set(entry.options.get(CONF_DISABLED_PROFILES, []))
    profiles = tuple(
        profile
        for profile in await async_get_profiles(hass)
        if profile.serves(backend.client.server) and profile.id not in disabled
    )
    plan = EntityPlan(backend, overrides, combined)
    discovery = BlynkDiscoveryCoordinator(
        hass, entry, backend, ScopeWatch(hass, entry), plan=plan, profiles=profiles
    )
    await discovery.async_config_entry_first_refresh()
    values = BlynkValuesCoordinator(hass, entry, backend, discovery)
    await values.async_config_entry_first_refresh()
    connectivity = BlynkConnectivityCoordinator(hass, entry, backend, values)
    if backend.mode is Mode.DEVICE:
        async_check_message_quota(
            hass, entry, values.update_interval_seconds, values.monthly_messages
        )
    statistics = StatisticsImporter(
        hass,
        entry.entry_id,
        backend,
        lambda: discovery.data.values(),  # pylint: disable=unnecessary-lambda # replaced each refresh
        requests_per_minute=import_budget(values.requests_per_minute),
    )
    entry.runtime_data = BlynkRuntimeData(
        backend=backend,
        plan=plan,
        discovery=discovery,
        values=values,
        connectivity=connectivity,
        statistics=statistics,
    )
    async_remove_superseded_entities(hass, entry)

    @callback
    def check_entity_limit(_event: Event[er.EventEntityRegistryUpdatedData] | None = None) -> None:
        async_check_entity_limit(hass, entry, async_apply_entity_limit(hass, entry))

    check_entity_limit()
    entry.async_on_unload(discovery.async_add_listener(check_entity_limit))
    entry.runtime_data.platforms = entity_platforms(entry.runtime_data)

    @callback
    def check_platforms() -> None:
        """Datastreams of a kind the entry has no platform for: set it up again with one."""
        if set(entity_platforms(entry.runtime_data)) - set(entry.runtime_data.platforms):
            hass.config_entries.async_schedule_reload(entry.entry_id)

    entry.async_on_unload(discovery.async_add_listener(check_platforms))
    # The issue's advice is to enable or remove entities: it goes as soon as that is done.
    entry.async_on_unload(
        hass.bus.async_listen(
            er.EVENT_ENTITY_REGISTRY_UPDATED, check_entity_limit, event_filter=_enabling_changed
        )
    )
    await hass.config_entries.async_forward_entry_setups(entry, entry.runtime_data.platforms)
    # Organization mode asks once per device: read connectivity after setup, not during it.
    entry.async_create_background_task(
        hass, connectivity.async_refresh(), "blynk_cloud connectivity"
    )
    days = entry.options.get(CONF_HISTORY_DAYS, DEFAULT_HISTORY_DAYS)
    # The Device API allows a few exports a day: device mode imports on request only.
    if backend.mode is Mode.ORGANIZATION and days and recorder_loaded(hass):
        entry.async_create_background_task(
            hass, statistics.async_backfill(days), "blynk_cloud history import"
        )
    return True


async def async_unload_entry(hass: HomeAssistant, entry: BlynkConfigEntry) -> bool:
    """Unload the platforms; the coordinators and background tasks stop with the entry."""
    return await hass.config_entries.async_unload_platforms(entry, entry.runtime_data.platforms)


def entity_platforms(runtime: BlynkRuntimeData) -> tuple[Platform, ...]:
    """The platforms the entry needs: each one costs setup time, also without entities.

    A platform of datastream or combined entities is left out while nothing becomes one;
    connectivity (binary sensors) and device mode's counters (sensors) always have entities.
    """
    devices = runtime.discovery.data
    needed: set[str] = {kind.value for _, _, kind in runtime.plan.entity_kinds(devices)}
    needed.update(
        combination.platform
        for device in devices.values()
        for combination in runtime.plan.combinations(device)
    )
    needed.add(Platform.BINARY_SENSOR)
    if runtime.backend.mode is Mode.DEVICE:
        needed.add(Platform.SENSOR)
    return tuple(
        platform
        for platform in PLATFORMS
        if platform not in ON_DEMAND_PLATFORMS or platform in needed
    )


def _combined(entry: BlynkConfigEntry) -> dict[str, tuple[Combination, ...]]:
    """The options' combined entities; one the options flow would refuse is skipped."""
    combined: dict[str, tuple[Combination, ...]] = {}
    for template_key, items in entry.options.get(CONF_COMBINED, {}).items():
        combinations = []
        for item in items:
            try:
                combinations.append(parse_combination(item))
            except probatio.Invalid as err:
                LOGGER.warning("A combined entity of %s is not valid: %s", entry.title, err)
        combined[template_key] = tuple(combinations)
    return combined


async def async_remove_entry(hass: HomeAssistant, entry: BlynkConfigEntry) -> None:
    """Remove the entry's repair issues with it: nothing is left to repair."""
    async_remove_issues(hass, entry)


@callback
def _enabling_changed(data: er.EventEntityRegistryUpdatedData) -> bool:
    """An entity was removed, or enabled or disabled."""
    return data["action"] == "remove" or (
        data["action"] == "update" and "disabled_by" in data["changes"]
    )


def _backend(
    hass: HomeAssistant,
    entry: BlynkConfigEntry,
    overrides: dict[str, Override],
    combined: dict[str, tuple[Combination, ...]],
) -> Backend[BlynkPlatformClient] | Backend[BlynkDeviceClient]:
    session = async_get_clientsession(hass)

    @callback
    def server_moved(server: BlynkServer) -> None:
        """Blynk sent us to another region: keep the new host.

        The client logs the move; nothing is asked of the user, so it is no repair issue.
        """
        hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_HOST: server.host})

    if entry.data[CONF_MODE] == Mode.ORGANIZATION:
        assert entry.unique_id is not None  # the config flow always sets it
        return OrganizationBackend(
            BlynkPlatformClient(
                session,
                entry.data[CONF_HOST],
                entry.data[CONF_CLIENT_ID],
                entry.data[CONF_CLIENT_SECRET],
                timeout=REQUEST_TIMEOUT,
                on_server_change=server_moved,
            ),
            entry.unique_id,
            include_sub_organizations=entry.options.get(CONF_INCLUDE_SUB_ORGANIZATIONS, False),
        )
    return DeviceBackend(
        BlynkDeviceClient(
            session,
            entry.data[CONF_HOST],
            entry.data[CONF_TOKEN],
            timeout=REQUEST_TIMEOUT,
            on_server_change=server_moved,
        ),
        entry.entry_id,
        entry.title,
        pins={key: override.entity for key, override in overrides.items()},
        combined=pin_types(
            combination for combinations in combined.values() for combination in combinations
        ),
    )
