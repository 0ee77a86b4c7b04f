"""Queues (queue_list) and their callers and agents (queue_members)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
import datetime as dt
from typing import Any, Self

from .base import ApiModel, WireModel, raw_field, wire
from .enums import AgentType, QueueMemberState
from .parsing import mappings, to_count, to_datetime, to_plain, to_str


@dataclass(frozen=True, kw_only=True, slots=True)
class QueueInfo(WireModel):
    """A queue (queue_list)."""

    queue_id: str = wire("queueid")
    name: str | None = wire("queuename", default=None)


@dataclass(frozen=True, kw_only=True, slots=True)
class QueueCaller(WireModel):
    """A caller waiting in a queue."""

    caller_id: str | None = wire("callerid", default=None)
    call_id: str | None = wire("callid", default=None)
    position: int | None = wire("position", parse=to_count, default=None)
    joined: dt.datetime | None = wire("inqueue_time", parse=to_datetime, default=None)
    wait_time: int | None = wire("wait_time", parse=to_count, default=None)


def _on_break(value: object) -> bool | None:
    return None if value is None else str(value).lower() == "on break"


@dataclass(frozen=True, kw_only=True, slots=True)
class QueueMember(WireModel):
    """An agent of a queue."""

    extension: str = wire("extid")
    type: AgentType = wire("type", parse=AgentType, default=AgentType.UNKNOWN)
    state: QueueMemberState = wire(
        "state", parse=QueueMemberState, default=QueueMemberState.UNKNOWN
    )
    # Some firmware lists an agent on break with the state "on break" (no enum word).
    on_break: bool = wire("state", parse=_on_break, default=False)


@dataclass(frozen=True, kw_only=True, slots=True)
class QueueStatus(ApiModel):
    """Callers and agents of a queue (queue_members)."""

    queue_id: str
    caller_count: int = 0
    callers: list[QueueCaller] = field(default_factory=list)
    members: list[QueueMember] = field(default_factory=list)
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_api(cls, data: Mapping[str, Any], queue_id: str = "") -> Self:
        """Build from the queue_members response."""
        callers = [QueueCaller.from_api(item) for item in mappings(data.get("callers"))]
        count = to_count(data.get("callercount"))
        return cls(
            queue_id=to_str(data.get("queueid")) or queue_id,
            caller_count=count if count is not None else len(callers),
            callers=callers,
            members=[
                QueueMember.from_api(item) for item in mappings(data.get("members"))
            ],
            raw=to_plain(data),
        )
