"""Plain-words descriptions of PBX reports, and which of them earn an Activity row.

No Home Assistant imports: ``happening`` asks it, once per report, which phone the
report is about, which entity already shows it and what to say (as ``Words``, whose
labels the logbook fills in with names when it shows the row).

One row per thing that happened. Home Assistant's logbook already writes a row for
every state an enabled entity takes, so a described row is added only for what no
enabled entity of the subject's device shows (``shown_by``):

* ring, ringback, answer, answered, hold, unhold, hang-up and the PBX's status
  reports: the phone's Status sensor (always enabled) changes state, and that is the
  row. A status report that changes nothing writes nothing.
* a missed call: the phone's Last missed call sensor (enabled up to 500 extensions)
  writes the row; where it is disabled, "missed a call from Alice (1004)" does.
* a failed call with its cause, a transfer, DTMF, recording and prompts: the phone's
  Call event entity would show them, but it starts disabled, so they read in words
  (and stop doing so on the phones where a user enables it).
* queue reports: the queue's event entity; PBX-wide reports (system_up,
  callin_request, cdr, conferences): the PBX event entity. Both start enabled.
* reports the integration does not understand: no row (they reach automations on
  the bus all the same).

Described rows are attributed to the phone's Status sensor (its device page shows
them), else to the entity that would have shown them.
"""

from collections.abc import Sequence
from dataclasses import replace

from ..api import (
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
    RingbackReport,
    RingReport,
    SystemUpReport,
    TransferReport,
    UnholdReport,
)
from ..api.enums import (
    AgentStatusChange,
    CallDirection,
    CdrStatus,
    ExtensionStatus,
    QueueAction,
)
from .report_facts import (
    SHOWN_BY_CALL,
    SHOWN_BY_LAST_MISSED,
    SHOWN_BY_PBX,
    SHOWN_BY_QUEUE,
    SHOWN_BY_STATUS,
    Shower,
    facts_of,
)
from .store import extension_key, queue_key
from .wording import Line, Names, Slots, Words, label as _label

__all__ = [
    "SHOWN_BY_CALL",
    "SHOWN_BY_LAST_MISSED",
    "SHOWN_BY_PBX",
    "SHOWN_BY_QUEUE",
    "SHOWN_BY_STATUS",
    "SHOWN_BY_WORDS",
]

# The caller hung up before anyone answered: a missed call for the callee.
CAUSE_CALLER_GAVE_UP = "ORIGINATOR_CANCEL"
ICON_RING = "mdi:phone-ring"
ICON_RINGBACK = "mdi:phone-outgoing"
ICON_TALK = "mdi:phone-in-talk"
ICON_HOLD = "mdi:phone-paused"
ICON_UNHOLD = "mdi:phone-return"
ICON_HANGUP = "mdi:phone-hangup"
ICON_MISSED = "mdi:phone-missed"
ICON_FAILED = "mdi:phone-cancel"
ICON_TRANSFER = "mdi:phone-forward"
ICON_INCOMING = "mdi:phone-incoming"
ICON_DTMF = "mdi:dialpad"
ICON_PLAY = "mdi:play-circle-outline"
ICON_RECORD = "mdi:record-rec"
ICON_RECORD_END = "mdi:stop-circle-outline"
ICON_RECORD_CALL = "mdi:file-document-outline"

# No entity shows it (rows of a Status sensor or an event entity cannot say who called
# or how a call went): the row is always described.
SHOWN_BY_WORDS: Shower = ("logbook", "activity")

_RECORD_STATUS = {
    CdrStatus.FAILED: "failed",
    CdrStatus.IVR: "ended in the IVR",
    CdrStatus.CALLCENTER: "ended in a queue",
    CdrStatus.CONFERENCE: "ended in a conference",
}

_AGENT_VERBS = {
    AgentStatusChange.LOGIN: "logged in to",
    AgentStatusChange.LOGOUT: "logged out of",
    AgentStatusChange.ON_BREAK: "went on break in",
    AgentStatusChange.RESUME: "resumed work in",
}

