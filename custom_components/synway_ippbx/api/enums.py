"""Enumerations of the manual, parsed loosely from the PBX's spellings.

Values are Pythonic snake_case; ``api_value`` is what the PBX expects in a request. Parsing
ignores case, spaces, dashes and underscores, so ``InUse``, ``in use`` and ``in_use`` agree.
"""

from enum import StrEnum
from typing import Any, Self

from .parsing import normalise_word

# Members whose request spelling differs from their value, filled in below the classes.
_API_VALUES: dict[StrEnum, str] = {}
# Extra spellings seen from the PBX, keyed by class then by normalised word.
_ALIASES: dict[type[StrEnum], dict[str, str]] = {}
_LOOKUPS: dict[type[StrEnum], dict[str, Any]] = {}


class ApiEnum(StrEnum):
    """A manual enumeration: tolerant parsing and the API's own spelling."""

    @property
    def api_value(self) -> str:
        """The spelling the PBX uses in requests."""
        return _API_VALUES.get(self, self.value)

    @classmethod
    def _lookup(cls) -> dict[str, Self]:
        table = _LOOKUPS.get(cls)
        if table is None:
            table = {}
            for member in cls:
                for word in (member.value, member.name, member.api_value):
                    table[normalise_word(word)] = member
            for word, value in _ALIASES.get(cls, {}).items():
                table[word] = cls(value)
            _LOOKUPS[cls] = table
        return table

    @classmethod
    def try_parse(cls, value: object) -> Self | None:
        """Return the member for a PBX or user spelling, or ``None``."""
        if isinstance(value, cls):
            return value
        if value is None or isinstance(value, bool):
            return None
        return cls._lookup().get(normalise_word(value))

    @classmethod
    def parse(cls, value: object) -> Self:
        """Return the member for a spelling; unknown ones become UNKNOWN where it exists.

        Raises:
            ValueError: the spelling is unknown and the enumeration has no UNKNOWN member.
        """
        member = cls.try_parse(value)
        if member is not None:
            return member
        unknown = cls._lookup().get("unknown")
        if unknown is not None:
            return unknown
        allowed = ", ".join(member.value for member in cls)
        raise ValueError(
            f"{value!r} is not a valid {cls.__name__} (expected one of: {allowed})"
        )


class ExtensionStatus(ApiEnum):
    """State of an extension (ext_status and the ExtensionStatus report)."""

    RINGBACK = "ringback"
    RINGING = "ringing"
    TALKING = "talking"
    REGISTERED = "registered"
    UNREGISTERED = "unregistered"
    BUSY = "busy"
    IDLE = "idle"
    IN_USE = "in_use"
    HOLD = "hold"
    HANGUP = "hangup"
    UNKNOWN = "unknown"


class ExtensionType(ApiEnum):
    """Kind of extension."""

    SIP = "sip"
    FXS = "fxs"
    UNKNOWN = "unknown"


class TrunkType(ApiEnum):
    """Kind of trunk."""

    SIP = "sip"
    FXO = "fxo"
    UNKNOWN = "unknown"


class TrunkStatus(ApiEnum):
    """State of a trunk (SIP and FXO states of trunk_list)."""

    DISABLED = "disabled"
    STOPPED = "stopped"
    REGISTERED = "registered"
    FAIL_TO_REGISTER = "fail_to_register"
    UNMONITORED = "unmonitored"
    USABLE = "usable"
    UNUSABLE = "unusable"
    IDLE = "idle"
    IN_USE = "in_use"
    UNKNOWN = "unknown"


class AgentState(ApiEnum):
    """A dynamic agent's state in a queue (agent_query)."""

    LOGGED_IN = "logged_in"
    LOGGED_OUT = "logged_out"
    ON_BREAK = "on_break"
    UNKNOWN = "unknown"


class AgentType(ApiEnum):
    """How an agent belongs to a queue."""

    STATIC = "static"
    DYNAMIC = "dynamic"
    UNKNOWN = "unknown"


class QueueMemberState(ApiEnum):
    """What a queue member is doing (queue_members)."""

    WAITING = "waiting"
    RECEIVING = "receiving"
    IN_QUEUE_CALL = "in_queue_call"
    UNKNOWN = "unknown"


class CallPermission(ApiEnum):
    """How far an extension may call."""

    BAN = "ban"
    INTERNAL = "internal"
    LOCAL = "local"
    LONG_DISTANCE = "long_distance"
    INTERNATIONAL = "international"
    UNKNOWN = "unknown"


class TimeConditionType(ApiEnum):
    """When a forwarding rule applies."""

    ALL = "all"
    WORK_TIME = "work_time"
    HOLIDAY = "holiday"
    CUSTOM = "custom"
    UNKNOWN = "unknown"


class EavesdropPermission(ApiEnum):
    """Who may monitor an extension (eavesdrop_enable)."""

    DISABLE = "disable"
    ENABLE_ALL = "enable_all"
    ENABLE_EXTENSIONS = "enable_extensions"
    UNKNOWN = "unknown"


class EavesdropMode(ApiEnum):
    """Which monitor modes an extension may use (eavesdrop_mode)."""

    NONE = "none"
    ALL = "all"
    LISTEN = "listen"
    WHISPER = "whisper"
    BARGE_IN = "barge_in"
    UNKNOWN = "unknown"


