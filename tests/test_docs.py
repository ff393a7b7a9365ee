"""The documentation's promises: the quality scale complete, the commands on the first screen.

The README's examples run in tests/test_readme.py.
"""

from datetime import timedelta
from pathlib import Path
import re

import pytest
import yaml

from custom_components.blynk_cloud.const import (
    DEVICE_REMOVAL_DISCOVERIES,
    DISCOVERY_INTERVAL,
    DOMAIN,
    OFFLINE_VALUES_MAX_AGE,
)

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


def test_claims_follow_the_code() -> None:
    """Where the quality scale and the README give a number, it is the code's."""
    scale = yaml.safe_load(
        (ROOT / "custom_components" / DOMAIN / "quality_scale.yaml").read_text(encoding="utf-8")
    )["rules"]
    minutes = DEVICE_REMOVAL_DISCOVERIES * DISCOVERY_INTERVAL // timedelta(minutes=1)
    stale = f"{DEVICE_REMOVAL_DISCOVERIES} complete discoveries ({minutes} min)"
    assert stale in scale["stale-devices"]["comment"]
    assert f"{minutes} minutes later ({DEVICE_REMOVAL_DISCOVERIES} discoveries)" in README
    hours = OFFLINE_VALUES_MAX_AGE // timedelta(hours=1)
    assert f"offline {hours} h" in scale["entity-unavailable"]["comment"]
    assert f"its newest report is at most {hours} hours old" in README
    # New datastreams of a new kind, and changed definitions, reload the entry.
    assert "reloads" in scale["dynamic-devices"]["comment"]
    for path in re.findall(r"tests/\w+\.py", yaml.safe_dump(scale)):
        assert (ROOT / path).exists(), path


@pytest.mark.parametrize("command", ["scripts/develop", "scripts/test"])
def test_readme_first_screen_names_the_commands(command: str) -> None:
    first_screen = README.split("\n---\n", 1)[0]
    assert f"`{command}`" in first_screen
