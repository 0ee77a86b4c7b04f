"""Call statistics of the day and the last missed call, from call detail records.

CDR reports feed the figures as calls end. Reports sent while Home Assistant was down
are lost, so at setup and after the PBX comes back the records since the stored
high-water mark are fetched (cdrs with a time filter, paged) and counted once each:
the record ids of the day are remembered, so a report and a fetched record of the same
call count once. Figures reset at local midnight; the last finished calls (who, when,
answered or missed, how long) are kept across restarts and days, RECENT_CALLS of them:
a call shows there when its hangup (or call-failed) report comes, and its record, once
reported or fetched, takes that row's place (only the record knows the talk time).
"""

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_change
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .api import (
    CallDirection,
    CallRecord,
    CdrQuery,
    CdrReport,
    CdrStatus,
    SynwayClient,
    SynwayError,
)
from .const import DOMAIN, LOGGER
from .pbx.report_facts import record_missed
from .pbx.store import Key, figures_key

STORAGE_VERSION: Final = 1
# The cdrs request follows pages up to this many records per backfill.
BACKFILL_LIMIT: Final = 1000
# A record's end time may lag its start: look back this far before the high-water mark.
BACKFILL_OVERLAP: Final = timedelta(hours=2)
_STAMP: Final = "%Y-%m-%d %H:%M:%S"
# How many finished calls the Recent calls sensor keeps (its attribute stays small).
RECENT_CALLS: Final = 20
# Where a row whose time cannot be read sorts: last.
_NEVER: Final = datetime.min.replace(tzinfo=dt_util.UTC)


@dataclass(frozen=True, slots=True)
class FinishedCall:
    """What the figures need of one call, from a CDR report or a fetched record."""

    record_id: str
    caller: str | None
    callee: str | None
    answered: bool
    outbound: bool
    start: datetime | None
    talk_time: int
    # The record's outcome: whether it counts as missed is the status's to say.
    status: CdrStatus | str | None = CdrStatus.UNKNOWN

    @classmethod
    def from_report(cls, report: CdrReport) -> FinishedCall:
        """Read a CDR report."""
        return cls(
            record_id=report.callid,
            caller=report.caller,
            callee=report.last_destination or report.callee,
            answered=report.status is CdrStatus.ANSWERED,
            outbound=report.call_type is CallDirection.OUTBOUND,
            start=report.call_time,
            talk_time=max(report.talk_time or 0, 0),
            status=report.status,
        )

    @classmethod
    def from_record(cls, record: CallRecord) -> FinishedCall:
        """Read a record fetched with cdrs."""
        return cls(
            record_id=record.record_id,
            caller=record.caller,
            callee=record.last_destination or record.destination,
            answered=record.status is CdrStatus.ANSWERED,
            outbound=record.direction is CallDirection.OUTBOUND,
            start=record.start,
            talk_time=max(record.talk_time or 0, 0),
            status=record.status,
        )

    @property
    def missed(self) -> bool:
        """A call to us that rang (or met a busy phone) and nobody answered.

        The one rule (``report_facts.missed_call``), as a record states it: a failed
        record (it never reached a phone) and an outbound call are not missed.
        """
        return record_missed(self.status, outbound=self.outbound)


@dataclass(slots=True)
class DayFigures:
    """One extension's (or the whole PBX's) figures of the day."""

    calls: int = 0
    missed: int = 0
    talk_time: int = 0


@dataclass(slots=True)
class MissedCall:
    """The last call nobody answered."""

    number: str | None
    name: str | None
    time: str  # ISO, aware

    @property
    def when(self) -> datetime | None:
        """The time as a datetime."""
        return dt_util.parse_datetime(self.time)


@dataclass(frozen=True, slots=True)
class RecentCall:
    """One finished call as the dashboard lists it."""

    time: str  # ISO, aware
    caller: str | None
    caller_name: str | None
    callee: str | None
    callee_name: str | None
    answered: bool
    missed: bool
    outbound: bool
    duration: int | None  # seconds of talk (None until the call's record came)
    call_id: str | None = None  # the PBX's callid, whose record replaces the row

    def to_json(self) -> dict[str, Any]:
        """As stored, and as the sensor's attribute shows it.

        Field by field rather than ``asdict`` (which deep-copies): the Recent calls
        sensor lists twenty of these at every call that ends.
        """
        return {
            "time": self.time,
            "caller": self.caller,
            "caller_name": self.caller_name,
            "callee": self.callee,
            "callee_name": self.callee_name,
            "answered": self.answered,
            "missed": self.missed,
            "outbound": self.outbound,
            "duration": self.duration,
            "call_id": self.call_id,
        }


