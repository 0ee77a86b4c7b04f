"""The coordinator: polls the PBX, applies pushed reports, and wakes only what changed."""

import asyncio
from collections.abc import Awaitable, Callable, Collection, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .announce import async_announce
from .api import (
    REPORT_EVENTS,
    CallReport,
    CdrReport,
    ExtensionStatusReport,
    QueueStatus,
    Report,
    SynwayApiDisabledError,
    SynwayAuthenticationError,
    SynwayClient,
    SynwayClientLimitError,
    SynwayError,
    SynwayResponseError,
    SystemUpReport,
    TrunkSettings,
    TrunkType,
)
from .call_memory import CallMemory
from .const import DOMAIN, HEARTBEAT_INTERVAL, LOGGER, POLL_INTERVAL, REPORT_SILENCE
from .devices import DeviceInfoCache
from .features import Features
from .pbx.call_tracking import LegState
from .pbx.happening import build_happening
from .pbx.objects import QueuePoll
from .pbx.shrink import ShrinkGuard
from .pbx.store import HUB_KEY, Key, PbxStore
from .setup_errors import CONNECTION_KEYS, error_key

ISSUE_API_DISABLED = "api_disabled"
ISSUE_CLIENT_LIMIT = "too_many_clients"
ISSUE_REPORTS_MISSING = "reports_not_arriving"

_QUEUE_CONCURRENCY = 4
# by_event counts the manual's report types; every other word lands in one bucket, so a
# flood of made-up event names cannot grow the statistics.
OTHER_EVENTS = "other"
# A Systemup makes us log in again; a real PBX reboots rarely, so more than one re-login a
# minute is noise (or a forgery) and waits for the next poll.
SYSTEMUP_RELOGIN_EVERY = timedelta(minutes=1)
# After our own call-control action (or a phone reported at rest that still has calls
# here), wait this long, collecting more, before re-reading the extensions involved: the
# PBX may not report what the action did.
ACTION_RECHECK_DELAY = 1.0
_ACTION_STATES = {"hold": LegState.HELD, "unhold": LegState.TALKING}
_CALL_CONTROL = frozenset({"hangup", "hold", "unhold", "transfer"})


@dataclass(kw_only=True)
class SynwayRuntimeData:
    """What a loaded entry holds."""

    client: SynwayClient
    coordinator: SynwayCoordinator
    report_url: str | None
    # Screening, settings switches, agents and call figures (features.py), after setup.
    features: Features | None = None
    # Device info per object and what it was built from (devices.object_device_info).
    device_infos: DeviceInfoCache = field(default_factory=dict)


type SynwayConfigEntry = ConfigEntry[SynwayRuntimeData]


@dataclass(slots=True)
class ReportStatistics:
    """How reports have been arriving, for the event-stream sensor and diagnostics."""

    received: int = 0
    rejected: int = 0
    duplicates: int = 0
    refused: int = 0
    last_received: datetime | None = None
    by_event: dict[str, int] = field(default_factory=dict)


