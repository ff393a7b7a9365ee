"""The fleet generator: size, shape, determinism and speed."""

from collections import Counter

import pytest

from emulator import Emulator, fleet_scenario, load_scenario


def test_size_and_shape() -> None:
    scenario = fleet_scenario(10, 8, templates=3, seed=1)
    assert len(scenario["devices"]) == 10
    assert len(scenario["templates"]) == 3
    streams = scenario["templates"][0]["datastreams"]
    assert [ds["type"] for ds in streams] == [
        "DOUBLE",
        "INT",
        "DOUBLE",
        "LOCATION",
        "DOUBLE",
        "INT",
        "DOUBLE",
        "INT",
    ]
    assert [ds["pin"] for ds in streams] == list(range(8))
    assert streams[0]["units"] == "Celsius"
    assert streams[1]["units"] == "Percent"
    assert streams[2]["units"] == "Watt"
    assert streams[7]["isForActions"] is True
    assert Counter(d["templateId"] for d in scenario["devices"]) == {1: 4, 2: 3, 3: 3}
    assert len({d["token"] for d in scenario["devices"]}) == 10
    assert all(len(d["token"]) == 32 for d in scenario["devices"])
    load_scenario(scenario)


def test_no_location_below_four_datastreams() -> None:
    streams = fleet_scenario(1, 3)["templates"][0]["datastreams"]
    assert "LOCATION" not in {ds["type"] for ds in streams}


def test_determinism() -> None:
    assert fleet_scenario(50, seed=3) == fleet_scenario(50, seed=3)
    assert fleet_scenario(50, seed=3) != fleet_scenario(50, seed=4)


def test_invalid_arguments() -> None:
    for args in ((-1, 20), (1, 0)):
        with pytest.raises(ValueError, match="required"):
            fleet_scenario(*args)
    with pytest.raises(ValueError, match="required"):
        fleet_scenario(1, templates=0)


def test_thousand_devices_load() -> None:
    """A fleet of a thousand devices loads whole (how fast depends on the machine: no limit)."""
    emu = Emulator(fleet_scenario(1000, 20))
    assert len(emu.world.devices) == 1000
    assert sum(len(device.values) for device in emu.world.devices.values()) == 20_000
    location = emu.value(1, 3)
    assert isinstance(location, list)
    assert len(location) == 2
