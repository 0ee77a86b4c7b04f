"""A password changed on the PBX must never lock its API (issue 9.2).

The PBX locks its API for every application for 10 minutes after 5 failed logins, so after
one rejection no login is tried with the same credentials again: not by polls, heartbeats,
user refreshes or Systemup; only new credentials or a reload try again.
"""

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.synway_ippbx.const import DOMAIN
from simulator import Simulator
from tests.conftest import settle, state_of

from .conftest import assert_no_traceback

STATUS = "sensor.extension_1000_status"


def logins(simulator: Simulator) -> int:
    """Login requests the PBX received."""
    return sum(request.name == "login" for request in simulator.requests)


# Expected: the one line when the PBX rejects the credentials.
@pytest.mark.expected_errors("Authentication failed while fetching synway_ippbx data")
async def test_wrong_password_for_an_hour_tries_one_login(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    log_errors: pytest.LogCaptureFixture,
) -> None:
    """An hour of polls, heartbeats, user refreshes and a Systemup: one failed login."""
    assert await async_setup_component(hass, "homeassistant", {})
    simulator.config.password = "changed-on-the-pbx"
    simulator.expire_tokens()
    before = logins(simulator)
    for second in range(0, 3600, 30):
        freezer.tick(timedelta(seconds=30))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        if second % 300 == 0:
            await hass.services.async_call(
                "homeassistant",
                "update_entity",
                {ATTR_ENTITY_ID: STATUS},
                blocking=True,
            )
        if second == 1800:
            simulator.reboot()  # its Systemup must not make us try again either
            await settle(hass, simulator)
    assert logins(simulator) - before <= 1
    assert not simulator.auth.locked("127.0.0.1")
    assert state_of(hass, STATUS) == STATE_UNAVAILABLE
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert init_integration.runtime_data.client.credentials_rejected
    assert_no_traceback(log_errors, ("Authentication failed while fetching",))

    # The user types the new password: the entry reloads and logs in with it.
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {"password": "changed-on-the-pbx"}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert init_integration.state is ConfigEntryState.LOADED
    assert state_of(hass, STATUS) != STATE_UNAVAILABLE


# Expected: the one line when the PBX rejects the credentials.
@pytest.mark.expected_errors("Authentication failed while fetching synway_ippbx data")
async def test_concurrent_token_errors_share_one_failed_login(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """A poll's three concurrent requests all hit the expired token: one login attempt."""
    simulator.config.password = "changed-on-the-pbx"
    simulator.expire_tokens()
    before = logins(simulator)
    freezer.tick(timedelta(seconds=31))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert logins(simulator) - before == 1
    assert state_of(hass, STATUS) == STATE_UNAVAILABLE


# Expected: the one line when the PBX rejects the credentials.
@pytest.mark.expected_errors("Authentication failed while fetching synway_ippbx data")
async def test_reload_tries_the_credentials_again(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """The password is put back on the PBX: a reload (not a poll) logs in again."""
    simulator.config.password, old = "changed-on-the-pbx", simulator.config.password
    simulator.expire_tokens()
    freezer.tick(timedelta(seconds=31))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    simulator.config.password = old
    before = logins(simulator)
    freezer.tick(timedelta(seconds=31))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert logins(simulator) == before
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert logins(simulator) == before + 1
    assert state_of(hass, STATUS) != STATE_UNAVAILABLE
