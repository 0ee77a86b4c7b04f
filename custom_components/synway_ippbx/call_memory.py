"""The calls in progress, kept in Home Assistant's storage across reloads and restarts.

Without them, a call answered before a restart (or an options change, which reloads the
entry) would end as a call we never saw connected: "missed", no one to hang up, trunk
counts from zero. The tracker is written a little after it changes (debounced) and at
shutdown; at setup it is read back, calls past the age limit left out, and the first
poll judges the rest like any call whose hangup may have been lost.
"""

from datetime import timedelta
from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .api import CallReport, CdrReport, Report, SystemUpReport
from .const import DOMAIN
from .pbx.call_tracking import CallTracker
from .pbx.store import MAX_CALL_QUIET, Key

STORAGE_VERSION: Final = 1
# Calls written at most: a busy PBX's calls in progress, with room to spare.
MAX_STORED_CALLS: Final = 2000
# Wait this long after a change before writing, collecting the changes meanwhile.
SAVE_DELAY: Final = 10.0


def storage_key(entry_id: str) -> str:
    """The storage key of an entry's calls."""
    return f"{DOMAIN}.{entry_id}.calls"


class CallMemory:
    """Reads and writes one entry's call tracker."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Bind to an entry's storage."""
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, storage_key(entry_id)
        )
        self._tracker = CallTracker()
        # Only a tracker read from (or meant for) the storage may overwrite it.
        self._ours = False

    async def async_restore(self, max_age: timedelta = MAX_CALL_QUIET) -> CallTracker:
        """The stored calls no older than ``max_age`` (none when nothing was stored)."""
        tracker = CallTracker.from_dict(
            await self._store.async_load(), now=dt_util.utcnow(), max_age=max_age
        )
        self._tracker, self._ours = tracker, True
        return tracker

    @callback
    def async_schedule_save(self, tracker: CallTracker) -> None:
        """Write the tracker a little later (and at shutdown, if still pending)."""
        self._tracker, self._ours = tracker, True
        self._store.async_delay_save(self._data, SAVE_DELAY)

    @callback
    def note_applied(
        self, report: Report, changed: set[Key], tracker: CallTracker
    ) -> None:
        """The store applied a report: write the calls if it changed one.

        Only call reports, call records (which end a call) and a reboot (which ends
        them all) change the calls in progress.
        """
        if changed and isinstance(report, (CallReport, CdrReport, SystemUpReport)):
            self.async_schedule_save(tracker)

    async def async_save(self) -> None:
        """Write now (the entry unloads)."""
        if self._ours:
            await self._store.async_save(self._data())

    def _data(self) -> dict[str, Any]:
        return self._tracker.to_dict(limit=MAX_STORED_CALLS)
