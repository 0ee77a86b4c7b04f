"""The PBX API of Chapter 3: one handler per ``/API/<name>`` endpoint.

Each handler takes the simulator, the caller's session and the JSON body, and returns the
response body; failures raise :class:`~simulator.auth.ApiError` with the manual's errno, which the
server turns into ``{"status":"failed","errno":"<n>"}`` with HTTP 200.
"""

from collections.abc import Callable
import datetime
import math
from typing import Any

from .auth import ApiError, Session
from .config import ExtensionSpec
from .context import PbxContext
from .state import FORWARD_KINDS, CallError, Leg

type Body = dict[str, Any]
type Handler = Callable[[PbxContext, Session, Body], Any]

OK: Body = {"status": "success"}
TC_TYPES = ("All", "WorkTime", "Holiday", "Custom")
PERMISSIONS = ("ban", "internal", "local", "long_distance", "international")
BOOL = ("true", "false")


def opt(body: Body, key: str) -> str | None:
    """An optional string field (numbers accepted); objects and lists are errno 25."""
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool | dict | list):
        raise ApiError(25)
    return str(value).strip()


def req(body: Body, key: str) -> str:
    """A required string field: missing or empty is errno 30."""
    value = opt(body, key)
    if not value:
        raise ApiError(30)
    return value


def _int(value: str, low: int, high: int, errno: int = 25) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ApiError(errno) from None
    if not low <= number <= high:
        raise ApiError(errno)
    return number


def _leg(sim: PbxContext, body: Body) -> Leg:
    uuid = req(body, "uuid")
    leg = sim.state.legs.get(uuid)
    if leg is None:
        raise ApiError(6)
    return leg


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


# ---------------------------------------------------------------- authentication
def heartbeat(sim: PbxContext, session: Session, body: Body) -> Any:
    """Refresh the token (done by the auth check) and take a new report URL if given."""
    url = opt(body, "url")
    if url:
        session.url = url
        session.target = sim.target_for(url, session.client_ip)
    return OK


def logout(sim: PbxContext, session: Session, body: Body) -> Any:
    """End the session."""
    sim.auth.logout(session)
    return OK


# ---------------------------------------------------------------- extensions
def ext_query(sim: PbxContext, session: Session, body: Body) -> Any:
    """Settings of some or all extensions."""
    exts = sim.state.extensions
    wanted = opt(body, "extid")
    if wanted:
        numbers = _split(wanted)
        if any(n not in exts for n in numbers):
            raise ApiError(11)
    else:
        numbers = list(exts)
    return {
        "status": "success",
        "extinfo": [_settings_with_dnd(sim, exts[n]) for n in numbers],
    }


def _settings_with_dnd(sim: PbxContext, ext: Any) -> dict[str, Any]:
    """The settings, plus do-not-disturb where the firmware quirk reports it."""
    settings: dict[str, Any] = dict(ext.settings)
    if sim.config.quirks.dnd_setting:
        settings["dnd_enabled"] = "true" if ext.dnd else "false"
    return settings


def _validate_settings(body: Body) -> dict[str, str]:
    changes: dict[str, str] = {}
    checks: dict[str, tuple[tuple[str, ...], int]] = {
        "call_permission": (PERMISSIONS, 14),
        "voicemail_enabled": (BOOL, 15),
        "enabled": (BOOL, 25),
        "force_ping": (BOOL, 25),
        "outbound_restriction": (BOOL, 25),
        "extension_trunk": (BOOL, 25),
        "user_record": (BOOL, 25),
        "extension_type": (("SIP", "FXS"), 25),
        "eavesdrop_enable": (("disable", "enable_all", "enable_extensions"), 25),
        "eavesdrop_mode": (("none", "all", "listen", "whisper", "barge-in"), 25),
    }
    for kind in (*FORWARD_KINDS, "follow_me"):
        checks[f"{kind}_enabled"] = (BOOL, 25)
        checks[f"{kind}_tc_type"] = (TC_TYPES, 25)
    free = {
        "username",
        "effective_caller_id_number",
        "password",
        "absolute_codec_string",
        "eavesdrop_extensions",
    }
    free |= {f"{k}_destination" for k in (*FORWARD_KINDS, "follow_me")}
    free |= {f"{k}_tc_uuid" for k in (*FORWARD_KINDS, "follow_me")}
    for key in body:
        if key in ("extid", "action"):
            continue
        value = opt(body, key)
        if value is None:
            continue
        if key in checks:
            allowed, errno = checks[key]
            if value not in allowed:
                raise ApiError(errno)
        elif key in ("max_registrations", "call_timeout", "max_call_duration"):
            _int(value, 1, 100000)
        elif key not in free:
            continue
        changes[key] = value
    return changes


