"""The report receiver: bus events, malformed and repeated bodies, quirky PBXs."""

from datetime import timedelta
import json

from aiohttp.test_utils import TestClient
from aiohttp.web import Application, Request
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, HomeAssistant, callback
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.api import parse_report
from custom_components.synway_ippbx.const import EVENT_SYNWAY
from custom_components.synway_ippbx.webhook import ReportReceiver
from simulator import Simulator
from tests.conftest import WEBHOOK_ID, settle, state_of

URL = f"/api/webhook/{WEBHOOK_ID}"


@pytest.fixture
def bus_events(hass: HomeAssistant) -> list[Event]:
    """Collect synway_ippbx_event bus events."""
    events: list[Event] = []

    @callback
    def _collect(event: Event) -> None:
        # A callback runs in the event loop, in firing order (a plain function would
        # run in the executor, in any order).
        events.append(event)

    hass.bus.async_listen(EVENT_SYNWAY, _collect)
    return events


async def test_reports_are_fired_on_the_bus(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    bus_events: list[Event],
) -> None:
    """Every accepted report reaches the bus as received (under raw), plus the entry id."""
    simulator.call_internal("1000", "1001", answer=True)
    await settle(hass, simulator)
    names = [event.data["raw"]["event"] for event in bus_events]
    assert "RING" in names
    assert "ANSWER" in names
    ring = next(event for event in bus_events if event.data["raw"]["event"] == "RING")
    assert ring.data["config_entry_id"] == init_integration.entry_id
    assert ring.data["raw"]["calledext"]["extid"] == "1001"
    assert (ring.data["call_type"], ring.data["extension"]) == ("ring", "1001")


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
    assert state_of(hass, "sensor.extension_1000_status") == "idle"


def _status(extension: str, status: str) -> str:
    return json.dumps(
        {"event": "ExtensionStatus", "extension": extension, "status": status}
    )


async def test_repeated_report_is_applied_once(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
    bus_events: list[Event],
    freezer: FrozenDateTimeFactory,
) -> None:
    """A re-send (same body 1 s later, nothing between) is dropped; GET is not allowed."""
    body = _status("1000", "Unregistered")
    assert (await report_client.post(URL, data=body)).status == 200
    freezer.tick(timedelta(seconds=1))
    assert (await report_client.post(URL, data=body)).status == 200
    await hass.async_block_till_done()
    assert len(bus_events) == 1
    assert init_integration.runtime_data.coordinator.reports.duplicates == 1
    assert state_of(hass, "sensor.extension_1000_status") == "unregistered"
    assert (await report_client.get(URL)).status == 405


async def test_same_body_after_another_report_is_a_new_change(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
    bus_events: list[Event],
) -> None:
    """Talking, Idle, Talking again: the second Talking is a real change, not a re-send."""
    for status in ("Talking", "Idle", "Talking"):
        assert (
            await report_client.post(URL, data=_status("1001", status))
        ).status == 200
    await hass.async_block_till_done()
    assert [event.data["raw"]["status"] for event in bus_events] == [
        "Talking",
        "Idle",
        "Talking",
    ]
    assert [event.data["status"] for event in bus_events] == [
        "talking",
        "idle",
        "talking",
    ]
    assert init_integration.runtime_data.coordinator.reports.duplicates == 0
    assert state_of(hass, "sensor.extension_1001_status") == "talking"


async def test_same_body_after_the_retry_span_is_a_new_report(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
    bus_events: list[Event],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Registration flapping long after the first report is applied again."""
    body = _status("1002", "Unregistered")
    await report_client.post(URL, data=body)
    freezer.tick(timedelta(minutes=1))
    await report_client.post(URL, data=body)
    # A report about another extension in between does not break a re-send of this one.
    await report_client.post(URL, data=_status("1003", "Unregistered"))
    freezer.tick(timedelta(seconds=1))
    await report_client.post(URL, data=body)
    await hass.async_block_till_done()
    assert len(bus_events) == 3
    assert init_integration.runtime_data.coordinator.reports.duplicates == 1


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_same_call_placed_twice_fires_both_calls(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    bus_events: list[Event],
) -> None:
    """Two calls between the same phones: every report of both reaches the bus."""
    delivered = simulator.dispatcher.stats.delivered
    for _ in range(2):
        simulator.call_internal("1000", "1001", answer=True)
        simulator.hangup("1000")
        await settle(hass, simulator)
    sent = simulator.dispatcher.stats.delivered - delivered
    # A report fires one event per phone it is about, all sharing the one report.
    reports = {id(event.data["raw"]): event.data["raw"] for event in bus_events}
    assert len(reports) == sent
    assert init_integration.runtime_data.coordinator.reports.duplicates == 0
    names = [raw["event"] for raw in reports.values()]
    assert names.count("RING") == 2
    assert names.count("HANGUP") == 2
    statuses = [
        event.data["status"]
        for event in bus_events
        if event.data["call_type"] == "status" and event.data["extension"] == "1001"
    ]
    assert statuses.count("talking") == 2
    assert state_of(hass, "binary_sensor.extension_1001_on_a_call") == "off"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
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


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
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


async def test_memory_of_past_reports_is_pruned(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Objects last reported before the retry span are forgotten in a burst."""
    receiver = ReportReceiver(hass, init_integration)
    for index in range(1100):
        body = _status(str(index), "Idle").encode()
        assert not receiver._is_resend(parse_report(body), body)
        if index == 100:
            freezer.tick(timedelta(seconds=30))
    remembered = receiver._last
    assert ("extension", "0") not in remembered
    assert ("extension", "1099") in remembered
    body = _status("1099", "Idle").encode()
    assert receiver._is_resend(parse_report(body), body)
