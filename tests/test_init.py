"""Setting up, polling, receiving reports and unloading, against the simulator."""

from aiohttp.test_utils import TestClient
from aiohttp.web import Application, Request
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.const import DOMAIN, EVENT_SYNWAY
from simulator import Simulator
from tests.conftest import WEBHOOK_ID, settle, state_of


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_setup_creates_entities(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Setup logs in, polls and creates entities for extensions, trunks and queues."""
    assert init_integration.state is ConfigEntryState.LOADED
    assert state_of(hass, "sensor.extension_1000_status") == "idle"
    assert state_of(hass, "binary_sensor.extension_1000_on_a_call") == STATE_OFF
    assert hass.states.get("sensor.trunk_sip_1_status") is not None
    # Hook buttons exist for FXO trunks only (disabled until the user wants them).
    registry = er.async_get(hass)
    assert registry.async_get("button.trunk_fxo1_off_hook") is not None
    assert registry.async_get("button.trunk_sip_1_off_hook") is None
    assert state_of(hass, "sensor.sales_6700_waiting_callers") == "0"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_internal_call_updates_entities_live(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A call's reports change status, on-call and other party without a poll."""
    simulator.call_internal("1000", "1001")
    await settle(hass, simulator)
    assert state_of(hass, "sensor.extension_1001_status") == "ringing"
    assert state_of(hass, "sensor.extension_1000_status") == "ringback"
    simulator.answer("1001")
    await settle(hass, simulator)
    assert state_of(hass, "sensor.extension_1001_status") == "talking"
    assert state_of(hass, "binary_sensor.extension_1000_on_a_call") == STATE_ON
    assert state_of(hass, "sensor.extension_1000_other_party") == "1001"
    assert state_of(hass, "sensor.synway_ippbx_127_0_0_1_active_calls") == "1"
    simulator.hangup("1001")
    await settle(hass, simulator)
    assert state_of(hass, "binary_sensor.extension_1000_on_a_call") == STATE_OFF
    assert state_of(hass, "sensor.synway_ippbx_127_0_0_1_active_calls") == "0"
    # Back to the status the PBX polls show for an idle SIP phone, not a made-up one.
    assert state_of(hass, "sensor.extension_1000_status") == "idle"


async def test_unload_logs_out_and_stops_listening(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
) -> None:
    """Unloading frees the PBX's API client slot and unregisters the webhook."""
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.NOT_LOADED
    assert simulator.requests[-1].path.endswith("logout")
    fired: list[Event] = []
    hass.bus.async_listen(EVENT_SYNWAY, fired.append)
    body = b'{"event":"ExtensionStatus","extension":"1000","status":"Idle"}'
    response = await report_client.post(f"/api/webhook/{WEBHOOK_ID}", data=body)
    assert response.status == 200
    await hass.async_block_till_done()
    assert fired == []


async def test_removing_the_entry_deletes_its_repair_issues(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A repair issue of a removed PBX disappears at once, not at the next restart."""
    simulator.config.api_enabled = False
    mock_config_entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    issue_id = f"api_disabled_{mock_config_entry.entry_id}"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None
    # Another PBX's issue is not ours to delete.
    ir.async_create_issue(
        hass,
        DOMAIN,
        "api_disabled_another_entry",
        is_fixable=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key="api_disabled",
    )

    assert await hass.config_entries.async_remove(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    assert issue_registry.async_get_issue(DOMAIN, "api_disabled_another_entry")
