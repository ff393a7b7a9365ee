"""Scenario loading and validation."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from emulator import Emulator, ScenarioError, bundled_scenarios, load_scenario
from emulator.variants import VARIANTS

from .helpers import BASE_TIME, FakeClock, tiny_scenario


def test_bundled_demo() -> None:
    assert "demo" in bundled_scenarios()
    demo = load_scenario("demo")
    assert demo["regions"] == [
        "fra1",
        "ny3",
        "dashboard.windmillair.com",
        "raymote.raypak.com",
        "microclimate.blynk.cc",
    ]
    assert len(demo["devices"]) == 15
    assert {client["platform_api"] for client in demo["oauth_clients"]} == {True, False}
    assert [d["id"] for d in demo["devices"] if d["region"] == "ny3"] == [6]
    assert all(len(d["token"]) == 32 for d in demo["devices"])
    assert load_scenario("demo") == demo  # deterministic


def test_demo_templates_match_the_brief() -> None:
    emu = Emulator("demo")
    templates = {t.name: t for t in emu.world.templates.values()}
    weather = templates["Weather Station"].by_label
    assert (
        weather["Temperature"].type,
        weather["Temperature"].minimum,
        weather["Temperature"].maximum,
    ) == ("DOUBLE", -40, 85)
    assert weather["Humidity"].type == "INT"
    assert weather["Status"].type == "STRING"
    relay = templates["Relay Board"].by_label
    assert relay["Pump"].type == "BOOLEAN"
    assert relay["Setpoint"].definition["isForActions"] is True
    assert templates["GPS Tracker"].by_label["Location"].type == "LOCATION"
    thermostat = templates["Thermostat"].by_label
    assert thermostat["Mode"].type == "ENUM"
    assert thermostat["Display text"].definition["isForActions"] is True
    assert emu.world.orgs[659].parent_id == 658


def test_relative_history_is_anchored_at_load_time() -> None:
    emu = Emulator("demo", clock=FakeClock())
    points = emu.history(1, 1)
    assert points[-1][0] == int(BASE_TIME * 1000) - 6 * 3_600_000
    assert points[0][0] == int(BASE_TIME * 1000) - 72 * 3_600_000


def test_load_from_path_and_dict(tmp_path: Path) -> None:
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(tiny_scenario()))
    assert load_scenario(path) == tiny_scenario()
    assert load_scenario(str(path)) == tiny_scenario()
    source = tiny_scenario()
    loaded = load_scenario(source)
    loaded["regions"].append("x")
    assert source["regions"] == ["fra1"]  # a copy
    assert Emulator(path).world.devices[1].name == "Root device"


def test_load_errors(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no scenario 'missing'"):
        load_scenario("missing")
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(ScenarioError, match="not valid JSON"):
        load_scenario(broken)
    with pytest.raises(ScenarioError, match="not JSON data"):
        load_scenario({"regions": {1, 2}})
    listed = tmp_path / "list.json"
    listed.write_text("[]")
    with pytest.raises(ScenarioError, match="expected an object"):
        load_scenario(listed)


def mutate(change: Any) -> dict[str, Any]:
    scenario = copy.deepcopy(tiny_scenario())
    change(scenario)
    return scenario


def set_path(path: str, value: Any) -> Any:
    def change(scenario: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = scenario
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is DELETE:
            del target[last]
        else:
            target[int(last) if last.isdigit() else last] = value

    return change


DELETE = object()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (set_path("regions", []), "'regions' must be a non-empty list"),
        (set_path("regions", ["a", "a"]), "'regions' has duplicates"),
        (set_path("regions", DELETE), "'regions' is required"),
        (set_path("default_region", "x"), "'default_region' is not one of"),
        (set_path("variants", []), "'variants' must be an object"),
        (set_path("variants", {"redirect": "303"}), "variant 'redirect' has no reading '303'"),
        (set_path("variants", {"colour": "red"}), "no variant 'colour'"),
        (set_path("variants", {"redirect": 308}), "the reading must be a string"),
        (set_path("import_daily_limit", "many"), "'import_daily_limit' has the wrong type"),
        (set_path("import_daily_limit", True), "'import_daily_limit' has the wrong type"),
        (set_path("organizations", [1]), r"organizations\[0\]: expected an object"),
        (set_path("organizations.0.parentOrganizationId", 5), "unknown parentOrganizationId"),
        (
            set_path("organizations", [{"id": 1, "name": "a"}, {"id": 1, "name": "b"}]),
            "duplicate organization id",
        ),
        (
            set_path(
                "organizations",
                [
                    {"id": 1, "name": "a", "parentOrganizationId": 2},
                    {"id": 2, "name": "b", "parentOrganizationId": 1},
                ],
            ),
            "parent cycle",
        ),
        (set_path("oauth_clients.0.org_id", 9), "unknown org_id"),
        (set_path("oauth_clients.0.region", "ny3"), "unknown region"),
        (
            lambda s: s["oauth_clients"].append(
                {"client_id": "tiny-client", "client_secret": "x", "org_id": 1}
            ),
            "duplicate client_id",
        ),
        (set_path("templates.0.orgId", 9), "unknown orgId"),
        (set_path("templates.1.id", 10), "duplicate template id"),
        (set_path("templates.1.parentId", 99), "unknown parentId"),
        (set_path("templates.0.parentId", 11), "parent cycle"),
        (set_path("templates.0.parentId", 10), "parent cycle"),
        (set_path("templates.0.templateIds", [1]), "'templateIds' must hold strings"),
        (set_path("templates.0.datastreams.0.type", "FLOAT"), "unknown type"),
        (set_path("templates.0.datastreams.0.pinType", "SERIAL"), "unknown pinType"),
        (set_path("templates.0.datastreams.0.pin", 256), "'pin' must be within"),
        (set_path("templates.0.datastreams.0.min", "low"), "'min' must be a number"),
        (set_path("templates.0.datastreams.0.min", 5), None),  # fine alone
        (
            lambda s: s["templates"][0]["datastreams"][0].update(min=5, max=1),
            "'min' is greater than 'max'",
        ),
        (set_path("templates.0.datastreams.1.pin", 1), None),  # d1 vs v1: different pins
        (set_path("templates.0.datastreams.2.pin", 1), "duplicate id, pin or label"),
        (set_path("templates.0.datastreams.2.label", "Level"), "duplicate id, pin or label"),
        (set_path("templates.0.datastreams.0.defaultValue", "x"), "does not match datastream 1"),
        (set_path("templates.0.events", [{"name": "no code"}]), "'eventCode' is required"),
        (set_path("devices.0.templateId", 99), "unknown templateId"),
        (set_path("devices.0.orgId", 99), "unknown orgId"),
        (set_path("devices.1.id", 1), "duplicate device id"),
        (set_path("devices.1.token", "tiny-token-1"), "'token' must be unique"),
        (set_path("devices.1.token", ""), "'token' must be unique"),
        (set_path("devices.0.region", "ny3"), "unknown region"),
        (set_path("devices.0.values", {"9": 1}), "unknown datastream '9'"),
        (set_path("devices.0.values", {"v1": 1}), "unknown datastream 'v1'"),
        (set_path("devices.0.values", {"1": 1.5}), "does not match datastream 1"),
        (set_path("devices.0.history", {"1": 5}), "'history' of datastream 1 has the wrong type"),
        (set_path("devices.0.history", {"1": [[1, 2, 3]]}), "points are"),
        (set_path("devices.0.metafields", [{"id": 1, "name": "x"}]), "metafield id 1 is taken"),
        (
            set_path("devices.0.metafields", [{"id": 2, "name": "a"}, {"id": 2, "name": "b"}]),
            "metafield id 2 is taken",
        ),
    ],
)
def test_invalid_scenarios(change: Any, message: str | None) -> None:
    scenario = mutate(change)
    if message is None:
        load_scenario(scenario)
        return
    with pytest.raises(ScenarioError, match=message):
        load_scenario(scenario)


def test_defaults() -> None:
    emu = Emulator(tiny_scenario())
    assert emu.default_region == "fra1"
    assert emu.variants.as_dict() == {v.name: v.default for v in VARIANTS}
    assert emu.world.import_daily_limit == 100_000
    assert emu.world.export_daily_limit == 10
    client = emu.world.clients["tiny-client"]
    assert (client.platform_api, client.region) == (True, "fra1")
    device = emu.world.devices[1]
    assert (device.org_id, device.region, device.online) == (1, "fra1", False)
    assert emu.world.original_template_id(11) == 10
    ds = emu.world.templates[10].datastreams[1]
    assert (ds.alias, ds.pin_type, ds.pin_name) == ("Level", "VIRTUAL", "v1")
