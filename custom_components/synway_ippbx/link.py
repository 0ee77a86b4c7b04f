"""The link to the PBX: login, token, heartbeat, re-login after a reboot, repair issues.

Apart from the coordinator, which polls, applies and notifies: this module knows whether
the PBX still hears us (the token, the registered report address) and whether we still
hear it (report counters, reports that stop arriving), and says so with repair issues.
It takes the entry's id and ways to read its title and report address, not the entry: the coordinator holds
it without a circle.
"""

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.update_coordinator import UpdateFailed
from homeassistant.util import dt as dt_util

from .api import (
    REPORT_EVENTS,
    Report,
    SynwayApiDisabledError,
    SynwayAuthenticationError,
    SynwayClient,
    SynwayClientLimitError,
    SynwayError,
    SynwayResponseError,
)
from .const import DOMAIN, HEARTBEAT_INTERVAL, LOGGER, REPORT_SILENCE
from .setup_errors import CONNECTION_KEYS, error_key

ISSUE_API_DISABLED: Final = "api_disabled"
ISSUE_CLIENT_LIMIT: Final = "too_many_clients"
ISSUE_REPORTS_MISSING: Final = "reports_not_arriving"

# by_event counts the manual's report types; every other word lands in one bucket, so a
# flood of made-up event names cannot grow the statistics.
OTHER_EVENTS: Final = "other"
# A Systemup makes us log in again; a real PBX reboots rarely, so more than one re-login a
# minute is noise (or a forgery) and waits for the next poll.
SYSTEMUP_RELOGIN_EVERY: Final = timedelta(minutes=1)

type Spawn = Callable[[Coroutine[Any, Any, None], str], asyncio.Task[None]]


@dataclass(slots=True)
class ReportStatistics:
    """How reports have been arriving, for the event-stream sensor and diagnostics."""

    received: int = 0
    rejected: int = 0
    duplicates: int = 0
    refused: int = 0
    last_received: datetime | None = None
    by_event: dict[str, int] = field(default_factory=dict)


