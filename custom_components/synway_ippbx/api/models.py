"""Typed, immutable views of the PBX's responses and the Pythonic inputs of requests.

Response models are built with ``from_api`` from the decoded JSON, never raise on missing or
oddly typed fields, and keep the PBX's own dict in ``raw``. ``to_dict`` gives a
JSON-serialisable dict with Pythonic keys (what the integration returns from its actions).
Input models (``ExtensionChanges``, ``AlarmSettings``, ...) validate on construction and
know their API spelling (``to_api``).
"""

from collections.abc import Callable, Iterable, Mapping, Set as AbstractSet
from dataclasses import MISSING, dataclass, field, fields
import datetime as dt
from enum import Enum
from functools import partial
from typing import Any, Self

from .enums import (
    AgentType,
    ApiEnum,
    CallDirection,
    CallPermission,
    CdrStatus,
    EavesdropMode,
    EavesdropPermission,
    ExtensionStatus,
    ExtensionType,
    OutboundPinType,
    QueueMemberState,
    TimeConditionType,
    TrunkStatus,
    TrunkType,
    Weekday,
)
from .parsing import (
    get_all,
    mappings,
    split_list,
    to_bool,
    to_count,
    to_date,
    to_datetime,
    to_float,
    to_int,
    to_plain,
    to_str,
)

_WEEKDAY_ORDER = list(Weekday)


def _jsonable(value: Any) -> Any:
    if isinstance(value, ApiModel):
        return value.to_dict()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date | dt.time):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, AbstractSet):
        items = list(value)
        if all(isinstance(item, Weekday) for item in items):
            items.sort(key=_WEEKDAY_ORDER.index)
        else:
            items.sort(key=str)
        return [_jsonable(item) for item in items]
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return value


def _raw() -> Any:
    """Declare the ``raw`` field: the PBX's dict, left out of equality and repr."""
    return field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, kw_only=True, slots=True)
class ApiModel:
    """Base of every model: JSON-friendly export."""

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as JSON-serialisable values, without ``raw`` and secrets."""
        return {
            item.name: _jsonable(getattr(self, item.name))
            for item in fields(self)
            if item.name != "raw" and not item.metadata.get("secret", False)
        }


def _enum_or_none[E: ApiEnum](kind: type[E], value: object) -> E | None:
    return kind.parse(value) if to_str(value) else None


type Parse = Callable[[object], Any]


def wire(
    *keys: str, parse: Parse = to_str, default: Any = MISSING, secret: bool = False
) -> Any:
    """Declare a field read from the PBX's ``keys``: the first one that parses wins.

    A field without a default reads as ``""`` when the PBX leaves it out.
    """
    metadata: dict[str, Any] = {"api": (keys, parse)}
    if secret:
        metadata["secret"] = True
    return field(default=default, repr=not secret, metadata=metadata)


def _optional[E: ApiEnum](kind: type[E]) -> Parse:
    return partial(_enum_or_none, kind)


def _split(separator: str) -> Parse:
    return partial(split_list, separator=separator)


@dataclass(frozen=True, kw_only=True, slots=True)
class WireModel(ApiModel):
    """A response model whose fields say where they come from (:func:`wire`)."""

    raw: Mapping[str, Any] = _raw()

    @classmethod
    def wire_fields(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        """The declared fields read from ``data``; absent ones are left to defaults."""
        values: dict[str, Any] = {}
        for item in fields(cls):
            if (spec := item.metadata.get("api")) is None:
                continue
            keys, parse = spec
            value = None
            for key in keys:
                if (value := parse(data.get(key))) is not None:
                    break
            if value is None and item.default is MISSING:
                value = ""
            if value is not None:
                values[item.name] = value
        return values

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        """Build from one object of the PBX's response."""
        return cls(**cls.wire_fields(data), raw=to_plain(data))


# --------------------------------------------------------------------------- extensions


