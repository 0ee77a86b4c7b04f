"""Scale benchmark of the integration: a PBX of 3,000 extensions, 100 trunks, 50 queues.

Run with ``.venv/bin/python benchmarks/integration_scale.py``. It sets the integration up
in Home Assistant's test harness against the simulator over loopback HTTPS and prints:
setup time and entity count; the cost of a poll that changes nothing (and how many states
it writes: the goal is none); the cost of a report and how many states one report writes
(the goal: only the entities of the objects it concerns); memory. Figures, not a test:
nothing here fails on timing.
"""

import asyncio
from collections.abc import AsyncGenerator
from pathlib import Path
import resource
import sys
import time

import pytest

# Runnable as a plain script: the project root holds the packages it benchmarks, and the
# Home Assistant test harness must load before Home Assistant itself, so hand over first.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-s", "-p", "no:cacheprovider"]))

from aiohttp.test_utils import TestClient
from aiohttp.web import Application, Request
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_USERNAME,
    EVENT_STATE_CHANGED,
)
from homeassistant.core import Event, EventStateChangedData, HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.api import Report, password_digest
from custom_components.synway_ippbx.const import (
    CONF_REPORT_URL,
    CONF_SCAN_INTERVAL,
    CONF_VERIFY_SSL,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from simulator import Simulator
from simulator.config import build_extensions, build_queues, build_trunks
from simulator.testing import fixture_config

WEBHOOK_ID = "b" * 64
EXTENSIONS = 3000
CALLS = 200


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.fixture(autouse=True)
async def enable_event_loop_debug() -> None:
    """Measure with the event loop as in production: the harness turns debug mode on."""
    asyncio.get_running_loop().set_debug(False)


@pytest.fixture
async def big_pbx(socket_enabled: None) -> AsyncGenerator[Simulator]:
    """The simulator with a large PBX."""
    extensions = build_extensions(EXTENSIONS)
    config = fixture_config()
    config.extensions = extensions
    config.trunks = build_trunks(90, 10)
    config.queues = build_queues(50, [ext.number for ext in extensions])
    sim = Simulator(config)
    await sim.start(host="127.0.0.1", port=0, https=True)
    yield sim
    await sim.stop()


async def test_scale(
    hass: HomeAssistant,
    big_pbx: Simulator,
    report_client: TestClient[Request, Application],
) -> None:
    """Set up against the big PBX, then poll and push reports; print the figures."""
    written: list[Event[EventStateChangedData]] = []
    hass.bus.async_listen(EVENT_STATE_CHANGED, written.append)
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=big_pbx.host,
        data={
            CONF_HOST: big_pbx.base_url,
            CONF_USERNAME: big_pbx.config.username,
            CONF_PASSWORD: password_digest(big_pbx.config.password),
            CONF_VERIFY_SSL: False,
            CONF_WEBHOOK_ID: WEBHOOK_ID,
        },
        options={
            CONF_SCAN_INTERVAL: 30,
            CONF_REPORT_URL: f"127.0.0.1:{report_client.port}/api/webhook/{WEBHOOK_ID}",
        },
    )
    entry.add_to_hass(hass)
    rss = _rss_mib()
    start = time.perf_counter()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    setup = time.perf_counter() - start
    entities = len(hass.states.async_entity_ids())
    # All primary entities fit under Home Assistant's per-entry limit.
    assert len(hass.states.async_entity_ids("event")) == EXTENSIONS + 50 + 1
    print(
        f"\nsetup: {setup:.2f} s, {entities} entities, "
        f"max RSS +{_rss_mib() - rss:.0f} MiB"
    )

    written.clear()
    start = time.perf_counter()
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    print(
        f"poll with no change: {time.perf_counter() - start:.2f} s, "
        f"{len(written)} states written"
    )

    coordinator = entry.runtime_data.coordinator
    handled = 0
    spent = 0.0
    original = coordinator.async_handle_report

    def timed(report: Report) -> None:
        nonlocal handled, spent
        begin = time.perf_counter()
        original(report)
        spent += time.perf_counter() - begin
        handled += 1

    coordinator.async_handle_report = timed
    written.clear()
    start = time.perf_counter()
    numbers = [f"{1000 + index}" for index in range(2 * CALLS)]
    calls = [
        big_pbx.call_internal(numbers[2 * index], numbers[2 * index + 1], answer=True)
        for index in range(CALLS)
    ]
    for call in calls:
        big_pbx.hangup(call.callid)
    await big_pbx.flush_reports()
    await hass.async_block_till_done()
    elapsed = time.perf_counter() - start
    per_report = spent / handled * 1e6 if handled else 0
    print(
        f"{CALLS} calls: {handled} reports in {elapsed:.2f} s end to end; "
        f"{per_report:.0f} µs of integration work per report; "
        f"{len(written) / max(handled, 1):.1f} states written per report"
    )
    print(f"max RSS {_rss_mib():.0f} MiB")
    assert coordinator.data.calls.active_calls == 0
