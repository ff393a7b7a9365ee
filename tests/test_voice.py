"""Voice: every sentence of the README's Voice section, through Home Assistant's own agent.

Each sentence goes into the default conversation agent as text; the test checks the answer
the README promises, the entity's state and the value the emulator received. The setup
follows the README's advice: the demo's thermostat, fan, light and valve combined in the
options, the valve, a connectivity sensor and a person exposed, an alias on one sensor. The
README's warnings (what "online" and "connected" answer, a person named like a device) are
tested the same way.
"""

from collections.abc import Awaitable, Callable
from pathlib import Path
import re
from typing import Any

from homeassistant.components import conversation
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import entity_registry as er, intent
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from emulator import Emulator
from tests.combined import (
    BOUNDS_READINGS,
    CLIMATE,
    FAN_ENTITY,
    LIGHT_ENTITY,
    VALVE_ENTITY,
    readme_entry,
    with_bounds,
)
from tests.conftest import setup_entry

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
RELAY = "switch.living_room_relays_relay_1"
TEMPERATURE = "sensor.garden_weather_temperature"
HALLWAY_ONLINE = "binary_sensor.hallway_thermostat_connectivity"
CAR_ONLINE = "binary_sensor.car_tracker_connectivity"
CAR_TRACKER = "device_tracker.car_tracker_location"
PERSON = "person.family_car"
# Where the demo's car tracker is (Blynk sends [longitude, latitude]).
CAR_LONGITUDE, CAR_LATITUDE = 13.38886, 52.517037


def readme_rows(header: str) -> list[tuple[str, str]]:
    """The (sentence, answer) rows of the README's Voice table with this header row."""
    section = README.split("\n## Voice\n", 1)[1].split("\n## ", 1)[0]
    table = section.split(f"\n{header}\n", 1)[1].split("\n\n", 1)[0]
    rows = re.findall(r"^\| \*(.+?)\* \| (.+?) \|", table, re.MULTILINE)
    return [(sentence, answer) for sentence, answer in rows]


def voice_examples() -> list[tuple[str, str]]:
    """The sentences the README's Voice section promises, with their answers."""
    return readme_rows("| You say | Assist answers | With |")


def misunderstood_examples() -> list[tuple[str, str]]:
    """The README's questions about "online" and "connected", with the wrong answers they get."""
    return readme_rows("| You say | Assist answers | What the answer is about |")


type Check = Callable[[HomeAssistant, Emulator], Awaitable[None] | None]


def _checks() -> dict[str, Check]:
    def state(entity_id: str, expected: str, **attributes: Any) -> Check:
        def check(hass: HomeAssistant, emulator: Emulator) -> None:
            current = hass.states.get(entity_id)
            assert current.state == expected
            for name, value in attributes.items():
                assert current.attributes[name] == value

        return check

    def both(*checks: Check) -> Check:
        def check(hass: HomeAssistant, emulator: Emulator) -> None:
            for each in checks:
                each(hass, emulator)

        return check

    def received(device_id: int, pin: str, value: Any) -> Check:
        def check(hass: HomeAssistant, emulator: Emulator) -> None:
            assert emulator.value(device_id, pin) == value

        return check

    return {
        "Turn off the living room relays relay 1": both(state(RELAY, "off"), received(2, "v0", 0)),
        "Turn on the living room relays relay 1": both(state(RELAY, "on"), received(2, "v0", 1)),
        "What is the garden weather temperature?": state(TEMPERATURE, "21.5"),
        "What is the garden temperature?": state(TEMPERATURE, "21.5"),
        "Set the hallway thermostat to 23": both(
            state(CLIMATE, "heat", temperature=23), received(4, "v1", 23.0)
        ),
        "Set the bedroom fan speed to 50%": both(
            state(FAN_ENTITY, "on", percentage=66), received(7, "v1", 2)
        ),
        "Set the desk lamp brightness to 40%": both(
            state(LIGHT_ENTITY, "on", brightness=102), received(8, "v1", 102)
        ),
        "Open the garden valve to 50%": both(
            state(VALVE_ENTITY, "open", current_position=50), received(9, "v0", 50)
        ),
        "Is the hallway thermostat connectivity on?": state(HALLWAY_ONLINE, "on"),
        "Is the car tracker connectivity on?": state(CAR_ONLINE, "off"),
        "Is the car tracker connectivity off?": state(CAR_ONLINE, "off"),
        "Where is the family car?": both(
            state(PERSON, "Office"),
            state(CAR_TRACKER, "Office", latitude=CAR_LATITUDE, longitude=CAR_LONGITUDE),
        ),
    }


CHECKS = _checks()


def test_every_voice_example_is_tested() -> None:
    """The README shows exactly the sentences this module tests."""
    assert [sentence for sentence, _ in voice_examples()] == list(CHECKS)


