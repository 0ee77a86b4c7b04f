"""Logbook descriptions of PBX reports."""

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.announce import _activity_data as activity_data
from custom_components.synway_ippbx.api import report_from_object
from custom_components.synway_ippbx.const import DOMAIN, EVENT_ACTIVITY
from custom_components.synway_ippbx.logbook import DEFAULT_NAME, async_describe_events
from custom_components.synway_ippbx.pbx.describe import (
    SHOWN_BY_WORDS,
    describe_report,
    describe_words,
    duration_words,
    shown_by,
)
from custom_components.synway_ippbx.pbx.happening import build_happening

type Describer = Callable[[Event[Mapping[str, Any]]], dict[str, str]]

EXT_1000 = {"extid": "1000", "callerid": "1000", "uuid": "a"}
EXT_1001 = {"extid": "1001", "callerid": "1000", "uuid": "b"}
EXT_1002 = {"extid": "1002", "callerid": "88861158", "uuid": "c"}
TRUNK_IN = {"from": "88861158", "to": "1002", "trunk": "fxo3", "uuid": "d"}
TRUNK_OUT = {"from": "1002", "to": "1141", "trunk": "fxo3", "uuid": "e"}


@pytest.fixture
def describe(hass: HomeAssistant) -> Describer:
    """The describer our logbook platform registers for synway_ippbx_activity."""
    registered: dict[str, tuple[str, Describer]] = {}

    def _register(domain: str, event_type: str, describer: Describer) -> None:
        registered[event_type] = (domain, describer)

    async_describe_events(hass, _register)
    domain, describer = registered[EVENT_ACTIVITY]
    assert domain == DOMAIN
    return describer


def _with_words(data: dict[str, Any]) -> dict[str, Any]:
    """An Activity event as the integration fires it: the report's fields and its words."""
    report = report_from_object(
        {key: value for key, value in data.items() if key != "config_entry_id"}
    )
    words = describe_words(report, missed=data.get("missed") is True)
    return {**data, "words": words.as_data()}


