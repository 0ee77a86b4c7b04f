"""Which event entity a report concerns, with which event type and attributes.

Pure mapping, computed before the report is applied to the store so that it can still
see the call as it was (who was on the other end, whether the phone was only ringing).
"""

from collections.abc import Iterator
from typing import Any

from .api import (
    AgentStatusChange,
    AgentStatusReport,
    AgentWrapUpReport,
    AnsweredReport,
    AnswerReport,
    CallFailedReport,
    CallinRequestReport,
    CallParty,
    CallReport,
    CdrReport,
    ConferenceCreateReport,
    ConferenceDestroyReport,
    DtmfReport,
    HangupReport,
    HoldReport,
    PlayEndReport,
    QueueAction,
    QueueOverflowReport,
    QueueStatusReport,
    RecordEndReport,
    RecordStartReport,
    Report,
    RingbackReport,
    RingReport,
    SystemUpReport,
    TransferReport,
    UnholdReport,
)
from .calls import LegState
from .const import DOMAIN
from .store import HUB_KEY, Key, PbxStore, extension_key, queue_key

EXTENSION_EVENTS = [
    "ring",
    "ringback",
    "answer",
    "answered",
    "hold",
    "unhold",
    "hangup",
    "call_failed",
    "transfer",
    "dtmf",
    "record_start",
    "record_end",
    "play_end",
]
QUEUE_EVENTS = [
    "caller_joined",
    "caller_left",
    "overflow",
    "agent_login",
    "agent_logout",
    "agent_break",
    "agent_resume",
]
HUB_EVENTS = [
    "system_up",
    "callin_request",
    "cdr",
    "conference_create",
    "conference_destroy",
]

type ReportEvent = tuple[Key, str, dict[str, Any]]

_CALL_EVENT_TYPES: list[tuple[type[CallReport], str]] = [
    (RingReport, "ring"),
    (RingbackReport, "ringback"),
    (AnswerReport, "answer"),
    (AnsweredReport, "answered"),
    (HoldReport, "hold"),
    (UnholdReport, "unhold"),
    (HangupReport, "hangup"),
    (CallFailedReport, "call_failed"),
    (TransferReport, "transfer"),
    (DtmfReport, "dtmf"),
    (PlayEndReport, "play_end"),
    (RecordStartReport, "record_start"),
    (RecordEndReport, "record_end"),
]
# Reports about one side of a call: ringing is for the callee, ringback for the caller,
# "answer" for whoever picked up and "answered" for the caller whose call was taken.
_ROLE_OF_EVENT = {
    "ring": "called",
    "ringback": "caller",
    "answer": "called",
    "answered": "caller",
}
_AGENT_EVENTS = {
    AgentStatusChange.LOGIN: "agent_login",
    AgentStatusChange.LOGOUT: "agent_logout",
    AgentStatusChange.ON_BREAK: "agent_break",
    AgentStatusChange.RESUME: "agent_resume",
}


def report_signal(entry_id: str, key: Key) -> str:
    """The dispatcher signal that carries events for one object."""
    return f"{DOMAIN}_{entry_id}_event_{key[0]}_{key[1]}"


def _number(party: CallParty | None) -> str | None:
    if party is None:
        return None
    if party.kind == "extension":
        return party.extension or party.caller_id
    return party.number


def report_events(report: Report, store: PbxStore) -> Iterator[ReportEvent]:
    """The events a report raises on extension, queue and hub event entities."""
    match report:
        case CallReport():
            yield from _call_events(report, store)
        case QueueStatusReport():
            event = (
                "caller_joined" if report.action is QueueAction.ADD else "caller_left"
            )
            if report.action in (QueueAction.ADD, QueueAction.REMOVE):
                yield (
                    queue_key(report.queue_id),
                    event,
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
        case SystemUpReport():
            yield (HUB_KEY, "system_up", {})
        case CdrReport():
            yield (HUB_KEY, "cdr", _cdr_attributes(report))
        case ConferenceCreateReport() | ConferenceDestroyReport():
            event = (
                "conference_create"
                if isinstance(report, ConferenceCreateReport)
                else "conference_destroy"
            )
            yield (
                HUB_KEY,
                event,
                {
                    "conference_id": report.uuid,
                    "conference_name": report.name,
                    "conference_number": report.number,
                },
            )


def _call_events(report: CallReport, store: PbxStore) -> Iterator[ReportEvent]:
    if isinstance(report, CallinRequestReport):
        yield (
            HUB_KEY,
            "callin_request",
            {
                "call_id": report.callid,
                "caller": report.from_number,
                "callee": report.to_number,
                "trunk": report.trunk,
            },
        )
        return
    event = next(
        (name for cls, name in _CALL_EVENT_TYPES if isinstance(report, cls)), None
    )
    if event is None:
        return
    base: dict[str, Any] = {
        "call_id": report.callid,
        "caller": _number(report.caller),
        "callee": _number(report.called),
    }
    base |= _specific_attributes(report)
    role = _ROLE_OF_EVENT.get(event)
    seen: set[str] = set()
    for party in report.parties:
        extension = party.extension
        if party.kind != "extension" or not extension or extension in seen:
            continue
        if role and party.role != role:
            continue
        seen.add(extension)
        attributes = dict(base)
        attributes["other_party"] = other = _other_number(report, party)
        attributes["other_party_name"] = store.extension_name(other)
        if event in ("hangup", "call_failed"):
            # Missed unless the callee's leg of this call got connected; a leg already
            # gone (a CALLFAILED came first) never was.
            call = store.calls.call(report.callid)
            legs = call.legs.values() if call else ()
            attributes["missed"] = party.role == "called" and not any(
                leg.extension == extension
                and leg.state in (LegState.TALKING, LegState.HELD)
                for leg in legs
            )
        yield (extension_key(extension), event, attributes)
    if isinstance(report, TransferReport):
        for extension in (report.transfer_from, report.transfer_to):
            if extension and extension not in seen and extension in store.extensions:
                seen.add(extension)
                yield (extension_key(extension), event, dict(base))


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


def _cdr_attributes(report: CdrReport) -> dict[str, Any]:
    return {
        "call_id": report.callid,
        "caller": report.caller,
        "callee": report.callee,
        "status": report.status,
        "call_type": report.call_type,
        "talk_time": report.talk_time,
        "reason": report.reason,
    }
