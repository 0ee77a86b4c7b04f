"""Typed event reports the PBX pushes (Chapters 3.9, 4 and 5) and their parser.

``parse_report`` accepts the body of a report POST (or a getevent answer) and returns one
typed object per report type. It tolerates what the manual and real firmware do: duplicate
keys (two ``calledext`` objects), numbers for strings and strings for numbers, null and
missing fields, any letter case in the event name. Only a body that is not a JSON object,
has no event name or is too big raises `ReportParseError`.
"""

from collections.abc import Callable, Mapping
from typing import Any, Final

from ..enums import (
    AgentStatusChange,
    CallDirection,
    CdrStatus,
    ExtensionStatus,
    QueueAction,
    RecordType,
)
from ..exceptions import SynwayError
from ..parsing import (
    check_depth,
    iter_pairs,
    loads,
    loads_clean,
    mappings,
    normalise_word,
    to_bool,
    to_count,
    to_datetime,
    to_int,
    to_plain,
    to_str,
)
from .types import (
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
    ExtensionStatusReport,
    HangupReport,
    HoldReport,
    PartyKind,
    PartyRole,
    PlayEndReport,
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
    UnknownReport,
)

__all__ = [
    "MAX_REPORT_SIZE",
    "REPORT_EVENTS",
    "AgentStatusReport",
    "AgentWrapUpReport",
    "AnswerReport",
    "AnsweredReport",
    "CallFailedReport",
    "CallParty",
    "CallReport",
    "CallinRequestReport",
    "CdrReport",
    "ConferenceCreateReport",
    "ConferenceDestroyReport",
    "DtmfReport",
    "ExtensionStatusReport",
    "HangupReport",
    "HoldReport",
    "PartyKind",
    "PartyRole",
    "PlayEndReport",
    "QueueOverflowReport",
    "QueueStatusReport",
    "RecordEndReport",
    "RecordStartReport",
    "Report",
    "ReportParseError",
    "RingReport",
    "RingbackReport",
    "SystemUpReport",
    "TransferReport",
    "UnholdReport",
    "UnknownReport",
    "parse_parties",
    "parse_report",
    "report_from_object",
]

MAX_REPORT_SIZE: Final = 65536

_PARTY_KEYS: Final[dict[str, tuple[PartyRole, PartyKind]]] = {
    "callerext": ("caller", "extension"),
    "calledext": ("called", "extension"),
    "callertrunk": ("caller", "trunk"),
    "calledtrunk": ("called", "trunk"),
}


class ReportParseError(SynwayError, ValueError):
    """The body is not a report: not UTF-8 JSON, not an object, no event name, or too big."""


def _parties_of(value: object, role: PartyRole, kind: PartyKind) -> list[CallParty]:
    parties: list[CallParty] = []
    for item in mappings(value):
        extid = item.get("extid")
        # One clone of this API sends a list of extension numbers in extid.
        extids: list[Any] = (
            (list(extid) or [None]) if isinstance(extid, list) else [extid]
        )
        parties.extend(
            CallParty(
                role=role,
                kind=kind,
                extension=to_str(extid),
                caller_id=to_str(item.get("callerid")),
                uuid=to_str(item.get("uuid")),
                from_number=to_str(item.get("from")),
                to_number=to_str(item.get("to")),
                original_destination=to_str(item.get("originaldest")),
                last_destination=to_str(item.get("lastdest")),
                trunk=to_str(item.get("trunk")),
            )
            for extid in extids
        )
    return parties


def parse_parties(data: Mapping[str, Any]) -> tuple[CallParty, ...]:
    """Collect every call party of a report in document order, repeated keys included."""
    parties: list[CallParty] = []
    for key, value in iter_pairs(data):
        kind = _PARTY_KEYS.get(key.lower())
        if kind is not None:
            parties.extend(_parties_of(value, *kind))
    return tuple(parties)


# --------------------------------------------------------------------------- parsing


