"""Platform API reads: shapes, pagination, access rules and errors from the docs."""

from aiohttp import ClientSession
import pytest

from emulator import Emulator, EmulatorServer, load_scenario

from .helpers import BASE_TIME, V1, V2, Blynk

NOW_MS = int(BASE_TIME * 1000)
DEVICE_404 = "Device with identifier {} is not found or belong to another organization."


async def test_profile(blynk: Blynk) -> None:
    reply = await blynk.pget(f"{V1}/profile")
    assert reply.status == 200
    assert reply.json() == {
        "id": 658,
        "name": "Acme Home",
        "description": "Demo organization of the Blynk Cloud emulator",
        "parentOrganizationId": None,
        "isActive": True,
        "tz": "Europe/Berlin",
        "unitSystem": "METRIC",
        "phoneNumber": "+49 30 1234567",
        "address": {
            "fullAddress": "Unter den Linden 1",
            "city": "Berlin",
            "country": "Germany",
            "state": "Berlin",
            "zip": "10117",
        },
        "lastModifiedTs": 1759300000000,
    }


async def test_organization_by_id(blynk: Blynk) -> None:
    sub = await blynk.pget(V1, {"orgId": "659"})
    assert sub.json()["parentOrganizationId"] == 658
    assert sub.json()["address"] is None
    unknown = await blynk.pget(V1, {"orgId": "1"})
    assert unknown.status == 404
    assert unknown.message == (
        "Organization with identifier 1 is not found or you don't have access to it."
    )


async def test_device_list_defaults_to_own_organization(blynk: Blynk) -> None:
    reply = await blynk.pget(f"{V1}/devices")
    body = reply.json()
    assert body["totalElements"] == 8
    assert [device["id"] for device in body["content"]] == [1, 2, 3, 4, 6, 7, 8, 9]
    first = body["content"][0]
    assert first == {
        "id": 1,
        "templateId": 353,
        "originalTemplateId": 353,
        "orgId": 658,
        "name": "Garden weather",
        "token": blynk.device_token(1),
        "activatedAt": 1759100000000,
        "ownerUserId": 879,
        "hardwareInfo": first["hardwareInfo"],
    }
    assert first["hardwareInfo"]["templateId"].startswith("TMPL")
    tracker = body["content"][2]
    assert "hardwareInfo" not in tracker


async def test_device_list_with_sub_organizations_and_pages(blynk: Blynk) -> None:
    everything = await blynk.pget(f"{V1}/devices", {"includeSubOrgDevices": "true"})
    assert everything.json()["totalElements"] == 9
    page = await blynk.pget(
        f"{V1}/devices", {"includeSubOrgDevices": "TRUE", "page": "1", "size": "4"}
    )
    assert page.json()["totalElements"] == 9
    assert [device["id"] for device in page.json()["content"]] == [5, 6, 7, 8]
    beyond = await blynk.pget(f"{V1}/devices", {"page": "9"})
    assert beyond.json() == {"content": [], "totalElements": 8}
    sub = await blynk.pget(f"{V1}/devices", {"orgId": "659"})
    assert [device["id"] for device in sub.json()["content"]] == [5]
    assert (await blynk.pget(f"{V1}/devices", {"orgId": "4"})).status == 404


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"size": "1001"}, "Bad request - requested page size is too big"),
        ({"size": "0"}, "Parameter 'size' has an invalid value."),
        ({"page": "-1"}, "Parameter 'page' has an invalid value."),
        ({"page": "x"}, "Parameter 'page' has an invalid value."),
        ({"includeSubOrgDevices": "yes"}, "Parameter 'includeSubOrgDevices' has an invalid value."),
    ],
)
async def test_device_list_rejects_bad_parameters(
    blynk: Blynk, params: dict[str, str], message: str
) -> None:
    reply = await blynk.pget(f"{V1}/devices", params)
    assert (reply.status, reply.message) == (400, message)


async def test_size_1000_is_allowed(blynk: Blynk) -> None:
    assert (await blynk.pget(f"{V1}/devices", {"size": "1000"})).status == 200


async def test_full_device(blynk: Blynk) -> None:
    reply = await blynk.pget(f"{V1}/device", {"deviceId": "4"})
    body = reply.json()
    assert body["id"] == 4
    assert body["token"] == blynk.device_token(4)
    assert body["lifecycleStatus"]["name"] == "Active"
    assert body["connectTime"] == NOW_MS
    assert body["disconnectTime"] == 0
    assert body["ip"] == "192.0.2.12"
    assert body["isLocked"] is False
    assert body["dataStreamValues"][0] == {
        "dataStreamId": 1,
        "pin": "v0",
        "dataStreamLabel": "Room temperature",
        "dataStreamAlias": "Room temperature",
        "value": 20.8,
        "updatedAt": NOW_MS,
    }
    assert len(body["dataStreamValues"]) == 7
    assert body["metaFieldValues"] == [
        {
            "id": 1,
            "name": "Device Name",
            "value": {"type": "DeviceName", "value": "Hallway thermostat"},
        },
        {"id": 2, "name": "Room", "value": {"type": "Text", "value": "Hallway"}},
    ]


