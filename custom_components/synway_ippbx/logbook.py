"""Logbook: PBX reports (``synway_ippbx_event``) described in plain words."""

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.core import Event, HomeAssistant, callback

from .api import (
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
    QueueOverflowReport,
    QueueStatusReport,
    RecordEndReport,
    RecordStartReport,
    Report,
    ReportParseError,
    RingbackReport,
    RingReport,
    SystemUpReport,
    TransferReport,
    UnholdReport,
    report_from_object,
)
from .api.enums import AgentStatusChange, ExtensionStatus, QueueAction
from .const import DOMAIN, EVENT_SYNWAY

DEFAULT_NAME = "Synway IPPBX"

_AGENT_VERBS = {
    AgentStatusChange.LOGIN: "logged in to",
    AgentStatusChange.LOGOUT: "logged out of",
    AgentStatusChange.ON_BREAK: "went on break in",
    AgentStatusChange.RESUME: "resumed work in",
}

_STATUS_WORDS = {
    ExtensionStatus.RINGBACK: "is calling out",
    ExtensionStatus.RINGING: "is ringing",
    ExtensionStatus.TALKING: "is on a call",
    ExtensionStatus.REGISTERED: "registered",
    ExtensionStatus.UNREGISTERED: "went offline",
    ExtensionStatus.BUSY: "is busy",
    ExtensionStatus.IDLE: "is idle",
    ExtensionStatus.IN_USE: "is in use",
    ExtensionStatus.HOLD: "is on hold",
    ExtensionStatus.HANGUP: "hung up",
}


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[
        [str, str, Callable[[Event[Mapping[str, Any]]], dict[str, str]]], None
    ],
) -> None:
    """Teach the logbook to describe PBX reports."""

    @callback
    def async_describe_report(event: Event[Mapping[str, Any]]) -> dict[str, str]:
        """Name the PBX the report came from and say what happened."""
        data = event.data
        name = DEFAULT_NAME
        if (entry_id := data.get("config_entry_id")) and (
            entry := hass.config_entries.async_get_entry(str(entry_id))
        ):
            name = entry.title
        return {LOGBOOK_ENTRY_NAME: name, LOGBOOK_ENTRY_MESSAGE: describe_report(data)}

    async_describe_event(DOMAIN, EVENT_SYNWAY, async_describe_report)


# -- parties -------------------------------------------------------------------------


def _named(party: CallParty) -> str | None:
    """An extension as "Extension 1002", any other party as its bare number."""
    if party.kind == "extension":
        return f"Extension {party.extension}" if party.extension else None
    return party.number


def _party(report: CallReport, role: str) -> CallParty | None:
    return next(
        (
            party
            for party in report.parties
            if party.role == role and (party.number or party.kind == "extension")
        ),
        None,
    )


def _caller(report: CallReport) -> str | None:
    """The calling number: the caller's extension or external number."""
    if (party := _party(report, "caller")) is not None and party.number:
        return party.number
    # A called leg on a trunk still carries the external caller in "from".
    return next(
        (party.from_number for party in report.parties if party.from_number), None
    )


def _callee(report: CallReport) -> str | None:
    """The called number: the called extension or external number."""
    if (party := _party(report, "called")) is not None and party.number:
        return party.number
    return next((party.to_number for party in report.parties if party.to_number), None)


def _subject(party: CallParty | None, fallback: str | None) -> str:
    """Who did something, capitalised for the start of a sentence."""
    if party is not None and (named := _named(party)):
        return named
    return f"Extension {fallback}" if fallback else "A phone"


def _between(report: CallReport) -> str:
    caller, callee = _caller(report), _callee(report)
    if caller and callee:
        return f"The call between {caller} and {callee}"
    if caller or callee:
        return f"The call with {caller or callee}"
    return "A call"


def _route(report: CallReport) -> str:
    """The " from 1000 to 1002" part of a sentence, as much of it as is known."""
    caller, callee = _caller(report), _callee(report)
    text = ""
    if caller:
        text += f" from {caller}"
    if callee:
        text += f" to {callee}"
    return text


def _from_to(report: CallReport) -> str:
    return f"Call{_route(report)}"


# -- reports -------------------------------------------------------------------------


