"""Calls in progress survive a reload and a restart; an unseen start is never "missed"."""

from datetime import UTC, datetime, timedelta
import json
from typing import Any

from aiohttp.test_utils import TestClient
from aiohttp.web import Application, Request
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_HOMEASSISTANT_FINAL_WRITE
from homeassistant.core import CoreState, Event, HomeAssistant, callback
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.api import Report, parse_report
from custom_components.synway_ippbx.call_memory import (
    MAX_STORED_CALLS,
    CallMemory,
    storage_key,
)
from custom_components.synway_ippbx.const import DOMAIN, EVENT_SYNWAY
from custom_components.synway_ippbx.pbx.call_tracking import (
    MAX_REMEMBERED_ENDED,
    CallTracker,
    LegState,
)
from simulator import Simulator
from tests.conftest import WEBHOOK_ID, poll, settle, state_of

ACTIVE_CALLS = "sensor.synway_ippbx_127_0_0_1_active_calls"
CALLS_TODAY = "sensor.synway_ippbx_127_0_0_1_calls_today"
TRUNK_CALLS = "sensor.trunk_sip_2_active_calls"


def _hangups(hass: HomeAssistant) -> list[dict[str, Any]]:
    """The data of the hangup bus events from now on."""
    seen: list[dict[str, Any]] = []

    @callback
    def _listener(event: Event) -> None:
        if event.data.get("call_type") == "hangup":
            seen.append(dict(event.data))

    hass.bus.async_listen(EVENT_SYNWAY, _listener)
    return seen


async def _restart(
    hass: HomeAssistant, entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """Home Assistant stops (the final write) and starts again with that storage."""
    hass.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)
    await hass.async_block_till_done()
    written = json.loads(json.dumps(hass_storage[storage_key(entry.entry_id)]))
    hass.set_state(CoreState.running)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    # The storage holds what the stop wrote, nothing the unload may have added.
    hass_storage[storage_key(entry.entry_id)] = written
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("how", ["reload", "restart"])
async def test_answered_call_survives(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    how: str,
) -> None:
    """After a reload or restart the call is known: counts, hangup by extension, not missed."""
    simulator.call_inbound("5559876", "SIP-2")  # rings extension 1000
    simulator.answer("1000")
    await settle(hass, simulator)
    assert state_of(hass, ACTIVE_CALLS) == "1"
    if how == "reload":
        assert await hass.config_entries.async_reload(init_integration.entry_id)
        await hass.async_block_till_done()
    else:
        await _restart(hass, init_integration, hass_storage)
    assert state_of(hass, ACTIVE_CALLS) == "1"
    assert state_of(hass, TRUNK_CALLS) == "1"
    assert state_of(hass, "sensor.extension_1000_status") == "talking"
    assert state_of(hass, "sensor.extension_1000_other_party") == "5559876"
    await poll(hass, freezer)  # the first poll confirms the call
    assert state_of(hass, ACTIVE_CALLS) == "1"
    hangups = _hangups(hass)
    await hass.services.async_call(
        DOMAIN, "hangup", {"extension": "1000"}, blocking=True
    )
    await settle(hass, simulator)
    assert hangups
    assert all(data["missed"] is False for data in hangups)
    assert all(data["answered"] is True for data in hangups)
    assert state_of(hass, ACTIVE_CALLS) == "0"
    assert state_of(hass, TRUNK_CALLS) == "0"
    # The day's figures count the call once.
    assert state_of(hass, CALLS_TODAY) == "1"
    call_event = hass.states.get("event.extension_1000_call")
    assert call_event is not None
    assert call_event.attributes.get("missed") is not True


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_call_that_ended_while_away_is_dropped_by_the_first_poll(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """A stored call the PBX no longer has ends at the setup's poll, never shown."""
    simulator.call_internal("1000", "1001", answer=True)
    await settle(hass, simulator)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)
    await hass.async_block_till_done()
    written = json.loads(
        json.dumps(hass_storage[storage_key(init_integration.entry_id)])
    )
    hass.set_state(CoreState.running)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    simulator.set_faults(drop_reports=1.0)
    simulator.hangup("1000")
    await settle(hass, simulator)
    simulator.set_faults(drop_reports=0.0)
    hass_storage[storage_key(init_integration.entry_id)] = written
    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done()
    assert state_of(hass, ACTIVE_CALLS) == "0"
    assert state_of(hass, "sensor.extension_1000_status") == "idle"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_unseen_start_is_not_missed(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
) -> None:
    """A hangup of a call whose start we never saw: missed and answered unknown."""
    hangups = _hangups(hass)
    body = {
        "event": "HANGUP",
        "callid": "began-before-we-did",
        "originator": "caller",
        "callertrunk": {"from": "5551234", "trunk": "SIP-2", "uuid": "t-unseen"},
        "calledext": {"extid": "1001", "uuid": "e-unseen"},
    }
    await report_client.post(f"/api/webhook/{WEBHOOK_ID}", data=json.dumps(body))
    await hass.async_block_till_done()
    assert [(data["missed"], data["answered"]) for data in hangups] == [(None, None)]
    call_event = hass.states.get("event.extension_1001_call")
    assert call_event is not None
    assert call_event.attributes["event_type"] == "hangup"
    assert call_event.attributes["missed"] is None
    assert call_event.attributes["answered"] is None


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_call_failed_then_hangup_is_still_missed(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
) -> None:
    """A call we saw ring, failed then hung up: missed, though its legs are gone."""
    hangups = _hangups(hass)
    trunk = {"from": "5551234", "trunk": "SIP-2", "uuid": "t-seen"}
    callee = {"extid": "1001", "uuid": "e-seen"}
    bodies: list[dict[str, Any]] = [
        {"event": "RING", "callertrunk": trunk},
        {"event": "CALLFAILED", "cause": "NO_ANSWER"},
        {"event": "HANGUP", "originator": "caller"},
    ]
    for body in bodies:
        body |= {"callid": "seen", "calledext": callee}
        await report_client.post(f"/api/webhook/{WEBHOOK_ID}", data=json.dumps(body))
        await hass.async_block_till_done()
    assert [data["missed"] for data in hangups] == [True]


