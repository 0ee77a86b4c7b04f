"""Autonomous call traffic: a seeded, realistic mix for demos and load tests.

Calls arrive as a Poisson process at ``calls_per_minute``; each picks a scenario (internal,
internal missed, inbound through the IVR into a queue, inbound direct, outbound, transferred,
held, recorded), rings for a few seconds and talks for a minute or two. All delays are timers on
the simulator's clock, so the same seed gives the same calls (with ``realtime`` the clock follows
real time, sped up by ``time_scale``).

``max_busy`` caps the share of phones in calls: a call due while more are busy is skipped,
so an office stays an office (most phones idle) whatever the rate. ``OFFICE`` is the
demo's default: a couple of calls a minute, at most a quarter of the phones busy.
"""

from collections.abc import Callable
import contextlib
import random

from .clock import Timer
from .context import Controls
from .state import CallError

# The demo's default traffic: calls per minute and the busy cap (see the module doc).
OFFICE_CALLS_PER_MINUTE = 2.0
OFFICE_MAX_BUSY = 0.25

SCENARIOS = (
    ("internal", 25),
    ("internal_missed", 8),
    ("inbound_ivr", 20),
    ("inbound_direct", 10),
    ("outbound", 17),
    ("transferred", 7),
    ("held", 7),
    ("recorded", 6),
)


