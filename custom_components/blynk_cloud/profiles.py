"""Product profiles: known products on white-label Blynk servers, as data files.

A profile says how to recognize a product (its server, and its template or its pins), what
its pins are (device mode cannot learn names, types or ranges from the API), and which
combined entities it has. Profiles are JSON files in `profiles/`, checked against
`profiles/profile.schema.json` by the tests and by `parse` at runtime: a bad file is logged
and skipped, never fatal. Files in `<config>/blynk_cloud/profiles/` are read too, and replace
a bundled profile of the same id.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
import json
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util.hass_dict import HassKey
import probatio

from .api import BlynkServer, Datastream, DatastreamType, normalize_pin, number_of
from .combination import (
    NAMED,
    ROLES,
    TRANSLATION_KEY,
    Combination,
    mismatches,
    number,
    parse as parse_combination,
)
from .const import DOMAIN, LOGGER
from .mapping import AUTOMATIC, EntityKind, decide

PROFILE_DIR = Path(__file__).parent / "profiles"
SCHEMA_NAME = "profile.schema.json"
USER_PROFILE_DIR = f"{DOMAIN}/profiles"
"""Under the configuration directory: profiles of the user's own."""
LOCAL_SUFFIX = ".localhost"
"""A vendor's host under `.localhost` stands for that vendor's server run locally (RFC 6761:
such names only ever reach this machine), as the emulator serves it for development."""
PROFILES: HassKey[tuple[Profile, ...]] = HassKey(f"{DOMAIN}_profiles")


@dataclass(frozen=True, slots=True)
class Profile:
    """A known product: how to recognize it, its pins, and its combined entities."""

    id: str
    name: str
    manufacturer: str
    hosts: frozenset[str]
    templates: frozenset[str]
    """Template codes (`TMPL...`) or template names, lower case."""
    pins: frozenset[str]
    """Pins that together identify the product (device mode reads no template)."""
    without: frozenset[str]
    """Pins the product does not have: another product of the server with more pins has them."""
    datastreams: Mapping[str, Datastream]
    combined: tuple[Combination, ...]
    sources: tuple[str, ...]
    translation_keys: Mapping[str, str]
    """Pin -> the key of its entity's name (and states) in the translations (bundled only)."""

    def serves(self, server: BlynkServer) -> bool:
        """Whether the product lives on this server (or on its local stand-in)."""
        host = str(server.url.host)
        host = host.removesuffix(LOCAL_SUFFIX)
        return host in self.hosts

    def names_template(self, template_code: str | None, template_name: str | None) -> bool:
        """Whether the profile names the device's template (by its code or its name)."""
        return not self.templates.isdisjoint(
            name.lower() for name in (template_code, template_name) if name
        )

    def has_pins(self, pins: Iterable[str]) -> bool:
        """Whether a device's pins are this product's: all it needs, none it lacks."""
        pins = set(pins)
        return bool(self.pins) and self.pins <= pins and not self.without & pins

    def translation_key(self, datastream: Datastream, kind: EntityKind) -> str | None:
        """The key of a datastream's translated name, if the profile gives one.

        Only for the profile's own datastream, as the entity it becomes by default: another
        kind (chosen in the options) has no translation of that key.
        """
        pin = datastream.pin
        if self.datastreams.get(pin) != datastream or decide(datastream, AUTOMATIC).kind != kind:
            return None
        return self.translation_keys.get(pin)


def recognize(
    profiles: Iterable[Profile],
    pins: Iterable[str],
    template_code: str | None,
    template_name: str | None,
) -> Profile | None:
    """The profile a device is: the one naming its template, else the most specific pins."""
    ordered = sorted(profiles, key=lambda profile: (-len(profile.pins), profile.name))
    pins = set(pins)
    return next(
        (p for p in ordered if p.names_template(template_code, template_name)),
        next((p for p in ordered if p.has_pins(pins)), None),
    )


def _pins(value: Any) -> list[str]:
    try:
        return [normalize_pin(str(pin)) for pin in value]
    except ValueError as err:
        raise probatio.Invalid(str(err)) from err


def _integral(value: Any) -> int:
    """An ENUM value as a label's key writes it: a whole number (its text, in JSON)."""
    if (found := number_of(value)) is None or not float(found).is_integer():
        raise probatio.Invalid("expected a whole number")
    return int(found)


