"""The documentation's promises: README examples valid, quality scale complete."""

from pathlib import Path
import re
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.setup import async_setup_component
import pytest
import yaml

from custom_components.blynk_cloud.const import DOMAIN

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS: list[Any] = [
    yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", README, re.DOTALL)
]
QUALITY_RULES = {
    "bronze": [
        "action-setup", "appropriate-polling", "brands", "common-modules",
        "config-flow-test-coverage", "config-flow", "dependency-transparency", "docs-actions",
        "docs-high-level-description", "docs-installation-instructions",
        "docs-removal-instructions", "docs-triggers", "docs-conditions", "entity-event-setup",
        "entity-unique-id", "has-entity-name", "runtime-data", "test-before-configure",
        "test-before-setup", "unique-config-entry",
    ],
    "silver": [
        "action-exceptions", "config-entry-unloading", "docs-configuration-parameters",
        "docs-installation-parameters", "entity-unavailable", "integration-owner",
        "log-when-unavailable", "parallel-updates", "reauthentication-flow", "test-coverage",
    ],
    "gold": [
        "devices", "diagnostics", "discovery", "discovery-update-info", "docs-data-update",
        "docs-examples", "docs-known-limitations", "docs-supported-devices",
        "docs-supported-functions", "docs-troubleshooting", "docs-use-cases", "dynamic-devices",
        "entity-category", "entity-device-class", "entity-disabled-by-default",
        "entity-translations", "exception-translations", "icon-translations",
        "reconfiguration-flow", "repair-issues", "stale-devices",
    ],
    "platinum": ["async-dependency", "inject-websession", "strict-typing"],
}  # fmt: skip


def _action_steps(block: Any) -> list[dict[str, Any]]:
    """The `blynk_cloud.*` action calls of a README example, standalone or in a script."""
    steps = block.get("sequence", [block]) if isinstance(block, dict) else []
    return [step for step in steps if str(step.get("action", "")).startswith(f"{DOMAIN}.")]


async def test_action_examples_match_the_schemas(hass: HomeAssistant) -> None:
    assert await async_setup_component(hass, DOMAIN, {})
    registered = hass.services.async_services_for_domain(DOMAIN)
    steps = [step for block in BLOCKS for step in _action_steps(block)]
    assert {step["action"].split(".")[1] for step in steps} == set(registered)
    for step in steps:
        registered[step["action"].split(".")[1]].schema(step["data"])
    scripts = [block for block in BLOCKS if isinstance(block, dict) and "sequence" in block]
    for script in scripts:
        cv.SCRIPT_SCHEMA(script["sequence"])


async def test_automation_example_loads(hass: HomeAssistant) -> None:
    automations = [block for block in BLOCKS if isinstance(block, dict) and "triggers" in block]
    assert len(automations) == 1
    assert await async_setup_component(hass, "automation", {"automation": automations})
    await hass.async_block_till_done()
    assert hass.states.get("automation.garden_lights_on_at_dusk") is not None


def test_dashboard_example_is_a_card() -> None:
    cards = [block for block in BLOCKS if isinstance(block, dict) and block.get("type")]
    assert [card["type"] for card in cards] == ["vertical-stack"]
    assert {card["type"] for card in cards[0]["cards"]} == {"map", "history-graph"}


def test_quality_scale_is_complete() -> None:
    scale = yaml.safe_load(
        (ROOT / "custom_components" / DOMAIN / "quality_scale.yaml").read_text(encoding="utf-8")
    )["rules"]
    expected = {rule for rules in QUALITY_RULES.values() for rule in rules}
    assert set(scale) == expected
    assert len(expected) == 54
    for rule, entry in scale.items():
        # Each done or exempt rule says where it is met, or why it does not apply, in one line.
        assert entry["status"] in ("done", "exempt"), rule
        assert entry["comment"].strip(), rule
        assert "\n" not in entry["comment"].strip(), rule


@pytest.mark.parametrize("command", ["scripts/develop", "scripts/test"])
def test_readme_first_screen_names_the_commands(command: str) -> None:
    first_screen = README.split("\n---\n", 1)[0]
    assert f"`{command}`" in first_screen