def _first(data: Mapping[str, Any], *keys: str) -> Any:
    """Return the first present, non-null value among ``keys``."""
    for key in keys:
        value = data.get(key)
        if value is not None and value != "":
            return value
    return None


def _originator(value: object) -> PartyRole | None:
    word = normalise_word(value) if value is not None else ""
    if word in {"caller", "calling", "src", "source"}:
        return "caller"
    if word in {"called", "callee", "dst", "destination"}:
        return "called"
    return None


def _call_fields(
    data: Mapping[str, Any], parties: tuple[CallParty, ...]
) -> dict[str, Any]:
    return {
        "callid": to_str(data.get("callid")) or "",
        "user_id": to_str(data.get("user_id")),
        "parties": parties,
    }


type _Builder = Callable[[Mapping[str, Any], tuple[CallParty, ...]], dict[str, Any]]


def _no_fields(
    data: Mapping[str, Any], parties: tuple[CallParty, ...]
) -> dict[str, Any]:
    return {"parties": parties}


def _extension_status(
    data: Mapping[str, Any], parties: tuple[CallParty, ...]
) -> dict[str, Any]:
    return {
        "extension": to_str(_first(data, "extension", "extid")) or "",
        "status": ExtensionStatus(_first(data, "status", "ExtensionStatus")),
        "user_id": to_str(data.get("user_id")),
        "parties": parties,
    }


def _hangup(data: Mapping[str, Any], parties: tuple[CallParty, ...]) -> dict[str, Any]:
    return _call_fields(data, parties) | {
        "originator": _originator(data.get("originator"))
    }


def _transfer(
    data: Mapping[str, Any], parties: tuple[CallParty, ...]
) -> dict[str, Any]:
    return _call_fields(data, parties) | {
        "transfer_from": to_str(data.get("transfer_from")),
        "transfer_to": to_str(data.get("transfer_to")),
        "transfer_time": to_str(data.get("transfer_time")),
    }


def _call_failed(
    data: Mapping[str, Any], parties: tuple[CallParty, ...]
) -> dict[str, Any]:
    return _call_fields(data, parties) | {
        "originator": _originator(data.get("originator")),
        "cause": to_str(_first(data, "cause", "reason")),
    }


def _callin_request(
    data: Mapping[str, Any], parties: tuple[CallParty, ...]
) -> dict[str, Any]:
    trunk_leg = next((party for party in parties if party.kind == "trunk"), None)
    callid = to_str(data.get("callid"))
    return _call_fields(data, parties) | {
        "from_number": to_str(data.get("from"))
        or (trunk_leg and trunk_leg.from_number),
        "to_number": to_str(data.get("to")) or (trunk_leg and trunk_leg.to_number),
        "trunk": to_str(data.get("trunk")) or (trunk_leg and trunk_leg.trunk),
        "uuid": to_str(data.get("uuid")) or (trunk_leg and trunk_leg.uuid) or callid,
    }


def _dtmf(data: Mapping[str, Any], parties: tuple[CallParty, ...]) -> dict[str, Any]:
    return _call_fields(data, parties) | {
        "digit": to_str(_first(data, "dtmf", "info", "digit")),
        "index": to_int(_first(data, "index", "flag")),
    }


def _play_end(
    data: Mapping[str, Any], parties: tuple[CallParty, ...]
) -> dict[str, Any]:
    return _call_fields(data, parties) | {
        "filename": to_str(_first(data, "filename", "prompt"))
    }


def _record_start(
    data: Mapping[str, Any], parties: tuple[CallParty, ...]
) -> dict[str, Any]:
    return _call_fields(data, parties) | {
        "record_type": RecordType(data.get("record_type")),
        "conference_name": to_str(data.get("conference_name")),
        "conference_number": to_str(data.get("conference_number")),
    }


def _record_end(
    data: Mapping[str, Any], parties: tuple[CallParty, ...]
) -> dict[str, Any]:
    return _record_start(data, parties) | {
        "start": to_datetime(data.get("record_start_time")),
        "end": to_datetime(data.get("record_end_time")),
        "seconds": to_count(data.get("record_seconds")),
        "download_path": to_str(data.get("download_path")),
    }