class MonitorMode(ApiEnum):
    """How the monitoring extension joins the call."""

    LISTEN = "listen"
    WHISPER = "whisper"
    BARGE_IN = "barge_in"


class PlayMode(ApiEnum):
    """Who hears a played prompt."""

    LOCAL = "local"
    OTHER = "other"
    BOTH = "both"


class AudioDirection(ApiEnum):
    """Which audio direction the audio command changes."""

    SPEAK = "speak"
    LISTEN = "listen"
    BOTH = "both"


class CallDirection(ApiEnum):
    """Direction of a call record (``local`` is an internal call)."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"
    LOCAL = "local"
    UNKNOWN = "unknown"


class CdrStatus(ApiEnum):
    """Outcome of a call record."""

    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    MISSED = "missed"
    VOICEMAIL = "voicemail"
    CANCELLED = "cancelled"
    FAILED = "failed"
    IVR = "ivr"
    CALLCENTER = "callcenter"
    CONFERENCE = "conference"
    UNKNOWN = "unknown"


class OutboundPinType(ApiEnum):
    """Password requirement of an outbound route."""

    NONE = "none"
    PIN_LIST = "pin_list"
    SINGLE_PIN = "single_pin"
    UNKNOWN = "unknown"


class RecordType(ApiEnum):
    """What is being recorded (RECORDSTART/RECORDEND)."""

    EXTENSION = "extension"
    TRUNK = "trunk"
    ONE_TOUCH = "one_touch"
    VOICE_MESSAGE = "voice_message"
    CONFERENCE = "conference"
    UNKNOWN = "unknown"


class AgentStatusChange(ApiEnum):
    """What a dynamic agent did (AgentStatus report)."""

    LOGIN = "login"
    LOGOUT = "logout"
    ON_BREAK = "on_break"
    RESUME = "resume"
    UNKNOWN = "unknown"


class QueueAction(ApiEnum):
    """Whether a caller joined or left a queue (QueueStatus report)."""

    ADD = "add"
    REMOVE = "remove"
    UNKNOWN = "unknown"


_API_VALUES.update(
    {
        ExtensionType.SIP: "SIP",
        ExtensionType.FXS: "FXS",
        TrunkType.SIP: "SIP",
        TrunkType.FXO: "FXO",
        TimeConditionType.ALL: "All",
        TimeConditionType.WORK_TIME: "WorkTime",
        TimeConditionType.HOLIDAY: "Holiday",
        TimeConditionType.CUSTOM: "Custom",
        EavesdropMode.BARGE_IN: "barge-in",
        MonitorMode.BARGE_IN: "bargein",
        OutboundPinType.PIN_LIST: "pinlist",
        OutboundPinType.SINGLE_PIN: "singlepin",
        RecordType.EXTENSION: "ext",
        RecordType.ONE_TOUCH: "key",
        RecordType.VOICE_MESSAGE: "msg",
        RecordType.CONFERENCE: "conf",
        AgentStatusChange.ON_BREAK: "onbreak",
        AgentState.LOGGED_IN: "logged in",
        AgentState.LOGGED_OUT: "logged out",
        AgentState.ON_BREAK: "on break",
    }
)
_ALIASES.update(
    {
        ExtensionStatus: {"inuse": "in_use", "onhold": "hold", "available": "idle"},
        QueueMemberState: {"inaqueuecall": "in_queue_call", "incall": "in_queue_call"},
        CallDirection: {"internal": "local", "in": "inbound", "out": "outbound"},
        CdrStatus: {
            "ivrivr": "ivr",
            "noanswered": "no_answer",
            "answerd": "answered",
            "canceled": "cancelled",
        },
        AgentState: {
            "login": "logged_in",
            "logout": "logged_out",
            "paused": "on_break",
        },
        AgentStatusChange: {
            "break": "on_break",
            "pause": "on_break",
            "unpause": "resume",
        },
        TrunkStatus: {"failed": "fail_to_register", "inuse": "in_use"},
        EavesdropPermission: {"enableall": "enable_all", "disabled": "disable"},
    }
)


class Weekday(StrEnum):
    """A day of the week; the API numbers them 1 = Sunday to 7 = Saturday."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @property
    def api_value(self) -> int:
        """The PBX's number for the day (1 = Sunday ... 7 = Saturday)."""
        return _WEEKDAY_NUMBERS[self]

    @classmethod
    def from_api(cls, value: object) -> Self | None:
        """Return the day for the PBX's number (``"1"`` = Sunday), or ``None``."""
        if isinstance(value, bool):
            return None
        try:
            number = int(str(value).strip())
        except ValueError:
            return None
        for day, day_number in _WEEKDAY_NUMBERS.items():
            if day_number == number:
                return cls(day)
        return None

    @classmethod
    def parse(cls, value: object) -> Self:
        """Accept a member, ``"mon"``, ``"Monday"`` or a ``datetime`` weekday name.

        Raises:
            ValueError: not a day of the week.
        """
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            word = normalise_word(value)[:3]
            if len(normalise_word(value)) >= 3:
                for member in cls:
                    if member.value == word:
                        return member
        raise ValueError(f"{value!r} is not a day of the week (mon..sun)")


_WEEKDAY_NUMBERS: dict[Weekday, int] = {
    Weekday.SUN: 1,
    Weekday.MON: 2,
    Weekday.TUE: 3,
    Weekday.WED: 4,
    Weekday.THU: 5,
    Weekday.FRI: 6,
    Weekday.SAT: 7,
}
