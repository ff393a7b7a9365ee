"""The Python API of :class:`emulator.Emulator`, without HTTP."""

import pytest

from emulator import Emulator, ScenarioError
from emulator.model import MAX_EXPORTS

from .helpers import BASE_TIME, FakeClock, tiny_scenario

NOW_MS = int(BASE_TIME * 1000)


def test_set_value_by_id_pin_and_text(emu: Emulator, clock: FakeClock) -> None:
    emu.set_value(1, 1, 18)
    assert emu.value(1, 1) == 18.0
    assert emu.history(1, "v1")[-1] == (NOW_MS, 18.0)
    emu.set_value(1, "V2", 50, ts_ms=NOW_MS - 7 * 3_600_000)
    assert emu.value(1, "2") == 50
    history = emu.history(1, 2)
    assert history[-2:] == [(NOW_MS - 7 * 3_600_000, 50), (NOW_MS - 6 * 3_600_000, 48)]
    emu.set_value(3, "v0", (2.0, 3.0))
    assert emu.value(3, 1) == [2.0, 3.0]
    value = emu.value(3, 1)
    value.append(9)
    assert emu.value(3, 1) == [2.0, 3.0]  # a copy
    clock.advance(1)
    emu.set_value(2, 3, False)
    assert emu.value(2, 3) == 0
    assert emu.world.devices[2].values[3] == (NOW_MS + 1000, 0)


def test_set_value_errors(emu: Emulator) -> None:
    with pytest.raises(KeyError, match="no device 99"):
        emu.set_value(99, 1, 1)
    with pytest.raises(KeyError, match="no datastream"):
        emu.set_value(1, 9, 1)
    with pytest.raises(KeyError, match="no datastream"):
        emu.set_value(1, "pin1", 1)
    with pytest.raises(ValueError, match="warm"):
        emu.set_value(1, 1, "warm")
    assert emu.value(6, 4) is None
    assert emu.history(6, 4) == []


def test_online_times(emu: Emulator, clock: FakeClock) -> None:
    clock.advance(60)
    emu.set_online(1, False)
    device = emu.world.devices[1]
    assert (device.online, device.disconnect_time) == (False, NOW_MS + 60_000)
    clock.advance(60)
    emu.set_online(1, True)
    assert (device.online, device.connect_time) == (True, NOW_MS + 120_000)


def test_add_and_remove_devices(emu: Emulator) -> None:
    new_id = emu.add_device({"name": "Spare", "templateId": 354, "values": {"1": 1}})
    assert new_id == 26  # after the demo's highest id
    device = emu.world.devices[26]
    assert len(device.token) == 32
    assert device.org_id == 658
    assert emu.value(26, 1) == 1
    assert emu.add_device({"id": 40, "name": "Far", "templateId": 353, "region": "ny3"}) == 40
    with pytest.raises(ScenarioError, match="duplicate device id"):
        emu.add_device({"id": 40, "name": "Again", "templateId": 353})
    with pytest.raises(ScenarioError, match="'name' is required"):
        emu.add_device({"templateId": 353})
    emu.remove_device(26)
    assert 26 not in emu.world.devices
    assert emu.device_for_token(device.token) is None
    with pytest.raises(KeyError):
        emu.remove_device(26)


def test_reset_and_load(emu: Emulator) -> None:
    emu.set_value(1, 1, 0)
    emu.add_device({"name": "Temp", "templateId": 353})
    token, _ = emu.tokens.issue(next(iter(emu.world.clients)))
    emu.reset()
    assert emu.value(1, 1) == 21.5
    assert 26 not in emu.world.devices
    assert emu.client_for_access_token(token) is None
    emu.load(tiny_scenario())
    assert emu.regions == ["fra1"]
    emu.reset()
    assert emu.scenario["organizations"][0]["name"] == "Tiny"


def test_credentials(emu: Emulator) -> None:
    client = next(iter(emu.world.clients.values()))
    assert emu.authenticate_client(client.client_id, client.secret) is client
    assert emu.authenticate_client(client.client_id, "x") is None
    assert emu.authenticate_client("nobody", client.secret) is None
    with pytest.raises(KeyError):
        emu.set_client_secret("nobody", "x")


def test_side_channels_are_copies(emu: Emulator) -> None:
    device = emu.world.devices[1]
    ds = emu.world.templates[353].datastreams[1]
    emu.set_property(device, ds, "label", "x")
    emu.properties[(1, 1)]["label"] = "changed"
    assert emu.properties == {(1, 1): {"label": "x"}}
    emu.log_event(device, "frost_warning", None)
    emu.events.clear()
    assert emu.events == [(1, "frost_warning", None)]
    assert emu.messages(1) == 0


def test_count_and_clear_log(emu: Emulator) -> None:
    from emulator import RequestRecord

    emu.record(RequestRecord("GET", "/a", (), None, 200, "fra1"))
    emu.record(RequestRecord("POST", "/a", (), None, 204, "fra1"))
    emu.record(RequestRecord("GET", "/b", (), None, 200, "ny3"))
    assert emu.count() == 3
    assert emu.count("/a") == 2
    assert emu.count("/a", method="post") == 1
    assert emu.count(method="GET") == 2
    emu.requests.clear()
    assert emu.count() == 3
    emu.clear_log()
    assert emu.count() == 0


def test_exports_are_bounded(emu: Emulator) -> None:
    for number in range(MAX_EXPORTS + 5):
        emu.store_export(f"{number}.zip", b"x")
    assert len(emu.exports) == MAX_EXPORTS
    assert "0.zip" not in emu.exports
    assert f"{MAX_EXPORTS + 4}.zip" in emu.exports


def test_datastream_ref(emu: Emulator) -> None:
    device = emu.world.devices[1]
    assert emu.datastream_ref(device, "v1") is emu.datastream_ref(device, 1)
    assert emu.datastream_ref(device, "x") is None


def test_added_devices_are_stamped_now(emu: Emulator, clock: FakeClock) -> None:
    clock.advance(100)
    device_id = emu.add_device(
        {
            "name": "Late",
            "templateId": 353,
            "online": True,
            "values": {"1": 5},
            "history": {"1": [[-1000, 4]]},
        }
    )
    device = emu.world.devices[device_id]
    assert device.values[1] == (NOW_MS + 100_000, 5.0)
    assert device.connect_time == NOW_MS + 100_000
    assert emu.history(device_id, 1)[0] == (NOW_MS + 99_000, 4.0)
