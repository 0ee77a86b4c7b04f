"""The link to the PBX (link.py): login, heartbeat, token, re-login after a reboot,
repair issues, why a poll failed, and report counters."""

from datetime import timedelta
import logging

from aiohttp.test_utils import TestClient
from aiohttp.web import Application, Request
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.synway_ippbx.api import REPORT_EVENTS
from custom_components.synway_ippbx.const import DOMAIN
from simulator import Simulator
from tests.conftest import WEBHOOK_ID, poll, settle, state_of

URL = f"/api/webhook/{WEBHOOK_ID}"
EVENT_STREAM = "binary_sensor.synway_ippbx_127_0_0_1_event_stream"


def _logins(simulator: Simulator) -> int:
    return sum(r.path.endswith("/login") for r in simulator.requests)


# Expected: the one line per outage.
@pytest.mark.expected_errors("Error fetching synway_ippbx data")
async def test_pbx_gone_says_why_in_the_log(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A poll the PBX's port refuses says so in the setup form's words (23.3)."""
    port = simulator.port
    await simulator.stop()
    await poll(hass, freezer)
    line = next(
        record.getMessage()
        for record in caplog.records
        if "Error fetching synway_ippbx data" in record.getMessage()
    )
    assert line.endswith(
        f"The PBX at 127.0.0.1 refused the connection on port {port}: the port is "
        "wrong, or its web server is off"
    )
    assert state_of(hass, "sensor.extension_1000_status") == STATE_UNAVAILABLE


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_systemup_logs_in_again_and_refreshes(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """After a reboot (Systemup) calls are forgotten and the state is fetched afresh."""
    simulator.call_internal("1000", "1001", answer=True)
    await settle(hass, simulator)
    assert state_of(hass, "sensor.synway_ippbx_127_0_0_1_active_calls") == "1"
    logins = sum(r.path.endswith("/login") for r in simulator.requests)
    simulator.reboot()
    await settle(hass, simulator)
    await hass.async_block_till_done()
    assert state_of(hass, "sensor.synway_ippbx_127_0_0_1_active_calls") == "0"
    assert state_of(hass, "binary_sensor.extension_1000_on_a_call") == "off"
    assert sum(r.path.endswith("/login") for r in simulator.requests) == logins + 1
    event = hass.states.get("event.synway_ippbx_127_0_0_1_pbx_event")
    assert event is not None
    assert event.attributes["event_type"] == "system_up"


# Expected: the one line when the PBX rejects the credentials.
@pytest.mark.expected_errors("Authentication failed while fetching synway_ippbx data")
async def test_rejected_credentials_start_reauth(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A password changed on the PBX leads to the reauthentication flow."""
    simulator.config.password = "changed"
    simulator.expire_tokens()
    await poll(hass, freezer)
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


# Expected: the one line per outage.
@pytest.mark.expected_errors("Error fetching synway_ippbx data")
async def test_api_disabled_raises_and_clears_repair_issue(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Turning the API off on the PBX raises a repair issue until it is back on."""
    issue_id = f"api_disabled_{init_integration.entry_id}"
    simulator.config.api_enabled = False
    simulator.expire_tokens()
    await poll(hass, freezer)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None
    simulator.config.api_enabled = True
    await poll(hass, freezer)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def test_client_limit_at_setup_is_retried_with_repair_issue(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A PBX with no free API client slot: setup retries and explains why."""
    simulator.config.max_clients = 0
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    issue_id = f"too_many_clients_{mock_config_entry.entry_id}"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None


async def test_reports_not_arriving_repair_issue(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Polls keep finding activity, no report for ten minutes: tell the user why."""
    issue_id = f"reports_not_arriving_{init_integration.entry_id}"
    simulator.set_faults(drop_reports=1.0)
    for index in range(25):
        if index % 2:
            simulator.register("1003")
        else:
            simulator.unregister("1003")
        await poll(hass, freezer)
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert "/api/webhook/" in issue.translation_placeholders["report_url"]
    assert state_of(hass, "binary_sensor.synway_ippbx_127_0_0_1_event_stream") == "off"

    # Reports get through again: the issue goes away at the first one.
    simulator.set_faults(drop_reports=0.0)
    simulator.unregister("1004")
    await settle(hass, simulator)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    assert state_of(hass, "binary_sensor.synway_ippbx_127_0_0_1_event_stream") == "on"


async def test_heartbeat_keeps_token_alive(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A heartbeat goes out at least every ten minutes, carrying the report address."""
    freezer.tick(timedelta(minutes=5, seconds=1))
    await poll(hass, freezer)
    heartbeats = [r for r in simulator.requests if r.path.endswith("/heartbeat")]
    assert heartbeats
    assert "/api/webhook/" in str(heartbeats[-1].body)


async def test_a_second_reboot_within_a_minute_waits_for_the_poll(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Systemup twice within a minute logs in once: the second (noise, or a forgery)
    waits for the next poll, which logs in on its own when the token is gone."""
    logins = _logins(simulator)
    simulator.reboot()
    await settle(hass, simulator)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _logins(simulator) == logins + 1
    with caplog.at_level(logging.DEBUG, "custom_components.synway_ippbx"):
        # Another body than the first (the same one would be dropped as a re-send).
        response = await report_client.post(
            URL, json={"event": "Systemup", "serial": "again"}
        )
        assert response.status == 200
        await hass.async_block_till_done(wait_background_tasks=True)
    assert _logins(simulator) == logins + 1
    assert "Another Systemup within a minute" in caplog.text


# Expected: the refresh after the reboot fails too, logged once.
@pytest.mark.expected_errors("Error fetching synway_ippbx data")
@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_a_refused_login_after_a_reboot_turns_the_stream_off(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The PBX comes back with its API off: the token is gone, so reports are too."""
    assert state_of(hass, EVENT_STREAM) == "on"
    simulator.config.api_enabled = False
    with caplog.at_level(logging.DEBUG, "custom_components.synway_ippbx"):
        simulator.reboot()
        await settle(hass, simulator)
        await hass.async_block_till_done(wait_background_tasks=True)
    assert "Login after the PBX rebooted failed" in caplog.text
    assert not init_integration.runtime_data.coordinator.link.token_alive
    assert state_of(hass, EVENT_STREAM) == "off"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_a_failed_heartbeat_turns_the_stream_off_and_the_next_on(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The heartbeat is how the token is known alive between polls; the hub shows it."""
    coordinator = init_integration.runtime_data.coordinator
    coordinator.update_interval = None  # only the heartbeat runs
    coordinator._async_unsub_refresh()
    simulator.set_faults(http_500=True)
    freezer.tick(timedelta(minutes=5, seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state_of(hass, EVENT_STREAM) == "off"
    assert state_of(hass, "sensor.extension_1000_status") == "idle"  # polls decide that
    simulator.set_faults(http_500=False)
    freezer.tick(timedelta(minutes=5, seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state_of(hass, EVENT_STREAM) == "on"


async def test_reports_are_counted_by_the_manuals_names(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """Each report counts under the manual's name for it (invented names: see
    faults/test_hostile_input), and when the last one came is kept."""
    reports = init_integration.runtime_data.coordinator.reports
    received = reports.received
    simulator.call_internal("1000", "1001")
    await settle(hass, simulator)
    assert reports.by_event.get("RING", 0) >= 1
    assert reports.by_event.get("RINGBACK", 0) >= 1
    assert set(reports.by_event) <= {*REPORT_EVENTS, "other"}
    assert reports.received > received
    assert reports.last_received is not None
