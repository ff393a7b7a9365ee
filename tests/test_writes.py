"""The one write path: entities write as the actions do (their behaviour is tested per platform)."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "custom_components" / "blynk_cloud"


def _imports(module: Path) -> set[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    return {
        node.module or ""
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 1
    }


def test_entities_do_not_write_through_the_actions() -> None:
    """Entities and actions share `writes`; no entity module reaches into the actions module."""
    entity_modules = ["entity.py", "combined.py"] + [
        f"{platform}.py"
        for platform in (
            "binary_sensor", "climate", "cover", "device_tracker", "fan", "light", "number",
            "select", "sensor", "switch", "text", "valve", "water_heater",
        )
    ]  # fmt: skip
    for name in entity_modules:
        assert "services" not in _imports(PACKAGE / name), name
    assert "writes" in _imports(PACKAGE / "entity.py")
    assert "writes" in _imports(PACKAGE / "combined.py")
    assert "writes" in _imports(PACKAGE / "services.py")
