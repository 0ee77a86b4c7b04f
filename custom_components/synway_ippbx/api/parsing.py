"""Tolerant decoding of the PBX's JSON and coercion of its loosely typed values.

The PBX (and the manual) mixes numbers and strings, sends ``null`` or leaves fields out, and
some firmware repeats keys inside one object. Everything here accepts all of that and never
raises on odd values; callers decide what a missing value means.
"""

import codecs
from collections.abc import Iterable, Iterator, Mapping
import datetime as dt
import json
import math
import re
from typing import Any, Final

import orjson

_TRUE_WORDS = frozenset({"true", "1", "yes", "on", "enable", "enabled", "y"})
_FALSE_WORDS = frozenset({"false", "0", "no", "off", "disable", "disabled", "n"})
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# The manual's deepest document is three levels; anything far deeper is hostile or broken, and
# recursive code (ours, the recorder's, the websocket's) must never meet it.
MAX_DEPTH = 32
# Code points that cannot be stored or sent on (lone surrogates, NUL): a trunk may
# forward anything as a caller's number or name.
_INVALID_CODE_POINTS = re.compile("[\x00\ud800-\udfff]")
# The longest text kept from the PBX; Home Assistant refuses longer states.
MAX_TEXT_LENGTH = 255


class JsonObject(dict[str, Any]):
    """A decoded JSON object that remembers every value of a repeated key.

    It behaves as a normal dict in which the last value wins (what ``json.loads`` does), so
    it stays JSON-serialisable, while `get_all` and `pairs` still expose the earlier values.
    """

    __slots__ = ("_pairs",)

    def __init__(self, pairs: Iterable[tuple[str, Any]] = ()) -> None:
        """Build the object from the decoder's key/value pairs, in document order."""
        ordered = pairs if type(pairs) is list else list(pairs)
        # Built in C (the last value wins); fewer keys than pairs means one repeated.
        super().__init__(ordered)
        # The pair list is only worth its memory when a key repeated.
        self._pairs: list[tuple[str, Any]] | None = (
            ordered if len(self) != len(ordered) else None
        )

    @property
    def has_duplicates(self) -> bool:
        """Whether a key occurred more than once in the document."""
        return self._pairs is not None

    def pairs(self) -> list[tuple[str, Any]]:
        """Return every key/value pair in document order, repeated keys included."""
        if self._pairs is not None:
            return list(self._pairs)
        return list(self.items())

    def get_all(self, key: str) -> list[Any]:
        """Return every value given for ``key``, in document order."""
        if self._pairs is not None:
            return [value for name, value in self._pairs if name == key]
        return [self[key]] if key in self else []


def loads(text: str | bytes) -> Any:
    """Decode JSON, keeping repeated keys.

    Raises:
        ValueError: invalid JSON, or nested deeper than `MAX_DEPTH`.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    try:
        value = json.loads(text, object_pairs_hook=JsonObject)
    except RecursionError as err:
        raise ValueError("JSON nested too deeply") from err
    check_depth(value)
    return value


# In a body with no backslash, no string can hold a lone surrogate or NUL (JSON writes those
# only as escapes); with no run of more than MAX_TEXT_LENGTH bytes between quotes, no string
# is too long; with at most MAX_DEPTH brackets, nothing nests too deeply.
_LONG_RUN = re.compile(rb'[^"]{%d,}' % (MAX_TEXT_LENGTH + 1))


def loads_clean(raw: bytes) -> Any | None:
    """Decode a body already known to be clean, into plain dicts; ``None`` if it is not.

    The fast path for reports (nearly all of them): no cleaning walk, no depth walk, no
    copy. ``None`` (body not provably clean, a key repeated, or anything orjson declines)
    sends the caller to `loads` and `to_plain`, which decide.
    """
    if (
        b"\\" in raw
        or raw.count(b"{") + raw.count(b"[") > MAX_DEPTH
        or _LONG_RUN.search(raw)
    ):
        return None
    raw = raw.removeprefix(codecs.BOM_UTF8)
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    # Without escapes no string holds a quote, so every '":' in the body ends a key:
    # fewer keys decoded than that means one was repeated (orjson keeps the last).
    return value if _key_count(value) == raw.count(b'":') else None


def _key_count(value: Any) -> int:
    """Keys in every object of decoded JSON (a loop, not a recursion: it runs per report)."""
    count = 0
    pending = [value] if type(value) in (dict, list) else []
    while pending:
        item = pending.pop()
        children = item.values() if type(item) is dict else item
        if type(item) is dict:
            count += len(item)
        pending += [child for child in children if type(child) in (dict, list)]
    return count


def check_depth(value: Any, limit: int = MAX_DEPTH) -> None:
    """Raise ValueError when containers nest deeper than ``limit`` (checked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping):
            children: Iterable[Any] = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth >= limit:
            raise ValueError(f"JSON nested deeper than {limit} levels")
        # Leaves (nearly every value) are skipped here, without a stack entry each.
        stack.extend(
            (child, depth + 1) for child in children if type(child) not in _LEAVES
        )


