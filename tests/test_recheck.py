"""Re-reading a call's phones (recheck.py): after our own call action, or a phone at rest.

The PBX may not report what a transfer, hold or unhold started through the API did, and a
phone reported at rest may still have calls here; both are settled by re-reading those
extensions a moment later.
"""

from datetime import timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, callback
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.synway_ippbx.const import DOMAIN, EVENT_SYNWAY
from simulator import Simulator
from tests.conftest import settle, state_of

ACTIVE_CALLS = "sensor.synway_ippbx_127_0_0_1_active_calls"


async def _action(hass: HomeAssistant, action: str, data: dict[str, str]) -> None:
    await hass.services.async_call(DOMAIN, action, data, blocking=True)


async def _after_recheck(
    hass: HomeAssistant, simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """Let the post-action re-read run (about a second later; no poll is due)."""
    await settle(hass, simulator)
    freezer.tick(timedelta(seconds=1.5))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    await settle(hass, simulator)


def _ext_status_reads(simulator: Simulator) -> list[str]:
    return [
        request.body.get("extid")
        for request in simulator.requests
        if request.path.endswith("/ext_status") and request.body.get("extid")
    ]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("reported", [False, True])
async def test_transfer_is_right_without_waiting_for_a_poll(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    reported: bool,
) -> None:
    """After transfer, the dropped phone is off its call and the other party is right."""
    simulator.config.report_api_actions = reported
    simulator.call_internal("1004", "1005", answer=True)  # a call not involved
    simulator.call_internal("1000", "1001", answer=True)
    await settle(hass, simulator)
    # 1000's leg goes to 1003; 1001, the transferring party, drops out.
    await _action(hass, "transfer", {"extension": "1000", "destination": "1003"})
    await _after_recheck(hass, simulator, freezer)
    assert sorted(set(_ext_status_reads(simulator))) == ["1000", "1001", "1003"]
    assert state_of(hass, "binary_sensor.extension_1001_on_a_call") == "off"
    assert state_of(hass, "sensor.extension_1001_other_party") == "unknown"
    assert state_of(hass, "sensor.extension_1001_status") == "idle"
    assert state_of(hass, "sensor.extension_1003_status") == "ringing"
    assert state_of(hass, "sensor.extension_1000_other_party") == "1003"
    assert state_of(hass, "sensor.extension_1004_other_party") == "1005"
    assert state_of(hass, ACTIVE_CALLS) == "2"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("reported", [False, True])
async def test_hold_and_unhold_show_without_a_report(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    reported: bool,
) -> None:
    """hold/unhold through Home Assistant show at once, reported or not, and stay."""
    simulator.config.report_api_actions = reported
    simulator.call_internal("1000", "1001", answer=True)
    await settle(hass, simulator)
    await _action(hass, "hold", {"extension": "1000"})
    assert state_of(hass, "sensor.extension_1000_status") == "hold"
    await _after_recheck(hass, simulator, freezer)  # ext_status words it "Busy"
    assert state_of(hass, "sensor.extension_1000_status") == "hold"
    assert state_of(hass, "binary_sensor.extension_1000_on_a_call") == "on"
    await _action(hass, "unhold", {"extension": "1000"})
    await _after_recheck(hass, simulator, freezer)
    assert state_of(hass, "sensor.extension_1000_status") == "talking"
    assert state_of(hass, "sensor.extension_1000_other_party") == "1001"


async def test_simulator_stays_silent_about_api_actions_by_default(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """With report_api_actions off, no HOLD/UNHOLD/TRANSFER report follows our actions."""
    bus: list[str] = []
    hass.bus.async_listen(
        EVENT_SYNWAY, callback(lambda event: bus.append(event.data["event"]))
    )
    simulator.call_internal("1000", "1001", answer=True)
    await settle(hass, simulator)
    await _action(hass, "hold", {"extension": "1000"})
    await _action(hass, "unhold", {"extension": "1000"})
    await _action(hass, "transfer", {"extension": "1000", "destination": "1003"})
    await _after_recheck(hass, simulator, freezer)
    assert not {"HOLD", "UNHOLD", "TRANSFER"} & set(bus)
    # What the PBX still says: the dropped phone's status, the new ring.
    assert "ExtensionStatus" in bus
    assert "RING" in bus


async def test_failed_reread_changes_nothing(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """If the re-read after an action fails, the state stays and the poll catches up."""
    simulator.call_internal("1000", "1001", answer=True)
    await settle(hass, simulator)
    await _action(hass, "hold", {"extension": "1000"})
    simulator.set_faults(http_500=True)
    with caplog.at_level(logging.DEBUG, "custom_components.synway_ippbx"):
        await _after_recheck(hass, simulator, freezer)
    assert "Re-reading extensions after a call action failed" in caplog.text
    assert state_of(hass, "sensor.extension_1000_status") == "hold"


async def test_action_on_a_call_we_do_not_track(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An action by call id on a call whose reports were lost reads nothing back."""
    simulator.set_faults(drop_reports=1.0)
    call = simulator.call_internal("1000", "1001", answer=True)
    await settle(hass, simulator)
    simulator.set_faults(drop_reports=0.0)
    reads = len(_ext_status_reads(simulator))
    await _action(hass, "hold", {"call_id": call.caller.uuid})
    await _after_recheck(hass, simulator, freezer)
    assert len(_ext_status_reads(simulator)) == reads
    assert state_of(hass, ACTIVE_CALLS) == "0"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_transfer_by_another_client_is_right_within_a_second(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Another API client transfers: the dropped phone's Idle report triggers a re-read."""
    call = simulator.call_internal("1000", "1001", answer=True)
    await settle(hass, simulator)
    simulator.engine.transfer(call.caller, "1003")  # as the API would, unreported
    await settle(hass, simulator)
    assert state_of(hass, "binary_sensor.extension_1001_on_a_call") == "on"  # stale
    await _after_recheck(hass, simulator, freezer)
    assert _ext_status_reads(simulator) == ["1001"]
    assert state_of(hass, "binary_sensor.extension_1001_on_a_call") == "off"
    assert state_of(hass, "sensor.extension_1000_other_party") == "1003"


async def test_an_action_that_is_not_call_control_reads_nothing_back(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Recording a call changes no phone's state: no re-read follows it."""
    simulator.call_internal("1000", "1001", answer=True)
    await settle(hass, simulator)
    reads = len(_ext_status_reads(simulator))
    await _action(hass, "record", {"extension": "1000"})
    await _after_recheck(hass, simulator, freezer)
    assert len(_ext_status_reads(simulator)) == reads


async def test_actions_close_together_are_read_back_once(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Hold then unhold within the delay: the phones are read back once, together."""
    simulator.call_internal("1000", "1001", answer=True)
    await settle(hass, simulator)
    reads = len(_ext_status_reads(simulator))
    await _action(hass, "hold", {"extension": "1000"})
    await _action(hass, "unhold", {"extension": "1000"})
    await _after_recheck(hass, simulator, freezer)
    assert sorted(_ext_status_reads(simulator)[reads:]) == ["1000", "1001"]
    assert state_of(hass, "sensor.extension_1000_status") == "talking"


async def test_unloading_drops_a_pending_reread(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An entry unloaded while a re-read waits reads nothing afterwards."""
    simulator.call_internal("1000", "1001", answer=True)
    await settle(hass, simulator)
    await _action(hass, "hold", {"extension": "1000"})
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    reads = len(_ext_status_reads(simulator))
    freezer.tick(timedelta(seconds=1.5))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(_ext_status_reads(simulator)) == reads