@dataclass(frozen=True, kw_only=True, slots=True)
class Forwarding(ApiModel):
    """One forwarding rule of an extension (always, busy, no answer, unregistered, follow me)."""

    enabled: bool | None = None
    destination: str | None = None
    time_condition: TimeConditionType | None = None
    time_condition_uuid: str | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any], prefix: str) -> Self:
        """Read the ``<prefix>_enabled``/``_destination``/``_tc_type``/``_tc_uuid`` fields."""
        tc_type = data.get(f"{prefix}_tc_type")
        return cls(
            enabled=to_bool(data.get(f"{prefix}_enabled")),
            destination=to_str(data.get(f"{prefix}_destination")),
            time_condition=TimeConditionType.parse(tc_type)
            if to_str(tc_type)
            else None,
            time_condition_uuid=to_str(data.get(f"{prefix}_tc_uuid")),
        )


_FORWARD_PREFIXES = {
    "forward_always": "forward_all",
    "forward_busy": "forward_busy",
    "forward_no_answer": "forward_no_answer",
    "forward_unregistered": "forward_user_not_registered",
    "follow_me": "follow_me",
}


@dataclass(frozen=True, kw_only=True, slots=True)
class ExtensionSettings(WireModel):
    """The settings of one extension (ext_query). ``to_dict`` leaves the password out."""

    extension: str = wire("extension")
    name: str | None = wire("username", default=None)
    caller_id: str | None = wire("effective_caller_id_number", default=None)
    extension_type: ExtensionType | None = wire(
        "extension_type", parse=_optional(ExtensionType), default=None
    )
    password: str | None = wire("password", default=None, secret=True)
    enabled: bool | None = wire("enabled", parse=to_bool, default=None)
    call_permission: CallPermission | None = wire(
        "call_permission", parse=_optional(CallPermission), default=None
    )
    voicemail: bool | None = wire("voicemail_enabled", parse=to_bool, default=None)
    recording: bool | None = wire("user_record", parse=to_bool, default=None)
    max_registrations: int | None = wire(
        "max_registrations", parse=to_int, default=None
    )
    forward_always: Forwarding = field(default_factory=Forwarding)
    forward_busy: Forwarding = field(default_factory=Forwarding)
    forward_no_answer: Forwarding = field(default_factory=Forwarding)
    forward_unregistered: Forwarding = field(default_factory=Forwarding)
    follow_me: Forwarding = field(default_factory=Forwarding)
    codecs: tuple[str, ...] = wire(
        "absolute_codec_string", parse=split_list, default=()
    )
    force_ping: bool | None = wire("force_ping", parse=to_bool, default=None)
    call_timeout: int | None = wire("call_timeout", parse=to_int, default=None)
    max_call_duration: int | None = wire(
        "max_call_duration", parse=to_int, default=None
    )
    outbound_restriction: bool | None = wire(
        "outbound_restriction", parse=to_bool, default=None
    )
    extension_trunk: bool | None = wire("extension_trunk", parse=to_bool, default=None)
    eavesdrop_permission: EavesdropPermission | None = wire(
        "eavesdrop_enable", parse=_optional(EavesdropPermission), default=None
    )
    eavesdrop_mode: EavesdropMode | None = wire(
        "eavesdrop_mode", parse=_optional(EavesdropMode), default=None
    )
    eavesdrop_extensions: tuple[str, ...] = wire(
        "eavesdrop_extensions", parse=split_list, default=()
    )

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        """Build from one ``extinfo`` item; forwarding rules share a field pattern."""
        forwards: dict[str, Any] = {
            name: Forwarding.from_api(data, prefix)
            for name, prefix in _FORWARD_PREFIXES.items()
        }
        return cls(**cls.wire_fields(data), raw=to_plain(data), **forwards)


def _api_bool(value: bool) -> str:
    return "true" if value else "false"


def _check_text(name: str, value: str | None, *, allow_empty: bool = False) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string")
    if not allow_empty and not value.strip():
        raise ValueError(f"{name} must not be empty")


def _check_int(name: str, value: int | None, minimum: int = 0) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an integer")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}")


