"""Config flow: organization (OAuth2 client) or device (auth token) mode; reauth; reconfigure;
options (polling, sub-organizations, and the entity each datastream becomes)."""  # noqa: D205, D209

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, override

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
)
from homeassistant.const import (
    CONF_CLIENT_ID,
    CONF_CLIENT_SECRET,
    CONF_HOST,
    CONF_NAME,
    CONF_SCAN_INTERVAL,
    CONF_TOKEN,
)
from homeassistant.core import callback
from homeassistant.data_entry_flow import AbortFlow
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio

from .api import (
    REGIONAL_HOSTS,
    BlynkConnectionError,
    BlynkDeviceClient,
    BlynkError,
    BlynkInvalidCredentialsError,
    BlynkInvalidHostError,
    BlynkPlatformClient,
    BlynkScopeError,
    BlynkServer,
    Datastream,
    DatastreamType,
    normalize_pin,
    number_of,
    token_digest,
)
from .backend import organization_device_key
from .combine_flow import CombineOptionsFlow, parse_value_names, value_names_text
from .const import (
    CONF_DATASTREAMS,
    CONF_ENTITY,
    CONF_HISTORY_DAYS,
    CONF_IDENTITY,
    CONF_INCLUDE_SUB_ORGANIZATIONS,
    CONF_LABELS,
    CONF_MAX,
    CONF_MIN,
    CONF_MODE,
    CONF_STEP,
    DEFAULT_HISTORY_DAYS,
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
    LOGGER,
    MAX_HISTORY_DAYS,
    MAX_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
    Mode,
)
from .coordinator import BlynkConfigEntry, async_organization_devices
from .identity import DeviceIdentity, Match
from .mapping import COMPATIBLE_KINDS, EntityKind, Override, enum_options, step_fits

CONF_DATASTREAM = "datastream"
DEFAULT_HOST = "blynk.cloud"
DEFAULT_DEVICE_NAME = "Blynk device"

_HOST_SELECTOR = SelectSelector(
    SelectSelectorConfig(
        options=list(REGIONAL_HOSTS), custom_value=True, mode=SelectSelectorMode.DROPDOWN
    )
)
_SECRET = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
_TEXT = TextSelector()


class InvalidInputError(Exception):
    """A failed validation, shown on the form as `error` on `form_field`."""

    def __init__(self, error: str, form_field: str = "base", **placeholders: str) -> None:
        """Name the translated error and where it shows."""
        super().__init__(error)
        self.error = error
        self.field = form_field
        self.placeholders = placeholders


@dataclass(frozen=True, slots=True)
class Validated:
    """What a successful check learned: the entry's unique ID, title and server."""

    unique_id: str
    title: str
    host: str
    data: dict[str, Any] = field(default_factory=dict)
    devices: Mapping[int, str] | None = None
    """An organization reconfigured to another server: the names of its devices by id."""


def device_unique_id(token: str) -> str:
    """A device-mode entry's unique ID, from the token it is made with: a one-way hash.

    It never changes afterwards, also when the token is regenerated (see `identity.py`).
    """
    return f"device_{token_digest(token)[:32]}"


def organization_id(unique_id: str | None) -> str:
    """The organization of an organization-mode unique ID (`{server scope}:{organization id}`)."""
    return (unique_id or "").rsplit(":", 1)[-1]


def _same_account(entry: BlynkConfigEntry, data: Mapping[str, Any], unique_id: str) -> bool:
    """Whether an entry holds the account of `data`: the same device token, or organization.

    Unique IDs are fixed when an entry is made, so an organization entry moved to a new server
    address keeps the old server's name in its unique ID: servers are compared by address.
    """
    if entry.data.get(CONF_MODE) != data[CONF_MODE]:
        return False
    if data[CONF_MODE] == Mode.DEVICE:
        return bool(entry.data.get(CONF_TOKEN) == data[CONF_TOKEN])
    return (BlynkServer.parse(entry.data[CONF_HOST]).scope, organization_id(entry.unique_id)) == (
        BlynkServer.parse(data[CONF_HOST]).scope,
        organization_id(unique_id),
    )


def _identity_placeholders(identity: DeviceIdentity) -> dict[str, str]:
    """How a device shows in a form: its name, product and pins."""
    return {
        "name": identity.name or DEFAULT_DEVICE_NAME,
        "product": identity.product or "?",
        "pins": ", ".join(identity.ordered_pins()) or "-",
    }


class BlynkConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up a Blynk organization or a single Blynk device."""

    VERSION = 1
    _pending: dict[str, Any] | None = None
    """Device mode: the new data of an entry, until the user confirms the device."""

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: BlynkConfigEntry) -> BlynkOptionsFlow:
        return BlynkOptionsFlow()

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Choose the mode."""
        return self.async_show_menu(step_id="user", menu_options=[Mode.ORGANIZATION, Mode.DEVICE])

    async def async_step_organization(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Organization mode: server, OAuth2 client id and secret."""
        return await self._async_step_credentials(Mode.ORGANIZATION, "organization", user_input)

    async def async_step_device(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Device mode: server and device auth token."""
        return await self._async_step_credentials(Mode.DEVICE, "device", user_input)

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """The credentials stopped working."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask only for the new secret(s); keep the server and everything else."""
        entry = self._get_reauth_entry()
        return await self._async_step_credentials(
            Mode(entry.data[CONF_MODE]), "reauth_confirm", user_input, entry.data
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the server and the credentials (an empty secret keeps the current one)."""
        entry = self._get_reconfigure_entry()
        return await self._async_step_credentials(
            Mode(entry.data[CONF_MODE]), "reconfigure", user_input, entry.data
        )

    async def _async_step_credentials(
        self,
        mode: Mode,
        step_id: str,
        user_input: dict[str, Any] | None,
        current: Mapping[str, Any] | None = None,
    ) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        suggested = dict(user_input or {})
        if user_input is not None:
            data = {**(current or {}), **_filled(user_input), CONF_MODE: mode}
            try:
                validated = await self._validate(mode, data)
            except InvalidInputError as err:
                errors[err.field] = err.error
                placeholders.update(err.placeholders)
                if err.error == "wrong_region":
                    suggested[CONF_HOST] = err.placeholders["host"]
            else:
                return await self._async_finish(mode, validated, data)
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                _credentials_schema(mode, step_id, current), suggested or _safe(current)
            ),
            errors=errors,
            description_placeholders={"title": self._title(), **placeholders},
        )

    def _existing_entry(self) -> BlynkConfigEntry | None:
        """The entry a reauth or reconfigure flow changes."""
        if self.source == SOURCE_REAUTH:
            return self._get_reauth_entry()
        if self.source == SOURCE_RECONFIGURE:
            return self._get_reconfigure_entry()
        return None

    def _title(self) -> str:
        entry = self._existing_entry()
        return entry.title if entry else ""

    async def _async_finish(
        self, mode: Mode, validated: Validated, data: dict[str, Any]
    ) -> ConfigFlowResult:
        """Create the entry, or update it: its unique ID never changes (see `_same_account`)."""
        data = {**data, **validated.data, CONF_HOST: validated.host}
        data.pop(CONF_NAME, None)
        if (entry := self._existing_entry()) is None:
            await self.async_set_unique_id(validated.unique_id)
            self._abort_if_unique_id_configured()
            self._abort_if_configured(data, validated.unique_id)
            if mode is Mode.DEVICE:
                self._abort_if_in_organization(data[CONF_TOKEN])
            return self.async_create_entry(title=validated.title, data=data)
        if mode is Mode.ORGANIZATION:
            if organization_id(validated.unique_id) != organization_id(entry.unique_id) or (
                validated.devices is not None
                and not self._lists_known_devices(entry, validated.devices)
            ):
                return self.async_abort(reason="wrong_account")
        elif data[CONF_TOKEN] != entry.data[CONF_TOKEN]:
            # Another token: the same device regenerated it, or it is another device.
            self._abort_if_configured(data, validated.unique_id)
            known = DeviceIdentity.from_data(entry.data.get(CONF_IDENTITY))
            found = DeviceIdentity.read_data(data)
            # An entry made before identities were kept cannot tell: the user does.
            match Match.UNSURE if known is None else known.compare(found):
                case Match.OTHER:
                    return self.async_abort(
                        reason="wrong_device",
                        description_placeholders={
                            "title": entry.title,
                            **_identity_placeholders(found),
                        },
                    )
                case Match.UNSURE:
                    self._abort_if_in_organization(data[CONF_TOKEN])
                    self._pending = data
                    return await self.async_step_confirm_device()
        self._abort_if_configured(data, validated.unique_id)
        if mode is Mode.DEVICE:
            self._abort_if_in_organization(data[CONF_TOKEN])
        return self.async_update_reload_and_abort(entry, data=data)

    def _lists_known_devices(self, entry: BlynkConfigEntry, listed: Mapping[int, str]) -> bool:
        """Whether a listing holds one of the entry's devices, by Blynk id and name.

        An entry without devices yet has nothing to lose, and so nothing to compare.
        """
        listed_keys = {
            organization_device_key(entry.unique_id or "", device_id): name
            for device_id, name in listed.items()
        }
        known = [
            (key, device.name)
            for device in dr.async_entries_for_config_entry(dr.async_get(self.hass), entry.entry_id)
            for domain, key in device.identifiers
            if domain == DOMAIN
        ]
        return not known or any(listed_keys.get(key) == name for key, name in known)

    async def async_step_confirm_device(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The Device API cannot tell whether a new token is this entry's device: ask."""
        entry = self._existing_entry()
        assert entry is not None  # a reauth or reconfigure flow
        assert self._pending is not None  # set before
        if user_input is not None:
            return self.async_update_reload_and_abort(entry, data=self._pending)
        found = DeviceIdentity.read_data(self._pending)
        return self.async_show_form(
            step_id="confirm_device",
            description_placeholders={"title": entry.title, **_identity_placeholders(found)},
        )

    def _abort_if_configured(self, data: Mapping[str, Any], unique_id: str) -> None:
        """Abort when another entry holds this account (see `_same_account`)."""
        current = self._existing_entry()
        for other in self._async_current_entries(include_ignore=False):
            if other is not current and _same_account(other, data, unique_id):
                raise AbortFlow("already_configured")

    def _abort_if_in_organization(self, token: str) -> None:
        """An organization entry has this device already: a device entry would copy it.

        What the organization's latest discovery listed is compared, by token digest; a device
        it has not listed yet is told by its next discovery (a repair issue).
        """
        digest = token_digest(token)
        for entry, device in async_organization_devices(self.hass):
            if device.token_digest == digest:
                raise AbortFlow(
                    "device_in_organization",
                    description_placeholders={"organization": entry.title, "device": device.name},
                )

    async def _validate(self, mode: Mode, data: Mapping[str, Any]) -> Validated:
        """Make a real call with the credentials; map each failure to an actionable error."""
        try:
            server = BlynkServer.parse(str(data.get(CONF_HOST, "")))
        except BlynkInvalidHostError as err:
            raise InvalidInputError("invalid_host", CONF_HOST) from err
        moved: list[BlynkServer] = []
        check = self._validate_organization if mode is Mode.ORGANIZATION else self._validate_device
        try:
            validated = await check(server, data, moved.append)
        except BlynkInvalidCredentialsError as err:
            # "Invalid token." may mean another region (Blynk's GeoDNS): look for it.
            region = await self._find_region(server, data) if mode is Mode.DEVICE else None
            if region is None:
                raise InvalidInputError("invalid_auth") from err
            return await self._in_region(mode, data, region)
        except BlynkError as err:
            raise self._input_error(err) from err
        if moved:  # Blynk answered 308: these credentials live in another region
            return await self._in_region(mode, data, moved[-1].host, validated)
        return validated

    @staticmethod
    def _input_error(err: BlynkError) -> InvalidInputError:
        """The form error for a failed check."""
        if isinstance(err, BlynkScopeError):
            return InvalidInputError("scope_not_enabled")
        if isinstance(err, BlynkConnectionError):
            return InvalidInputError("cannot_connect")
        LOGGER.exception("Unexpected answer from the Blynk server")
        return InvalidInputError("unknown")

    async def _in_region(
        self, mode: Mode, data: Mapping[str, Any], host: str, validated: Validated | None = None
    ) -> Validated:
        """Offer the right region; reauth has no server field, so it simply takes it."""
        if self.source != SOURCE_REAUTH:
            raise InvalidInputError("wrong_region", CONF_HOST, host=host)
        if validated is not None:
            return replace(validated, host=host)
        return await self._validate(mode, {**data, CONF_HOST: host})

    async def _validate_organization(
        self,
        server: BlynkServer,
        data: Mapping[str, Any],
        on_move: Callable[[BlynkServer], None],
    ) -> Validated:
        client = BlynkPlatformClient(
            async_get_clientsession(self.hass),
            server,
            data[CONF_CLIENT_ID],
            data[CONF_CLIENT_SECRET],
            on_server_change=on_move,
        )
        organization = await client.authenticate()
        devices = None
        entry = self._existing_entry()
        if (
            self.source == SOURCE_RECONFIGURE
            and entry
            and server.url != BlynkServer.parse(entry.data[CONF_HOST]).url
        ):
            # Another server (another host, or another port of this one) may hold another
            # organization with the same id: its devices tell.
            listing = await client.devices(
                include_sub_organizations=entry.options.get(CONF_INCLUDE_SUB_ORGANIZATIONS, False)
            )
            devices = {device.id: device.name for device in listing.items}
        return Validated(
            unique_id=f"{server.scope}:{organization.id}",
            title=organization.name,
            host=server.host,
            devices=devices,
        )

    async def _validate_device(
        self,
        server: BlynkServer,
        data: Mapping[str, Any],
        on_move: Callable[[BlynkServer], None],
    ) -> Validated:
        client = BlynkDeviceClient(
            async_get_clientsession(self.hass), server, data[CONF_TOKEN], on_server_change=on_move
        )
        await client.authenticate()
        identity = await DeviceIdentity.read(client)
        return Validated(
            unique_id=device_unique_id(data[CONF_TOKEN]),
            title=data.get(CONF_NAME) or identity.name or DEFAULT_DEVICE_NAME,
            host=server.host,
            data={CONF_IDENTITY: identity.as_data()},
        )

    async def _find_region(self, server: BlynkServer, data: Mapping[str, Any]) -> str | None:
        """Find the region of a token this Blynk.Cloud host called invalid (GeoDNS mix-ups)."""
        if server.host not in REGION_CANDIDATES:
            return None
        session = async_get_clientsession(self.hass)
        candidates = [host for host in REGION_CANDIDATES if host != server.host]

        async def accepts(host: str) -> bool:
            try:
                await BlynkDeviceClient(session, host, data[CONF_TOKEN]).authenticate()
            except BlynkError:
                return False
            return True

        answers = await asyncio.gather(*(accepts(host) for host in candidates))
        return next((host for host, ok in zip(candidates, answers, strict=True) if ok), None)


REGION_CANDIDATES: tuple[str, ...] = REGIONAL_HOSTS
"""Where a device token may live when the chosen Blynk.Cloud host says "Invalid token."."""


def _filled(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """Drop empty fields: an empty secret in reconfigure keeps the current one."""
    return {
        key: value.strip() if isinstance(value, str) else value
        for key, value in user_input.items()
        if value not in ("", None)
    }


def _safe(current: Mapping[str, Any] | None) -> dict[str, Any]:
    """What a form may show of an entry: never its secrets."""
    if current is None:
        return {CONF_HOST: DEFAULT_HOST}
    return {key: current[key] for key in (CONF_HOST, CONF_CLIENT_ID) if key in current}


def _credentials_schema(
    mode: Mode, step_id: str, current: Mapping[str, Any] | None
) -> probatio.Schema:
    """The form of a step: reauth asks for secrets only; an empty secret keeps the current one."""
    secret = CONF_CLIENT_SECRET if mode is Mode.ORGANIZATION else CONF_TOKEN
    keep_secret = step_id == "reconfigure"
    fields: dict[Any, Any] = {}
    if step_id != "reauth_confirm":
        fields[probatio.Required(CONF_HOST)] = _HOST_SELECTOR
    if mode is Mode.ORGANIZATION:
        fields[probatio.Required(CONF_CLIENT_ID)] = _TEXT
    fields[probatio.Optional(secret) if keep_secret else probatio.Required(secret)] = _SECRET
    if mode is Mode.DEVICE and current is None:
        fields[probatio.Optional(CONF_NAME)] = _TEXT
    return probatio.Schema(fields)


class BlynkOptionsFlow(CombineOptionsFlow):
    """Polling, sub-organizations, the entity each datastream becomes, combined entities."""

    def __init__(self) -> None:
        """Start with no datastream picked."""
        super().__init__()
        self._key: str | None = None

    @property
    def _mode(self) -> Mode:
        return Mode(self.config_entry.data[CONF_MODE])

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Choose what to change."""
        menu = ["settings", "datastreams", "combine"]
        if await self._server_profiles():
            menu.append("profiles")
        return self.async_show_menu(step_id="init", menu_options=menu)

    async def async_step_settings(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Polling interval, and in organization mode the sub-organizations' devices."""
        if user_input is not None:
            return self.async_create_entry(data={**self.config_entry.options, **user_input})
        mode = self._mode
        fields: dict[Any, Any] = {
            probatio.Required(
                CONF_SCAN_INTERVAL, default=DEFAULT_SCAN_INTERVAL[mode]
            ): probatio.All(
                NumberSelector(
                    NumberSelectorConfig(
                        min=MIN_SCAN_INTERVAL[mode],
                        max=MAX_SCAN_INTERVAL,
                        step=1,
                        unit_of_measurement="s",
                        mode=NumberSelectorMode.BOX,
                    )
                ),
                probatio.Coerce(int),
            )
        }
        if mode is Mode.ORGANIZATION:
            fields[probatio.Required(CONF_INCLUDE_SUB_ORGANIZATIONS, default=False)] = (
                BooleanSelector()
            )
            fields[probatio.Required(CONF_HISTORY_DAYS, default=DEFAULT_HISTORY_DAYS)] = (
                probatio.All(
                    NumberSelector(
                        NumberSelectorConfig(
                            min=0,
                            max=MAX_HISTORY_DAYS,
                            step=1,
                            unit_of_measurement="d",
                            mode=NumberSelectorMode.BOX,
                        )
                    ),
                    probatio.Coerce(int),
                )
            )
        return self.async_show_form(
            step_id="settings",
            data_schema=self.add_suggested_values_to_schema(
                probatio.Schema(fields), self.config_entry.options
            ),
        )

    async def async_step_datastreams(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick a datastream (device mode also takes a pin the device has not set yet)."""
        if self.config_entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="not_loaded")
        choices = _datastream_choices(self.config_entry)
        errors: dict[str, str] = {}
        if user_input is not None:
            key = user_input[CONF_DATASTREAM]
            if key not in choices and self._mode is Mode.DEVICE:
                try:
                    key = normalize_pin(key)
                except ValueError:
                    errors[CONF_DATASTREAM] = "invalid_pin"
            elif key not in choices:
                errors[CONF_DATASTREAM] = "unknown_datastream"
            if not errors:
                self._key = key
                return await self.async_step_datastream()
        return self.async_show_form(
            step_id="datastreams",
            data_schema=probatio.Schema(
                {
                    probatio.Required(CONF_DATASTREAM): SelectSelector(
                        SelectSelectorConfig(
                            options=[
                                SelectOptionDict(value=key, label=label)
                                for key, label in choices.items()
                            ],
                            custom_value=self._mode is Mode.DEVICE,
                            mode=SelectSelectorMode.DROPDOWN,
                            sort=True,
                        )
                    )
                }
            ),
            errors=errors,
        )

    async def async_step_datastream(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose the entity, and bounds, step and an ENUM's labels where the template has none."""
        assert self._key is not None  # set by the previous step
        current = self.config_entry.options.get(CONF_DATASTREAMS, {})
        errors: dict[str, str] = {}
        datastream = _datastream_for(self.config_entry, self._key)
        if user_input is not None:
            choice = {k: v for k, v in user_input.items() if v is not None and v != ""}
            errors = _choice_errors(datastream, choice)
            if not errors:
                if CONF_LABELS in choice:
                    choice[CONF_LABELS] = _labels(choice[CONF_LABELS])
                datastreams = {k: v for k, v in current.items() if k != self._key}
                if choice != {CONF_ENTITY: EntityKind.AUTO}:
                    datastreams[self._key] = choice
                return self.async_create_entry(
                    data={**self.config_entry.options, CONF_DATASTREAMS: datastreams}
                )
        kinds = ALL_KINDS if datastream is None else COMPATIBLE_KINDS[datastream.type]
        number = NumberSelector(NumberSelectorConfig(mode=NumberSelectorMode.BOX, step="any"))
        schema = probatio.Schema(
            {
                probatio.Required(CONF_ENTITY, default=EntityKind.AUTO): SelectSelector(
                    SelectSelectorConfig(
                        options=[EntityKind.AUTO, *kinds, EntityKind.NONE],
                        translation_key="entity_kind",
                        mode=SelectSelectorMode.DROPDOWN,
                    )
                ),
                probatio.Optional(CONF_MIN): number,
                probatio.Optional(CONF_MAX): number,
                probatio.Optional(CONF_STEP): NumberSelector(
                    NumberSelectorConfig(mode=NumberSelectorMode.BOX, min=0.000001, step="any")
                ),
                probatio.Optional(CONF_LABELS): _TEXT,
            }
        )
        stored = dict(current.get(self._key, {}))
        if CONF_LABELS in stored:
            stored[CONF_LABELS] = value_names_text(stored[CONF_LABELS])
        return self.async_show_form(
            step_id="datastream",
            data_schema=self.add_suggested_values_to_schema(schema, user_input or stored),
            errors=errors,
            description_placeholders={
                "datastream": _datastream_choices(self.config_entry).get(self._key, self._key)
            },
        )


def _datastream_choices(entry: BlynkConfigEntry) -> dict[str, str]:
    """Every datastream the entry knows, by options key, with a readable label."""
    runtime = entry.runtime_data
    choices: dict[str, str] = {}
    for device in runtime.discovery.data.values():
        for datastream in device.datastreams.values():
            key = runtime.backend.datastream_key(device, datastream)
            owner = device.model or device.name
            choices.setdefault(
                key, f"{owner} - {datastream.alias or datastream.label} ({datastream.pin})"
            )
    return choices


def _datastream_for(entry: BlynkConfigEntry, key: str) -> Datastream | None:
    """The datastream of an options key (None: a pin device mode has not seen yet)."""
    runtime = entry.runtime_data
    return next(
        (
            datastream
            for device in runtime.discovery.data.values()
            for datastream in device.datastreams.values()
            if runtime.backend.datastream_key(device, datastream) == key
        ),
        None,
    )


ALL_KINDS = (
    EntityKind.SENSOR,
    EntityKind.BINARY_SENSOR,
    EntityKind.SWITCH,
    EntityKind.NUMBER,
    EntityKind.TEXT,
    EntityKind.DEVICE_TRACKER,
)
"""What a pin device mode has not seen yet may become (a select needs a template's ENUM)."""


def _labels(text: str) -> dict[str, str]:
    """`0=Off, 1=On` as an ENUM's labels, by whole-number value; ValueError when it is not that."""
    labels: dict[str, str] = {}
    for value, name in parse_value_names(text).items():
        number = number_of(value)
        if number is None or not float(number).is_integer():
            raise ValueError(value)
        labels[str(int(number))] = name
    return labels


def _labels_error(datastream: Datastream | None, text: str) -> dict[str, str]:
    """What is wrong with labels given to this datastream (empty: nothing)."""
    if datastream is None or datastream.type is not DatastreamType.ENUM:
        return {CONF_LABELS: "labels_need_enum"}
    try:
        _labels(text)
    except ValueError:
        return {CONF_LABELS: "invalid_labels"}
    return {}


def _choice_errors(datastream: Datastream | None, choice: Mapping[str, Any]) -> dict[str, str]:
    """What is wrong with a datastream's entity choice: bounds, step and options must fit it."""
    low, high, step = choice.get(CONF_MIN), choice.get(CONF_MAX), choice.get(CONF_STEP)
    if low is not None and high is not None and low >= high:
        return {CONF_MAX: "max_not_above_min"}
    if CONF_LABELS in choice and (errors := _labels_error(datastream, choice[CONF_LABELS])):
        return errors
    if datastream is None:
        return {}
    if step is not None and not step_fits(datastream, step):
        # Blynk skips a fraction sent to a whole-number datastream: no step may offer one.
        return {CONF_STEP: "step_not_integer"}
    labels = _labels(choice[CONF_LABELS]) if CONF_LABELS in choice else {}
    given = Override.from_options({CONF_MIN: low, CONF_MAX: high, CONF_LABELS: labels})
    if choice.get(CONF_ENTITY) == EntityKind.SELECT and not enum_options(datastream, given):
        return {CONF_ENTITY: "select_without_options"}
    return {}
