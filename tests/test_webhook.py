"""The report receiver: bus events, malformed and repeated bodies, quirky PBXs."""

import json

from aiohttp.test_utils import TestClient
from aiohttp.web import Application, Request
from homeassistant.core import Event, HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.const import EVENT_SYNWAY
from simulator import Simulator
from tests.conftest import WEBHOOK_ID, settle, state_of

URL = f"/api/webhook/{WEBHOOK_ID}"


@pytest.fixture
def bus_events(hass: HomeAssistant) -> list[Event]:
    """Collect synway_ippbx_event bus events."""
    events: list[Event] = []
    hass.bus.async_listen(EVENT_SYNWAY, events.append)
    return events


async def test_reports_are_fired_on_the_bus(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    bus_events: list[Event],
) -> None:
    """Every accepted report reaches the bus as received, plus the entry id."""
    simulator.call_internal("1000", "1001", answer=True)
    await settle(hass, simulator)
    names = [event.data["event"] for event in bus_events]
    assert "RING" in names
    assert "ANSWER" in names
    ring = next(event for event in bus_events if event.data["event"] == "RING")
    assert ring.data["config_entry_id"] == init_integration.entry_id
    assert ring.data["calledext"]["extid"] == "1001"


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'{"no_event": 1}',
        b"\xff\xfe",
        b'{"event": "ExtensionStatus", "pad": "' + b"x" * 70_000 + b'"}',
    ],
)
async def test_malformed_reports_are_dropped(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
    bus_events: list[Event],
    body: bytes,
) -> None:
    """Bad bodies get 200 (so the PBX does not resend) and change nothing."""
    response = await report_client.post(URL, data=body)
    assert response.status == 200
    await hass.async_block_till_done()
    assert bus_events == []
    coordinator = init_integration.runtime_data.coordinator
    assert coordinator.reports.rejected == 1
    assert state_of(hass, "sensor.extension_1000_status") == "registered"


async def test_repeated_report_is_applied_once(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
    bus_events: list[Event],
) -> None:
    """A report the PBX re-sends is dropped; GET is not allowed."""
    body = json.dumps(
        {"event": "ExtensionStatus", "extension": "1000", "status": "Unregistered"}
    )
    for _ in range(2):
        assert (await report_client.post(URL, data=body)).status == 200
    await hass.async_block_till_done()
    assert len(bus_events) == 1
    assert init_integration.runtime_data.coordinator.reports.duplicates == 1
    assert state_of(hass, "sensor.extension_1000_status") == "unregistered"
    assert (await report_client.get(URL)).status == 405


async def test_quirky_pbx_is_understood(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Capitalised statuses, numbers for strings and duplicate keys are tolerated."""
    simulator.set_quirks(
        capitalised_status=True, number_style="numbers", duplicate_keys=True
    )
    simulator.call_internal("1000", "1001", answer=True)
    await settle(hass, simulator)
    assert state_of(hass, "sensor.extension_1001_status") == "talking"
    assert state_of(hass, "sensor.extension_1000_other_party") == "1001"


async def test_duplicated_and_reordered_reports_keep_state_right(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Reports sent twice are applied once; a finished call leaves no trace."""
    simulator.set_faults(duplicate_reports=1.0)
    simulator.call_internal("1000", "1001", answer=True)
    simulator.hangup("1000")
    await settle(hass, simulator)
    assert init_integration.runtime_data.coordinator.reports.duplicates > 0
    assert state_of(hass, "binary_sensor.extension_1000_on_a_call") == "off"
    assert state_of(hass, "sensor.synway_ippbx_127_0_0_1_active_calls") == "0"