def ext_mod(sim: PbxContext, session: Session, body: Body) -> Any:
    """Update or add an extension (errno 39 full, 40 exists, 41 out of range)."""
    action = req(body, "action")
    if action not in ("update", "add"):
        raise ApiError(25)
    extid = req(body, "extid")
    changes = _validate_settings(body)
    exts = sim.state.extensions
    if action == "update":
        if extid not in exts:
            raise ApiError(11)
        exts[extid].settings.update(changes)
        dnd = opt(body, "dnd_enabled")
        if sim.config.quirks.dnd_setting and dnd is not None:
            if dnd not in BOOL:
                raise ApiError(25)
            exts[extid].dnd = dnd == "true"
        return OK
    low, high = sim.config.extension_range
    if not extid.isdigit() or not low <= int(extid) <= high:
        raise ApiError(41)
    if extid in exts:
        raise ApiError(40)
    if len(exts) >= sim.config.max_extensions:
        raise ApiError(39)
    kind = changes.get("extension_type", "SIP")
    ext = sim.state.add_extension(
        ExtensionSpec(extid, kind="FXS" if kind == "FXS" else "SIP", registered=False)
    )
    ext.settings.update(changes)
    return OK


def ext_status(sim: PbxContext, session: Session, body: Body) -> Any:
    """Statuses, one page (``ext_status_page_size``) at a time."""
    exts = sim.state.extensions
    wanted = opt(body, "extid")
    if wanted:
        numbers = _split(wanted)
        if any(n not in exts for n in numbers):
            raise ApiError(11)
    else:
        numbers = list(exts)
    size = sim.config.ext_status_page_size
    page_text = opt(body, "page")
    page = _int(page_text, 1, 10**9) if page_text else 1
    total = len(numbers)
    chunk = numbers[(page - 1) * size : page * size]
    faults = sim.config.faults
    if faults.empty_list_with_total or page == faults.missing_page:
        chunk = []
    data = []
    for number in chunk:
        ext = exts[number]
        data.append(
            {
                "extension": ext.number,
                "effective_caller_id_name": ext.name,
                "extension_type": ext.kind,
                "extension_uuid": ext.uuid,
                "port": ext.port,
                "ip_port": ext.ip_port,
                "ip": ext.ip_port,
                "status": sim.engine.ext_status_word(ext),
            }
        )
    return {
        "status": "success",
        "total": total,
        "max_page": max(1, math.ceil(total / size)),
        "page": page,
        "count": len(data),
        "data": data,
    }


# ---------------------------------------------------------------- trunks
def trunk_list(sim: PbxContext, session: Session, body: Body) -> Any:
    """Every trunk with its type and status."""
    trunks = []
    for trunk in sim.state.trunks.values():
        item = {"trunkname": trunk.name, "type": trunk.kind, "status": trunk.status}
        if trunk.kind == "FXO" or trunk.did_number:
            item["did_number"] = trunk.did_number
        trunks.append(item)
    return {"status": "success", "trunklist": trunks}


def trunk_query(sim: PbxContext, session: Session, body: Body) -> Any:
    """Settings of some or all trunks."""
    trunks = sim.state.trunks
    wanted = opt(body, "trunkname")
    names = _split(wanted) if wanted else list(trunks)
    if any(n not in trunks for n in names):
        raise ApiError(25)
    result = []
    for name in names:
        trunk = trunks[name]
        item = {"trunkname": trunk.name}
        if trunk.kind == "SIP":
            item["sip_address"] = trunk.sip_address or ""
        else:
            item["port"] = trunk.port or ""
        result.append(item)
    return {"status": "success", "trunks": result}


