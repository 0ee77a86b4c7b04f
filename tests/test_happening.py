"""Normalised call event fields, on event entities and on the bus, from real traffic."""

import json
from pathlib import Path
import re
from typing import Any

from homeassistant.components.automation.config import async_validate_config_item
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_mock_service,
)
import yaml

from custom_components.synway_ippbx.announce import bus_event_data
from custom_components.synway_ippbx.api import (
    ExtensionStatus,
    ExtensionType,
    parse_report,
    report_from_object,
)
from custom_components.synway_ippbx.const import EVENT_SYNWAY
from custom_components.synway_ippbx.pbx.event_cap import (
    cap_event_data,
    event_size_bound,
)
from custom_components.synway_ippbx.pbx.happening import BUS_FIELDS, build_happening
from custom_components.synway_ippbx.pbx.objects import ExtensionRecord
from custom_components.synway_ippbx.pbx.store import PbxStore
from simulator import Simulator
from tests.conftest import settle

NORMALISED = {
    "call_type",
    "direction",
    "caller_number",
    "caller_name",
    "callee_number",
    "callee_name",
    "extension",
    "trunk",
}


def attributes(hass: HomeAssistant, entity_id: str) -> dict[str, Any]:
    """An entity's attributes."""
    state = hass.states.get(entity_id)
    assert state is not None, f"{entity_id} does not exist"
    return dict(state.attributes)


@pytest.fixture
def bus(hass: HomeAssistant, init_integration: MockConfigEntry) -> list[dict[str, Any]]:
    """The data of every ``synway_ippbx_event`` fired from now on."""
    seen: list[dict[str, Any]] = []

    @callback
    def _listen(event: Event[dict[str, Any]]) -> None:
        seen.append(dict(event.data))

    hass.bus.async_listen(EVENT_SYNWAY, _listen)
    return seen


def _events(bus: list[dict[str, Any]], call_type: str) -> list[dict[str, Any]]:
    return [data for data in bus if data.get("call_type") == call_type]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_internal_answered_call(
    hass: HomeAssistant, simulator: Simulator, bus: list[dict[str, Any]]
) -> None:
    """An internal call: names, numbers and the extension on each event and entity."""
    simulator.state.extensions["1000"].settings["username"] = "Alice"
    simulator.state.extensions["1001"].settings["username"] = "Reception"
    await hass.config_entries.async_reload(
        hass.config_entries.async_entries("synway_ippbx")[0].entry_id
    )
    await hass.async_block_till_done()
    simulator.call_internal("1000", "1001")
    await settle(hass, simulator)
    ring = attributes(hass, "event.extension_1001_call")
    assert {key: ring[key] for key in NORMALISED} == {
        "call_type": "ring",
        "direction": "internal",
        "caller_number": "1000",
        "caller_name": "Alice",
        "callee_number": "1001",
        "callee_name": "Reception",
        "extension": "1001",
        "trunk": None,
    }
    assert ring["caller"] == "1000"  # the older field stays
    simulator.answer("1001")
    await settle(hass, simulator)
    simulator.hangup("1000")
    await settle(hass, simulator)
    callee = attributes(hass, "event.extension_1001_call")
    caller = attributes(hass, "event.extension_1000_call")
    assert (callee["call_type"], callee["answered"], callee["missed"]) == (
        "hangup",
        True,
        False,
    )
    assert (caller["extension"], caller["answered"], caller["missed"]) == (
        "1000",
        True,
        False,
    )
    (ring_event,) = _events(bus, "ring")
    assert ring_event["extension"] == "1001"
    assert ring_event["entity_id"].endswith("_1001_call")  # shown on its device page
    assert ring_event["event"] == "RING"  # the PBX's fields as received
    assert ring_event["config_entry_id"]
    (hangup,) = _events(bus, "hangup")[:1]
    assert (hangup["answered"], hangup["missed"]) == (True, False)
    (cdr,) = _events(bus, "cdr")
    assert {key: cdr[key] for key in ("direction", "answered", "missed")} == {
        "direction": "internal",
        "answered": True,
        "missed": False,
    }
    assert (cdr["caller_name"], cdr["callee_number"]) == ("Alice", "1001")
    cdr_entity = attributes(hass, "event.synway_ippbx_127_0_0_1_pbx_event")
    assert (cdr_entity["event_type"], cdr_entity["call_type"]) == ("cdr", "cdr")


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_inbound_missed_call(
    hass: HomeAssistant, simulator: Simulator, bus: list[dict[str, Any]]
) -> None:
    """An outside caller gives up: inbound, the trunk named, missed on every event."""
    simulator.state.trunks["SIP-2"].control_inbound = True
    call = simulator.call_inbound("88861158", "SIP-2", accept=True)
    await settle(hass, simulator)
    simulator.hangup(call.callid)
    await settle(hass, simulator)
    ring = _events(bus, "ring")[0]
    assert (ring["direction"], ring["caller_number"], ring["trunk"]) == (
        "inbound",
        "88861158",
        "SIP-2",
    )
    assert ring["caller_name"] is None
    ended = [*_events(bus, "hangup"), *_events(bus, "call_failed")]
    assert ended
    assert all(data["missed"] is True for data in ended)
    assert all(data["answered"] is False for data in ended)
    (cdr,) = _events(bus, "cdr")
    assert (cdr["direction"], cdr["missed"], cdr["answered"]) == (
        "inbound",
        True,
        False,
    )
    (request,) = _events(bus, "callin_request")
    assert (request["direction"], request["trunk"]) == ("inbound", "SIP-2")
    callee = ring["extension"]
    event = attributes(hass, f"event.extension_{callee}_call")
    assert (event["missed"], event["direction"]) == (True, "inbound")


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_outbound_call(
    hass: HomeAssistant, simulator: Simulator, bus: list[dict[str, Any]]
) -> None:
    """An extension dials out: outbound through a trunk."""
    simulator.call_outbound("1002", "5551234", answer=True)
    await settle(hass, simulator)
    ringback = attributes(hass, "event.extension_1002_call")
    assert ringback["direction"] == "outbound"
    assert ringback["callee_number"] == "5551234"
    assert ringback["extension"] == "1002"
    assert ringback["trunk"]