@dataclass(frozen=True, kw_only=True, slots=True)
class ExtensionChanges(ApiModel):
    """Settings to change on an extension (ext_mod); ``None`` leaves a setting alone.

    A forwarding field takes a destination to switch that forwarding on, or ``""`` to switch
    it off. ``extra`` passes further raw API fields through unchanged.
    """

    name: str | None = None
    caller_id: str | None = None
    call_permission: CallPermission | None = None
    enabled: bool | None = None
    voicemail: bool | None = None
    recording: bool | None = None
    forward_always: str | None = None
    forward_busy: str | None = None
    forward_no_answer: str | None = None
    forward_unregistered: str | None = None
    follow_me: str | None = None
    call_timeout: int | None = None
    max_call_duration: int | None = None
    max_registrations: int | None = None
    extra: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Reject values the PBX would refuse, before anything is sent."""
        _check_text("name", self.name)
        _check_text("caller_id", self.caller_id, allow_empty=True)
        if self.call_permission is not None:
            permission = CallPermission.try_parse(self.call_permission)
            if permission is None or permission is CallPermission.UNKNOWN:
                raise ValueError(f"Unknown call permission {self.call_permission!r}")
            object.__setattr__(self, "call_permission", permission)
        for name in _FORWARD_PREFIXES:
            _check_text(name, getattr(self, name), allow_empty=True)
        _check_int("call_timeout", self.call_timeout, 1)
        _check_int("max_call_duration", self.max_call_duration, 1)
        _check_int("max_registrations", self.max_registrations, 1)
        for flag in ("enabled", "voicemail", "recording"):
            value = getattr(self, flag)
            if value is not None and not isinstance(value, bool):
                raise TypeError(f"{flag} must be a bool")
        for key, value in self.extra.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise TypeError("extra must map strings to strings")

    @property
    def is_empty(self) -> bool:
        """Whether nothing would change."""
        return not self.to_api()

    def to_api(self) -> dict[str, str]:
        """Return the ext_mod fields for these changes."""
        body: dict[str, str] = {}
        if self.name is not None:
            body["username"] = self.name
        if self.caller_id is not None:
            body["effective_caller_id_number"] = self.caller_id
        if isinstance(self.call_permission, CallPermission):
            body["call_permission"] = self.call_permission.api_value
        if self.enabled is not None:
            body["enabled"] = _api_bool(self.enabled)
        if self.voicemail is not None:
            body["voicemail_enabled"] = _api_bool(self.voicemail)
        if self.recording is not None:
            body["user_record"] = _api_bool(self.recording)
        for name, prefix in _FORWARD_PREFIXES.items():
            destination: str | None = getattr(self, name)
            if destination is None:
                continue
            destination = destination.strip()
            body[f"{prefix}_enabled"] = _api_bool(bool(destination))
            if destination:
                body[f"{prefix}_destination"] = destination
        if self.call_timeout is not None:
            body["call_timeout"] = str(self.call_timeout)
        if self.max_call_duration is not None:
            body["max_call_duration"] = str(self.max_call_duration)
        if self.max_registrations is not None:
            body["max_registrations"] = str(self.max_registrations)
        body.update(self.extra)
        return body


@dataclass(frozen=True, kw_only=True, slots=True)
class ExtensionState(WireModel):
    """The live state of one extension (ext_status)."""

    extension: str = wire("extension", "extid")
    name: str | None = wire("effective_caller_id_name", default=None)
    type: ExtensionType = wire(
        "extension_type", parse=ExtensionType.parse, default=ExtensionType.UNKNOWN
    )
    uuid: str | None = wire("extension_uuid", default=None)
    port: str | None = wire("port", default=None)
    ip_port: str | None = wire("ip_port", "ip", default=None)
    status: ExtensionStatus = wire(
        "status", parse=ExtensionStatus.parse, default=ExtensionStatus.UNKNOWN
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class ExtensionStatusPage(WireModel):
    """One page of ext_status."""

    total: int | None = wire("total", parse=to_int, default=None)
    max_page: int | None = wire("max_page", parse=to_int, default=None)
    page: int | None = wire("page", parse=to_int, default=None)
    count: int | None = wire("count", parse=to_int, default=None)
    extensions: list[ExtensionState] = field(default_factory=list)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        """Build from the ext_status response."""
        return cls(
            **cls.wire_fields(data),
            extensions=[
                ExtensionState.from_api(item) for item in mappings(data.get("data"))
            ],
            raw={key: to_plain(value) for key, value in data.items() if key != "data"},
        )


# --------------------------------------------------------------------------- trunks


@dataclass(frozen=True, kw_only=True, slots=True)
class TrunkInfo(WireModel):
    """A trunk and its state (trunk_list)."""

    name: str = wire("trunkname")
    type: TrunkType = wire("type", parse=TrunkType.parse, default=TrunkType.UNKNOWN)
    status: TrunkStatus = wire(
        "status", parse=TrunkStatus.parse, default=TrunkStatus.UNKNOWN
    )
    did_number: str | None = wire("did_number", default=None)


@dataclass(frozen=True, kw_only=True, slots=True)
class TrunkSettings(WireModel):
    """Basic settings of a trunk (trunk_query)."""

    name: str = wire("trunkname")
    sip_address: str | None = wire("sip_address", default=None)
    port: str | None = wire("port", default=None)


# --------------------------------------------------------------------------- queues


@dataclass(frozen=True, kw_only=True, slots=True)
class QueueInfo(WireModel):
    """A queue (queue_list)."""

    queue_id: str = wire("queueid")
    name: str | None = wire("queuename", default=None)


@dataclass(frozen=True, kw_only=True, slots=True)
class QueueCaller(WireModel):
    """A caller waiting in a queue."""

    caller_id: str | None = wire("callerid", default=None)
    call_id: str | None = wire("callid", default=None)
    position: int | None = wire("position", parse=to_count, default=None)
    joined: dt.datetime | None = wire("inqueue_time", parse=to_datetime, default=None)
    wait_time: int | None = wire("wait_time", parse=to_count, default=None)


@dataclass(frozen=True, kw_only=True, slots=True)
class QueueMember(WireModel):
    """An agent of a queue."""

    extension: str = wire("extid")
    type: AgentType = wire("type", parse=AgentType.parse, default=AgentType.UNKNOWN)
    state: QueueMemberState = wire(
        "state", parse=QueueMemberState.parse, default=QueueMemberState.UNKNOWN
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class QueueStatus(ApiModel):
    """Callers and agents of a queue (queue_members)."""

    queue_id: str
    caller_count: int = 0
    callers: list[QueueCaller] = field(default_factory=list)
    members: list[QueueMember] = field(default_factory=list)
    raw: Mapping[str, Any] = _raw()

    @classmethod
    def from_api(cls, data: Mapping[str, Any], queue_id: str = "") -> Self:
        """Build from the queue_members response."""
        callers = [QueueCaller.from_api(item) for item in mappings(data.get("callers"))]
        count = to_count(data.get("callercount"))
        return cls(
            queue_id=to_str(data.get("queueid")) or queue_id,
            caller_count=count if count is not None else len(callers),
            callers=callers,
            members=[
                QueueMember.from_api(item) for item in mappings(data.get("members"))
            ],
            raw=to_plain(data),
        )


# --------------------------------------------------------------------------- routes, IVRs


def _members(value: object, key: str) -> tuple[str, ...]:
    found = [to_str(item.get(key)) for item in mappings(value)]
    if not found and isinstance(value, str):
        return split_list(value)
    return tuple(item for item in found if item)


@dataclass(frozen=True, kw_only=True, slots=True)
class OutboundRoute(WireModel):
    """An outbound route (outbound_query)."""

    name: str = wire("outbound_name", "outboundname")
    enabled: bool | None = wire("outbound_enabled", parse=to_bool, default=None)
    order: int | None = wire("outbound_order", parse=to_int, default=None)
    pin_type: OutboundPinType | None = wire(
        "outbound_pintype", parse=_optional(OutboundPinType), default=None
    )
    single_pin: str | None = wire("outbound_singlepin", default=None, secret=True)
    pin_list: str | None = wire("outbound_pinlist", default=None)
    round_robin: bool | None = wire(
        "outbound_rrmemory_hunt", parse=to_bool, default=None
    )
    dial_patterns: tuple[str, ...] = wire(
        "outbound_dialpatterns", parse=_split("@"), default=()
    )
    next_route: bool | None = wire("outbound_next_route", parse=to_bool, default=None)
    failed_sip_codes: tuple[str, ...] = wire(
        "outbound_failed_sip_code", parse=_split("|"), default=()
    )
    extensions: tuple[str, ...] = ()
    trunks: tuple[str, ...] = ()

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        """Build from one route object; members come as objects or as a list string."""
        return cls(
            **cls.wire_fields(data),
            extensions=_members(data.get("member_extension"), "extension"),
            trunks=_members(data.get("member_gateway"), "gateway"),
            raw=to_plain(data),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class Ivr(WireModel):
    """An IVR (ivr_list)."""

    ivr_id: str = wire("ivrid")
    name: str | None = wire("ivrname", default=None)


# --------------------------------------------------------------------------- alarms


def _weekdays_from_api(value: object) -> frozenset[Weekday]:
    text = to_str(value) or ""
    parts = split_list(text) if "," in text else tuple(text)
    days = (Weekday.from_api(part) for part in parts)
    return frozenset(day for day in days if day is not None)


@dataclass(frozen=True, kw_only=True, slots=True)
class Alarm(ApiModel):
    """A wake-up alarm (alarm_query).

    ``weekdays`` is set for a repeating alarm, ``date`` for a one-off one. A missing hour or
    minute reads as 0, the PBX's own default.
    """

    alarm_id: str
    extension: str | None = None
    name: str | None = None
    enabled: bool | None = None
    prompt: str | None = None
    weekdays: frozenset[Weekday] | None = None
    date: dt.date | None = None
    time: dt.time = dt.time(0, 0)
    snooze_interval: int | None = None
    retries: int | None = None
    raw: Mapping[str, Any] = _raw()

    @classmethod
    def from_api(cls, data: Mapping[str, Any], extension: str | None = None) -> Self:
        """Build from one ``wakeup`` item; ``extension`` comes from the enclosing object."""
        custom_day = to_bool(data.get("wakeup_custom_day"))
        weekdays = _weekdays_from_api(data.get("wakeup_wday"))
        date = to_date(data.get("wakeup_mday"))
        hour = to_int(data.get("wakeup_hour")) or 0
        minute = to_int(data.get("wakeup_min")) or 0
        return cls(
            alarm_id=to_str(data.get("wakeup_uuid")) or "",
            extension=to_str(data.get("extid")) or extension,
            name=to_str(data.get("wakeup_name")),
            enabled=to_bool(data.get("wakeup_enabled")),
            prompt=to_str(data.get("wakeup_prompt")),
            weekdays=weekdays
            if custom_day or (custom_day is None and weekdays)
            else None,
            date=None if custom_day else date,
            time=dt.time(hour % 24, minute % 60),
            snooze_interval=to_int(data.get("wakeup_snooze_time")),
            retries=to_int(data.get("wakeup_retry_times")),
            raw=to_plain(data),
        )


def alarms_from_api(wakeups: object) -> list[Alarm]:
    """Read alarm_query's ``wakeups`` (one object, a list, or repeated ``extid``/``wakeup``)."""
    alarms: list[Alarm] = []
    for group in mappings(wakeups):
        extensions = [to_str(value) for value in get_all(group, "extid")]
        wakeup_lists = get_all(group, "wakeup")
        for index, items in enumerate(wakeup_lists):
            extension = extensions[index] if index < len(extensions) else None
            if extension is None and extensions:
                extension = extensions[-1]
            alarms.extend(Alarm.from_api(item, extension) for item in mappings(items))
    return alarms


