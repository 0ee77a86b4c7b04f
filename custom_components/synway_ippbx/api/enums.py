"""Enumerations of the manual, parsed loosely from the PBX's spellings.

Values are Pythonic snake_case; ``api_value`` is what the PBX expects in a request. Each
member declares its request spelling and any other spellings seen from the PBX next to its
value. Calling the class is the parser: ``ExtensionStatus("InUse")``, ``"in use"`` and
``"in_use"`` agree (case, spaces, dashes and underscores are ignored), and a word nobody
declared becomes ``UNKNOWN`` where the enumeration has one (a ValueError otherwise).
"""

from enum import StrEnum
from typing import Any, Self, cast

from .parsing import normalise_word


class ApiEnum(StrEnum):
    """A manual enumeration: tolerant parsing and the API's own spelling.

    Members are declared as ``value`` or ``value, api_value, *aliases``.
    """

    _value_: str
    api_value: str
    """The spelling the PBX uses in requests."""

    def __new__(
        cls, value: object, api_value: str | None = None, *aliases: str
    ) -> Self:
        """Build a member; its loose spellings become extra values of it.

        (Once the class exists, calling it looks a value up instead, hence ``object``: any
        value off the wire may be passed.)
        """
        member = str.__new__(cls, value)
        member._value_ = str(value)
        member.api_value = api_value or member._value_
        for word in dict.fromkeys(
            normalise_word(word) for word in (value, member.api_value, *aliases)
        ):
            if word != member._value_:
                member._add_value_alias_(word)
        return member

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        """Match a loose spelling; anything else is UNKNOWN where that member exists.

        The PBX sends a few spellings thousands of times ("SIP" in every extension's
        settings): each one found is remembered, so it is normalised once (bounded, so
        a PBX cannot grow it).
        """
        if type(value) is str and (known := _SPELLINGS.get((cls, value))) is not None:
            return cast("Self", known)
        if value is not None and not isinstance(value, bool):
            member = cls._value2member_map_.get(normalise_word(value))
            if member is not None:
                if type(value) is str and len(_SPELLINGS) < 4096:
                    _SPELLINGS[cls, value] = member
                return cast("Self", member)  # the map holds only this class's members
        return cls.__members__.get("UNKNOWN")


# Loose spellings already matched, per enumeration (see ApiEnum._missing_).
_SPELLINGS: dict[tuple[type[ApiEnum], str], Any] = {}


class ExtensionStatus(ApiEnum):
    """State of an extension (ext_status and the ExtensionStatus report)."""

    RINGBACK = "ringback"
    RINGING = "ringing"
    TALKING = "talking"
    REGISTERED = "registered"
    UNREGISTERED = "unregistered"
    BUSY = "busy"
    IDLE = "idle", None, "available"
    IN_USE = "in_use"
    HOLD = "hold", None, "onhold"
    HANGUP = "hangup"
    UNKNOWN = "unknown"

    @property
    def at_rest(self) -> bool:
        """No call in it, whatever the PBX's word (idle, registered, offline, hung up)."""
        return self in _AT_REST

    @property
    def on_a_call(self) -> bool:
        """A word that only makes sense during a call, ringing included."""
        return self in _ON_A_CALL

    @property
    def on_the_phone(self) -> bool:
        """Busy with a call: calling out, talking, holding (ringing alone is not)."""
        return self in _ON_THE_PHONE

    @property
    def resting_place(self) -> bool:
        """Where a phone rests between calls once the PBX's words are normalised."""
        return self in _RESTING_PLACES


_AT_REST = frozenset(
    {
        ExtensionStatus.IDLE,
        ExtensionStatus.REGISTERED,
        ExtensionStatus.UNREGISTERED,
        ExtensionStatus.HANGUP,
    }
)
_ON_THE_PHONE = frozenset(
    {
        ExtensionStatus.RINGBACK,
        ExtensionStatus.TALKING,
        ExtensionStatus.HOLD,
        ExtensionStatus.BUSY,
        ExtensionStatus.IN_USE,
    }
)
_ON_A_CALL = _ON_THE_PHONE | {ExtensionStatus.RINGING}
_RESTING_PLACES = frozenset({ExtensionStatus.IDLE, ExtensionStatus.UNREGISTERED})


class ExtensionType(ApiEnum):
    """Kind of extension."""

    SIP = "sip", "SIP"
    FXS = "fxs", "FXS"
    UNKNOWN = "unknown"


class TrunkType(ApiEnum):
    """Kind of trunk."""

    SIP = "sip", "SIP"
    FXO = "fxo", "FXO"
    UNKNOWN = "unknown"


class TrunkStatus(ApiEnum):
    """State of a trunk (SIP and FXO states of trunk_list)."""

    DISABLED = "disabled"
    STOPPED = "stopped"
    REGISTERED = "registered"
    FAIL_TO_REGISTER = "fail_to_register", None, "failed"
    UNMONITORED = "unmonitored"
    USABLE = "usable"
    UNUSABLE = "unusable"
    IDLE = "idle"
    IN_USE = "in_use"
    UNKNOWN = "unknown"


