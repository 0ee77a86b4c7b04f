"""Polling, outages, token expiry, reboots, configuration changes and repair issues."""

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.const import DOMAIN
from simulator import Simulator
from tests.conftest import poll, settle, state_of


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_poll_picks_up_unreported_changes(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A change the PBX did not report (reports dropped) shows at the next poll."""
    coordinator = init_integration.runtime_data.coordinator
    received = coordinator.reports.received
    simulator.set_faults(drop_reports=1.0)
    simulator.unregister("1002")
    await poll(hass, freezer)
    assert coordinator.reports.received == received
    assert state_of(hass, "sensor.extension_1002_status") == "unregistered"
    assert state_of(hass, "binary_sensor.extension_1002_registered") == "off"


# Expected: the one line per outage.
@pytest.mark.expected_errors("Error fetching synway_ippbx data")
async def test_pbx_down_and_back(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Entities go unavailable while the PBX fails, logged once, and recover."""
    simulator.set_faults(http_500=True)
    await poll(hass, freezer)
    assert state_of(hass, "sensor.extension_1000_status") == STATE_UNAVAILABLE
    assert state_of(hass, "binary_sensor.synway_ippbx_127_0_0_1_event_stream") == "off"
    await poll(hass, freezer)
    assert caplog.text.count("Error fetching synway_ippbx data") == 1
    simulator.set_faults(http_500=False)
    await poll(hass, freezer)
    assert state_of(hass, "sensor.extension_1000_status") == "idle"
    assert state_of(hass, "binary_sensor.synway_ippbx_127_0_0_1_event_stream") == "on"
    assert "Fetching synway_ippbx data recovered" in caplog.text


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


async def test_token_expiry_mid_run_relogs_in(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Expired tokens are renewed transparently, re-registering the report address."""
    logins = sum(r.path.endswith("/login") for r in simulator.requests)
    simulator.expire_tokens()
    await poll(hass, freezer)
    assert state_of(hass, "sensor.extension_1000_status") == "idle"
    assert sum(r.path.endswith("/login") for r in simulator.requests) == logins + 1
    # The new login carries our report address: reports flow again.
    simulator.call_internal("1000", "1001")
    await settle(hass, simulator)
    assert state_of(hass, "sensor.extension_1001_status") == "ringing"


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


async def test_configuration_changes_add_and_remove_devices(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Extensions added or removed on the PBX appear and disappear without a restart."""
    simulator.add_extension("1010")
    await poll(hass, freezer)
    assert state_of(hass, "sensor.extension_1010_status") == "idle"
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, f"{init_integration.entry_id}_extension_1010"),
        init_integration.entry_id,
    )
    assert device is not None
    assert device.via_device_id is not None

    simulator.remove_extension("1010")
    await poll(hass, freezer)
    assert (
        device_registry.async_get_device_by_identifier(
            (DOMAIN, f"{init_integration.entry_id}_extension_1010"),
            init_integration.entry_id,
        )
        is None
    )
    assert hass.states.get("sensor.extension_1010_status") is None


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


async def test_fxo_ports_are_asked_once(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Trunk settings are read for new FXO trunks only, not at every poll."""
    await poll(hass, freezer)
    await poll(hass, freezer)
    queries = [r for r in simulator.requests if r.name == "trunk_query"]
    assert len(queries) == 1
    assert init_integration.runtime_data.coordinator.data.trunks["fxo2"].port == "2"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_every_wake_up_goes_through_one_typed_key(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Objects, the hub, settings and figures all wake through ObjectKey listeners.

    No pseudo-keys beside the typed one, and no listener lists of their own in the
    settings cache or the statistics.
    """
    from custom_components.synway_ippbx.pbx.store import ObjectKey

    coordinator = init_integration.runtime_data.coordinator
    keys = set(coordinator._keyed)
    assert all(type(key) is ObjectKey for key in keys), keys
    assert {"extension", "hub", "structure", "settings"} <= {key.kind for key in keys}
    features = init_integration.runtime_data.features
    assert not hasattr(features.settings, "_listeners")
    assert not hasattr(features.statistics, "_listeners")