def _weekdays(value: Iterable[Weekday | str]) -> frozenset[Weekday]:
    if isinstance(value, str):
        raise TypeError("weekdays must be a collection of days, not a string")
    days = frozenset(Weekday.parse(day) for day in value)
    if not days:
        raise ValueError("weekdays must name at least one day")
    return days


def _check_time(value: dt.time | None) -> None:
    if value is not None and not isinstance(value, dt.time):
        raise TypeError("time must be a datetime.time")


def _check_date(value: dt.date | None) -> None:
    if value is not None and (
        not isinstance(value, dt.date) or isinstance(value, dt.datetime)
    ):
        raise TypeError("date must be a datetime.date")


def _weekdays_api(days: frozenset[Weekday]) -> str:
    return ",".join(str(number) for number in sorted(day.api_value for day in days))


@dataclass(frozen=True, kw_only=True, slots=True)
class AlarmSettings(ApiModel):
    """A new wake-up alarm (alarm_add): a time plus either a date or weekdays."""

    name: str
    time: dt.time
    date: dt.date | None = None
    weekdays: frozenset[Weekday] | None = None
    enabled: bool = True
    prompt: str = ""
    snooze_interval: int = 600
    retries: int | None = None

    def __post_init__(self) -> None:
        """Reject settings the PBX would refuse (errnos 18-24, 29), before anything is sent."""
        _check_text("name", self.name)
        _check_time(self.time)
        if self.time is None:
            raise ValueError("time is required")
        _check_date(self.date)
        if self.weekdays is not None:
            object.__setattr__(self, "weekdays", _weekdays(self.weekdays))
        if (self.date is None) == (self.weekdays is None):
            raise ValueError("give exactly one of date and weekdays")
        if not isinstance(self.enabled, bool):
            raise TypeError("enabled must be a bool")
        _check_text("prompt", self.prompt, allow_empty=True)
        _check_int("snooze_interval", self.snooze_interval, 1)
        _check_int("retries", self.retries, 0)

    def to_api(self) -> dict[str, str]:
        """Return the alarm_add fields."""
        body = {
            "wakeup_name": self.name,
            "wakeup_enabled": _api_bool(self.enabled),
            "wakeup_prompt": self.prompt,
            "wakeup_custom_day": _api_bool(self.weekdays is not None),
            "wakeup_wday": _weekdays_api(self.weekdays) if self.weekdays else "",
            "wakeup_mday": self.date.isoformat() if self.date else "",
            "wakeup_hour": str(self.time.hour),
            "wakeup_min": str(self.time.minute),
            "wakeup_snooze_time": str(self.snooze_interval),
        }
        if self.retries is not None:
            body["wakeup_retry_times"] = str(self.retries)
        return body