@pytest.fixture(params=BOUNDS_READINGS, ids=lambda reading: f"template_bounds={reading}")
def scenario(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The demo's templates with min and max, and as the Platform API's schema shows them."""
    return with_bounds(request.param)


type Send = Callable[[dict[str, Any]], Awaitable[Any]]


@pytest.fixture
async def assist(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    organization_entry: MockConfigEntry,
    scenario: dict[str, Any],
) -> Send:
    """Assist, and the demo set up as the README advises, through the frontend's calls."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, "zone", {})
    assert await async_setup_component(hass, "person", {})
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)

    async def send(message: dict[str, Any]) -> Any:
        await client.send_json_auto_id(message)
        reply = await client.receive_json()
        assert reply["success"], reply
        return reply["result"]

    # Settings > Areas, labels & zones > Zones: where the car is parked.
    await send(
        {
            "type": "zone/create",
            "name": "Office",
            "latitude": CAR_LATITUDE,
            "longitude": CAR_LONGITUDE,
            "radius": 100,
        }
    )
    await setup_entry(
        hass, readme_entry(organization_entry, scenario["variants"]["template_bounds"])
    )
    # Settings > People > Add person: "Family car", tracking the Blynk GPS tracker.
    await send({"type": "person/create", "name": "Family car", "device_trackers": [CAR_TRACKER]})
    # Settings > Voice assistants > Expose: what Assist does not see by default.
    await send(
        {
            "type": "homeassistant/expose_entity",
            "assistants": ["conversation"],
            "entity_ids": [VALVE_ENTITY, HALLWAY_ONLINE, CAR_ONLINE, PERSON],
            "should_expose": True,
        }
    )
    # The entity's settings > Voice assistants > Aliases (None: the entity's own name stays).
    await send(
        {
            "type": "config/entity_registry/update",
            "entity_id": TEMPERATURE,
            "aliases": [None, "Garden temperature"],
        }
    )
    await hass.async_block_till_done()
    return send


async def ask(hass: HomeAssistant, sentence: str) -> str:
    """What Home Assistant's default agent answers."""
    result = await conversation.async_converse(hass, sentence, None, Context(), language="en")
    speech: str = result.response.speech["plain"]["speech"]
    return speech


@pytest.mark.usefixtures("assist")
@pytest.mark.parametrize(("sentence", "answer"), voice_examples())
async def test_voice_example(
    hass: HomeAssistant, emulator: Emulator, sentence: str, answer: str
) -> None:
    assert await ask(hass, sentence) == answer
    outcome = CHECKS[sentence](hass, emulator)
    if outcome is not None:
        await outcome


async def test_where_is_a_tracker_is_for_people(
    hass: HomeAssistant, organization_entry: MockConfigEntry
) -> None:
    """Without a person, Assist knows no answer to "where is": the README says what to do."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    await setup_entry(hass, organization_entry)
    assert await ask(hass, "Where is the car tracker?") == (
        "Sorry, I am not aware of any device called car tracker"
    )
    assert "not aware of any device called car tracker" in README


@pytest.mark.usefixtures("assist")
async def test_a_number_cannot_be_set_by_voice(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    """No intent sets a number: the README points to combining datastreams instead."""
    assert entity_registry.async_get("number.living_room_relays_setpoint") is not None
    result = await conversation.async_converse(
        hass, "Set the living room relays setpoint to 25", None, Context(), language="en"
    )
    assert result.response.response_type is intent.IntentResponseType.ERROR


MISUNDERSTOOD: dict[str, str | None] = {
    "Is the hallway thermostat online?": CLIMATE,
    "Is the desk lamp connected?": LIGHT_ENTITY,
    "Is the car tracker online?": None,
}
"""The README's "online" and "connected" questions, and the entity each answer is about."""


def test_every_misunderstood_question_is_tested() -> None:
    assert [sentence for sentence, _ in misunderstood_examples()] == list(MISUNDERSTOOD)


@pytest.mark.usefixtures("assist")
@pytest.mark.parametrize(("sentence", "answer"), misunderstood_examples())
async def test_online_and_connected_are_not_about_connectivity(
    hass: HomeAssistant, sentence: str, answer: str
) -> None:
    """The README warns: these words get an answer about another entity, or none."""
    assert await ask(hass, sentence) == answer
    about = MISUNDERSTOOD[sentence]
    if about is not None:
        state = hass.states.get(about)
        assert answer == f"{state.name} is {state.state}"
    # The connectivity sensors were there to ask, and the right sentence answers.
    assert hass.states.get(HALLWAY_ONLINE).state == "on"
    assert await ask(hass, "Is the hallway thermostat connectivity on?") == "Yes"


async def test_a_person_named_like_a_device_takes_its_questions(
    hass: HomeAssistant, assist: Send
) -> None:
    """The README's warning: a person "Car" answers for the "Car tracker", where it is."""
    await assist({"type": "person/create", "name": "Car", "device_trackers": [CAR_TRACKER]})
    await assist(
        {
            "type": "homeassistant/expose_entity",
            "assistants": ["conversation"],
            "entity_ids": ["person.car"],
            "should_expose": True,
        }
    )
    await hass.async_block_till_done()
    assert hass.states.get(CAR_ONLINE).state == "off"
    assert await ask(hass, "Is the car tracker connectivity off?") == "No, Office"
    assert await ask(hass, "Is the car tracker connectivity on?") == "No, off"
    assert '*"is the car tracker connectivity off?"* would answer *"No, Office"*' in README
