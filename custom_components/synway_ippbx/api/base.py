"""The base of every model: JSON-friendly export, and fields that say where they come from.

Response models (``WireModel``) declare each field once with :func:`wire`: the PBX's keys and
the parser; one generic ``from_api`` reads them, never raises on missing or oddly typed
fields, and keeps in ``raw`` the PBX's fields it does not declare (what a newer firmware
adds, or a field no model reads yet); a declared field is kept once, parsed. ``to_dict`` gives a JSON-serialisable dict
with Pythonic keys (what the integration returns from its actions).

Request models (``RequestModel``) declare each field once the same way, with :func:`sent`:
the PBX's key and how the value is spelled; one generic ``request_fields`` writes them,
leaving out what is ``None`` (a setting left alone, a filter not given).
"""

from collections.abc import Callable, Mapping, Set as AbstractSet
from dataclasses import MISSING, dataclass, field, fields
import datetime as dt
from enum import Enum
from functools import partial
from typing import Any, ClassVar, Self, cast

from .enums import ApiEnum, Weekday
from .exceptions import SynwayArgumentError
from .parsing import split_list, to_plain, to_str

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


def raw_field() -> Any:
    """Declare the ``raw`` field: the PBX's own fields, left out of equality and repr."""
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


def _enum_or_none[E: ApiEnum](kind: type[E], value: object) -> E | None:
    # An absent field stays None; a present but unknown word is the enum's UNKNOWN.
    return kind(value) if to_str(value) else None


def optional_enum[E: ApiEnum](kind: type[E]) -> Parse:
    """Parse an enumeration field that the PBX may leave out (``None`` then)."""
    return partial(_enum_or_none, kind)


def split_on(separator: str) -> Parse:
    """Parse a list sent as one string with ``separator`` between the items."""
    return partial(split_list, separator=separator)


@dataclass(frozen=True, kw_only=True, slots=True)
class WireModel(ApiModel):
    """A response model whose fields say where they come from (:func:`wire`)."""

    raw: Mapping[str, Any] = raw_field()
    # Keys a model's own ``from_api`` reads besides its declared fields: not kept in raw.
    also_read: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def undeclared(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        """The fields of ``data`` the model does not read, as plain values (its ``raw``).

        A declared field is kept once, parsed: copying all of them again would double
        what 3,000 extensions' settings hold and what every poll copies.
        """
        if (declared := _DECLARED.get(cls)) is None:
            declared = _DECLARED[cls] = cls.also_read | {
                key
                for item in fields(cls)
                if (spec := item.metadata.get("api")) is not None
                for key in spec[0]
            }
        return cast(
            "dict[str, Any]",
            to_plain(
                {key: value for key, value in data.items() if key not in declared}
            ),
        )

    @classmethod
    def wire_fields(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        """The declared fields read from ``data``; absent ones are left to defaults."""
        if (specs := _SPECS.get(cls)) is None:
            specs = _SPECS[cls] = tuple(
                (item.name, *item.metadata["api"], item.default is MISSING)
                for item in fields(cls)
                if "api" in item.metadata
            )
        values: dict[str, Any] = {}
        for name, keys, parse, required in specs:
            value = None
            for key in keys:
                if (value := parse(data.get(key))) is not None:
                    break
            if value is None and required:
                value = ""
            if value is not None:
                values[name] = value
        return values

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Self:
        """Build from one object of the PBX's response."""
        return cls(**cls.wire_fields(data), raw=cls.undeclared(data))


# Per model, built on its first answer: the PBX keys it reads, and each declared field's
# (name, keys, parser, required) — fields() and their metadata cost more than the reading.
_DECLARED: dict[type[WireModel], frozenset[str]] = {}
_SPECS: dict[type[WireModel], tuple[tuple[str, tuple[str, ...], Parse, bool], ...]] = {}


# --------------------------------------------------------------------------- request values


def api_bool(value: bool) -> str:
    """The PBX's spelling of a flag in a request."""
    return "true" if value else "false"


def _spell(value: object) -> str:
    """A request value as the PBX spells it: flags, enumerations, numbers, texts."""
    if isinstance(value, bool):
        return api_bool(value)
    if isinstance(value, ApiEnum):
        return str(value.api_value)
    return str(value)


# How a value goes out: a string, or a JSON value for a field the PBX takes as an object.
type Spell = Callable[[Any], Any]


def sent(
    key: str,
    *,
    spell: Spell = _spell,
    default: Any = None,
    default_factory: Callable[[], Any] | None = None,
) -> Any:
    """Declare a request field sent as the PBX's ``key`` (``None`` = not sent).

    A field is optional (``None``) unless given a ``default`` (``MISSING``: required) or a
    ``default_factory``.
    """
    metadata = {"send": (key, spell)}
    if default_factory is not None:
        return field(default_factory=default_factory, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True, kw_only=True, slots=True)
class RequestModel(ApiModel):
    """A request model whose fields say where they go (:func:`sent`)."""

    def request_fields(self) -> dict[str, Any]:
        """The declared fields that are set, spelled for the PBX, in declaration order."""
        body: dict[str, Any] = {}
        for item in fields(self):
            if (spec := item.metadata.get("send")) is None:
                continue
            key, spell = spec
            if (value := getattr(self, item.name)) is None:
                continue
            if (spelled := spell(value)) is not None:
                body[key] = spelled
        return body


def check_text(name: str, value: str | None, *, allow_empty: bool = False) -> None:
    """Refuse a blank text the PBX would refuse (``None`` leaves a setting alone)."""
    if value is not None and not allow_empty and not value.strip():
        raise SynwayArgumentError(f"{name} must not be empty")


def check_int(name: str, value: int | None, minimum: int = 0) -> None:
    """Refuse a number below what the PBX accepts (``None`` leaves a setting alone)."""
    if value is not None and value < minimum:
        raise SynwayArgumentError(f"{name} must be at least {minimum}")