# ---------------------------------------------------------------- queues and agents
def queue_list(sim: PbxContext, session: Session, body: Body) -> Any:
    """Every queue."""
    return {
        "status": "success",
        "queuelist": [
            {"queueid": q.number, "queuename": q.name}
            for q in sim.state.queues.values()
        ],
    }


def _queue(sim: PbxContext, body: Body) -> Any:
    queue = sim.state.queues.get(req(body, "queueid"))
    if queue is None:
        raise ApiError(12)
    return queue


def queue_members(sim: PbxContext, session: Session, body: Body) -> Any:
    """Waiting callers and agents of a queue."""
    queue = _queue(sim, body)
    now = sim.clock.now()
    callers = []
    for position, call in enumerate(queue.waiting, start=1):
        joined = call.queue_joined or now
        callers.append(
            {
                "callerid": call.callfrom,
                "callid": call.callid,
                "position": str(position),
                "inqueue_time": datetime.datetime.fromtimestamp(joined).strftime(
                    "%Y-%m-%d %H:%M:%S"
                ),
                "wait_time": str(int(now - joined)),
            }
        )
    members = []
    for agent in queue.agents.values():
        # The manual words only Waiting, Receiving and In a queue call: an agent on
        # break takes no queue call, so it is not listed (agent_query tells its break).
        if not agent.logged_in:
            continue
        if agent.paused:
            if sim.config.quirks.list_agents_on_break:
                members.append(
                    {
                        "extid": agent.extid,
                        "type": "dynamic" if agent.dynamic else "static",
                        "state": "On break",
                    }
                )
            continue
        ext = sim.state.extensions.get(agent.extid)
        states = {leg.state for leg in ext.legs} if ext else set()
        in_queue_call = (
            any(leg.call.queue is queue for leg in ext.legs) if ext else False
        )
        if in_queue_call and "ringing" in states:
            state = "Receiving"
        elif in_queue_call:
            state = "In a queue call"
        else:
            state = "Waiting"
        members.append(
            {
                "extid": agent.extid,
                "type": "dynamic" if agent.dynamic else "static",
                "state": state,
            }
        )
    return {
        "status": "success",
        "queueid": queue.number,
        "callercount": str(len(callers)),
        "callers": callers,
        "members": members,
    }


def _agent(sim: PbxContext, body: Body, *, password: bool, dynamic: bool) -> Any:
    queue = _queue(sim, body)
    extid = req(body, "extid")
    if extid not in sim.state.extensions:
        raise ApiError(11)
    if password and queue.password and opt(body, "password") != queue.password:
        raise ApiError(13)
    agent = queue.agents.get(extid)
    if agent is None or (dynamic and not agent.dynamic):
        raise ApiError(48)
    return queue, agent


def agent_query(sim: PbxContext, session: Session, body: Body) -> Any:
    """A dynamic agent's status."""
    queue, agent = _agent(sim, body, password=True, dynamic=True)
    status = (
        "on break" if agent.paused else "logged in" if agent.logged_in else "logged out"
    )
    return {
        "status": "success",
        "queueid": queue.number,
        "extid": agent.extid,
        "agentstatus": status,
    }


def _all_queues(sim: PbxContext, body: Body) -> list[tuple[Any, Any]]:
    extid = req(body, "extid")
    if extid not in sim.state.extensions:
        raise ApiError(11)
    pairs = [
        (q, q.agents[extid])
        for q in sim.state.queues.values()
        if extid in q.agents and q.agents[extid].dynamic
    ]
    if not pairs:
        raise ApiError(48)
    return pairs


def agent_login(sim: PbxContext, session: Session, body: Body) -> Any:
    """A dynamic agent logs in (``mode":"all"``: every queue it belongs to)."""
    if opt(body, "mode") == "all":
        pairs = _all_queues(sim, body)
    else:
        pairs = [_agent(sim, body, password=True, dynamic=True)]
    for queue, agent in pairs:
        if not agent.logged_in:
            agent.logged_in = True
            agent.paused = False
            sim.emit(
                {
                    "event": "AgentStatus",
                    "queueid": queue.number,
                    "extid": agent.extid,
                    "status": "login",
                }
            )
    sim.engine.dispatch_all()
    return OK


