"""A faithful, in-memory Blynk Cloud server for tests, benchmarks and development.

It follows the Blynk documentation (``/work/shared/blynk-docs``): the OAuth2 token
endpoint, the Platform API, the Device HTTPS API and regional redirects, with the
documented paths, parameters, JSON shapes, status codes and error texts. Where the
docs are silent, each module lists its choices in an "Inferences" section; where they
allow several readings, ``variants`` lists them and a scenario picks one.

Typical use::

    emu = Emulator("demo", clock=fake_clock)
    async with EmulatorServer(emu) as server:
        base = server.url()            # default region; server.url("ny3") for another
        ...
        emu.inject(Fault.rate_limited(retry_after=5), path="/api/v1/organization/devices")
        assert emu.count("/oauth2/token") == 1

Modules:

- ``model``: :class:`Emulator`, the state and behaviour (the one implementation).
- ``scenario``: the scenario format (documented there) and :func:`load_scenario`;
  ``state``: building and validating it; ``entities``: the data classes;
  ``fleet``: :func:`fleet_scenario`; ``scenarios/demo.json``: the demo.
- ``variants``: every behaviour the docs leave open, its readings and their sources.
- ``values``: datastream types, parsing, clamping; ``properties``: widget properties.
- ``tokens``: OAuth2 tokens; ``faults``: :class:`Fault`; ``records``:
  :class:`RequestRecord` and redaction; ``errors``: error texts.
- Routes: ``oauth`` (token endpoint), ``platform_auth``/``params``/``views`` (Platform
  API plumbing), ``platform_api`` (reads), ``platform_write`` (writes),
  ``batch_update``, ``timestamped`` (imports), ``device_api`` and ``device_export``
  (Device HTTPS API), ``control`` (``/_emulator/``).
- ``middleware`` (faults, region redirects, request log), ``appkeys``, ``server``
  (:class:`EmulatorServer`), ``__main__`` (``python -m emulator``).
"""

from .errors import ScenarioError
from .faults import Fault
from .fleet import fleet_scenario
from .model import Emulator
from .records import RequestRecord
from .scenario import bundled_scenarios, load_scenario
from .server import EmulatorServer

__all__ = [
    "Emulator",
    "EmulatorServer",
    "Fault",
    "RequestRecord",
    "ScenarioError",
    "bundled_scenarios",
    "fleet_scenario",
    "load_scenario",
]
