"""Extensions: their settings (ext_query), changes to them (ext_mod) and states (ext_status)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, ClassVar, Self, final

from .base import (
    ApiModel,
    RequestModel,
    WireModel,
    api_bool,
    check_int,
    check_text,
    optional_enum,
    sent,
    wire,
)
from .enums import (
    CallPermission,
    EavesdropMode,
    EavesdropPermission,
    ExtensionStatus,
    ExtensionType,
    TimeConditionType,
)
from .exceptions import SynwayArgumentError
from .parsing import mappings, split_list, to_bool, to_int, to_str


@final
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
        wire_values = (
            data.get(f"{prefix}_enabled"),
            data.get(f"{prefix}_destination"),
            data.get(f"{prefix}_tc_type"),
            data.get(f"{prefix}_tc_uuid"),
        )
        try:
            return _shared_forwarding(*wire_values)  # final: Self is Forwarding
        except TypeError:  # a list or an object where a word belongs: not hashable
            return _shared_forwarding.__wrapped__(*wire_values)


@lru_cache(maxsize=512, typed=True)
def _shared_forwarding(
    enabled: object, destination: object, tc_type: object, tc_uuid: object
) -> Forwarding:
    """One object per distinct rule as sent: most of 3,000 extensions' five are alike.

    The model is frozen, so sharing is safe; it saves five objects and their parsing per
    extension.
    """
    return Forwarding(
        enabled=to_bool(enabled),
        destination=to_str(destination),
        time_condition=TimeConditionType(tc_type) if to_str(tc_type) else None,
        time_condition_uuid=to_str(tc_uuid),
    )


_FORWARD_PREFIXES = {
    "forward_always": "forward_all",
    "forward_busy": "forward_busy",
    "forward_no_answer": "forward_no_answer",
    "forward_unregistered": "forward_user_not_registered",
    "follow_me": "follow_me",
}


def _dnd(value: object) -> bool | None:
    """A bool as sent, else only the word ``true`` (any case) is on."""
    if value is None or isinstance(value, bool):
        return value
    return str(value).strip().lower() == "true"


@dataclass(frozen=True, kw_only=True, slots=True)
class ExtensionSettings(WireModel):
    """The settings of one extension (ext_query). ``to_dict`` leaves the password out."""

    also_read: ClassVar[frozenset[str]] = frozenset(
        f"{prefix}_{part}"
        for prefix in _FORWARD_PREFIXES.values()
        for part in ("enabled", "destination", "tc_type", "tc_uuid")
    )

    extension: str = wire("extension")
    name: str | None = wire("username", default=None)
    caller_id: str | None = wire("effective_caller_id_number", default=None)
    extension_type: ExtensionType | None = wire(
        "extension_type", parse=optional_enum(ExtensionType), default=None
    )
    password: str | None = wire("password", default=None, secret=True)
    enabled: bool | None = wire("enabled", parse=to_bool, default=None)
    call_permission: CallPermission | None = wire(
        "call_permission", parse=optional_enum(CallPermission), default=None
    )
    voicemail: bool | None = wire("voicemail_enabled", parse=to_bool, default=None)
    recording: bool | None = wire("user_record", parse=to_bool, default=None)
    # Not in the manual's ext_query; some firmware sends it.
    do_not_disturb: bool | None = wire("dnd_enabled", parse=_dnd, default=None)
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
        "eavesdrop_enable", parse=optional_enum(EavesdropPermission), default=None
    )
    eavesdrop_mode: EavesdropMode | None = wire(
        "eavesdrop_mode", parse=optional_enum(EavesdropMode), default=None
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
        return cls(**cls.wire_fields(data), raw=cls.undeclared(data), **forwards)


@dataclass(frozen=True, kw_only=True, slots=True)
class ExtensionChanges(RequestModel):
    """Settings to change on an extension (ext_mod); ``None`` leaves a setting alone.

    A forwarding field takes a destination to switch that forwarding on, or ``""`` to switch
    it off. ``extra`` passes further raw API fields through unchanged.
    """

    name: str | None = sent("username")
    caller_id: str | None = sent("effective_caller_id_number")
    call_permission: CallPermission | None = sent("call_permission")
    enabled: bool | None = sent("enabled")
    voicemail: bool | None = sent("voicemail_enabled")
    recording: bool | None = sent("user_record")
    forward_always: str | None = None
    forward_busy: str | None = None
    forward_no_answer: str | None = None
    forward_unregistered: str | None = None
    follow_me: str | None = None
    call_timeout: int | None = sent("call_timeout")
    max_call_duration: int | None = sent("max_call_duration")
    max_registrations: int | None = sent("max_registrations")
    extra: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Reject values the PBX would refuse, before anything is sent."""
        check_text("name", self.name)
        if self.call_permission is CallPermission.UNKNOWN:
            raise SynwayArgumentError("call_permission must be a known permission")
        check_int("call_timeout", self.call_timeout, 1)
        check_int("max_call_duration", self.max_call_duration, 1)
        check_int("max_registrations", self.max_registrations, 1)

    @property
    def is_empty(self) -> bool:
        """Whether nothing would change."""
        return not self.to_api()

    def to_api(self) -> dict[str, str]:
        """Return the ext_mod fields for these changes."""
        # A forwarding is two keys (on/off and where), so it is written here.
        body = self.request_fields()
        for name, prefix in _FORWARD_PREFIXES.items():
            destination: str | None = getattr(self, name)
            if destination is None:
                continue
            destination = destination.strip()
            body[f"{prefix}_enabled"] = api_bool(bool(destination))
            if destination:
                body[f"{prefix}_destination"] = destination
        body.update(self.extra)
        return body


@dataclass(frozen=True, kw_only=True, slots=True)
class ExtensionState(WireModel):
    """The live state of one extension (ext_status)."""

    extension: str = wire("extension", "extid")
    name: str | None = wire("effective_caller_id_name", default=None)
    type: ExtensionType = wire(
        "extension_type", parse=ExtensionType, default=ExtensionType.UNKNOWN
    )
    uuid: str | None = wire("extension_uuid", default=None)
    port: str | None = wire("port", default=None)
    ip_port: str | None = wire("ip_port", "ip", default=None)
    status: ExtensionStatus = wire(
        "status", parse=ExtensionStatus, default=ExtensionStatus.UNKNOWN
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class ExtensionStatusPage(WireModel):
    """One page of ext_status."""

    also_read: ClassVar[frozenset[str]] = frozenset({"data"})

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
            raw=cls.undeclared(data),
        )
