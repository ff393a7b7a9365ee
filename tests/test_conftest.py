"""The leak check of conftest.py: it reads every log record, and prints no more than before."""

from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
TESTS = """
import logging
import threading


def log_from_the_recorder_thread(message: str) -> None:
    logger = logging.getLogger("homeassistant.components.recorder.core")
    thread = threading.Thread(target=logger.debug, args=(message,))
    thread.start()
    thread.join()


def test_quiet(emulator):
    log_from_the_recorder_thread("recorder-line")
    logging.getLogger("sqlalchemy.engine.Engine").info("SELECT statement-line")


def test_leaks(emulator):
    log_from_the_recorder_thread(f"token {sorted(emulator.all_secrets())[0]}")
    log_from_the_recorder_thread("recorder-line")
    logging.getLogger("custom_components.blynk_cloud").warning("warning-line")
"""


def test_debug_records_are_checked_not_printed(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeconftest("from tests.conftest import *  # noqa: F403")
    pytester.makepyfile(test_logging=TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-o", "asyncio_mode=auto")
    # The secret logged at DEBUG, from another thread, fails its test at teardown.
    result.assert_outcomes(passed=2, errors=1)
    output = result.stdout.str() + result.stderr.str()
    assert "ERROR test_logging.py::test_leaks" in output
    assert "1 secret(s) of the scenario leaked" in output
    assert "warning-line" in output  # the failed test's report shows its log, as before
    assert "recorder-line" not in output
    assert "statement-line" not in output