def agent_logout(sim: PbxContext, session: Session, body: Body) -> Any:
    """A dynamic agent logs out (errno 26 when not logged in)."""
    if opt(body, "mode") == "all":
        pairs = [p for p in _all_queues(sim, body) if p[1].logged_in]
        if not pairs:
            raise ApiError(26)
    else:
        pairs = [_agent(sim, body, password=True, dynamic=True)]
        if not pairs[0][1].logged_in:
            raise ApiError(26)
    for queue, agent in pairs:
        agent.logged_in = False
        agent.paused = False
        sim.emit(
            {
                "event": "AgentStatus",
                "queueid": queue.number,
                "extid": agent.extid,
                "status": "logout",
            }
        )
    queue = pairs[0][0]
    return {"status": "success", "queueid": queue.number, "extid": pairs[0][1].extid}


def agent_break(sim: PbxContext, session: Session, body: Body) -> Any:
    """Pause an agent: AgentWrapUp on (+ AgentStatus onbreak for dynamic agents)."""
    queue, agent = _agent(sim, body, password=False, dynamic=False)
    if not agent.logged_in or agent.paused:
        raise ApiError(26)
    agent.paused = True
    sim.emit(
        {
            "event": "AgentWrapUp",
            "queueid": queue.number,
            "extid": agent.extid,
            "status": "on",
        }
    )
    if agent.dynamic:
        sim.emit(
            {
                "event": "AgentStatus",
                "queueid": queue.number,
                "extid": agent.extid,
                "status": "onbreak",
            }
        )
    return {"status": "success", "queueid": queue.number, "extid": agent.extid}


def agent_resume(sim: PbxContext, session: Session, body: Body) -> Any:
    """Resume a paused agent (errno 27 when not paused)."""
    queue, agent = _agent(sim, body, password=False, dynamic=False)
    if not agent.paused:
        raise ApiError(27)
    agent.paused = False
    sim.emit(
        {
            "event": "AgentWrapUp",
            "queueid": queue.number,
            "extid": agent.extid,
            "status": "off",
        }
    )
    if agent.dynamic:
        sim.emit(
            {
                "event": "AgentStatus",
                "queueid": queue.number,
                "extid": agent.extid,
                "status": "resume",
            }
        )
    sim.engine.dispatch(queue)
    return {"status": "success", "queueid": queue.number, "extid": agent.extid}


# ---------------------------------------------------------------- outbound routes, IVR
def _route_body(sim: PbxContext, route: Any) -> Body:
    exts = sim.state.extensions
    trunks = sim.state.trunks
    return {
        "domain_uuid": "7ad965ea-1285-4511-b240-32b236a7a4d3",
        "dialplan_uuid": route.uuid,
        "outbound_name": route.name,
        "outbound_pintype": "none",
        "outbound_singlepin": None,
        "outbound_pinlist": None,
        "outbound_rrmemory_hunt": "false",
        "outbound_dialpatterns": route.patterns,
        "outbound_next_route": "true",
        "outbound_failed_sip_code": "403|408|488|500|502|504|480",
        "outbound_enabled": "true" if route.enabled else "false",
        "outbound_order": str(route.order),
        "member_extension": [
            {"extension": e, "extension_uuid": exts[e].uuid}
            for e in route.extensions
            if e in exts
        ],
        "member_gateway": [
            {
                "gateway": g,
                "gateway_uuid": trunks[g].uuid,
                "outbound_gateway_order": str(100 + i),
            }
            for i, g in enumerate(route.gateways)
            if g in trunks
        ],
        "time_condition_destination": [],
    }


def outbound_query(sim: PbxContext, session: Session, body: Body) -> Any:
    """Outbound routes: a bare JSON list, as the manual's example shows."""
    name = opt(body, "outboundname") or opt(body, " outboundname ")
    routes = sim.state.routes
    if name:
        if name not in routes:
            raise ApiError(35)
        items = [_route_body(sim, routes[name])]
    else:
        items = [
            _route_body(sim, r) for r in sorted(routes.values(), key=lambda r: r.order)
        ]
    if sim.config.outbound_query_wrapped:
        return {"status": "success", "outbounds": items}
    return items


def _members(value: Any, known: Any, errno: int) -> list[str]:
    if isinstance(value, list):
        items = [str(v) for v in value]
    elif isinstance(value, str | int):
        items = _split(str(value))
    else:
        raise ApiError(25)
    if any(i not in known for i in items):
        raise ApiError(errno)
    return items


