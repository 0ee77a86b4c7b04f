"""Calls: prompts to play into them, and their detail records (cdrs, cdr_query)."""

from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field
import datetime as dt
from typing import Any, ClassVar, Self

from .base import RequestModel, WireModel, check_text, optional_enum, sent, wire
from .enums import CallDirection, CdrStatus
from .exceptions import SynwayArgumentError
from .parsing import mappings, to_count, to_datetime, to_float, to_int


@dataclass(frozen=True, kw_only=True, slots=True)
class TtsPrompt(RequestModel):
    """A text-to-speech prompt for play_sound_file: engine type, server URL, parameters."""

    type: str = sent("tts_type", default=MISSING)
    url: str = sent("tts_url", default=MISSING)
    # A JSON object the PBX hands to the engine as it is (always sent, empty or not).
    params: Mapping[str, Any] = sent("tts_param", spell=dict, default_factory=dict)

    def __post_init__(self) -> None:
        """Require the engine type and server URL the PBX needs."""
        check_text("tts type", self.type)
        check_text("tts url", self.url)

    def to_api(self) -> dict[str, Any]:
        """Return the play_sound_file fields of this prompt."""
        return {"type": "tts", **self.request_fields()}


def _format_stamp(value: dt.datetime | None) -> str | None:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value is not None else None


_QUERY_STATUSES = frozenset({CdrStatus.ANSWERED, CdrStatus.CANCELLED, CdrStatus.FAILED})


@dataclass(frozen=True, kw_only=True, slots=True)
class CdrQuery(RequestModel):
    """Filters of the cdrs request; times are the PBX's local (naive) time."""

    extension: str | None = sent("extid")
    caller: str | None = sent("caller_id_number")
    callee: str | None = sent("destination_number")
    outbound_caller_id: str | None = sent("outbound_callerid_number")
    started_after: dt.datetime | None = sent("start_stamp_begin", spell=_format_stamp)
    started_before: dt.datetime | None = sent("start_stamp_end", spell=_format_stamp)
    ended_after: dt.datetime | None = sent("end_stamp_begin", spell=_format_stamp)
    ended_before: dt.datetime | None = sent("end_stamp_end", spell=_format_stamp)
    direction: CallDirection | None = sent("direction")
    status: CdrStatus | None = sent("call_status")

    def __post_init__(self) -> None:
        """Reject filters the PBX does not know, before anything is sent."""
        for name in ("extension", "caller", "callee", "outbound_caller_id"):
            check_text(name, getattr(self, name))
        if self.direction is CallDirection.UNKNOWN:
            raise SynwayArgumentError("direction must be a known call direction")
        if self.status is not None and self.status not in _QUERY_STATUSES:
            raise SynwayArgumentError(
                f"Call records can be filtered by answered, cancelled or failed, not {self.status!r}"
            )

    def to_api(self) -> dict[str, str]:
        """Return the cdrs request fields for these filters."""
        return self.request_fields()


@dataclass(frozen=True, kw_only=True, slots=True)
class CallRecord(WireModel):
    """A call detail record (cdrs)."""

    record_id: str = wire("uuid")
    start: dt.datetime | None = wire("start_stamp", parse=to_datetime, default=None)
    answer: dt.datetime | None = wire("answer_stamp", parse=to_datetime, default=None)
    hangup_cause: str | None = wire("hangup_cause", default=None)
    duration: int | None = wire("duration", parse=to_count, default=None)
    talk_time: int | None = wire("billsec", parse=to_count, default=None)
    direction: CallDirection | None = wire(
        "direction", parse=optional_enum(CallDirection), default=None
    )
    caller: str | None = wire("caller_id_number", default=None)
    original_destination: str | None = wire("caller_destination", default=None)
    destination: str | None = wire("destination_number", default=None)
    outbound_caller_id: str | None = wire("outbound_callerid_number", default=None)
    status: CdrStatus | None = wire(
        "call_status", parse=optional_enum(CdrStatus), default=None
    )
    did_number: str | None = wire("did_number", default=None)
    last_destination: str | None = wire("last_destination", default=None)
    queue_wait_time: int | None = wire(
        "cc_queue_wait_time_in_queue", parse=to_count, default=None
    )
    agent_ring_time: int | None = wire(
        "cc_agent_ring_time", parse=to_count, default=None
    )
    agent_talk_time: int | None = wire(
        "cc_agent_talk_time", parse=to_count, default=None
    )
    mos: float | None = wire("rtp_audio_in_mos", parse=to_float, default=None)
    record_name: str | None = wire("record_name", default=None)
    trunk_record_name: str | None = wire("trunk_record_name", default=None)
    one_touch_record_name: str | None = wire("one_touch_record_name", default=None)
    trunk: str | None = wire("gateway_name", default=None)
    cost: str | None = wire("cost", default=None)


@dataclass(frozen=True, kw_only=True, slots=True)
class CallRecordDetail(CallRecord):
    """A detailed call record (cdr_query), with epochs, queue and conference data."""

    end: dt.datetime | None = wire("end_stamp", parse=to_datetime, default=None)
    start_epoch: int | None = wire("start_epoch", parse=to_int, default=None)
    answer_epoch: int | None = wire("answer_epoch", parse=to_int, default=None)
    end_epoch: int | None = wire("end_epoch", parse=to_int, default=None)
    record_path: str | None = wire("record_path", default=None)
    queue: str | None = wire("cc_queue", default=None)
    queue_joined_epoch: int | None = wire(
        "cc_queue_joined_epoch", parse=to_int, default=None
    )
    queue_answered_epoch: int | None = wire(
        "cc_queue_answered_epoch", parse=to_int, default=None
    )
    queue_terminated_epoch: int | None = wire(
        "cc_queue_terminated_epoch", parse=to_int, default=None
    )
    queue_cancel_reason: str | None = wire("cc_cancel_reason", default=None)
    conference_name: str | None = wire("conference_name", default=None)


@dataclass(frozen=True, kw_only=True, slots=True)
class CdrPage(WireModel):
    """One page of cdrs."""

    also_read: ClassVar[frozenset[str]] = frozenset({"data"})

    total: int | None = wire("total", parse=to_int, default=None)
    max_page: int | None = wire("max_page", parse=to_int, default=None)
    page: int | None = wire("page", parse=to_int, default=None)
    limit: int | None = wire("limit", parse=to_int, default=None)
    count: int | None = wire("count", parse=to_int, default=None)
    records: list[CallRecord] = field(default_factory=list)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        """Build from the cdrs response; the records are parsed, not kept in ``raw``."""
        return cls(
            **cls.wire_fields(data),
            records=[CallRecord.from_api(item) for item in mappings(data.get("data"))],
            raw=cls.undeclared(data),
        )
