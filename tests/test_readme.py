"""Every example of the README runs, as written, against the demo, and does what it says.

The examples are read from README.md: each is a YAML block right after an HTML comment
`<!-- example: NAME -->`, so the README and these tests cannot drift apart. They run through
Home Assistant's public interfaces (the websocket's `execute_script`, as Developer tools →
Actions does; the script, automation and logger integrations; the history and statistics
APIs a dashboard reads), against the emulator serving the demo scenario.
"""

from datetime import timedelta
import logging
from pathlib import Path
import re
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant, SupportsResponse
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator
import yaml

from custom_components.blynk_cloud.const import CONF_HISTORY_DAYS, DOMAIN
from emulator import Emulator

from .combined import BOUNDS_READINGS, readme_entry, with_bounds
from .conftest import advance, demo_device, setup_entry

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
EXAMPLE = re.compile(r"^<!-- example: (\w+) -->\n```yaml\n(.*?)^```$", re.MULTILINE | re.DOTALL)
EXAMPLES: dict[str, Any] = {name: yaml.safe_load(body) for name, body in EXAMPLE.findall(README)}
OTHER_EXAMPLES = {"automation", "dashboard_card", "debug_logs"}
"""The examples that are no action; each action's example is named after the action."""
GARDEN, RELAYS, CABIN = 1, 2, 6
"""Blynk ids of the demo devices the examples act on."""
HOUR_MS = 3_600_000