def _agent_status(
    data: Mapping[str, Any], parties: tuple[CallParty, ...]
) -> dict[str, Any]:
    return {
        "queue_id": to_str(_first(data, "queueid", "queue", "number")) or "",
        "extension": to_str(_first(data, "extid", "agent", "extension")) or "",
        "status": AgentStatusChange(data.get("status")),
        "parties": parties,
    }


def _agent_wrap_up(
    data: Mapping[str, Any], parties: tuple[CallParty, ...]
) -> dict[str, Any]:
    return {
        "queue_id": to_str(_first(data, "queueid", "queue", "number")) or "",
        "extension": to_str(_first(data, "extid", "agent", "extension")) or "",
        "on_break": to_bool(data.get("status")),
        "parties": parties,
    }


def _queue_status(
    data: Mapping[str, Any], parties: tuple[CallParty, ...]
) -> dict[str, Any]:
    return {
        "queue_id": to_str(_first(data, "number", "queueid", "queue")) or "",
        "caller_count": to_count(data.get("callercount")),
        "action": QueueAction(data.get("action")),
        "caller": to_str(_first(data, "callfrom", "callerid")),
        "callid": to_str(data.get("callid")) or "",
        "parties": parties,
    }


def _queue_overflow(
    data: Mapping[str, Any], parties: tuple[CallParty, ...]
) -> dict[str, Any]:
    return {
        "queue_id": to_str(_first(data, "number", "queueid", "queue")) or "",
        "destination": to_str(data.get("destination")),
        "callid": to_str(data.get("callid")) or "",
        "parties": parties,
    }


def _cdr_status(word: str | None) -> CdrStatus | str:
    """Each known word its own value; an unknown one verbatim (a missing one unknown)."""
    if word is None:
        return CdrStatus.UNKNOWN
    status = CdrStatus(word)
    if status is CdrStatus.UNKNOWN and normalise_word(word) != CdrStatus.UNKNOWN:
        return word
    return status


def _cdr(data: Mapping[str, Any], parties: tuple[CallParty, ...]) -> dict[str, Any]:
    status = to_str(data.get("status"))
    call_type = data.get("type")
    return {
        "callid": to_str(data.get("callid")) or "",
        "caller": to_str(data.get("callfrom")),
        "callee": to_str(data.get("callto")),
        "caller_id": to_str(data.get("callerid")),
        "original_destination": to_str(data.get("originaldest")),
        "last_destination": to_str(data.get("lastdest")),
        "did_number": to_str(data.get("didnumber")),
        "source_trunk": to_str(_first(data, "srctrunk", "srctrunkname")),
        "destination_trunk": to_str(_first(data, "desttrunk", "desttrunkname")),
        "status": _cdr_status(status),
        "status_text": status,
        "reason": to_str(data.get("reason")),
        "call_type": CallDirection(call_type),
        "call_time": to_datetime(data.get("calltime")),
        "answer_time": to_datetime(data.get("answertime")),
        "hangup_time": to_datetime(data.get("hanguptime")),
        "talk_time": to_count(data.get("talktime")),
        "wait_time_in_queue": to_count(data.get("waittimeinqueue")),
        "agent_ring_time": to_count(data.get("agentringtime")),
        "agent_talk_time": to_count(data.get("agenttalktime")),
        "user_id": to_str(data.get("user_id")),
        "parties": parties,
    }


def _conference(
    data: Mapping[str, Any], parties: tuple[CallParty, ...]
) -> dict[str, Any]:
    return {
        "uuid": to_str(data.get("uuid")),
        "name": to_str(data.get("conference_name")),
        "number": to_str(data.get("conference_number")),
        "parties": parties,
    }