# What a phone's status report says, with the icon its Status sensor shows for it.
_STATUS_WORDS = {
    ExtensionStatus.RINGBACK: ("is calling out", ICON_RINGBACK),
    ExtensionStatus.RINGING: ("is ringing", ICON_RING),
    ExtensionStatus.TALKING: ("is on a call", ICON_TALK),
    ExtensionStatus.REGISTERED: ("registered", "mdi:phone-check"),
    ExtensionStatus.UNREGISTERED: ("went offline", "mdi:phone-off"),
    ExtensionStatus.BUSY: ("is busy", "mdi:phone-lock"),
    ExtensionStatus.IDLE: ("is idle", ICON_HANGUP),
    ExtensionStatus.IN_USE: ("is in use", "mdi:phone-in-talk-outline"),
    ExtensionStatus.HOLD: ("is on hold", ICON_HOLD),
    ExtensionStatus.HANGUP: ("hung up", ICON_HANGUP),
}


def describe_words(
    report: Report,
    *,
    missed: bool = False,
    wording: str | None = None,
    phones: Sequence[str] = (),
) -> Words:
    """A report's row with a placeholder for each party's label.

    ``phones``: the local extensions the report is about, the one it names first
    (known from the PBX's calls also where the report names only an outside party).
    """
    slots = Slots()
    line = describe_report(report, slots, missed=missed, phones=phones)
    return Words(
        line.subject,
        line.message,
        tuple(slots.labels),
        line.key,
        line.icon,
        wording,
    )


# -- parties -------------------------------------------------------------------------


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


class _Call:
    """The parties of a call report, labelled."""

    def __init__(self, report: CallReport, names: Names) -> None:
        self.report = report
        self.names = names
        self.caller_number = _caller(report)
        self.callee_number = _callee(report)

    def _is_extension(self, role: str) -> bool:
        party = _party(self.report, role)
        return party is not None and party.kind == "extension"

    @property
    def caller(self) -> str | None:
        """The caller as an object of a sentence: "Alice (1004)" or "1004"."""
        return _label(self.caller_number, self.names, extension=False)

    @property
    def callee(self) -> str | None:
        """The callee as an object of a sentence."""
        return _label(self.callee_number, self.names, extension=False)

    def extension(self, role: str) -> str | None:
        """The extension number of one side, if that side is an extension."""
        party = _party(self.report, role)
        if party is not None and party.kind == "extension":
            return party.extension
        return None

    def any_extension(self) -> str | None:
        """The first extension of the call, the caller's first."""
        return self.extension("caller") or self.extension("called")

    def line(
        self, role: str, message: str, icon: str, fallback: str = "A phone"
    ) -> Line:
        """A row whose subject is one side of the call."""
        number = self.caller_number if role == "caller" else self.callee_number
        subject = _label(number, self.names, extension=self._is_extension(role))
        number = self.extension(role) or self.any_extension()
        return Line(
            subject or fallback,
            message,
            extension_key(number) if number else None,
            icon,
        )

    def about(self, active: str, passive: str, icon: str) -> Line:
        """A row about the call as a whole: on its first extension, else the PBX's.

        ``{other}`` in the texts becomes " with <the other side>" when known.
        """
        number = self.any_extension()
        if number:
            subject = _label(number, self.names, extension=True)
            other = self.callee if number == self.extension("caller") else self.caller
            text = active.format(other=f" with {other}" if other else "")
            return Line(subject, text, extension_key(number), icon)
        between = " and ".join(x for x in (self.caller, self.callee) if x)
        text = passive.format(other=f" between {between}" if between else "")
        return Line(None, text, None, icon)


# -- reports -------------------------------------------------------------------------


def describe_report(
    report: Report, names: Names, *, missed: bool = False, phones: Sequence[str] = ()
) -> Line:
    """Describe a parsed report; ``missed``: the callee never picked up.

    ``phones``: the local extensions it is about (see ``describe_words``).
    """
    if isinstance(report, CallReport):
        return _describe_call(report, names, missed=missed, phones=phones)
    if isinstance(report, CdrReport):
        return _describe_record(report, names, next(iter(phones), None))
    return _describe_other(report, names)


