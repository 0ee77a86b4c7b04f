"""The Activity log as a user reads it: real recorder and logbook, real calls.

One row per thing that happened, on the phone's own device page: the Status sensor's
row for each call step, a described row only for what no enabled entity shows.
"""

from collections.abc import Iterator
from contextlib import contextmanager
import json
from pathlib import Path
from typing import Any
from unittest.mock import patch

from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.json import json_bytes
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import (
    RecorderInstanceContextManager,
    WebSocketGenerator,
)

from custom_components.synway_ippbx.api import MAX_REPORT_SIZE
from custom_components.synway_ippbx.const import EVENT_SYNWAY
from custom_components.synway_ippbx.pbx.happening import BUS_FIELDS
from simulator import Simulator
from tests.conftest import settle

ICONS = json.loads(
    (
        Path(__file__).parent.parent
        / "custom_components"
        / "synway_ippbx"
        / "icons.json"
    ).read_text(encoding="utf-8")
)
STATUS_ICONS = ICONS["entity"]["sensor"]["extension_status"]["state"]
# Small: every extension entity its defaults allow; large: past LARGE_PBX_EXTENSIONS,
# where the secondary ones (settings, figures, last missed call) start disabled.
SIZES = pytest.mark.parametrize("large", [False, True], ids=["10", "501"])


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: RecorderInstanceContextManager, enable_custom_integrations: None
) -> None:
    """The recorder must come before Home Assistant starts (overrides conftest's)."""


@pytest.fixture(autouse=True)
async def logbook(
    recorder_mock: RecorderInstanceContextManager, hass: HomeAssistant
) -> None:
    """Recorder and logbook, set up before the HTTP server starts."""
    assert await async_setup_component(hass, "logbook", {})


@contextmanager
def _size(large: bool) -> Iterator[None]:
    """The simulator's PBX counted as 10 or as 501 extensions (the threshold moves)."""
    with patch(
        "custom_components.synway_ippbx.entity.LARGE_PBX_EXTENSIONS",
        5 if large else 1000,
    ):
        yield


async def _setup(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    *,
    large: bool = False,
) -> None:
    simulator.state.extensions["1003"].settings["username"] = "Reception"
    simulator.state.extensions["1004"].settings["username"] = "Alice"
    entry.add_to_hass(hass)
    with _size(large):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()


def _entity(hass: HomeAssistant, unique_end: str) -> str:
    """An entity id by the end of its unique id (ids follow device names)."""
    registry = er.async_get(hass)
    return next(
        entry.entity_id
        for entry in registry.entities.values()
        if entry.unique_id.endswith(unique_end)
    )


def _status(hass: HomeAssistant, extension: str) -> str:
    return _entity(hass, f"_extension_{extension}_status")


def _ours(hass: HomeAssistant) -> set[str]:
    registry = er.async_get(hass)
    return {
        entry.entity_id
        for entry in registry.entities.values()
        if entry.platform == "synway_ippbx"
    }


async def _query(
    hass: HomeAssistant, ws: WebSocketGenerator, start: Any, **query: Any
) -> list[dict[str, Any]]:
    await async_wait_recording_done(hass)
    client = await ws()
    await client.send_json_auto_id(
        {"type": "logbook/get_events", "start_time": start.isoformat(), **query}
    )
    answer = await client.receive_json()
    assert answer["success"], answer
    return list(answer["result"])


async def _page(
    hass: HomeAssistant, ws: WebSocketGenerator, start: Any, extension: str
) -> list[dict[str, Any]]:
    """Every row of an extension's device page: its entities' and its device's."""
    registry = er.async_get(hass)
    status = registry.async_get(_status(hass, extension))
    assert status is not None and status.device_id is not None
    entities = [
        entry.entity_id
        for entry in er.async_entries_for_device(registry, status.device_id)
    ]
    return await _query(
        hass, ws, start, entity_ids=entities, device_ids=[status.device_id]
    )


async def _activity(
    hass: HomeAssistant, ws: WebSocketGenerator, start: Any
) -> list[dict[str, Any]]:
    """The Activity page's rows that come from this integration."""
    ours = _ours(hass)
    return [
        row
        for row in await _query(hass, ws, start)
        if row.get("domain") == "synway_ippbx" or row.get("entity_id") in ours
    ]


