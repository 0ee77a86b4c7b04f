"""Re-reading the extensions of a call after our own call-control action, or a phone at rest.

The PBX may not report what a transfer, hold or unhold started through the API did, and a
phone reported at rest may still have calls here (a transfer by another API client, a lost
hangup). Both are settled the same way: collect the extensions for a moment, then re-read
them (ext_status) and reconcile their calls.
"""

import asyncio
from collections.abc import Callable
from typing import Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.debounce import Debouncer
from homeassistant.util import dt as dt_util

from .api import ExtensionStatusReport, Report, SynwayClient, SynwayError
from .call_memory import CallMemory
from .const import LOGGER
from .pbx.call_tracking import LegState
from .pbx.store import Key, PbxStore

# After our own call-control action (or a phone reported at rest that still has calls
# here), wait this long, collecting more, before re-reading the extensions involved: the
# PBX may not report what the action did.
ACTION_RECHECK_DELAY: Final = 1.0
_ACTION_STATES = {"hold": LegState.HELD, "unhold": LegState.TALKING}
_CALL_CONTROL = frozenset({"hangup", "hold", "unhold", "transfer"})


class CallRecheck:
    """Collects extensions to re-read and re-reads them a moment later, together."""

    def __init__(
        self,
        hass: HomeAssistant,
        client: SynwayClient,
        store: PbxStore,
        memory: CallMemory,
        notify: Callable[[set[Key]], None],
    ) -> None:
        """Re-read through ``client`` into ``store``; ``notify`` wakes what changed."""
        self._client = client
        self._store = store
        self._memory = memory
        self._notify = notify
        self._extensions: set[str] = set()
        self._debouncer = Debouncer(
            hass,
            LOGGER,
            cooldown=ACTION_RECHECK_DELAY,
            immediate=False,
            function=self._async_recheck,
            background=True,
        )

    @callback
    def async_action_done(
        self, action: str, leg_id: str, destination: str | None = None
    ) -> None:
        """A call-control action succeeded: apply what we know, then look.

        The PBX may stay silent about transfers, holds and unholds started through the
        API (the manual does not say they are reported), so a hold or unhold is applied at once and the
        extensions in the call (and an extension destination) are re-read shortly.
        """
        if action not in _CALL_CONTROL:
            return
        store = self._store
        extensions = store.call_extensions(leg_id)
        if destination is not None and destination in store.extensions:
            extensions.add(destination)
        if (state := _ACTION_STATES.get(action)) is not None:
            self._notify(store.set_leg_state(leg_id, state))
        if extensions:
            self._extensions |= extensions
            self._debouncer.async_schedule_call()

    @callback
    def note_report(self, report: Report) -> None:
        """A phone reported at rest still has calls here: re-read it shortly.

        Its call may have ended without a report (a transfer by another API client, a
        lost hangup); the re-read ends the legs the PBX no longer has.
        """
        if (
            isinstance(report, ExtensionStatusReport)
            and report.status.at_rest
            and self._store.calls.legs(report.extension)
        ):
            self._extensions.add(report.extension)
            self._debouncer.async_schedule_call()

    async def _async_recheck(self) -> None:
        """Re-read the extensions collected for a re-read and reconcile their calls."""
        extensions, self._extensions = self._extensions, set()
        store = self._store
        mark = store.begin_poll()
        try:
            pages = await asyncio.gather(
                *(self._client.ext_status(number) for number in sorted(extensions))
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
            self._memory.async_schedule_save(store.calls)
        self._notify(changed)

    @callback
    def async_shutdown(self) -> None:
        """Drop a pending re-read (the entry unloads)."""
        self._debouncer.async_shutdown()
