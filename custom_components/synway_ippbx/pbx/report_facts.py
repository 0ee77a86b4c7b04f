"""What the integration knows about each kind of report, one row per kind.

Every choice that depends only on a report's type reads its row here, instead of asking
``isinstance`` in each module: the bus event's ``call_type``, which event entity it
fires on (and with which event types), which party it is about, the device triggers it
feeds, its Activity wording and icon, and which entity already shows it. Adding a report
type is one row here (see docs/how-it-works.md). No Home Assistant imports.
"""

from dataclasses import dataclass
from typing import Literal

from ..api import (
    AgentStatusReport,
    AgentWrapUpReport,
    AnsweredReport,
    AnswerReport,
    CallFailedReport,
    CallinRequestReport,
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
    UnknownReport,
)

# The event entity a report fires on: each local extension's Call, a queue's, the PBX's.
type Scope = Literal["extension", "queue", "hub"]
# Which side of a call the report is about: the phone that rings, the caller hearing
# ringback, any extension in the call, or none (a queue, the PBX).
type Party = Literal["called", "caller", "any", "none"]
# What a re-sent body is recognised by: the extension, the call (and its extensions),
# the queue, or only the event name.
type About = Literal["extension", "call", "queue", "event"]
# An entity of a row's subject: its platform and the key its unique id ends with.
type Shower = tuple[str, str]

SHOWN_BY_STATUS: Shower = ("sensor", "status")
SHOWN_BY_LAST_MISSED: Shower = ("sensor", "last_missed_call")
SHOWN_BY_CALL: Shower = ("event", "call")
SHOWN_BY_QUEUE: Shower = ("event", "queue")
SHOWN_BY_PBX: Shower = ("event", "pbx")


@dataclass(frozen=True, slots=True)
class ReportFacts:
    """One kind of report, as the integration shows it."""

    kind: type[Report]
    # The normalised ``call_type`` of its bus event (None: the event has none).
    call_type: str | None
    scope: Scope
    subject: Party
    # The event types it fires on its scope's event entity (on an extension: what each
    # local extension's Call entity shows); which one is up to the report's fields.
    events: tuple[str, ...]
    # The device triggers it feeds (product.md §5); ``missed_call`` only when missed.
    triggers: tuple[str, ...]
    # The key of its Activity wording (describe.py) and the icon of its row.
    wording: str | None
    icon: str | None
    # The entity whose own row says what it did (None: no row; a missed call is the
    # Last missed call sensor's, whatever the row says here).
    shown_by: Shower | None
    about: About


def _call(
    kind: type[Report],
    event: str,
    *,
    subject: Party = "any",
    triggers: tuple[str, ...] = (),
    icon: str,
    shown_by: Shower = SHOWN_BY_CALL,
) -> ReportFacts:
    """A report about one side of a call, shown on each local extension's Call entity."""
    return ReportFacts(
        kind,
        event,
        "extension",
        subject,
        (event,),
        triggers,
        event,
        icon,
        shown_by,
        "call",
    )


