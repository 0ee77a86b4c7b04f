"""Trunks and queues as a user sees them: calls per trunk, queue members, waits."""

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from simulator import Simulator
from tests.conftest import poll, settle, state_of


@pytest.mark.usefixtures("init_integration")
async def test_trunk_counts_its_calls_and_is_in_use(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Calls crossing a trunk count on it, and it shows in use until they end."""
    assert state_of(hass, "sensor.trunk_sip_2_active_calls") == "0"
    ready = state_of(hass, "sensor.trunk_sip_2_status")
    assert ready == "registered"

    first = simulator.call_inbound("88861158", "SIP-2", answer=True)
    await settle(hass, simulator)
    assert state_of(hass, "sensor.trunk_sip_2_active_calls") == "1"
    assert state_of(hass, "sensor.trunk_sip_2_status") == "in_use"
    assert state_of(hass, "sensor.trunk_sip_1_active_calls") == "0"

    second = simulator.call_outbound("1005", "055501234")
    await settle(hass, simulator)
    trunk = second.legs[-1].trunk
    assert trunk is not None
    entity = f"sensor.trunk_{trunk.name.lower().replace('-', '_')}_active_calls"
    assert state_of(hass, entity) == ("2" if trunk.name == "SIP-2" else "1")

    for call in (first, second):
        simulator.engine.hangup(call.legs[0])
        await settle(hass, simulator)
    assert state_of(hass, "sensor.trunk_sip_2_active_calls") == "0"
    assert state_of(hass, entity) == "0"
    assert state_of(hass, "sensor.trunk_sip_2_status") == ready


@pytest.mark.usefixtures("init_integration")
async def test_trunk_calls_cleared_when_the_pbx_restarts(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """A PBX restart ends every call, so the trunks go back to zero."""
    simulator.call_inbound("88861158", "SIP-2", answer=True)
    await settle(hass, simulator)
    assert state_of(hass, "sensor.trunk_sip_2_active_calls") == "1"
    simulator.reboot()
    await settle(hass, simulator)
    assert state_of(hass, "sensor.trunk_sip_2_active_calls") == "0"


async def test_queue_members_and_their_states(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The agents sensor lists every member and what it is doing."""
    state = hass.states.get("sensor.sales_6700_agents_available")
    assert state is not None
    assert state.attributes["members"] == {
        "1001": "waiting",
        "1002": "waiting",
        "1003": "waiting",
    }
    await hass.services.async_call(
        "synway_ippbx",
        "agent_pause",
        {"queue": "6700", "extension": "1003"},
        blocking=True,
    )
    await settle(hass, simulator)
    await poll(hass, freezer)
    state = hass.states.get("sensor.sales_6700_agents_available")
    assert state is not None
    assert state.attributes["members"]["1003"] == "on_break"
    assert state.state == "2"


async def test_longest_wait_in_whole_seconds(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Longest wait counts whole seconds and is shown without decimals."""
    entry = entity_registry.async_get("sensor.sales_6700_longest_wait")
    assert entry is not None
    assert entry.options["sensor"]["suggested_display_precision"] == 0
    simulator.call_inbound("88861158", "fxo1")
    await settle(hass, simulator)
    freezer.tick(timedelta(seconds=12.7))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    await poll(hass, freezer)
    wait = state_of(hass, "sensor.sales_6700_longest_wait")
    assert wait.isdigit()
    assert int(wait) >= 12


async def test_trunk_calls_ended_by_a_poll(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A call whose hang-up reports were lost leaves the trunk when the poll ends it."""
    simulator.call_inbound("5559876", "SIP-2")
    simulator.answer("1000")
    await settle(hass, simulator)
    assert state_of(hass, "sensor.trunk_sip_2_active_calls") == "1"
    simulator.set_faults(drop_reports=1.0)
    simulator.hangup("1000")
    await settle(hass, simulator)
    simulator.set_faults(drop_reports=0.0)
    assert state_of(hass, "sensor.trunk_sip_2_active_calls") == "1"
    await poll(hass, freezer)
    assert state_of(hass, "sensor.trunk_sip_2_active_calls") == "0"
    assert state_of(hass, "sensor.trunk_sip_2_status") == "registered"


@pytest.mark.usefixtures("init_integration")
async def test_hub_active_calls_count_callers_waiting_in_a_queue(
    hass: HomeAssistant, simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """A caller waiting in a queue is a call the PBX carries: the hub counts it, once.

    Queue 6700's agents are all away, so two trunk callers wait with no phone ringing;
    a third caller is on an internal call. Reports alone, then a poll, then an agent
    taking a waiting caller: the hub shows what the PBX carries each time.
    """
    hub = "sensor.synway_ippbx_127_0_0_1_active_calls"
    for agent in ("1001", "1002", "1003"):
        simulator.unregister(agent)
    simulator.call_inbound("5550001", "fxo1")
    simulator.call_inbound("5550002", "fxo1")
    simulator.call_internal("1005", "1006", answer=True)
    await settle(hass, simulator)
    assert len(simulator.state.calls) == 3
    assert state_of(hass, "sensor.sales_6700_waiting_callers") == "2"
    assert state_of(hass, hub) == "3"
    await poll(hass, freezer)
    assert state_of(hass, hub) == "3"
    simulator.register("1001")
    await settle(hass, simulator)
    await poll(hass, freezer)
    assert len(simulator.state.calls) == 3
    assert state_of(hass, hub) == "3"
    simulator.reboot()
    await settle(hass, simulator)
    assert state_of(hass, "sensor.sales_6700_waiting_callers") == "0"
    assert state_of(hass, hub) == "0"