@dataclass(frozen=True, kw_only=True, slots=True)
class AlarmChanges(ApiModel):
    """Changes to a wake-up alarm (alarm_mod); ``None`` leaves a setting alone."""

    name: str | None = None
    time: dt.time | None = None
    date: dt.date | None = None
    weekdays: frozenset[Weekday] | None = None
    enabled: bool | None = None
    prompt: str | None = None
    snooze_interval: int | None = None
    retries: int | None = None

    def __post_init__(self) -> None:
        """Reject values the PBX would refuse, before anything is sent."""
        _check_text("name", self.name)
        _check_time(self.time)
        _check_date(self.date)
        if self.weekdays is not None:
            object.__setattr__(self, "weekdays", _weekdays(self.weekdays))
        if self.date is not None and self.weekdays is not None:
            raise ValueError("give at most one of date and weekdays")
        if self.enabled is not None and not isinstance(self.enabled, bool):
            raise TypeError("enabled must be a bool")
        _check_text("prompt", self.prompt, allow_empty=True)
        _check_int("snooze_interval", self.snooze_interval, 1)
        _check_int("retries", self.retries, 0)

    @property
    def is_empty(self) -> bool:
        """Whether nothing would change."""
        return not self.to_api()

    def to_api(self) -> dict[str, str]:
        """Return the alarm_mod fields for these changes."""
        body: dict[str, str] = {}
        if self.name is not None:
            body["wakeup_name"] = self.name
        if self.enabled is not None:
            body["wakeup_enabled"] = _api_bool(self.enabled)
        if self.prompt is not None:
            body["wakeup_prompt"] = self.prompt
        if self.weekdays is not None:
            body["wakeup_custom_day"] = "true"
            body["wakeup_wday"] = _weekdays_api(self.weekdays)
        if self.date is not None:
            body["wakeup_custom_day"] = "false"
            body["wakeup_mday"] = self.date.isoformat()
        if self.time is not None:
            body["wakeup_hour"] = str(self.time.hour)
            body["wakeup_min"] = str(self.time.minute)
        if self.snooze_interval is not None:
            body["wakeup_snooze_time"] = str(self.snooze_interval)
        if self.retries is not None:
            body["wakeup_retry_times"] = str(self.retries)
        return body


