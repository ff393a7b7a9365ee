"""`python -m bench [--devices 10,100,1000]`: measure, print the table, fail on a missed target."""

import argparse
import asyncio
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
import json
import logging
import os
from pathlib import Path
import platform
import signal
import sys
import tempfile
import time

from homeassistant import const as ha_const

from .device_mode import warm_up_and_measure_device_mode
from .fleet import Options, measure_fleet
from .report import LEGEND, details, table
from .results import DeviceModeResult, FleetResult
from .targets import checks, notes

RESULTS = Path(__file__).resolve().parent / "results"


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--devices",
        default="10,100,1000",
        help="organization sizes, comma-separated (default: 10,100,1000)",
    )
    parser.add_argument("--datastreams", type=int, default=20, help="per device (default: 20)")
    parser.add_argument(
        "--polls", type=int, default=20, help="timed polls of each kind per size (default: 20)"
    )
    parser.add_argument(
        "--changed-rounds", type=int, default=5, help="polls after 5%% changed (default: 5)"
    )
    parser.add_argument(
        "--setup-runs", type=int, default=3, help="setups per integration, median (default: 3)"
    )
    parser.add_argument(
        "--latency-ms",
        type=float,
        default=5.0,
        help="round trip added to every answer in the latency series (default: 5)",
    )
    parser.add_argument(
        "--timeout", type=float, default=1800.0, help="give up after this many seconds (1800)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also profile our polls and setup with pyinstrument into bench/results/",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="say what is measured")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; 0 when every target is met."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        sizes = [int(size) for size in args.devices.split(",") if size.strip()]
    except ValueError:
        parser.error("--devices takes whole numbers separated by commas")
    if not sizes or min(sizes) < 1 or min(args.polls, args.changed_rounds, args.setup_runs) < 1:
        parser.error("sizes, polls, rounds and runs must be at least 1")
    options = Options(
        datastreams=args.datastreams,
        polls=args.polls,
        changed_rounds=args.changed_rounds,
        setup_runs=args.setup_runs,
        latency_ms=args.latency_ms,
        profile_dir=RESULTS if args.profile else None,
    )
    RESULTS.mkdir(exist_ok=True)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # Home Assistant warns about every custom integration; the benchmark loads two on purpose.
    logging.getLogger("homeassistant.loader").setLevel(logging.ERROR)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="blynk-bench-") as workdir:
        try:
            device, fleets = asyncio.run(
                _run(sizes, Path(workdir), options, verbose=args.verbose, limit=args.timeout)
            )
        except (TimeoutError, asyncio.CancelledError, KeyboardInterrupt) as err:
            reason = "timed out" if isinstance(err, TimeoutError) else "stopped"
            print(f"benchmark {reason}: no table", file=sys.stderr)
            return 2
    elapsed = time.monotonic() - started
    results = checks(fleets, device)
    now = datetime.now(UTC)
    header = (
        f"blynk_cloud benchmark, {now:%Y-%m-%d %H:%M} UTC, nproc {len(os.sched_getaffinity(0))},"
        f" Python {platform.python_version()}, Home Assistant {ha_const.__version__},"
        f" {elapsed:.0f} s"
    )
    text = "\n\n".join(
        [
            header,
            table(fleets),
            LEGEND,
            details(fleets, device),
            "\n".join(f"{'met   ' if c.met else 'MISSED'}  {c.name}: {c.detail}" for c in results),
            "\n".join(f"note    {note}" for note in notes(fleets)),
        ]
    )
    print(text)
    _save(text, fleets, device, now)
    missed = [check for check in results if not check.met]
    if missed:
        print(f"\n{len(missed)} target(s) missed", file=sys.stderr)
        return 1
    return 0


async def _run(
    sizes: list[int], workdir: Path, options: Options, *, verbose: bool, limit: float
) -> tuple[DeviceModeResult, list[FleetResult]]:
    """Measure everything within `limit` seconds; SIGTERM stops it as cleanly as Ctrl-C."""
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    started = time.monotonic()

    def say(message: str) -> None:
        if verbose:
            print(f"[{time.monotonic() - started:5.0f} s] {message}", file=sys.stderr, flush=True)

    async with asyncio.timeout(limit):
        say("warm-up, then device mode")
        device = await warm_up_and_measure_device_mode(workdir)
        fleets: list[FleetResult] = []
        for size in sizes:
            say(f"organization of {size:,} devices")
            fleets.append(await measure_fleet(size, workdir, options))
    say("done")
    return device, fleets


def _save(text: str, fleets: list[FleetResult], device: DeviceModeResult, now: datetime) -> None:
    """Keep the last run's table and figures in bench/results/ (not committed)."""
    (RESULTS / "latest.md").write_text(text + "\n", encoding="utf-8")
    figures = {
        "date": now.isoformat(),
        "cores": len(os.sched_getaffinity(0)),
        "device_mode": asdict(device),
        "fleets": [asdict(fleet) for fleet in fleets],
    }
    (RESULTS / "latest.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
