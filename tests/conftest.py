"""Fixtures: the Blynk emulator as a real HTTP server on 127.0.0.1, and config entries for it."""

from collections.abc import AsyncIterator, Generator
from datetime import timedelta
import logging
from typing import Any
from unittest.mock import PropertyMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_CLIENT_ID, CONF_CLIENT_SECRET, CONF_HOST, CONF_TOKEN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.blynk_cloud import PLATFORMS
from custom_components.blynk_cloud.api import BlynkError
from custom_components.blynk_cloud.config_flow import device_unique_id
from custom_components.blynk_cloud.const import CONF_MODE, DOMAIN, Mode
from custom_components.blynk_cloud.statistics import Pacer
from emulator import Emulator, EmulatorServer, fleet_scenario, load_scenario

pytest_plugins = ["pytester"]  # tests/test_conftest.py runs the leak check on tests of its own

DEMO = load_scenario("demo")
ORGANIZATION = DEMO["organizations"][0]
OAUTH_CLIENT = DEMO["oauth_clients"][0]
UNSCOPED_CLIENT = DEMO["oauth_clients"][1]


def fleet(devices: int, datastreams: int = 2) -> dict[str, Any]:
    """A generated organization whose OAuth client has the demo's credentials."""
    scenario = fleet_scenario(devices, datastreams)
    scenario["oauth_clients"][0].update(
        client_id=OAUTH_CLIENT["client_id"], client_secret=OAUTH_CLIENT["client_secret"]
    )
    return scenario


def typed(value: Any) -> Any:
    """A JSON value with the type of each scalar, so that `0` and `False` (or `1.0`) differ.

    Compare what reached the emulator as `typed(sent) == typed(expected)`: Python's `0 == False`
    would let a body with the wrong JSON type pass.
    """
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [typed(item) for item in value]
    return (type(value).__name__, value)


def demo_device(name: str) -> dict[str, Any]:
    """A device of the demo scenario by name."""
    return next(device for device in DEMO["devices"] if device["name"] == name)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(request: pytest.FixtureRequest) -> None:
    """Load custom integrations; the recorder, when a test wants it, must come before hass."""
    if "recorder_mock" in request.fixturenames:
        request.getfixturevalue("recorder_mock")
    request.getfixturevalue("enable_custom_integrations")


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots with Home Assistant's serializers."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Create disabled-by-default entities enabled, so snapshots show them."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture
def scenario() -> dict[str, Any]:
    """The scenario the emulator starts with; a test may override this fixture."""
    return DEMO


@pytest.fixture
def emulator(scenario: dict[str, Any]) -> Emulator:
    """The emulator's state; tests change it as a device or Blynk would."""
    return Emulator(scenario)


@pytest.fixture
async def blynk(emulator: Emulator, socket_enabled: None) -> AsyncIterator[EmulatorServer]:
    """The emulator serving every region of its scenario on 127.0.0.1 (free ports)."""
    async with EmulatorServer(emulator) as server:
        yield server