async def test_base_info_has_no_values(blynk: Blynk) -> None:
    body = (await blynk.pget(f"{V1}/device/baseInfo", {"deviceId": "3"})).json()
    assert "dataStreamValues" not in body
    assert "metaFieldValues" not in body
    assert body["disconnectTime"] == 1759200000000
    assert body["connectTime"] == 0


async def test_sub_organization_device_is_visible(blynk: Blynk) -> None:
    reply = await blynk.pget(f"{V1}/device", {"deviceId": "5"})
    assert reply.json()["orgId"] == 659


@pytest.mark.parametrize("path", ["device", "device/baseInfo", "device/online"])
async def test_unknown_device_is_404(blynk: Blynk, path: str) -> None:
    reply = await blynk.pget(f"{V1}/{path}", {"deviceId": "999"})
    assert (reply.status, reply.message) == (404, DEVICE_404.format(999))


async def test_device_id_is_required_and_numeric(blynk: Blynk) -> None:
    missing = await blynk.pget(f"{V1}/device")
    assert (missing.status, missing.message) == (
        400,
        "Required parameter 'deviceId' is not present.",
    )
    wrong = await blynk.pget(f"{V1}/device", {"deviceId": "abc"})
    assert wrong.status == 400


async def test_online(blynk: Blynk) -> None:
    assert (await blynk.pget(f"{V1}/device/online", {"deviceId": "1"})).json() == {
        "connected": True
    }
    assert (await blynk.pget(f"{V1}/device/online", {"deviceId": "3"})).json() == {
        "connected": False
    }
    blynk.emu.set_online(3, True)
    assert (await blynk.pget(f"{V1}/device/online", {"deviceId": "3"})).json() == {
        "connected": True
    }


async def test_templates(blynk: Blynk) -> None:
    listed = (await blynk.pget(f"{V1}/templates")).json()
    assert listed["totalElements"] == 7
    assert listed["content"][0] == {
        "id": 353,
        "templateIds": listed["content"][0]["templateIds"],
        "parentId": None,
        "orgId": 658,
        "name": "Weather Station",
    }
    assert (await blynk.pget(f"{V1}/templates", {"orgId": "659"})).json()["totalElements"] == 0
    detail = (await blynk.pget(f"{V1}/template", {"templateId": "355"})).json()
    assert detail["name"] == "GPS Tracker"
    assert detail["connectionType"] == "GSM"
    assert detail["boardType"] == "ESP32"
    assert detail["createdAt"] == 1759000000000
    assert "logoUrl" not in detail
    thermostat = (await blynk.pget(f"{V1}/template", {"templateId": "356"})).json()
    assert thermostat["logoUrl"].endswith("thermostat.png")


async def test_template_datastreams(blynk: Blynk) -> None:
    reply = await blynk.pget(f"{V1}/template/datastreams", {"templateId": "353"})
    first = reply.json()[0]
    assert first["id"] == 1
    assert first["label"] == "Temperature"
    assert first["units"] == "Celsius"
    assert first["type"] == "DOUBLE"
    assert first["pin"] == 1
    assert first["pinType"] == "VIRTUAL"
    assert (first["min"], first["max"]) == (-40, 85)
    assert first["isHistory"] is True
    assert first["isSync"] is False
    status = reply.json()[3]
    assert "min" not in status
    assert "units" not in status
    relays = (await blynk.pget(f"{V1}/template/datastreams", {"templateId": "354"})).json()
    assert [(ds["label"], ds["type"], ds["isForActions"]) for ds in relays] == [
        ("Relay 1", "INT", True),
        ("Relay 2", "INT", True),
        ("Pump", "BOOLEAN", True),
        ("Setpoint", "DOUBLE", True),
    ]


@pytest.mark.parametrize("path", ["template", "template/datastreams"])
async def test_unknown_template_is_404(blynk: Blynk, path: str) -> None:
    reply = await blynk.pget(f"{V1}/{path}", {"templateId": "1"})
    assert (reply.status, reply.message) == (
        404,
        "Template is not found or you don't have access to it.",
    )


async def test_v2_values_object_shape(blynk: Blynk) -> None:
    body = (await blynk.pget(f"{V2}/device/datastreams", {"deviceId": "6"})).json()
    assert list(body) == ["dataStreams"]
    status = body["dataStreams"][3]
    assert status == {
        "dataStreamId": 4,
        "pin": "v4",
        "dataStreamLabel": "Status",
        "dataStreamAlias": "Status",
    }
    filtered = await blynk.pget(
        f"{V2}/device/datastreams",
        [("deviceId", "1"), ("dataStreamIds", "1"), ("dataStreamIds", "3,,99,")],
    )
    assert [ds["dataStreamId"] for ds in filtered.json()["dataStreams"]] == [1, 3]
    location = await blynk.pget(f"{V2}/device/datastreams", {"deviceId": "3", "dataStreamIds": "1"})
    assert location.json()["dataStreams"][0]["value"] == [13.38886, 52.517037]
    missing = await blynk.pget(f"{V2}/device/datastreams", {"deviceId": "404"})
    assert (missing.status, missing.message) == (404, DEVICE_404.format(404))
    wrong = await blynk.pget(f"{V2}/device/datastreams", {"deviceId": "1", "dataStreamIds": "x"})
    assert wrong.status == 400


