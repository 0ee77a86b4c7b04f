"""The one state store: what Home Assistant knows of the PBX, fed by polls and reports.

Polls and reports go through the small set of ``apply_*`` functions below, which is the
one place that decides what is newer: every report bumps a sequence number and stamps
the objects it changes; a poll remembers the sequence number from when it started and
leaves alone every object a report touched after that, so a slow poll never undoes a
fresher report. Every function returns the keys of the objects it changed, so the
coordinator wakes only the entities concerned. The records themselves are in
``records.py``.
"""

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Final, NamedTuple

from ..api import (
    AgentStatusChange,
    AgentStatusReport,
    AgentType,
    AgentWrapUpReport,
    CallReport,
    CdrReport,
    ExtensionState,
    ExtensionStatus,
    ExtensionStatusReport,
    QueueAction,
    QueueMemberState,
    QueueStatusReport,
    Report,
    SystemUpReport,
    TrunkInfo,
    TrunkSettings,
    TrunkStatus,
)
from .call_tracking import CallTracker, Leg, LegState
from .objects import (
    AgentRecord,
    ExtensionRecord,
    QueueCallerRecord,
    QueuePoll,
    QueueRecord,
    TrunkRecord,
    queue_fingerprint,
)


class ObjectKey(NamedTuple):
    """What a listener waits for: one object of the PBX, or one kind of news.

    The one key of every wake-up (the coordinator's keyed listeners): ``extension``,
    ``trunk`` and ``queue`` objects; ``settings`` and ``figures`` of an extension (or of
    the PBX, id ``""``); the ``hub``; the PBX's ``structure`` (objects added or gone).
    """

    kind: str
    id: str = ""


type Key = ObjectKey

# A call no report mentioned for this long is forgotten at the next poll: the last
# guard when the PBX keeps a lost call's extension or trunk looking busy.
MAX_CALL_QUIET = timedelta(hours=24)

HUB_KEY: Final = ObjectKey("hub")
# The calls in progress as a whole changed (the hub's Active calls): apart from HUB_KEY,
# so that a call's every step does not wake every other entity of the hub.
CALLS_KEY: Final = ObjectKey("calls")
STRUCTURE_KEY: Final = ObjectKey("structure")


def extension_key(number: str) -> Key:
    """The key of an extension."""
    return ObjectKey("extension", number)


def trunk_key(name: str) -> Key:
    """The key of a trunk."""
    return ObjectKey("trunk", name)


def queue_key(queue_id: str) -> Key:
    """The key of a queue."""
    return ObjectKey("queue", queue_id)


def settings_key(number: str) -> Key:
    """The key of an extension's settings (read apart from polls: settings_cache.py)."""
    return ObjectKey("settings", number)


def figures_key(number: str | None) -> Key:
    """The key of an extension's call figures, or the PBX's for ``None``."""
    return ObjectKey("figures", number or "")


def object_keys(store: PbxStore) -> set[Key]:
    """The keys of every extension, trunk and queue in the store."""
    return (
        {extension_key(number) for number in store.extensions}
        | {trunk_key(name) for name in store.trunks}
        | {queue_key(queue_id) for queue_id in store.queues}
    )


_LEG_STATUS = {
    LegState.RINGING: ExtensionStatus.RINGING,
    LegState.RINGBACK: ExtensionStatus.RINGBACK,
    LegState.TALKING: ExtensionStatus.TALKING,
    LegState.HELD: ExtensionStatus.HOLD,
}