def _describe_call(
    report: CallReport, names: Names, *, missed: bool, phones: Sequence[str]
) -> Line:
    call = _Call(report, names)
    caller, callee = call.caller, call.callee
    match report:
        case RingReport():
            text = "is ringing"
            return call.line(
                "called", f"{text} — call from {caller}" if caller else text, ICON_RING
            )
        case RingbackReport():
            text = f"is calling {callee}" if callee else "is calling"
            return call.line("caller", text, ICON_RINGBACK)
        case AnswerReport():
            text = f"answered a call from {caller}" if caller else "answered a call"
            return call.line("called", text, ICON_TALK)
        case AnsweredReport():
            text = f"got through to {callee}" if callee else "got through"
            return call.line("caller", text, ICON_TALK, fallback="A caller")
        case HoldReport():
            return call.about(
                "has the call{other} on hold",
                "reports a call{other} on hold",
                ICON_HOLD,
            )
        case UnholdReport():
            return call.about(
                "resumed the call{other}", "reports a call{other} resumed", ICON_UNHOLD
            )
        case HangupReport(originator=originator) if originator is not None:
            if missed and originator == "caller" and callee:
                return call.line(
                    "called", f"missed a call from {caller or 'a caller'}", ICON_MISSED
                )
            return call.line(originator, "hung up", ICON_HANGUP)
        case HangupReport():
            return call.about(
                "ended the call{other}", "reports a call{other} ended", ICON_HANGUP
            )
        case TransferReport(transfer_from=transferrer) if transferrer:
            # On the transferring phone's page (the manual: "the callee number where the
            # call is transferred from"), naming the party it passed on.
            other = next(
                (
                    number
                    for number in (call.caller_number, call.callee_number)
                    if number and number != transferrer
                ),
                None,
            )
            text = "transferred the call"
            if label := _label(other, names, extension=False):
                text += f" from {label}"
            if report.transfer_to:
                text += f" to {_label(report.transfer_to, names, extension=False)}"
            return Line(
                _label(transferrer, names, extension=True),
                text,
                extension_key(transferrer),
                ICON_TRANSFER,
            )
        case TransferReport():
            line = call.about(
                "transferred the call{other}",
                "reports a call{other} transferred",
                ICON_TRANSFER,
            )
            if report.transfer_to:
                line = replace(line, message=f"{line.message} to {report.transfer_to}")
            return line
        case CallFailedReport():
            gave_up = report.cause == CAUSE_CALLER_GAVE_UP
            if callee and call.extension("caller") and not gave_up:
                text = f"could not reach {callee}"
                text = f"{text} ({report.cause})" if report.cause else text
                return call.line("caller", text, ICON_FAILED)
            text = f"missed a call from {caller}" if caller else "missed a call"
            if report.cause and not gave_up:
                text = f"{text} ({report.cause})"
            return call.line("called", text, ICON_MISSED, fallback="A phone")
        case CallinRequestReport():
            source = report.from_number or call.caller_number
            target = report.to_number or call.callee_number
            text = "has an incoming call"
            if source:
                text += f" from {source}"
            if target:
                text += f" to {target}"
            return Line(None, f"{text} waiting to be accepted", None, ICON_INCOMING)
        case DtmfReport():
            return _describe_key(call, report, phones)
        case PlayEndReport():
            played = report.filename or "a prompt"
            return call.about(
                f"finished playing {played} to the call{{other}}",
                f"finished playing {played}",
                ICON_PLAY,
            )
        case RecordEndReport():
            seconds = f" ({report.seconds} s)" if report.seconds is not None else ""
            return call.about(
                "stopped recording the call{other}" + seconds,
                "stopped recording a call{other}" + seconds,
                ICON_RECORD_END,
            )
        case RecordStartReport():
            return call.about(
                "started recording the call{other}",
                "started recording a call{other}",
                ICON_RECORD,
            )
    return Line(None, f"sent event {report.event}")  # pragma: no cover


def _describe_other(report: Report, names: Names) -> Line:
    match report:
        case SystemUpReport():
            return Line(None, "started", icon="mdi:restart")
        case ExtensionStatusReport():
            subject = _label(report.extension, names, extension=True)
            words, icon = _STATUS_WORDS.get(
                report.status, ("changed state", "mdi:phone")
            )
            key = extension_key(report.extension) if report.extension else None
            return Line(subject, words, key, icon)
        case AgentStatusReport():
            verb = _AGENT_VERBS.get(report.status, "changed state in")
            return Line(
                f"Agent {_label(report.extension, names, extension=False)}",
                f"{verb} queue {report.queue_id}",
                queue_key(report.queue_id or ""),
            )
        case AgentWrapUpReport():
            state = "went on break" if report.on_break else "came back from break"
            return Line(
                f"Agent {_label(report.extension, names, extension=False)}",
                f"{state} in queue {report.queue_id}",
                queue_key(report.queue_id),
            )
        case QueueStatusReport():
            who = f"A caller ({report.caller})" if report.caller else "A caller"
            if report.action is QueueAction.ADD:
                subject, text = who, f"joined queue {report.queue_id}"
            elif report.action is QueueAction.REMOVE:
                subject, text = who, f"left queue {report.queue_id}"
            else:
                subject, text = f"Queue {report.queue_id}", "changed"
            if report.caller_count is not None:
                text += f" ({report.caller_count} waiting)"
            return Line(subject, text, queue_key(report.queue_id))
        case QueueOverflowReport():
            text = "overflowed"
            if report.destination:
                text += f" to {report.destination}"
            return Line(f"Queue {report.queue_id}", text, queue_key(report.queue_id))
        case ConferenceCreateReport() | ConferenceDestroyReport():
            verb = "started" if isinstance(report, ConferenceCreateReport) else "ended"
            label = report.name or report.number
            subject = f"Conference {label}" if label else "A conference"
            return Line(subject, verb, None, "mdi:account-group")
    event = report.event or "unknown"
    return Line(None, f"sent event {event}")


