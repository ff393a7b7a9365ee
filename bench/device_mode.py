"""The warm-up of both integrations, and device mode's requests and monthly messages."""

from pathlib import Path

from homeassistant.helpers import entity_registry as er

from custom_components.blynk_cloud.const import (
    CONNECTIVITY_INTERVAL,
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
    Mode,
)
from emulator import fleet_scenario

from .baseline import baseline_entry
from .emulator_process import EmulatorProcess
from .harness import device_entry, home_assistant, organization_entry, runtime, set_up
from .results import DeviceModeResult

DATASTREAMS = 50
POLLS = 5
SEED = 8


async def warm_up_and_measure_device_mode(workdir: Path) -> DeviceModeResult:
    """Set both integrations up once (untimed), then read one device of 50 datastreams."""
    scenario = fleet_scenario(1, DATASTREAMS, seed=SEED)
    device = scenario["devices"][0]
    async with EmulatorProcess(scenario, workdir, "device-mode") as emu:
        # The first setup imports modules and fills caches: no measured setup pays for it.
        async with home_assistant(workdir) as hass:
            ours = await set_up(hass, organization_entry(emu.url, scenario), DATASTREAMS + 1)
            await set_up(hass, baseline_entry(ours.entities, ours), ours.entities)
            await set_up(hass, baseline_entry(ours.entities), ours.entities)
            await hass.async_block_till_done(wait_background_tasks=True)
        async with home_assistant(workdir) as hass:
            entry = device_entry(emu.url, device["token"])
            entry.add_to_hass(hass)
            assert await hass.config_entries.async_setup(entry.entry_id), entry.state
            await hass.async_block_till_done(wait_background_tasks=True)
            data = runtime(entry)
            requests: list[int] = []
            messages: list[int] = []
            for _ in range(POLLS):
                await emu.clear_log()
                before = await emu.messages(device["id"])
                await data.values.async_refresh()
                assert data.values.last_update_success, data.values.last_exception
                requests.append(await emu.count())
                messages.append(await emu.messages(device["id"]) - before)
            await emu.clear_log()
            await data.connectivity.async_refresh()
            connectivity = await emu.count()
            entity_id = er.async_get(hass).async_get_entity_id(
                "sensor", DOMAIN, f"{entry.entry_id}_monthly_messages"
            )
            state = None if entity_id is None else hass.states.get(entity_id)
            assert state is not None, "no monthly_messages sensor"
    return DeviceModeResult(
        datastreams=DATASTREAMS,
        requests=tuple(requests),
        messages=tuple(messages),
        connectivity_requests=connectivity,
        poll_seconds=float(DEFAULT_SCAN_INTERVAL[Mode.DEVICE]),
        connectivity_seconds=CONNECTIVITY_INTERVAL[Mode.DEVICE].total_seconds(),
        monthly_sensor=int(state.state),
    )
