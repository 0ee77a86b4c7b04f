"""Which event entity a report concerns, with which event type and attributes.

Pure mapping, computed before the report is applied to the store so that it can still
see the call as it was (who was on the other end, whether the phone was only ringing).
"""

from collections.abc import Iterator
import json
from typing import TYPE_CHECKING, Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.json import json_bytes

from .activity import describe_unnamed
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
    ExtensionStatusReport,
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
from .api.enums import CallDirection, CdrStatus
from .calls import LegState
from .const import DOMAIN, LOGGER
from .devices import object_identifier
from .store import HUB_KEY, Key, PbxStore, extension_key, queue_key

if TYPE_CHECKING:
    # The coordinator imports this module: only the type is needed here.
    from .coordinator import SynwayConfigEntry

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
            yield (HUB_KEY, "cdr", _cdr_attributes(report, store))
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
                **_normalised(report, store, "callin_request"),
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
    base |= _normalised(report, store, event)
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
        attributes["extension"] = extension
        attributes["other_party"] = other = _other_number(report, party)
        attributes["other_party_name"] = store.extension_name(other)
        if event in ("hangup", "call_failed"):
            # Missed unless the callee's leg of this call got connected; a leg already
            # gone (a CALLFAILED came first) never was.
            attributes["missed"] = party.role == "called" and not _connected(
                store, report.callid, extension
            )
            attributes["answered"] = _connected(
                store, report.callid, extension if party.role == "called" else None
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


def _cdr_attributes(report: CdrReport, store: PbxStore) -> dict[str, Any]:
    return {
        "call_id": report.callid,
        "caller": report.caller,
        "callee": report.callee,
        "status": report.status,
        "talk_time": report.talk_time,
        "reason": report.reason,
        **_cdr_normalised(report, store),
    }


# -- normalised fields ----------------------------------------------------------------
# The same names on every call event (bus and event entities), so that automations need
# no templates: see README "Events for automations".

_DIRECTIONS = {
    CallDirection.INBOUND: "inbound",
    CallDirection.OUTBOUND: "outbound",
    CallDirection.LOCAL: "internal",
}
# A call record counts as missed when the callee never picked up: not answered, hung
# up by the caller while ringing, or sent to voicemail (or the callee was busy).
_MISSED_RECORDS = frozenset(
    {
        CdrStatus.NO_ANSWER,
        CdrStatus.BUSY,
        CdrStatus.MISSED,
        CdrStatus.CANCELLED,
        CdrStatus.VOICEMAIL,
    }
)


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


def _subject(report: CallReport, event: str) -> str | None:
    """The extension an event is about: the ringing phone, the caller hearing ringback."""
    role = _ROLE_OF_EVENT.get(event)
    parties = [party for party in report.parties if party.kind == "extension"]
    preferred = [party for party in parties if party.role == role]
    party = next(iter(preferred or parties), None)
    return party.extension if party else None


def _trunk(report: CallReport) -> str | None:
    if isinstance(report, CallinRequestReport) and report.trunk:
        return report.trunk
    return next((party.trunk for party in report.parties if party.trunk), None)


# The last call report normalised, and its fields: the bus event and the event entities
# both carry them, worked out back to back before the report is applied (so from the same
# store); the second use takes the first's (callers never change the dict).
_last_normalised: tuple[CallReport, str, dict[str, Any]] | None = None


def _normalised(report: CallReport, store: PbxStore, event: str) -> dict[str, Any]:
    """The normalised fields of a call report, computed before it is applied."""
    global _last_normalised  # noqa: PLW0603 (a one-entry memo)
    last = _last_normalised
    if last is not None and last[0] is report and last[1] == event:
        return last[2]
    fields = _normalise(report, store, event)
    _last_normalised = (report, event, fields)
    return fields


def _normalise(report: CallReport, store: PbxStore, event: str) -> dict[str, Any]:
    caller, callee = _side(report, "caller"), _side(report, "called")
    fields: dict[str, Any] = {
        "call_type": event,
        "direction": _direction(report),
        "caller_number": caller,
        "caller_name": store.extension_name(caller),
        "callee_number": callee,
        "callee_name": store.extension_name(callee),
        "extension": _subject(report, event),
        "trunk": _trunk(report),
    }
    if event in ("hangup", "call_failed"):
        answered = _connected(store, report.callid, None)
        fields["answered"] = answered
        fields["missed"] = not answered and any(
            party.role == "called" and party.kind == "extension"
            for party in report.parties
        )
    return fields


def _cdr_normalised(report: CdrReport, store: PbxStore) -> dict[str, Any]:
    """The normalised fields of a call record."""
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
        "missed": report.status in _MISSED_RECORDS,
    }


def bus_event_data(
    report: Report, store: PbxStore, entry_id: str, entity_id: str | None = None
) -> dict[str, Any]:
    """The data of a ``synway_ippbx_event``, computed before the report is applied.

    The PBX's fields as received (they win over a normalised name they happen to
    share), the normalised fields of a call event, the entry id, and the entity the
    event is about (the logbook shows the event on that entity's device page).
    """
    normalised: dict[str, Any] = {}
    if isinstance(report, CdrReport):
        normalised = _cdr_normalised(report, store)
    elif isinstance(report, CallReport):
        normalised = _normalised(report, store, _event_name(report))
    data = {**normalised, **report.data, "config_entry_id": entry_id}
    if entity_id is not None:
        data["entity_id"] = entity_id
    return data