def _status_row(hass: HomeAssistant, row: dict[str, Any], extension: str) -> str:
    """A Status sensor row: its state, which has a phone icon."""
    assert row["entity_id"] == _status(hass, extension), row
    assert STATUS_ICONS[row["state"]].startswith("mdi:phone"), row
    return str(row["state"])


def _said(row: dict[str, Any]) -> tuple[str, str, str | None]:
    """A described row as read: who, what, with which icon."""
    return (row["name"], row["message"], row.get("icon"))


@SIZES
async def test_answering_a_call_is_one_row_per_phone(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    large: bool,
) -> None:
    """Picking up: each phone's page says "Talking" once, on its Status sensor."""
    await _setup(hass, simulator, mock_config_entry, large=large)
    simulator.call_internal("1004", "1003")
    await settle(hass, simulator)
    start = dt_util.utcnow()
    simulator.answer("1003")
    await settle(hass, simulator)
    for extension in ("1003", "1004"):
        rows = await _page(hass, hass_ws_client, start, extension)
        assert len(rows) == 1, rows
        assert _status_row(hass, rows[0], extension) == "talking"
    assert len(await _activity(hass, hass_ws_client, start)) == 2


@SIZES
async def test_a_whole_call_reads_step_by_step(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    large: bool,
) -> None:
    """Ringing, talking, idle: one Status row per step and phone; words where it says more.

    The other party rides on Status as attributes; the Call event entity starts
    disabled, so it writes no second row. Ringing says who calls, and the call's
    record how it went, in words on the phone's page (no entity's row can say it).
    """
    await _setup(hass, simulator, mock_config_entry, large=large)
    start = dt_util.utcnow()
    simulator.call_internal("1004", "1003")
    await settle(hass, simulator)
    simulator.answer("1003")
    await settle(hass, simulator)
    status = hass.states.get(_status(hass, "1003"))
    assert status is not None
    assert status.attributes["other_party"] == "1004"
    assert status.attributes["other_party_name"] == "Alice"
    hung_up = dt_util.utcnow()
    simulator.hangup("1004")
    await settle(hass, simulator)
    steps = {"1004": ["ringback", "talking", "idle"], "1003": ["ringing", "talking"]}
    steps["1003"].append("idle")
    for extension, states in steps.items():
        rows = await _page(hass, hass_ws_client, start, extension)
        assert _states(hass, rows, extension) == states
        after = await _page(hass, hass_ws_client, hung_up, extension)
        assert _states(hass, after, extension) == ["idle"]
    said = _described(await _page(hass, hass_ws_client, start, "1003"))
    assert [message for _, message, _ in said] == [
        "is ringing — call from Alice (1004)",
        "call from Alice (1004): answered, 0 s",
    ]
    assert _described(await _page(hass, hass_ws_client, start, "1004")) == []
    assert hass.states.get(_entity(hass, "_extension_1003_call")) is None
    activity = await _activity(hass, hass_ws_client, start)
    phones = [row for row in activity if row["entity_id"].startswith("sensor.")]
    assert len(phones) == 8, [row["entity_id"] for row in phones]  # 6 Status, 2 words
    # Nothing besides: the call record is the phone's row of words, no bare "Call
    # record" of the PBX event entity (it starts disabled) beside it.
    assert [row for row in activity if row not in phones] == []
    assert not any(row.get("state") in ("unknown", "unavailable") for row in activity)


@SIZES
async def test_a_missed_call_reads_once_as_missed(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    large: bool,
) -> None:
    """The caller gives up: the phone that rang goes idle and says "missed", once.

    Where its Last missed call sensor is enabled (up to 500 extensions) that sensor's
    row is the one; past that, a described row takes its place.
    """
    await _setup(hass, simulator, mock_config_entry, large=large)
    simulator.call_internal("1004", "1003")
    await settle(hass, simulator)
    start = dt_util.utcnow()
    simulator.hangup("1004")
    await settle(hass, simulator)
    rows = await _page(hass, hass_ws_client, start, "1003")
    # The hang-up (Status), the miss, and the call's record.
    assert len(rows) == 3, rows
    status = next(
        row
        for row in rows
        if "state" in row and row["entity_id"] == _status(hass, "1003")
    )
    assert _status_row(hass, status, "1003") == "idle"
    record = rows[-1]
    assert _said(record)[1] == "call from Alice (1004): missed"
    missed = next(row for row in rows if row not in (status, record))
    if large:
        assert _said(missed) == (
            "Reception (1003)",
            "missed a call from Alice (1004)",
            "mdi:phone-missed",
        )
        assert missed["entity_id"] == _status(hass, "1003")
    else:
        assert missed["entity_id"] == _entity(hass, "_extension_1003_last_missed_call")
        last = hass.states.get(missed["entity_id"])
        assert last is not None
        assert last.attributes["number"] == "1004"
    caller = await _page(hass, hass_ws_client, start, "1004")
    assert [_status_row(hass, row, "1004") for row in caller] == ["idle"]


