"""Call detail records: the CDR report and the stored record behind ``cdrs``.

Pure functions of a finished call, so the engine only decides *when* a call ends.
"""

import time
from typing import Any

from .state import Call, Leg


def stamp(epoch: float | None) -> str:
    """The manual's time format, in the PBX's local time."""
    if epoch is None:
        return ""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(epoch))


def cdr_report(
    call: Call,
    status: str,
    cause: str,
    main: Leg | None,
    answer: float | None,
    lastdest: str,
    now: float,
) -> dict[str, Any]:
    """The CDR report the PBX posts when a call ends."""
    caller = call.caller
    if not lastdest:
        lastdest = (
            main.ext.number
            if main and main.ext
            else main.to
            if main and main.trunk
            else caller.lastdest or call.callto
        )
    talk = int(now - answer) if answer is not None else 0
    report: dict[str, Any] = {
        "event": "CDR",
        "callid": call.callid,
        "callfrom": call.callfrom,
        "callto": call.callto,
        "callerid": caller.callerid,
        "originaldest": call.originaldest or call.callto,
        "lastdest": lastdest,
    }
    if call.didnumber:
        report["didnumber"] = call.didnumber
    if caller.trunk is not None:
        report["srctrunk"] = caller.trunk.name
    if main is not None and main.trunk is not None:
        report["desttrunk"] = main.trunk.name
    report |= {
        "status": status,
        "reason": cause,
        "type": call.kind,
        "calltime": stamp(call.started),
        "answertime": stamp(answer),
        "hanguptime": stamp(now),
        "talktime": str(talk),
    }
    if call.queue is not None:
        joined = call.queue_joined or call.started
        answered = call.queue_answered
        report["waittimeinqueue"] = str(int((answered or now) - joined))
        ring = call.agent_ring_started
        report["agentringtime"] = str(int((answered or now) - ring)) if ring else "0"
        report["agenttalktime"] = str(int(now - answered)) if answered else "0"
    if call.user_id:
        report["user_id"] = call.user_id
    return report


def cdr_record(
    call: Call,
    report: dict[str, Any],
    now: float,
    answer: float | None,
    main: Leg | None,
) -> dict[str, Any]:
    """The call record ``cdrs`` returns for the same call (FusionPBX-style fields)."""
    status = report["status"]
    if status == "ANSWERED":
        call_status = "answered"
    elif report["reason"] == "ORIGINATOR_CANCEL":
        call_status = "cancelled"
    elif status == "NO ANSWER":
        call_status = "missed"
    else:
        call_status = "failed"
    direction = {"Internal": "local", "inbound": "inbound", "outbound": "outbound"}[
        call.kind
    ]
    gateway = report.get("srctrunk") or report.get("desttrunk")
    ext = call.caller.ext
    record_name = call.record_names[0] if call.record_names else None
    return {
        "uuid": call.callid,
        "extension_uuid": ext.uuid if ext else None,
        "direction": direction,
        "caller_id_name": call.callfrom,
        "caller_id_number": call.callfrom,
        "caller_destination": call.originaldest or call.callto,
        "source_number": None,
        "destination_number": call.callto,
        "start_stamp": stamp(call.started),
        "start_epoch": str(int(call.started)),
        "answer_stamp": stamp(answer) or None,
        "answer_epoch": str(int(answer)) if answer else None,
        "end_stamp": stamp(now),
        "end_epoch": str(int(now)),
        "duration": str(int(now - call.started)),
        "billsec": report["talktime"],
        "hangup_cause": report["reason"],
        "call_status": call_status,
        "gateway_name": gateway,
        "outbound_callerid_number": (
            call.caller.callerid if call.kind == "outbound" else None
        ),
        "did_number": call.didnumber or None,
        "last_destination": report["lastdest"],
        "cc_queue": call.queue.number if call.queue else None,
        "cc_queue_joined_epoch": str(int(call.queue_joined))
        if call.queue_joined
        else None,
        "cc_queue_answered_epoch": (
            str(int(call.queue_answered)) if call.queue_answered else None
        ),
        "cc_queue_terminated_epoch": str(int(now)) if call.queue else None,
        "cc_cancel_reason": (
            "BREAK_OUT" if call.queue and not call.queue_answered else None
        ),
        "cc_queue_wait_time_in_queue": report.get("waittimeinqueue"),
        "cc_agent_ring_time": report.get("agentringtime"),
        "cc_agent_talk_time": report.get("agenttalktime"),
        "rtp_audio_in_mos": "4.5" if answer else None,
        "record_name": record_name,
        "trunk_record_name": None,
        "one_touch_record_name": None,
        "conference_name": None,
        "cost": "0.00",
        "bridge_uuid": main.uuid if main else None,
        "sip_hangup_disposition": "recv_bye" if answer else None,
    }
