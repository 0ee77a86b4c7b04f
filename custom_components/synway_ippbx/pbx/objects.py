"""The objects of the store: extensions, trunks and queues as last seen.

Plain records with no knowledge of polls or reports; ``store.py`` decides how those
change them.
"""

from dataclasses import dataclass, field
from datetime import datetime

from ..api import (
    AgentType,
    ExtensionStatus,
    ExtensionType,
    QueueInfo,
    QueueMemberState,
    QueueStatus,
    TrunkStatus,
    TrunkType,
)


@dataclass(slots=True)
class ExtensionRecord:
    """An extension as last seen."""

    number: str
    name: str | None
    type: ExtensionType
    port: str | None
    ip_port: str | None
    status: ExtensionStatus
    pushed: int = -1
    # Where the phone rests between calls (idle, or unregistered when offline): a
    # finished call returns to it.
    resting: ExtensionStatus = ExtensionStatus.IDLE

    def set_status(self, status: ExtensionStatus) -> None:
        """Set the call state, remembering it as the resting one when no call is in it.

        The PBX words a reachable phone with no call ``Idle`` (FXS ports) or
        ``Registered`` (SIP phones); both are ``idle`` here, so the state changes only
        when the phone does. ``Hangup`` returns the phone to where it rests.
        """
        if status is ExtensionStatus.REGISTERED:
            status = ExtensionStatus.IDLE
        elif status is ExtensionStatus.HANGUP:
            status = self.resting
        self.status = status
        if status.resting_place:
            self.resting = status


@dataclass(slots=True)
class TrunkRecord:
    """A trunk as last seen; FXO trunks carry their port."""

    name: str
    type: TrunkType
    status: TrunkStatus
    did_number: str | None
    port: str | None = None


@dataclass(slots=True)
class QueueCallerRecord:
    """A caller waiting in a queue."""

    callid: str
    caller: str | None
    joined: datetime


@dataclass(slots=True)
class AgentRecord:
    """An agent of a queue."""

    extension: str
    type: AgentType
    state: QueueMemberState
    on_break: bool = False

    @property
    def available(self) -> bool:
        """Whether the agent can take the next queue call."""
        return self.state is QueueMemberState.WAITING and not self.on_break


@dataclass(slots=True)
class QueueRecord:
    """A queue, its waiting callers and its agents."""

    queue_id: str
    name: str | None
    caller_count: int = 0
    callers: dict[str, QueueCallerRecord] = field(default_factory=dict)
    agents: dict[str, AgentRecord] = field(default_factory=dict)
    pushed: int = -1

    def longest_wait(self, now: datetime) -> int:
        """Seconds the longest-waiting caller has waited (0 with nobody waiting)."""
        if not self.callers or not self.caller_count:
            return 0
        oldest = min(caller.joined for caller in self.callers.values())
        return max(0, int((now - oldest).total_seconds()))

    @property
    def agents_available(self) -> int:
        """How many agents could take a call now."""
        return sum(agent.available for agent in self.agents.values())


@dataclass(slots=True)
class QueuePoll:
    """One queue as returned by queue_list plus queue_members."""

    info: QueueInfo
    status: QueueStatus


def queue_fingerprint(record: QueueRecord) -> tuple[object, ...]:
    """What of a queue the entities show, to tell whether a poll changed it."""
    return (
        record.name,
        record.caller_count,
        tuple(sorted(record.callers)),
        tuple(
            sorted(
                (a.extension, a.type, a.state, a.on_break)
                for a in record.agents.values()
            )
        ),
    )
