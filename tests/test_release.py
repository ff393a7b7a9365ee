"""What a release is made of: one version everywhere, the licence, HACS's zip."""

import hashlib
import json
from pathlib import Path
import re
import tomllib

import yaml

ROOT = Path(__file__).parent.parent
MANIFEST = json.loads((ROOT / "custom_components/blynk_cloud/manifest.json").read_text())
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# The Apache License 2.0 as the Apache Software Foundation publishes it (LICENSE-2.0.txt).
APACHE_2_0_MD5 = "3b83ef96387f14655fc854ddc3c6bd57"


def test_manifest_pyproject_and_changelog_name_the_same_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", changelog, re.MULTILINE)
    assert versions, "CHANGELOG.md has no version section"
    assert MANIFEST["version"] == PROJECT["version"] == versions[0]


def test_license_is_the_one_pyproject_declares() -> None:
    assert PROJECT["license"] == "Apache-2.0"
    text = (ROOT / "LICENSE").read_bytes()
    assert hashlib.md5(text, usedforsecurity=False).hexdigest() == APACHE_2_0_MD5


def test_hacs_downloads_the_zip_the_release_workflow_publishes() -> None:
    hacs = json.loads((ROOT / "hacs.json").read_text())
    assert hacs["zip_release"] is True
    workflow = yaml.safe_load((ROOT / ".github/workflows/release.yml").read_text())
    steps = [step.get("run", "") for step in workflow["jobs"]["release"]["steps"]]
    build = next(run for run in steps if "git archive" in run)
    # The integration's own files at the zip's root, as HACS unpacks them.
    assert f"--output={hacs['filename']}" in build
    assert build.endswith(f':custom_components/{MANIFEST["domain"]}"')
    assert any("gh release create" in run and hacs["filename"] in run for run in steps)
    assert workflow[True]["push"]["tags"] == ["v*"]  # YAML 1.1 reads the key `on` as true