# --------------------------------------------------------------------------- prompts


@dataclass(frozen=True, kw_only=True, slots=True)
class TtsPrompt(ApiModel):
    """A text-to-speech prompt for play_sound_file: engine type, server URL, parameters."""

    type: str
    url: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Require the engine type and server URL the PBX needs."""
        _check_text("tts type", self.type)
        _check_text("tts url", self.url)
        if not isinstance(self.params, Mapping):
            raise TypeError("tts params must be a mapping")


# --------------------------------------------------------------------------- call records


def _format_stamp(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        raise TypeError("CDR time filters must be datetime.datetime")
    return value.strftime("%Y-%m-%d %H:%M:%S")


_QUERY_STATUSES = frozenset({CdrStatus.ANSWERED, CdrStatus.CANCELLED, CdrStatus.FAILED})


@dataclass(frozen=True, kw_only=True, slots=True)
class CdrQuery(ApiModel):
    """Filters of the cdrs request; times are the PBX's local (naive) time."""

    extension: str | None = None
    caller: str | None = None
    callee: str | None = None
    outbound_caller_id: str | None = None
    started_after: dt.datetime | None = None
    started_before: dt.datetime | None = None
    ended_after: dt.datetime | None = None
    ended_before: dt.datetime | None = None
    direction: CallDirection | None = None
    status: CdrStatus | None = None

    def __post_init__(self) -> None:
        """Reject filters the PBX does not know, before anything is sent."""
        for name in ("extension", "caller", "callee", "outbound_caller_id"):
            _check_text(name, getattr(self, name))
        for name in ("started_after", "started_before", "ended_after", "ended_before"):
            _format_stamp(getattr(self, name))
        if self.direction is not None:
            direction = CallDirection.try_parse(self.direction)
            if direction is None or direction is CallDirection.UNKNOWN:
                raise ValueError(f"Unknown call direction {self.direction!r}")
            object.__setattr__(self, "direction", direction)
        if self.status is not None:
            status = CdrStatus.try_parse(self.status)
            if status not in _QUERY_STATUSES:
                raise ValueError(
                    f"Call records can be filtered by answered, cancelled or failed, not {self.status!r}"
                )
            object.__setattr__(self, "status", status)

    def to_api(self) -> dict[str, str]:
        """Return the cdrs request fields for these filters."""
        values: dict[str, str | None] = {
            "extid": self.extension,
            "caller_id_number": self.caller,
            "destination_number": self.callee,
            "outbound_callerid_number": self.outbound_caller_id,
            "start_stamp_begin": _format_stamp(self.started_after),
            "start_stamp_end": _format_stamp(self.started_before),
            "end_stamp_begin": _format_stamp(self.ended_after),
            "end_stamp_end": _format_stamp(self.ended_before),
            "direction": self.direction.api_value if self.direction else None,
            "call_status": self.status.api_value if self.status else None,
        }
        return {key: value for key, value in values.items() if value is not None}


