"""The coordinator: polls the PBX, applies pushed reports, and wakes only what changed."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, Context, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .announce import async_announce
from .api import (
    QueueStatus,
    Report,
    SynwayClient,
    SystemUpReport,
    TrunkSettings,
    TrunkType,
)
from .call_memory import CallMemory
from .const import DOMAIN, LOGGER, POLL_INTERVAL
from .devices import DeviceInfoCache
from .features import Features
from .link import PbxLink, ReportStatistics
from .pbx.happening import build_happening
from .pbx.objects import QueuePoll
from .pbx.shrink import ShrinkGuard
from .pbx.store import HUB_KEY, Key, PbxStore
from .recheck import CallRecheck
from .wakeups import KeyedListeners

_QUEUE_CONCURRENCY = 4


@dataclass(kw_only=True)
class SynwayRuntimeData:
    """What a loaded entry holds."""

    client: SynwayClient
    coordinator: SynwayCoordinator
    report_url: str | None
    # Screening, settings switches, agents and call figures (features.py).
    features: Features
    # Device info per object and what it was built from, while its entities are
    # registered (devices.object_device_info; emptied by async_remove_stale_devices).
    device_infos: DeviceInfoCache = field(default_factory=dict)


type SynwayConfigEntry = ConfigEntry[SynwayRuntimeData]


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
        self.link = PbxLink(
            hass,
            client,
            entry_id=entry.entry_id,
            title=lambda: entry.title,
            report_url=lambda: entry.runtime_data.report_url,
            spawn=lambda job, name: entry.async_create_background_task(hass, job, name),
        )
        self._pending: set[Key] = set()
        # While a report is taken through: the one context of everything it causes.
        self.report_context: Context | None = None
        # Listeners per store key; the base class holds the one that wakes them all.
        self.listeners_by_key = KeyedListeners(self.logger, super().async_add_listener)
        # When the last poll began (link.forgive_failed_poll judges a failure by it).
        self._poll_began: datetime | None = None
        self._fxo_settings: dict[str, TrunkSettings] = {}
        self._shrink = ShrinkGuard()
        self.recheck = CallRecheck(
            hass, client, self.data, self.memory, self.async_notify
        )

    # -- keyed listeners: a report wakes only the entities it concerns (wakeups.py) -----

    @callback
    @override
    def async_add_listener(
        self, update_callback: CALLBACK_TYPE, context: Any = None
    ) -> Callable[[], None]:
        """Listen for updates of one object (the context is its store key)."""
        return self.listeners_by_key.add(context, update_callback)

    @callback
    def async_notify(self, keys: set[Key]) -> None:
        """Call the listeners of the given keys, and nobody else."""
        self.listeners_by_key.notify(keys)

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
        await self.link.async_login()

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
        """Poll; one failure while reports still arrive keeps the entities available."""
        began, self._poll_began = self._poll_began, dt_util.utcnow()
        token_alive = self.link.token_alive
        try:
            return await self._async_poll()
        except UpdateFailed as err:
            if not self.link.forgive_failed_poll(
                began, err, available=self.last_update_success, token_alive=token_alive
            ):
                raise
            return self.data

    async def _async_poll(self) -> PbxStore:
        """Poll extensions, trunks and queues concurrently and merge them."""
        store = self.data
        mark = store.begin_poll()
        extensions, trunks, queues = await self.link.async_call(
            asyncio.gather(
                self.client.ext_status_all(),
                self.client.trunk_list(),
                self.client.queue_list(),
            )
        )
        # FXO ports only change with the PBX's configuration: ask for new trunks only.
        fxo = {trunk.name for trunk in trunks if trunk.type is TrunkType.FXO}
        if unknown := sorted(fxo - set(self._fxo_settings)):
            for setting in await self.link.async_call(self.client.trunk_query(unknown)):
                self._fxo_settings[setting.name] = setting
        settings = {
            name: self._fxo_settings[name] for name in fxo & set(self._fxo_settings)
        }
        limit = asyncio.Semaphore(_QUEUE_CONCURRENCY)

        async def _members(queue_id: str) -> QueueStatus:
            async with limit:
                return await self.client.queue_members(queue_id)

        statuses = await self.link.async_call(
            asyncio.gather(*(_members(queue.queue_id) for queue in queues))
        )
        now = dt_util.utcnow()
        unreported = store.unreported_changes
        keep = self._shrink.keep_all(
            {
                "extension": (store.extensions, {s.extension for s in extensions}),
                "trunk": (store.trunks, {trunk.name for trunk in trunks}),
                "queue": (store.queues, {queue.queue_id for queue in queues}),
            }
        )
        self._pending |= store.apply_extensions(extensions, mark, keep["extension"])
        if self.link.note_poll_activity(store.unreported_changes > unreported, now):
            self._pending.add(HUB_KEY)
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
        self.link.note_poll_answered()
        return store

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
        was_alive = self.event_stream_alive
        self.link.note_report(report, now)
        happening = build_happening(report, self.data)
        screened = self.config_entry.runtime_data.features.async_handle_report(
            report, happening.fields
        )
        changed = self.data.apply_report(report, now)
        self.memory.note_applied(report, changed, self.data.calls)
        self.recheck.note_report(report)
        if self.event_stream_alive != was_alive:
            changed.add(HUB_KEY)
        # One context for the states and events a report causes: they belong together,
        # and each fresh context makes an event and its context a reference cycle that
        # only the garbage collector frees (whose pauses were the report latency's tail).
        context = self.report_context = Context()
        try:
            self.async_notify(changed)
            async_announce(
                self.hass,
                self.config_entry.entry_id,
                happening,
                screened,
                body_size,
                context,
            )
        finally:
            self.report_context = None
        if isinstance(report, SystemUpReport):
            self.link.schedule_resync(self.async_refresh, self._wake_hub)

    @override
    async def async_shutdown(self) -> None:
        """Stop polling, drop a pending re-read and write the calls (the entry unloads)."""
        await super().async_shutdown()
        self.recheck.async_shutdown()
        await self.memory.async_save()

    @property
    def event_stream_alive(self) -> bool:
        """Whether reports can reach us: polls answered, token alive, none missing."""
        return self.last_update_success and self.link.reports_flowing

    @property
    def reports(self) -> ReportStatistics:
        """How reports have been arriving (the link counts them)."""
        return self.link.reports

    @callback
    def async_start_heartbeat(self) -> None:
        """Keep the link alive (link.py); a change of the stream's state wakes the hub."""
        self.link.async_start_heartbeat(self._wake_hub)

    @callback
    def _wake_hub(self) -> None:
        self.async_notify({HUB_KEY})