def describe_report(data: Mapping[str, Any]) -> str:
    """Describe a report as received from the PBX, tolerating missing or odd fields."""
    fields = {key: value for key, value in data.items() if key != "config_entry_id"}
    try:
        report = report_from_object(fields)
    except ReportParseError:
        return "Received a report without an event name"
    except TypeError, ValueError, AttributeError:
        return f"Received {fields.get('event') or 'a'} report"
    if isinstance(report, CallReport):
        return _describe_call(report)
    return _describe_other(report)


def _describe_call(report: CallReport) -> str:
    caller, callee = _caller(report), _callee(report)
    match report:
        case RingReport():
            called = _party(report, "called")
            text = f"{_subject(called, callee)} is ringing"
            if called is not None and called.kind != "extension":
                text = f"{callee} is ringing"
            return f"{text} (call from {caller})" if caller else text
        case RingbackReport():
            text = f"{_subject(_party(report, 'caller'), caller)} is calling"
            return f"{text} {callee}" if callee else text
        case AnswerReport():
            text = f"{_subject(_party(report, 'called'), callee)} answered a call"
            return f"{text} from {caller}" if caller else text
        case AnsweredReport():
            return f"{_from_to(report)} was answered"
        case HoldReport():
            return f"{_between(report)} was put on hold"
        case UnholdReport():
            return f"{_between(report)} was resumed"
        case HangupReport(originator=originator) if originator is not None:
            party = _party(report, originator)
            number = caller if originator == "caller" else callee
            return f"{_subject(party, number)} hung up"
        case HangupReport():
            return f"{_from_to(report)} ended"
        case TransferReport():
            text = f"{_between(report)} was transferred"
            if report.transfer_to:
                text += f" to {report.transfer_to}"
            return text
        case CallFailedReport():
            text = f"{_from_to(report)} failed"
            return f"{text}: {report.cause}" if report.cause else text
        case CallinRequestReport():
            source = report.from_number or caller
            target = report.to_number or callee
            text = "Incoming call"
            if source:
                text += f" from {source}"
            if target:
                text += f" to {target}"
            return f"{text} is waiting to be accepted"
        case DtmfReport():
            who = _subject(_party(report, "caller"), caller)
            return (
                f"{who} pressed {report.digit}"
                if report.digit
                else f"{who} pressed a key"
            )
        case PlayEndReport():
            return (
                f"Finished playing {report.filename}"
                if report.filename
                else "A prompt finished playing"
            )
        case RecordEndReport():
            text = f"Recording of the call{_route(report)} ended"
            if report.seconds is not None:
                text += f" ({report.seconds} s)"
            return text
        case RecordStartReport():
            return f"Recording of the call{_route(report)} started"
    return f"{_from_to(report)}: {report.event}"  # pragma: no cover


def _describe_other(report: Report) -> str:
    match report:
        case SystemUpReport():
            return "The PBX started"
        case ExtensionStatusReport():
            words = _STATUS_WORDS.get(report.status)
            if words is None:
                return f"Extension {report.extension} changed state"
            return f"Extension {report.extension} {words}"
        case AgentStatusReport():
            verb = _AGENT_VERBS.get(report.status, "changed state in")
            return f"Agent {report.extension} {verb} queue {report.queue_id}"
        case AgentWrapUpReport():
            state = "went on break" if report.on_break else "came back from break"
            return f"Agent {report.extension} {state} in queue {report.queue_id}"
        case QueueStatusReport():
            who = f"A caller ({report.caller})" if report.caller else "A caller"
            if report.action is QueueAction.ADD:
                text = f"{who} joined queue {report.queue_id}"
            elif report.action is QueueAction.REMOVE:
                text = f"{who} left queue {report.queue_id}"
            else:
                text = f"Queue {report.queue_id} changed"
            if report.caller_count is not None:
                text += f" ({report.caller_count} waiting)"
            return text
        case QueueOverflowReport():
            text = f"Queue {report.queue_id} overflowed"
            return f"{text} to {report.destination}" if report.destination else text
        case CdrReport():
            route = " → ".join(
                number for number in (report.caller, report.callee) if number
            )
            text = f"Call record: {route}" if route else "Call record"
            status = report.status_text
            return f"{text}, {status.upper()}" if status else text
        case ConferenceCreateReport() | ConferenceDestroyReport():
            verb = "started" if isinstance(report, ConferenceCreateReport) else "ended"
            label = report.name or report.number
            return f"Conference {label} {verb}" if label else f"A conference {verb}"
    event = report.event or "unknown"
    return f"PBX event {event}"
