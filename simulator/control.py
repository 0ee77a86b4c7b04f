"""The control API under ``/_simulator/`` (JSON; not part of the PBX API).

Reads (GET):
    /_simulator/state                 live state: extensions, trunks, queues, calls, counters
    /_simulator/requests              PBX API requests received: [{path, name, body, token, method, time}]
    /_simulator/reports               reports emitted so far (most recent 20,000)

Actions (POST, JSON body; answer ``{"status":"ok", ...}`` or HTTP 400 ``{"status":"error"}``):
    /_simulator/call/internal         {"caller":"1000","callee":"1002","answer":false}
    /_simulator/call/outbound         {"ext":"1000","number":"5551234","answer":false}
    /_simulator/call/inbound          {"caller":"5559876","trunk":"SIP-1","to":"","accept":true|false|null,
                                       "dtmf":"1","answer":false}
    /_simulator/ext_outbound          {"ext":"1000","number":"5551234","user_id":""}
    /_simulator/answer                {"target": extension | leg uuid | callid}
    /_simulator/hangup                {"target": ...}
    /_simulator/hold, /unhold         {"target": ...}
    /_simulator/transfer              {"target": ..., "destination":"1005"}   (phone-side)
    /_simulator/dtmf                  {"target": ..., "digits":"12#"}
    /_simulator/accept, /refuse       {"callid": ...}                          (CallinRequest)
    /_simulator/register, /unregister {"extid":"1003"}
    /_simulator/extensions/add        {"number":"1010","kind":"SIP","registered":true}
    /_simulator/extensions/remove     {"number":"1010"}
    /_simulator/trunks/add            {"name":"SIP-3","kind":"SIP","sip_address":"...","port":null,
                                       "did_number":"","destination":"1000","control_inbound":false}
    /_simulator/trunks/remove         {"name":"SIP-3"}
    /_simulator/queues/add            {"number":"6702","name":"Q","static_agents":[],"dynamic_agents":[],
                                       "logged_in":[],"password":""}
    /_simulator/queues/remove         {"number":"6702"}
    /_simulator/conference            {"number":"6400","create":true}
    /_simulator/reboot                {}
    /_simulator/expire_tokens         {}
    /_simulator/faults                {"unresponsive":false,"http_500":false,"slow_seconds":0,
                                       "drop_reports":0.0,"duplicate_reports":0.0,
                                       "reorder_extension_status":false,
                                       "bare_success":["ext_status"],
                                       "empty_list_with_total":false,"missing_page":0,
                                       "redirect_to":"http://elsewhere:8080",
                                       "redirect_status":307}
    /_simulator/quirks                {"capitalised_status":false,"number_style":"manual|numbers|strings",
                                       "duplicate_keys":false,"omit_optional":false,
                                       "dnd_setting":false,"list_agents_on_break":false}
    /_simulator/advance               {"seconds":10}
    /_simulator/flush                 {}
    /_simulator/requests/clear        {}
"""

from collections.abc import Awaitable, Callable
import dataclasses
import json
from typing import Any

from aiohttp import web

from .config import QueueSpec, TrunkSpec
from .context import Controls
from .state import CallError

type Action = Callable[[Controls, dict[str, Any]], Any]


def _s(body: dict[str, Any], key: str, default: str | None = None) -> str:
    value = body.get(key, default)
    if value is None:
        raise ValueError(f"missing {key}")
    return str(value)


def _call_result(call: Any) -> dict[str, Any]:
    return {
        "callid": call.callid,
        "legs": [leg.uuid for leg in call.legs],
        "ended": call.ended,
    }