class AgentState(ApiEnum):
    """A dynamic agent's state in a queue (agent_query)."""

    LOGGED_IN = "logged_in", "logged in", "login"
    LOGGED_OUT = "logged_out", "logged out", "logout"
    ON_BREAK = "on_break", "on break", "paused"
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
    IN_QUEUE_CALL = "in_queue_call", None, "inaqueuecall", "incall"
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

    ALL = "all", "All"
    WORK_TIME = "work_time", "WorkTime"
    HOLIDAY = "holiday", "Holiday"
    CUSTOM = "custom", "Custom"
    UNKNOWN = "unknown"


class EavesdropPermission(ApiEnum):
    """Who may monitor an extension (eavesdrop_enable)."""

    DISABLE = "disable", None, "disabled"
    ENABLE_ALL = "enable_all"
    ENABLE_EXTENSIONS = "enable_extensions"
    UNKNOWN = "unknown"


class EavesdropMode(ApiEnum):
    """Which monitor modes an extension may use (eavesdrop_mode)."""

    NONE = "none"
    ALL = "all"
    LISTEN = "listen"
    WHISPER = "whisper"
    BARGE_IN = "barge_in", "barge-in"
    UNKNOWN = "unknown"


class MonitorMode(ApiEnum):
    """How the monitoring extension joins the call."""

    LISTEN = "listen"
    WHISPER = "whisper"
    BARGE_IN = "barge_in", "bargein"


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

    INBOUND = "inbound", None, "in"
    OUTBOUND = "outbound", None, "out"
    LOCAL = "local", None, "internal"
    UNKNOWN = "unknown"


class CdrStatus(ApiEnum):
    """Outcome of a call record."""

    ANSWERED = "answered", None, "answerd"
    NO_ANSWER = "no_answer", None, "noanswered"
    BUSY = "busy"
    MISSED = "missed"
    VOICEMAIL = "voicemail"
    CANCELLED = "cancelled", None, "canceled"
    FAILED = "failed"
    IVR = "ivr", None, "ivr:IVR"
    CALLCENTER = "callcenter"
    CONFERENCE = "conference"
    UNKNOWN = "unknown"

    @property
    def missed(self) -> bool:
        """A recorded call the callee never picked up (not answered, busy, sent to voicemail)."""
        return self in _MISSED_RECORDS


_MISSED_RECORDS = frozenset(
    {
        CdrStatus.NO_ANSWER,
        CdrStatus.BUSY,
        CdrStatus.MISSED,
        CdrStatus.CANCELLED,
        CdrStatus.VOICEMAIL,
    }
)


class OutboundPinType(ApiEnum):
    """Password requirement of an outbound route."""

    NONE = "none"
    PIN_LIST = "pin_list", "pinlist"
    SINGLE_PIN = "single_pin", "singlepin"
    UNKNOWN = "unknown"


class RecordType(ApiEnum):
    """What is being recorded (RECORDSTART/RECORDEND)."""

    EXTENSION = "extension", "ext"
    TRUNK = "trunk"
    ONE_TOUCH = "one_touch", "key"
    VOICE_MESSAGE = "voice_message", "msg"
    CONFERENCE = "conference", "conf"
    UNKNOWN = "unknown"


class AgentStatusChange(ApiEnum):
    """What a dynamic agent did (AgentStatus report)."""

    LOGIN = "login"
    LOGOUT = "logout"
    ON_BREAK = "on_break", "onbreak", "break", "pause"
    RESUME = "resume", None, "unpause"
    UNKNOWN = "unknown"


class QueueAction(ApiEnum):
    """Whether a caller joined or left a queue (QueueStatus report)."""

    ADD = "add"
    REMOVE = "remove"
    UNKNOWN = "unknown"


class Weekday(StrEnum):
    """A day of the week; the API numbers them 1 = Sunday to 7 = Saturday.

    ``Weekday(1)`` reads the API's number; ``Weekday("Monday")`` a name (three letters do).
    """

    _value_: str
    api_value: int
    """The PBX's number for the day."""

    MON = "mon", 2
    TUE = "tue", 3
    WED = "wed", 4
    THU = "thu", 5
    FRI = "fri", 6
    SAT = "sat", 7
    SUN = "sun", 1

    def __new__(cls, value: object, api_value: int = 0) -> Self:
        """Build a member from its name and API number (called with one value, a lookup)."""
        member = str.__new__(cls, value)
        member._value_ = str(value)
        member.api_value = api_value
        return member

    @classmethod
    def _missing_(cls, value: object) -> Self:
        day = None
        if isinstance(value, int) and not isinstance(value, bool):
            day = next((day for day in cls if day.api_value == value), None)
        elif isinstance(value, str) and len(word := normalise_word(value)) >= 3:
            day = next((day for day in cls if day.value == word[:3]), None)
        if day is None:
            # Raised as it is by Enum: a message a user can act on.
            raise ValueError(f"{value!r} is not a day of the week (mon..sun)")
        return day
