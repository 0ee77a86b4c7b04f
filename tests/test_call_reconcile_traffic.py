"""Thirty lost hangups under simulated traffic: one poll brings the counts back to truth."""

from collections.abc import AsyncGenerator
import random

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import Simulator
from simulator.config import build_extensions
from simulator.testing import fixture_config
from simulator.traffic import Traffic
from tests.conftest import poll, settle, state_of

ACTIVE_CALLS = "sensor.synway_ippbx_127_0_0_1_active_calls"


@pytest.fixture
async def simulator(socket_enabled: None) -> AsyncGenerator[Simulator]:
    """A PBX of 60 phones (the default trunks and queues), for busy traffic."""
    config = fixture_config()
    config.extensions = build_extensions(60)
    sim = Simulator(config)
    await sim.start(host="127.0.0.1", port=0, https=True)
    try:
        yield sim
    finally:
        await sim.stop()


def _carried(simulator: Simulator) -> dict[str, int]:
    """Calls the simulated PBX carries with a phone or a queue in them, in all and per trunk.

    Callers still only in the IVR are left out: nothing the PBX tells shows them (the
    hub's Active calls counts calls with a phone in them and callers waiting in a queue).
    """
    calls = [
        call
        for call in simulator.state.calls.values()
        if any(leg.ext or leg.state == "queued" for leg in call.live_legs())
    ]
    counts = {"all": len(calls)}
    # A trunk's Active calls counts its calls with a phone in them.
    for call in (c for c in calls if any(leg.ext for leg in c.live_legs())):
        for trunk in {leg.trunk.name for leg in call.live_legs() if leg.trunk}:
            counts[trunk] = counts.get(trunk, 0) + 1
    return counts


def _shown(hass: HomeAssistant, simulator: Simulator) -> dict[str, int]:
    counts = {"all": int(state_of(hass, ACTIVE_CALLS))}
    for trunk in simulator.state.trunks:
        entity_id = f"sensor.trunk_{trunk.lower().replace('-', '_')}_active_calls"
        if shown := int(state_of(hass, entity_id)):
            counts[trunk] = shown
    return counts


async def _run(hass: HomeAssistant, simulator: Simulator, seconds: int) -> None:
    for _ in range(seconds // 5):
        simulator.advance(5)
        await settle(hass, simulator)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_thirty_lost_hangups_under_traffic(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Hangups lost while phones keep calling: totals equal the PBX's after one poll."""
    traffic = Traffic(simulator, 40, seed=7, max_busy=0.8)
    traffic.start()
    rng = random.Random(7)  # noqa: S311 (a seeded choice of calls, not a secret)
    lost = 0
    try:
        await _run(hass, simulator, 120)
        while lost < 30:
            answered = [
                call.callid
                for call in simulator.state.calls.values()
                if call.answered_at is not None and not call.queue
            ]
            if answered:
                simulator.set_faults(drop_reports=1.0)
                simulator.hangup(rng.choice(answered))
                await settle(hass, simulator)
                simulator.set_faults(drop_reports=0.0)
                lost += 1
            await _run(hass, simulator, 5)
        await _run(hass, simulator, 30)  # the freed phones take new calls
    finally:
        traffic.stop()
    await settle(hass, simulator)
    assert _shown(hass, simulator) != _carried(
        simulator
    )  # the lost hangups left calls behind
    await poll(hass, freezer)
    assert _shown(hass, simulator) == _carried(simulator)