@pytest.fixture
def organization_entry(blynk: EmulatorServer) -> MockConfigEntry:
    """An organization-mode entry for the demo organization."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=ORGANIZATION["name"],
        unique_id=f"127.0.0.1:{ORGANIZATION['id']}",
        data={
            CONF_MODE: Mode.ORGANIZATION,
            CONF_HOST: blynk.url(),
            CONF_CLIENT_ID: OAUTH_CLIENT["client_id"],
            CONF_CLIENT_SECRET: OAUTH_CLIENT["client_secret"],
        },
    )


@pytest.fixture
def device_entry(blynk: EmulatorServer) -> MockConfigEntry:
    """A device-mode entry for the demo weather station."""
    token = demo_device("Garden weather")["token"]
    return MockConfigEntry(
        domain=DOMAIN,
        entry_id="01JBLYNKDEV1CE0000000000EN",
        title="Garden weather",
        unique_id=device_unique_id(token),
        data={CONF_MODE: Mode.DEVICE, CONF_HOST: blynk.url(), CONF_TOKEN: token},
    )


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> MockConfigEntry:
    """Add the entry (unless a test added it to change it first) and set it up."""
    if hass.config_entries.async_get_entry(entry.entry_id) is None:
        entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry


async def advance(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Let time pass: scheduled polls run, and whatever they started finishes.

    The clock must be frozen before the entry is set up: freezing it later moves the event
    loop's clock far ahead at once, and every timer fires, also those of requests in flight.
    """
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.fixture(autouse=True)
def paced_requests(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The history import paces its requests on a clock that moves only when it waits.

    So no test waits for the pacing, whatever the machine's speed; a test checks the spacing
    on that clock: the list holds the instant each paced request started.
    """
    starts: list[float] = []
    clock = [0.0]

    async def sleep(seconds: float) -> None:
        clock[0] += seconds

    class VirtualPacer(Pacer):
        def __init__(self, per_minute: float) -> None:
            super().__init__(per_minute, clock=lambda: clock[0], sleep=sleep)

        async def wait(self) -> None:
            await super().wait()
            starts.append(clock[0])

    monkeypatch.setattr("custom_components.blynk_cloud.statistics.Pacer", VirtualPacer)
    return starts


@pytest.fixture
def platforms() -> list[Platform]:
    """The platforms to set up; a platform test overrides this with its own."""
    return list(PLATFORMS)


@pytest.fixture
async def organization(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    organization_entry: MockConfigEntry,
    platforms: list[Platform],
) -> MockConfigEntry:
    """The demo organization, set up with `platforms` (on a frozen clock: see `advance`)."""
    with patch("custom_components.blynk_cloud.PLATFORMS", platforms):
        return await setup_entry(hass, organization_entry)


@pytest.fixture
async def device(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    device_entry: MockConfigEntry,
    platforms: list[Platform],
) -> MockConfigEntry:
    """The demo weather station in device mode, set up with `platforms` (frozen clock)."""
    with patch("custom_components.blynk_cloud.PLATFORMS", platforms):
        return await setup_entry(hass, device_entry)


def _identifiers(hass: HomeAssistant) -> list[str]:
    """What Home Assistant keeps and shows of the entries: ids, titles, repair texts.

    Read from `hass.data`: the test's Home Assistant has stopped by now.
    """
    texts = [f"{entry.unique_id} {entry.title}" for entry in hass.config_entries.async_entries()]
    if devices := hass.data.get(dr.DATA_REGISTRY):
        texts.extend(str(device.identifiers) for device in devices.devices)
    if entities := hass.data.get(er.DATA_REGISTRY):
        texts.extend(str(entity.unique_id) for entity in entities.entities.values())
    if issues := hass.data.get(ir.DATA_REGISTRY):
        texts.extend(str(issue.translation_placeholders) for issue in issues.issues.values())
    return texts


class _Recorder(logging.Handler):
    """Keeps the text of every log record, traceback included."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(logging.Formatter().format(record))


class _AsBefore(logging.Filter):
    """Lets a handler print only what it would print without the leak check's DEBUG level.

    The leak check enables every logger at DEBUG to read every record. Without this, the
    handlers that print (pytest-homeassistant's stderr handler from `logging.basicConfig`, and
    pytest's report of a failed test) would show them all too, the recorder's DEBUG lines and
    SQLAlchemy's statements among them, also between tests from the recorder's thread.
    """

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("sqlalchemy."):  # its statement echo, at INFO
            return record.levelno >= logging.WARNING
        return record.levelno >= self.level


@pytest.fixture(autouse=True)
def no_secret_leaks(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Generator[None]:
    """Fail any test in which a secret of the scenario shows where people or files see it.

    Checked: log records, errors, and what Home Assistant keeps of the entries (unique IDs,
    titles, device identifiers, entity unique IDs, repair issues).

    Secrets are the scenario's client secrets and device tokens, and every access and refresh
    token the emulator issued during the test.
    """
    # Asked for now, so that the emulator outlives this fixture's check.
    emulator: Emulator | None = (
        request.getfixturevalue("emulator") if "emulator" in request.fixturenames else None
    )
    recorder = _Recorder()
    root = logging.getLogger()
    level = root.level
    # Whatever prints (not the records `caplog` gives to tests) prints as before.
    logging_plugin = request.config.pluginmanager.get_plugin("logging-plugin")
    caplog_handler = getattr(logging_plugin, "caplog_handler", None)
    as_before = _AsBefore(level)
    printing = [handler for handler in root.handlers if handler is not caplog_handler]
    for handler in printing:
        handler.addFilter(as_before)
    root.setLevel(logging.DEBUG)  # debug logs count: users turn them on to report problems
    # SQLAlchemy echoes every statement at INFO once its logger is enabled: not ours to check.
    sql = logging.getLogger("sqlalchemy")
    sql_level = sql.level
    sql.setLevel(logging.WARNING)
    root.addHandler(recorder)
    texts = recorder.texts

    def record_blynk_error(self: BlynkError, *args: object) -> None:
        Exception.__init__(self, *args)
        texts.append(str(self))

    original_ha_init = HomeAssistantError.__init__

    def record_ha_error(self: HomeAssistantError, *args: Any, **kwargs: Any) -> None:
        original_ha_init(self, *args, **kwargs)
        texts.append(f"{args!r} {kwargs.get('translation_placeholders')!r}")

    monkeypatch.setattr(BlynkError, "__init__", record_blynk_error)
    monkeypatch.setattr(HomeAssistantError, "__init__", record_ha_error)
    try:
        yield
    finally:
        root.removeHandler(recorder)
        root.setLevel(level)
        for handler in printing:
            handler.removeFilter(as_before)
        sql.setLevel(sql_level)
    if emulator is None:
        return
    if (hass := request.node.funcargs.get("hass")) is not None:
        texts.extend(_identifiers(hass))
    leaked = [secret for secret in emulator.all_secrets() if any(secret in t for t in texts)]
    assert not leaked, f"{len(leaked)} secret(s) of the scenario leaked into logs or errors"
