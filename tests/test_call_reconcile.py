"""Lost hangups on a busy PBX: the poll ends every call the PBX no longer carries."""

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import Simulator
from tests.conftest import poll, settle, state_of

ACTIVE_CALLS = "sensor.synway_ippbx_127_0_0_1_active_calls"


async def _lose_hangup(hass: HomeAssistant, simulator: Simulator, target: str) -> None:
    """Hang up with every report of it lost (HANGUP, CDR, ExtensionStatus)."""
    simulator.set_faults(drop_reports=1.0)
    simulator.hangup(target)
    await settle(hass, simulator)
    simulator.set_faults(drop_reports=0.0)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_caller_straight_into_a_second_call_ends_the_first(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Both phones of a call whose hangup was lost are busy again, in new calls."""
    simulator.call_internal("1000", "1001", answer=True)
    await settle(hass, simulator)
    await _lose_hangup(hass, simulator, "1000")
    assert state_of(hass, ACTIVE_CALLS) == "1"
    simulator.call_internal("1000", "1002", answer=True)
    simulator.call_internal("1001", "1003", answer=True)
    await settle(hass, simulator)
    assert state_of(hass, ACTIVE_CALLS) == "3"  # the lost call is still tracked
    await poll(hass, freezer)  # 1000 and 1001 are busy, but in other calls
    assert state_of(hass, ACTIVE_CALLS) == str(len(simulator.state.calls)) == "2"
    assert state_of(hass, "sensor.extension_1000_other_party") == "1002"
    assert state_of(hass, "sensor.extension_1001_other_party") == "1003"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_lost_trunk_call_hangup_on_a_busy_trunk(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An outside call's phone took a new call; the trunk is busy with another call."""
    first = simulator.call_outbound("1000", "5559876", answer=True)
    simulator.call_outbound("1004", "5551111", answer=True)
    await settle(hass, simulator)
    assert state_of(hass, ACTIVE_CALLS) == "2"
    (trunk,) = {leg.trunk.name for leg in first.legs if leg.trunk}
    sensor = f"sensor.trunk_{trunk.lower().replace('-', '_')}_active_calls"
    assert state_of(hass, sensor) == "2"
    await _lose_hangup(hass, simulator, "1000")
    simulator.call_internal("1000", "1001", answer=True)
    await settle(hass, simulator)
    await poll(hass, freezer)  # 1000 busy (another call), the trunk in use (1004's)
    assert state_of(hass, ACTIVE_CALLS) == "2"
    assert state_of(hass, sensor) == "1"