def test_bus_data_has_one_shape() -> None:
    """Every report has the same top-level fields; the PBX's report is under ``raw``."""
    store = PbxStore()
    callin = build_happening(
        report_from_object(
            {"event": "CALLINREQUEST", "callid": "1", "trunk": "pbx-trunk-name"}
        ),
        store,
    )
    (fields,) = callin.bus
    assert fields["trunk"] == "pbx-trunk-name"
    assert fields["call_type"] == "callin_request"
    assert fields["call_id"] == "1"
    assert fields["raw"] == {
        "event": "CALLINREQUEST",
        "callid": "1",
        "trunk": "pbx-trunk-name",
    }
    assert "callid" not in fields
    (systemup,) = build_happening(report_from_object({"event": "Systemup"}), store).bus
    assert set(systemup) == {*BUS_FIELDS, "event", "raw"}
    assert systemup["call_type"] == "system_up"
    assert systemup["raw"] == {"event": "Systemup"}


@pytest.mark.parametrize(
    ("data", "key"),
    [
        # The Status sensor's own row says it: no second row on the phone's page.
        ({"event": "ExtensionStatus", "extension": "1002", "status": "Idle"}, None),
        ({"event": "QueueStatus", "number": "6700", "action": "Add"}, "6700"),
        ({"event": "QueueOverflow", "number": "6701"}, "6701"),
        ({"event": "AgentStatus", "queueid": "6700", "extid": "1003"}, "6700"),
        ({"event": "CallinRequest", "callid": "c"}, None),
        ({"event": "Systemup"}, None),
    ],
)
def test_report_subject(data: dict[str, Any], key: str | None) -> None:
    """Each report is shown on the object it is about (none for the PBX's own)."""
    subject = build_happening(report_from_object(data), PbxStore()).subject
    assert (subject[1] if subject else None) == key


