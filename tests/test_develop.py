"""scripts/develop and config/: what the development environment promises.

The script runs from a copy of the repository in a temporary folder (sharing `.venv`), on free
ports, so that it meets no running instance and leaves `config/` alone.
"""

from collections.abc import Iterator
from contextlib import closing
import ctypes.util
from importlib import metadata
import json
import os
from pathlib import Path
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from typing import IO
from unittest.mock import patch
import urllib.error
import urllib.request

from homeassistant import bootstrap, config as ha_config, requirements
from homeassistant.core import HomeAssistant
import pytest

from emulator import Emulator

ROOT = Path(__file__).parent.parent
CONFIGURATION = (ROOT / "config/configuration.yaml").read_text(encoding="utf-8")
STOP_SECONDS = 10
"""The promise: Ctrl-C or SIGTERM, at any moment, stops everything within this."""
START_SECONDS = 540
"""A first start may install the development requirements (and ffmpeg) before Home Assistant."""
ONBOARDING = ("google_translate", "met", "radio_browser", "shopping_list")
"""What Home Assistant's onboarding sets up (homeassistant/components/onboarding/views.py)."""
SYSTEM_PACKAGE_ERRORS = {
    "ffmpeg": "[haffmpeg.core] FFmpeg fails",
    "libturbojpeg": "[homeassistant.components.camera.img_util] Error loading libturbojpeg",
}
"""The system packages `scripts/setup --dev` installs only as root or with `sudo -n`, each with
the ERROR Home Assistant logs at every start without it (text-to-speech's ffmpeg, the camera's
JPEG library)."""


def missing_system_packages(path: str | None = None) -> list[str]:
    """Which of them this machine (with this PATH) lacks, found as Home Assistant finds them."""
    missing = [] if shutil.which("ffmpeg", path=path) else ["ffmpeg"]
    if ctypes.util.find_library("turbojpeg") is None:
        missing.append("libturbojpeg")
    return missing


def unexplained_errors(output: str, missing: list[str]) -> list[str]:
    """The ERROR lines of a start, but those of the system packages that are missing."""
    expected = [SYSTEM_PACKAGE_ERRORS[package] for package in missing]
    return [
        line
        for line in re.findall(r".* ERROR .*", output)
        if not any(text in line for text in expected)
    ]


def _normalized(requirement: str) -> str:
    name, _, version = requirement.partition("==")
    return f"{re.sub(r'[-_.]+', '-', name).lower()}=={version}"


def _pins() -> set[str]:
    """What `scripts/setup --dev` installs at an exact version, with what it pulls in."""
    lines = [
        line.split("#")[0].strip()
        for name in ("requirements_dev.txt", "requirements_test.txt")
        for line in (ROOT / name).read_text().splitlines()
    ]
    lines += metadata.requires("homeassistant") or []
    lines += metadata.requires("pytest-homeassistant-custom-component") or []
    return {_normalized(line.split(";")[0].strip()) for line in lines if "==" in line}


async def test_setup_dev_installs_what_home_assistant_would(hass: HomeAssistant) -> None:
    """Nothing is left for Home Assistant to install after the start (or after onboarding)."""
    domains = set(re.findall(r"^(\w+):", CONFIGURATION, re.MULTILINE)) - {"homeassistant"}
    domains |= bootstrap.DEFAULT_INTEGRATIONS | set(ONBOARDING) | {"blynk_cloud"}
    wanted: set[str] = set()

    async def record(_: object, name: str, needed: list[str], is_built_in: bool) -> None:
        wanted.update(needed)

    hass.config.skip_pip = False
    with patch.object(requirements.RequirementsManager, "async_process_requirements", record):
        for domain in sorted(domains):
            await requirements.async_get_integration_with_requirements(hass, domain)
    assert len(wanted) > 10
    assert {_normalized(requirement) for requirement in wanted} - _pins() == set()


def test_configuration_loads_what_the_editors_save() -> None:
    for domain, path in (
        ("automation", ha_config.AUTOMATION_CONFIG_PATH),
        ("script", ha_config.SCRIPT_CONFIG_PATH),
        ("scene", ha_config.SCENE_CONFIG_PATH),
    ):
        assert f"\n{domain}: !include {path}\n" in CONFIGURATION
    # Home Assistant 2026.10 keeps its HTTP settings in .storage; scripts/develop writes them.
    assert "\nhttp:" not in CONFIGURATION


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def _listening(port: int) -> list[str]:
    """The local addresses that listen on a TCP port (from /proc/net)."""
    addresses = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:
                addresses.append(address)
    return addresses