@pytest.fixture(params=BOUNDS_READINGS, ids=lambda reading: f"template_bounds={reading}")
def scenario(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The demo's templates with min and max, and as the Platform API's schema shows them."""
    return with_bounds(request.param)


@pytest.fixture
def organization_entry(
    organization_entry: MockConfigEntry, scenario: dict[str, Any]
) -> MockConfigEntry:
    """The demo organization; without template bounds, with the options the README asks for."""
    reading = scenario["variants"]["template_bounds"]
    return organization_entry if reading == "present" else readme_entry(organization_entry, reading)


def test_every_yaml_block_is_a_tested_example() -> None:
    assert len(EXAMPLE.findall(README)) == README.count("```yaml\n")
    assert len(EXAMPLES) == README.count("<!-- example: ")  # no name used twice
    assert set(EXAMPLES) >= OTHER_EXAMPLES


async def test_every_action_has_an_example(hass: HomeAssistant) -> None:
    assert await async_setup_component(hass, DOMAIN, {})
    actions = set(hass.services.async_services_for_domain(DOMAIN))
    assert actions
    for action in actions:
        steps = EXAMPLES[action].get("sequence", [EXAMPLES[action]])  # an action, or a script
        assert f"{DOMAIN}.{action}" in [step["action"] for step in steps]


async def run_action(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, name: str
) -> dict[str, Any] | None:
    """Run an action example as Developer tools → Actions does; return its response."""
    step = EXAMPLES[name]
    action = step["action"].removeprefix(f"{DOMAIN}.")
    sequence = [step]
    if hass.services.supports_response(DOMAIN, action) is not SupportsResponse.NONE:
        sequence = [
            {**step, "response_variable": "response"},
            {"stop": "done", "response_variable": "response"},
        ]
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "execute_script", "sequence": sequence})
    message = await client.receive_json()
    assert message["success"], message
    await hass.async_block_till_done()
    return message["result"]["response"]


async def test_set_value(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    emulator: Emulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    assert emulator.value(RELAYS, "v3") == 21.0
    await run_action(hass, hass_ws_client, "set_value")
    assert emulator.value(RELAYS, "v3") == 21.5
    assert hass.states.get("number.living_room_relays_setpoint").state == "21.5"


async def test_set_values(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    emulator: Emulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    assert hass.states.get("switch.living_room_relays_relay_2").state == "off"
    requests = emulator.count()
    await run_action(hass, hass_ws_client, "set_values")
    assert emulator.count() == requests + 1  # one request for both
    assert (emulator.value(RELAYS, "v1"), emulator.value(RELAYS, "v3")) == (1, 19.5)
    assert hass.states.get("switch.living_room_relays_relay_2").state == "on"
    assert hass.states.get("number.living_room_relays_setpoint").state == "19.5"


async def test_set_property(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    emulator: Emulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    await run_action(hass, hass_ws_client, "set_property")
    assert emulator.properties == {(GARDEN, 1): {"color": "#D3435C"}}


async def test_import_history(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    emulator: Emulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    response = await run_action(hass, hass_ws_client, "import_history")
    assert response == {"points": 2, "requests": 1}
    now = int(dt_util.utcnow().timestamp() * 1000)  # the templates' now()
    assert emulator.history(GARDEN, "v1")[-2:] == [(now - 2 * HOUR_MS, 19.5), (now - HOUR_MS, 19.7)]


async def test_get_history_script_notifies_the_readings(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    emulator: Emulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    script = EXAMPLES["get_history"]
    assert await async_setup_component(hass, "persistent_notification", {})
    assert await async_setup_component(hass, "script", {"script": {"garden_history": script}})
    await hass.services.async_call("script", "garden_history", blocking=True)
    await hass.async_block_till_done()

    now = int(dt_util.utcnow().timestamp() * 1000)  # the templates' now()
    readings = [v for ts, v in emulator.history(GARDEN, "v1") if now - 24 * HOUR_MS <= ts <= now]
    assert len(readings) >= 3  # the demo keeps a reading every 6 hours
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "persistent_notification/get"})
    notifications = (await client.receive_json())["result"]
    assert [(n["title"], n["message"]) for n in notifications] == [
        (
            "Garden temperature, last 24 hours",
            f"{len(readings)} readings, highest {max(readings)} °C",
        )
    ]


async def test_batch_update(
    hass: HomeAssistant,
    organization: MockConfigEntry,
    emulator: Emulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    response = await run_action(hass, hass_ws_client, "batch_update")
    assert response == {"skipped": {}, "reasons": [], "requests": 1}
    assert emulator.value(GARDEN, "v4") == emulator.value(CABIN, "v4") == "Maintenance"
    assert hass.states.get("sensor.garden_weather_status").state == "Maintenance"
    assert hass.states.get("sensor.cabin_weather_status").state == "Maintenance"


async def test_import_statistics(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    emulator: Emulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    # No import after setup: the example is what fills the statistics.
    organization_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(organization_entry, options={CONF_HISTORY_DAYS: 0})
    await setup_entry(hass, organization_entry)
    entity_id = EXAMPLES["import_statistics"]["data"]["entity_id"]

    response = await run_action(hass, hass_ws_client, "import_statistics")
    await async_wait_recording_done(hass)

    # An hour with a reading in the last 7 days, up to the current hour, is an hour of statistics.
    now = dt_util.utcnow()
    start = int((now - timedelta(days=7)).timestamp() * 1000) // HOUR_MS * HOUR_MS
    current_hour = int(now.timestamp() * 1000) // HOUR_MS * HOUR_MS
    hours = {
        ts // HOUR_MS * HOUR_MS: value
        for ts, value in emulator.history(GARDEN, "v1")
        if start <= ts < current_hour
    }
    assert len(hours) >= 10
    assert response == {"hours": len(hours), "entities": 1}
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "recorder/statistics_during_period",
            "start_time": (now - timedelta(days=8)).isoformat(),
            "statistic_ids": [entity_id],
            "period": "hour",
            "types": ["mean"],
        }
    )
    rows = (await client.receive_json())["result"][entity_id]
    assert {row["start"]: row["mean"] for row in rows} == pytest.approx(hours)


async def test_import_statistics_after_the_automatic_import(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """As the README says: right after setup, the example finds its hours already imported."""
    await setup_entry(hass, organization_entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    await async_wait_recording_done(hass)

    response = await run_action(hass, hass_ws_client, "import_statistics")

    assert response == {"hours": 0, "entities": 1}


async def test_automation_switches_the_relay(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    organization: MockConfigEntry,
    emulator: Emulator,
) -> None:
    assert await async_setup_component(hass, "automation", {"automation": EXAMPLES["automation"]})
    await hass.async_block_till_done()
    assert hass.states.get("automation.frost_guard_on_when_the_garden_is_cold").state == "on"
    relay = "switch.living_room_relays_relay_2"
    assert hass.states.get(relay).state == "off"

    emulator.set_value(GARDEN, "v1", 4.0)  # cold, not yet cold enough
    await advance(hass, freezer, 30)
    assert hass.states.get("sensor.garden_weather_temperature").state == "4.0"
    assert (hass.states.get(relay).state, emulator.value(RELAYS, "v1")) == ("off", 0)

    emulator.set_value(GARDEN, "v1", 2.5)
    await advance(hass, freezer, 30)
    assert hass.states.get("sensor.garden_weather_temperature").state == "2.5"
    assert (hass.states.get(relay).state, emulator.value(RELAYS, "v1")) == ("on", 1)


async def test_dashboard_card_shows_the_tracker_and_the_history(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    organization_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    assert await async_setup_component(hass, "history", {})
    await setup_entry(hass, organization_entry)
    await async_wait_recording_done(hass)
    stack = EXAMPLES["dashboard_card"]
    cards = {card["type"]: card for card in stack["cards"]}
    assert (stack["type"], set(cards)) == ("vertical-stack", {"map", "history-graph"})

    # The map places each tracker where the car reported it ([longitude, latitude] in Blynk).
    longitude, latitude = demo_device("Car tracker")["values"]["1"]
    for entity_id in cards["map"]["entities"]:
        state = hass.states.get(entity_id)
        assert state is not None, entity_id
        assert (state.attributes["latitude"], state.attributes["longitude"]) == (
            latitude,
            longitude,
        )

    # The history graph draws what the history API gives for its entities and hours.
    graph = cards["history-graph"]
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "history/history_during_period",
            "start_time": (dt_util.utcnow() - timedelta(hours=graph["hours_to_show"])).isoformat(),
            "entity_ids": graph["entities"],
            "minimal_response": True,
            "no_attributes": True,
        }
    )
    history = (await client.receive_json())["result"]
    assert set(history) == set(graph["entities"])
    for entity_id, states in history.items():
        current = hass.states.get(entity_id)
        assert current is not None
        assert float(states[-1]["s"]) == float(current.state), entity_id


@pytest.fixture
def restore_logging() -> Any:
    """Undo what the logger integration sets process-wide."""
    logger = logging.getLogger("custom_components.blynk_cloud")
    level = logger.level
    yield
    logging.setLoggerClass(logging.Logger)
    logger.setLevel(level)


async def test_debug_logs(hass: HomeAssistant, restore_logging: None) -> None:
    logger = logging.getLogger("custom_components.blynk_cloud")
    assert logger.level != logging.DEBUG
    assert await async_setup_component(hass, "logger", EXAMPLES["debug_logs"])
    assert logger.level == logging.DEBUG
