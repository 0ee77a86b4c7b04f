"""Every parser of PBX input, as (strategy, callable) pairs for tests and benchmarks/fuzz.py."""

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from custom_components.synway_ippbx.api import (
    AgentState,
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
    SynwayClient,
    TrunkInfo,
    TrunkSettings,
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
