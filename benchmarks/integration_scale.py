"""Scale benchmark of the integration: a PBX of 3,000 extensions, 100 trunks, 50 queues.

Run with ``.venv/bin/python benchmarks/integration_scale.py``. It sets the integration up
in Home Assistant's test harness against the simulator over loopback HTTPS and prints:
setup time and entity count; the cost of a poll that changes nothing (and how many states
it writes: the goal is none); the cost of a report and how many states one report writes
(the goal: only the entities of the objects it concerns); memory per 1,000 extensions.

A second test then registers the same number of bare entities (same platforms, same devices,
same enabled/disabled split) through a trivial mock integration in a fresh Home Assistant,
and prints our setup cost as a ratio of that floor: Home Assistant's own cost of registering
that many entities. The ratio is of CPU time (the machine is shared; wall time is printed
too), both measured alike: logging at Home Assistant's default level, garbage collected
first, no listener of the benchmark's own during setup. ``BENCH_PROFILE=<dir>`` writes a
cProfile of each setup there. Figures, not a test: nothing here fails on timing.
"""

import asyncio
from collections import Counter
from collections.abc import AsyncGenerator, Iterator
from contextlib import contextmanager
import cProfile
import gc
import logging
import os
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
from homeassistant.config_entries import ConfigEntry, ConfigFlow
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_USERNAME,
    EVENT_STATE_CHANGED,
)
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddEntitiesCallback
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    MockPlatform,
    mock_config_flow,
    mock_integration,
    mock_platform,
)

