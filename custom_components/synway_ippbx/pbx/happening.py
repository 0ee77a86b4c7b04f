"""What one report means, worked out once: the happening.

``build_happening`` runs before the store applies the report, so that it still sees the
call as it was (who was on the other end, whether the phone was only ringing). Everything
derived from a report is here, once: the normalised fields of its bus event, the events of
the event entities, its Activity words and which object and entity they belong to. The
announcer (``announce``) only looks entities up and sends. No Home Assistant imports.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..api import (
    AgentStatusChange,
    AgentStatusReport,
    AgentWrapUpReport,
    CallFailedReport,
    CallinRequestReport,
    CallParty,
    CallReport,
    CdrReport,
    ConferenceCreateReport,
    ConferenceDestroyReport,
    DtmfReport,
    ExtensionStatusReport,
    HangupReport,
    PlayEndReport,
    QueueAction,
    QueueOverflowReport,
    QueueStatusReport,
    RecordEndReport,
    RecordStartReport,
    Report,
    TransferReport,
)
from ..api.enums import CallDirection, CdrStatus
from .call_tracking import LegState
from .describe import describe_words, shown_by
from .report_facts import (
    SHOWN_BY_STATUS,
    ReportFacts,
    Shower,
    facts_of,
    missed_call,
    record_missed,
    refused_busy,
)
from .store import HUB_KEY, Key, PbxStore, extension_key, queue_key
from .wording import Words

# An event of one object's event entity: the object, the event type, its attributes.
type ObjectEvent = tuple[Key, str, dict[str, Any]]

_AGENT_EVENTS = {
    AgentStatusChange.LOGIN: "agent_login",
    AgentStatusChange.LOGOUT: "agent_logout",
    AgentStatusChange.ON_BREAK: "agent_break",
    AgentStatusChange.RESUME: "agent_resume",
}
_DIRECTIONS = {
    CallDirection.INBOUND: "inbound",
    CallDirection.OUTBOUND: "outbound",
    CallDirection.LOCAL: "internal",
}


@dataclass(frozen=True, slots=True)
class Happening:
    """One report and everything it means, as the store was before applying it."""

    report: Report
    facts: ReportFacts
    # The normalised fields the report's bus events share (product.md §4).
    fields: dict[str, Any]
    # The events of the extension, queue and hub event entities.
    events: tuple[ObjectEvent, ...]
    # The object whose event entity the bus event names (the logbook's own choice).
    subject: Key | None
    # The object whose Activity row it would be (None: it earns no row), the entity that
    # shows it already, and its words without names (None for a phone's status report,
    # the commonest: described only when a row is due, see ``activity_words``).
    row_on: Key | None
    shown_by: Shower | None
    words: Words | None
    # The data of its bus events: one per local extension it is about (each with the
    # event type that extension's Call entity shows), else one.
    bus: tuple[dict[str, Any], ...] = ()

    def activity_words(self) -> Words:
        """The row's words (a status report's are worked out now: rarely needed)."""
        if self.words is not None:
            return self.words
        return describe_words(self.report, wording=self.facts.wording)


def build_happening(report: Report, store: PbxStore) -> Happening:
    """Work out what a report means, before the store applies it."""
    facts = facts_of(report)
    normalised = _normalised(report, facts, store)
    events = tuple(_object_events(report, facts, store, normalised))
    fields = _shared_fields(report, facts, store, normalised, events)
    bus = _bus_events(fields, events)
    if isinstance(report, ExtensionStatusReport):
        # The commonest report: no words needed to know it is the Status sensor's.
        known = report.extension in store.extensions
        phone = extension_key(report.extension) if known else None
        return Happening(
            report, facts, fields, events, None, phone, SHOWN_BY_STATUS, None, bus
        )
    if isinstance(report, HangupReport) and store.calls.call(report.callid) is None:
        # The end of a call already reported over (a failed call is reported twice,
        # CALLFAILED then HANGUP): its row is on the phone's page already.
        return Happening(report, facts, fields, events, None, None, None, None, bus)
    words = describe_words(
        report,
        missed=any(data["missed"] is True for data in bus),
        wording=facts.wording,
        phones=_phones(fields),
    )
    subject = words.key if words.key and words.key[1] else None
    shower = shown_by(report, words)
    row_on: Key | None = None
    if shower is not None:
        row_on = subject or HUB_KEY
        if row_on[0] == "extension" and row_on[1] not in store.extensions:
            # A phone the PBX has not listed yet: its device (and Status) come with
            # the next poll, and the bus event reaches automations meanwhile.
            row_on = None
    return Happening(report, facts, fields, events, subject, row_on, shower, words, bus)


def _phones(fields: dict[str, Any]) -> tuple[str, ...]:
    """The local extensions a report is about, the one its bus event names first."""
    first = fields.get("extension")
    return tuple(dict.fromkeys([*([first] if first else []), *fields["extensions"]]))


# -- the bus events: one shape for every report (product.md §4) ------------------------

# Every bus event has these keys (None where the report says nothing of it).
BUS_FIELDS = (
    "call_type",
    "extension",
    "extensions",
    "direction",
    "caller_number",
    "caller_name",
    "callee_number",
    "callee_name",
    "did",
    "trunk",
    "call_id",
    "answered",
    "missed",
    "status",
    "cause",
    "digit",
)
# What an extension's own event says differently from the report's shared fields.
_PER_EXTENSION = ("answered", "missed", "other_party", "other_party_name")
# Attributes of the event entities that are not the bus event's (its names differ).
_ENTITY_ONLY = frozenset({"caller", "callee", "extension", *_PER_EXTENSION})


def _shared_fields(
    report: Report,
    facts: ReportFacts,
    store: PbxStore,
    normalised: dict[str, Any],
    events: tuple[ObjectEvent, ...],
) -> dict[str, Any]:
    """The fields every bus event of the report shares, built once per report."""
    fields: dict[str, Any] = dict.fromkeys(BUS_FIELDS)
    fields["event"] = report.event
    # The event type the object's event entity shows, when the report has no kind of
    # its own (queue and PBX reports).
    object_type = next(
        (event for key, event, _ in events if key[0] != "extension"), None
    )
    fields["call_type"] = (
        facts.call_type or object_type or (report.event or "unknown").lower()
    )
    for _key, _event, attributes in events:
        if _key[0] == "queue":
            fields["queue"] = _key[1]
        if _key[0] != "extension":
            fields.update(
                (name, value)
                for name, value in attributes.items()
                if name not in _ENTITY_ONLY
            )
        break
    fields.update(normalised)
    match report:
        case CallReport():
            fields["call_id"] = report.callid or None
            fields["did"] = _did(report)
            fields |= _specific_attributes(report)
            fields["extensions"] = _call_extensions(report, store)
        case ExtensionStatusReport():
            fields["extension"] = report.extension
            fields["extensions"] = [report.extension] if report.extension else []
            fields["status"] = str(report.status)
        case CdrReport():
            fields["call_id"] = report.callid or None
            fields["did"] = report.did_number
            fields["status"] = str(report.status)
            fields["cause"] = report.reason
            fields["duration"] = report.talk_time
            fields["extensions"] = [
                number
                for number in dict.fromkeys(
                    (report.caller, report.callee, fields["callee_number"])
                )
                if number and number in store.extensions
            ]
        case AgentStatusReport() | AgentWrapUpReport() if (
            report.extension in store.extensions
        ):
            # A queue's report about one agent: the agent's phone, when it is local.
            fields["extension"] = report.extension
            fields["extensions"] = [report.extension]
        case _:
            fields["extensions"] = []
    fields["raw"] = report.data
    return fields


def _bus_events(
    fields: dict[str, Any], events: tuple[ObjectEvent, ...]
) -> tuple[dict[str, Any], ...]:
    """One bus event per local extension the report is about, else one.

    Each extension's event says what its Call entity shows (its ``call_type``, and
    whether the call was answered or missed by it); the rest is shared (a shallow copy:
    the PBX's report under ``raw`` is the same object in each).
    """
    per_extension = [
        {
            **fields,
            "call_type": event,
            "extension": key[1],
            **{name: attributes[name] for name in _PER_EXTENSION if name in attributes},
        }
        for key, event, attributes in events
        if key[0] == "extension"
    ]
    return tuple(per_extension) if per_extension else (fields,)


def _did(report: CallReport) -> str | None:
    """The dialled number of an inbound trunk call (``to`` of the calling trunk)."""
    if isinstance(report, CallinRequestReport):
        return report.to_number
    return next(
        (
            party.to_number
            for party in report.parties
            if party.kind == "trunk" and party.role == "caller"
        ),
        None,
    )


def _call_extensions(report: CallReport, store: PbxStore) -> list[str]:
    """Every local extension in the call: the report's parties and the known legs."""
    numbers = [party.extension for party in report.parties if party.extension]
    if (call := store.calls.call(report.callid)) is not None:
        numbers += [leg.extension for leg in call.legs.values() if leg.extension]
    return [number for number in dict.fromkeys(numbers) if number in store.extensions]


# -- normalised fields ----------------------------------------------------------------
# The same names on every call event (bus and event entities), so that automations need
# no templates: see README "Events for automations".


def _normalised(report: Report, facts: ReportFacts, store: PbxStore) -> dict[str, Any]:
    if isinstance(report, CdrReport):
        return _record_fields(report, store)
    if isinstance(report, CallReport):
        return _call_fields(report, facts, store)
    return {}


def _call_fields(
    report: CallReport, facts: ReportFacts, store: PbxStore
) -> dict[str, Any]:
    event = facts.call_type or report.event.lower()
    caller, callee = _side(report, "caller"), _side(report, "called")
    fields: dict[str, Any] = {
        "call_type": event,
        "direction": _direction(report),
        "caller_number": caller,
        "caller_name": store.extension_name(caller),
        "callee_number": callee,
        "callee_name": store.extension_name(callee),
        "extension": _subject(report, facts),
        "trunk": _trunk(report),
    }
    if isinstance(report, HangupReport | CallFailedReport):
        fields["answered"], fields["missed"] = _outcome(
            store,
            report,
            None,
            to_us=any(
                party.role == "called" and party.kind == "extension"
                for party in report.parties
            ),
        )
    return fields


def _record_fields(report: CdrReport, store: PbxStore) -> dict[str, Any]:
    caller, callee = report.caller, report.last_destination or report.callee
    extension = next(
        (number for number in (callee, caller) if number in store.extensions), None
    )
    return {
        "call_type": "cdr",
        "direction": _DIRECTIONS.get(report.call_type),
        "caller_number": caller,
        "caller_name": store.extension_name(caller),
        "callee_number": callee,
        "callee_name": store.extension_name(callee),
        "extension": extension,
        "trunk": report.source_trunk or report.destination_trunk,
        "answered": report.status is CdrStatus.ANSWERED,
        "missed": record_missed(
            report.status, outbound=report.call_type is CallDirection.OUTBOUND
        ),
    }


def _number(party: CallParty | None) -> str | None:
    if party is None:
        return None
    if party.kind == "extension":
        return party.extension or party.caller_id
    return party.number


def _outcome(
    store: PbxStore,
    report: HangupReport | CallFailedReport,
    extension: str | None,
    *,
    to_us: bool,
) -> tuple[bool | None, bool | None]:
    """Whether an ending call was answered and missed (by ``extension``, or anyone).

    A call refused because the phone was busy reached it and was not answered (the
    rule is ``missed_call``). Of another call whose start we never saw (it began
    before a restart, or failed before ringing), neither is known.
    """
    if isinstance(report, CallFailedReport) and refused_busy(report.cause):
        return False, missed_call(answered=False, to_us=to_us, reached=True)
    if not store.calls.knows(report.callid):
        return None, None
    answered = _connected(store, report.callid, extension)
    return answered, missed_call(answered=answered, to_us=to_us, reached=True)


def _connected(store: PbxStore, callid: str, extension: str | None) -> bool:
    """Whether ``extension``'s leg (any leg, if None) of the call got connected."""
    call = store.calls.call(callid)
    legs = call.legs.values() if call else ()
    return any(
        (extension is None or leg.extension == extension)
        and leg.state in (LegState.TALKING, LegState.HELD)
        for leg in legs
    )


def _direction(report: CallReport) -> str | None:
    if isinstance(report, CallinRequestReport):
        return "inbound"
    kinds = {(party.role, party.kind) for party in report.parties}
    if ("caller", "trunk") in kinds:
        return "inbound"
    if ("called", "trunk") in kinds:
        return "outbound"
    return "internal" if kinds else None


def _side(report: CallReport, role: str) -> str | None:
    """The number of one side, also when only the other side's leg is reported."""
    if number := _number(report.caller if role == "caller" else report.called):
        return number
    if isinstance(report, CallinRequestReport):
        return report.from_number if role == "caller" else report.to_number
    attribute = "from_number" if role == "caller" else "to_number"
    return next(
        (
            getattr(party, attribute)
            for party in report.parties
            if getattr(party, attribute)
        ),
        None,
    )


def _subject(report: CallReport, facts: ReportFacts) -> str | None:
    """The extension an event is about: the ringing phone, the caller hearing ringback."""
    parties = [party for party in report.parties if party.kind == "extension"]
    preferred = [party for party in parties if party.role == facts.subject]
    party = next(iter(preferred or parties), None)
    return party.extension if party else None


def _trunk(report: CallReport) -> str | None:
    if isinstance(report, CallinRequestReport) and report.trunk:
        return report.trunk
    return next((party.trunk for party in report.parties if party.trunk), None)


# -- the event entities' events ----------------------------------------------------------


def _object_events(
    report: Report, facts: ReportFacts, store: PbxStore, normalised: dict[str, Any]
) -> Iterator[ObjectEvent]:
    """The events a report raises on extension, queue and hub event entities."""
    match report:
        case CallinRequestReport():
            yield (
                HUB_KEY,
                "callin_request",
                {
                    "call_id": report.callid,
                    "caller": report.from_number,
                    "callee": report.to_number,
                    **normalised,
                },
            )
        case CallReport() if facts.scope == "extension" and facts.events:
            yield from _call_events(report, facts, store, normalised)
        case QueueStatusReport():
            if report.action in (QueueAction.ADD, QueueAction.REMOVE):
                added = report.action is QueueAction.ADD
                yield (
                    queue_key(report.queue_id),
                    "caller_joined" if added else "caller_left",
                    {
                        "call_id": report.callid,
                        "caller": report.caller,
                        "waiting_callers": report.caller_count,
                    },
                )
        case QueueOverflowReport():
            yield (
                queue_key(report.queue_id),
                "overflow",
                {"call_id": report.callid, "destination": report.destination},
            )
        case AgentStatusReport():
            if agent_event := _AGENT_EVENTS.get(report.status):
                yield (
                    queue_key(report.queue_id or ""),
                    agent_event,
                    {"agent": report.extension},
                )
        case AgentWrapUpReport():
            yield (
                queue_key(report.queue_id),
                "agent_break" if report.on_break else "agent_resume",
                {"agent": report.extension},
            )
        case CdrReport():
            yield (
                HUB_KEY,
                "cdr",
                {
                    "call_id": report.callid,
                    "caller": report.caller,
                    "callee": report.callee,
                    "status": report.status,
                    "talk_time": report.talk_time,
                    "reason": report.reason,
                    **normalised,
                },
            )
        case ConferenceCreateReport() | ConferenceDestroyReport():
            yield (
                HUB_KEY,
                facts.events[0],
                {
                    "conference_id": report.uuid,
                    "conference_name": report.name,
                    "conference_number": report.number,
                },
            )
        case _ if facts.scope == "hub" and facts.events:
            yield (HUB_KEY, facts.events[0], {})


def _call_events(
    report: CallReport,
    facts: ReportFacts,
    store: PbxStore,
    normalised: dict[str, Any],
) -> Iterator[ObjectEvent]:
    event = facts.events[0]
    base: dict[str, Any] = {
        "call_id": report.callid,
        "caller": _number(report.caller),
        "callee": _number(report.called),
    }
    base |= _specific_attributes(report)
    base |= normalised
    role = facts.subject if facts.subject in ("called", "caller") else None
    ended = report if isinstance(report, HangupReport | CallFailedReport) else None
    seen: set[str] = set()
    for party in report.parties:
        extension = party.extension
        if party.kind != "extension" or not extension or extension in seen:
            continue
        if role and party.role != role:
            continue
        seen.add(extension)
        attributes = dict(base)
        attributes["extension"] = extension
        attributes["other_party"] = other = _other_number(report, party)
        attributes["other_party_name"] = store.extension_name(other)
        if ended is not None:
            # Missed unless the callee's leg of this call got connected; a leg already
            # gone (a CALLFAILED came first) never was.
            attributes["answered"], attributes["missed"] = _outcome(
                store,
                ended,
                extension if party.role == "called" else None,
                to_us=party.role == "called",
            )
        yield (extension_key(extension), event, attributes)
    if isinstance(report, TransferReport):
        for extension in (report.transfer_from, report.transfer_to):
            if extension and extension not in seen and extension in store.extensions:
                seen.add(extension)
                yield (extension_key(extension), event, base | {"extension": extension})


def _other_number(report: CallReport, party: CallParty) -> str | None:
    for other in report.parties:
        if other is not party and other.extension != party.extension:
            return _number(other)
    return None


def _specific_attributes(report: CallReport) -> dict[str, Any]:
    match report:
        case HangupReport():
            return {"originator": report.originator}
        case CallFailedReport():
            return {"originator": report.originator, "cause": report.cause}
        case TransferReport():
            return {
                "transfer_from": report.transfer_from,
                "transfer_to": report.transfer_to,
            }
        case DtmfReport():
            return {"digit": report.digit}
        case PlayEndReport():
            return {"filename": report.filename}
        case RecordStartReport():
            return {"record_type": report.record_type}
        case RecordEndReport():
            return {
                "record_type": report.record_type,
                "duration": report.seconds,
                "download_path": report.download_path,
            }
    return {}