class SynwayCoordinator(DataUpdateCoordinator[PbxStore]):
    """Owns the state store; polls it fresh and keeps it live from reports."""

    config_entry: SynwayConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: SynwayConfigEntry,
        client: SynwayClient,
    ) -> None:
        """Set up polling every 30 s (the integration's choice, not an option)."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=DOMAIN,
            update_interval=POLL_INTERVAL,
            # The store is one mutable object, updated in place by reports and polls; a
            # poll that finds nothing new must not wake every entity of a large PBX.
            # What changed is announced per object through async_notify instead.
            always_update=False,
        )
        self.client = client
        self.data = PbxStore()
        self.memory = CallMemory(hass, entry.entry_id)
        self.reports = ReportStatistics()
        self.token_alive = False
        self._pending: set[Key] = set()
        self._keyed: dict[Hashable, set[CALLBACK_TYPE]] = {}
        self._unreported_since: datetime | None = None
        self._has_polled = False
        # Availability: polls failed in a row, when the last poll began, and when the
        # PBX was last heard from otherwise (a report, an answered heartbeat).
        self._failed_polls = 0
        self._poll_began: datetime | None = None
        self._last_heard: datetime | None = None
        # Repair issues currently raised by this entry.
        self._issues: set[str] = set()
        self._stop_heartbeat: CALLBACK_TYPE | None = None
        self._fxo_settings: dict[str, TrunkSettings] = {}
        self._shrink = ShrinkGuard()
        self._resync_task: asyncio.Task[None] | None = None
        self._last_resync: datetime | None = None
        self._recheck: set[str] = set()
        self._recheck_debouncer = Debouncer(
            hass,
            LOGGER,
            cooldown=ACTION_RECHECK_DELAY,
            immediate=False,
            function=self._async_recheck,
            background=True,
        )

    # -- keyed listeners: a report wakes only the entities it concerns ------------------

    @callback
    @override
    def async_add_listener(
        self, update_callback: CALLBACK_TYPE, context: Any = None
    ) -> Callable[[], None]:
        """Listen for updates of one object (the context is its store key).

        Home Assistant's coordinator calls every listener on every update; with
        thousands of entities a single report would wake them all. The base class still
        holds the listener: it schedules the polls and wakes everyone when the PBX
        becomes unreachable or reachable again, which concerns every entity. The keyed
        index lets async_notify wake only the entities of the objects a report changed.
        """
        remove = super().async_add_listener(update_callback, context)
        listeners = self._keyed.setdefault(context, set())
        listeners.add(update_callback)

        @callback
        def _remove() -> None:
            remove()
            listeners.discard(update_callback)

        return _remove

    @callback
    def async_notify(self, keys: set[Key]) -> None:
        """Call the listeners of the given keys, and nobody else."""
        for key in keys:
            for update_callback in list(self._keyed.get(key, ())):
                update_callback()

    @callback
    @override
    def _async_refresh_finished(self) -> None:
        """After a poll, wake the listeners of what it changed."""
        pending, self._pending = self._pending, set()
        if self.last_update_success:
            self.async_notify(pending)

    # -- polling ------------------------------------------------------------------------

    @override
    async def _async_setup(self) -> None:
        """Restore the calls in progress, then log in once before the first poll."""
        self.data.adopt_calls(await self.memory.async_restore())
        await self._async_call(self.client.login())
        self.token_alive = True

    @override
    async def _async_refresh(
        self,
        log_failures: bool = True,
        raise_on_auth_failed: bool = False,
        scheduled: bool = False,
        raise_on_entry_error: bool = False,
    ) -> None:
        """Refresh; an outage is logged once, as a warning (the base logs an error)."""
        was_available = self.last_update_success
        await super()._async_refresh(
            log_failures=False,
            raise_on_auth_failed=raise_on_auth_failed,
            scheduled=scheduled,
            raise_on_entry_error=raise_on_entry_error,
        )
        if log_failures and was_available and not self.last_update_success:
            if isinstance(self.last_exception, ConfigEntryAuthFailed):
                LOGGER.error(
                    "Authentication failed while fetching %s data: %s",
                    self.name,
                    self.last_exception,
                )
            else:
                LOGGER.warning(
                    "Error fetching %s data: %s", self.name, self.last_exception
                )

    @override
    async def _async_update_data(self) -> PbxStore:
        """Poll; one failure while reports still arrive keeps the entities available.

        A single failed poll (a 503, a timeout) says little while the PBX keeps
        reporting: the store stays as reports keep it. Two failures in a row, or one
        with nothing heard from the PBX since the previous poll, make the entities
        unavailable.
        """
        began, self._poll_began = self._poll_began, dt_util.utcnow()
        token_alive = self.token_alive
        try:
            store = await self._async_poll()
        except UpdateFailed as err:
            self._failed_polls += 1
            heard = self._last_heard
            if (
                self._failed_polls > 1
                or not self.last_update_success
                or heard is None
                or began is None
                or heard < began
            ):
                raise
            self.token_alive = token_alive  # a failed poll says nothing of the token
            LOGGER.debug(
                "Entities stay available after one failed poll while reports still "
                "arrive: %s",
                err,
            )
            return self.data
        self._failed_polls = 0
        return store

    async def _async_poll(self) -> PbxStore:
        """Poll extensions, trunks and queues concurrently and merge them."""
        store = self.data
        mark = store.begin_poll()
        extensions, trunks, queues = await self._async_call(
            asyncio.gather(
                self.client.ext_status_all(),
                self.client.trunk_list(),
                self.client.queue_list(),
            )
        )
        # FXO ports only change with the PBX's configuration: ask for new trunks only.
        fxo = {trunk.name for trunk in trunks if trunk.type is TrunkType.FXO}
        if unknown := sorted(fxo - set(self._fxo_settings)):
            for setting in await self._async_call(self.client.trunk_query(unknown)):
                self._fxo_settings[setting.name] = setting
        settings = {
            name: self._fxo_settings[name] for name in fxo & set(self._fxo_settings)
        }
        limit = asyncio.Semaphore(_QUEUE_CONCURRENCY)

        async def _members(queue_id: str) -> QueueStatus:
            async with limit:
                return await self.client.queue_members(queue_id)

        statuses = await self._async_call(
            asyncio.gather(*(_members(queue.queue_id) for queue in queues))
        )
        self.token_alive = True
        now = dt_util.utcnow()
        unreported = store.unreported_changes
        keep = self._removals_to_confirm(
            {
                "extension": (store.extensions, {s.extension for s in extensions}),
                "trunk": (store.trunks, {trunk.name for trunk in trunks}),
                "queue": (store.queues, {queue.queue_id for queue in queues}),
            }
        )
        self._pending |= store.apply_extensions(extensions, mark, keep["extension"])
        if store.unreported_changes > unreported and self._has_polled:
            self._note_unreported_activity(now)
        self._has_polled = True
        self._pending |= store.apply_trunks(trunks, settings, keep["trunk"])
        self._pending |= store.apply_queues(
            (
                QueuePoll(info, status)
                for info, status in zip(queues, statuses, strict=True)
            ),
            mark,
            now,
            keep["queue"],
        )
        if reconciled := store.reconcile_calls(mark, now):
            self._pending |= reconciled
            self.memory.async_schedule_save(store.calls)
        self._clear_issue(ISSUE_API_DISABLED)
        self._clear_issue(ISSUE_CLIENT_LIMIT)
        return store

    def _removals_to_confirm(
        self, lists: Mapping[str, tuple[Collection[str], Collection[str]]]
    ) -> dict[str, set[str]]:
        """Per kind, the objects a poll left out that stay until the next poll confirms.

        Logs what is held back and what goes, with counts: a removal takes devices,
        entities and the user's settings on them.
        """
        keep: dict[str, set[str]] = {}
        for kind, (before, after) in lists.items():
            keep[kind] = held = self._shrink.keep(kind, before, after)
            if held:
                LOGGER.info(
                    "The PBX lists %d of %d %ss; keeping the %d missing until the "
                    "next poll confirms they are gone",
                    len(after),
                    len(before),
                    kind,
                    len(held),
                )
            elif removed := len(set(before) - set(after)):
                LOGGER.info(
                    "%d %s(s) no longer on the PBX; removing their devices",
                    removed,
                    kind,
                )
        return keep

    async def _async_call[T](self, awaitable: Awaitable[T]) -> T:
        """Await a client call, mapping its errors onto Home Assistant's."""
        try:
            return await awaitable
        except SynwayError as err:
            self.token_alive = False
            raise self._home_assistant_error(err) from err

    def _home_assistant_error(self, err: SynwayError) -> Exception:
        """The error Home Assistant should see; raises a repair issue where one helps."""
        if isinstance(err, SynwayAuthenticationError):
            return ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="invalid_auth"
            )
        if isinstance(err, (SynwayApiDisabledError, SynwayClientLimitError)):
            # The issue keys are the exception keys: both explain the same condition.
            issue = (
                ISSUE_API_DISABLED
                if isinstance(err, SynwayApiDisabledError)
                else ISSUE_CLIENT_LIMIT
            )
            self._raise_issue(issue)
            return UpdateFailed(translation_domain=DOMAIN, translation_key=issue)
        if (key := error_key(err)) in CONNECTION_KEYS:
            # Why the PBX cannot be reached, in the setup form's words; the detail
            # (the library's own wording) goes to the debug log.
            LOGGER.debug("Cannot reach %s: %s", self.client.address.unique_id, err)
            return UpdateFailed(
                translation_domain=DOMAIN,
                translation_key=key,
                translation_placeholders={
                    "host": self.client.address.host,
                    "port": str(self.client.address.port),
                },
            )
        return UpdateFailed(
            translation_domain=DOMAIN,
            # An answer without its data is not "unreachable": say which it is.
            translation_key="unexpected_response"
            if isinstance(err, SynwayResponseError)
            else "cannot_connect",
            translation_placeholders={"error": str(err)},
        )

    # -- reports ------------------------------------------------------------------------

    @callback
    def async_handle_report(self, report: Report, body_size: int | None = None) -> None:
        """Take a pushed report through, in this order (the one place that states it).

        ``body_size``: the length of the body it was parsed from (see async_announce).

        1. its happening is built: it must see the call as it was before the report;
        2. the features see it (screening decides on an incoming call, figures count);
        3. the store applies it, and what it changed is woken;
        4. the happening is announced: bus events, Activity row, event entities.
        """
        now = dt_util.utcnow()
        stats = self.reports
        stats.received += 1
        stats.last_received = self._last_heard = now
        bucket = report.event if report.event in REPORT_EVENTS else OTHER_EVENTS
        stats.by_event[bucket] = stats.by_event.get(bucket, 0) + 1
        was_alive = self.event_stream_alive
        self._unreported_since = None
        self._clear_issue(ISSUE_REPORTS_MISSING)
        happening = build_happening(report, self.data)
        features = self.config_entry.runtime_data.features
        screened = (
            features.async_handle_report(report, happening.fields) if features else None
        )
        changed = self.data.apply_report(report, now)
        if changed and isinstance(report, (CallReport, CdrReport, SystemUpReport)):
            self.memory.async_schedule_save(self.data.calls)
        self._recheck_resting_with_calls(report)
        if self.event_stream_alive != was_alive:
            changed.add(HUB_KEY)
        self.async_notify(changed)
        async_announce(
            self.hass, self.config_entry.entry_id, happening, screened, body_size
        )
        if isinstance(report, SystemUpReport):
            self._schedule_resync()

    # -- our own call-control actions ------------------------------------------------

    @callback
    def async_call_action_done(
        self, action: str, leg_id: str, destination: str | None = None
    ) -> None:
        """A call-control action succeeded: apply what we know, then look.

        The PBX may stay silent about transfers, holds and unholds started through the
        API (the manual does not say they are reported), so a hold or unhold is applied at once and the
        extensions in the call (and an extension destination) are re-read shortly.
        """
        if action not in _CALL_CONTROL:
            return
        store = self.data
        extensions = store.call_extensions(leg_id)
        if destination is not None and destination in store.extensions:
            extensions.add(destination)
        if (state := _ACTION_STATES.get(action)) is not None:
            self.async_notify(store.set_leg_state(leg_id, state))
        if extensions:
            self._recheck |= extensions
            self._recheck_debouncer.async_schedule_call()

    @callback
    def _recheck_resting_with_calls(self, report: Report) -> None:
        """A phone reported at rest still has calls here: re-read it shortly.

        Its call may have ended without a report (a transfer by another API client, a
        lost hangup); the re-read ends the legs the PBX no longer has.
        """
        if (
            isinstance(report, ExtensionStatusReport)
            and report.status.at_rest
            and self.data.calls.legs(report.extension)
        ):
            self._recheck.add(report.extension)
            self._recheck_debouncer.async_schedule_call()

    async def _async_recheck(self) -> None:
        """Re-read the extensions collected for a re-read and reconcile their calls."""
        extensions, self._recheck = self._recheck, set()
        store = self.data
        mark = store.begin_poll()
        try:
            pages = await asyncio.gather(
                *(self.client.ext_status(number) for number in sorted(extensions))
            )
        except SynwayError as err:
            LOGGER.debug("Re-reading extensions after a call action failed: %s", err)
            return
        states = [
            state
            for page in pages
            for state in page.extensions
            if state.extension in extensions
        ]
        changed = store.update_extensions(states, mark)
        if reconciled := store.reconcile_calls(
            mark, dt_util.utcnow(), involving=extensions
        ):
            changed |= reconciled
            self.memory.async_schedule_save(store.calls)
        self.async_notify(changed)

    @override
    async def async_shutdown(self) -> None:
        """Stop polling, drop a pending re-read and write the calls (the entry unloads)."""
        await super().async_shutdown()
        self._recheck_debouncer.async_shutdown()
        await self.memory.async_save()

    @property
    def event_stream_alive(self) -> bool:
        """Whether reports can reach us: token alive and no sign that they go missing."""
        return (
            self.last_update_success
            and self.token_alive
            and ISSUE_REPORTS_MISSING not in self._issues
        )

    def _note_unreported_activity(self, now: datetime) -> None:
        """A poll saw extension activity no report announced: are reports lost?"""
        if self._unreported_since is None:
            self._unreported_since = now
            return
        last = self.reports.last_received
        if now - self._unreported_since >= REPORT_SILENCE and (
            last is None or now - last >= REPORT_SILENCE
        ):
            self._raise_issue(
                ISSUE_REPORTS_MISSING,
                {"report_url": self.config_entry.runtime_data.report_url or "-"},
            )
            self._pending.add(HUB_KEY)

    @callback
    def _schedule_resync(self) -> None:
        """The PBX rebooted: log in again (re-registering our address) and poll."""
        if self._resync_task and not self._resync_task.done():
            return
        now = dt_util.utcnow()
        if self._last_resync and now - self._last_resync < SYSTEMUP_RELOGIN_EVERY:
            LOGGER.debug("Another Systemup within a minute; not logging in again yet")
            return
        self._last_resync = now
        self._resync_task = self.config_entry.async_create_background_task(
            self.hass, self._async_resync(), f"{DOMAIN} resync after reboot"
        )

    async def _async_resync(self) -> None:
        try:
            await self.client.login()
        except SynwayError as err:
            LOGGER.debug("Login after the PBX rebooted failed: %s", err)
            self.token_alive = False
        else:
            self.token_alive = True
        await self.async_refresh()

    # -- heartbeat ------------------------------------------------------------------------

    @callback
    def async_start_heartbeat(self) -> None:
        """Keep the token alive and our report address registered."""
        self._stop_heartbeat = async_track_time_interval(
            self.hass,
            self._async_heartbeat,
            HEARTBEAT_INTERVAL,
            name=f"{DOMAIN} heartbeat",
            cancel_on_shutdown=True,
        )

    @callback
    def async_stop_heartbeat(self) -> None:
        """Stop the heartbeat (unload)."""
        if self._stop_heartbeat:
            self._stop_heartbeat()
            self._stop_heartbeat = None

    async def _async_heartbeat(self, _now: datetime | None = None) -> None:
        if self.client.credentials_rejected:
            # Only new credentials (reauth, reconfigure) or a reload try again.
            return
        was_alive = self.event_stream_alive
        try:
            await self.client.heartbeat()
        except SynwayError as err:
            LOGGER.debug("Heartbeat failed: %s", err)
            self.token_alive = False
        else:
            self.token_alive = True
            self._last_heard = dt_util.utcnow()
        if self.event_stream_alive != was_alive:
            self.async_notify({HUB_KEY})

    # -- repair issues ------------------------------------------------------------------

    def _issue_id(self, issue: str) -> str:
        return f"{issue}_{self.config_entry.entry_id}"

    def _raise_issue(
        self, issue: str, placeholders: dict[str, str] | None = None
    ) -> None:
        self._issues.add(issue)
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self._issue_id(issue),
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key=issue,
            translation_placeholders={
                "title": self.config_entry.title,
                **(placeholders or {}),
            },
        )

    def _clear_issue(self, issue: str) -> None:
        """Delete an issue we raised (cheap when there is none: reports call it)."""
        if issue in self._issues:
            self._issues.discard(issue)
            ir.async_delete_issue(self.hass, DOMAIN, self._issue_id(issue))