def _message(describe: Describer, data: dict[str, Any]) -> str:
    """The row read as a sentence: its name (who), then its message (what)."""
    row = describe(Event(EVENT_ACTIVITY, _with_words(data)))
    if row["name"] == DEFAULT_NAME:
        return f"The PBX {row['message']}"
    return f"{row['name']} {row['message']}"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "event": "ANSWER",
                "callid": "x",
                "callertrunk": TRUNK_IN,
                "calledext": EXT_1002,
            },
            "Extension 1002 answered a call from 88861158",
        ),
        (
            {
                "event": "RING",
                "callid": "x",
                "callerext": EXT_1000,
                "calledext": EXT_1001,
            },
            "Extension 1001 is ringing — call from 1000",
        ),
        (
            {"event": "RING", "calledext": {"extid": 1001}},
            "Extension 1001 is ringing",
        ),
        (
            {"event": "RING", "callerext": EXT_1002, "calledtrunk": TRUNK_OUT},
            "1141 is ringing — call from 1002",
        ),
        (
            {"event": "RINGBACK", "callerext": EXT_1000, "calledext": EXT_1001},
            "Extension 1000 is calling 1001",
        ),
        ({"event": "RINGBACK"}, "A phone is calling"),
        (
            {"event": "ANSWERED", "callerext": EXT_1002, "calledtrunk": TRUNK_OUT},
            "Extension 1002 got through to 1141",
        ),
        ({"event": "ANSWER"}, "A phone answered a call"),
        (
            {
                "event": "HANGUP",
                "originator": "caller",
                "callerext": EXT_1000,
                "calledext": EXT_1001,
            },
            "Extension 1000 hung up",
        ),
        (
            {
                "event": "HANGUP",
                "originator": "called",
                "callerext": EXT_1002,
                "calledtrunk": TRUNK_OUT,
            },
            "1141 hung up",
        ),
        (
            {"event": "HANGUP", "callerext": EXT_1000, "calledext": EXT_1001},
            "Extension 1000 ended the call with 1001",
        ),
        (
            {
                "event": "CALLFAILED",
                "originator": "called",
                "cause": "NO_USER_RESPONSE",
                "callertrunk": {"from": 88861158, "to": None},
            },
            "A phone missed a call from 88861158 (NO_USER_RESPONSE)",
        ),
        (
            {"event": "CALLFAILED", "callerext": EXT_1000, "calledext": EXT_1001},
            "Extension 1000 could not reach 1001",
        ),
        (
            {"event": "HOLD", "callerext": EXT_1000, "calledext": EXT_1001},
            "Extension 1000 has the call with 1001 on hold",
        ),
        (
            {"event": "UNHOLD", "callerext": EXT_1000},
            "Extension 1000 resumed the call",
        ),
        ({"event": "HOLD"}, "The PBX reports a call on hold"),
        (
            {
                "event": "TRANSFER",
                "transfer_to": "1003",
                "callerext": EXT_1000,
                "calledext": EXT_1001,
            },
            "Extension 1000 transferred the call with 1001 to 1003",
        ),
        (
            {
                "event": "TRANSFER",
                "transfer_from": "6500",
                "transfer_to": "6700",
                "callertrunk": {"from": "8347", "to": "6700", "trunk": "fxo3"},
            },
            "Extension 6500 transferred the call from 8347 to 6700",
        ),
        (
            {"event": "CallinRequest", "from": "88861158", "to": "6000"},
            "The PBX has an incoming call from 88861158 to 6000 waiting to be accepted",
        ),
        (
            {"event": "DTMF", "dtmf": "5", "callertrunk": TRUNK_IN},
            "88861158 pressed 5 in the call to 1002",
        ),
        ({"event": "DTMF", "callerext": EXT_1000}, "Extension 1000 pressed a key"),
        (
            {"event": "PLAYEND", "filename": "welcome.wav"},
            "The PBX finished playing welcome.wav",
        ),
        ({"event": "PLAYEND"}, "The PBX finished playing a prompt"),
        (
            {"event": "RECORDSTART", "callerext": EXT_1000, "calledext": EXT_1001},
            "Extension 1000 started recording the call with 1001",
        ),
        (
            {
                "event": "RECORDEND",
                "record_seconds": 12,
                "callerext": EXT_1000,
                "calledext": EXT_1001,
            },
            "Extension 1000 stopped recording the call with 1001 (12 s)",
        ),
        ({"event": "RECORDEND"}, "The PBX stopped recording a call"),
        ({"event": "Systemup"}, "The PBX started"),
        (
            {"event": "ExtensionStatus", "extension": "1002", "status": "Registered"},
            "Extension 1002 registered",
        ),
        (
            {"event": "ExtensionStatus", "extension": 1002, "status": "whatever"},
            "Extension 1002 changed state",
        ),
        (
            {
                "event": "AgentStatus",
                "queueid": "6700",
                "extid": "1003",
                "status": "login",
            },
            "Agent 1003 logged in to queue 6700",
        ),
        (
            {"event": "AgentStatus", "queueid": 6700, "extid": 1003, "status": "?"},
            "Agent 1003 changed state in queue 6700",
        ),
        (
            {
                "event": "AgentWrapUp",
                "queueid": "6700",
                "extid": "1000",
                "status": "on",
            },
            "Agent 1000 went on break in queue 6700",
        ),
        (
            {
                "event": "AgentWrapUp",
                "queueid": "6700",
                "extid": "1000",
                "status": "off",
            },
            "Agent 1000 came back from break in queue 6700",
        ),
        (
            {
                "event": "QueueStatus",
                "number": "6700",
                "callercount": "1",
                "action": "Add",
                "callfrom": "88861158",
            },
            "A caller (88861158) joined queue 6700 (1 waiting)",
        ),
        (
            {"event": "QueueStatus", "number": "6700", "action": "Remove"},
            "A caller left queue 6700",
        ),
        ({"event": "QueueStatus", "number": "6700"}, "Queue 6700 changed"),
        (
            {"event": "QueueOverflow", "number": "6700", "destination": "6701"},
            "Queue 6700 overflowed to 6701",
        ),
        ({"event": "QueueOverflow", "number": "6700"}, "Queue 6700 overflowed"),
        (
            {"event": "CDR", "callfrom": "1000", "callto": 1002, "status": "ANSWERED"},
            "The PBX recorded a call: 1000 → 1002, answered",
        ),
        ({"event": "CDR"}, "The PBX recorded a call"),
        (
            {"event": "CONFERENCECREATE", "conference_number": 6400},
            "Conference 6400 started",
        ),
        ({"event": "CONFERENCEDESTROY"}, "A conference ended"),
        ({"event": "SOMETHINGNEW", "x": 1}, "The PBX sent event SOMETHINGNEW"),
    ],
)
def test_descriptions(describe: Describer, data: dict[str, Any], message: str) -> None:
    """Each report reads as a plain sentence, whatever shape its fields come in."""
    assert _message(describe, data) == message