@dataclass(frozen=True, kw_only=True, slots=True)
class CallRecord(WireModel):
    """A call detail record (cdrs)."""

    record_id: str = wire("uuid")
    start: dt.datetime | None = wire("start_stamp", parse=to_datetime, default=None)
    answer: dt.datetime | None = wire("answer_stamp", parse=to_datetime, default=None)
    hangup_cause: str | None = wire("hangup_cause", default=None)
    duration: int | None = wire("duration", parse=to_count, default=None)
    talk_time: int | None = wire("billsec", parse=to_count, default=None)
    direction: CallDirection | None = wire(
        "direction", parse=_optional(CallDirection), default=None
    )
    caller: str | None = wire("caller_id_number", default=None)
    original_destination: str | None = wire("caller_destination", default=None)
    destination: str | None = wire("destination_number", default=None)
    outbound_caller_id: str | None = wire("outbound_callerid_number", default=None)
    status: CdrStatus | None = wire(
        "call_status", parse=_optional(CdrStatus), default=None
    )
    did_number: str | None = wire("did_number", default=None)
    last_destination: str | None = wire("last_destination", default=None)
    queue_wait_time: int | None = wire(
        "cc_queue_wait_time_in_queue", parse=to_count, default=None
    )
    agent_ring_time: int | None = wire(
        "cc_agent_ring_time", parse=to_count, default=None
    )
    agent_talk_time: int | None = wire(
        "cc_agent_talk_time", parse=to_count, default=None
    )
    mos: float | None = wire("rtp_audio_in_mos", parse=to_float, default=None)
    record_name: str | None = wire("record_name", default=None)
    trunk_record_name: str | None = wire("trunk_record_name", default=None)
    one_touch_record_name: str | None = wire("one_touch_record_name", default=None)
    trunk: str | None = wire("gateway_name", default=None)
    cost: str | None = wire("cost", default=None)


