"""Options steps: combine datastreams into combined entities, and switch product profiles.

Organization mode combines per template (every device of the template gets the entity);
device mode per device. What is stored is the combination's data form (`combination.parse`),
the form product profiles use as well.
"""

from collections.abc import Mapping
import re
from typing import Any

from homeassistant.config_entries import ConfigEntryState, ConfigFlowResult, OptionsFlowWithReload
from homeassistant.const import CONF_HOST, CONF_NAME, Platform
from homeassistant.helpers.selector import (
    BooleanSelector,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)
import probatio

from .api import BlynkServer, Datastream, normalize_pin
from .backend import DEVICE_MODE_TEMPLATE_KEY
from .combination import COMBINED_PLATFORMS, ROLES, PartKind, mismatches, parse as parse_combination
from .const import CONF_COMBINED, CONF_DISABLED_PROFILES, CONF_MODE, Mode
from .coordinator import BlynkConfigEntry
from .profiles import async_get_profiles

CONF_TEMPLATE = "template"
CONF_PLATFORM = "platform"
CONF_KEEP_ENTITIES = "keep_entities"
CONF_REMOVE = "remove"
CONF_PROFILES = "profiles"
OPTIONS_SUFFIX = "_options"
_NAMED = (PartKind.CHOICE, PartKind.STATUS)
_PAIR = re.compile(r"^\s*([^=:]+?)\s*[=:]\s*(.+?)\s*$")
_SLUG = re.compile(r"[^a-z0-9]+")
MAX_KEY_SUFFIX = 16


