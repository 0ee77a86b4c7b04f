"""The call engine: every call scenario and the reports it produces, in order.

Report shapes follow the manual's examples (Chapters 4-5): ``event``, ``callid`` (the caller
leg's uuid), then party objects keyed ``callerext``/``calledext``/``callertrunk``/``calledtrunk``.
The sequences (as observed on units of this API family, in Synway names):

* ringing a callee: RING {caller, callee}, ExtensionStatus callee Ringing, RINGBACK
  {caller, callee}, ExtensionStatus caller Ringback (extension callers only);
* an extension answers: ANSWER {caller, callee}, ANSWERED {caller, callee} (extension callers),
  ExtensionStatus Talking for both, then RECORDSTART {the party} for each extension whose
  user_record setting is on; a remote party answers an outbound call: ANSWERED;
* a call ends: [RECORDEND], [CALLFAILED if never answered], HANGUP {originator, caller, callee},
  ExtensionStatus ``idle_status_word`` for each extension (the one hanging up first), CDR;
* inbound: [CallinRequest, 10 s window], then the trunk's destination; an IVR adds DTMF and
  TRANSFER (ivr → destination); a queue adds QueueStatus Add/Remove and rings every free agent.

Nothing here sleeps: delays are timers on the injectable :class:`~simulator.clock.Clock`.
"""

from collections.abc import Callable
import re
import time
from typing import Any

from .cdr import cdr_record, cdr_report, stamp
from .clock import Clock
from .config import SimulatorConfig
from .queues import QueueDesk
from .state import Call, CallError, Extension, Ivr, Leg, PbxState, Recording, Trunk
from .wire import Repeated

type Emit = Callable[[dict[str, Any]], None]

PUSH_WORDS = {"ringing": "Ringing", "ringback": "Ringback", "talking": "Talking"}
QUERY_WORDS = {
    "ringing": "Ringing",
    "ringback": "RingBack",
    "talking": "Talking",
    "held": "Busy",
    "ivr": "Talking",
    "queued": "Talking",
}


