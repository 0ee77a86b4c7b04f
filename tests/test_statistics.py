"""Call figures of the day and the last missed call, from CDR reports and cdrs backfill."""

from collections.abc import Generator
import dataclasses
from datetime import timedelta
import logging
import os
import time
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.synway_ippbx.statistics import RecentCall, StatisticsData
from simulator import Simulator
from tests.conftest import poll, settle, state_of


@pytest.fixture(autouse=True)
def utc_everywhere() -> Generator[None]:
    """The PBX writes its local time: give the simulator and Home Assistant the same zone."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.fixture
async def utc_hass(hass: HomeAssistant) -> HomeAssistant:
    """Home Assistant in UTC, like the simulated PBX."""
    await hass.config.async_set_time_zone("UTC")
    return hass


async def _answered_call(
    hass: HomeAssistant, simulator: Simulator, caller: str, callee: str, talk: int
) -> None:
    simulator.call_internal(caller, callee)
    simulator.answer(callee)
    simulator.advance(talk)
    simulator.hangup(caller)
    await settle(hass, simulator)


async def _missed_call(
    hass: HomeAssistant, simulator: Simulator, caller: str, callee: str
) -> None:
    simulator.call_internal(caller, callee)
    simulator.advance(5)
    simulator.hangup(caller)
    await settle(hass, simulator)


async def test_figures_from_cdr_reports(
    utc_hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Calls, missed calls and talk time count per extension and for the PBX."""
    hass = utc_hass
    assert state_of(hass, "sensor.synway_ippbx_127_0_0_1_calls_today") == "0"
    await _answered_call(hass, simulator, "1000", "1001", talk=90)
    await _missed_call(hass, simulator, "1000", "1002")

    assert state_of(hass, "sensor.synway_ippbx_127_0_0_1_calls_today") == "2"
    assert state_of(hass, "sensor.synway_ippbx_127_0_0_1_missed_calls_today") == "1"
    assert float(state_of(hass, "sensor.synway_ippbx_127_0_0_1_talk_time_today")) == 1.5
    assert state_of(hass, "sensor.extension_1000_calls_today") == "2"
    assert state_of(hass, "sensor.extension_1001_calls_today") == "1"
    assert state_of(hass, "sensor.extension_1001_missed_calls_today") == "0"
    assert state_of(hass, "sensor.extension_1002_missed_calls_today") == "1"
    assert state_of(hass, "sensor.extension_1000_missed_calls_today") == "0"
    assert state_of(hass, "sensor.extension_1003_calls_today") == "0"
    state = hass.states.get("sensor.extension_1001_calls_today")
    assert state is not None
    assert state.attributes["state_class"] == "total_increasing"


