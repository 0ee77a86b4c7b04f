"""An injectable clock and a timer heap driven by it.

Tests move time with :meth:`Clock.advance` and nothing happens behind their back; the CLI runs
the same timers from a ticker task against real time (optionally sped up by ``time_scale``).
Every delay of the PBX (token expiry, lockout, the CallinRequest window, ring timeouts, the
autonomous traffic) goes through here, so none of it needs a real sleep in tests.
"""

from collections.abc import Callable
import heapq
import itertools
import logging
import time

_LOGGER = logging.getLogger(__name__)


class Timer:
    """A handle on a scheduled callback."""

    __slots__ = ("callback", "cancelled", "due")

    def __init__(self, due: float, callback: Callable[[], None]) -> None:
        """Remember when and what."""
        self.due = due
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        """Stop the callback from running."""
        self.cancelled = True


class Clock:
    """Wall-clock seconds that only move when told to (or with real time if ``realtime``)."""

    def __init__(
        self, *, start: float | None = None, realtime: bool = False, scale: float = 1.0
    ):
        """Start at ``start`` (default: now)."""
        self._base = time.time() if start is None else start
        self._mono0 = time.monotonic()
        self._offset = 0.0
        self.realtime = realtime
        self.scale = scale
        self._heap: list[tuple[float, int, Timer]] = []
        self._seq = itertools.count()

    def now(self) -> float:
        """Current simulated epoch seconds."""
        if self.realtime:
            return (
                self._base
                + (time.monotonic() - self._mono0) * self.scale
                + self._offset
            )
        return self._base + self._offset

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        """Run ``callback`` once ``delay`` simulated seconds have passed."""
        timer = Timer(self.now() + max(delay, 0.0), callback)
        heapq.heappush(self._heap, (timer.due, next(self._seq), timer))
        return timer

    def pending(self) -> int:
        """How many timers are still waiting."""
        return sum(1 for _, _, t in self._heap if not t.cancelled)

    def next_due(self) -> float | None:
        """When the next live timer fires."""
        while self._heap and self._heap[0][2].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None

    def run_due(self) -> int:
        """Run every timer that is due now; returns how many ran."""
        ran = 0
        while self._heap and self._heap[0][0] <= self.now():
            _, _, timer = heapq.heappop(self._heap)
            if not timer.cancelled:
                timer.cancelled = True
                try:
                    timer.callback()
                except Exception:
                    _LOGGER.exception("Simulator timer failed")
                ran += 1
        return ran

    def advance(self, seconds: float) -> None:
        """Move time forward, firing timers at their own due time, in order."""
        target = self.now() + seconds
        while (due := self.next_due()) is not None and due <= target:
            self._offset += max(due - self.now(), 0.0)
            self.run_due()
        self._offset += max(target - self.now(), 0.0)

    def clear(self) -> None:
        """Forget every timer (reboot, stop)."""
        for _, _, timer in self._heap:
            timer.cancelled = True
        self._heap.clear()
