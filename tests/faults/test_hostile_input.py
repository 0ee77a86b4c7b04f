"""Hostile or broken input: deep nesting, made-up event words, forged senders (9.3-9.5, 9.7)."""

from datetime import timedelta
import json
from typing import Any

from aiohttp.test_utils import TestClient
from aiohttp.web import Application, Request
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.synway_ippbx.api import REPORT_EVENTS
from custom_components.synway_ippbx.const import CONF_TRUSTED_SENDER, DOMAIN
from custom_components.synway_ippbx.webhook import REFUSALS_FOR_ISSUE
from simulator import Simulator
from tests.conftest import WEBHOOK_ID, settle, state_of

from .conftest import WEBHOOK_PATH, assert_no_traceback, post_in_pieces

FORGER = "127.0.0.2"
UNREGISTER_1003 = {
    "event": "ExtensionStatus",
    "extension": "1003",
    "status": "Unregistered",
}


async def test_deeply_nested_report_is_dropped_quietly(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
    log_errors: pytest.LogCaptureFixture,
) -> None:
    """2 KB of nested lists: answered 200, counted as rejected, no traceback, no webhook id."""
    body = b'{"event": "ExtensionStatus", "x": ' + b"[" * 1000 + b"]" * 1000 + b"}"
    response = await report_client.post(WEBHOOK_PATH, data=body)
    await hass.async_block_till_done()
    assert response.status == 200
    assert init_integration.runtime_data.coordinator.reports.rejected == 1
    ours = [
        r.getMessage()
        for r in log_errors.records
        if r.name.startswith("custom_components")
    ]
    assert ours
    assert not [message for message in ours if WEBHOOK_ID in message]
    assert_no_traceback(log_errors)


async def test_made_up_event_words_share_one_counter(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
) -> None:
    """A flood of invented event names counts as "other", not one key each."""
    for number in range(300):
        body = json.dumps({"event": f"Invented{number}"})
        assert (await report_client.post(WEBHOOK_PATH, data=body)).status == 200
    body = json.dumps(UNREGISTER_1003)
    assert (await report_client.post(WEBHOOK_PATH, data=body)).status == 200
    by_event = init_integration.runtime_data.coordinator.reports.by_event
    assert by_event == {"other": 300, "ExtensionStatus": 1}
    assert set(by_event) <= {*REPORT_EVENTS, "other"}


async def test_reports_from_another_address_are_refused_until_trusted(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
    issue_registry: ir.IssueRegistry,
    log_errors: pytest.LogCaptureFixture,
) -> None:
    """Not the PBX: 403 and counted; persistent, a repair issue offers to trust it."""
    coordinator = init_integration.runtime_data.coordinator
    issue_id = f"untrusted_report_sender_{init_integration.entry_id}"
    port = report_client.port
    assert port is not None
    for count in range(1, REFUSALS_FOR_ISSUE + 1):
        status = await post_in_pieces(
            port, UNREGISTER_1003, chunked=False, piece=4096, source=FORGER
        )
        await hass.async_block_till_done()
        assert status == 403
        assert coordinator.reports.refused == count
        assert (issue_registry.async_get_issue(DOMAIN, issue_id) is not None) == (
            count == REFUSALS_FOR_ISSUE
        )
    assert state_of(hass, "sensor.extension_1003_status") != "unregistered"
    assert coordinator.reports.received == 0
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["address"] == FORGER

    # The user recognises the address (a second interface of the PBX) and trusts it.
    client = await hass_client()
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    flow = await response.json()
    assert flow["step_id"] == "confirm"
    response = await client.post(f"/api/repairs/issues/fix/{flow['flow_id']}")
    assert (await response.json())["type"] == "create_entry"
    await hass.async_block_till_done()
    assert init_integration.options[CONF_TRUSTED_SENDER] == FORGER
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None

    status = await post_in_pieces(
        port, UNREGISTER_1003, chunked=False, piece=4096, source=FORGER
    )
    await hass.async_block_till_done()
    assert status == 200
    assert state_of(hass, "sensor.extension_1003_status") == "unregistered"
    assert_no_traceback(log_errors)


