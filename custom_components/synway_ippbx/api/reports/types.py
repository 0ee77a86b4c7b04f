"""The typed event reports the PBX pushes (Chapters 3.9, 4 and 5): one class per report type.

`reports.parse_report` builds them; every field has a default, so a report missing fields
still makes an object.
"""

from dataclasses import dataclass, field
import datetime as dt
from typing import Any, Literal

from ..base import ApiModel
from ..enums import (
    AgentStatusChange,
    CallDirection,
    CdrStatus,
    ExtensionStatus,
    QueueAction,
    RecordType,
)

type PartyRole = Literal["caller", "called"]
type PartyKind = Literal["extension", "trunk"]


@dataclass(frozen=True, kw_only=True, slots=True)
class CallParty(ApiModel):
    """One side of a call as a report describes it (callerext/calledext/callertrunk/calledtrunk)."""

    role: PartyRole
    kind: PartyKind
    extension: str | None = None
    caller_id: str | None = None
    uuid: str | None = None
    from_number: str | None = None
    to_number: str | None = None
    original_destination: str | None = None
    last_destination: str | None = None
    trunk: str | None = None

    @property
    def number(self) -> str | None:
        """The party's own number: the extension, or the external number of a trunk leg.

        A trunk leg missing ``from``/``to`` falls back on what else names that side.
        """
        if self.kind == "extension":
            return self.extension
        if self.role == "caller":
            return self.from_number or self.caller_id
        return self.to_number or self.last_destination or self.original_destination


@dataclass(frozen=True, kw_only=True, slots=True)
class Report(ApiModel):
    """Any report: its canonical event name, the fields as received, and its call parties."""

    event: str
    data: dict[str, Any] = field(default_factory=dict, compare=False)
    parties: tuple[CallParty, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class UnknownReport(Report):
    """A report type the manual does not list (``event`` is the name as received)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class SystemUpReport(Report):
    """The PBX has (re)started: tokens are gone, a new login is needed."""


@dataclass(frozen=True, kw_only=True, slots=True)
class ExtensionStatusReport(Report):
    """An extension changed state."""

    extension: str = ""
    status: ExtensionStatus = ExtensionStatus.UNKNOWN
    user_id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class CallReport(Report):
    """A report about one call, identified by ``callid`` (``""`` if missing), with its parties."""

    callid: str = ""
    user_id: str | None = None

    @property
    def caller(self) -> CallParty | None:
        """The first calling party, if any."""
        return next((party for party in self.parties if party.role == "caller"), None)

    @property
    def called(self) -> CallParty | None:
        """The first called party, if any."""
        return next((party for party in self.parties if party.role == "called"), None)

    @property
    def extension_parties(self) -> tuple[CallParty, ...]:
        """The parties that are extensions of this PBX."""
        return tuple(party for party in self.parties if party.kind == "extension")


@dataclass(frozen=True, kw_only=True, slots=True)
class RingReport(CallReport):
    """An extension rings."""


@dataclass(frozen=True, kw_only=True, slots=True)
class RingbackReport(CallReport):
    """The calling party hears ring-back."""


@dataclass(frozen=True, kw_only=True, slots=True)
class AnswerReport(CallReport):
    """An extension answered a call."""


@dataclass(frozen=True, kw_only=True, slots=True)
class AnsweredReport(CallReport):
    """The calling party's call was answered."""


@dataclass(frozen=True, kw_only=True, slots=True)
class HoldReport(CallReport):
    """A call was put on hold."""


@dataclass(frozen=True, kw_only=True, slots=True)
class UnholdReport(CallReport):
    """A held call was resumed."""


@dataclass(frozen=True, kw_only=True, slots=True)
class HangupReport(CallReport):
    """A call was released; ``originator`` says which side hung up."""

    originator: PartyRole | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class TransferReport(CallReport):
    """A call was transferred inside the PBX."""

    transfer_from: str | None = None
    transfer_to: str | None = None
    transfer_time: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class CallFailedReport(CallReport):
    """A call failed to connect."""

    originator: PartyRole | None = None
    cause: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class CallinRequestReport(CallReport):
    """An inbound call waits (about 10 s) for inbound_accept or inbound_refuse.

    ``uuid`` is the id to pass to those calls (the inbound leg's uuid, else the callid).
    """

    from_number: str | None = None
    to_number: str | None = None
    trunk: str | None = None
    uuid: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class DtmfReport(CallReport):
    """A key was pressed during a call."""

    digit: str | None = None
    index: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class PlayEndReport(CallReport):
    """A played prompt ended."""

    filename: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordStartReport(CallReport):
    """A recording started."""

    record_type: RecordType = RecordType.UNKNOWN
    conference_name: str | None = None
    conference_number: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordEndReport(CallReport):
    """A recording ended; ``download_path`` fetches the file."""

    record_type: RecordType = RecordType.UNKNOWN
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    seconds: int | None = None
    download_path: str | None = None
    conference_name: str | None = None
    conference_number: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class AgentStatusReport(Report):
    """A dynamic agent logged in or out, paused or resumed."""

    queue_id: str = ""
    extension: str = ""
    status: AgentStatusChange = AgentStatusChange.UNKNOWN


@dataclass(frozen=True, kw_only=True, slots=True)
class AgentWrapUpReport(Report):
    """An agent went on (``on_break`` true) or off break."""

    queue_id: str = ""
    extension: str = ""
    on_break: bool | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class QueueStatusReport(Report):
    """A caller joined or left a queue."""

    queue_id: str = ""
    caller_count: int | None = None
    action: QueueAction = QueueAction.UNKNOWN
    caller: str | None = None
    callid: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class QueueOverflowReport(Report):
    """A queue overflowed to another destination."""

    queue_id: str = ""
    destination: str | None = None
    callid: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class CdrReport(Report):
    """A call detail record, pushed when a call is released."""

    callid: str = ""
    caller: str | None = None
    callee: str | None = None
    caller_id: str | None = None
    original_destination: str | None = None
    last_destination: str | None = None
    did_number: str | None = None
    source_trunk: str | None = None
    destination_trunk: str | None = None
    # A word the client does not know is kept as received.
    status: CdrStatus | str = CdrStatus.UNKNOWN
    status_text: str | None = None
    reason: str | None = None
    call_type: CallDirection = CallDirection.UNKNOWN
    call_time: dt.datetime | None = None
    answer_time: dt.datetime | None = None
    hangup_time: dt.datetime | None = None
    talk_time: int | None = None
    wait_time_in_queue: int | None = None
    agent_ring_time: int | None = None
    agent_talk_time: int | None = None
    user_id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ConferenceCreateReport(Report):
    """A conference started."""

    uuid: str | None = None
    name: str | None = None
    number: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ConferenceDestroyReport(Report):
    """A conference ended."""

    uuid: str | None = None
    name: str | None = None
    number: str | None = None