from benchmarks.results import record
from custom_components.synway_ippbx.api import Report, password_digest
from custom_components.synway_ippbx.const import (
    CONF_REPORT_URL,
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


# What the integration set up, for the bare-entities floor measured next.
_SHAPE: dict[str, object] = {}


@contextmanager
def _measured(name: str) -> Iterator[list[float]]:
    """Wall and CPU seconds of the block (the list is filled when it ends).

    CPU time of the whole process (every thread) is the figure to compare: the machine
    is shared, and waiting for a core is not a cost of either setup. Garbage from before
    is collected first, so neither side pays for the other's. With BENCH_PROFILE=<dir>,
    a cProfile of the block goes to <dir>/<name>.prof.
    """
    gc.collect()
    profile = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
    result: list[float] = []
    wall, cpu = time.perf_counter(), time.process_time()
    if profile is not None:
        profile.enable()
    try:
        yield result
    finally:
        if profile is not None:
            profile.disable()
        result[:] = [time.perf_counter() - wall, time.process_time() - cpu]
        if profile is not None:
            folder = Path(os.environ["BENCH_PROFILE"])
            folder.mkdir(parents=True, exist_ok=True)
            profile.dump_stats(folder / f"{name}.prof")


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_rss_mib() -> float:
    """Resident memory now (not the peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@pytest.fixture(autouse=True)
async def enable_event_loop_debug() -> None:
    """Measure with the event loop as in production: the harness turns debug mode on."""
    asyncio.get_running_loop().set_debug(False)


@pytest.fixture(autouse=True)
def production_log_level() -> Iterator[None]:
    """Log as Home Assistant does by default (warnings): the harness logs at INFO.

    At INFO each of the ~52,000 registrations writes a line to the terminal, in both
    setups alike: that constant padded both sides and so flattered the ratio.
    """
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)
    yield
    root.setLevel(level)


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
            CONF_REPORT_URL: f"127.0.0.1:{report_client.port}/api/webhook/{WEBHOOK_ID}",
        },
    )
    entry.add_to_hass(hass)
    rss = _current_rss_mib()
    with _measured("ours") as setup_cost:
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    setup, setup_cpu = setup_cost
    grown = _current_rss_mib() - rss
    entities = len(hass.states.async_entity_ids())
    registered = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    # Every object got its entities (the Call event entity may start disabled).
    assert sum(item.domain == "event" for item in registered) == EXTENSIONS + 50 + 1
    _SHAPE.update(
        setup=setup,
        setup_cpu=setup_cpu,
        devices=len(
            dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
        ),
        platforms=Counter(
            (item.domain, item.disabled_by is None) for item in registered
        ),
    )
    print(
        f"\nsetup: {setup:.2f} s ({setup_cpu:.2f} s CPU), {entities} entities enabled "
        f"of {len(registered)}; "
        f"memory: +{grown:.0f} MiB RSS, {grown / EXTENSIONS * 1000:.1f} MiB "
        f"per 1,000 extensions"
    )
    record(
        "Memory per 1,000 extensions (RSS growth at setup)",
        f"{grown / EXTENSIONS * 1000:.0f} MiB",
    )

    # Counted from here on, not during setup (the floor has no such listener), and as a
    # callback: a plain function would run in the executor, one job per state.
    written: list[Event[EventStateChangedData]] = []

    @callback
    def _written(event: Event[EventStateChangedData]) -> None:
        written.append(event)

    hass.bus.async_listen(EVENT_STATE_CHANGED, _written)
    start = time.perf_counter()
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    poll = time.perf_counter() - start
    print(f"poll with no change: {poll:.2f} s, {len(written)} states written")
    record(
        "Poll of 3,000 extensions / 50 queues, nothing changed",
        f"{poll * 1000:.0f} ms, {len(written)} states written",
        "≤ 250 ms, 0 writes",
        met=poll <= 0.25 and not written,
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
    record(
        "Integration work per report (in process, 3,000 extensions)",
        f"{per_report:.0f} µs, {len(written) / max(handled, 1):.1f} states written",
    )
    assert coordinator.data.calls.active_calls == 0


class _BareEntity(Entity):
    """An entity with a device and nothing else: Home Assistant's floor."""

    _attr_should_poll = False
    _attr_has_entity_name = True

    def __init__(self, index: int, device: int, enabled: bool) -> None:
        self._attr_unique_id = f"bare-{index}"
        self._attr_name = f"Bare {index}"
        self._attr_entity_registry_enabled_default = enabled
        self._attr_device_info = DeviceInfo(
            identifiers={("bare_entities", str(device))}, name=f"Device {device}"
        )

    @property
    def state(self) -> str:
        """A fixed state."""
        return "idle"


async def test_bare_entities_floor(hass: HomeAssistant) -> None:
    """Register as many bare entities, on as many devices, as the integration did."""
    if not _SHAPE:
        pytest.skip("run with test_scale first")
    platforms: Counter[tuple[str, bool]] = _SHAPE["platforms"]  # type: ignore[assignment]
    devices = int(_SHAPE["devices"])  # type: ignore[call-overload]
    domains = sorted({domain for domain, _ in platforms})
    counter = iter(range(10**9))

    def platform_for(domain: str) -> MockPlatform:
        async def setup_entry(
            hass: HomeAssistant,
            entry: ConfigEntry,
            add: AddEntitiesCallback,
        ) -> None:
            entities = [
                _BareEntity(index, index % devices, enabled)
                for enabled in (True, False)
                for index in (
                    next(counter) for _ in range(platforms.get((domain, enabled), 0))
                )
            ]
            add(entities)

        return MockPlatform(async_setup_entry=setup_entry)

    async def setup_integration(hass: HomeAssistant, entry: ConfigEntry) -> bool:
        await hass.config_entries.async_forward_entry_setups(entry, domains)
        return True

    mock_integration(
        hass, MockModule("bare_entities", async_setup_entry=setup_integration)
    )
    mock_platform(hass, "bare_entities.config_flow")
    for domain in domains:
        mock_platform(hass, f"bare_entities.{domain}", platform_for(domain))
    entry = MockConfigEntry(domain="bare_entities")
    entry.add_to_hass(hass)
    with (
        mock_config_flow("bare_entities", ConfigFlow),
        _measured("floor") as floor_cost,
    ):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    bare, bare_cpu = floor_cost
    ours = float(_SHAPE["setup"])  # type: ignore[arg-type]
    ours_cpu = float(_SHAPE["setup_cpu"])  # type: ignore[arg-type]
    ratio = ours_cpu / bare_cpu
    print(
        f"\nsetup floor: {sum(platforms.values())} bare entities on {devices} devices "
        f"in {bare:.2f} s ({bare_cpu:.2f} s CPU); ours {ours:.2f} s ({ours_cpu:.2f} s "
        f"CPU), ratio {ratio:.2f}× in CPU ({ours / bare:.2f}× wall) (goal ≤ 1.3×)"
    )
    record(
        f"Setup of 3,000 extensions ({sum(platforms.values())} entities) vs. as many "
        "bare entities (CPU)",
        f"{ours_cpu:.1f} s vs. {bare_cpu:.1f} s: {ratio:.2f}×",
        "≤ 1.3×",
        met=ratio <= 1.3,
    )
