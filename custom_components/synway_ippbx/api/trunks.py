"""Trunks (trunk_list, trunk_query), outbound routes (outbound_query) and IVRs (ivr_list)."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from .base import WireModel, optional_enum, split_on, wire
from .enums import OutboundPinType, TrunkStatus, TrunkType
from .parsing import mappings, split_list, to_bool, to_int, to_str


@dataclass(frozen=True, kw_only=True, slots=True)
class TrunkInfo(WireModel):
    """A trunk and its state (trunk_list)."""

    name: str = wire("trunkname")
    type: TrunkType = wire("type", parse=TrunkType, default=TrunkType.UNKNOWN)
    status: TrunkStatus = wire("status", parse=TrunkStatus, default=TrunkStatus.UNKNOWN)
    did_number: str | None = wire("did_number", default=None)


@dataclass(frozen=True, kw_only=True, slots=True)
class TrunkSettings(WireModel):
    """Basic settings of a trunk (trunk_query)."""

    name: str = wire("trunkname")
    sip_address: str | None = wire("sip_address", default=None)
    port: str | None = wire("port", default=None)


def _members(value: object, key: str) -> tuple[str, ...]:
    found = [to_str(item.get(key)) for item in mappings(value)]
    if not found and isinstance(value, str):
        return split_list(value)
    return tuple(item for item in found if item)


@dataclass(frozen=True, kw_only=True, slots=True)
class OutboundRoute(WireModel):
    """An outbound route (outbound_query)."""

    also_read: ClassVar[frozenset[str]] = frozenset(
        {"member_extension", "member_gateway"}
    )

    name: str = wire("outbound_name", "outboundname")
    enabled: bool | None = wire("outbound_enabled", parse=to_bool, default=None)
    order: int | None = wire("outbound_order", parse=to_int, default=None)
    pin_type: OutboundPinType | None = wire(
        "outbound_pintype", parse=optional_enum(OutboundPinType), default=None
    )
    single_pin: str | None = wire("outbound_singlepin", default=None, secret=True)
    pin_list: str | None = wire("outbound_pinlist", default=None)
    round_robin: bool | None = wire(
        "outbound_rrmemory_hunt", parse=to_bool, default=None
    )
    dial_patterns: tuple[str, ...] = wire(
        "outbound_dialpatterns", parse=split_on("@"), default=()
    )
    next_route: bool | None = wire("outbound_next_route", parse=to_bool, default=None)
    failed_sip_codes: tuple[str, ...] = wire(
        "outbound_failed_sip_code", parse=split_on("|"), default=()
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
            raw=cls.undeclared(data),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class Ivr(WireModel):
    """An IVR (ivr_list)."""

    ivr_id: str = wire("ivrid")
    name: str | None = wire("ivrname", default=None)