@dataclass(slots=True)
class StatisticsData:
    """What is stored between restarts."""

    day: str = ""
    hub: DayFigures = field(default_factory=DayFigures)
    extensions: dict[str, DayFigures] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)
    high_water: str | None = None
    last_missed: MissedCall | None = None
    last_missed_by_extension: dict[str, MissedCall] = field(default_factory=dict)
    recent: list[RecentCall] = field(default_factory=list)  # newest first

    def to_json(self) -> dict[str, Any]:
        """Serialise for the store."""
        return {
            "day": self.day,
            "hub": asdict(self.hub),
            "extensions": {n: asdict(f) for n, f in self.extensions.items()},
            "seen": sorted(self.seen),
            "high_water": self.high_water,
            "last_missed": asdict(self.last_missed) if self.last_missed else None,
            "last_missed_by_extension": {
                n: asdict(m) for n, m in self.last_missed_by_extension.items()
            },
            "recent": [call.to_json() for call in self.recent],
        }

    @classmethod
    def from_json(cls, data: Any) -> StatisticsData:
        """Read what was stored; anything unreadable starts afresh."""
        if not isinstance(data, dict):
            return cls()
        try:
            last = data.get("last_missed")
            return cls(
                day=str(data.get("day", "")),
                hub=DayFigures(**data.get("hub", {})),
                extensions={
                    str(n): DayFigures(**f)
                    for n, f in data.get("extensions", {}).items()
                },
                seen=set(data.get("seen", [])),
                high_water=data.get("high_water"),
                last_missed=MissedCall(**last) if last else None,
                last_missed_by_extension={
                    str(n): MissedCall(**m)
                    for n, m in data.get("last_missed_by_extension", {}).items()
                },
                recent=[RecentCall(**c) for c in data.get("recent", [])][:RECENT_CALLS],
            )
        except TypeError, AttributeError, ValueError:
            LOGGER.debug("Stored call statistics unreadable; starting afresh")
            return cls()


