"""A benchmark of the `blynk_cloud` integration against the emulator (`python -m bench`).

Home Assistant runs in this process, as in the tests; the emulator runs in a child process on
127.0.0.1, so its CPU is not counted as ours, and it counts the requests on its side. Every
figure is measured in the same run as its baseline, so the ratios hold on a noisy machine.

Modules: `emulator_process` (the child process and its control API), `harness` (Home Assistant
in-process; setup, poll and state-write measurements), `naive` (the request-per-device and
request-per-datastream baselines), `baseline` (registers the minimal coordinator-backed sensor
platform of `baseline_integration/`), `fleet` (what one organization size measures),
`device_mode` (the warm-up and device mode), `results`, `targets` (the issue's targets),
`report` (the table), `__main__` (the command line; `scripts/bench` runs it).
"""