async def test_repeated_systemups_leave_one_session(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
) -> None:
    """8 Systemups in a row: at most one re-login, and the old token is logged out first."""
    logins = sum(request.name == "login" for request in simulator.requests)
    for number in range(8):
        # Distinct bodies, so that none is taken for a re-sent delivery.
        response = await report_client.post(
            WEBHOOK_PATH, data=json.dumps({"event": "Systemup", "sn": str(number)})
        )
        assert response.status == 200
        await hass.async_block_till_done(wait_background_tasks=True)
    await settle(hass, simulator)
    assert sum(request.name == "login" for request in simulator.requests) == logins + 1
    assert len(simulator.auth.live_sessions()) == 1


async def test_diagnostics_hide_made_up_leg_ids(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
) -> None:
    """A party without uuid gets a made-up leg id holding its number: not in diagnostics."""
    caller = "13800138000"
    ring = {
        "event": "RING",
        "callid": "c-77",
        "callertrunk": {"from": caller, "to": "1001", "trunk": "fxo1"},
        "calledext": {"extid": "1001"},
    }
    assert (await report_client.post(WEBHOOK_PATH, data=json.dumps(ring))).status == 200
    await hass.async_block_till_done()
    tracker = init_integration.runtime_data.coordinator.data.calls
    legs_seen: Any = tracker.snapshot()[0]["legs"]
    assert any(caller in str(leg["uuid"]) for leg in legs_seen)
    diagnostics: Any = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )
    assert caller not in json.dumps(diagnostics)
    legs = diagnostics["calls"][0]["legs"]
    assert {leg["uuid"] for leg in legs} >= {"made-up-1"}


async def test_pbx_named_by_host_name_is_resolved(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
) -> None:
    """A PBX entered as a name: reports from what the name resolves to are accepted.

    (The name is changed under the running entry: the test harness resolves no names but
    localhost, and its HTTP client none at all.)
    """
    entry = init_integration
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_HOST: f"https://localhost:{simulator.port}"}
    )
    freezer.tick(timedelta(minutes=11))  # time to look the name up again
    body = json.dumps(UNREGISTER_1003)
    assert (await report_client.post(WEBHOOK_PATH, data=body)).status == 200
    await hass.async_block_till_done()
    assert entry.runtime_data.coordinator.reports.refused == 0
    assert state_of(hass, "sensor.extension_1003_status") == "unregistered"


async def test_oversized_report_is_dropped_before_reading_it(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
) -> None:
    """Content-Length over 64 KB: answered 200 (no re-send), counted, not applied."""
    body = json.dumps({**UNREGISTER_1003, "pad": "x" * 70_000})
    assert (await report_client.post(WEBHOOK_PATH, data=body)).status == 200
    await hass.async_block_till_done()
    assert init_integration.runtime_data.coordinator.reports.rejected == 1
    assert state_of(hass, "sensor.extension_1003_status") != "unregistered"


@pytest.mark.parametrize(
    ("trusted", "source", "status"),
    [
        ("::ffff:127.0.0.2", FORGER, 200),  # IPv4-mapped: the same address
        ("not-an-address", FORGER, 403),  # a hand-edited option trusts nobody
        ("127.0.0.9", "127.0.0.1", 200),  # the PBX itself stays accepted
    ],
)
async def test_trusted_sender_forms(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
    trusted: str,
    source: str,
    status: int,
) -> None:
    hass.config_entries.async_update_entry(
        init_integration,
        options={**init_integration.options, CONF_TRUSTED_SENDER: trusted},
    )
    assert report_client.port is not None
    answer = await post_in_pieces(
        report_client.port, UNREGISTER_1003, chunked=False, piece=4096, source=source
    )
    assert answer == status


async def test_refusals_are_counted_for_a_bounded_number_of_senders(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
    issue_registry: ir.IssueRegistry,
) -> None:
    """Posts from 80 addresses: all refused and counted, memory for 64 senders."""
    assert report_client.port is not None
    for host in range(2, 82):
        answer = await post_in_pieces(
            report_client.port,
            UNREGISTER_1003,
            chunked=False,
            piece=4096,
            source=f"127.0.1.{host}",
        )
        assert answer == 403
    coordinator = init_integration.runtime_data.coordinator
    assert coordinator.reports.refused == 80
    # No untrusted-sender issue (the offer to install the blueprints is another matter).
    assert not [
        issue_id
        for _, issue_id in issue_registry.issues
        if not issue_id.startswith("install_blueprints")
    ]