def test_name_is_the_entry_title(
    hass: HomeAssistant, describe: Describer, mock_config_entry: MockConfigEntry
) -> None:
    """Entries are named after the PBX the report came from."""
    mock_config_entry.add_to_hass(hass)
    entry = describe(
        Event(
            EVENT_ACTIVITY,
            _with_words(
                {"event": "Systemup", "config_entry_id": mock_config_entry.entry_id}
            ),
        )
    )
    assert entry == {
        "name": mock_config_entry.title,
        "message": "started",
        "icon": "mdi:restart",
    }
    assert (
        describe(Event(EVENT_ACTIVITY, _with_words({"event": "Systemup"})))["name"]
        == "Synway IPPBX"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"event": "RING"}, "The PBX sent event RING"),
        ({}, "The PBX sent event unknown"),
        (
            {"event": "RING", "words": {"message": "rang \x1f0\x1f", "labels": 5}},
            "The PBX rang ",
        ),
        (
            {
                "words": {
                    "subject": "\x1f0\x1f",
                    "message": "called \x1f1\x1f",
                    "labels": [["1000", True], ["x"], ["555", False]],
                    "icon": 3,
                }
            },
            "Extension 1000 called 555",
        ),
    ],
    ids=["older version", "nothing", "odd labels", "short label"],
)
def test_rows_without_usable_words(
    describe: Describer, data: dict[str, Any], message: str
) -> None:
    """An event without words (an older version's) or with odd ones still reads."""
    row = describe(Event(EVENT_ACTIVITY, data))
    name = "The PBX" if row["name"] == DEFAULT_NAME else row["name"]
    assert f"{name} {row['message']}" == message
    assert "icon" not in row


def test_names_given_with_the_event(
    hass: HomeAssistant, describe: Describer, mock_config_entry: MockConfigEntry
) -> None:
    """Names the event carries are used even while the PBX is not loaded."""
    mock_config_entry.add_to_hass(hass)
    row = describe(
        Event(
            EVENT_ACTIVITY,
            _with_words(
                {
                    "event": "RINGBACK",
                    "callerext": EXT_1000,
                    "calledext": EXT_1001,
                    "caller_number": "1000",
                    "caller_name": "Alice",
                    "config_entry_id": mock_config_entry.entry_id,
                }
            ),
        )
    )
    assert (row["name"], row["message"]) == ("Alice (1000)", "is calling 1001")
    assert row["icon"] == "mdi:phone-outgoing"
    assert "entity_id" not in row


@pytest.mark.parametrize(
    ("status", "icon"),
    [("Ringing", "mdi:phone-ring"), ("Idle", "mdi:phone-hangup"), ("odd", "mdi:phone")],
)
def test_status_reports_have_the_status_icon(
    describe: Describer, status: str, icon: str
) -> None:
    """A phone's status report (shown on the Activity page) has a phone icon too."""
    row = describe(
        Event(
            EVENT_ACTIVITY,
            _with_words(
                {"event": "ExtensionStatus", "extension": "1002", "status": status}
            ),
        )
    )
    assert row["icon"] == icon
    assert "entity_id" not in row


@pytest.mark.parametrize(
    ("data", "shower"),
    [
        # Who calls, and how a call went: no entity's row says it, words always do.
        ({"event": "RING", "calledext": EXT_1001}, SHOWN_BY_WORDS),
        ({"event": "ExtensionStatus", "extension": "1002"}, ("sensor", "status")),
        (
            {"event": "HANGUP", "originator": "caller", "callerext": EXT_1000},
            ("sensor", "status"),
        ),
        (
            {"event": "CALLFAILED", "cause": "NO_ANSWER", "calledext": EXT_1001},
            ("sensor", "last_missed_call"),
        ),
        (
            {"event": "CALLFAILED", "callerext": EXT_1000, "calledext": EXT_1001},
            ("event", "call"),
        ),
        ({"event": "TRANSFER", "transfer_from": "1001"}, ("event", "call")),
        ({"event": "DTMF", "dtmf": "5", "callerext": EXT_1000}, ("event", "call")),
        ({"event": "QueueOverflow", "number": "6700"}, ("event", "queue")),
        (
            {"event": "AgentStatus", "queueid": "6700", "extid": "1003"},
            ("event", "queue"),
        ),
        ({"event": "Systemup"}, ("event", "pbx")),
        ({"event": "CDR"}, SHOWN_BY_WORDS),
        ({"event": "CallinRequest", "from": "88861158"}, ("event", "pbx")),
        ({"event": "SOMETHINGNEW"}, None),
    ],
)
def test_which_entity_shows_what_happened(
    data: dict[str, Any], shower: tuple[str, str] | None
) -> None:
    """The rule of describe.py: the entity whose own row says what a report did."""
    report = report_from_object(data)
    assert shown_by(report, describe_report(report, lambda _number: None)) == shower