def _describe_key(call: _Call, report: DtmfReport, phones: Sequence[str]) -> Line:
    """A key press, said of who pressed it and on the call of which phone.

    The PBX reports only the pressing leg; the phone on the other end (an outside
    caller's keys reach a local phone or an IVR) comes from the call as known.
    """
    text = f"pressed {report.digit}" if report.digit else "pressed a key"
    presser = call.extension("caller")
    phone = next((number for number in phones if number != presser), None)
    if phone:
        text += f" in the call with {_label(phone, call.names, extension=True)}"
    elif not presser and (target := call.callee_number):
        text += f" in the call to {target}"
    line = call.line("caller", text, ICON_DTMF)
    if phone and not presser:
        line = replace(line, key=extension_key(phone))
    return line


def _describe_record(report: CdrReport, names: Names, phone: str | None) -> Line:
    """A call record: the phone's call, from or to whom, and how it went.

    On the local phone it concerns (the callee first), so that its page lists its
    calls; a record of no local phone is the PBX's.
    """
    caller = _label(report.caller, names, extension=False)
    callee = _label(report.last_destination or report.callee, names, extension=False)
    outcome, icon = _outcome(report)
    if phone is None:
        route = " → ".join(label for label in (caller, callee) if label)
        text = f"recorded a call: {route}" if route else "recorded a call"
        return Line(None, f"{text}, {outcome}" if outcome else text, None, icon)
    if phone == report.caller and report.call_type is not CallDirection.INBOUND:
        other = f"call to {callee}" if callee else "call"
    else:
        other = f"call from {caller}" if caller else "call"
    return Line(
        _label(phone, names, extension=True),
        f"{other}: {outcome}" if outcome else other,
        extension_key(phone),
        icon,
    )


def _outcome(report: CdrReport) -> tuple[str, str]:
    """How a recorded call went, in words, with its icon ("answered, 2 min 10 s")."""
    status = report.status
    if status is CdrStatus.ANSWERED:
        if report.talk_time is None:
            return "answered", ICON_RECORD_CALL
        return f"answered, {duration_words(report.talk_time)}", ICON_RECORD_CALL
    if isinstance(status, CdrStatus) and status.missed:
        outbound = report.call_type is CallDirection.OUTBOUND
        return ("not answered" if outbound else "missed"), ICON_MISSED
    if isinstance(status, CdrStatus) and status is not CdrStatus.UNKNOWN:
        return _RECORD_STATUS.get(
            status, str(status).replace("_", " ")
        ), ICON_RECORD_CALL
    # A word the client does not know is said as the PBX wrote it.
    text = report.status_text if status is CdrStatus.UNKNOWN else str(status)
    return (text or "").lower().replace("_", " "), ICON_RECORD_CALL


def duration_words(seconds: int) -> str:
    """A duration as people say it: "45 s", "2 min 10 s", "1 h 5 min"."""
    hours, rest = divmod(max(seconds, 0), 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    return f"{seconds} s"


# -- which entity shows what happened ---------------------------------------------------


def shown_by(report: Report, line: Line | Words) -> Shower | None:
    """The entity of ``line``'s subject that shows this happening as a row of its own.

    None: nothing understood happened, so no row at all (see the module's docstring).
    """
    if isinstance(report, RingReport | CdrReport):
        # Who calls, and how a call went: no entity's row can say it.
        return SHOWN_BY_WORDS
    if line.icon == ICON_MISSED:
        return SHOWN_BY_LAST_MISSED
    return facts_of(report).shown_by