@dataclass(frozen=True, kw_only=True, slots=True)
class CallRecordDetail(CallRecord):
    """A detailed call record (cdr_query), with epochs, queue and conference data."""

    end: dt.datetime | None = wire("end_stamp", parse=to_datetime, default=None)
    start_epoch: int | None = wire("start_epoch", parse=to_int, default=None)
    answer_epoch: int | None = wire("answer_epoch", parse=to_int, default=None)
    end_epoch: int | None = wire("end_epoch", parse=to_int, default=None)
    record_path: str | None = wire("record_path", default=None)
    queue: str | None = wire("cc_queue", default=None)
    queue_joined_epoch: int | None = wire(
        "cc_queue_joined_epoch", parse=to_int, default=None
    )
    queue_answered_epoch: int | None = wire(
        "cc_queue_answered_epoch", parse=to_int, default=None
    )
    queue_terminated_epoch: int | None = wire(
        "cc_queue_terminated_epoch", parse=to_int, default=None
    )
    queue_cancel_reason: str | None = wire("cc_cancel_reason", default=None)
    conference_name: str | None = wire("conference_name", default=None)


@dataclass(frozen=True, kw_only=True, slots=True)
class CdrPage(WireModel):
    """One page of cdrs."""

    total: int | None = wire("total", parse=to_int, default=None)
    max_page: int | None = wire("max_page", parse=to_int, default=None)
    page: int | None = wire("page", parse=to_int, default=None)
    limit: int | None = wire("limit", parse=to_int, default=None)
    count: int | None = wire("count", parse=to_int, default=None)
    records: list[CallRecord] = field(default_factory=list)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        """Build from the cdrs response; the records are parsed, not kept in ``raw``."""
        return cls(
            **cls.wire_fields(data),
            records=[CallRecord.from_api(item) for item in mappings(data.get("data"))],
            raw={key: to_plain(value) for key, value in data.items() if key != "data"},
        )