ACTIONS: dict[str, Action] = {
    "call/internal": lambda sim, b: _call_result(
        sim.call_internal(
            _s(b, "caller"), _s(b, "callee"), answer=bool(b.get("answer"))
        )
    ),
    "call/outbound": lambda sim, b: _call_result(
        sim.call_outbound(_s(b, "ext"), _s(b, "number"), answer=bool(b.get("answer")))
    ),
    "call/inbound": lambda sim, b: _call_result(
        sim.call_inbound(
            _s(b, "caller"),
            _s(b, "trunk", "SIP-2"),
            to=_s(b, "to", ""),
            accept=b.get("accept"),
            dtmf=_s(b, "dtmf", ""),
            answer=bool(b.get("answer")),
        )
    ),
    "ext_outbound": lambda sim, b: _call_result(
        sim.ext_outbound(_s(b, "ext"), _s(b, "number"), _s(b, "user_id", ""))
    ),
    "answer": lambda sim, b: {"uuid": sim.answer(_s(b, "target")).uuid},
    "hangup": lambda sim, b: sim.hangup(_s(b, "target")),
    "hold": lambda sim, b: sim.hold(_s(b, "target")),
    "unhold": lambda sim, b: sim.unhold(_s(b, "target")),
    "transfer": lambda sim, b: sim.transfer(_s(b, "target"), _s(b, "destination")),
    "dtmf": lambda sim, b: sim.dtmf(_s(b, "target"), _s(b, "digits")),
    "accept": lambda sim, b: sim.accept(_s(b, "callid")),
    "refuse": lambda sim, b: sim.refuse(_s(b, "callid")),
    "register": lambda sim, b: sim.register(_s(b, "extid")),
    "unregister": lambda sim, b: sim.unregister(_s(b, "extid")),
    "extensions/add": lambda sim, b: sim.add_extension(
        _s(b, "number"),
        _s(b, "kind", "SIP"),
        registered=bool(b.get("registered", True)),
    ),
    "extensions/remove": lambda sim, b: sim.remove_extension(_s(b, "number")),
    "trunks/add": lambda sim, b: sim.add_trunk(TrunkSpec(**b)),
    "trunks/remove": lambda sim, b: sim.remove_trunk(_s(b, "name")),
    "queues/add": lambda sim, b: sim.add_queue(QueueSpec(**b)),
    "queues/remove": lambda sim, b: sim.remove_queue(_s(b, "number")),
    "conference": lambda sim, b: {
        "uuid": sim.conference(
            _s(b, "number", "6400"), create=bool(b.get("create", True))
        )
    },
    "reboot": lambda sim, b: sim.reboot(),
    "expire_tokens": lambda sim, b: sim.expire_tokens(),
    "faults": lambda sim, b: sim.set_faults(**b),
    "quirks": lambda sim, b: sim.set_quirks(**b),
    "advance": lambda sim, b: sim.advance(float(b.get("seconds", 0))),
    "requests/clear": lambda sim, b: sim.requests.clear(),
}


def add_control_routes(app: web.Application, sim: Controls) -> None:
    """Mount the control API on ``app``."""

    async def state(request: web.Request) -> web.Response:
        return web.json_response(sim.snapshot())

    async def requests(request: web.Request) -> web.Response:
        return web.json_response([dataclasses.asdict(r) for r in sim.requests])

    async def reports(request: web.Request) -> web.Response:
        return web.Response(
            text=json.dumps(list(sim.reports)), content_type="application/json"
        )

    async def flush(request: web.Request) -> web.Response:
        await sim.flush_reports()
        return web.json_response({"status": "ok"})

    def action_handler(
        name: str, action: Action
    ) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handle(request: web.Request) -> web.Response:
            try:
                body = await request.json() if await request.read() else {}
                result = action(sim, body if isinstance(body, dict) else {"": body})
            except CallError as err:
                return web.json_response(
                    {"status": "error", "errno": err.errno}, status=400
                )
            except (ValueError, TypeError, KeyError) as err:
                return web.json_response(
                    {"status": "error", "error": str(err)}, status=400
                )
            payload = {"status": "ok"} | (result if isinstance(result, dict) else {})
            return web.json_response(payload)

        handle.__name__ = f"control_{name.replace('/', '_')}"
        return handle

    app.router.add_get("/_simulator/state", state)
    app.router.add_get("/_simulator/requests", requests)
    app.router.add_get("/_simulator/reports", reports)
    app.router.add_post("/_simulator/flush", flush)
    for name, action in ACTIONS.items():
        app.router.add_post(f"/_simulator/{name}", action_handler(name, action))