class Traffic:
    """Generates calls on a running simulator until stopped."""

    def __init__(
        self,
        sim: Controls,
        calls_per_minute: float,
        seed: int = 0,
        max_busy: float = 1.0,
    ) -> None:
        """Prepare; call :meth:`start` to begin."""
        self.sim = sim
        self.rate = calls_per_minute / 60.0
        self.max_busy = max_busy
        self.skipped = 0
        self.rng = random.Random(seed)
        self.timers: list[Timer] = []
        self.started = 0
        self.running = False
        self.by_scenario: dict[str, int] = {}

    def start(self) -> None:
        """Schedule the first call."""
        self.running = True
        self.sim.traffic = self
        self._next()

    def stop(self) -> None:
        """Cancel every pending step."""
        self.running = False
        for timer in self.timers:
            timer.cancel()
        self.timers.clear()

    def _later(self, delay: float, step: Callable[[], object]) -> None:
        def run() -> None:
            if self.running:
                with contextlib.suppress(CallError):
                    step()  # CallError: the call moved on (hung up, transferred...) meanwhile

        self.timers = [t for t in self.timers if not t.cancelled]
        self.timers.append(self.sim.clock.call_later(delay, run))

    def _next(self) -> None:
        if self.rate <= 0:
            return
        self._later(self.rng.expovariate(self.rate), self._new_call)

    def _free_extensions(self) -> list[str]:
        return [
            n
            for n, e in self.sim.state.extensions.items()
            if e.reachable and not e.busy and not e.dnd
        ]

    def _new_call(self) -> None:
        self._next()
        names = [name for name, _ in SCENARIOS]
        weights = [weight for _, weight in SCENARIOS]
        scenario = self.rng.choices(names, weights)[0]
        free = self._free_extensions()
        if len(free) < 3:
            return
        phones = self.sim.state.extensions.values()
        busy = sum(1 for phone in phones if phone.busy)
        # Room for the call's two phones under the cap.
        if busy + 2 > self.max_busy * len(phones):
            self.skipped += 1
            return
        self.started += 1
        self.by_scenario[scenario] = self.by_scenario.get(scenario, 0) + 1
        getattr(self, f"_{scenario}")(free)

    def _ring(self) -> float:
        return self.rng.uniform(2.0, 9.0)

    def _talk(self) -> float:
        return self.rng.uniform(15.0, 150.0)

    def _answered(self, callid: str, then: Callable[[], None] | None = None) -> None:
        sim = self.sim

        def answer() -> None:
            if callid in sim.state.calls:
                sim.answer(callid)
                if then is not None:
                    then()

        self._later(self._ring(), answer)
        self._later(self._ring() + self._talk() + 10, lambda: self._hangup(callid))

    def _hangup(self, callid: str) -> None:
        call = self.sim.state.calls.get(callid)
        if call is not None:
            legs = call.live_legs()
            self.sim.engine.hangup(self.rng.choice(legs))

    def _internal(self, free: list[str]) -> None:
        caller, callee = self.rng.sample(free, 2)
        call = self.sim.call_internal(caller, callee)
        self._answered(call.callid)

    def _internal_missed(self, free: list[str]) -> None:
        caller, callee = self.rng.sample(free, 2)
        call = self.sim.call_internal(caller, callee)
        if self.rng.random() < 0.5:
            self._later(self._ring(), lambda: self._hangup_caller(call.callid))

    def _hangup_caller(self, callid: str) -> None:
        call = self.sim.state.calls.get(callid)
        if call is not None:
            self.sim.engine.hangup(call.caller)

    def _external(self) -> str:
        return str(self.rng.randint(20000000, 89999999))

    def _inbound_ivr(self, free: list[str]) -> None:
        sim = self.sim
        trunks = [
            t for t in sim.state.trunks.values() if t.destination in sim.state.ivrs
        ]
        if not trunks:
            self._inbound_direct(free)
            return
        trunk = self.rng.choice(trunks)
        call = sim.call_inbound(self._external(), trunk.name)
        callid = call.callid
        if call.pending_accept:
            self._later(self.rng.uniform(0.2, 2.0), lambda: sim.accept(callid))
        ivr = sim.state.ivrs[trunk.destination]
        keys = list(ivr.keys)
        if keys:
            digit = self.rng.choice(keys)
            self._later(self.rng.uniform(3.0, 6.0), lambda: sim.dtmf(callid, digit))
        self._later(12.0, lambda: self._answer_if_ringing(callid))
        self._later(12.0 + self._talk() + 20, lambda: self._hangup(callid))

    def _answer_if_ringing(self, callid: str) -> None:
        call = self.sim.state.calls.get(callid)
        if call is None:
            return
        if any(leg.state == "ringing" for leg in call.legs[1:]):
            self.sim.answer(callid)
        elif call.queue is not None:
            self._later(5.0, lambda: self._answer_if_ringing(callid))

    def _inbound_direct(self, free: list[str]) -> None:
        sim = self.sim
        trunks = [
            t
            for t in sim.state.trunks.values()
            if t.destination in sim.state.extensions
        ]
        if not trunks:
            return
        call = sim.call_inbound(
            self._external(), self.rng.choice(trunks).name, accept=True
        )
        self._answered(call.callid)

    def _outbound(self, free: list[str]) -> None:
        call = self.sim.call_outbound(self.rng.choice(free), "0" + self._external())
        if not call.ended:
            self._answered(call.callid)

    def _transferred(self, free: list[str]) -> None:
        caller, callee, target = self.rng.sample(free, 3)
        call = self.sim.call_internal(caller, callee)
        callid = call.callid

        def transfer() -> None:
            self._later(self._talk() / 4, lambda: self.sim.transfer(callee, target))
            self._later(
                self._talk() / 4 + self._ring(), lambda: self.sim.answer(target)
            )

        self._answered(callid, transfer)

    def _held(self, free: list[str]) -> None:
        caller, callee = self.rng.sample(free, 2)
        call = self.sim.call_internal(caller, callee)

        def hold() -> None:
            self._later(5.0, lambda: self.sim.hold(callee))
            self._later(25.0, lambda: self.sim.unhold(callee))

        self._answered(call.callid, hold)

    def _recorded(self, free: list[str]) -> None:
        caller, callee = self.rng.sample(free, 2)
        call = self.sim.call_internal(caller, callee)

        def record() -> None:
            legs = self.sim.state.extensions[callee].legs
            if legs:
                self.sim.engine.record(legs[0])

        self._answered(call.callid, record)