def outbound_mod(sim: PbxContext, session: Session, body: Body) -> Any:
    """Update or add an outbound route (errno 35 unknown, 44 exists)."""
    name = req(body, "outboundname")
    action = req(body, "action")
    if action not in ("update", "add"):
        raise ApiError(25)
    enabled = opt(body, "outbound_enabled")
    if enabled is not None and enabled not in BOOL:
        raise ApiError(25)
    members = None
    gateways = None
    if body.get("member_extension") is not None:
        members = _members(body["member_extension"], sim.state.extensions, 11)
    if body.get("member_gateway") is not None:
        gateways = _members(body["member_gateway"], sim.state.trunks, 33)
    new_name = opt(body, "outbound_name")
    routes = sim.state.routes
    if action == "add":
        if name in routes:
            raise ApiError(44)
        from .config import RouteSpec

        route = sim.state.add_route(
            RouteSpec(name, extensions=members or [], gateways=gateways or [])
        )
    else:
        if name not in routes:
            raise ApiError(35)
        route = routes[name]
        if members is not None:
            route.extensions = members
        if gateways is not None:
            route.gateways = gateways
    if enabled is not None:
        route.enabled = enabled == "true"
    if new_name and new_name != route.name:
        if new_name in routes:
            raise ApiError(44)
        del routes[route.name]
        route.name = new_name
        routes[new_name] = route
    return OK


def ivr_list(sim: PbxContext, session: Session, body: Body) -> Any:
    """Every IVR."""
    return {
        "status": "success",
        "ivrlist": [
            {"ivrid": i.number, "ivrname": i.name} for i in sim.state.ivrs.values()
        ],
    }


# ---------------------------------------------------------------- wake-up alarms
ALARM_KEYS = (
    "wakeup_name",
    "wakeup_enabled",
    "wakeup_prompt",
    "wakeup_custom_day",
    "wakeup_wday",
    "wakeup_mday",
    "wakeup_hour",
    "wakeup_min",
    "wakeup_snooze_time",
    "wakeup_retry_times",
)


def _alarm_fields(body: Body, current: dict[str, str] | None) -> dict[str, str]:
    fields = dict(current or {})
    for key in ALARM_KEYS:
        value = opt(body, key)
        if value is not None:
            fields[key] = value
    if current is None:
        for key in ("wakeup_hour", "wakeup_min", "wakeup_snooze_time"):
            if not fields.get(key):
                raise ApiError(30)
    if not fields.get("wakeup_name"):
        raise ApiError(18)
    if fields.get("wakeup_enabled", "true") not in BOOL:
        raise ApiError(17)
    custom = fields.get("wakeup_custom_day", "false")
    if custom not in BOOL:
        raise ApiError(19)
    if custom == "true":
        days = _split(fields.get("wakeup_wday", ""))
        if not days or any(d not in "1234567" or len(d) != 1 for d in days):
            raise ApiError(20)
        fields["wakeup_mday"] = fields.get("wakeup_mday", "") if current else ""
    else:
        try:
            datetime.date.fromisoformat(fields.get("wakeup_mday", ""))
        except ValueError:
            raise ApiError(21) from None
        fields.setdefault("wakeup_wday", "")
    _int(fields.get("wakeup_hour", ""), 0, 23, 22)
    _int(fields.get("wakeup_min", ""), 0, 59, 23)
    _int(fields.get("wakeup_snooze_time", ""), 1, 86400, 24)
    if fields.get("wakeup_retry_times"):
        _int(fields["wakeup_retry_times"], 0, 100, 29)
    fields.setdefault("wakeup_enabled", "true")
    fields.setdefault("wakeup_prompt", "")
    fields.setdefault("wakeup_custom_day", custom)
    fields.setdefault("wakeup_retry_times", "3")
    return fields


def _alarm_body(alarm: Any) -> Body:
    return {
        "wakeup_name": alarm.fields["wakeup_name"],
        "wakeup_uuid": alarm.uuid,
        **{k: v for k, v in alarm.fields.items() if k != "wakeup_name"},
    }


