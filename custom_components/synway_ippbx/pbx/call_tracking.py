"""Call tracking: which extension is in which call, on which leg, and with whom.

Pure logic fed with the client's parsed call reports. The PBX gives every call a
``callid`` and every party of it (an extension or a trunk) a leg ``uuid``; actions such
as hangup or hold need the leg uuid of an extension, and the "other party" sensor needs
the number at the far end. An extension may be in two calls at once (call waiting,
a consultation call): its legs are kept per call, most recently active first.
"""

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Final, Self

from ..api import (
    AnsweredReport,
    AnswerReport,
    CallFailedReport,
    CallParty,
    CallReport,
    CdrReport,
    HangupReport,
    HoldReport,
    Report,
    RingbackReport,
    RingReport,
    SystemUpReport,
    TransferReport,
    UnholdReport,
)

# The last guard against calls whose end was never reported: beyond this many tracked
# calls, the one quiet for longest is forgotten (a PBX of 3,000 extensions has at most
# about 1,500 calls between them, plus trunk calls).
MAX_TRACKED_CALLS: Final = 5000
# Ended calls remembered, so that a late HANGUP of a call we saw is told from one whose
# start we never saw (that one's "missed" is unknown).
MAX_REMEMBERED_ENDED: Final = 1000


class LegState(StrEnum):
    """What a leg of a call is doing."""

    RINGING = "ringing"
    RINGBACK = "ringback"
    TALKING = "talking"
    HELD = "held"


_CONNECTED = frozenset({LegState.TALKING, LegState.HELD})


@dataclass(slots=True)
class Leg:
    """One party's side of a call."""

    uuid: str
    callid: str
    extension: str | None
    trunk: str | None
    number: str | None
    role: str
    state: LegState
    activity: int = 0
    # True when the report gave no uuid and the tracker made one up to tell legs apart.
    synthetic: bool = False

    @property
    def pbx_id(self) -> str:
        """The id to hand the PBX for this leg: its uuid, else the call's id."""
        return self.callid if self.synthetic else self.uuid


@dataclass(slots=True)
class Call:
    """A call and its legs, keyed by leg uuid."""

    callid: str
    legs: dict[str, Leg] = field(default_factory=dict)
    # When a report last touched the call (None when the caller gave no clock).
    updated: datetime | None = None
    # Whether a phone of ours is, or was, in the call: once none is left, a trunk leg
    # alone is only the far end whose hangup went missing.
    had_extension: bool = False


