"""Reloads with a login in flight, and a PBX that goes down and comes back (issue 9.6)."""

from collections.abc import Callable
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from simulator import Simulator
from simulator.slowlink import wall_clock_sleep
from tests.conftest import poll, settle, state_of

from .conftest import assert_no_traceback


async def _wait_for(condition: Callable[[], bool]) -> None:
    """Let the event loop run until ``condition()`` holds (bounded, not a timing check)."""
    for _ in range(1000):
        if condition():
            return
        await wall_clock_sleep(0.01)
    raise AssertionError("the condition never held")


async def test_reloads_during_a_relogin_leave_one_session(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    log_errors: pytest.LogCaptureFixture,
) -> None:
    """10 reloads, each while a poll's re-login is in flight: 1 live session at the end."""
    for _ in range(10):
        coordinator = init_integration.runtime_data.coordinator
        simulator.expire_tokens()
        simulator.set_faults(hold_logins=True)
        held = simulator.held_logins
        # The poll runs as the entry's background task, as every scheduled poll does.
        freezer.tick(timedelta(seconds=31))
        async_fire_time_changed(hass)
        await _wait_for(lambda h=held: simulator.held_logins > h)  # type: ignore[misc]
        assert coordinator.client.logged_in is False
        reload = hass.async_create_task(
            hass.config_entries.async_reload(init_integration.entry_id)
        )
        # The unload is done once the new setup's own login is held too.
        await _wait_for(lambda h=held: simulator.held_logins > h + 1)  # type: ignore[misc]
        simulator.set_faults(hold_logins=False)
        assert await reload
        await hass.async_block_till_done(wait_background_tasks=True)
    await _wait_for(lambda: len(simulator.auth.live_sessions()) <= 1)
    assert len(simulator.auth.live_sessions()) == 1
    assert init_integration.state is ConfigEntryState.LOADED
    assert_no_traceback(log_errors)


# Expected: the one line per outage.
@pytest.mark.expected_errors("Error fetching synway_ippbx data")
async def test_pbx_down_then_back_reports_flow_again(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    log_errors: pytest.LogCaptureFixture,
) -> None:
    """The PBX stops and starts on the same port: polls recover, and so do reports."""
    port = simulator.port
    await simulator.stop()
    await poll(hass, freezer)
    assert state_of(hass, "sensor.extension_1000_status") == STATE_UNAVAILABLE
    await poll(hass, freezer)
    await simulator.start(port=port, https=True)
    await poll(hass, freezer)
    assert state_of(hass, "sensor.extension_1000_status") != STATE_UNAVAILABLE
    simulator.call_internal("1000", "1001")
    await settle(hass, simulator)
    assert state_of(hass, "sensor.extension_1001_status") == "ringing"
    assert log_errors.text.count("Error fetching synway_ippbx data") == 1
    assert_no_traceback(log_errors, ("Error fetching synway_ippbx data",))