def alarm_query(sim: PbxContext, session: Session, body: Body) -> Any:
    """Alarms of one extension (an object) or of all extensions (a list)."""
    extid = opt(body, "extid")
    alarms = sim.state.alarms.values()
    if extid:
        if extid not in sim.state.extensions:
            raise ApiError(11)
        return {
            "status": "success",
            "wakeups": {
                "extid": extid,
                "wakeup": [_alarm_body(a) for a in alarms if a.extid == extid],
            },
        }
    by_ext: dict[str, list[Body]] = {}
    for alarm in alarms:
        by_ext.setdefault(alarm.extid, []).append(_alarm_body(alarm))
    return {
        "status": "success",
        "wakeups": [{"extid": e, "wakeup": items} for e, items in by_ext.items()],
    }


def alarm_add(sim: PbxContext, session: Session, body: Body) -> Any:
    """Add an alarm to one or more extensions (comma-separated)."""
    extids = _split(req(body, "extid"))
    if any(e not in sim.state.extensions for e in extids):
        raise ApiError(11)
    fields = _alarm_fields(body, None)
    uuids = []
    from .state import Alarm

    for extid in extids:
        alarm = Alarm(sim.state.ids.new(), extid, dict(fields))
        sim.state.alarms[alarm.uuid] = alarm
        uuids.append(alarm.uuid)
    return {"status": "success", "wakeup_uuid": ",".join(uuids)}


def alarm_mod(sim: PbxContext, session: Session, body: Body) -> Any:
    """Change an alarm (errno 16 unknown)."""
    alarm = sim.state.alarms.get(req(body, "wakeup_uuid"))
    if alarm is None:
        raise ApiError(16)
    alarm.fields = _alarm_fields(body, alarm.fields)
    return OK


def alarm_del(sim: PbxContext, session: Session, body: Body) -> Any:
    """Delete an alarm (optionally checking it belongs to one of ``extid``)."""
    uuid = req(body, "wakeup_uuid")
    alarm = sim.state.alarms.get(uuid)
    extids = opt(body, "extid")
    if alarm is None or (extids and alarm.extid not in _split(extids)):
        raise ApiError(16)
    del sim.state.alarms[uuid]
    return OK


# ---------------------------------------------------------------- calls
def _engine[T](action: Callable[[], T]) -> T:
    try:
        return action()
    except CallError as err:
        raise ApiError(err.errno) from None


def monitor(sim: PbxContext, session: Session, body: Body) -> Any:
    """``extid`` monitors ``monitorid``'s call (errno 9 mode, 10 authority)."""
    spy = sim.state.extensions.get(req(body, "extid"))
    target = sim.state.extensions.get(req(body, "monitorid"))
    mode = req(body, "mode")
    if spy is None or target is None:
        raise ApiError(11)
    _engine(lambda: sim.engine.monitor(spy, target, mode))
    return OK


def play_sound_file(sim: PbxContext, session: Session, body: Body) -> Any:
    """Play custom prompts or TTS to a leg (errno 7 no such file, 8 wrong mode)."""
    leg = _leg(sim, body)
    kind = opt(body, "type") or "custom"
    mode = req(body, "mode")
    if kind not in ("custom", "tts"):
        raise ApiError(25)
    if mode not in ("local", "other", "both"):
        raise ApiError(8)
    if kind == "custom":
        filename = req(body, "filename")
        files = _split(filename)
        if not files or any(f not in sim.config.prompts for f in files):
            raise ApiError(7)
    else:
        req(body, "tts_type")
        req(body, "tts_url")
        param = body.get("tts_param")
        if not isinstance(param, dict | str) or not param:
            raise ApiError(30)
        filename, files = "tts", ["tts"]
    _engine(lambda: sim.engine.play(leg, filename, len(files)))
    return OK


def ext_outbound(sim: PbxContext, session: Session, body: Body) -> Any:
    """The extension rings first; once answered, the external number is dialled."""
    extid = req(body, "extid")
    number = req(body, "calledid")
    ext = sim.state.extensions.get(extid)
    if ext is None:
        raise ApiError(11)
    if not number.replace("+", "").replace("*", "").replace("#", "").isdigit():
        raise ApiError(25)
    if ext.settings.get("call_permission") in ("ban", "internal"):
        raise ApiError(14)
    if sim.engine.find_route(extid, number) is None:
        raise ApiError(35)
    if ext.busy or not ext.reachable:
        raise ApiError(31)
    user_id = opt(body, "user_id") or ""
    sim.engine.outbound(extid, number, user_id=user_id, api=True)
    return OK