class CallTracker:
    """Live calls built from reports; every query is O(legs of one extension)."""

    def __init__(self, max_calls: int = MAX_TRACKED_CALLS) -> None:
        """Start with no calls; keep at most ``max_calls``."""
        # Ordered from the call quiet for longest to the one touched last.
        self._calls: dict[str, Call] = {}
        self._by_extension: dict[str, dict[str, Leg]] = {}
        self._sequence = 0
        self._max_calls = max_calls
        self._now: datetime | None = None
        self._evicted: set[str] = set()
        self._ended: dict[str, None] = {}

    @property
    def active_calls(self) -> int:
        """Number of calls in progress."""
        return len(self._calls)

    def trunk_calls(self, trunk: str) -> int:
        """Number of calls in progress with a leg on the trunk."""
        return sum(
            any(leg.trunk == trunk for leg in call.legs.values())
            for call in self._calls.values()
        )

    def call_trunks(self, callid: str) -> set[str]:
        """The trunks the legs of a call use (none for an unknown call)."""
        if (call := self._calls.get(callid)) is None:
            return set()
        return {leg.trunk for leg in call.legs.values() if leg.trunk}

    def calls(self) -> Iterator[Call]:
        """Iterate over the calls in progress."""
        return iter(self._calls.values())

    def call(self, callid: str) -> Call | None:
        """Return a call by its id."""
        return self._calls.get(callid)

    def knows(self, callid: str) -> bool:
        """Whether we saw the call: in progress, or ended lately."""
        return callid in self._calls or callid in self._ended

    def legs(self, extension: str) -> list[Leg]:
        """The extension's legs, most recently active first."""
        legs = self._by_extension.get(extension)
        if not legs:
            return []
        return sorted(legs.values(), key=lambda leg: leg.activity, reverse=True)

    def current_leg(self, extension: str) -> Leg | None:
        """The extension's most recently active leg, the one actions act on."""
        legs = self._by_extension.get(extension)
        if not legs:
            return None
        return max(legs.values(), key=lambda leg: leg.activity)

    def other_party(self, extension: str) -> Leg | None:
        """The far end of the extension's current call (a connected party preferred)."""
        if (leg := self.current_leg(extension)) is None:
            return None
        others = [
            other
            for other in self._calls[leg.callid].legs.values()
            if other.uuid != leg.uuid and other.extension != extension
        ]
        if not others:
            return None
        return max(
            others, key=lambda other: (other.state in _CONNECTED, other.activity)
        )

    def find_leg(self, call_or_leg_id: str) -> Leg | None:
        """Find a leg by its uuid, or the first extension leg of a call by callid."""
        for call in self._calls.values():
            if found := call.legs.get(call_or_leg_id):
                return found
        if (by_callid := self._calls.get(call_or_leg_id)) is not None:
            return next(iter(by_callid.legs.values()), None)
        return None

    def apply(
        self, report: Report, stamp: int, now: datetime | None = None
    ) -> set[str]:
        """Apply a report stamped with the store's sequence number (and the time).

        Returns the extensions whose calls changed. Legs remember the stamp of the last
        report that touched them, so a poll can tell stale legs from fresh ones.
        """
        if isinstance(report, SystemUpReport):
            return self.clear()
        if isinstance(report, CdrReport):
            return self._end_call(report.callid)
        if not isinstance(report, CallReport) or not report.callid:
            return set()
        self._sequence = stamp
        self._now = now
        touched = self._apply_call_report(report)
        if (call := self._calls.get(report.callid)) is not None:
            call.updated = now
        if self._evicted:
            touched |= self._evicted
            self._evicted = set()
        return touched

    def _apply_call_report(self, report: CallReport) -> set[str]:
        match report:
            case RingReport() | RingbackReport():
                return self._ring(report)
            case AnswerReport() | AnsweredReport():
                return self._answer(report)
            case HoldReport():
                return self._set_state(report, LegState.HELD)
            case UnholdReport():
                return self._set_state(report, LegState.TALKING)
            case HangupReport() | CallFailedReport():
                return self._release(report)
            case TransferReport():
                return self._transfer(report)
        return set()

    def reconcile(
        self,
        since: int,
        *,
        busy_extensions: Collection[str],
        trunks_in_use: Collection[str],
        keep: Collection[str] = (),
        quiet_before: datetime | None = None,
        involving: Collection[str] | None = None,
    ) -> set[str]:
        """End the legs and calls a poll shows are over; return the extensions touched.

        Judged per leg, as on a busy PBX some phone of a call and some trunk are nearly
        always busy: of a call no report touched after stamp ``since``, a leg is over
        when the poll shows its phone at rest, or when its phone went on into a newer
        call (a phone talks in one call at a time; a held leg waits while someone is
        on the other end). A call left with
        no extension leg is over if it had one (the trunk leg lost its other side) or,
        a call of trunks only (IVR, queue), once none of its trunks is in use. Calls in
        ``keep`` (callers waiting in a queue) stay; a call no report touched since
        ``quiet_before`` is over regardless. With ``involving``, only calls with one of
        those extensions are judged.
        """
        touched: set[str] = set()
        for call in list(self._calls.values()):
            legs = list(call.legs.values())
            if call.callid in keep or any(leg.activity > since for leg in legs):
                continue
            if involving is not None and not any(
                leg.extension in involving for leg in legs
            ):
                continue
            if (
                quiet_before is not None
                and call.updated is not None
                and call.updated < quiet_before
            ):
                touched |= self._end_call(call.callid)
                continue
            for leg in legs:
                if leg.extension is not None and leg.extension not in busy_extensions:
                    touched |= self._leave(call, leg)
            for leg in list(call.legs.values()):
                if self._superseded(call, leg):
                    touched |= self._leave(call, leg)
            if call.callid in self._calls and not self._call_has_evidence(
                call, trunks_in_use
            ):
                touched |= self._end_call(call.callid)
        return touched

    def _superseded(self, call: Call, leg: Leg) -> bool:
        """Whether the leg's phone went on into a newer call (so this one is over).

        A held leg may wait while its phone talks in another call, as long as someone
        is still on the other end of it.
        """
        if leg.extension is None or (leg.state is LegState.HELD and len(call.legs) > 1):
            return False
        return any(
            other.callid != leg.callid and other.activity > leg.activity
            for other in self._by_extension.get(leg.extension, {}).values()
        )

    def _leave(self, call: Call, leg: Leg) -> set[str]:
        """Remove a leg that is over; return the extensions of the call."""
        touched = {other.extension for other in call.legs.values() if other.extension}
        self._remove_leg(leg)
        return touched

    @staticmethod
    def _call_has_evidence(call: Call, trunks_in_use: Collection[str]) -> bool:
        """Whether what is left of a call may still be going on."""
        if any(leg.extension is not None for leg in call.legs.values()):
            return True
        if call.had_extension:
            return False
        return any(
            leg.trunk is not None and leg.trunk in trunks_in_use
            for leg in call.legs.values()
        )

    def set_leg_state(self, leg_id: str, state: LegState, stamp: int) -> set[str]:
        """Set a leg's state after our own action; return the extension touched."""
        if (leg := self.find_leg(leg_id)) is None or leg.state not in _CONNECTED:
            return set()
        leg.state = state
        leg.activity = stamp
        return {leg.extension} if leg.extension else set()

    def clear(self) -> set[str]:
        """Forget every call (the PBX rebooted)."""
        touched = set(self._by_extension)
        self._calls.clear()
        self._by_extension.clear()
        return touched

    def clear_stale(self, extension: str, since: int) -> set[str]:
        """Drop the extension's legs not touched after stamp ``since`` (a poll says idle).

        Returns the extensions whose calls changed: this one and the others in its
        calls (their other party may change).
        """
        legs = self._by_extension.get(extension)
        if not legs:
            return set()
        stale = [leg for leg in legs.values() if leg.activity <= since]
        touched: set[str] = set()
        for leg in stale:
            if call := self._calls.get(leg.callid):
                touched |= {
                    other.extension for other in call.legs.values() if other.extension
                }
            self._remove_leg(leg)
        return touched

    # -- report handlers ------------------------------------------------------------

    def _ring(self, report: CallReport) -> set[str]:
        touched: set[str] = set()
        for party in report.parties:
            if party.role == "called":
                state = LegState.RINGING
            else:
                state = LegState.RINGBACK
            leg = self._upsert(report.callid, party, state, keep_connected=True)
            if leg.extension:
                touched.add(leg.extension)
        return touched

    def _answer(self, report: CallReport) -> set[str]:
        touched: set[str] = set()
        answered: set[str] = set()
        for party in report.parties:
            leg = self._upsert(report.callid, party, LegState.TALKING)
            answered.add(leg.uuid)
            if leg.extension:
                touched.add(leg.extension)
        # Other phones that rang for the same call (queue agents, ring groups) stop ringing.
        if (call := self._calls.get(report.callid)) is None:
            return touched  # a report naming no party
        for leg in list(call.legs.values()):
            if leg.uuid not in answered and leg.state is LegState.RINGING:
                self._remove_leg(leg)
                if leg.extension:
                    touched.add(leg.extension)
        return touched

    def _set_state(self, report: CallReport, state: LegState) -> set[str]:
        touched: set[str] = set()
        for party in report.parties:
            leg = self._upsert(report.callid, party, state)
            if leg.extension:
                touched.add(leg.extension)
        return touched

    def _release(self, report: CallReport) -> set[str]:
        touched: set[str] = set()
        if (call := self._calls.get(report.callid)) is None:
            return touched
        for party in report.parties:
            if leg := self._match(call, party):
                self._remove_leg(leg)
                if leg.extension:
                    touched.add(leg.extension)
        # A call with nobody connected any more is over, whatever was left ringing.
        if report.callid in self._calls and not any(
            leg.state in _CONNECTED for leg in call.legs.values()
        ):
            touched |= self._end_call(report.callid)
        return touched

    def _transfer(self, report: TransferReport) -> set[str]:
        touched: set[str] = set()
        if (call := self._calls.get(report.callid)) is None:
            return touched
        for leg in list(call.legs.values()):
            if leg.extension is not None and leg.extension == report.transfer_from:
                self._remove_leg(leg)
                touched.add(leg.extension)
        # Transferred to an outside number, the call may go on between trunks alone.
        call.had_extension = any(leg.extension for leg in call.legs.values())
        for party in report.parties:
            if (kept := self._match(call, party)) is not None:
                kept.activity = self._sequence
        return touched

    def _end_call(self, callid: str) -> set[str]:
        if (call := self._calls.get(callid)) is None:
            return set()
        touched = {leg.extension for leg in call.legs.values() if leg.extension}
        for leg in list(call.legs.values()):
            self._remove_leg(leg)
        self._calls.pop(callid, None)
        self._remember_ended(callid)
        return touched

    def _remember_ended(self, callid: str) -> None:
        self._ended[callid] = None
        if len(self._ended) > MAX_REMEMBERED_ENDED:
            del self._ended[next(iter(self._ended))]

    # -- bookkeeping ----------------------------------------------------------------

    def _match(self, call: Call, party: CallParty) -> Leg | None:
        """Find the leg a party stands for: an extension by number, a trunk by uuid."""
        if party.kind == "extension" and party.extension:
            for leg in call.legs.values():
                if leg.extension == party.extension:
                    return leg
            return None
        if party.uuid and (by_uuid := call.legs.get(party.uuid)):
            return by_uuid
        number = party.number
        for leg in call.legs.values():
            if (
                leg.extension is None
                and leg.role == party.role
                and leg.number == number
            ):
                return leg
        return None

    def _upsert(
        self,
        callid: str,
        party: CallParty,
        state: LegState,
        *,
        keep_connected: bool = False,
    ) -> Leg:
        call = self._touch_call(callid)
        if (leg := self._match(call, party)) is None:
            uuid = party.uuid or f"{callid}:{party.role}:{party.number}"
            if uuid in call.legs:  # a second party reusing a uuid: keep both apart
                uuid = f"{uuid}:{party.extension or party.trunk or party.role}"
            leg = Leg(
                uuid=uuid,
                callid=callid,
                extension=party.extension if party.kind == "extension" else None,
                trunk=party.trunk,
                number=party.number,
                role=party.role,
                state=state,
                synthetic=not party.uuid,
            )
            call.legs[uuid] = leg
            if leg.extension:
                call.had_extension = True
                self._by_extension.setdefault(leg.extension, {})[uuid] = leg
        elif not (keep_connected and leg.state in _CONNECTED):
            leg.state = state
        leg.activity = self._sequence
        return leg

    def _touch_call(self, callid: str) -> Call:
        """The call, moved to the recently active end; a new one may evict the quietest."""
        call = self._calls.pop(callid, None)
        if call is None:
            call = Call(callid, updated=self._now)
            while len(self._calls) >= self._max_calls:
                quietest = next(iter(self._calls))
                self._evicted |= self._end_call(quietest)
        self._calls[callid] = call
        return call

    def _remove_leg(self, leg: Leg) -> None:
        if call := self._calls.get(leg.callid):
            call.legs.pop(leg.uuid, None)
            if not call.legs:
                self._calls.pop(leg.callid, None)
                self._remember_ended(leg.callid)
        if leg.extension and (legs := self._by_extension.get(leg.extension)):
            legs.pop(leg.uuid, None)
            if not legs:
                del self._by_extension[leg.extension]

    def snapshot(self) -> list[dict[str, object]]:
        """A JSON-friendly picture of the calls, for diagnostics."""
        return [
            {
                "callid": call.callid,
                "legs": [
                    {
                        "uuid": leg.uuid,
                        "extension": leg.extension,
                        "trunk": leg.trunk,
                        "number": leg.number,
                        "role": leg.role,
                        "state": leg.state.value,
                    }
                    for leg in call.legs.values()
                ],
            }
            for call in self._calls.values()
        ]

    # -- kept across restarts (call_memory.py stores it) -----------------------------

    def to_dict(self, limit: int | None = None) -> dict[str, Any]:
        """The calls in progress as JSON-friendly data (the ``limit`` most recent)."""
        calls = list(self._calls.values())
        if limit is not None:
            calls = calls[-limit:] if limit > 0 else []
        return {
            "calls": [
                {
                    "callid": call.callid,
                    "updated": call.updated.isoformat() if call.updated else None,
                    "had_extension": call.had_extension,
                    "legs": [
                        {
                            "uuid": leg.uuid,
                            "extension": leg.extension,
                            "trunk": leg.trunk,
                            "number": leg.number,
                            "role": leg.role,
                            "state": leg.state.value,
                            "activity": leg.activity,
                            "synthetic": leg.synthetic,
                        }
                        for leg in call.legs.values()
                    ],
                }
                for call in calls
            ]
        }

    @classmethod
    def from_dict(
        cls,
        data: Any,
        *,
        now: datetime,
        max_age: timedelta | None = None,
        max_calls: int = MAX_TRACKED_CALLS,
    ) -> Self:
        """Calls stored by :meth:`to_dict`; old or malformed ones are left out.

        Restored legs get activity stamps at or below zero (in their stored order), so
        the first poll, whose mark is zero, judges every one of them.
        """
        tracker = cls(max_calls)
        stored = data.get("calls") if isinstance(data, dict) else None
        if not isinstance(stored, list):
            return tracker
        calls = [call for item in stored if (call := _read_call(item)) is not None]
        if max_age is not None:
            calls = [
                call
                for call in calls
                if call.updated is None or now - call.updated <= max_age
            ]
        top = max(
            (leg.activity for call in calls for leg in call.legs.values()), default=0
        )
        for call in calls[-max_calls:]:
            tracker._calls[call.callid] = call
            for leg in call.legs.values():
                leg.activity -= top
                if leg.extension:
                    tracker._by_extension.setdefault(leg.extension, {})[leg.uuid] = leg
        return tracker


def _read_call(item: Any) -> Call | None:
    """One stored call, or None when it is not what to_dict writes."""
    try:
        callid = item["callid"]
        updated = item["updated"]
        call = Call(
            callid,
            updated=datetime.fromisoformat(updated) if updated else None,
            had_extension=bool(item["had_extension"]),
        )
        for raw in item["legs"]:
            leg = Leg(
                uuid=raw["uuid"],
                callid=callid,
                extension=raw["extension"],
                trunk=raw["trunk"],
                number=raw["number"],
                role=raw["role"],
                state=LegState(raw["state"]),
                activity=int(raw["activity"]),
                synthetic=bool(raw["synthetic"]),
            )
            if not all(
                isinstance(value, str) for value in (leg.uuid, callid, leg.role)
            ) or not all(
                value is None or isinstance(value, str)
                for value in (leg.extension, leg.trunk, leg.number)
            ):
                return None
            call.legs[leg.uuid] = leg
    except KeyError, TypeError, ValueError:
        return None
    return call if call.legs else None