def get_all(mapping: Mapping[str, Any], key: str) -> list[Any]:
    """Return every value of ``key`` in any mapping (all of them for a `JsonObject`)."""
    if isinstance(mapping, JsonObject):
        return mapping.get_all(key)
    return [mapping[key]] if key in mapping else []


def iter_pairs(mapping: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """Iterate over the key/value pairs of a mapping, repeated keys included."""
    if isinstance(mapping, JsonObject):
        yield from mapping.pairs()
    else:
        yield from mapping.items()


def clean_text(text: str) -> str:
    """Replace code points nothing downstream can store and cap the length."""
    # Nearly all text is short ASCII without NUL: settle that in C before any regex.
    if len(text) <= MAX_TEXT_LENGTH and text.isascii() and "\x00" not in text:
        return text
    if _INVALID_CODE_POINTS.search(text):
        text = _INVALID_CODE_POINTS.sub("\ufffd", text)
    return text[:MAX_TEXT_LENGTH]


def to_plain(value: Any, _depth: int = 0) -> Any:
    """Turn decoded JSON into plain dicts and lists (last value wins for repeated keys).

    Strings come out cleaned (`clean_text`), keys included.

    Raises:
        ValueError: nested deeper than `MAX_DEPTH` (never a RecursionError).
    """
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, Mapping | list | tuple) and _depth >= MAX_DEPTH:
        raise ValueError(f"JSON nested deeper than {MAX_DEPTH} levels")
    # Most values of a PBX answer are strings or numbers: settled here, without a call
    # each (a poll of 3,000 extensions copies some 150,000 of them).
    if isinstance(value, Mapping):
        return {
            clean_text(str(key)): (
                clean_text(item)
                if type(item) is str
                else item
                if type(item) in _SCALARS
                else to_plain(item, _depth + 1)
            )
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [
            clean_text(item)
            if type(item) is str
            else item
            if type(item) in _SCALARS
            else to_plain(item, _depth + 1)
            for item in value
        ]
    return value


# Decoded JSON values that are their own plain form.
_SCALARS: Final = frozenset({int, float, bool, type(None)})
# Decoded JSON values that hold nothing.
_LEAVES: Final = _SCALARS | {str}


def normalise_word(value: object) -> str:
    """Lower-case a word and drop everything but letters and digits, for loose matching."""
    return _NON_ALNUM.sub("", str(value).lower())


def to_str(value: object) -> str | None:
    """Coerce an identifier or text to ``str``; ``None`` and empty strings become ``None``."""
    if type(value) is str:
        # Nearly every value is already a string: skip the checks of the other kinds
        # (an isinstance against the Mapping ABC costs more than the rest of the work).
        return clean_text(value.strip()) or None
    if value is None or isinstance(value, Mapping | list | tuple):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean_text(str(value).strip())
    return text or None


def to_int(value: object) -> int | None:
    """Coerce ``12``, ``"12"``, ``" 12 "`` or ``"12.0"`` to an int; anything else is ``None``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else None
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            return None
        return int(number) if math.isfinite(number) else None
    return None


def to_count(value: object) -> int | None:
    """Coerce a count or a duration like `to_int`, never below zero."""
    number = to_int(value)
    return None if number is None else max(0, number)


def to_float(value: object) -> float | None:
    """Coerce a number or numeric string to a finite float, else ``None``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def to_bool(value: object) -> bool | None:
    """Coerce ``true``/``"true"``/``"1"``/``"enable"`` and friends; unknown words are ``None``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    return None


def to_datetime(value: object) -> dt.datetime | None:
    """Parse the PBX's naive local ``YYYY-MM-DD hh:mm:ss`` timestamps (or epoch seconds)."""
    text = to_str(value)
    if text is None:
        return None
    for fmt in _DATETIME_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)  # the PBX sends naive local time
        except ValueError:
            continue
    return None


def to_date(value: object) -> dt.date | None:
    """Parse ``YYYY-MM-DD``."""
    text = to_str(value)
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def to_list(value: object) -> list[Any]:
    """Treat a missing value as empty and a single item as a one-item list."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def mappings(value: object) -> list[Mapping[str, Any]]:
    """Return the objects of a list (or a lone object), skipping anything that is not one."""
    return [item for item in to_list(value) if isinstance(item, Mapping)]


def split_list(value: object, separator: str = ",") -> tuple[str, ...]:
    """Split ``"a,b, c"`` (or take a JSON list) into stripped, non-empty strings."""
    if isinstance(value, list | tuple):
        items = [to_str(item) for item in value]
        return tuple(item for item in items if item)
    text = to_str(value)
    if text is None:
        return ()
    return tuple(part.strip() for part in text.split(separator) if part.strip())


def is_success(status: object) -> bool:
    """Compare the response status case-insensitively (``success`` and ``Success``)."""
    return isinstance(status, str) and status.strip().lower() == "success"


def is_failure(status: object) -> bool:
    """Recognise ``failed``/``Failed`` (and ``fail``/``error``)."""
    return isinstance(status, str) and status.strip().lower() in {
        "failed",
        "fail",
        "error",
    }