class CallStatistics:
    """Counts the day's calls per extension and for the PBX, and the last missed call."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: SynwayClient,
        extension_name: Callable[[str | None], str | None],
        is_extension: Callable[[str], bool],
        notify: Callable[[set[Key]], None],
    ) -> None:
        """Bind to an entry; ``async_load`` before use; ``notify`` wakes the figures."""
        self._hass = hass
        self._entry = entry
        self._client = client
        self._extension_name = extension_name
        self._is_extension = is_extension
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.{entry.entry_id}.statistics"
        )
        self.data = StatisticsData()
        self._notify = notify

    async def async_load(self) -> None:
        """Read the stored figures (a new day starts at zero)."""
        self.data = StatisticsData.from_json(await self._store.async_load())
        self._roll_over()

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        """Reset at local midnight; returns the stop callback."""

        @callback
        def _midnight(_now: datetime) -> None:
            before: set[str | None] = {None, *self.data.extensions}
            if self._roll_over():
                self._changed(before)

        return async_track_time_change(
            self._hass, _midnight, hour=0, minute=0, second=0
        )

    def figures(self, extension: str | None) -> DayFigures:
        """The figures of an extension, or of the PBX for ``None``."""
        if extension is None:
            return self.data.hub
        return self.data.extensions.get(extension) or DayFigures()

    def last_missed(self, extension: str | None) -> MissedCall | None:
        """The last missed call of an extension, or of the PBX for ``None``."""
        if extension is None:
            return self.data.last_missed
        return self.data.last_missed_by_extension.get(extension)

    def recent_calls(self) -> list[RecentCall]:
        """The last finished calls of the PBX, newest first."""
        return self.data.recent

    # -- feeding ----------------------------------------------------------------------

    @callback
    def async_handle_ended(self, call_id: str, fields: Mapping[str, Any]) -> None:
        """List a call that just ended (hangup, call failed) until its record comes.

        ``fields`` are the report's bus event fields: who, and whether the call was
        answered or missed as the calls in progress knew it. A call whose start was not
        seen (outcome unknown), or that is listed or counted already, is left alone.
        """
        answered = fields.get("answered")
        if (
            not call_id
            or not isinstance(answered, bool)
            or call_id in self.data.seen
            or any(call.call_id == call_id for call in self.data.recent)
        ):
            return
        caller, callee = fields.get("caller_number"), fields.get("callee_number")
        self._list(
            RecentCall(
                time=dt_util.now().isoformat(),
                caller=caller,
                caller_name=self._extension_name(caller),
                callee=callee,
                callee_name=self._extension_name(callee),
                answered=answered,
                missed=fields.get("missed") is True,
                outbound=fields.get("direction") == "outbound",
                duration=None,
                call_id=call_id,
            )
        )
        self._changed({None})

    @callback
    def async_handle_report(self, report: CdrReport) -> None:
        """Count a call that just ended."""
        self._roll_over()
        if changed := self._count(FinishedCall.from_report(report), dt_util.now()):
            self._changed(changed)

    @callback
    def schedule_backfill(self) -> None:
        """Backfill in the background (after a reconnect or a PBX reboot).

        Overlapping backfills are harmless: each record counts once. The entry cancels
        a running one when it unloads.
        """
        self._entry.async_create_background_task(
            self._hass, self.async_backfill(), f"{DOMAIN} call records backfill"
        )

    @callback
    def async_stop(self) -> None:
        """Write the figures now (unload), so no save timer outlives the entry."""
        self._hass.async_create_task(self._store.async_save(self.data.to_json()))

    async def async_backfill(self) -> None:
        """Fetch and count the records since the high-water mark (or since midnight)."""
        self._roll_over()
        midnight = dt_util.start_of_local_day().replace(tzinfo=None)
        since = midnight
        if self.data.high_water:
            try:
                mark = datetime.strptime(self.data.high_water, _STAMP)
            except ValueError:
                mark = midnight
            since = max(midnight, mark - BACKFILL_OVERLAP)
        try:
            records = await self._client.cdrs_all(
                CdrQuery(started_after=since), limit=BACKFILL_LIMIT
            )
        except SynwayError as err:
            LOGGER.debug("Could not fetch the call records since %s: %s", since, err)
            return
        changed: set[str | None] = set()
        # Oldest first, so the last missed call is the latest one.
        for record in sorted(records, key=lambda r: r.start or datetime.min):
            call = FinishedCall.from_record(record)
            when = (
                call.start.replace(tzinfo=dt_util.get_default_time_zone())
                if call.start
                else dt_util.now()
            )
            changed |= self._count(call, when)
        if changed:
            self._changed(changed)

    def _count(self, call: FinishedCall, when: datetime) -> set[str | None]:
        """Add one call to the figures, once; returns whose figures changed."""
        if not call.record_id or call.record_id in self.data.seen:
            return set()
        if call.start is not None:
            stamp = call.start.strftime(_STAMP)
            if self.data.high_water is None or stamp > self.data.high_water:
                self.data.high_water = stamp
        if dt_util.as_local(when).date().isoformat() != self.data.day:
            return set()  # a call of another day: only the high-water mark moves
        self.data.seen.add(call.record_id)
        involved = {
            number
            for number in (call.caller, call.callee)
            if number and self._is_extension(number)
        }
        self._remember(call, when)
        for figures in (
            self.data.hub,
            *(self.data.extensions.setdefault(n, DayFigures()) for n in involved),
        ):
            figures.calls += 1
            figures.talk_time += call.talk_time
        if call.missed:
            self.data.hub.missed += 1
            missed = MissedCall(
                number=call.caller,
                name=self._extension_name(call.caller),
                time=dt_util.as_local(when).isoformat(),
            )
            self.data.last_missed = missed
            if call.callee and call.callee in involved:
                self.data.extensions[call.callee].missed += 1
                self.data.last_missed_by_extension[call.callee] = missed
        return {None, *involved}

    def _remember(self, call: FinishedCall, when: datetime) -> None:
        """Keep the call among the last RECENT_CALLS, newest first (by start time)."""
        if call.start is not None:
            when = call.start.replace(tzinfo=dt_util.get_default_time_zone())
        recent = RecentCall(
            time=dt_util.as_local(when).isoformat(),
            caller=call.caller,
            caller_name=self._extension_name(call.caller),
            callee=call.callee,
            callee_name=self._extension_name(call.callee),
            answered=call.answered,
            missed=call.missed,
            outbound=call.outbound,
            duration=call.talk_time,
            call_id=call.record_id,
        )
        self._list(recent)

    def _list(self, recent: RecentCall) -> None:
        """Put a call among the last RECENT_CALLS, newest first, in its own row's place."""
        calls = [c for c in self.data.recent if c.call_id != recent.call_id]
        calls.append(recent)
        calls.sort(key=lambda c: dt_util.parse_datetime(c.time) or _NEVER, reverse=True)
        self.data.recent = calls[:RECENT_CALLS]

    def _roll_over(self) -> bool:
        """Start a new day's figures when the date changed; returns whether it did."""
        today = dt_util.now().date().isoformat()
        if self.data.day == today:
            return False
        self.data.day = today
        self.data.hub = DayFigures()
        self.data.extensions.clear()
        self.data.seen.clear()
        return True

    def _changed(self, keys: set[str | None]) -> None:
        self._store.async_delay_save(self.data.to_json, 1)
        self._notify({figures_key(key) for key in keys})