def transfer_ext(sim: PbxContext, session: Session, body: Body) -> Any:
    """Transfer the leg ``uuid`` to an extension or an outside number."""
    leg = _leg(sim, body)
    target = req(body, "extid")
    _engine(lambda: sim.engine.transfer(leg, target))
    return OK


def hangup(sim: PbxContext, session: Session, body: Body) -> Any:
    """Hang up the leg's call."""
    leg = _leg(sim, body)
    _engine(lambda: sim.engine.hangup(leg))
    return OK


def hold(sim: PbxContext, session: Session, body: Body) -> Any:
    """Hold the leg."""
    leg = _leg(sim, body)
    _engine(lambda: sim.engine.hold(leg))
    return OK


def unhold(sim: PbxContext, session: Session, body: Body) -> Any:
    """Resume the held leg."""
    leg = _leg(sim, body)
    _engine(lambda: sim.engine.unhold(leg))
    return OK


def audio(sim: PbxContext, session: Session, body: Body) -> Any:
    """Volume (-4..4) or mute/unmute for speak, listen or both."""
    leg = _leg(sim, body)
    direction = req(body, "direction")
    kind = req(body, "type")
    if direction not in ("speak", "listen", "both"):
        raise ApiError(25)
    directions = ("speak", "listen") if direction == "both" else (direction,)
    if kind == "mute":
        mode = req(body, "mode")
        if mode not in ("mute", "unmute"):
            raise ApiError(25)
        for d in directions:
            leg.muted[d] = mode == "mute"
    elif kind == "level":
        level = _int(req(body, "level"), -4, 4)
        for d in directions:
            leg.levels[d] = level
    else:
        raise ApiError(25)
    return OK


def _pending_call(sim: PbxContext, body: Body) -> Any:
    uuid = req(body, "uuid")
    call = sim.state.calls.get(uuid)
    if call is None or not call.pending_accept:
        raise ApiError(6)
    return call


def inbound_accept(sim: PbxContext, session: Session, body: Body) -> Any:
    """Route a CallinRequest call now."""
    call = _pending_call(sim, body)
    _engine(lambda: sim.engine.accept(call))
    return OK


def inbound_refuse(sim: PbxContext, session: Session, body: Body) -> Any:
    """Drop a CallinRequest call (no CDR)."""
    call = _pending_call(sim, body)
    _engine(lambda: sim.engine.refuse(call))
    return OK


def hook(sim: PbxContext, session: Session, body: Body) -> Any:
    """Take an FXO port off-hook (``on``) or put it back on-hook (``off``)."""
    port = req(body, "port")
    mode = req(body, "mode")
    if mode not in ("on", "off"):
        raise ApiError(25)
    trunk = sim.state.trunk_by_port(port)
    if trunk is None:
        raise ApiError(33)
    trunk.off_hook = mode == "on"
    return OK


def record(sim: PbxContext, session: Session, body: Body) -> Any:
    """Start recording the leg, or stop its running recording."""
    leg = _leg(sim, body)
    _engine(lambda: sim.engine.record(leg))
    return OK


# ---------------------------------------------------------------- CDRs, events
CDR_LIST_KEYS = (
    "uuid",
    "start_stamp",
    "answer_stamp",
    "hangup_cause",
    "duration",
    "direction",
    "billsec",
    "caller_id_number",
    "caller_destination",
    "source_number",
    "destination_number",
    "outbound_callerid_number",
    "call_status",
    "did_number",
    "last_destination",
    "cc_queue_wait_time_in_queue",
    "cc_agent_ring_time",
    "cc_agent_talk_time",
    "rtp_audio_in_mos",
    "record_name",
    "trunk_record_name",
    "one_touch_record_name",
    "gateway_name",
    "cost",
    "sip_hangup_disposition",
)


def _stamp_filter(body: Body, key: str) -> str | None:
    value = opt(body, key)
    if not value:
        return None
    try:
        datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise ApiError(25) from None
    return value


