"""The report-facts table: a row for every report type the client defines, read by all."""

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx import api
from custom_components.synway_ippbx.api import (
    CallReport,
    ExtensionStatus,
    HangupReport,
    Report,
    RingReport,
    report_from_object,
)
from custom_components.synway_ippbx.api.enums import CdrStatus
from custom_components.synway_ippbx.event import EVENTS
from custom_components.synway_ippbx.pbx.happening import build_happening
from custom_components.synway_ippbx.pbx.report_facts import (
    EXTENSION_EVENTS,
    HUB_EVENTS,
    QUEUE_EVENTS,
    REPORT_FACTS,
    UNKNOWN_FACTS,
    facts_of,
    missed_call,
    record_missed,
    refused_busy,
)
from custom_components.synway_ippbx.pbx.store import PbxStore
from custom_components.synway_ippbx.webhook import report_subjects

# The device triggers product.md §5 names, per device.
TRIGGERS = {
    "extension": {
        "ring",
        "answered",
        "hangup",
        "missed_call",
        "call_failed",
        "dtmf",
        "status_changed",
    },
    "queue": {"caller_joined", "caller_left", "overflow"},
    "hub": {"system_up"},
}


def _report_types() -> set[type[Report]]:
    """Every report type the client defines: Report's subclasses in the api package,
    less the bases others derive from (CallReport)."""
    found: set[type[Report]] = set()
    todo = [Report]
    while todo:
        kind = todo.pop()
        for sub in kind.__subclasses__():
            if sub.__module__.startswith(api.__name__):
                found.add(sub)
                todo.append(sub)
    return {kind for kind in found if not kind.__subclasses__()}


def test_every_report_type_has_a_row() -> None:
    """Adding a report type to the client without its row fails here."""
    types = _report_types()
    assert len(types) >= 23
    rows = {row.kind for row in REPORT_FACTS}
    assert types - rows == set()
    assert rows - types == set(), "a row for a type the client does not define"
    assert len(rows) == len(REPORT_FACTS), "one row per type"
    for kind in types:
        assert facts_of(kind(event="X")).kind is kind


def test_a_subclass_without_a_row_takes_its_parents() -> None:
    """A subclass the table lacks reads as its parent; a base of none as unknown."""

    class LateRing(RingReport):
        __slots__ = ()

    assert facts_of(LateRing(event="RING")).kind is RingReport
    assert facts_of(CallReport(event="X")) is UNKNOWN_FACTS


def test_columns_are_consistent() -> None:
    """Scopes, subjects, event types and triggers say the same thing everywhere."""
    for row in REPORT_FACTS:
        assert set(row.triggers) <= TRIGGERS[row.scope], row
        if row.call_type is not None:
            assert issubclass(row.kind, CallReport) or row.call_type in (
                "cdr",
                "status",
            )
        if row.subject in ("called", "caller"):
            assert row.scope == "extension"
            assert row.shown_by == ("sensor", "status")
    # Every trigger of product.md §5 is fed by some report.
    fed = {(row.scope, trigger) for row in REPORT_FACTS for trigger in row.triggers}
    assert fed == {(scope, t) for scope, names in TRIGGERS.items() for t in names}


def test_event_entities_read_their_types_from_the_table() -> None:
    """The event entities offer exactly the table's event types, in its order."""
    offered = {description.key: description.event_types for description in EVENTS}
    assert offered == {
        "call": EXTENSION_EVENTS,
        "queue": QUEUE_EVENTS,
        "pbx": HUB_EVENTS,
    }
    assert EXTENSION_EVENTS[:4] == ["ring", "ringback", "answer", "answered"]


@pytest.mark.parametrize(
    ("data", "subjects"),
    [
        ({"event": "Systemup"}, (("event", "Systemup"),)),
        ({"event": "NEWTHING"}, (("event", "NEWTHING"),)),
        ({"event": "CONFERENCECREATE"}, (("event", "CONFERENCECREATE"),)),
        ({"event": "QueueOverflow", "number": "6700"}, (("queue", "6700"),)),
        (
            {"event": "ExtensionStatus", "extension": "1001"},
            (("extension", "1001"),),
        ),
        (
            {"event": "RING", "callid": "c", "calledext": {"extid": "1001"}},
            (("call", "c"), ("extension", "1001")),
        ),
    ],
)
def test_report_subjects_read_the_table(
    data: dict[str, object], subjects: tuple[object, ...]
) -> None:
    """What a re-send is recognised by is the row's ``about``."""
    assert report_subjects(report_from_object(data)) == subjects


def test_the_missed_rule() -> None:
    """One rule: came to one of ours, reached it, nobody answered; records by status."""
    assert missed_call(answered=False, to_us=True, reached=True)
    assert not missed_call(answered=True, to_us=True, reached=True)
    assert not missed_call(answered=False, to_us=False, reached=True)
    assert not missed_call(answered=False, to_us=True, reached=False)
    assert record_missed(CdrStatus.BUSY, outbound=False)
    assert not record_missed(CdrStatus.FAILED, outbound=False)
    assert not record_missed(CdrStatus.NO_ANSWER, outbound=True)
    assert refused_busy("USER_BUSY")
    assert refused_busy("486 Busy Here")
    assert not refused_busy("ORIGINATOR_CANCEL")
    assert not refused_busy(None)
    assert {status for status in CdrStatus if status.missed} == {
        CdrStatus.NO_ANSWER,
        CdrStatus.BUSY,
        CdrStatus.MISSED,
        CdrStatus.CANCELLED,
        CdrStatus.VOICEMAIL,
    }
    report = report_from_object({"event": "CDR", "status": "something new"})
    assert build_happening(report, PbxStore()).fields["missed"] is False


def test_status_groupings() -> None:
    """The words for a phone's state are the enum's, defined once."""
    at_rest = {status for status in ExtensionStatus if status.at_rest}
    on_a_call = {status for status in ExtensionStatus if status.on_a_call}
    on_the_phone = {status for status in ExtensionStatus if status.on_the_phone}
    assert at_rest.isdisjoint(on_a_call)
    assert on_the_phone == on_a_call - {ExtensionStatus.RINGING}
    assert ExtensionStatus.UNKNOWN not in at_rest | on_a_call
    assert {s for s in ExtensionStatus if s.resting_place} <= at_rest


async def test_a_happening_sees_the_call_as_it_was(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Built before the store applies the report: the hang-up of a call over is a repeat."""
    store = init_integration.runtime_data.coordinator.data
    hangup = report_from_object(
        {"event": "HANGUP", "callid": "gone", "callerext": {"extid": "1001"}}
    )
    assert isinstance(hangup, HangupReport)
    happening = build_happening(hangup, store)
    assert (happening.subject, happening.row_on, happening.words) == (None, None, None)
    assert happening.activity_words().message
    status = build_happening(
        report_from_object({"event": "ExtensionStatus", "extension": "9999"}), store
    )
    assert status.row_on is None, "a phone the PBX has not listed yet has no row"