@SIZES
async def test_status_reports_that_change_nothing_write_nothing(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    large: bool,
) -> None:
    """50 status reports of an idle phone: the Activity page stays empty."""
    await _setup(hass, simulator, mock_config_entry, large=large)
    start = dt_util.utcnow()
    for number in range(50):
        # Idle and Registered both mean a reachable phone with no call.
        status = "Idle" if number % 2 else "Registered"
        simulator.emit(
            {"event": "ExtensionStatus", "extension": "1001", "status": status}
        )
    await settle(hass, simulator)
    assert mock_config_entry.runtime_data.coordinator.reports.received >= 50
    assert await _activity(hass, hass_ws_client, start) == []


@SIZES
async def test_transfer_and_failure_keep_their_described_rows(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    large: bool,
) -> None:
    """What no enabled entity shows (a transfer, a failed call's cause) reads in words.

    The row is on the phone's Status sensor, so its device page shows it.
    """
    await _setup(hass, simulator, mock_config_entry, large=large)
    simulator.call_internal("1004", "1003")
    await settle(hass, simulator)
    simulator.answer("1003")
    await settle(hass, simulator)
    start = dt_util.utcnow()
    simulator.transfer("1003", "1002")
    await settle(hass, simulator)
    simulator.call_internal("1001", "1004")
    await settle(hass, simulator)
    described = [
        row
        for row in await _activity(hass, hass_ws_client, start)
        if row.get("domain") == "synway_ippbx"
        # Not the rows of who calls and of the calls' records.
        and row.get("icon") not in ("mdi:phone-ring", "mdi:file-document-outline")
        and not row["message"].startswith("call from")
    ]
    assert [_said(row) for row in described] == [
        (
            "Reception (1003)",
            "transferred the call from Alice (1004) to 1002",
            "mdi:phone-forward",
        ),
        (
            "Extension 1001",
            "could not reach Alice (1004) (USER_BUSY)",
            "mdi:phone-cancel",
        ),
    ]
    assert [row["entity_id"] for row in described] == [
        _status(hass, "1003"),
        _status(hass, "1001"),
    ]
    page = await _page(hass, hass_ws_client, start, "1003")
    # Announced after the store applied the transfer: the phone's own state row, then
    # the words of what it did.
    words = [_said(row)[1] for row in page if row.get("domain") == "synway_ippbx"]
    assert words[0].startswith("transferred")


async def test_an_enabled_call_entity_takes_over_its_rows(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    entity_registry: er.EntityRegistry,
) -> None:
    """Who enables a phone's Call event entity gets its rows instead of the words."""
    await _setup(hass, simulator, mock_config_entry)
    call = _entity(hass, "_extension_1001_call")
    entity_registry.async_update_entity(call, disabled_by=None)
    await hass.config_entries.async_reload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    start = dt_util.utcnow()
    simulator.call_internal("1004", "1003", answer=True)
    await settle(hass, simulator)
    simulator.call_internal("1001", "1004")
    await settle(hass, simulator)
    rows = await _page(hass, hass_ws_client, start, "1001")
    assert not [row for row in rows if row.get("domain") == "synway_ippbx"]
    assert "call_failed" in [
        row.get("attributes", {}).get("event_type")
        for row in rows
        if row["entity_id"] == call
    ]


