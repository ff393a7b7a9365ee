"""Telling a device-mode entry's device from another one without its token."""

import pytest

from custom_components.blynk_cloud.identity import DeviceIdentity, Match

GARDEN = DeviceIdentity(
    name="Garden weather", product="Weather Station", pins=frozenset({"v1", "v2", "v3", "v4"})
)


@pytest.mark.parametrize(
    ("found", "match"),
    [
        (GARDEN, Match.SAME),
        # The device set a new pin since: still the same.
        (DeviceIdentity("Garden weather", "Weather Station", GARDEN.pins | {"v5"}), Match.SAME),
        (DeviceIdentity("Living room relays", "Relay Board", GARDEN.pins), Match.OTHER),
        (DeviceIdentity("Garden weather", None, frozenset({"v8", "v9"})), Match.OTHER),
        # Renamed, or a sibling of the same product: the user tells.
        (DeviceIdentity("Club greenhouse", "Weather Station", GARDEN.pins), Match.UNSURE),
        (DeviceIdentity("Garden weather", None, GARDEN.pins), Match.UNSURE),
        (DeviceIdentity("Garden weather", "Weather Station", frozenset({"v1"})), Match.UNSURE),
        (DeviceIdentity(None, None, frozenset()), Match.UNSURE),
    ],
)
def test_compare(found: DeviceIdentity, match: Match) -> None:
    assert GARDEN.compare(found) is match


def test_an_identity_without_a_name_is_never_the_same() -> None:
    nameless = DeviceIdentity(None, "Weather Station", GARDEN.pins)
    assert nameless.compare(nameless) is Match.UNSURE


def test_kept_as_entry_data() -> None:
    data = GARDEN.as_data()
    assert data == {
        "name": "Garden weather",
        "product": "Weather Station",
        "pins": ["v1", "v2", "v3", "v4"],
    }
    assert DeviceIdentity.from_data(data) == GARDEN
    assert DeviceIdentity.from_data(None) is None
    assert DeviceIdentity(None, None, frozenset({"v10", "v2", "d3"})).ordered_pins() == [
        "d3",
        "v2",
        "v10",
    ]
