"""The simulator: PBX state, the aiohttp listener, report fan-out, and Python control methods.

``Simulator`` is what tests use in-process::

    sim = Simulator(SimulatorConfig())
    await sim.start(host="127.0.0.1", port=0, https=True)
    call = sim.call_internal("1000", "1002")   # RING... reports go out
    sim.answer("1002")                          # ANSWER, ANSWERED, ExtensionStatus
    sim.hangup("1002")                          # HANGUP, ExtensionStatus, CDR
    await sim.flush_reports()
    await sim.stop()

Control targets (``answer``, ``hangup``, ``hold``...) may be a leg uuid, a callid, or an
extension number (its current leg). The same actions exist over HTTP under ``/_simulator/``
(see :mod:`simulator.control`).
"""

import asyncio
from collections import deque
from dataclasses import fields, replace
import json
import logging
import random
from typing import Any

from aiohttp import web

from . import api
from .auth import ApiError, Auth, Session
from .clock import Clock
from .config import ExtensionSpec, QueueSpec, SimulatorConfig, TrunkSpec
from .context import ApiRequest
from .delivery import Dispatcher, report_url
from .engine import Engine
from .state import Call, CallError, Ids, Leg, PbxState
from .tls import server_context
from .wire import Repeated, encode_response

_LOGGER = logging.getLogger(__name__)


def concerns(report: dict[str, Any], extid: str) -> bool:
    """True if ``report`` is about extension ``extid`` (getevent's extid filter)."""
    for key, value in report.items():
        if key in ("extension", "extid", "callfrom", "callto") and value == extid:
            return True
        items = value if isinstance(value, Repeated) else [value]
        for item in items:
            if isinstance(item, dict) and item.get("extid") == extid:
                return True
    return False


