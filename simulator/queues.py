"""Call queues: joining, overflow, QueueStatus reports and ringing free agents."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .clock import Clock
from .config import SimulatorConfig
from .state import Call, CallError, Extension, Leg, PbxState, Queue


class QueueDesk:
    """The engine's queue part; :class:`~simulator.engine.Engine` supplies the rest."""

    state: PbxState
    clock: Clock
    config: SimulatorConfig
    emit: Callable[[dict[str, Any]], None]

    if TYPE_CHECKING:
        # Provided by Engine; declared here so the queue code type-checks alone.
        def ext_leg(self, call: Call, ext: Extension, role: Any, callerid: str) -> Leg:
            """Add an extension's leg to the call."""

        def _report(
            self, event: str, call: Call, legs: list[Leg], **extra: Any
        ) -> None: ...
        def _push(self, ext: Extension, word: str) -> None: ...
        def _route(self, call: Call, dest: str) -> None: ...

    def _enqueue(self, call: Call, queue: Queue) -> None:
        caller = call.caller
        if len(queue.waiting) >= queue.max_callers and queue.overflow_destination:
            self.emit(
                {
                    "event": "QueueOverflow",
                    "number": queue.number,
                    "destination": queue.overflow_destination,
                    "callid": call.callid,
                }
            )
            self._route(call, queue.overflow_destination)
            return
        call.queue = queue
        call.queue_joined = self.clock.now()
        caller.state = "queued"
        queue.waiting.append(call)
        self._queue_status(queue, "Add", call)
        self.dispatch(queue)

    def _queue_status(self, queue: Queue, action: str, call: Call) -> None:
        self.emit(
            {
                "event": "QueueStatus",
                "number": queue.number,
                "callercount": str(len(queue.waiting)),
                "action": action,
                "callfrom": call.callfrom,
                "callid": call.callid,
            }
        )

    def agent_free(self, queue: Queue, extid: str) -> bool:
        """True if the agent can take a queue call now."""
        agent = queue.agents.get(extid)
        ext = self.state.extensions.get(extid)
        if agent is None or ext is None or not agent.logged_in or agent.paused:
            return False
        return ext.reachable and not ext.busy and not ext.dnd

    def dispatch(self, queue: Queue) -> None:
        """Ring every free agent for the longest-waiting caller that nobody is ringing."""
        for call in list(queue.waiting):
            if any(leg.state == "ringing" for leg in call.legs[1:]):
                continue
            free = [e for e in queue.agents if self.agent_free(queue, e)]
            if not free:
                return
            caller = call.caller
            legs = []
            for extid in free:
                leg = self.ext_leg(
                    call,
                    self.state.extensions[extid],
                    "called",
                    caller.callerid or caller.frm,
                )
                leg.state = "ringing"
                legs.append(leg)
            call.agent_ring_started = self.clock.now()
            if self.config.quirks.duplicate_keys and len(legs) > 1:
                self._report("RING", call, [caller, *legs])
            else:
                for leg in legs:
                    self._report("RING", call, [caller, leg])
            for leg in legs:
                if leg.ext is None:  # pragma: no cover - impossible by construction
                    raise CallError(-1)
                self._push(leg.ext, "Ringing")

    def dispatch_all(self) -> None:
        """Offer waiting callers to agents that may have become free."""
        for queue in self.state.queues.values():
            if queue.waiting:
                self.dispatch(queue)