def cdrs(sim: PbxContext, session: Session, body: Body) -> Any:
    """Finished calls, newest first, filtered and paged (``limit`` per page)."""
    extid = opt(body, "extid")
    caller = opt(body, "caller_id_number")
    dest = opt(body, "destination_number")
    out_cid = opt(body, "outbound_callerid_number")
    direction = opt(body, "direction")
    status = opt(body, "call_status")
    if direction and direction not in ("inbound", "outbound", "local"):
        raise ApiError(25)
    if status and status not in (
        "answered",
        "cancelled",
        "failed",
        "missed",
        "voicemail",
    ):
        raise ApiError(25)
    if extid and extid not in sim.state.extensions:
        raise ApiError(11)
    ranges = {
        k: _stamp_filter(body, k)
        for k in (
            "start_stamp_begin",
            "start_stamp_end",
            "end_stamp_begin",
            "end_stamp_end",
        )
    }
    limit_text = opt(body, "limit")
    limit = _int(limit_text, 1, 1000) if limit_text else sim.config.cdr_page_size
    page_text = opt(body, "page")
    page = _int(page_text, 1, 10**9) if page_text else 1

    def keep(rec: dict[str, Any]) -> bool:
        if extid and extid not in (
            rec["caller_id_number"],
            rec["destination_number"],
            rec["last_destination"],
        ):
            return False
        if caller and rec["caller_id_number"] != caller:
            return False
        if dest and dest not in (rec["destination_number"], rec["last_destination"]):
            return False
        if out_cid and rec["outbound_callerid_number"] != out_cid:
            return False
        if direction and rec["direction"] != direction:
            return False
        if status and rec["call_status"] != status:
            return False
        checks = (
            ("start_stamp_begin", "start_stamp", 1),
            ("start_stamp_end", "start_stamp", -1),
            ("end_stamp_begin", "end_stamp", 1),
            ("end_stamp_end", "end_stamp", -1),
        )
        for filt, field, sign in checks:
            bound = ranges[filt]
            if bound and ((rec[field] < bound) if sign > 0 else (rec[field] > bound)):
                return False
        return True

    found = [r for r in reversed(sim.state.cdrs) if keep(r)]
    chunk = found[(page - 1) * limit : page * limit]
    return {
        "status": "success",
        "total": len(found),
        "max_page": max(1, math.ceil(len(found) / limit)),
        "page": page,
        "limit": limit,
        "count": len(chunk),
        "data": [{k: r.get(k) for k in CDR_LIST_KEYS} for r in chunk],
    }


def cdr_query(sim: PbxContext, session: Session, body: Body) -> Any:
    """The full record of one CDR."""
    rec = sim.state.cdr_index.get(req(body, "cdrid"))
    if rec is None:
        raise ApiError(6)
    return {"status": "success", "data": [dict(rec)]}


def getevent(sim: PbxContext, session: Session, body: Body) -> Any:
    """The oldest queued event of a ``type=synway`` client (just a status when none)."""
    if not session.synway:
        raise ApiError(25)
    if not session.events:
        return OK
    return session.events.popleft()


HANDLERS: dict[str, Handler] = {
    "heartbeat": heartbeat,
    "logout": logout,
    "ext_query": ext_query,
    "ext_mod": ext_mod,
    "ext_status": ext_status,
    "trunk_list": trunk_list,
    "trunk_query": trunk_query,
    "queue_list": queue_list,
    "queue_members": queue_members,
    "agent_query": agent_query,
    "agent_login": agent_login,
    "agent_logout": agent_logout,
    "agent_break": agent_break,
    "agent_resume": agent_resume,
    "outbound_query": outbound_query,
    "outbound_mod": outbound_mod,
    "ivr_list": ivr_list,
    "alarm_query": alarm_query,
    "alarm_add": alarm_add,
    "alarm_mod": alarm_mod,
    "alarm_del": alarm_del,
    "monitor": monitor,
    "play_sound_file": play_sound_file,
    "ext_outbound": ext_outbound,
    "transfer_ext": transfer_ext,
    "hangup": hangup,
    "hold": hold,
    "unhold": unhold,
    "audio": audio,
    "inbound_accept": inbound_accept,
    "inbound_refuse": inbound_refuse,
    "hook": hook,
    "record": record,
    "cdrs": cdrs,
    "cdr_query": cdr_query,
    "getevent": getevent,
}