async def test_last_missed_call(
    utc_hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """The hub and the called extension show who called, with the name when known."""
    hass = utc_hass
    simulator.state.extensions["1005"].settings["username"] = "Reception"
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert state_of(hass, "sensor.extension_1002_last_missed_call") == "unknown"

    await _missed_call(hass, simulator, "1005", "1002")
    for entity_id in (
        "sensor.synway_ippbx_127_0_0_1_last_missed_call",
        "sensor.extension_1002_last_missed_call",
    ):
        state = hass.states.get(entity_id)
        assert state is not None
        assert state.attributes["number"] == "1005"
        assert state.attributes["name"] == "Reception"
        when = dt_util.parse_datetime(state.state)
        assert when is not None
        assert abs((dt_util.utcnow() - when).total_seconds()) < 3600
    assert state_of(hass, "sensor.extension_1000_last_missed_call") == "unknown"

    # An external caller nobody answered: number, no name.
    call = simulator.call_inbound("5550142", "SIP-2")
    simulator.advance(5)
    simulator.hangup(call.callid)
    await settle(hass, simulator)
    state = hass.states.get("sensor.extension_1000_last_missed_call")
    assert state is not None
    assert state.attributes["number"] == "5550142"
    assert state.attributes["name"] is None


async def test_calls_while_home_assistant_was_down_are_counted(
    utc_hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Stop Home Assistant's entry, make 5 calls, start again: all 5 are counted."""
    hass = utc_hass
    await _answered_call(hass, simulator, "1000", "1001", talk=30)
    assert state_of(hass, "sensor.synway_ippbx_127_0_0_1_calls_today") == "1"

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    simulator.config.cdr_page_size = 2  # the records come in pages
    for _ in range(3):
        await _answered_call(hass, simulator, "1003", "1004", talk=60)
    for _ in range(2):
        await _missed_call(hass, simulator, "1005", "1006")

    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state_of(hass, "sensor.synway_ippbx_127_0_0_1_calls_today") == "6"
    assert state_of(hass, "sensor.synway_ippbx_127_0_0_1_missed_calls_today") == "2"
    assert state_of(hass, "sensor.extension_1003_calls_today") == "3"
    assert state_of(hass, "sensor.extension_1006_missed_calls_today") == "2"
    assert float(state_of(hass, "sensor.extension_1004_talk_time_today")) == 3.0
    # The call seen live is not counted twice.
    assert state_of(hass, "sensor.extension_1000_calls_today") == "1"
    cdr_requests = [r for r in simulator.requests if r.name == "cdrs"]
    assert all("start_stamp_begin" in r.body for r in cdr_requests)
    assert {r.body["page"] for r in cdr_requests} >= {"1", "2", "3"}


# Expected: the one line per outage.
@pytest.mark.expected_errors("Error fetching synway_ippbx data")
async def test_backfill_after_an_outage(
    utc_hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Reports lost while the PBX was unreachable: the records fill the gap on return."""
    hass = utc_hass
    simulator.set_faults(http_500=True, drop_reports=1.0)
    await poll(hass, freezer)
    assert state_of(hass, "sensor.synway_ippbx_127_0_0_1_calls_today") == "unavailable"
    await _answered_call(hass, simulator, "1000", "1001", talk=10)
    await _missed_call(hass, simulator, "1000", "1002")
    simulator.set_faults(http_500=False, drop_reports=0.0)
    await poll(hass, freezer)
    assert state_of(hass, "sensor.synway_ippbx_127_0_0_1_calls_today") == "2"
    assert state_of(hass, "sensor.extension_1002_missed_calls_today") == "1"


async def test_figures_reset_at_local_midnight(
    utc_hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A new day starts at zero; the last missed call stays."""
    hass = utc_hass
    await _missed_call(hass, simulator, "1000", "1002")
    assert state_of(hass, "sensor.extension_1002_missed_calls_today") == "1"
    midnight = dt_util.start_of_local_day() + timedelta(days=1)
    freezer.move_to(midnight)
    async_fire_time_changed(hass, midnight)
    await hass.async_block_till_done()
    assert state_of(hass, "sensor.extension_1002_missed_calls_today") == "0"
    assert state_of(hass, "sensor.synway_ippbx_127_0_0_1_calls_today") == "0"
    state = hass.states.get("sensor.extension_1002_last_missed_call")
    assert state is not None
    assert state.attributes["number"] == "1000"


def test_unreadable_stored_figures_start_afresh() -> None:
    """A damaged store gives empty figures, never a traceback."""
    assert StatisticsData.from_json("nonsense").day == ""
    assert StatisticsData.from_json({"hub": {"calls": 1, "bogus": 2}}).hub.calls == 0
    data = StatisticsData(day="2026-01-01", seen={"a"})
    assert StatisticsData.from_json(data.to_json()) == data


async def test_stored_figures_survive_a_restart(
    utc_hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Today's stored figures are kept; a damaged high-water mark means since midnight."""
    hass = utc_hass
    hass_storage[f"synway_ippbx.{mock_config_entry.entry_id}.statistics"] = {
        "version": 1,
        "key": f"synway_ippbx.{mock_config_entry.entry_id}.statistics",
        "data": {
            "day": dt_util.now().date().isoformat(),
            "hub": {"calls": 7, "missed": 2, "talk_time": 600},
            "extensions": {"1001": {"calls": 3, "missed": 1, "talk_time": 120}},
            "seen": ["old-1"],
            "high_water": "not a time",
        },
    }
    await _answered_call(hass, simulator, "1000", "1001", talk=60)  # before setup
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert state_of(hass, "sensor.synway_ippbx_127_0_0_1_calls_today") == "8"
    assert state_of(hass, "sensor.extension_1001_calls_today") == "4"
    assert state_of(hass, "sensor.extension_1001_missed_calls_today") == "1"
    (request,) = [r for r in simulator.requests if r.name == "cdrs"]
    assert request.body["start_stamp_begin"].endswith("00:00:00")


async def test_yesterdays_figures_are_not_today_s(
    utc_hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Figures stored on another day start again at zero."""
    hass_storage[f"synway_ippbx.{mock_config_entry.entry_id}.statistics"] = {
        "version": 1,
        "key": f"synway_ippbx.{mock_config_entry.entry_id}.statistics",
        "data": {"day": "2001-01-01", "hub": {"calls": 7, "missed": 0, "talk_time": 0}},
    }
    mock_config_entry.add_to_hass(utc_hass)
    assert await utc_hass.config_entries.async_setup(mock_config_entry.entry_id)
    await utc_hass.async_block_till_done()
    assert state_of(utc_hass, "sensor.synway_ippbx_127_0_0_1_calls_today") == "0"


async def test_pbx_reboot_backfills_and_failures_are_quiet(
    utc_hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """After Systemup the records are fetched again; a failed fetch is a debug line."""
    hass = utc_hass
    features = init_integration.runtime_data.features
    assert features is not None
    caplog.set_level(logging.DEBUG, "custom_components.synway_ippbx")
    simulator.set_faults(http_500=True)
    await features.statistics.async_backfill()
    await features.settings.async_refresh(["1000"])
    assert "Could not fetch the call records" in caplog.text
    assert "Could not read extension settings" in caplog.text
    simulator.set_faults(http_500=False, drop_reports=1.0)
    await _missed_call(hass, simulator, "1000", "1002")
    simulator.set_faults(drop_reports=0.0)
    before = sum(1 for r in simulator.requests if r.name == "cdrs")
    simulator.reboot()
    await settle(hass, simulator)
    assert sum(1 for r in simulator.requests if r.name == "cdrs") > before
    assert state_of(hass, "sensor.extension_1002_missed_calls_today") == "1"


RECENT = "sensor.synway_ippbx_127_0_0_1_recent_calls"


async def test_recent_calls_list_who_when_and_how(
    utc_hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """The hub's Recent calls: newest first, named, answered or missed, talk time."""
    hass = utc_hass
    simulator.state.extensions["1005"].settings["username"] = "Reception"
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert state_of(hass, RECENT) == "0"
    await _answered_call(hass, simulator, "1000", "1001", talk=90)
    simulator.advance(60)
    await _missed_call(hass, simulator, "1005", "1002")

    state = hass.states.get(RECENT)
    assert state is not None
    calls = state.attributes["calls"]
    assert [
        (c["caller"], c["caller_name"], c["callee"], c["answered"], c["missed"])
        for c in calls
    ] == [
        ("1005", "Reception", "1002", False, True),
        ("1000", None, "1001", True, False),
    ]
    assert calls[1]["duration"] == 90
    assert state.state == "2"
    # The list is not written to the recorder at every call.
    entity = hass.data["entity_components"]["sensor"].get_entity(RECENT)
    assert "calls" in entity._unrecorded_attributes


def _attribute(hass: HomeAssistant, entity_id: str, name: str) -> Any:
    """An attribute of an entity's state (the entity must exist)."""
    state = hass.states.get(entity_id)
    assert state is not None
    return state.attributes[name]


async def test_recent_calls_from_hangups_until_the_records_come(
    utc_hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A call shows in Recent calls when it hangs up; its record replaces the row.

    With the CDR reports lost, the hangup reports alone list who called whom and
    whether it was answered or missed (talk time unknown); the records fetched later
    take their rows' place, one row per call (issue 22.4).
    """
    hass = utc_hass
    simulator.set_faults(drop_cdr_reports=True)
    await _answered_call(hass, simulator, "1000", "1001", talk=90)
    simulator.advance(60)
    await _missed_call(hass, simulator, "1003", "1002")
    calls = _attribute(hass, RECENT, "calls")
    assert [
        (c["caller"], c["callee"], c["answered"], c["missed"], c["duration"])
        for c in calls
    ] == [
        ("1003", "1002", False, True, None),
        ("1000", "1001", True, False, None),
    ]
    assert state_of(hass, "sensor.synway_ippbx_127_0_0_1_calls_today") == "0"

    # The records arrive (a backfill after a PBX restart): the same two rows, enriched.
    await init_integration.runtime_data.features.statistics.async_backfill()
    await hass.async_block_till_done()
    calls = _attribute(hass, RECENT, "calls")
    assert [
        (c["caller"], c["callee"], c["answered"], c["missed"], c["duration"])
        for c in calls
    ] == [
        ("1003", "1002", False, True, 0),
        ("1000", "1001", True, False, 90),
    ]

    # With CDR reports pushed again, a hangup and its record make one row.
    simulator.set_faults(drop_cdr_reports=False)
    simulator.advance(60)
    await _answered_call(hass, simulator, "1004", "1005", talk=30)
    calls = _attribute(hass, RECENT, "calls")
    assert len(calls) == 3
    assert (calls[0]["caller"], calls[0]["duration"]) == ("1004", 30)


async def test_recent_calls_survive_a_restart_and_are_bounded(
    utc_hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Calls seen live and calls fetched after a restart: 20 at most, each once."""
    hass = utc_hass
    for _ in range(3):
        await _answered_call(hass, simulator, "1000", "1001", talk=10)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    for _ in range(19):  # while Home Assistant was away: fetched at setup
        await _missed_call(hass, simulator, "1003", "1004")
    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    state = hass.states.get(RECENT)
    assert state is not None
    calls = state.attributes["calls"]
    assert len(calls) == 20
    assert [c["callee"] for c in calls].count("1004") == 19
    assert [c["callee"] for c in calls].count("1001") == 1
    times = [c["time"] for c in calls]  # ISO, one zone: sorts as times do
    assert times == sorted(times, reverse=True)


def test_stored_recent_calls_round_trip() -> None:
    """The list is stored with the figures, and read back the same."""
    data = StatisticsData(day="2026-01-01")
    data.recent = [
        RecentCall(
            time="2026-01-01T10:00:00+00:00",
            caller="1000",
            caller_name=None,
            callee="1001",
            callee_name="Alice",
            answered=True,
            missed=False,
            outbound=False,
            duration=12,
        )
    ]
    assert StatisticsData.from_json(data.to_json()) == data


def test_a_recent_call_stores_every_field() -> None:
    """The hand-written JSON of a recent call keeps every field (a new one too)."""
    call = RecentCall(
        time="2026-12-07T09:00:00+08:00",
        caller="1001",
        caller_name="Alice",
        callee="1002",
        callee_name=None,
        answered=True,
        missed=False,
        outbound=False,
        duration=130,
        call_id="c1",
    )
    assert call.to_json() == dataclasses.asdict(call)