# ------------------------------------------------------------------ (de)serialisation


def _answered(callid: str, extension: str) -> str:
    return json.dumps(
        {
            "event": "ANSWER",
            "callid": callid,
            "callertrunk": {"from": "5551234", "trunk": "SIP-1", "uuid": f"t-{callid}"},
            "calledext": {"extid": extension, "uuid": f"e-{callid}"},
        }
    )


def test_tracker_round_trip() -> None:
    """What to_dict writes, from_dict reads back: legs, states, times, trunk counts."""
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    tracker = CallTracker()
    tracker.apply(parse_report(_answered("a", "1000")), 1, now)
    tracker.apply(parse_report(_answered("b", "1001")), 2, now)
    tracker.set_leg_state("e-b", LegState.HELD, 3)
    data = json.loads(json.dumps(tracker.to_dict()))
    restored = CallTracker.from_dict(data, now=now)
    assert restored.snapshot() == tracker.snapshot()
    assert restored.trunk_calls("SIP-1") == 2
    leg = restored.current_leg("1001")
    assert leg is not None
    assert leg.state is LegState.HELD
    assert restored.knows("a")
    call = restored.call("a")
    assert call is not None
    assert call.updated == now
    assert call.had_extension


def test_restore_drops_old_and_bad_calls_and_stays_bounded() -> None:
    """Calls past the age limit, malformed entries and any beyond the bound are dropped."""
    now = datetime(2026, 1, 2, 12, tzinfo=UTC)
    tracker = CallTracker()
    tracker.apply(parse_report(_answered("old", "1000")), 1, now - timedelta(hours=25))
    tracker.apply(parse_report(_answered("new", "1001")), 2, now - timedelta(hours=1))
    data = tracker.to_dict()
    data["calls"].append({"callid": "bad", "legs": [{"uuid": 5}]})
    typed: dict[str, Any] = {
        "uuid": 5,
        "extension": None,
        "trunk": None,
        "number": None,
    }
    typed |= {"role": "caller", "state": "talking", "activity": 0, "synthetic": False}
    data["calls"].append(
        {"callid": "typed", "updated": None, "had_extension": False, "legs": [typed]}
    )
    data["calls"].append("nonsense")
    restored = CallTracker.from_dict(data, now=now, max_age=timedelta(hours=24))
    assert [call.callid for call in restored.calls()] == ["new"]
    assert not CallTracker.from_dict({"calls": 5}, now=now).active_calls
    assert not CallTracker.from_dict(None, now=now).active_calls
    many = CallTracker()
    for index in range(MAX_STORED_CALLS + 10):
        many.apply(parse_report(_answered(f"c{index}", "1000")), index + 1, now)
    stored = many.to_dict(limit=MAX_STORED_CALLS)
    assert len(stored["calls"]) == MAX_STORED_CALLS
    assert stored["calls"][-1]["callid"] == f"c{MAX_STORED_CALLS + 9}"  # newest kept


async def test_nothing_restored_writes_nothing(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """An entry that never read its calls (setup failed first) never overwrites them."""
    hass_storage[storage_key("e")] = {
        "version": 1,
        "key": storage_key("e"),
        "data": {"calls": []},
    }
    memory = CallMemory(hass, "e")
    await memory.async_save()
    assert hass_storage[storage_key("e")]["data"] == {"calls": []}
    tracker = await memory.async_restore()
    tracker.apply(parse_report(_answered("x", "1000")), 1, datetime.now(UTC))
    memory.async_schedule_save(tracker)
    await memory.async_save()
    assert [
        call["callid"] for call in hass_storage[storage_key("e")]["data"]["calls"]
    ] == ["x"]


def test_ended_calls_remembered_are_bounded() -> None:
    """The memory of ended calls keeps the latest ones only."""
    tracker = CallTracker()
    for index in range(MAX_REMEMBERED_ENDED + 1):
        tracker.apply(parse_report(_answered(f"c{index}", "1000")), 2 * index + 1)
        tracker.apply(_cdr(f"c{index}"), 2 * index + 2)
    assert not tracker.active_calls
    assert not tracker.knows("c0")
    assert tracker.knows(f"c{MAX_REMEMBERED_ENDED}")


def _cdr(callid: str) -> Report:
    """A call record report ending a call."""
    return parse_report(json.dumps({"event": "CDR", "callid": callid}))