class PbxStore:
    """Everything known about one PBX."""

    def __init__(self) -> None:
        """Start empty; the first poll fills it."""
        self.extensions: dict[str, ExtensionRecord] = {}
        self.trunks: dict[str, TrunkRecord] = {}
        self.queues: dict[str, QueueRecord] = {}
        self.calls = CallTracker()
        # Calls restored from storage, their phones' statuses not yet set from them.
        self._restored = False
        # Status changes that polls found and no report had announced.
        self.unreported_changes = 0
        self._sequence = 0

    def extension_name(self, number: str | None) -> str | None:
        """The PBX's name for an extension number, when it has one of its own."""
        record = self.extensions.get(number) if number else None
        if record is None or not record.name or record.name == number:
            return None
        return record.name

    def adopt_calls(self, tracker: CallTracker) -> None:
        """Take over calls restored from storage (before the first poll judges them)."""
        self.calls = tracker
        self._restored = tracker.active_calls > 0

    @property
    def carried_calls(self) -> int:
        """Calls the PBX carries: the tracked calls and the queue callers not among them.

        A caller waiting in a queue with no phone ringing for them has no call report
        behind it (only QueueStatus): the queue is the only sign of that call. Once an
        agent's phone rings, the call is tracked and its queue entry no longer adds one.
        """
        waiting = 0
        for queue in self.queues.values():
            waiting += sum(self.calls.call(callid) is None for callid in queue.callers)
            waiting += max(0, queue.caller_count - len(queue.callers))
        return self.calls.active_calls + waiting

    # -- polls ----------------------------------------------------------------------

    def begin_poll(self) -> int:
        """Mark the start of a poll; pass the mark to the apply functions."""
        return self._sequence

    def apply_extensions(
        self,
        states: Iterable[ExtensionState],
        mark: int,
        keep: Collection[str] = frozenset(),
    ) -> set[Key]:
        """Replace the extension list with a poll's, keeping fresher pushed statuses.

        Extensions in ``keep`` stay though the poll left them out (a removal that waits
        for the next poll to confirm it).
        """
        changed: set[Key] = set()
        seen: set[str] = set()
        trunk_calls = self._trunk_call_counts()
        for state in states:
            seen.add(state.extension)
            changed |= self._apply_extension(state, mark)
        for number in set(self.extensions) - seen - set(keep):
            del self.extensions[number]
            changed |= {extension_key(number), STRUCTURE_KEY}
        return changed | self._trunk_count_changes(trunk_calls)

    def update_extensions(
        self, states: Iterable[ExtensionState], mark: int
    ) -> set[Key]:
        """Apply a re-read of some extensions (after one of our call actions).

        The PBX need not report what our own actions did, so these changes do not
        count as activity that reports failed to announce.
        """
        unreported = self.unreported_changes
        changed: set[Key] = set()
        trunk_calls = self._trunk_call_counts()
        for state in states:
            if state.extension in self.extensions:
                changed |= self._apply_extension(state, mark)
        self.unreported_changes = unreported
        return changed | self._trunk_count_changes(trunk_calls)

    def _apply_extension(self, state: ExtensionState, mark: int) -> set[Key]:
        """Apply one polled extension; return the keys that changed."""
        changed: set[Key] = set()
        key = extension_key(state.extension)
        record = self.extensions.get(state.extension)
        if record is None:
            record = self.extensions[state.extension] = ExtensionRecord(
                number=state.extension,
                name=state.name or None,
                type=state.type,
                port=state.port or None,
                ip_port=state.ip_port or None,
                status=ExtensionStatus.UNKNOWN,
            )
            record.set_status(state.status)
            return {key, STRUCTURE_KEY}
        before = (
            record.name,
            record.type,
            record.port,
            record.ip_port,
            record.status,
        )
        record.name = state.name or None
        record.type = state.type
        record.port = state.port or None
        record.ip_port = state.ip_port or None
        if record.pushed <= mark:
            status = record.status
            polled = state.status
            if state.status.at_rest and (
                touched := self.calls.clear_stale(state.extension, mark)
            ):
                changed |= {CALLS_KEY, key}
                changed |= {extension_key(number) for number in touched}
            if (
                polled is ExtensionStatus.BUSY
                and (leg := self.calls.current_leg(state.extension)) is not None
                and leg.state is LegState.HELD
            ):
                # The PBX may word a held call "Busy": the tracked call says which.
                polled = ExtensionStatus.HOLD
            record.set_status(polled)
            if record.status is not status:
                self.unreported_changes += 1
        if before != (
            record.name,
            record.type,
            record.port,
            record.ip_port,
            record.status,
        ):
            changed.add(key)
        return changed

    def set_leg_state(self, leg_id: str, state: LegState) -> set[Key]:
        """Record a hold or unhold our own action made (the PBX may not report it)."""
        self._sequence += 1  # fresher than a poll already under way
        touched = self.calls.set_leg_state(leg_id, state, self._sequence)
        return self._sync_call_statuses(touched)

    def call_extensions(self, leg_id: str) -> set[str]:
        """The extensions in the call of a leg (by leg uuid or call id)."""
        if (leg := self.calls.find_leg(leg_id)) is None:
            return set()
        call = self.calls.call(leg.callid)
        legs = call.legs.values() if call is not None else ()
        return {other.extension for other in legs if other.extension}

    def apply_trunks(
        self,
        trunks: Iterable[TrunkInfo],
        settings: Mapping[str, TrunkSettings],
        keep: Collection[str] = frozenset(),
    ) -> set[Key]:
        """Replace the trunk list with a poll's (trunk reports do not exist)."""
        changed: set[Key] = set()
        seen: set[str] = set()
        for trunk in trunks:
            seen.add(trunk.name)
            port = (
                (setting.port or None)
                if (setting := settings.get(trunk.name))
                else None
            )
            new = TrunkRecord(
                name=trunk.name,
                type=trunk.type,
                status=trunk.status,
                did_number=trunk.did_number or None,
                port=port,
            )
            old = self.trunks.get(trunk.name)
            if old != new:
                self.trunks[trunk.name] = new
                changed.add(trunk_key(trunk.name))
                if old is None:
                    changed.add(STRUCTURE_KEY)
        for name in set(self.trunks) - seen - set(keep):
            del self.trunks[name]
            changed |= {trunk_key(name), STRUCTURE_KEY}
        return changed

    def apply_queues(
        self,
        queues: Iterable[QueuePoll],
        mark: int,
        now: datetime,
        keep: Collection[str] = frozenset(),
    ) -> set[Key]:
        """Replace the queue list with a poll's, keeping fresher pushed queue state."""
        changed: set[Key] = set()
        seen: set[str] = set()
        carried_before = self.carried_calls
        for poll in queues:
            queue_id = poll.info.queue_id
            seen.add(queue_id)
            record = self.queues.get(queue_id)
            if record is None:
                record = self.queues[queue_id] = QueueRecord(queue_id, poll.info.name)
                changed |= {queue_key(queue_id), STRUCTURE_KEY}
            before = queue_fingerprint(record)
            record.name = poll.info.name or None
            if record.pushed <= mark:
                breaks = {ext for ext, agent in record.agents.items() if agent.on_break}
                on_break = {ext: record.agents[ext] for ext in breaks}
                record.agents = {
                    member.extension: AgentRecord(
                        extension=member.extension,
                        type=member.type,
                        state=member.state,
                        on_break=member.extension in breaks or member.on_break,
                    )
                    for member in poll.status.members
                }
                # queue_members leaves out agents on break: the break report stands
                # until the agent resumes or logs out (reported, or seen in a poll).
                for number, agent in on_break.items():
                    record.agents.setdefault(number, agent)
                joined = {callid: c.joined for callid, c in record.callers.items()}
                record.callers = {}
                for index, caller in enumerate(poll.status.callers):
                    callid = caller.call_id or caller.caller_id or f"#{index}"
                    record.callers[callid] = QueueCallerRecord(
                        callid=callid,
                        caller=caller.caller_id or None,
                        joined=joined.get(callid)
                        or now - timedelta(seconds=caller.wait_time or 0),
                    )
                record.caller_count = max(poll.status.caller_count, len(record.callers))
            if before != queue_fingerprint(record):
                changed.add(queue_key(queue_id))
        for queue_id in set(self.queues) - seen - set(keep):
            del self.queues[queue_id]
            changed |= {queue_key(queue_id), STRUCTURE_KEY}
        if self.carried_calls != carried_before:
            changed.add(CALLS_KEY)
        return changed

    def reconcile_calls(
        self, mark: int, now: datetime, involving: Collection[str] | None = None
    ) -> set[Key]:
        """After a poll, end the calls whose end was never reported.

        A call no report touched since the poll began is over when the poll shows none
        of its extensions busy and none of its trunks in use, unless its caller waits
        in a queue; a call no report touched for `MAX_CALL_QUIET` is over regardless.
        With ``involving``, only calls of those (just re-read) extensions are judged.
        """
        calls_before = self.calls.active_calls
        trunk_calls = self._trunk_call_counts()
        touched = self.calls.reconcile(
            mark,
            busy_extensions={
                number
                for number, record in self.extensions.items()
                if record.status.on_a_call
            },
            trunks_in_use={
                name
                for name, trunk in self.trunks.items()
                if trunk.status is TrunkStatus.IN_USE
            },
            keep={callid for queue in self.queues.values() for callid in queue.callers},
            quiet_before=now - MAX_CALL_QUIET,
            involving=involving,
        )
        if self._restored:
            # The first poll after a restore: the phones still in calls show them.
            self._restored = False
            touched |= {
                leg.extension
                for call in self.calls.calls()
                for leg in call.legs.values()
                if leg.extension
            }
        changed = self._sync_call_statuses(touched)
        if touched or self.calls.active_calls != calls_before:
            changed.add(CALLS_KEY)
        return changed | self._trunk_count_changes(trunk_calls)

    # -- reports --------------------------------------------------------------------

    def apply_report(self, report: Report, now: datetime) -> set[Key]:
        """Apply a pushed report; return the keys of what changed."""
        self._sequence += 1
        match report:
            case ExtensionStatusReport():
                return self._extension_status(report)
            case QueueStatusReport():
                carried_before = self.carried_calls
                changed = self._queue_status(report, now)
                if self.carried_calls != carried_before:
                    changed.add(CALLS_KEY)
                return changed
            case AgentStatusReport() | AgentWrapUpReport():
                return self._agent(report)
            case SystemUpReport():
                in_calls = self._trunks_in_calls()
                touched = self.calls.clear()
                # A restart drops the callers waiting in queues too.
                for queue in self.queues.values():
                    queue.callers.clear()
                    queue.caller_count = 0
                in_calls |= {queue_key(queue_id) for queue_id in self.queues}
                return self._sync_call_statuses(touched) | in_calls | {CALLS_KEY}
            case CallReport() | CdrReport():
                calls_before = self.calls.active_calls
                trunks = self.calls.call_trunks(report.callid)
                touched = self.calls.apply(report, self._sequence, now)
                changed = self._sync_call_statuses(touched)
                if self.calls.active_calls != calls_before or touched:
                    changed.add(CALLS_KEY)
                trunks |= self.calls.call_trunks(report.callid)
                return changed | self._trunk_keys(trunks)
        return set()

    def _trunk_keys(self, names: Iterable[str]) -> set[Key]:
        """The keys of the known trunks among names (their call counts changed)."""
        return {trunk_key(name) for name in names if name in self.trunks}

    def _trunks_in_calls(self) -> set[Key]:
        """The keys of every known trunk a call in progress uses."""
        return self._trunk_keys(self._trunk_call_counts())

    def _trunk_call_counts(self) -> dict[str, int]:
        """Calls in progress per trunk (trunks without calls left out)."""
        counts: dict[str, int] = {}
        for call in self.calls.calls():
            for name in self.calls.call_trunks(call.callid):
                counts[name] = counts.get(name, 0) + 1
        return counts

    def _trunk_count_changes(self, before: Mapping[str, int]) -> set[Key]:
        """The keys of the trunks whose call counts differ from ``before``."""
        after = self._trunk_call_counts()
        return self._trunk_keys(
            name
            for name in before.keys() | after.keys()
            if before.get(name) != after.get(name)
        )

    def _extension_status(self, report: ExtensionStatusReport) -> set[Key]:
        record = self.extensions.get(report.extension)
        if record is None or report.status is ExtensionStatus.UNKNOWN:
            return set()
        record.pushed = self._sequence
        status = record.status
        record.set_status(report.status)
        if record.status is status:
            return set()
        return {extension_key(record.number)}

    def _sync_call_statuses(self, extensions: Iterable[str]) -> set[Key]:
        """Derive the status of extensions whose calls changed from their legs."""
        changed: set[Key] = set()
        for number in extensions:
            if (record := self.extensions.get(number)) is None:
                continue
            record.pushed = self._sequence
            leg: Leg | None = self.calls.current_leg(number)
            if leg is not None:
                status = _LEG_STATUS[leg.state]
            elif record.status.on_a_call:
                status = record.resting
            else:
                status = record.status
            # Every touched extension changed its call data (other party, legs).
            changed.add(extension_key(number))
            record.status = status
        return changed

    def _queue_status(self, report: QueueStatusReport, now: datetime) -> set[Key]:
        record = self.queues.get(report.queue_id)
        if record is None:
            return set()
        record.pushed = self._sequence
        if report.action is QueueAction.ADD and report.callid:
            record.callers[report.callid] = QueueCallerRecord(
                callid=report.callid, caller=report.caller or None, joined=now
            )
        elif report.action is QueueAction.REMOVE and report.callid:
            record.callers.pop(report.callid, None)
        record.caller_count = (
            report.caller_count
            if report.caller_count is not None
            else len(record.callers)
        )
        if not record.caller_count:
            record.callers.clear()
        return {queue_key(report.queue_id)}

    def _agent(self, report: AgentStatusReport | AgentWrapUpReport) -> set[Key]:
        record = self.queues.get(report.queue_id)
        if record is None:
            return set()
        record.pushed = self._sequence
        agent = record.agents.get(report.extension)
        if isinstance(report, AgentWrapUpReport):
            on_break: bool | None = report.on_break
        elif report.status is AgentStatusChange.LOGOUT:
            record.agents.pop(report.extension, None)
            return {queue_key(report.queue_id)}
        elif report.status is AgentStatusChange.LOGIN:
            on_break = False
        elif report.status is AgentStatusChange.ON_BREAK:
            on_break = True
        elif report.status is AgentStatusChange.RESUME:
            on_break = False
        else:
            return set()
        if agent is None:
            agent = record.agents[report.extension] = AgentRecord(
                extension=report.extension,
                type=AgentType.DYNAMIC,
                state=QueueMemberState.WAITING,
            )
        agent.on_break = bool(on_break)
        return {queue_key(report.queue_id)}
