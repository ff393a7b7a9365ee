"""Scenarios: the JSON description of an emulated Blynk organization.

A scenario is a JSON object (``scenarios/demo.json`` is a complete example)::

    {
      "regions": ["fra1", "ny3"],          # required; one emulated server per region
      "default_region": "fra1",            # optional, default: the first region
      "variants": {"token_refusal": "401"},  # optional: readings of behaviours the docs
                                           #   leave open (emulator.variants lists them);
                                           #   the others keep their default
      "import_daily_limit": 100000,        # optional: imported points per device per day
      "export_daily_limit": 10,            # optional: data/get exports per device per day
      "organizations": [                   # required, at least one
        {"id": 658, "name": "Acme Home", "parentOrganizationId": null,
         "description": "...", "isActive": true, "tz": "Europe/Berlin",
         "unitSystem": "METRIC", "phoneNumber": "+49...", "lastModifiedTs": 0,
         "address": {"fullAddress": "...", "city": "...", "country": "...",
                     "state": "...", "zip": "..."}}
      ],
      "oauth_clients": [
        {"client_id": "oa2-client-id_...", "client_secret": "...", "org_id": 658,
         "platform_api": true,             # optional, default true; false -> 403 scope
         "region": "fra1"}                 # optional, default: default_region
      ],
      "templates": [
        {"id": 353, "orgId": 658, "name": "Weather Station",
         "templateIds": ["TMPL..."], "parentId": null, "boardType": "ESP32",
         "connectionType": "WI_FI", "description": "", "createdAt": 0,
         "events": [{"eventCode": "frost", "name": "Frost", "type": "WARNING"}],
         "datastreams": [
           {"id": 1, "label": "Temperature", "alias": "Temperature",
            "type": "DOUBLE",              # STRING INT DOUBLE BOOLEAN LOCATION ENUM
            "pin": 1, "pinType": "VIRTUAL",  # pinType VIRTUAL (default) DIGITAL ANALOG
            "units": "Celsius", "min": -40, "max": 85, "defaultValue": 0,
            "isForActions": false, "isRaw": false, "isHistory": true}
         ]}
      ],
      "devices": [
        {"id": 1, "name": "Garden weather", "templateId": 353,
         "orgId": 658,                     # optional, default: the template's org
         "token": "<32 chars>",            # device auth token, unique
         "region": "fra1", "online": true,
         "hardwareInfo": {...}, "activatedAt": 0, "ownerUserId": 1,   # optional
         "lifecycleStatus": {...}, "ip": "...", "connectTime": 0,     # optional
         "values": {"1": 21.5},            # datastream id -> wire value
         "history": {"1": [[1700000000000, 20.5], [-3600000, 21.0]]},
         "metafields": [{"id": 2, "name": "Serial Number", "type": "Text",
                         "value": "SN-1"}]}
      ]
    }

Rules:
- Values are in wire form and typed like Platform API writes (INT/ENUM integral
  numbers, DOUBLE numbers, STRING strings, BOOLEAN ``true``/``false``/0/1, LOCATION
  ``[longitude, latitude]``); they are clamped to the datastream's min/max.
  Values of a scenario are stamped with the load time.
- A history timestamp <= 0 is relative to the load time (``-3600000`` = one hour
  earlier), so a bundled scenario keeps recent history.
- Every device has metafield 1, "Device Name" (type ``DeviceName``); scenario
  metafields use other ids.
- Keys the emulator does not interpret (``units``, ``isRaw``, ``hardwareInfo``...) are
  answered as given wherever the Platform API shows them.
- Organization parents, template parents (``parentId``, which makes
  ``originalTemplateId`` the root template), ids, pins, labels and tokens are checked.
"""

from collections.abc import Mapping
import json
import os
from pathlib import Path
from typing import Any

from .errors import ScenarioError
from .state import World

SCENARIO_DIR = Path(__file__).parent / "scenarios"

type ScenarioSource = str | os.PathLike[str] | Mapping[str, Any]


def bundled_scenarios() -> list[str]:
    """Return the names of the scenarios shipped with the emulator."""
    return sorted(path.stem for path in SCENARIO_DIR.glob("*.json"))


def load_scenario(source: ScenarioSource) -> dict[str, Any]:
    """Return a validated copy of a scenario given as a dict, a bundled name or a path.

    Raises :class:`~emulator.errors.ScenarioError` (a ``ValueError``) if the scenario
    cannot be found or is invalid.
    """
    if isinstance(source, Mapping):
        try:
            data = json.loads(json.dumps(source))
        except (TypeError, ValueError) as err:
            raise ScenarioError(f"scenario is not JSON data: {err}") from err
    else:
        data = _read(source)
    World(data, now_ms=0)
    return data  # type: ignore[no-any-return]


def _read(source: str | os.PathLike[str]) -> Any:
    name = os.fspath(source)
    bundled = SCENARIO_DIR / f"{name}.json"
    path = bundled if name in bundled_scenarios() else Path(name)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        known = ", ".join(bundled_scenarios())
        raise ScenarioError(f"no scenario {name!r} (bundled: {known})") from err
    try:
        return json.loads(text)
    except ValueError as err:
        raise ScenarioError(f"{path}: not valid JSON: {err}") from err
