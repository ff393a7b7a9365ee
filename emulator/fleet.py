"""A deterministic generator of large organizations, for benchmarks.

``fleet_scenario(1000, 20)`` describes one organization (id 1000) in region ``fra1``
with one OAuth client (``FLEET_CLIENT_ID``; the secret depends on the seed), the
requested number of templates and devices, and a value for every datastream.

Datastream ``i`` (0-based, pin ``v{i}``) of every template is:
``i % 4 == 0`` DOUBLE "Temperature" Celsius -40..85; ``i % 4 == 1`` INT "Humidity"
Percent 0..100; ``i % 4 == 2`` DOUBLE "Power" Watt; ``i % 4 == 3`` INT "Switch" 0..1
``isForActions`` (writable), except ``i == 3``, the template's one LOCATION.
Devices are spread over the templates in turn; about nine in ten are online.
"""

import random
import string
from typing import Any

FLEET_ORG_ID = 1000
FLEET_CLIENT_ID = "oa2-client-id_fleet-benchmark-client-0000000"
_TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_"
_LOCATION_INDEX = 3


def fleet_scenario(
    devices: int, datastreams: int = 20, *, templates: int = 1, seed: int = 0
) -> dict[str, Any]:
    """Return a scenario with ``devices`` devices of ``datastreams`` datastreams each."""
    if devices < 0 or datastreams < 1 or templates < 1:
        raise ValueError("devices >= 0, datastreams >= 1 and templates >= 1 are required")
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    definitions = [_datastream(index) for index in range(datastreams)]
    template_ids = list(range(1, templates + 1))
    return {
        "regions": ["fra1"],
        "default_region": "fra1",
        "organizations": [
            {
                "id": FLEET_ORG_ID,
                "name": "Fleet",
                "description": f"Generated fleet (seed {seed})",
                "tz": "UTC",
                "unitSystem": "METRIC",
            }
        ],
        "oauth_clients": [
            {
                "client_id": FLEET_CLIENT_ID,
                "client_secret": _token(rng, 40),
                "org_id": FLEET_ORG_ID,
                "platform_api": True,
                "region": "fra1",
            }
        ],
        "templates": [
            {
                "id": template_id,
                "orgId": FLEET_ORG_ID,
                "name": f"Fleet template {template_id}",
                "templateIds": [f"TMPLFLEET{template_id:04d}"],
                "boardType": "ESP32",
                "datastreams": definitions,
            }
            for template_id in template_ids
        ],
        "devices": [
            {
                "id": number,
                "name": f"Fleet device {number:05d}",
                "templateId": template_ids[(number - 1) % templates],
                "orgId": FLEET_ORG_ID,
                "token": _token(rng, 32),
                "region": "fra1",
                "online": rng.random() < 0.9,  # noqa: PLR2004 - nine in ten online
                "values": {str(index): _value(rng, index) for index in range(datastreams)},
            }
            for number in range(1, devices + 1)
        ],
    }


def _token(rng: random.Random, length: int) -> str:
    return "".join(rng.choices(_TOKEN_ALPHABET, k=length))


def _datastream(index: int) -> dict[str, Any]:
    result: dict[str, Any] = {"id": index, "pin": index, "pinType": "VIRTUAL", "isHistory": True}
    if index == _LOCATION_INDEX:
        result.update(label=f"Location {index}", type="LOCATION")
        return result
    kind = index % 4
    if kind == 0:
        result.update(label=f"Temperature {index}", type="DOUBLE", units="Celsius", min=-40, max=85)
    elif kind == 1:
        result.update(label=f"Humidity {index}", type="INT", units="Percent", min=0, max=100)
    elif kind == 2:  # noqa: PLR2004
        result.update(label=f"Power {index}", type="DOUBLE", units="Watt")
    else:
        result.update(label=f"Switch {index}", type="INT", isForActions=True, min=0, max=1)
    return result


def _value(rng: random.Random, index: int) -> Any:
    if index == _LOCATION_INDEX:
        return [round(rng.uniform(-180, 180), 6), round(rng.uniform(-90, 90), 6)]
    kind = index % 4
    if kind == 0:
        return round(rng.uniform(-10, 35), 2)
    if kind == 1:
        return rng.randint(0, 100)
    if kind == 2:  # noqa: PLR2004
        return round(rng.uniform(0, 3000), 1)
    return rng.randint(0, 1)