_REPORT_TYPES: Final[dict[str, tuple[str, type[Report], _Builder]]] = {
    "systemup": ("Systemup", SystemUpReport, _no_fields),
    "extensionstatus": ("ExtensionStatus", ExtensionStatusReport, _extension_status),
    "ring": ("RING", RingReport, _call_fields),
    "ringback": ("RINGBACK", RingbackReport, _call_fields),
    "answer": ("ANSWER", AnswerReport, _call_fields),
    "answered": ("ANSWERED", AnsweredReport, _call_fields),
    "hold": ("HOLD", HoldReport, _call_fields),
    "unhold": ("UNHOLD", UnholdReport, _call_fields),
    "hangup": ("HANGUP", HangupReport, _hangup),
    "transfer": ("TRANSFER", TransferReport, _transfer),
    "tranfer": ("TRANSFER", TransferReport, _transfer),
    "callfailed": ("CALLFAILED", CallFailedReport, _call_failed),
    "callinrequest": ("CallinRequest", CallinRequestReport, _callin_request),
    "dtmf": ("DTMF", DtmfReport, _dtmf),
    "playend": ("PLAYEND", PlayEndReport, _play_end),
    "recordstart": ("RECORDSTART", RecordStartReport, _record_start),
    "recordend": ("RECORDEND", RecordEndReport, _record_end),
    "agentstatus": ("AgentStatus", AgentStatusReport, _agent_status),
    "agentwrapup": ("AgentWrapUp", AgentWrapUpReport, _agent_wrap_up),
    "queuestatus": ("QueueStatus", QueueStatusReport, _queue_status),
    "queueoverflow": ("QueueOverflow", QueueOverflowReport, _queue_overflow),
    "cdr": ("CDR", CdrReport, _cdr),
    "conferencecreate": ("CONFERENCECREATE", ConferenceCreateReport, _conference),
    "conferencedestroy": ("CONFERENCEDESTROY", ConferenceDestroyReport, _conference),
}

REPORT_EVENTS: Final = frozenset(name for name, _, _ in _REPORT_TYPES.values())


def _event_name(data: Mapping[str, Any]) -> str | None:
    for wanted in ("event", "action"):
        for key, value in data.items():
            if key.lower() == wanted:
                name = to_str(value)
                if name is not None:
                    return name
    return None


def report_from_object(data: Mapping[str, Any], *, clean: bool = False) -> Report:
    """Build the typed report for an already decoded JSON object.

    ``clean``: the object is made of plain dicts and lists, with no repeated key, shallow
    enough and with only storable, short strings (`loads_clean`), so it is used as it is.

    Raises:
        ReportParseError: the object has no event name, or nests too deeply.
    """
    if not clean:
        try:
            check_depth(data)
        except ValueError as err:
            raise ReportParseError(str(err)) from None
    name = _event_name(data)
    if name is None:
        raise ReportParseError("The report has no event name")
    parties = parse_parties(data)
    plain = dict(data) if clean else to_plain(data)
    known = _REPORT_TYPES.get(normalise_word(name))
    if known is None:
        return UnknownReport(event=name, data=plain, parties=parties)
    canonical, report_class, builder = known
    return report_class(event=canonical, data=plain, **builder(data, parties))


def parse_report(body: bytes | str) -> Report:
    """Parse the body of a report (or of a getevent answer).

    Raises:
        ReportParseError: the body is larger than `MAX_REPORT_SIZE`, not UTF-8 JSON, not a
            JSON object, or has no event name.
    """
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    if len(raw) > MAX_REPORT_SIZE:
        raise ReportParseError(f"The report is larger than {MAX_REPORT_SIZE} bytes")
    try:
        # Nearly every report takes the fast path: plain dicts, nothing to clean.
        simple = loads_clean(raw)
        decoded = simple if simple is not None else loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise ReportParseError(f"The report is not valid JSON: {err}") from None
    if not isinstance(decoded, dict):
        raise ReportParseError("The report is not a JSON object")
    return report_from_object(decoded, clean=simple is not None)