class CombineOptionsFlow(OptionsFlowWithReload):
    """The options steps of combined entities and product profiles."""

    def __init__(self) -> None:
        """Nothing chosen yet."""
        self._template = DEVICE_MODE_TEMPLATE_KEY
        self._platform = Platform.CLIMATE
        self._name: str | None = None

    @property
    def _combined_key(self) -> str:
        """The combination's key: its platform, and its name where it has one."""
        if self._name is None:
            return str(self._platform)
        return f"{self._platform}_{_slug(self._name)}"

    async def async_step_combine(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose the template (organization mode), the platform and a name."""
        if self.config_entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="not_loaded")
        organization = self.config_entry.data[CONF_MODE] == Mode.ORGANIZATION
        templates = _templates(self.config_entry)
        errors: dict[str, str] = {}
        if user_input is not None:
            self._template = user_input.get(CONF_TEMPLATE, DEVICE_MODE_TEMPLATE_KEY)
            self._platform = Platform(user_input[CONF_PLATFORM])
            self._name = str(user_input.get(CONF_NAME, "")).strip() or None
            if self._name is not None and not _slug(self._name):
                errors[CONF_NAME] = "invalid_name"
            else:
                return await self.async_step_combine_parts()
        fields: dict[Any, Any] = {}
        if organization:
            fields[probatio.Required(CONF_TEMPLATE)] = SelectSelector(
                SelectSelectorConfig(
                    options=[
                        SelectOptionDict(value=key, label=label) for key, label in templates.items()
                    ],
                    mode=SelectSelectorMode.DROPDOWN,
                    sort=True,
                )
            )
        fields[probatio.Required(CONF_PLATFORM)] = SelectSelector(
            SelectSelectorConfig(
                options=[str(platform) for platform in COMBINED_PLATFORMS],
                translation_key="combined_platform",
                mode=SelectSelectorMode.DROPDOWN,
            )
        )
        fields[probatio.Optional(CONF_NAME)] = TextSelector()
        return self.async_show_form(
            step_id="combine",
            data_schema=probatio.Schema(fields),
            errors=errors,
            description_placeholders={"combined": _listing(self.config_entry, templates)},
        )

    async def async_step_combine_parts(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose the datastream of each part, and what the values of choices mean."""
        datastreams = _template_datastreams(self.config_entry, self._template)
        combined = {
            key: list(items)
            for key, items in self.config_entry.options.get(CONF_COMBINED, {}).items()
        }
        kept = [
            item for item in combined.get(self._template, []) if item["key"] != self._combined_key
        ]
        current = next(
            (
                item
                for item in combined.get(self._template, [])
                if item["key"] == self._combined_key
            ),
            None,
        )
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            if user_input.get(CONF_REMOVE):
                return self._save_combined(combined, kept)
            data = self._combination_data(user_input, errors)
            if not errors:
                self._check(data, datastreams, errors, placeholders)
            if not errors:
                return self._save_combined(combined, [*kept, data])
        return self.async_show_form(
            step_id="combine_parts",
            data_schema=self.add_suggested_values_to_schema(
                self._parts_schema(datastreams, current is not None),
                user_input if user_input is not None else _suggested(current),
            ),
            errors=errors,
            description_placeholders={
                "entity": self._name or str(self._platform),
                "template": _templates(self.config_entry).get(self._template, self._template),
                "names": placeholders.get("names", ""),
                "parts": placeholders.get("parts", ""),
            },
        )

    async def async_step_profiles(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Switch the product profiles of the entry's server on or off."""
        server = BlynkServer.parse(self.config_entry.data[CONF_HOST])
        profiles = [p for p in await async_get_profiles(self.hass) if p.serves(server)]
        if not profiles:
            return self.async_abort(
                reason="no_profiles", description_placeholders={"host": server.host}
            )
        disabled = set(self.config_entry.options.get(CONF_DISABLED_PROFILES, []))
        if user_input is not None:
            enabled = set(user_input[CONF_PROFILES])
            return self.async_create_entry(
                data={
                    **self.config_entry.options,
                    CONF_DISABLED_PROFILES: sorted(p.id for p in profiles if p.id not in enabled),
                }
            )
        return self.async_show_form(
            step_id="profiles",
            data_schema=probatio.Schema(
                {
                    probatio.Optional(
                        CONF_PROFILES, default=[p.id for p in profiles if p.id not in disabled]
                    ): SelectSelector(
                        SelectSelectorConfig(
                            options=[SelectOptionDict(value=p.id, label=p.name) for p in profiles],
                            multiple=True,
                            mode=SelectSelectorMode.LIST,
                        )
                    )
                }
            ),
            description_placeholders={"recognized": _recognized(self.config_entry)},
        )

    def _parts_schema(
        self, datastreams: Mapping[str, Datastream], editing: bool
    ) -> probatio.Schema:
        device_mode = self.config_entry.data[CONF_MODE] == Mode.DEVICE
        choices = [
            SelectOptionDict(value=pin, label=f"{ds.alias or ds.label} ({pin}, {ds.type})")
            for pin, ds in datastreams.items()
        ]
        fields: dict[Any, Any] = {}
        for role, spec in ROLES[self._platform].items():
            fields[probatio.Optional(role)] = SelectSelector(
                SelectSelectorConfig(
                    options=choices, custom_value=device_mode, mode=SelectSelectorMode.DROPDOWN
                )
            )
            if spec.kind in _NAMED:
                fields[probatio.Optional(f"{role}{OPTIONS_SUFFIX}")] = TextSelector()
        fields[probatio.Optional(CONF_KEEP_ENTITIES, default=False)] = BooleanSelector()
        if editing:
            fields[probatio.Optional(CONF_REMOVE, default=False)] = BooleanSelector()
        return probatio.Schema(fields)

    def _combination_data(
        self, user_input: Mapping[str, Any], errors: dict[str, str]
    ) -> dict[str, Any]:
        """The stored form of what the user chose; unreadable fields go into `errors`."""
        parts: dict[str, Any] = {}
        for role, spec in ROLES[self._platform].items():
            if not (pin := user_input.get(role)):
                continue
            try:
                part: dict[str, Any] = {"pin": normalize_pin(str(pin))}
            except ValueError:
                errors[role] = "invalid_pin"
                continue
            if spec.kind in _NAMED and (text := user_input.get(f"{role}{OPTIONS_SUFFIX}")):
                try:
                    part["options"] = _options(str(text))
                except ValueError:
                    errors[f"{role}{OPTIONS_SUFFIX}"] = "invalid_options"
            parts[role] = part
        data: dict[str, Any] = {
            "platform": str(self._platform),
            "key": self._combined_key,
            "parts": parts,
        }
        if self._name is not None:
            data[CONF_NAME] = self._name
        if user_input.get(CONF_KEEP_ENTITIES):
            data[CONF_KEEP_ENTITIES] = True
        return data

    def _check(
        self,
        data: dict[str, Any],
        datastreams: Mapping[str, Datastream],
        errors: dict[str, str],
        placeholders: dict[str, str],
    ) -> None:
        """What the combination model refuses, on the field it concerns."""
        try:
            combination = parse_combination(data)
        except probatio.Invalid as err:
            first = err.errors[0] if isinstance(err, probatio.MultipleInvalid) else err
            path = [str(step) for step in first.path]
            field = path[1] if len(path) > 1 else "base"
            if path[-1] == "options":
                field = f"{field}{OPTIONS_SUFFIX}"
            errors[field] = first.translation_key or "invalid_combination"
            placeholders.update({k: str(v) for k, v in (first.placeholders or {}).items()})
            return
        if self.config_entry.data[CONF_MODE] == Mode.ORGANIZATION:
            # Device mode only guesses types from values: there, any datastream may play a part.
            reasons = {"missing": "unknown_datastream", "wrong_type": "wrong_type"}
            errors.update(
                {role: reasons[why] for role, why in mismatches(combination, datastreams).items()}
            )

    def _save_combined(
        self, combined: dict[str, list[dict[str, Any]]], items: list[dict[str, Any]]
    ) -> ConfigFlowResult:
        combined[self._template] = sorted(items, key=lambda item: item["key"])
        if not combined[self._template]:
            del combined[self._template]
        return self.async_create_entry(data={**self.config_entry.options, CONF_COMBINED: combined})


def _slug(name: str) -> str:
    return _SLUG.sub("", name.lower())[:MAX_KEY_SUFFIX]


def _options(text: str) -> dict[str, str]:
    """`0=off, 1=heat` (or `0: off`) as a mapping; ValueError when it is not one."""
    options: dict[str, str] = {}
    for item in text.split(","):
        if not item.strip():
            continue
        if (match := _PAIR.match(item)) is None:
            raise ValueError(item)
        options[match.group(1)] = match.group(2)
    return options


def _options_text(options: Mapping[str, str]) -> str:
    return ", ".join(f"{value}={name}" for value, name in options.items())


def _suggested(current: Mapping[str, Any] | None) -> dict[str, Any]:
    """The form's values for a stored combination."""
    if current is None:
        return {}
    values: dict[str, Any] = {CONF_KEEP_ENTITIES: current.get(CONF_KEEP_ENTITIES, False)}
    for role, part in current["parts"].items():
        values[role] = part["pin"]
        if "options" in part:
            values[f"{role}{OPTIONS_SUFFIX}"] = _options_text(part["options"])
    return values


def _templates(entry: BlynkConfigEntry) -> dict[str, str]:
    """The templates of the entry's devices, by template key, with their names."""
    runtime = entry.runtime_data
    return {
        runtime.backend.template_key(device): device.model or device.name
        for device in runtime.discovery.data.values()
    }


def _template_datastreams(entry: BlynkConfigEntry, template: str) -> dict[str, Datastream]:
    runtime = entry.runtime_data
    found: dict[str, Datastream] = {}
    for device in runtime.discovery.data.values():
        if runtime.backend.template_key(device) == template:
            found.update(device.datastreams)
    return found


def _listing(entry: BlynkConfigEntry, templates: Mapping[str, str]) -> str:
    """The combined entities the options hold, for the form's description."""
    combined = entry.options.get(CONF_COMBINED, {})
    lines = [
        f"{templates.get(template, template)}: {item.get(CONF_NAME) or item['platform']}"
        for template, items in combined.items()
        for item in items
    ]
    return "; ".join(lines) or "-"


def _recognized(entry: BlynkConfigEntry) -> str:
    """Which devices a profile recognized, for the form's description."""
    if entry.state is not ConfigEntryState.LOADED:
        return "-"
    devices = entry.runtime_data.discovery.data.values()
    return "; ".join(f"{d.name}: {d.profile.name}" for d in devices if d.profile) or "-"
