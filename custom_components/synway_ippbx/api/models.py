"""Typed, immutable views of the PBX's responses and the Pythonic inputs of requests.

One module per kind of object (extensions, trunks, queues, alarms, calls); this one gathers
them so that ``from .models import X`` names any model. Input models (``ExtensionChanges``,
``AlarmSettings``, ...) refuse values the PBX would refuse on construction and know their
API spelling (``to_api``).
"""

from .alarms import Alarm, AlarmChanges, AlarmSettings, alarms_from_api
from .base import ApiModel, WireModel, wire
from .calls import CallRecord, CallRecordDetail, CdrPage, CdrQuery, TtsPrompt
from .extensions import (
    ExtensionChanges,
    ExtensionSettings,
    ExtensionState,
    ExtensionStatusPage,
    Forwarding,
)
from .queues import QueueCaller, QueueInfo, QueueMember, QueueStatus
from .trunks import Ivr, OutboundRoute, TrunkInfo, TrunkSettings

__all__ = [
    "Alarm",
    "AlarmChanges",
    "AlarmSettings",
    "ApiModel",
    "CallRecord",
    "CallRecordDetail",
    "CdrPage",
    "CdrQuery",
    "ExtensionChanges",
    "ExtensionSettings",
    "ExtensionState",
    "ExtensionStatusPage",
    "Forwarding",
    "Ivr",
    "OutboundRoute",
    "QueueCaller",
    "QueueInfo",
    "QueueMember",
    "QueueStatus",
    "TrunkInfo",
    "TrunkSettings",
    "TtsPrompt",
    "WireModel",
    "alarms_from_api",
    "wire",
]
