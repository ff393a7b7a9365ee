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
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)
import probatio

from .api import BlynkServer, Datastream, DatastreamType, normalize_pin
from .backend import DEVICE_MODE_TEMPLATE_KEY
from .combination import (
    COMBINED_PLATFORMS,
    NAMED,
    ROLES,
    PartKind,
    mismatches,
    parse as parse_combination,
)
from .const import CONF_COMBINED, CONF_DISABLED_PROFILES, CONF_MODE, Mode
from .coordinator import BlynkConfigEntry
from .mapping import Override, bounds, step_fits
from .profiles import Profile, async_get_profiles

CONF_TEMPLATE = "template"
CONF_PLATFORM = "platform"
CONF_KEEP_ENTITIES = "keep_entities"
CONF_REMOVE = "remove"
CONF_PROFILES = "profiles"
OPTIONS_SUFFIX = "_options"
_RANGED = (PartKind.RANGE, PartKind.SETTING)
BOUNDS = ("min", "max", "step")
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
        self._pending: tuple[dict[str, Any], Mapping[str, Any] | None] = ({}, None)
        """The combination the parts step chose, and the stored one it replaces."""

    @property
    def _combined_key(self) -> str:
        """The combination's key: its platform, and its name where it has one."""
        if self._name is None:
            return str(self._platform)
        return f"{self._platform}_{_slug(self._name)}"

    @property
    def _entity(self) -> str:
        """What the parts and ranges steps are about: the name given, else the domain.

        Placeholders are plain text that the frontend does not translate: a domain such as
        `climate` reads the same in every language.
        """
        return self._name or str(self._platform)

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
        current = next(
            (
                item
                for item in self.config_entry.options.get(CONF_COMBINED, {}).get(self._template, [])
                if item["key"] == self._combined_key
            ),
            None,
        )
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            if user_input.get(CONF_REMOVE):
                return self._save_combined(None)
            data = self._combination_data(user_input, errors)
            if not errors:
                self._check(data, datastreams, errors, placeholders)
            if not errors:
                self._pending = (data, current)
                if _ranged(data):
                    return await self.async_step_combine_ranges()
                return self._save_combined(data)
        return self.async_show_form(
            step_id="combine_parts",
            data_schema=self.add_suggested_values_to_schema(
                self._parts_schema(datastreams, current is not None),
                user_input if user_input is not None else _suggested(current),
            ),
            errors=errors,
            description_placeholders={
                "entity": self._entity,
                "template": _templates(self.config_entry).get(self._template, self._template),
                "names": placeholders.get("names", ""),
                "parts": placeholders.get("parts", ""),
            },
        )

    async def async_step_combine_ranges(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Bounds and step of each range and setting, suggested from the template."""
        data, current = self._pending
        datastreams = _template_datastreams(self.config_entry, self._template)
        given = {role: self._given(role, data["parts"][role]["pin"]) for role in _ranged(data)}
        errors: dict[str, str] = {}
        if user_input is not None:
            _apply_ranges(data, given, user_input)
            self._check(data, datastreams, errors, {})
            if not errors:
                errors = self._range_errors(data, given)
            if not errors:
                return self._save_combined(data)
        fields, suggestions = _ranges_form(data, current, given)
        return self.async_show_form(
            step_id="combine_ranges",
            data_schema=self.add_suggested_values_to_schema(
                fields, user_input if user_input is not None else suggestions
            ),
            errors=errors,
            description_placeholders={"entity": self._entity},
        )

    def _given(self, role: str, pin: str) -> Override:
        """A part's bounds and step without its own: the options', else the template's.

        Device mode knows no bounds: a range takes its role's default range there.
        """
        runtime = self.config_entry.runtime_data
        device = next(
            device
            for device in runtime.discovery.data.values()
            if runtime.backend.template_key(device) == self._template
        )
        datastream = device.datastreams.get(pin) or Datastream(
            id=None, label=pin.upper(), pin=pin, type=DatastreamType.DOUBLE
        )
        override = runtime.plan.override(device, datastream)
        default = ROLES[self._platform][role].default_range
        if runtime.backend.mode is Mode.ORGANIZATION or default is None:
            low, high = bounds(datastream, override)
        else:
            low, high = bounds(datastream, override, default=default)
        return Override(min=low, max=high, step=override.step)

    def _range_errors(
        self, data: Mapping[str, Any], given: Mapping[str, Override]
    ) -> dict[str, str]:
        """Bounds that are missing (organization mode), or a step the datastream cannot take."""
        datastreams = _template_datastreams(self.config_entry, self._template)
        organization = self.config_entry.data[CONF_MODE] == Mode.ORGANIZATION
        errors: dict[str, str] = {}
        for role, known in given.items():
            part = data["parts"][role]
            low, high = (part.get(bound, getattr(known, bound)) for bound in ("min", "max"))
            if low is not None and high is not None and low >= high:
                errors[f"{role}_max"] = "max_not_above_min"
            elif organization and (low is None or high is None):
                # Without bounds a speed or a target has no scale: Blynk would clamp the
                # writes to bounds Home Assistant does not know, and show them wrong.
                errors[f"{role}_min" if low is None else f"{role}_max"] = "range_needed"
            datastream = datastreams.get(part["pin"])
            chosen = part.get("step")
            if datastream is not None and chosen is not None and not step_fits(datastream, chosen):
                errors[f"{role}_step"] = "step_not_integer"
        return errors

    async def _server_profiles(self) -> list[Profile]:
        """The product profiles of the entry's server (the menu offers them only if any)."""
        server = BlynkServer.parse(self.config_entry.data[CONF_HOST])
        return [p for p in await async_get_profiles(self.hass) if p.serves(server)]

    async def async_step_profiles(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Switch the product profiles of the entry's server on or off."""
        profiles = await self._server_profiles()
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
            if spec.kind in NAMED:
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
            if spec.kind in NAMED and (text := user_input.get(f"{role}{OPTIONS_SUFFIX}")):
                try:
                    part["options"] = parse_value_names(str(text))
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
            elif path[-1] in BOUNDS:
                field = f"{field}_{path[-1]}"
            errors[field] = first.translation_key or "invalid_combination"
            placeholders.update({k: str(v) for k, v in (first.placeholders or {}).items()})
            return
        organization = self.config_entry.data[CONF_MODE] == Mode.ORGANIZATION
        for role, why in mismatches(combination, datastreams).items():
            if why == "no_options":  # the datastream has no labels that name the values
                errors[f"{role}{OPTIONS_SUFFIX}"] = "options_required"
            elif organization:
                # Device mode only guesses types from values: any datastream may play a part.
                errors[role] = {"missing": "unknown_datastream", "wrong_type": "wrong_type"}[why]

    def _save_combined(self, data: dict[str, Any] | None) -> ConfigFlowResult:
        """Store a combination in place of the one of its key (None: remove that one)."""
        combined = {
            key: list(items)
            for key, items in self.config_entry.options.get(CONF_COMBINED, {}).items()
        }
        items = [
            item for item in combined.get(self._template, []) if item["key"] != self._combined_key
        ]
        if data is not None:
            items.append(data)
        combined[self._template] = sorted(items, key=lambda item: item["key"])
        if not combined[self._template]:
            del combined[self._template]
        return self.async_create_entry(data={**self.config_entry.options, CONF_COMBINED: combined})


def _apply_ranges(
    data: Mapping[str, Any], given: Mapping[str, Override], user_input: Mapping[str, Any]
) -> None:
    """Store the bounds and steps the user changed in the parts; the others stay unset."""
    for role, known in given.items():
        part = data["parts"][role]
        for bound in BOUNDS:
            value = user_input.get(f"{role}_{bound}")
            if value is None or value == getattr(known, bound):
                part.pop(bound, None)  # what the options or the template say stays in force
            else:
                part[bound] = value


def _ranges_form(
    data: Mapping[str, Any], current: Mapping[str, Any] | None, given: Mapping[str, Override]
) -> tuple[probatio.Schema, dict[str, Any]]:
    """The fields of the ranges step, and their suggested values (stored, else given)."""
    number = NumberSelector(NumberSelectorConfig(mode=NumberSelectorMode.BOX, step="any"))
    step = NumberSelector(
        NumberSelectorConfig(mode=NumberSelectorMode.BOX, min=0.000001, step="any")
    )
    stored = current["parts"] if current is not None else {}
    fields: dict[Any, Any] = {}
    suggestions: dict[str, Any] = {}
    for role, known in given.items():
        own = stored.get(role, {})
        if own.get("pin") != data["parts"][role]["pin"]:
            own = {}
        for bound in BOUNDS:
            fields[probatio.Optional(f"{role}_{bound}")] = step if bound == "step" else number
            if (value := own.get(bound, getattr(known, bound))) is not None:
                suggestions[f"{role}_{bound}"] = value
    return probatio.Schema(fields), suggestions


def _ranged(data: Mapping[str, Any]) -> list[str]:
    """The roles of a combination's data that are ranges or settings (they have bounds)."""
    roles = ROLES[Platform(data["platform"])]
    return [role for role in data["parts"] if roles[role].kind in _RANGED]


def _slug(name: str) -> str:
    return _SLUG.sub("", name.lower())[:MAX_KEY_SUFFIX]


def parse_value_names(text: str) -> dict[str, str]:
    """`0=off, 1=heat` (or `0: off`) as a mapping; ValueError when it is not one."""
    options: dict[str, str] = {}
    for item in text.split(","):
        if not item.strip():
            continue
        if (match := _PAIR.match(item)) is None:
            raise ValueError(item)
        options[match.group(1)] = match.group(2)
    return options


def value_names_text(options: Mapping[str, str]) -> str:
    """A mapping of values to names as the forms show it: `0=off, 1=heat`."""
    return ", ".join(f"{value}={name}" for value, name in options.items())


def _suggested(current: Mapping[str, Any] | None) -> dict[str, Any]:
    """The form's values for a stored combination."""
    if current is None:
        return {}
    values: dict[str, Any] = {CONF_KEEP_ENTITIES: current.get(CONF_KEEP_ENTITIES, False)}
    for role, part in current["parts"].items():
        values[role] = part["pin"]
        if "options" in part:
            values[f"{role}{OPTIONS_SUFFIX}"] = value_names_text(part["options"])
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