class Simulator:
    """A Synway IPPBX on a loopback port."""

    def __init__(
        self, config: SimulatorConfig | None = None, *, clock: Clock | None = None
    ):
        """Build the PBX from ``config``; nothing listens until :meth:`start`."""
        self.config = config or SimulatorConfig()
        self.rng = random.Random(self.config.seed)
        self.ids = Ids(self.rng)
        self.clock = clock or Clock(
            realtime=self.config.realtime, scale=self.config.time_scale
        )
        self.state = PbxState(self.config, self.ids)
        self.auth = Auth(self.config, self.clock, self.ids)
        self.dispatcher = Dispatcher(self.config, random.Random(self.config.seed + 1))
        self.engine = Engine(self.state, self.clock, self.config, self.emit)
        self.requests: list[ApiRequest] = []
        self.reports: deque[dict[str, Any]] = deque(maxlen=20000)
        self.https = True
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._host = "127.0.0.1"
        self._unblock = asyncio.Event()
        self._unblock.set()
        self._release_logins = asyncio.Event()
        self._release_logins.set()
        self.held_logins = 0
        self._ticker: asyncio.Task[None] | None = None
        self.traffic: Any = None

    # ------------------------------------------------------------------ lifecycle
    def make_app(self) -> web.Application:
        """The aiohttp application (PBX API plus control API)."""
        from .control import add_control_routes

        app = web.Application(
            middlewares=[self._faults_middleware], client_max_size=1024**2
        )
        app.router.add_route("*", "/API/{name}", self._api)
        add_control_routes(app, self)
        return app

    async def start(
        self, host: str = "127.0.0.1", port: int = 0, https: bool = True
    ) -> None:
        """Listen on ``host:port`` (0 picks a free port)."""
        self.https = https
        self._host = host
        # A restarted PBX posts reports again (stop() closed the dispatcher).
        self.dispatcher.reopen()
        self._runner = web.AppRunner(
            self.make_app(), access_log=None, shutdown_timeout=0.5
        )
        await self._runner.setup()
        site = web.TCPSite(
            self._runner,
            host,
            port,
            ssl_context=server_context(self.config.tls_legacy) if https else None,
        )
        await site.start()
        server = site._server  # noqa: SLF001 - the only way to learn the bound port
        if server is None:  # pragma: no cover - impossible by construction
            raise RuntimeError("no listening socket")
        sockets = getattr(server, "sockets", None) or []
        self._port = sockets[0].getsockname()[1] if sockets else port
        if self.config.realtime:
            self._ticker = asyncio.get_running_loop().create_task(
                self._tick(), name="synway-sim-clock"
            )
        if self.config.faults.unresponsive:
            self._unblock.clear()

    async def _tick(self) -> None:
        while True:
            self.clock.run_due()
            await asyncio.sleep(0.02)

    async def stop(self) -> None:
        """Close the listener, timers, traffic and report deliveries."""
        self._unblock.set()
        self._release_logins.set()
        if self.traffic is not None:
            self.traffic.stop()
        if self._ticker is not None:
            self._ticker.cancel()
            await asyncio.gather(self._ticker, return_exceptions=True)
            self._ticker = None
        self.clock.clear()
        await self.dispatcher.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def port(self) -> int:
        """The bound port."""
        return self._port

    @property
    def host(self) -> str:
        """``ip:port`` as a client would write it."""
        return f"{self._host}:{self._port}"

    @property
    def base_url(self) -> str:
        """``https://127.0.0.1:PORT`` (or http)."""
        return f"{'https' if self.https else 'http'}://{self.host}"

    async def flush_reports(self) -> None:
        """Wait until every queued report was delivered (or given up)."""
        await self.dispatcher.flush()

    def advance(self, seconds: float) -> None:
        """Move the simulated clock, firing due timers (ring timeouts, windows, prompts...)."""
        self.clock.advance(seconds)

    # ------------------------------------------------------------------ reports
    def target_for(self, url: str | None, client_ip: str) -> str:
        """Where a client's reports go."""
        return report_url(url, client_ip, self.config.report_default_port)

    def emit(self, report: dict[str, Any]) -> None:
        """Send a report to every logged-in client (and the getevent queues)."""
        self.reports.append(report)
        now = self.clock.now()
        for session in self.auth.live_sessions():
            if self.config.reports_refresh_token:
                session.last_seen = now
            if session.synway and (
                not session.extid or concerns(report, session.extid)
            ):
                session.events.append(report)
            if session.target:
                self.dispatcher.send(session.target, report)

    # ------------------------------------------------------------------ HTTP API
    @web.middleware
    async def _faults_middleware(
        self, request: web.Request, handler: Any
    ) -> web.StreamResponse:
        if not request.path.startswith("/API/"):
            return await handler(request)  # type: ignore[no-any-return]
        faults = self.config.faults
        if faults.unresponsive:
            self._unblock.clear()
            await self._unblock.wait()
        if faults.hold_logins and request.path == "/API/login":
            self.held_logins += 1
            self._release_logins.clear()
            await self._release_logins.wait()
        if faults.slow_seconds:
            await asyncio.sleep(faults.slow_seconds)
        if faults.http_500:
            return web.Response(status=500, text="500 Internal Server Error")
        if faults.redirect_to:
            # The whole path and query go along, the token with them, as a real
            # redirecting web server does.
            return web.Response(
                status=faults.redirect_status,
                headers={"Location": faults.redirect_to.rstrip("/") + request.path_qs},
            )
        name = request.path.removeprefix("/API/")
        if name in faults.bare_success:
            return self._respond({"status": "success"})
        if faults.errno and (
            name in faults.errno_endpoints
            if faults.errno_endpoints
            else name != "login"
        ):
            return self._failed(faults.errno)
        return await handler(request)  # type: ignore[no-any-return]

    def _respond(self, body: Any) -> web.Response:
        payload = encode_response(body, self.config.quirks)
        return web.Response(
            text=json.dumps(payload, ensure_ascii=False),
            content_type="application/json",
            headers={"Server": "Boa/0.94.14rc21", "Access-Control-Allow-Origin": "*"},
        )

    def _failed(self, errno: int) -> web.Response:
        return self._respond({"status": "failed", "errno": str(errno)})

    async def _api(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        token = request.query.get("token")
        try:
            raw = await request.read()
        except ConnectionResetError:
            # The client gave up (a timeout) while its slow request was being read: a
            # real PBX just drops such a connection, it logs no error.
            return web.Response(status=400)
        body: Any = None
        parse_error = False
        if raw.strip():
            try:
                body = json.loads(raw)
            except ValueError:
                parse_error = True
                body = raw.decode(errors="replace")
        self.requests.append(
            ApiRequest(
                request.path,
                name,
                body,
                token,
                request.method,
                self.clock.now(),
                request.headers.get("User-Agent", ""),
            )
        )
        if name != "login" and name not in api.HANDLERS:
            return web.json_response({"status": "failed", "errno": "-1"}, status=404)
        try:
            return self._respond(
                self._dispatch(name, token, body, parse_error, request.remote)
            )
        except ApiError as err:
            return self._failed(err.errno)
        except Exception:
            _LOGGER.exception("Simulator handler %s failed", name)
            return self._failed(-1)

    def _dispatch(
        self,
        name: str,
        token: str | None,
        body: Any,
        parse_error: bool,
        remote: str | None,
    ) -> Any:
        if name == "login":
            if parse_error or not isinstance(body, dict):
                raise ApiError(25)
            return self._login(body, remote or "127.0.0.1")
        session = self.auth.check(token)
        if parse_error or not isinstance(body, dict | None):
            raise ApiError(25)
        return api.HANDLERS[name](self, session, body or {})

    def _login(self, body: dict[str, Any], client_ip: str) -> dict[str, Any]:
        username = api.req(body, "username")
        password = api.req(body, "password")
        url = api.opt(body, "url")
        synway = api.opt(body, "type") == "synway"
        extid = api.opt(body, "extid") or ""
        target = self.target_for(url, client_ip) if (url or not synway) else None
        session = self.auth.login(
            username,
            password,
            client_ip,
            url=url,
            synway=synway,
            extid=extid,
            target=target,
        )
        return {"status": "success", "token": session.token}

    # ------------------------------------------------------------------ control: calls
    def _leg(self, target: str, *, prefer: str = "any") -> Leg:
        """Resolve a leg uuid, a callid or an extension number to a live leg."""
        state = self.state
        if target in state.legs:
            return state.legs[target]
        call = state.calls.get(target)
        if call is not None:
            live = call.live_legs()
            if prefer == "ringing":
                for leg in live:
                    if leg.state == "ringing":
                        return leg
            if live:
                return live[0]
        ext = state.extensions.get(target)
        if ext is not None:
            live = [leg for leg in ext.legs if leg.state != "ended"]
            if live:
                return live[0]
        trunk = state.trunks.get(target)
        if trunk is not None and trunk.legs:
            return trunk.legs[0]
        raise CallError(6)

    def call_internal(self, caller: str, callee: str, *, answer: bool = False) -> Call:
        """Extension ``caller`` dials ``callee`` (an extension, queue or IVR number)."""
        call = self.engine.internal(caller, callee)
        if answer and not call.ended:
            self.answer(call.callid)
        return call

    def call_outbound(self, ext: str, number: str, *, answer: bool = False) -> Call:
        """Extension ``ext`` dials an external number through its outbound route."""
        call = self.engine.outbound(ext, number)
        if answer and not call.ended:
            self.answer(call.callid)
        return call

    def call_inbound(
        self,
        caller: str,
        trunk: str = "SIP-2",
        *,
        to: str = "",
        accept: bool | None = None,
        dtmf: str = "",
        answer: bool = False,
    ) -> Call:
        """An external ``caller`` calls in on ``trunk``.

        ``accept`` True/False answers a CallinRequest at once (None leaves the 10 s window
        open), ``dtmf`` is pressed in the IVR, and ``answer`` makes the first ringing
        extension pick up.
        """
        call = self.engine.inbound(caller, trunk, to)
        if accept is True and call.pending_accept:
            self.engine.accept(call)
        elif accept is False and call.pending_accept:
            self.engine.refuse(call)
        if dtmf and not call.ended:
            self.engine.dtmf(call.caller, dtmf)
        if answer and not call.ended:
            self.answer(call.callid)
        return call

    def ext_outbound(self, ext: str, number: str, user_id: str = "") -> Call:
        """What the ext_outbound API does: ring the extension, dial out once it answers."""
        return self.engine.outbound(ext, number, user_id=user_id, api=True)

    def answer(self, target: str) -> Leg:
        """A ringing party picks up (extension number, leg uuid, or callid)."""
        leg = self._leg(target, prefer="ringing")
        if leg.state != "ringing":
            for other in leg.call.live_legs():
                if other.state == "ringing":
                    leg = other
                    break
        self.engine.answer(leg)
        return leg

    def hangup(self, target: str) -> None:
        """That party hangs up (a callid hangs up the caller)."""
        self.engine.hangup(self._leg(target))

    def hold(self, target: str) -> None:
        """The party puts the call on hold from its phone."""
        self.engine.hold(self._leg(target), api=False)

    def unhold(self, target: str) -> None:
        """The party resumes the held call from its phone."""
        self.engine.unhold(self._leg(target), api=False)

    def transfer(self, target: str, destination: str) -> None:
        """A phone-side blind transfer of ``target``'s peer to ``destination``."""
        leg = self._leg(target)
        peer = self.engine.peer(leg)
        self.engine.transfer(peer or leg, destination, api=False)

    def dtmf(self, target: str, digits: str) -> None:
        """The party presses keys."""
        self.engine.dtmf(self._leg(target), digits)

    def accept(self, callid: str) -> None:
        """Accept a pending CallinRequest (as inbound_accept)."""
        call = self.state.calls.get(callid)
        if call is None:
            raise CallError(6)
        self.engine.accept(call)

    def refuse(self, callid: str) -> None:
        """Refuse a pending CallinRequest (as inbound_refuse)."""
        call = self.state.calls.get(callid)
        if call is None:
            raise CallError(6)
        self.engine.refuse(call)

    def conference(self, number: str = "6400", *, create: bool = True) -> str:
        """A conference starts (CONFERENCECREATE) or ends (CONFERENCEDESTROY); returns its uuid."""
        return self.engine.conference(number, create)

    # ------------------------------------------------------------------ control: config
    def register(self, extid: str) -> None:
        """A SIP phone registers (ExtensionStatus Registered)."""
        self.engine.set_registered(self.engine.resolve_ext(extid), True)

    def unregister(self, extid: str) -> None:
        """A SIP phone goes away (ExtensionStatus Unregistered)."""
        self.engine.set_registered(self.engine.resolve_ext(extid), False)

    def add_extension(
        self, number: str, kind: str = "SIP", *, registered: bool = True
    ) -> None:
        """Add an extension (a configuration change, as on the web UI)."""
        if number in self.state.extensions:
            raise CallError(40)
        spec = ExtensionSpec(
            number, kind="FXS" if kind == "FXS" else "SIP", registered=registered
        )
        self.state.add_extension(spec)

    def remove_extension(self, number: str) -> None:
        """Delete an extension (its calls end first)."""
        ext = self.engine.resolve_ext(number)
        for leg in list(ext.legs):
            if not leg.call.ended:
                self.engine.hangup(leg)
        del self.state.extensions[number]
        for queue in self.state.queues.values():
            queue.agents.pop(number, None)
        for route in self.state.routes.values():
            if number in route.extensions:
                route.extensions.remove(number)

    def add_trunk(self, spec: TrunkSpec) -> None:
        """Add a trunk."""
        if spec.name in self.state.trunks:
            raise CallError(25)
        self.state.add_trunk(spec)

    def remove_trunk(self, name: str) -> None:
        """Delete a trunk (its calls end first)."""
        trunk = self.state.trunks.get(name)
        if trunk is None:
            raise CallError(33)
        for leg in list(trunk.legs):
            if not leg.call.ended:
                self.engine.hangup(leg)
        del self.state.trunks[name]
        for route in self.state.routes.values():
            if name in route.gateways:
                route.gateways.remove(name)

    def add_queue(self, spec: QueueSpec) -> None:
        """Add a queue."""
        if spec.number in self.state.queues:
            raise CallError(47)
        self.state.add_queue(spec)

    def remove_queue(self, number: str) -> None:
        """Delete a queue (its waiting callers are hung up)."""
        queue = self.state.queues.get(number)
        if queue is None:
            raise CallError(12)
        for call in list(queue.waiting):
            self.engine.hangup(call.caller)
        del self.state.queues[number]

    def reboot(self) -> None:
        """Restart: calls vanish, tokens are lost, Systemup goes to the clients that were in."""
        targets = {s.target for s in self.auth.forget_all() if s.target}
        self.engine.drop_all()
        for target in targets:
            self.dispatcher.send(target, {"event": "Systemup"})

    def expire_tokens(self) -> None:
        """Every token times out (errno 4)."""
        self.auth.expire_all()

    def set_faults(self, **changes: Any) -> None:
        """Switch faults (see :class:`~simulator.config.Faults`)."""
        names = {f.name for f in fields(self.config.faults)}
        unknown = set(changes) - names
        if unknown:
            raise ValueError(f"unknown faults: {sorted(unknown)}")
        was_reordering = self.config.faults.reorder_extension_status
        self.config.faults = replace(self.config.faults, **changes)
        if self.config.faults.unresponsive:
            self._unblock.clear()
        else:
            self._unblock.set()
        if not self.config.faults.hold_logins:
            self._release_logins.set()
        if was_reordering and not self.config.faults.reorder_extension_status:
            self.dispatcher.release_held()

    def set_quirks(self, **changes: Any) -> None:
        """Switch quirks (see :class:`~simulator.config.Quirks`)."""
        names = {f.name for f in fields(self.config.quirks)}
        unknown = set(changes) - names
        if unknown:
            raise ValueError(f"unknown quirks: {sorted(unknown)}")
        self.config.quirks = replace(self.config.quirks, **changes)

    def snapshot(self) -> dict[str, Any]:
        """A JSON-able view of the live state (control API ``GET /_simulator/state``)."""
        engine = self.engine
        return {
            "extensions": {
                n: {
                    "status": engine.ext_status_word(e),
                    "registered": e.registered,
                    "legs": [leg.uuid for leg in e.legs],
                }
                for n, e in self.state.extensions.items()
            },
            "trunks": {n: t.status for n, t in self.state.trunks.items()},
            "queues": {
                n: {
                    "waiting": [c.callid for c in q.waiting],
                    "agents": {
                        a.extid: {
                            "dynamic": a.dynamic,
                            "logged_in": a.logged_in,
                            "paused": a.paused,
                        }
                        for a in q.agents.values()
                    },
                }
                for n, q in self.state.queues.items()
            },
            "calls": {
                c.callid: {
                    "kind": c.kind,
                    "from": c.callfrom,
                    "to": c.callto,
                    "pending_accept": c.pending_accept,
                    "legs": [
                        {
                            "uuid": leg.uuid,
                            "key": leg.key,
                            "state": leg.state,
                            "number": leg.ext.number if leg.ext else leg.frm,
                        }
                        for leg in c.legs
                    ],
                }
                for c in self.state.calls.values()
            },
            "sessions": len(self.auth.sessions),
            "cdrs": len(self.state.cdrs),
            "clock": self.clock.now(),
            "delivery": vars(self.dispatcher.stats),
        }

    def session_for(self, token: str) -> Session | None:
        """The live session of ``token``, if any."""
        return self.auth.sessions.get(token)