def _event_name(report: CallReport) -> str:
    if isinstance(report, CallinRequestReport):
        return "callin_request"
    return next(
        (name for cls, name in _CALL_EVENT_TYPES if isinstance(report, cls)),
        report.event.lower(),
    )


def report_subject(report: Report, *, missed: bool = False) -> Key | None:
    """The object a report's logbook row is about: a phone, a queue, or none.

    The logbook's own choice (the phone that rang, called, answered, hung up or missed
    the call), so that the bus event names the entity its row is shown on. A phone's
    status report is about none: its Status sensor writes that row itself.
    """
    if isinstance(report, ExtensionStatusReport):
        return None
    key = describe_unnamed(report, missed=missed).key
    return key if key and key[1] else None


# Which entity shows an object's events, by the end of its unique id.
_EVENT_ENTITY_SUFFIX = {"extension": "call", "queue": "queue"}


@callback
def async_event_entity(
    hass: HomeAssistant, entry: SynwayConfigEntry, key: Key
) -> str | None:
    """The entity id of an object's event entity (one registry lookup by unique id)."""
    if (suffix := _EVENT_ENTITY_SUFFIX.get(key[0])) is None:
        return None
    return er.async_get(hass).async_get_entity_id(
        "event", DOMAIN, f"{object_identifier(entry, key)}_{suffix}"
    )


@callback
def async_bus_event_data(
    hass: HomeAssistant, entry: SynwayConfigEntry, report: Report
) -> dict[str, Any]:
    """What the webhook fires on the bus for a report (before applying it)."""
    store = entry.runtime_data.coordinator.data
    data = bus_event_data(report, store, entry.entry_id)
    if not (
        isinstance(report, HangupReport) and store.calls.call(report.callid) is None
    ):
        # (The end of a call already reported over — a failed call is reported twice,
        # CALLFAILED then HANGUP — has its row on the phone's page already.)
        key = report_subject(report, missed=data.get("missed") is True)
        if key is not None and (entity_id := async_event_entity(hass, entry, key)):
            data["entity_id"] = entity_id
    return cap_event_data(data)


# Home Assistant's recorder stores no event whose data passes 32,768 bytes as JSON (and
# logs a warning). The budget leaves room for what the webhook adds (``screened``).
EVENT_DATA_BUDGET = 30_000
# Over budget, each string (field names included) is cut to this many characters: the
# parser already cuts the PBX's text at 255, so it takes many fields to get there.
EVENT_FIELD_CHARS = 64


def cap_event_data(data: dict[str, Any]) -> dict[str, Any]:
    """Keep a bus event's data under Home Assistant's 32 KB event limit.

    A report may be up to 64 KB (hundreds of fields, long lists): over budget, every
    string of the PBX's (field names, and in nested lists and objects too) is cut to
    `EVENT_FIELD_CHARS` characters, and if that is not enough the largest of its fields
    are left out. A debug
    line names what was cut. Nearly every report is far under budget and returned as is.
    """

    def json_size(value: Any) -> int:
        try:
            return len(json_bytes(value))
        except TypeError:
            # What orjson refuses (integers past 64 bits, lone surrogates): the escaped
            # standard encoding is never shorter than what the recorder would write.
            return len(json.dumps(value, default=str))

    size = json_size(data)
    if size <= EVENT_DATA_BUDGET:
        return data

    def cut(value: Any) -> Any:
        if isinstance(value, str):
            return value[:EVENT_FIELD_CHARS]
        if isinstance(value, dict):
            return {
                str(key)[:EVENT_FIELD_CHARS]: cut(item) for key, item in value.items()
            }
        if isinstance(value, (list, tuple)):
            return [cut(item) for item in value]
        return value

    ours = {"config_entry_id", "entity_id"}
    capped = {
        key if key in ours else key[:EVENT_FIELD_CHARS]: value
        if key in ours
        else cut(value)
        for key, value in data.items()
    }
    cut_fields = sorted(key for key, value in data.items() if capped.get(key) != value)
    sizes = {key: json_size({key: value}) for key, value in capped.items()}
    dropped: list[str] = []
    total = json_size(capped)
    droppable = [key for key in sizes if key not in ours and key != "event"]
    for key in sorted(droppable, key=sizes.__getitem__, reverse=True):
        if total <= EVENT_DATA_BUDGET:
            break
        del capped[key]
        dropped.append(key)
        total -= sizes[key]
    LOGGER.debug(
        "A %s report's event data was %d bytes, over Home Assistant's event limit: "
        "cut %s%s",
        capped.get("event"),
        size,
        ", ".join(key[:40] for key in cut_fields[:10]) or "nothing",
        f"; left out {', '.join(key[:40] for key in dropped[:10])}" if dropped else "",
    )
    return capped
