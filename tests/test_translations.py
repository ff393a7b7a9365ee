"""Translations: every language has every English string, with the same placeholders."""

import json
from pathlib import Path
import re
from string import Formatter
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.translation import async_get_translations
import pytest

from custom_components.blynk_cloud.const import DOMAIN

TRANSLATIONS = Path(__file__).parent.parent / "custom_components/blynk_cloud/translations"
LANGUAGES = ("de", "es", "fr", "it", "nl", "pl", "pt-BR", "uk")
"""The languages Home Assistant users use most (issue 16), beside English."""
# Names Home Assistant's frontend and backend use for these languages' files.
_LANGUAGE_FILE = re.compile(r"^[a-z]{2,3}(-[A-Z][A-Za-z]+)?\.json$")


def _strings(node: Any, path: str = "") -> dict[str, str]:
    """Every string of a translation file, by its dotted key."""
    if isinstance(node, dict):
        return {
            key: text
            for name, child in node.items()
            for key, text in _strings(child, f"{path}.{name}" if path else name).items()
        }
    assert isinstance(node, str), f"{path}: not a string"
    return {path: node}


def _load(language: str) -> dict[str, str]:
    return _strings(json.loads((TRANSLATIONS / f"{language}.json").read_text(encoding="utf-8")))


def _placeholders(text: str) -> list[str]:
    return sorted(name for _, name, _, _ in Formatter().parse(text) if name is not None)


ENGLISH = _load("en")


def test_every_file_is_a_language_home_assistant_knows() -> None:
    files = {path.name for path in TRANSLATIONS.iterdir()}
    assert all(_LANGUAGE_FILE.match(name) for name in files), files
    assert {f"{language}.json" for language in (*LANGUAGES, "en")} <= files


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated(language: str) -> None:
    strings = _load(language)
    assert sorted(strings) == sorted(ENGLISH)
    assert not [key for key, text in strings.items() if not text.strip()]


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_are_the_english_ones(language: str) -> None:
    strings = _load(language)
    assert {
        key: _placeholders(text)
        for key, text in strings.items()
        if _placeholders(text) != _placeholders(ENGLISH[key])
    } == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_keys_keep_the_english_order(language: str) -> None:
    # Reviewers compare files side by side; the same order keeps a diff readable.
    assert list(_load(language)) == list(ENGLISH)


@pytest.mark.parametrize("language", ["en", *LANGUAGES])
def test_no_apostrophe_quotes_a_placeholder(language: str) -> None:
    # The frontend formats these strings as ICU messages, where an apostrophe before a brace
    # quotes it: the placeholder would then show as literal text.
    assert [key for key, text in _load(language).items() if re.search(r"'[{}]", text)] == []


@pytest.mark.parametrize("language", LANGUAGES)
async def test_home_assistant_serves_each_language(hass: HomeAssistant, language: str) -> None:
    """Through Home Assistant's own loader, as the frontend asks for them."""
    translated = await async_get_translations(hass, language, "config", [DOMAIN])
    key = f"component.{DOMAIN}.config.step.user.title"
    assert translated[key] == _load(language)["config.step.user.title"]
    assert translated[key] != ENGLISH["config.step.user.title"]
