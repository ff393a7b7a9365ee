from homeassistant.components import conversation
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import Context, HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.conftest import setup_entry

SENTENCES = [
    "where is car",
    "where is the car",
    "is car at office",
    "is the car tracker connectivity on",
]


async def test_explore(
    hass: HomeAssistant, organization_entry: MockConfigEntry, hass_ws_client
) -> None:
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(
        hass,
        "zone",
        {"zone": [{"name": "Office", "latitude": 52.517, "longitude": 13.3889, "radius": 200}]},
    )
    assert await async_setup_component(hass, "person", {})
    await setup_entry(hass, organization_entry)
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "person/create",
            "name": "Car",
            "device_trackers": ["device_tracker.car_tracker_location"],
        }
    )
    print("WS", await client.receive_json())
    await hass.async_block_till_done()
    print(
        "STATES",
        [
            (s.entity_id, s.state)
            for s in hass.states.async_all()
            if s.domain in ("person", "device_tracker")
        ],
    )
    for text in SENTENCES:
        result = await conversation.async_converse(hass, text, None, Context(), language="en")
        print(
            "SAY",
            repr(text),
            "->",
            result.response.response_type,
            repr(result.response.speech.get("plain", {}).get("speech")),
        )
    await client.send_json_auto_id(
        {
            "type": "homeassistant/expose_entity",
            "assistants": ["conversation"],
            "entity_ids": ["person.car", "binary_sensor.car_tracker_connectivity"],
            "should_expose": True,
        }
    )
    print("WS", await client.receive_json())
    for text in SENTENCES:
        result = await conversation.async_converse(hass, text, None, Context(), language="en")
        print(
            "SAY",
            repr(text),
            "->",
            result.response.response_type,
            repr(result.response.speech.get("plain", {}).get("speech")),
        )