class Engine(QueueDesk):
    """Drives calls through their states and emits the reports."""

    def __init__(
        self, state: PbxState, clock: Clock, config: SimulatorConfig, emit: Emit
    ):
        """Wire the engine to the state, the clock and the report fan-out."""
        self.state = state
        self.clock = clock
        self.config = config
        self.emit = emit
        self.pushed: dict[str, str] = {}

    # ------------------------------------------------------------------ helpers
    def _report(self, event: str, call: Call, legs: list[Leg], **extra: Any) -> None:
        report: dict[str, Any] = {"event": event, "callid": call.callid}
        for key in (
            "originator",
            "cause",
            "transfer_time",
            "transfer_from",
            "transfer_to",
        ):
            if key in extra:
                report[key] = extra.pop(key)
        for leg in legs:
            party = leg.party()
            if (
                event in ("HOLD", "UNHOLD", "RECORDSTART", "RECORDEND")
                and leg.ext is not None
            ):
                party.pop("callerid", None)
            if leg.key in report:
                prev = report[leg.key]
                report[leg.key] = Repeated(
                    [*(prev if isinstance(prev, Repeated) else [prev]), party]
                )
            else:
                report[leg.key] = party
        report.update(extra)
        if call.user_id:
            report["user_id"] = call.user_id
        self.emit(report)

    def _push(self, ext: Extension, word: str) -> None:
        if self.pushed.get(ext.number) == word:
            return
        self.pushed[ext.number] = word
        self.emit({"event": "ExtensionStatus", "extension": ext.number, "status": word})

    def _idle(self, ext: Extension) -> None:
        if not ext.busy:
            self._push(ext, self.config.idle_status_word)

    def ext_status_word(self, ext: Extension) -> str:
        """The ext_status word of an extension."""
        live = [leg for leg in ext.legs if leg.state != "ended"]
        if live:
            return QUERY_WORDS.get(live[0].state, "Busy")
        if ext.kind == "FXS":
            return "Idle"
        return "Registered" if ext.registered else "Unregistered"

    def _new_call(self, kind: Any, caller_uuid: str | None = None) -> Call:
        callid = caller_uuid or self.state.ids.new()
        call = Call(callid=callid, kind=kind, started=self.clock.now())
        self.state.calls[callid] = call
        return call

    def _add_leg(self, call: Call, leg: Leg) -> Leg:
        call.legs.append(leg)
        self.state.legs[leg.uuid] = leg
        leg.ring_started = self.clock.now()
        if leg.ext is not None:
            leg.ext.legs.append(leg)
        if leg.trunk is not None:
            leg.trunk.legs.append(leg)
        return leg

    def _drop_leg(self, leg: Leg) -> None:
        leg.state = "ended"
        self.state.legs.pop(leg.uuid, None)
        if leg.ext is not None and leg in leg.ext.legs:
            leg.ext.legs.remove(leg)
        if leg.trunk is not None and leg in leg.trunk.legs:
            leg.trunk.legs.remove(leg)

    def ext_leg(self, call: Call, ext: Extension, role: Any, callerid: str) -> Leg:
        """Add an extension leg to ``call``."""
        uuid = (
            call.callid if role == "caller" and not call.legs else self.state.ids.new()
        )
        return self._add_leg(
            call, Leg(uuid=uuid, call=call, role=role, ext=ext, callerid=callerid)
        )

    def _timer(self, call: Call, delay: float, callback: Callable[[], None]) -> None:
        call.timers.append(self.clock.call_later(delay, callback))

    def peer(self, leg: Leg) -> Leg | None:
        """The other main party of the leg's call."""
        for other in leg.call.live_legs():
            if (
                other is not leg
                and other.monitor_of is None
                and other.state != "ringing"
            ):
                return other
        for other in leg.call.live_legs():
            if other is not leg and other.monitor_of is None:
                return other
        return None

    def resolve_ext(self, number: str) -> Extension:
        """An extension by number, or errno 11."""
        ext = self.state.extensions.get(number)
        if ext is None:
            raise CallError(11)
        return ext

    # ------------------------------------------------------------------ placing calls
    def internal(self, caller_no: str, callee_no: str) -> Call:
        """Extension ``caller_no`` dials extension (or queue/IVR) ``callee_no``."""
        caller = self.resolve_ext(caller_no)
        call = self._new_call("Internal")
        call.callfrom, call.callto, call.originaldest = caller_no, callee_no, callee_no
        leg = self.ext_leg(call, caller, "caller", caller_no)
        leg.state = "ringback"
        self._route(call, callee_no)
        return call

    def outbound(
        self, ext_no: str, number: str, *, user_id: str = "", api: bool = False
    ) -> Call:
        """Extension dials an external number; with ``api`` the extension rings first."""
        ext = self.resolve_ext(ext_no)
        call = self._new_call("outbound")
        call.callfrom, call.callto, call.originaldest = ext_no, number, number
        call.user_id, call.api_originated = user_id, api
        leg = self.ext_leg(call, ext, "caller", ext_no)
        if api:
            leg.state = "ringing"
            party = {"extid": ext_no, "callerid": number, "uuid": leg.uuid}
            self._raw(call, "RING", {"calledext": party})
            self._push(ext, "Ringing")
            timeout = float(ext.settings.get("call_timeout") or 30)
            self._timer(call, timeout, lambda: self._ring_timeout(leg))
        else:
            leg.state = "ringback"
            self._dial_out(call)
        return call

    def _raw(
        self, call: Call, event: str, parties: dict[str, Any], **extra: Any
    ) -> None:
        report: dict[str, Any] = {
            "event": event,
            "callid": call.callid,
            **parties,
            **extra,
        }
        if call.user_id:
            report["user_id"] = call.user_id
        self.emit(report)

    def find_route(self, ext_no: str, number: str) -> Trunk | None:
        """The first free trunk of the first enabled route matching ``number`` for ``ext_no``."""
        for route in sorted(self.state.routes.values(), key=lambda r: r.order):
            if not route.enabled or ext_no not in route.extensions:
                continue
            patterns = [p.split("&", 1)[0] for p in route.patterns.split("@") if p]
            if not any(self._matches(p, number) for p in patterns):
                continue
            for name in route.gateways:
                trunk = self.state.trunks.get(name)
                if trunk is None or trunk.status in (
                    "disabled",
                    "unusable",
                    "fail to register",
                ):
                    continue
                if trunk.kind == "FXO" and (trunk.off_hook or trunk.legs):
                    continue
                return trunk
        return None

    @staticmethod
    def _matches(pattern: str, number: str) -> bool:
        try:
            return re.match(pattern, number) is not None
        except re.error:
            return False

    def _dial_out(self, call: Call) -> None:
        caller = call.caller
        ext = caller.ext
        if ext is None:  # pragma: no cover - impossible by construction
            raise CallError(-1)
        permission = ext.settings.get("call_permission") or "international"
        trunk = (
            None
            if permission in ("ban", "internal")
            else self.find_route(ext.number, call.callto)
        )
        if trunk is None:
            cause = (
                "OUTGOING_CALL_BARRED"
                if permission in ("ban", "internal")
                else "NO_ROUTE_DESTINATION"
            )
            self._end(call, caller, cause=cause, status="FAILED", originator="called")
            return
        remote = Leg(
            uuid=self.state.ids.new(),
            call=call,
            role="called",
            trunk=trunk,
            frm=ext.number,
            to=call.callto,
            callerid=ext.settings.get("effective_caller_id_number") or ext.number,
        )
        self._add_leg(call, remote)
        caller.state = "ringback"
        self._report("RING", call, [caller, remote])
        self._report("RINGBACK", call, [caller, remote])
        self._push(ext, "Ringback")

    def inbound(self, from_number: str, trunk_name: str, to: str = "") -> Call:
        """An external caller reaches ``trunk_name`` (CallinRequest first if it is controlled)."""
        trunk = self.state.trunks.get(trunk_name)
        if trunk is None:
            raise CallError(33)
        call = self._new_call("inbound")
        to = to or trunk.did_number or trunk.destination
        call.callfrom, call.callto, call.didnumber = from_number, to, trunk.did_number
        leg = Leg(
            uuid=call.callid,
            call=call,
            role="caller",
            trunk=trunk,
            frm=from_number,
            to=to,
            callerid=from_number,
            state="ringback",
        )
        self._add_leg(call, leg)
        if trunk.control_inbound:
            call.pending_accept = True
            party = {
                "from": from_number,
                "to": to,
                "trunk": trunk.name,
                "uuid": leg.uuid,
            }
            self._raw(call, "CallinRequest", {"callertrunk": party})
            self._timer(
                call, self.config.callin_window, lambda: self._window_closed(call)
            )
        else:
            self._route(call, trunk.destination)
        return call

    def _window_closed(self, call: Call) -> None:
        if call.pending_accept and not call.ended:
            self.accept(call)

    def accept(self, call: Call) -> None:
        """Let a CallinRequest call through (API accept or window timeout)."""
        if not call.pending_accept or call.ended:
            raise CallError(6)
        call.pending_accept = False
        trunk = call.caller.trunk
        if trunk is None:  # pragma: no cover - impossible by construction
            raise CallError(-1)
        self._route(call, trunk.destination)

    def refuse(self, call: Call) -> None:
        """Drop a CallinRequest call: HANGUP of the trunk leg, no CDR."""
        if not call.pending_accept or call.ended:
            raise CallError(6)
        call.pending_accept = False
        self._report("HANGUP", call, [call.caller], originator="called")
        self._finish(call)

    # ------------------------------------------------------------------ routing
    def _route(self, call: Call, dest: str) -> None:
        state = self.state
        call.caller.lastdest = dest
        if dest in state.extensions:
            self._ring_ext(call, state.extensions[dest])
        elif dest in state.queues:
            self._enqueue(call, state.queues[dest])
        elif dest in state.ivrs:
            self._enter_ivr(call, state.ivrs[dest])
        elif (
            call.caller.ext is not None
            and call.kind == "Internal"
            and dest not in state.extensions
        ):
            call.kind = "outbound"
            self._dial_out(call)
        else:
            self._end(
                call,
                call.caller,
                cause="UNALLOCATED_NUMBER",
                status="FAILED",
                originator="called",
            )

    def _ring_ext(self, call: Call, ext: Extension) -> Leg | None:
        caller = call.caller
        if ext.dnd or not ext.reachable or ext.busy:
            cause = "USER_BUSY" if ext.busy or ext.dnd else "USER_NOT_REGISTERED"
            fail = Leg(
                uuid=self.state.ids.new(),
                call=call,
                role="called",
                ext=ext,
                callerid=caller.callerid or caller.frm,
            )
            self._report(
                "CALLFAILED", call, [caller, fail], originator="called", cause=cause
            )
            self._end(
                call,
                caller,
                cause=cause,
                status="BUSY" if ext.busy else "FAILED",
                originator="called",
                failed_reported=True,
                lastdest=ext.number,
            )
            return None
        leg = self.ext_leg(call, ext, "called", caller.callerid or caller.frm)
        leg.state = "ringing"
        self._report("RING", call, [caller, leg])
        self._push(ext, "Ringing")
        self._report("RINGBACK", call, [caller, leg])
        if caller.ext is not None:
            self._push(caller.ext, "Ringback")
        timeout = float(ext.settings.get("call_timeout") or 30)
        self._timer(call, timeout, lambda: self._ring_timeout(leg))
        return leg

    def _ring_timeout(self, leg: Leg) -> None:
        if leg.state != "ringing" or leg.call.ended:
            return
        self._end(
            leg.call, leg, cause="NO_ANSWER", status="NO ANSWER", originator="called"
        )

    def _enter_ivr(self, call: Call, ivr: Ivr) -> None:
        call.ivr = ivr
        call.caller.state = "ivr"
        call.caller.originaldest = call.caller.originaldest or ivr.number
        call.originaldest = call.originaldest or ivr.number
        if call.answered_at is None:
            call.answered_at = self.clock.now()
        if ivr.timeout_destination:
            self._timer(
                call,
                self.config.ivr_timeout,
                lambda: self._ivr_leave(call, ivr, ivr.timeout_destination),
            )

    def _ivr_leave(self, call: Call, ivr: Ivr, dest: str) -> None:
        if call.ended or call.ivr is not ivr:
            return
        call.ivr = None
        caller = call.caller
        caller.to = dest
        caller.originaldest = ivr.number
        self._report(
            "TRANSFER", call, [caller], transfer_from=ivr.number, transfer_to=dest
        )
        caller.state = "ringing"
        self._route(call, dest)

    # ------------------------------------------------------------------ answering
    def answer(self, leg: Leg) -> None:
        """A ringing party picks up."""
        call = leg.call
        if leg.state != "ringing" or call.ended or call.pending_accept:
            raise CallError(6)
        if leg is call.caller and not call.api_originated:
            raise CallError(6)
        now = self.clock.now()
        leg.answered_at = now
        leg.state = "talking"
        if leg.monitor_of is not None:
            self._report("ANSWER", call, [leg])
            if leg.ext is None:  # pragma: no cover - impossible by construction
                raise CallError(-1)
            self._push(leg.ext, "Talking")
            return
        if call.api_originated and leg is call.caller:
            party = {
                "extid": leg.ext.number if leg.ext else "",
                "callerid": call.callto,
                "uuid": leg.uuid,
            }
            self._raw(call, "ANSWER", {"calledext": party})
            self._dial_out(call)
            return
        caller = call.caller
        if call.answered_at is None or call.kind == "inbound":
            call.answered_at = call.answered_at or now
        if caller.ext is not None and leg.ext is None:
            # A remote party answered an outbound call.
            caller.state = "talking"
            self._report("ANSWERED", call, [caller, leg])
            self._push(caller.ext, "Talking")
            return
        caller.state = "talking"
        call.caller.lastdest = leg.ext.number if leg.ext else call.caller.lastdest
        self._report("ANSWER", call, [caller, leg])
        if caller.ext is not None:
            self._report("ANSWERED", call, [caller, leg])
        if leg.ext is None:  # pragma: no cover - impossible by construction
            raise CallError(-1)
        self._push(leg.ext, "Talking")
        if caller.ext is not None:
            self._push(caller.ext, "Talking")
        for other in call.live_legs():
            if (
                other is not leg
                and other is not caller
                and other.state == "ringing"
                and other.monitor_of is None
            ):
                self._drop_leg(other)
                if other.ext is not None:
                    self._idle(other.ext)
        # An extension whose calls are recorded (its user_record setting) starts
        # recording as the call is answered, as the PBX does (api-behaviour.md 4.8).
        for recorded in (caller, leg):
            if (
                recorded.ext is not None
                and recorded.recording is None
                and recorded.ext.settings.get("user_record") == "true"
            ):
                self._start_recording(recorded, "auto")
        if call.queue is not None and call in call.queue.waiting:
            call.queue_answered = now
            call.queue.waiting.remove(call)
            self._queue_status(call.queue, "Remove", call)
            self.dispatch(call.queue)

    # ------------------------------------------------------------------ ending
    def hangup(self, leg: Leg) -> None:
        """``leg`` hangs up (or is hung up through the API)."""
        call = leg.call
        if leg.state == "ended" or call.ended:
            raise CallError(6)
        if leg.monitor_of is not None:
            self._report("HANGUP", call, [leg], originator="called")
            self._drop_leg(leg)
            if leg.ext is None:  # pragma: no cover - impossible by construction
                raise CallError(-1)
            self._idle(leg.ext)
            return
        if call.pending_accept:
            self.refuse(call)
            return
        originator = "caller" if leg is call.caller else "called"
        if leg is not call.caller and leg.state == "ringing":
            ringing = [
                x
                for x in call.live_legs()[1:]
                if x.state == "ringing" and x.monitor_of is None
            ]
            if call.queue is not None and len(ringing) > 1:
                # One queue agent declines; the others keep ringing.
                self._drop_leg(leg)
                if leg.ext is None:  # pragma: no cover - impossible by construction
                    raise CallError(-1)
                self._idle(leg.ext)
                return
            self._end(
                call,
                leg,
                cause="NO_USER_RESPONSE",
                status="NO ANSWER",
                originator="called",
            )
            return
        talking = call.caller.state == "ivr" or any(
            x.state in ("talking", "held") for x in call.legs[1:]
        )
        cause = "NORMAL_CLEARING" if talking else "ORIGINATOR_CANCEL"
        self._end(
            call,
            leg,
            cause=cause,
            status="ANSWERED" if talking else "NO ANSWER",
            originator=originator,
        )

    def _end(
        self,
        call: Call,
        by: Leg,
        *,
        cause: str,
        status: str,
        originator: str,
        failed_reported: bool = False,
        lastdest: str = "",
    ) -> None:
        if call.ended:
            return
        caller = call.caller
        others = [
            x for x in call.live_legs() if x is not caller and x.monitor_of is None
        ]
        main = next(
            (x for x in others if x.state in ("talking", "held")),
            others[0] if others else None,
        )
        for leg in call.live_legs():
            if leg.recording is not None:
                self._stop_recording(leg)
        parties = [caller] if main is None else [caller, main]
        if status != "ANSWERED" and not failed_reported:
            self._report(
                "CALLFAILED", call, parties, originator=originator, cause=cause
            )
        if status == "ANSWERED" or self.config.hangup_on_unanswered:
            self._report("HANGUP", call, parties, originator=originator)
            if self.config.two_hangup_reports:
                self._report(
                    "HANGUP", call, list(reversed(parties)), originator=originator
                )
        if call.queue is not None and call in call.queue.waiting:
            call.queue.waiting.remove(call)
            self._queue_status(call.queue, "Remove", call)
        exts = [
            x.ext
            for x in ([by] + [x for x in call.legs if x is not by])
            if x.ext is not None
        ]
        answer = call.answered_at if status == "ANSWERED" else None
        self._finish(call)
        seen: set[str] = set()
        for ext in exts:
            if ext.number not in seen:
                seen.add(ext.number)
                self._idle(ext)
        self._cdr(call, status, cause, main, answer, lastdest)
        self.dispatch_all()

    def _finish(self, call: Call) -> None:
        call.ended = True
        for timer in call.timers:
            timer.cancel()
        for leg in call.legs:
            if leg.state != "ended":
                self._drop_leg(leg)
        if call.queue is not None and call in call.queue.waiting:
            call.queue.waiting.remove(call)
        self.state.calls.pop(call.callid, None)

    def _cdr(
        self,
        call: Call,
        status: str,
        cause: str,
        main: Leg | None,
        answer: float | None,
        lastdest: str,
    ) -> None:
        now = self.clock.now()
        report = cdr_report(call, status, cause, main, answer, lastdest, now)
        if not self.config.faults.drop_cdr_reports:
            self.emit(report)
        self.state.cdrs.append(cdr_record(call, report, now, answer, main))
        self.state.cdr_index[call.callid] = self.state.cdrs[-1]

    # ------------------------------------------------------------------ in-call actions
    def hold(self, leg: Leg, *, api: bool = True) -> None:
        """Put the leg's call on hold."""
        if leg.state != "talking" or leg.call.ended:
            raise CallError(6)
        leg.state = "held"
        if self.config.report_api_actions or not api:
            self._report("HOLD", leg.call, [leg])

    def unhold(self, leg: Leg, *, api: bool = True) -> None:
        """Resume a held leg."""
        if leg.state != "held" or leg.call.ended:
            raise CallError(6)
        leg.state = "talking"
        if self.config.report_api_actions or not api:
            self._report("UNHOLD", leg.call, [leg])

    def transfer(self, leg: Leg, target: str, *, api: bool = True) -> None:
        """Blind-transfer ``leg``'s call: its peer drops out and ``target`` rings for ``leg``."""
        call = leg.call
        if leg.state not in ("talking", "held") or call.ended:
            raise CallError(6)
        peer = self.peer(leg)
        if target in self.state.extensions:
            ext = self.state.extensions[target]
            if ext.busy or not ext.reachable:
                raise CallError(33 if not ext.reachable else 6)
        elif not target.isdigit():
            raise CallError(25)
        source = ""
        if peer is not None:
            source = peer.ext.number if peer.ext else peer.to or peer.frm
        if self.config.report_api_actions or not api:
            self._report(
                "TRANSFER",
                call,
                [leg],
                transfer_time=stamp(self.clock.now()),
                transfer_from=source,
                transfer_to=target,
            )
        if peer is not None:
            if peer.recording is not None:
                self._stop_recording(peer)
            self._drop_leg(peer)
            if peer.ext is not None:
                self._idle(peer.ext)
        if leg is not call.caller:
            call.legs.remove(leg)
            call.legs.insert(0, leg)
        leg.role = "caller"
        if peer is not None:
            peer.role = "called"
        leg.state = "ringback" if leg.ext else "ringing"
        if target in self.state.extensions:
            self._ring_ext(call, self.state.extensions[target])
        else:
            if leg.ext is None:
                raise CallError(35)
            call.callto = target
            self._dial_out(call)
        self.dispatch_all()

    def record(self, leg: Leg) -> bool:
        """Start recording ``leg`` (True) or stop a running recording (False)."""
        if leg.state not in ("talking", "held") or leg.call.ended:
            raise CallError(6)
        if leg.recording is not None:
            self._stop_recording(leg)
            return False
        self._start_recording(leg, "api")
        return True

    def _start_recording(self, leg: Leg, origin: str) -> None:
        """Record ``leg`` (``origin``: "api" on request, "auto" for user_record)."""
        call = leg.call
        now = self.clock.now()
        frm = call.callfrom
        to = leg.ext.number if leg.ext else leg.to
        stamp_ = time.strftime("%Y-%m-%d-%H-%M-%S", time.localtime(now))
        name = f"{origin}-{frm}-{to}_{stamp_}.wav"
        leg.recording = Recording(now, name, "ext" if leg.ext else "trunk")
        call.record_names.append(name)
        self._report("RECORDSTART", call, [leg], record_type=leg.recording.kind)

    def _stop_recording(self, leg: Leg) -> None:
        rec = leg.recording
        if rec is None:  # pragma: no cover - impossible by construction
            raise CallError(-1)
        leg.recording = None
        now = self.clock.now()
        path = time.strftime("%Y/%b/%d", time.localtime(rec.started))
        self._report(
            "RECORDEND",
            leg.call,
            [leg],
            record_type=rec.kind,
            record_start_time=stamp(rec.started),
            record_end_time=stamp(now),
            record_seconds=str(int(now - rec.started)),
            download_path=f"https://{self.config.serial_number}/app/xml_cdr/download.php?"
            f"path=/recordings/IPPBX/archive/{path}/{rec.filename}",
        )

    def play(self, leg: Leg, filename: str, files: int) -> None:
        """Play prompts to a leg; PLAYEND follows after ``prompt_seconds`` per file."""
        if leg.state in ("ended", "ringing") or leg.call.ended:
            raise CallError(6)

        def done() -> None:
            if leg.state != "ended":
                self._report("PLAYEND", leg.call, [leg], filename=filename)

        self._timer(leg.call, self.config.prompt_seconds * max(files, 1), done)

    def dtmf(self, leg: Leg, digits: str) -> None:
        """The leg presses keys: DTMF per digit; an IVR acts on the first mapped one."""
        call = leg.call
        if leg.state == "ended" or call.ended or call.pending_accept:
            raise CallError(6)
        for digit in digits:
            self._report(
                "DTMF", call, [leg], dtmf=digit, index=str(call.dtmf_index), info=digit
            )
            call.dtmf_index += 1
            ivr = call.ivr
            if ivr is not None and leg is call.caller and digit in ivr.keys:
                self._ivr_leave(call, ivr, ivr.keys[digit])

    def monitor(self, spy: Extension, target: Extension, mode: str) -> Leg:
        """``spy`` listens in on ``target``'s call: the spy's phone rings first."""
        if mode not in ("listen", "whisper", "bargein"):
            raise CallError(9)
        allowed = target.settings.get("eavesdrop_enable") or "disable"
        if allowed == "disable" or (
            allowed == "enable_extensions"
            and spy.number
            not in (target.settings.get("eavesdrop_extensions") or "").split(",")
        ):
            raise CallError(10)
        spy_mode = spy.settings.get("eavesdrop_mode") or "none"
        if spy_mode not in ("all", mode, "barge-in" if mode == "bargein" else mode):
            raise CallError(10)
        live = [leg for leg in target.legs if leg.state in ("talking", "held")]
        if not live or spy.busy or not spy.reachable:
            raise CallError(6)
        call = live[0].call
        leg = self.ext_leg(call, spy, "called", target.number)
        leg.monitor_of = target.number
        leg.state = "ringing"
        self._report("RING", call, [leg])
        self._push(spy, "Ringing")
        return leg

    # ------------------------------------------------------------------ other events
    def set_registered(self, ext: Extension, registered: bool) -> None:
        """A SIP phone (un)registers."""
        if ext.kind != "SIP" or ext.registered == registered:
            return
        ext.registered = registered
        ext.ip_port = "192.168.10.200:5060" if registered else None
        word = "Registered" if registered else "Unregistered"
        self.pushed[ext.number] = word
        self.emit({"event": "ExtensionStatus", "extension": ext.number, "status": word})
        if registered:
            self.dispatch_all()

    def conference(self, number: str, create: bool) -> str:
        """A conference room starts or ends."""
        name = self.config.conference_rooms.get(number, f"conf{number}")
        if create:
            uuid = self.state.conferences.get(number) or self.state.ids.new()
            self.state.conferences[number] = uuid
        else:
            uuid = self.state.conferences.pop(number, "") or self.state.ids.new()
        event = "CONFERENCECREATE" if create else "CONFERENCEDESTROY"
        self.emit(
            {
                "event": event,
                "uuid": uuid,
                "conference_name": name,
                "conference_number": number,
            }
        )
        return uuid

    def drop_all(self) -> None:
        """Forget every call silently (reboot)."""
        for call in list(self.state.calls.values()):
            self._finish(call)
        for queue in self.state.queues.values():
            queue.waiting.clear()
        self.pushed.clear()
