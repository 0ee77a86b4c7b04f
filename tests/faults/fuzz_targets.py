"""Every parser of PBX input, as (strategy, callable) pairs for tests and benchmarks/fuzz.py."""

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from custom_components.synway_ippbx.api import (
    AgentState,
    AgentType,
    Alarm,
    CallRecord,
    CallRecordDetail,
    CdrPage,
    ExtensionSettings,
    ExtensionState,
    ExtensionStatus,
    ExtensionStatusPage,
    Ivr,
    OutboundRoute,
    QueueCaller,
    QueueInfo,
    QueueMember,
    QueueStatus,
    SynwayClient,
    TrunkInfo,
    TrunkSettings,
    TrunkStatus,
    parse_report,
)
from custom_components.synway_ippbx.api.models import alarms_from_api
from custom_components.synway_ippbx.api.parsing import loads

from .strategies import answer_bodies, encode, json_objects, json_values, report_bodies

type Target = tuple[st.SearchStrategy[Any], Callable[[Any], object]]


def _model(parse: Callable[[Any], object]) -> Callable[[Any], object]:
    """Feed a model what the client feeds it: the decoded object (repeated keys kept)."""
    return lambda value: parse(loads(encode(value)))


TARGETS: dict[str, Target] = {
    "report": (report_bodies, parse_report),
    "answer": (answer_bodies, lambda body: SynwayClient._decode("fuzz", body)),
    "agent_state": (json_values, AgentState),
    "alarms": (json_values, lambda value: alarms_from_api(loads(encode(value)))),
    **{
        model.__name__: (json_objects, _model(model.from_api))
        for model in (
            Alarm,
            CallRecord,
            CallRecordDetail,
            CdrPage,
            ExtensionSettings,
            ExtensionState,
            ExtensionStatusPage,
            Ivr,
            OutboundRoute,
            QueueCaller,
            QueueInfo,
            QueueMember,
            QueueStatus,
            TrunkInfo,
            TrunkSettings,
        )
    },
}


type Valid = tuple[Any, Callable[[Any], object], object]
"""A well-formed input, what to read from its parse, and what that must be.

The property tests also feed these: a parser that rejected every input would pass a test
that only looks for unexpected exceptions.
"""

VALID: dict[str, Valid] = {
    "report": (
        b'{"event":"RING","callid":"c1","from":"201","to":"202"}',
        lambda report: (report.event, report.callid),
        ("RING", "c1"),
    ),
    "answer": (
        b'{"status":"Success","data":{"x":1}}',
        lambda data: data["data"],
        {"x": 1},
    ),
    "agent_state": ("logged in", lambda state: state, AgentState.LOGGED_IN),
    "alarms": (
        {
            "extid": "201",
            "wakeup": [{"wakeup_uuid": "a1", "wakeup_hour": "7", "wakeup_min": "30"}],
        },
        lambda alarms: [(a.alarm_id, a.extension, a.time.isoformat()) for a in alarms],
        [("a1", "201", "07:30:00")],
    ),
    "Alarm": (
        {"wakeup_uuid": "a1", "wakeup_hour": "7", "wakeup_min": "30"},
        lambda alarm: (alarm.alarm_id, alarm.time.isoformat()),
        ("a1", "07:30:00"),
    ),
    "CallRecord": (
        {"uuid": "r1", "billsec": "12", "caller_id_number": "201"},
        lambda record: (record.record_id, record.talk_time, record.caller),
        ("r1", 12, "201"),
    ),
    "CallRecordDetail": (
        {"uuid": "r1", "end_epoch": "1700000000"},
        lambda record: (record.record_id, record.end_epoch),
        ("r1", 1700000000),
    ),
    "CdrPage": (
        {"total": "1", "data": [{"uuid": "r1"}]},
        lambda page: (page.total, [record.record_id for record in page.records]),
        (1, ["r1"]),
    ),
    "ExtensionSettings": (
        {"extension": "201", "username": "Anna", "enabled": "yes"},
        lambda settings: (settings.extension, settings.name, settings.enabled),
        ("201", "Anna", True),
    ),
    "ExtensionState": (
        {"extension": "201", "status": "Idle"},
        lambda state: (state.extension, state.status),
        ("201", ExtensionStatus.IDLE),
    ),
    "ExtensionStatusPage": (
        {"total": "1", "data": [{"extension": "201", "status": "Idle"}]},
        lambda page: (page.total, [state.extension for state in page.extensions]),
        (1, ["201"]),
    ),
    "Ivr": (
        {"ivrid": "6201", "ivrname": "Main"},
        lambda ivr: (ivr.ivr_id, ivr.name),
        ("6201", "Main"),
    ),
    "OutboundRoute": ({"outbound_name": "Out"}, lambda route: route.name, "Out"),
    "QueueCaller": (
        {"callerid": "301", "position": "1"},
        lambda caller: (caller.caller_id, caller.position),
        ("301", 1),
    ),
    "QueueInfo": (
        {"queueid": "6700", "queuename": "Sales"},
        lambda q: (q.queue_id, q.name),
        ("6700", "Sales"),
    ),
    "QueueMember": (
        {"extid": "201", "type": "static"},
        lambda member: (member.extension, member.type),
        ("201", AgentType.STATIC),
    ),
    "QueueStatus": (
        {"queueid": "6700", "callercount": "2"},
        lambda status: (status.queue_id, status.caller_count),
        ("6700", 2),
    ),
    "TrunkInfo": (
        {"trunkname": "T1", "status": "Idle"},
        lambda t: (t.name, t.status),
        ("T1", TrunkStatus.IDLE),
    ),
    "TrunkSettings": ({"trunkname": "T1"}, lambda trunk: trunk.name, "T1"),
}
