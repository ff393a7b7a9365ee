"""The documentation's promises: the quality scale complete, the commands on the first screen.

The README's examples run in tests/test_readme.py.
"""

from pathlib import Path

import pytest
import yaml

from custom_components.blynk_cloud.const import DOMAIN

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
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