class PbxLink:
    """Whether the PBX and we still hear each other, and what to do when not."""

    def __init__(
        self,
        hass: HomeAssistant,
        client: SynwayClient,
        *,
        entry_id: str,
        title: Callable[[], str],
        report_url: Callable[[], str | None],
        spawn: Spawn,
    ) -> None:
        """Hold the client; ``spawn`` runs a task that ends with the entry."""
        self.hass = hass
        self.client = client
        self.reports = ReportStatistics()
        self.token_alive = False
        # When the PBX was last heard from otherwise than by a poll (a report, a heartbeat).
        self.last_heard: datetime | None = None
        self._entry_id = entry_id
        self._title = title
        self._report_url = report_url
        self._spawn = spawn
        self._issues: set[str] = set()
        self._unreported_since: datetime | None = None
        self._stop_heartbeat: CALLBACK_TYPE | None = None
        self._resync_task: asyncio.Task[None] | None = None
        self._last_resync: datetime | None = None
        self._failed_polls = 0
        self._has_polled = False

    @property
    def reports_flowing(self) -> bool:
        """Token alive and no sign that reports go missing (the poll's side aside)."""
        return self.token_alive and ISSUE_REPORTS_MISSING not in self._issues

    # -- requests ---------------------------------------------------------------------

    async def async_login(self) -> None:
        """Log in (setup); a refusal is Home Assistant's error."""
        await self.async_call(self.client.login())
        self.token_alive = True

    async def async_call[T](self, awaitable: Awaitable[T]) -> T:
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

    @callback
    def note_poll_answered(self) -> None:
        """A whole poll was answered: the API is on and we are let in."""
        self._failed_polls = 0
        self.token_alive = True
        self._clear_issue(ISSUE_API_DISABLED)
        self._clear_issue(ISSUE_CLIENT_LIMIT)

    @callback
    def forgive_failed_poll(
        self,
        began: datetime | None,
        err: Exception,
        *,
        available: bool,
        token_alive: bool,
    ) -> bool:
        """Whether a poll that failed may leave the entities available.

        A single failed poll (a 503, a timeout) says little while the PBX keeps
        reporting: the store stays as reports keep it. Two failures in a row, or one
        with nothing heard from the PBX since the previous poll (which ``began`` then),
        make the entities unavailable. A forgiven failure says nothing of the token, so
        it keeps the state it had before the poll (``token_alive``).
        """
        self._failed_polls += 1
        heard = self.last_heard
        if (
            self._failed_polls > 1
            or not available
            or heard is None
            or began is None
            or heard < began
        ):
            return False
        self.token_alive = token_alive
        LOGGER.debug(
            "Entities stay available after one failed poll while reports still "
            "arrive: %s",
            err,
        )
        return True

    # -- reports ------------------------------------------------------------------------

    @callback
    def note_report(self, report: Report, now: datetime) -> None:
        """Count a report that arrived: reports are not missing."""
        stats = self.reports
        stats.received += 1
        stats.last_received = self.last_heard = now
        bucket = report.event if report.event in REPORT_EVENTS else OTHER_EVENTS
        stats.by_event[bucket] = stats.by_event.get(bucket, 0) + 1
        self._unreported_since = None
        self._clear_issue(ISSUE_REPORTS_MISSING)

    def note_poll_activity(self, unreported: bool, now: datetime) -> bool:
        """A poll was applied: returns whether reports seem lost.

        ``unreported``: it saw activity no report announced. The first poll after
        setup has nothing to compare with, so it only starts the watch.
        """
        first, self._has_polled = not self._has_polled, True
        if not unreported or first:
            return False
        if self._unreported_since is None:
            self._unreported_since = now
            return False
        last = self.reports.last_received
        if now - self._unreported_since >= REPORT_SILENCE and (
            last is None or now - last >= REPORT_SILENCE
        ):
            self._raise_issue(
                ISSUE_REPORTS_MISSING, {"report_url": self._report_url() or "-"}
            )
            return True
        return False

    @callback
    def schedule_resync(
        self, refresh: Callable[[], Awaitable[None]], changed: Callable[[], None]
    ) -> None:
        """The PBX rebooted: log in again (re-registering our address), then refresh.

        ``changed`` is called when the token ends up alive or dead anew (a poll that
        fails but is forgiven wakes nobody, so the event stream's state would lag).
        """
        if self._resync_task and not self._resync_task.done():
            return
        now = dt_util.utcnow()
        if self._last_resync and now - self._last_resync < SYSTEMUP_RELOGIN_EVERY:
            LOGGER.debug("Another Systemup within a minute; not logging in again yet")
            return
        self._last_resync = now
        self._resync_task = self._spawn(
            self._async_resync(refresh, changed), f"{DOMAIN} resync after reboot"
        )

    async def _async_resync(
        self, refresh: Callable[[], Awaitable[None]], changed: Callable[[], None]
    ) -> None:
        was_alive = self.token_alive
        try:
            await self.client.login()
        except SynwayError as err:
            LOGGER.debug("Login after the PBX rebooted failed: %s", err)
            self.token_alive = False
        else:
            self.token_alive = True
        await refresh()
        if self.token_alive != was_alive:
            changed()

    # -- heartbeat ------------------------------------------------------------------------

    @callback
    def async_start_heartbeat(self, changed: Callable[[], None]) -> None:
        """Keep the token alive and our report address registered.

        ``changed`` is called when the heartbeat finds the stream alive or dead anew.
        """

        async def _beat(_now: datetime) -> None:
            if await self.async_heartbeat():
                changed()

        self._stop_heartbeat = async_track_time_interval(
            self.hass,
            _beat,
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

    async def async_heartbeat(self) -> bool:
        """Send one heartbeat; returns whether the token's state changed."""
        if self.client.credentials_rejected:
            # Only new credentials (reauth, reconfigure) or a reload try again.
            return False
        was_alive = self.token_alive
        try:
            await self.client.heartbeat()
        except SynwayError as err:
            LOGGER.debug("Heartbeat failed: %s", err)
            self.token_alive = False
        else:
            self.token_alive = True
            self.last_heard = dt_util.utcnow()
        return self.token_alive != was_alive

    # -- repair issues ------------------------------------------------------------------

    def _issue_id(self, issue: str) -> str:
        return f"{issue}_{self._entry_id}"

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
            translation_placeholders={"title": self._title(), **(placeholders or {})},
        )

    def _clear_issue(self, issue: str) -> None:
        """Delete an issue we raised (cheap when there is none: reports call it)."""
        if issue in self._issues:
            self._issues.discard(issue)
            ir.async_delete_issue(self.hass, DOMAIN, self._issue_id(issue))