async def test_pbx_and_queue_reports_are_shown_by_their_entities(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """Queue callers are their event entity's rows; a reboot is one row of words.

    The PBX event entity starts disabled (its call records would double the phones'
    rows), so what it would show is described instead, on its own name.
    """
    await _setup(hass, simulator, mock_config_entry)
    start = dt_util.utcnow()
    simulator.emit({"event": "Systemup"})
    simulator.emit(
        {
            "event": "QueueStatus",
            "number": "6700",
            "callercount": "1",
            "action": "Add",
            "callfrom": "88861158",
        }
    )
    await settle(hass, simulator)
    rows = await _activity(hass, hass_ws_client, start)
    assert [
        (row["entity_id"], row["message"], row.get("icon"))
        for row in rows
        if row.get("domain") == "synway_ippbx"
    ] == [(_entity(hass, "_pbx"), "started", "mdi:restart")]
    assert _entity(hass, "_queue") in {row["entity_id"] for row in rows}


@pytest.mark.parametrize(
    "padding",
    [
        {f"field{number}": "z" * 250 for number in range(240)} | {"count": 3},
        {f"{number:03}" + "k" * 250: "v" for number in range(200)},
        {"names": ["n" * 30] * 1500, "extinfo": {"i" * 100: "j" * 100}},
    ],
    ids=["many-fields", "long-names", "long-list"],
)
async def test_a_padded_report_fires_an_event_under_the_limit(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    padding: dict[str, Any],
) -> None:
    """A report padded to ~60 KB still fires, its data cut under the recorder's 32 KB.

    The recorder would otherwise log "Event data … exceed maximum size of 32768 bytes"
    and store the event without its data.
    """
    caplog.set_level("DEBUG", logger="custom_components.synway_ippbx")
    await _setup(hass, simulator, mock_config_entry)
    fired: list[Event] = []
    hass.bus.async_listen(EVENT_SYNWAY, fired.append)
    report = {"event": "ExtensionStatus", "extension": "1000", "status": "Unregistered"}
    assert 50_000 < len(json.dumps(report | padding)) < MAX_REPORT_SIZE
    simulator.emit(report | padding)
    await settle(hass, simulator)
    await async_wait_recording_done(hass)
    assert len(fired) == 1
    data = fired[0].data
    assert len(json_bytes(data)) <= 32_768
    # The integration's fields whole; the PBX's report cut, under raw, its own
    # fields kept while its padding is cut or left out.
    assert set(BUS_FIELDS) <= set(data)
    assert (data["call_type"], data["extension"]) == ("status", "1000")
    assert data["status"] == "unregistered"
    assert data["config_entry_id"] == mock_config_entry.entry_id
    raw = data["raw"]
    assert {key: raw[key] for key in report} == report
    assert all(len(key) <= 64 for key in raw)
    assert all(len(value) <= 64 for value in raw.values() if isinstance(value, str))
    assert "exceed maximum size" not in caplog.text
    assert "over Home Assistant's event limit" in caplog.text
    assert hass.states.get(_status(hass, "1000")).state == "unregistered"  # type: ignore[union-attr]


def _described(rows: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    """The described rows (this integration's words) among a page's rows, as read."""
    return [_said(row) for row in rows if row.get("domain") == "synway_ippbx"]


def _states(
    hass: HomeAssistant, rows: list[dict[str, Any]], extension: str
) -> list[str]:
    """The Status sensor's rows among a page's rows."""
    return [
        _status_row(hass, row, extension)
        for row in rows
        if "state" in row and row["entity_id"] == _status(hass, extension)
    ]


async def test_a_call_from_a_named_phone_says_who_step_by_step(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """Ringing says who calls; answer and hang-up are the Status rows; the record says
    how it went.

    Each step gives one row of words at most: ringing the caller's name (the Status
    sensor's "Ringing" row cannot), the call record its outcome and duration, on the
    phone's own page.
    """
    await _setup(hass, simulator, mock_config_entry)
    ringing = dt_util.utcnow()
    simulator.call_internal("1004", "1001")
    await settle(hass, simulator)
    rows = await _page(hass, hass_ws_client, ringing, "1001")
    assert _states(hass, rows, "1001") == ["ringing"]
    assert _described(rows) == [
        ("Extension 1001", "is ringing — call from Alice (1004)", "mdi:phone-ring")
    ]
    assert next(row for row in rows if row.get("domain") == "synway_ippbx")[
        "entity_id"
    ] == _status(hass, "1001")
    answered = dt_util.utcnow()
    simulator.answer("1001")
    await settle(hass, simulator)
    rows = await _page(hass, hass_ws_client, answered, "1001")
    assert [row.get("state") for row in rows] == ["talking"]
    simulator.advance(130)
    hung_up = dt_util.utcnow()
    simulator.hangup("1004")
    await settle(hass, simulator)
    rows = await _page(hass, hass_ws_client, hung_up, "1001")
    assert _states(hass, rows, "1001") == ["idle"]
    assert _described(rows) == [
        (
            "Extension 1001",
            "call from Alice (1004): answered, 2 min 10 s",
            "mdi:file-document-outline",
        )
    ]
    # The caller's page: its Status rows, no words (its ringback says whom it calls).
    caller = await _page(hass, hass_ws_client, ringing, "1004")
    assert _described(caller) == []


async def test_an_outside_call_reads_by_number(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """An outside caller is named by number; its key press names the phone it is on."""
    await _setup(hass, simulator, mock_config_entry)
    start = dt_util.utcnow()
    call = simulator.call_inbound("81623617", answer=True)
    await settle(hass, simulator)
    phone = next(leg.ext.number for leg in call.legs if leg.ext is not None)
    label = "Reception (1003)" if phone == "1003" else f"Extension {phone}"
    pressed = dt_util.utcnow()
    simulator.dtmf(call.callid, "1")
    await settle(hass, simulator)
    rows = await _page(hass, hass_ws_client, start, phone)
    said = _described(rows)
    assert said[0] == (label, "is ringing — call from 81623617", "mdi:phone-ring")
    assert said[1:] == [
        ("81623617", f"pressed 1 in the call with {label}", "mdi:dialpad")
    ]
    # The key press is one row, on the phone's page, and nothing else is.
    after = await _activity(hass, hass_ws_client, pressed)
    assert [_said(row) for row in after] == [said[1]]
    assert after[0]["entity_id"] == _status(hass, phone)


async def test_a_missed_call_record_says_missed(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """The caller gives up: the record of the call says "missed", once."""
    await _setup(hass, simulator, mock_config_entry)
    simulator.call_internal("1004", "1001")
    await settle(hass, simulator)
    start = dt_util.utcnow()
    simulator.hangup("1004")
    await settle(hass, simulator)
    rows = await _page(hass, hass_ws_client, start, "1001")
    assert _described(rows) == [
        ("Extension 1001", "call from Alice (1004): missed", "mdi:phone-missed")
    ]
    activity = await _activity(hass, hass_ws_client, start)
    assert [row for row in activity if row.get("domain") == "synway_ippbx"] == [
        row for row in rows if row.get("domain") == "synway_ippbx"
    ]


async def test_an_extension_pressing_keys_is_the_phone_itself(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """A phone that presses keys is the row's subject: no "in the call with" itself."""
    await _setup(hass, simulator, mock_config_entry)
    simulator.call_internal("1004", "1001", answer=True)
    await settle(hass, simulator)
    start = dt_util.utcnow()
    simulator.dtmf("1004", "5")
    await settle(hass, simulator)
    rows = await _activity(hass, hass_ws_client, start)
    assert [_said(row) for row in rows] == [
        ("Alice (1004)", "pressed 5 in the call with Extension 1001", "mdi:dialpad")
    ]
    assert rows[0]["entity_id"] == _status(hass, "1004")


async def test_a_call_record_is_one_row_on_a_new_pbx(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """The record step is one row: the phone's words, no bare "Call record" beside them.

    The PBX event entity starts disabled (as the phones' Call entities do), so the whole
    logbook, not only the phone's page, holds one row for the record.
    """
    await _setup(hass, simulator, mock_config_entry)
    pbx_event = _entity(hass, "_pbx")
    entry = er.async_get(hass).async_get(pbx_event)
    assert (
        entry is not None and entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    )
    call = simulator.call_internal("1004", "1001", answer=True)
    await settle(hass, simulator)
    simulator.advance(130)
    hung_up = dt_util.utcnow()
    simulator.hangup(call.callid)
    await settle(hass, simulator)
    rows = await _query(hass, hass_ws_client, hung_up)
    assert not [row for row in rows if row.get("entity_id") == pbx_event]
    assert [
        _said(row)
        for row in rows
        if "call from Alice (1004):" in row.get("message", "")
    ] == [
        (
            "Extension 1001",
            "call from Alice (1004): answered, 2 min 10 s",
            "mdi:file-document-outline",
        )
    ]