@pytest.mark.parametrize(
    ("data", "row"),
    [
        ({"event": "SOMETHINGNEW"}, None),
        ({"event": "RING", "calledext": {"extid": "4321"}}, None),
        ({"event": "HOLD"}, {}),
    ],
    ids=["not understood", "unknown phone", "no phone"],
)
async def test_activity_rows_of_odd_reports(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    data: dict[str, Any],
    row: dict[str, Any] | None,
) -> None:
    """Nothing understood, or a phone not listed yet: no row; a call of no phone: a bare one."""
    store = init_integration.runtime_data.coordinator.data
    happening = build_happening(report_from_object(data), store)
    activity = activity_data(hass, init_integration.entry_id, happening, dict(data))
    if row is None:
        assert activity is None
    else:
        assert activity is not None
        assert "entity_id" not in activity
        assert "device_id" not in activity


async def test_a_disabled_status_hands_its_rows_to_words(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Who disables a phone's Status gets its status reports as described rows."""
    data = {"event": "ExtensionStatus", "extension": "1001", "status": "Ringing"}
    store = init_integration.runtime_data.coordinator.data
    happening = build_happening(report_from_object(data), store)
    entry_id = init_integration.entry_id
    assert activity_data(hass, entry_id, happening, dict(data)) is None
    status = next(
        entry
        for entry in entity_registry.entities.values()
        if entry.unique_id.endswith("_extension_1001_status")
    )
    entity_registry.async_update_entity(
        status.entity_id, disabled_by=er.RegistryEntryDisabler.USER
    )
    activity = activity_data(hass, entry_id, happening, dict(data))
    assert activity is not None
    assert (activity["entity_id"], activity["device_id"]) == (
        status.entity_id,
        status.device_id,
    )


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "0 s"),
        (45, "45 s"),
        (120, "2 min"),
        (130, "2 min 10 s"),
        (3600, "1 h"),
        (3900, "1 h 5 min"),
        (-3, "0 s"),
    ],
)
def test_a_duration_reads_as_people_say_it(seconds: int, words: str) -> None:
    """Call records say how long a call lasted in minutes and seconds."""
    assert duration_words(seconds) == words


@pytest.mark.parametrize(
    ("data", "phones", "said"),
    [
        (
            {"event": "CDR", "callfrom": "1004", "callto": "1001"}
            | {"status": "ANSWERED", "talktime": "130", "type": "Internal"},
            ("1001",),
            ("Extension 1001", "call from 1004: answered, 2 min 10 s"),
        ),
        (
            {"event": "CDR", "callfrom": "1001", "callto": "5551234"}
            | {"status": "NO ANSWER", "type": "Outbound"},
            ("1001",),
            ("Extension 1001", "call to 5551234: not answered"),
        ),
        (
            {"event": "CDR", "callfrom": "5551234", "callto": "1001"}
            | {"status": "NO ANSWER", "type": "Inbound"},
            ("1001",),
            ("Extension 1001", "call from 5551234: missed"),
        ),
        (
            {"event": "CDR", "callfrom": "1001", "status": "FAILED"},
            ("1001",),
            ("Extension 1001", "call: failed"),
        ),
        (
            {"event": "CDR", "callfrom": "5551234", "callto": "6500"}
            | {"status": "ivr:IVR", "type": "Inbound"},
            (),
            (None, "recorded a call: 5551234 → 6500, ended in the IVR"),
        ),
        (
            {"event": "CDR", "callto": "1001", "status": "ANSWERED"},
            ("1001",),
            ("Extension 1001", "call: answered"),
        ),
        (
            {"event": "CDR", "callto": "1001", "status": "SOMETHING_NEW"},
            ("1001",),
            ("Extension 1001", "call: something new"),
        ),
        (
            {"event": "CDR", "callto": "1001"},
            ("1001",),
            ("Extension 1001", "call"),
        ),
        (
            {"event": "CDR", "callto": "1001", "status": "voicemail"},
            ("1001",),
            ("Extension 1001", "call: missed"),
        ),
        (
            {"event": "CDR", "callto": "6300", "status": "conference"},
            (),
            (None, "recorded a call: 6300, ended in a conference"),
        ),
    ],
)
def test_a_call_record_says_how_the_call_went(
    data: dict[str, Any], phones: tuple[str, ...], said: tuple[str | None, str]
) -> None:
    """A record names the phone's other party, the outcome and the talk time."""
    line = describe_report(
        report_from_object(data), lambda _number: None, phones=phones
    )
    assert (line.subject, line.message) == said