def _processes_in(folder: Path) -> set[int]:
    """The processes whose working directory is `folder`: what the script started."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if (entry / "cwd").readlink() == folder:
                    found.add(int(entry.name))
            except OSError:
                continue
    return found


def _answers(url: str) -> bool:
    try:
        with closing(urllib.request.urlopen(url, timeout=5)):  # noqa: S310 - http://127.0.0.1
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def newcomer_path(folder: Path) -> str:
    """A PATH as on a newcomer's machine: no ffmpeg, and no root (`id -u` is not 0, and `sudo -n`
    refuses), so `scripts/setup --dev` cannot install it."""  # noqa: D205, D209
    commands = folder / "newcomer-bin"
    commands.mkdir()
    for name, script in (("id", "echo 1000"), ("sudo", "exit 1")):
        (commands / name).write_text(f"#!/bin/sh\n{script}\n")
        (commands / name).chmod(0o755)
    for directory in map(Path, os.environ["PATH"].split(os.pathsep)):
        for command in directory.iterdir() if directory.is_dir() else ():
            linked = commands / command.name
            if command.name != "ffmpeg" and not linked.exists() and os.access(command, os.X_OK):
                linked.symlink_to(command)
    return str(commands)


class Develop:
    """scripts/develop of a copy of the repository, on free ports."""

    def __init__(self, folder: Path) -> None:
        ignore = shutil.ignore_patterns("__pycache__")
        for part in ("scripts", "custom_components", "emulator"):
            shutil.copytree(ROOT / part, folder / part, ignore=ignore)
        for name in ("requirements_dev.txt", "requirements_test.txt"):
            shutil.copy(ROOT / name, folder / name)
        (folder / "config").mkdir()
        shutil.copy(ROOT / "config/configuration.yaml", folder / "config/configuration.yaml")
        (folder / ".venv").symlink_to(ROOT / ".venv")
        self.folder = folder
        servers = len(Emulator("demo").regions)  # one per region and white-label server
        self.ha_port, self.emulator_port, *self.other_ports = _free_ports(1 + servers)
        self.log_path = folder / "develop.log"
        self._log: IO[str] | None = None
        self.process: subprocess.Popen[str] | None = None

    def start(self, path: str | None = None) -> None:
        env = {
            **os.environ,
            "PATH": path or os.environ["PATH"],
            "HA_PORT": str(self.ha_port),
            "EMULATOR_PORT": str(self.emulator_port),
            "EMULATOR_OTHER_PORTS": ",".join(map(str, self.other_ports)),
            "PYTHON": sys.executable,
        }
        self._log = self.log_path.open("w")
        # Its own process group, as a terminal runs it: Ctrl-C signals that group.
        self.process = subprocess.Popen(  # noqa: S603 - our own script
            [str(self.folder / "scripts/develop")],
            cwd=self.folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            text=True,
        )

    @property
    def output(self) -> str:
        return self.log_path.read_text()

    def wait_for(self, condition: str, seconds: float) -> None:
        """Wait (bounded) until the output or config/ shows `condition`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process is not None
            assert self.process.poll() is None, self.output[-3000:]
            if condition == "banner":
                if f"Home Assistant:  http://127.0.0.1:{self.ha_port}" in self.output:
                    return
            elif (self.folder / condition).exists():
                return
            time.sleep(0.2)
        pytest.fail(f"no {condition} within {seconds} s:\n{self.output[-3000:]}")

    def stop_within(self, signum: int, *, group: bool) -> float:
        """Return how long the script and all it started take to go after `signum`.

        The signal goes to the script's process group (as Ctrl-C does) or to the script alone.
        """
        assert self.process is not None
        started = _processes_in(self.folder)
        sent = time.monotonic()
        if group:
            os.killpg(self.process.pid, signum)
        else:
            self.process.send_signal(signum)
        deadline = sent + 3 * STOP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None and not (started & _processes_in(self.folder)):
                return time.monotonic() - sent
            time.sleep(0.05)
        return time.monotonic() - sent

    def kill(self) -> None:
        """Whatever is left after a failed test."""
        for pid in _processes_in(self.folder):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue
        if self.process is not None:
            self.process.wait(5)
        if self._log is not None:
            self._log.close()