_DATASTREAM = probatio.Schema(
    {
        probatio.Required("label"): probatio.All(str, probatio.Length(min=1)),
        probatio.Required("type"): probatio.In([str(kind) for kind in DatastreamType]),
        probatio.Optional("units"): str,
        probatio.Optional("min"): number,
        probatio.Optional("max"): number,
        probatio.Optional("writable", default=False): bool,
        probatio.Optional("translation_key"): probatio.All(str, probatio.Match(TRANSLATION_KEY)),
        probatio.Optional("labels"): probatio.All(
            {_integral: probatio.All(str, probatio.Match(TRANSLATION_KEY))}, probatio.Length(min=1)
        ),
    }
)
PROFILE_SCHEMA = probatio.Schema(
    {
        probatio.Optional("$schema"): str,
        probatio.Required("id"): probatio.All(str, probatio.Match(r"^[a-z0-9_]{1,40}$")),
        probatio.Required("name"): probatio.All(str, probatio.Length(min=1)),
        probatio.Required("manufacturer"): probatio.All(str, probatio.Length(min=1)),
        probatio.Required("sources"): probatio.All([str], probatio.Length(min=1)),
        probatio.Required("match"): probatio.Schema(
            {
                probatio.Required("hosts"): probatio.All([str], probatio.Length(min=1)),
                probatio.Optional("templates", default=list): [str],
                probatio.Optional("pins", default=list): _pins,
                probatio.Optional("without", default=list): _pins,
            }
        ),
        probatio.Optional("datastreams", default=dict): {str: _DATASTREAM},
        probatio.Required("combined"): probatio.All(list, probatio.Length(min=1)),
    }
)
"""The runtime check of a profile file; `profile.schema.json` says the same for the tests."""


def parse(data: Any, *, bundled: bool = True) -> Profile:
    """A profile from its file's content; probatio.Invalid says what is wrong.

    Translation keys name the integration's own translations: a profile of the user's own
    (not `bundled`) is named by its labels.
    """
    checked = PROFILE_SCHEMA(data)
    match = checked["match"]
    if not match["templates"] and not match["pins"]:
        raise probatio.Invalid("a profile needs templates or pins to be recognized by")
    datastreams = {
        (pin := normalize_pin(key)): Datastream(
            id=None,
            label=spec["label"],
            pin=pin,
            type=DatastreamType(spec["type"]),
            units=spec.get("units"),
            min=spec.get("min"),
            max=spec.get("max"),
            writable=spec["writable"],
            labels=tuple(sorted(spec.get("labels", {}).items())),
        )
        for key, spec in checked["datastreams"].items()
    }
    combinations: list[Combination] = []
    for index, raw in enumerate(checked["combined"]):
        combination = parse_combination(raw)
        if not bundled:
            combination = replace(combination, translation_key=None)
        roles = ROLES[combination.platform]
        for role, part in combination.parts.items():
            if roles[role].kind in NAMED and not part.options:  # a profile says what it means
                raise probatio.Invalid(f"part {role}: no options", path=["combined", index])
        if datastreams and (wrong := mismatches(combination, datastreams)):
            role, reason = next(iter(wrong.items()))
            raise probatio.Invalid(f"part {role}: {reason}", path=["combined", index])
        combinations.append(combination)
    if len({combination.key for combination in combinations}) != len(combinations):
        raise probatio.Invalid("two combinations have the same key", path=["combined"])
    return Profile(
        id=checked["id"],
        name=checked["name"],
        manufacturer=checked["manufacturer"],
        hosts=frozenset(host.lower() for host in match["hosts"]),
        templates=frozenset(name.lower() for name in match["templates"]),
        pins=frozenset(match["pins"]),
        without=frozenset(match["without"]),
        datastreams=datastreams,
        combined=tuple(combinations),
        sources=tuple(checked["sources"]),
        translation_keys={
            normalize_pin(key): spec["translation_key"]
            for key, spec in checked["datastreams"].items()
            if bundled and "translation_key" in spec
        },
    )


def load_profiles(*directories: Path) -> tuple[Profile, ...]:
    """Every valid profile of these directories; a later one replaces an earlier of its id."""
    found: dict[str, Profile] = {}
    for directory in directories:
        for path in sorted(directory.glob("*.json")):
            if path.name == SCHEMA_NAME:
                continue
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                profile = parse(data, bundled=directory == PROFILE_DIR)
            except (OSError, ValueError, probatio.Invalid) as err:
                LOGGER.error("Product profile %s is not valid and is skipped: %s", path, err)
                continue
            found[profile.id] = profile
    return tuple(sorted(found.values(), key=lambda profile: profile.name))


async def async_get_profiles(hass: HomeAssistant) -> tuple[Profile, ...]:
    """The bundled and the user's profiles, read once per start."""
    if (profiles := hass.data.get(PROFILES)) is None:
        user_dir = Path(hass.config.path(USER_PROFILE_DIR))
        profiles = await hass.async_add_executor_job(load_profiles, PROFILE_DIR, user_dir)
        hass.data[PROFILES] = profiles
    return profiles