async def test_hub_reports_carry_no_entity(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The PBX's own events are not pinned to an extension's entity."""
    store = init_integration.runtime_data.coordinator.data
    happening = build_happening(report_from_object({"event": "Systemup"}), store)
    (data,) = bus_event_data(hass, init_integration.entry_id, happening)
    assert "entity_id" not in data
    assert data["extension"] is None
    assert data["config_entry_id"] == init_integration.entry_id


def _readme_examples() -> list[dict[str, Any]]:
    """The automations of docs/automations.md's "Events for automations" section."""
    page = Path(__file__).parent.parent / "docs" / "automations.md"
    text = page.read_text(encoding="utf-8")
    section = text.split("## Events for automations", 1)[1].split("\n## ", 1)[0]
    return [
        document
        for block in re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
        for document in yaml.safe_load_all(block)
    ]


async def test_readme_examples_are_valid_automations(hass: HomeAssistant) -> None:
    """The section's example passes Home Assistant's automation validation."""
    examples = _readme_examples()
    assert len(examples) == 1
    for number, example in enumerate(examples):
        validated = await async_validate_config_item(
            hass, f"example{number}", {"id": str(number), **example}
        )
        assert validated is not None
        assert validated.validation_error is None


async def test_readme_who_is_calling_example(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """The manual's who-is-calling automation names the caller, nothing to enable."""
    simulator.state.extensions["1000"].settings["username"] = "Alice"
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    notes = async_mock_service(hass, "notify", "notify")
    example = _readme_examples()[0]
    assert await async_setup_component(
        hass, "automation", {"automation": {"id": "missed", **example}}
    )
    await hass.async_block_till_done()
    simulator.call_internal("1000", "1001")
    await settle(hass, simulator)
    simulator.hangup("1000")
    await settle(hass, simulator)
    simulator.call_internal("1002", "1001", answer=True)
    await settle(hass, simulator)
    assert [note.data["message"] for note in notes] == [
        "Alice is calling",
        "1002 is calling",
    ]


async def test_bus_event_carries_the_normalised_fields(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The bus trigger examples need these fields on the real bus event."""
    fired: list[dict[str, Any]] = []
    hass.bus.async_listen(EVENT_SYNWAY, lambda event: fired.append(dict(event.data)))
    simulator.call_inbound("88861158", "SIP-2")
    await settle(hass, simulator)
    ring = next(data for data in fired if data.get("event") == "RING")
    assert (ring["call_type"], ring["direction"]) == ("ring", "inbound")
    assert ring["entity_id"].endswith("_call")


def test_event_cap_measures_what_orjson_refuses() -> None:
    """Integers past 64 bits and lone surrogates (hostile reports) are measured too."""
    small = {"event": "RING", "number": 2**70, "name": "\ud800"}
    assert cap_event_data(small) is small
    large = small | {f"field{n}": "\ud800" * 250 for n in range(100)}
    capped = cap_event_data(large)
    assert capped["number"] == 2**70
    assert len(json.dumps(capped)) <= 32_768


async def test_event_size_bound_holds_for_a_worst_small_report(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A report measured by its body's length alone never passes the bound.

    Astral characters (4 bytes in the body, 12 escaped), copied into every normalised
    field, and the longest names the store can hold: the cap skips measuring only what
    stays under the bound it computes from the body.
    """
    wide = "\U0001f600" * 40
    body = json.dumps(
        {
            "event": "HANGUP",
            "callid": wide,
            "originator": "caller",
            "callerext": {"extid": wide, "callerid": wide, "uuid": "a"},
            "calledtrunk": {"trunk": wide, "to": wide},
        },
        ensure_ascii=False,
    ).encode()
    store = PbxStore()
    store.extensions[wide] = ExtensionRecord(
        number=wide,
        name="\U0001f600" * 255,
        type=ExtensionType.SIP,
        port=None,
        ip_port=None,
        status=ExtensionStatus.IDLE,
    )
    happening = build_happening(parse_report(body), store)
    events = bus_event_data(hass, init_integration.entry_id, happening)
    assert events
    for data in events:
        assert len(json.dumps(data)) <= event_size_bound(len(body))
        assert cap_event_data(data, at_most=event_size_bound(len(body))) is data


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_a_conference_from_the_simulator_reaches_everything_its_row_names(
    hass: HomeAssistant, simulator: Simulator, bus: list[dict[str, Any]]
) -> None:
    """A conference (manual 3.9) as the PBX starts and ends it, end to end.

    Its facts rows say: the PBX's event entity (scope hub), which is also what shows it
    in the Activity log (no extra row while it is enabled), no extension. The worked
    example of docs/how-it-works.md.
    """
    from custom_components.synway_ippbx.const import EVENT_ACTIVITY

    activity: list[dict[str, Any]] = []
    hass.bus.async_listen(
        EVENT_ACTIVITY, lambda event: activity.append(dict(event.data))
    )
    uuid = simulator.conference("6400")
    await settle(hass, simulator)
    started = attributes(hass, "event.synway_ippbx_127_0_0_1_pbx_event")
    assert (started["event_type"], started["conference_number"]) == (
        "conference_create",
        "6400",
    )
    assert started["conference_id"] == uuid
    simulator.conference("6400", create=False)
    await settle(hass, simulator)
    ended = attributes(hass, "event.synway_ippbx_127_0_0_1_pbx_event")
    assert ended["event_type"] == "conference_destroy"
    fired = [data["event"] for data in bus]
    assert fired == ["CONFERENCECREATE", "CONFERENCEDESTROY"]
    assert all(data["extension"] is None for data in bus)  # about no phone
    assert activity == []  # the event entity's own row says it


async def _record_a_call(
    hass: HomeAssistant, simulator: Simulator
) -> tuple[str, list[dict[str, Any]]]:
    """1000 calls 1001, whose calls are recorded; 1001 answers, 1000 hangs up."""
    from custom_components.synway_ippbx.const import EVENT_ACTIVITY

    activity: list[dict[str, Any]] = []
    hass.bus.async_listen(
        EVENT_ACTIVITY, lambda event: activity.append(dict(event.data))
    )
    simulator.state.extensions["1001"].settings["user_record"] = "true"
    call = simulator.call_internal("1000", "1001", answer=True)
    await settle(hass, simulator)
    simulator.hangup("1000")
    await settle(hass, simulator)
    return call.callid, activity


async def test_a_recorded_call_reaches_the_bus_and_the_activity_log(
    hass: HomeAssistant, simulator: Simulator, bus: list[dict[str, Any]]
) -> None:
    """An extension whose calls are recorded: RECORDSTART and RECORDEND, end to end.

    The PBX starts recording as the call is answered (the extension's recording
    setting) and ends it with the call. Their rows say: bus ``call_type``
    ``record_start``/``record_end`` about the recorded phone; each local extension's
    Call entity shows them, so with those entities disabled (the default) the Activity
    log gets a row of its own. The worked example of docs/development.md.
    """
    callid, activity = await _record_a_call(hass, simulator)
    records = [data for data in bus if data["event"] in ("RECORDSTART", "RECORDEND")]
    assert [(d["call_type"], d["extension"]) for d in records] == [
        ("record_start", "1001"),
        ("record_end", "1001"),
    ]
    start, end = records
    assert start["call_id"] == end["call_id"] == callid
    assert set(BUS_FIELDS) <= set(start) & set(end)  # one shape for every report
    assert (start["record_type"], end["duration"]) == ("extension", 0)
    rows = [row for row in activity if row.get("event") in ("RECORDSTART", "RECORDEND")]
    assert [
        (row["words"]["wording"], row["words"]["icon"], row["extension"])
        for row in rows
    ] == [
        ("record_start", "mdi:record-rec", "1001"),
        ("record_end", "mdi:stop-circle-outline", "1001"),
    ]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_a_recorded_call_shows_on_the_call_entity(
    hass: HomeAssistant, simulator: Simulator, bus: list[dict[str, Any]]
) -> None:
    """With the Call entity enabled it is the row: no extra Activity row."""
    from custom_components.synway_ippbx.const import EVENT_ACTIVITY

    activity: list[dict[str, Any]] = []
    hass.bus.async_listen(
        EVENT_ACTIVITY, lambda event: activity.append(dict(event.data))
    )
    simulator.state.extensions["1001"].settings["user_record"] = "true"
    simulator.call_internal("1000", "1001", answer=True)
    await settle(hass, simulator)
    shown = attributes(hass, "event.extension_1001_call")
    assert (shown["event_type"], shown["record_type"]) == ("record_start", "extension")
    simulator.hangup("1000")
    await settle(hass, simulator)
    assert not [r for r in activity if r.get("event") in ("RECORDSTART", "RECORDEND")]