async def test_batch_values(blynk: Blynk) -> None:
    reply = await blynk.pget(
        f"{V1}/device/datastreams/batch",
        [("deviceIds", "1"), ("deviceIds", "999,3"), ("deviceIds", "1"), ("dataStreamIds", "1")],
    )
    body = reply.json()
    assert [item["deviceId"] for item in body] == [1, 3]
    assert body[0]["dataStreams"] == [
        {
            "dataStreamId": 1,
            "pin": "v1",
            "dataStreamLabel": "Temperature",
            "dataStreamAlias": "Temperature",
            "value": 21.5,
            "updatedAt": NOW_MS,
        }
    ]
    everything = await blynk.pget(f"{V1}/device/datastreams/batch", {"deviceIds": "2"})
    assert len(everything.json()[0]["dataStreams"]) == 4


async def test_batch_values_limits(blynk: Blynk) -> None:
    eleven = ",".join(str(number) for number in range(1, 12))
    too_many = await blynk.pget(f"{V1}/device/datastreams/batch", {"deviceIds": eleven})
    assert (too_many.status, too_many.message) == (400, "Maximum of 10 devices per request.")
    ten = ",".join(str(number) for number in range(1, 11))
    assert (await blynk.pget(f"{V1}/device/datastreams/batch", {"deviceIds": ten})).status == 200
    missing = await blynk.pget(f"{V1}/device/datastreams/batch")
    assert missing.status == 400


async def test_history_pages_newest_first(blynk: Blynk) -> None:
    params = {"deviceId": "1", "dataStreamId": "1", "from": "0", "to": str(NOW_MS), "size": "5"}
    first = (await blynk.pget(f"{V1}/device/datastream/history", params)).json()
    assert first["totalElements"] == 12
    assert first["content"][0] == {"value": 21.5, "createdAt": NOW_MS - 6 * 3_600_000}
    times = [point["createdAt"] for point in first["content"]]
    assert times == sorted(times, reverse=True)
    last = (await blynk.pget(f"{V1}/device/datastream/history", params | {"page": "2"})).json()
    assert [point["value"] for point in last["content"]] == [17.9, 14.2]
    window = params | {"from": str(NOW_MS - 24 * 3_600_000), "to": str(NOW_MS - 12 * 3_600_000)}
    windowed = (await blynk.pget(f"{V1}/device/datastream/history", window)).json()
    assert [point["value"] for point in windowed["content"]] == [21.7, 18.3, 12.9]


async def test_history_by_pin_and_errors(blynk: Blynk) -> None:
    base = {"deviceId": "1", "from": "0", "to": str(NOW_MS)}
    by_pin = await blynk.pget(f"{V1}/device/datastream/history", base | {"pin": "v2"})
    assert by_pin.json()["content"][0]["value"] == 48
    empty = await blynk.pget(f"{V1}/device/datastream/history", base | {"dataStreamId": "4"})
    assert empty.json() == {"content": [], "totalElements": 0}
    unknown = await blynk.pget(f"{V1}/device/datastream/history", base | {"dataStreamId": "9"})
    assert (unknown.status, unknown.message) == (404, "Data stream with identifier 9 is not found!")
    bad_pin = await blynk.pget(f"{V1}/device/datastream/history", base | {"pin": "v77"})
    assert (bad_pin.status, bad_pin.message) == (
        404,
        "Data stream with identifier v77 is not found!",
    )
    no_from = await blynk.pget(
        f"{V1}/device/datastream/history", {"deviceId": "1", "dataStreamId": "1", "to": "1"}
    )
    assert (no_from.status, no_from.message) == (400, "Required parameter 'from' is not present.")
    no_stream = await blynk.pget(f"{V1}/device/datastream/history", base)
    assert no_stream.status == 400
    too_big = await blynk.pget(
        f"{V1}/device/datastream/history", base | {"dataStreamId": "1", "size": "1001"}
    )
    assert too_big.status == 400


async def test_sub_organization_client_sees_its_subtree_and_parent_templates(
    socket_enabled: None,
) -> None:
    scenario = load_scenario("demo")
    scenario["oauth_clients"].append(
        {"client_id": "club", "client_secret": "club-secret", "org_id": 659}
    )
    emu = Emulator(scenario)
    async with EmulatorServer(emu) as server, ClientSession() as session:
        blynk = Blynk(session, server, emu)
        blynk._token = await blynk.token(("club", "club-secret"))
        assert (await blynk.pget(f"{V1}/profile")).json()["id"] == 659
        listed = await blynk.pget(f"{V1}/devices", {"includeSubOrgDevices": "true"})
        assert [device["id"] for device in listed.json()["content"]] == [5]
        assert (await blynk.pget(f"{V1}/template", {"templateId": "353"})).status == 200
        assert (await blynk.pget(f"{V1}/device", {"deviceId": "1"})).status == 404
        assert (await blynk.pget(V1, {"orgId": "658"})).status == 404