@pytest.fixture
def develop(tmp_path: Path, socket_enabled: None) -> Iterator[Develop]:
    develop = Develop(tmp_path.resolve())
    yield develop
    develop.kill()


@pytest.mark.timeout(START_SECONDS + 60)
@pytest.mark.parametrize("newcomer", [False, True], ids=["this_machine", "newcomer"])
def test_develop_serves_on_127_0_0_1_and_stops_on_ctrl_c(develop: Develop, newcomer: bool) -> None:
    """Also on a newcomer's machine: no root to install ffmpeg, and none installed."""
    path = newcomer_path(develop.folder) if newcomer else None
    develop.start(path)
    develop.wait_for("banner", START_SECONDS)
    output = develop.output
    # Without root, setup cannot install the system packages: it says how, and their errors
    # are the only ones (a newcomer's `scripts/test` does not fail for them).
    missing = missing_system_packages(path)
    assert ("ffmpeg" in missing) is newcomer
    if missing:
        assert f"setup: please install {' '.join(missing)}" in output
    start = output.rindex("setup: .venv ready") if "setup: .venv ready" in output else 0
    log = (develop.folder / "config/home-assistant.log").read_text()
    # The terminal shows Home Assistant's warnings and errors, and the log everything.
    assert unexplained_errors(output[start:], missing) == []
    assert unexplained_errors(log, missing) == []
    assert "Attempting install" not in log
    assert " INFO " not in output
    assert "Dependencies: {" not in output  # nor the further lines of a multi-line INFO record
    assert "client secret:" in output.split("Home Assistant:  http")[-1]  # in the banner

    ports = [develop.ha_port, develop.emulator_port, *develop.other_ports]
    for port in ports:
        assert _answers(f"http://127.0.0.1:{port}/"), port
        assert _listening(port) == ["0100007F"], port  # 127.0.0.1 only
    # The HTTP settings are the confirmed ones: nothing on trial, nothing to revert.
    stored = json.loads((develop.folder / "config/.storage/http").read_text())["data"]
    assert stored["pending"] is None
    assert stored["stable"]["server_host"] == ["127.0.0.1"]
    assert stored["stable"]["server_port"] == develop.ha_port
    assert "Using stable HTTP config" in log

    assert develop.stop_within(signal.SIGINT, group=True) < STOP_SECONDS
    assert develop.process is not None
    assert develop.process.returncode == 130
    for port in ports:
        assert _listening(port) == []


@pytest.mark.timeout(START_SECONDS + 60)
def test_develop_stops_on_sigterm_while_home_assistant_starts(develop: Develop) -> None:
    develop.start()
    develop.wait_for("config/home-assistant.log", START_SECONDS)
    assert develop.stop_within(signal.SIGTERM, group=False) < STOP_SECONDS
    assert develop.process is not None
    assert develop.process.returncode == 143
    assert _listening(develop.ha_port) == []


def test_only_the_missing_system_packages_may_log_errors() -> None:
    """What a start without ffmpeg and libturbojpeg logs (seen on such a machine)."""
    ffmpeg = (
        "2026-11-28 20:00:00.000 ERROR (MainThread) [haffmpeg.core] FFmpeg fails [Errno 2] "
        "No such file or directory: 'ffmpeg'"
    )
    jpeg = (
        "2026-11-28 20:00:00.000 ERROR (SyncWorker_0) [homeassistant.components.camera.img_util]"
        " Error loading libturbojpeg; Camera snapshot performance will be sub-optimal"
    )
    other = "2026-11-28 20:00:00.000 ERROR (MainThread) [homeassistant.setup] Setup failed"
    output = f"{ffmpeg}\nTraceback (most recent call last):\n{jpeg}\n{other}"
    assert unexplained_errors(output, ["ffmpeg", "libturbojpeg"]) == [other]
    assert unexplained_errors(output, ["libturbojpeg"]) == [ffmpeg, other]
    assert unexplained_errors(output, []) == [ffmpeg, jpeg, other]