REPORT_FACTS: tuple[ReportFacts, ...] = (
    # -- call reports, in the order of the Call entity's event types ----------------
    _call(
        RingReport,
        "ring",
        subject="called",
        triggers=("ring",),
        icon="mdi:phone-ring",
        shown_by=SHOWN_BY_STATUS,
    ),
    _call(
        RingbackReport,
        "ringback",
        subject="caller",
        icon="mdi:phone-outgoing",
        shown_by=SHOWN_BY_STATUS,
    ),
    _call(
        AnswerReport,
        "answer",
        subject="called",
        triggers=("answered",),
        icon="mdi:phone-in-talk",
        shown_by=SHOWN_BY_STATUS,
    ),
    _call(
        AnsweredReport,
        "answered",
        subject="caller",
        triggers=("answered",),
        icon="mdi:phone-in-talk",
        shown_by=SHOWN_BY_STATUS,
    ),
    _call(HoldReport, "hold", icon="mdi:phone-paused", shown_by=SHOWN_BY_STATUS),
    _call(UnholdReport, "unhold", icon="mdi:phone-return", shown_by=SHOWN_BY_STATUS),
    _call(
        HangupReport,
        "hangup",
        triggers=("hangup", "missed_call"),
        icon="mdi:phone-hangup",
        shown_by=SHOWN_BY_STATUS,
    ),
    _call(
        CallFailedReport,
        "call_failed",
        triggers=("call_failed", "missed_call"),
        icon="mdi:phone-cancel",
    ),
    _call(TransferReport, "transfer", icon="mdi:phone-forward"),
    _call(DtmfReport, "dtmf", triggers=("dtmf",), icon="mdi:dialpad"),
    _call(RecordStartReport, "record_start", icon="mdi:record-rec"),
    _call(RecordEndReport, "record_end", icon="mdi:stop-circle-outline"),
    _call(PlayEndReport, "play_end", icon="mdi:play-circle-outline"),
    # -- a phone's status: its Status sensor is the row --------------------------------
    ReportFacts(
        ExtensionStatusReport,
        "status",
        "extension",
        "any",
        (),
        ("status_changed",),
        "status",
        "mdi:phone",
        SHOWN_BY_STATUS,
        "extension",
    ),
    # -- queues ---------------------------------------------------------------------------
    ReportFacts(
        QueueStatusReport,
        None,
        "queue",
        "none",
        ("caller_joined", "caller_left"),
        ("caller_joined", "caller_left"),
        "queue_status",
        None,
        SHOWN_BY_QUEUE,
        "queue",
    ),
    ReportFacts(
        QueueOverflowReport,
        None,
        "queue",
        "none",
        ("overflow",),
        ("overflow",),
        "queue_overflow",
        None,
        SHOWN_BY_QUEUE,
        "queue",
    ),
    ReportFacts(
        AgentStatusReport,
        None,
        "queue",
        "none",
        ("agent_login", "agent_logout", "agent_break", "agent_resume"),
        (),
        "agent_status",
        None,
        SHOWN_BY_QUEUE,
        "queue",
    ),
    ReportFacts(
        AgentWrapUpReport,
        None,
        "queue",
        "none",
        ("agent_break", "agent_resume"),
        (),
        "agent_wrap_up",
        None,
        SHOWN_BY_QUEUE,
        "queue",
    ),
    # -- the PBX as a whole ------------------------------------------------------------
    ReportFacts(
        SystemUpReport,
        None,
        "hub",
        "none",
        ("system_up",),
        ("system_up",),
        "system_up",
        "mdi:restart",
        SHOWN_BY_PBX,
        "event",
    ),
    ReportFacts(
        CallinRequestReport,
        "callin_request",
        "hub",
        "none",
        ("callin_request",),
        (),
        "callin_request",
        "mdi:phone-incoming",
        SHOWN_BY_PBX,
        "call",
    ),
    ReportFacts(
        CdrReport,
        "cdr",
        "hub",
        "none",
        ("cdr",),
        (),
        "cdr",
        "mdi:file-document-outline",
        SHOWN_BY_PBX,
        "call",
    ),
    ReportFacts(
        ConferenceCreateReport,
        None,
        "hub",
        "none",
        ("conference_create",),
        (),
        "conference_create",
        "mdi:account-group",
        SHOWN_BY_PBX,
        "event",
    ),
    ReportFacts(
        ConferenceDestroyReport,
        None,
        "hub",
        "none",
        ("conference_destroy",),
        (),
        "conference_destroy",
        "mdi:account-group",
        SHOWN_BY_PBX,
        "event",
    ),
    # -- a report the manual does not list: it reaches automations, nothing else -------
    ReportFacts(UnknownReport, None, "hub", "none", (), (), None, None, None, "event"),
)

_BY_KIND = {row.kind: row for row in REPORT_FACTS}
UNKNOWN_FACTS = _BY_KIND[UnknownReport]


def facts_of(report: Report) -> ReportFacts:
    """The row of a report's kind (a subclass the table lacks takes its parent's)."""
    if (row := _BY_KIND.get(type(report))) is not None:
        return row
    return next(
        (_BY_KIND[kind] for kind in type(report).__mro__ if kind in _BY_KIND),
        UNKNOWN_FACTS,
    )


def event_types(scope: Scope) -> list[str]:
    """The event types of one scope's event entity, in the table's order."""
    return list(
        dict.fromkeys(
            event for row in REPORT_FACTS if row.scope == scope for event in row.events
        )
    )


EXTENSION_EVENTS = event_types("extension")
QUEUE_EVENTS = event_types("queue")
HUB_EVENTS = event_types("hub")


# A call refused because the phone was busy: the manual's and the PBX's spellings.
_BUSY_CAUSES = ("BUSY",)


def refused_busy(cause: str | None) -> bool:
    """Whether a failed call was refused because the called phone was busy."""
    return cause is not None and any(word in cause.upper() for word in _BUSY_CAUSES)


def missed_call(*, answered: bool, to_us: bool, reached: bool) -> bool:
    """The one rule of a missed call, for a live call and a counted record alike.

    A call is missed when it came to one of our phones (inbound or internal, never
    outbound), reached the phone — it rang, or the phone refused it as busy, as
    desk phones list it — and nobody answered. A call that failed before reaching
    the phone (no such number, phone offline, no route) is not missed. A call
    record says it with its status (``record_missed``).
    """
    return to_us and reached and not answered


def record_missed(status: object, *, outbound: bool) -> bool:
    """A call record's side of the rule: ``CdrStatus.missed`` of a call to us."""
    return not outbound and bool(getattr(status, "missed", False))


def device_triggers(scope: Scope) -> list[str]:
    """The device trigger types of one scope's devices, in the table's order."""
    return list(
        dict.fromkeys(
            trigger
            for row in REPORT_FACTS
            if row.scope == scope
            for trigger in row.triggers
        )
    )


EXTENSION_TRIGGERS = device_triggers("extension")
QUEUE_TRIGGERS = device_triggers("queue")
HUB_TRIGGERS = device_triggers("hub")


def trigger_call_types(trigger: str) -> frozenset[str]:
    """The bus ``call_type`` values that feed the device trigger ``trigger``.

    An extension's bus event has the event type its Call entity shows as its
    ``call_type`` (a status report: ``status``); ``missed_call`` also needs ``missed``.
    """
    return frozenset(
        call_type
        for row in REPORT_FACTS
        if trigger in row.triggers
        for call_type in (*row.events, row.call_type)
        if call_type is not None
    )
