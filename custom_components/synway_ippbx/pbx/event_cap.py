"""Keep a bus event's data under Home Assistant's 32 KB event limit.

Home Assistant's recorder stores no event whose data passes 32,768 bytes as JSON (and
logs a warning); a report may be up to 64 KB. No Home Assistant imports: the size is
what orjson (Home Assistant's encoder) writes.
"""

import json
from typing import Any

import orjson

from ..const import LOGGER

# The limit less room for what may still be added (the Activity row's words).
EVENT_DATA_BUDGET = 30_000
# Over budget, each string (field names included) is cut to this many characters: the
# parser already cuts the PBX's text at 255, so it takes many fields to get there.
EVENT_FIELD_CHARS = 64
# The fields the integration itself adds: never cut nor left out.
_OURS = frozenset({"config_entry_id", "entity_id", "event"})


def json_size(value: Any) -> int:
    """Bytes of ``value`` as JSON, also for what orjson refuses."""
    try:
        return len(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS))
    except TypeError:
        # Integers past 64 bits, lone surrogates: the escaped standard encoding is never
        # shorter than what the recorder would write.
        return len(json.dumps(value, default=str))


def _cut(value: Any) -> Any:
    if isinstance(value, str):
        return value[:EVENT_FIELD_CHARS]
    if isinstance(value, dict):
        return {str(key)[:EVENT_FIELD_CHARS]: _cut(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_cut(item) for item in value]
    return value


def event_size_bound(body_size: int) -> int:
    """An upper bound of a report's bus event data as JSON, from its body's length.

    A body byte is written as at most 3 (4 UTF-8 bytes, one character, 12 bytes
    escaped); the normalised fields copy at most 8 of the body's values and add 2 names
    of at most 255 characters, plus the few short fields the integration adds.
    """
    return 27 * body_size + 8192


def _leave_out(
    fields: dict[str, Any], total: int, keep: frozenset[str], dropped: list[str]
) -> int:
    """Leave out ``fields``' largest entries (not ``keep``) until ``total`` fits."""
    sizes = {key: json_size({key: value}) for key, value in fields.items()}
    for key in sorted(
        (key for key in sizes if key not in keep), key=sizes.__getitem__, reverse=True
    ):
        if total <= EVENT_DATA_BUDGET:
            break
        del fields[key]
        dropped.append(key)
        total -= sizes[key]
    return total


def cap_event_data(
    data: dict[str, Any], *, at_most: int | None = None
) -> dict[str, Any]:
    """``data`` itself when under budget, else a copy that fits.

    ``at_most``: a bound of the data's size the caller knows (``event_size_bound``);
    within budget nothing is measured: encoding every report's event only to measure
    it was the cap's whole cost. Over budget, the PBX's text is cut first, then the
    largest fields of its report (under ``raw``) are left out, then, if still needed,
    the largest of the rest, with a debug line naming what was cut.
    """
    if at_most is not None and at_most <= EVENT_DATA_BUDGET:
        return data
    size = json_size(data)
    if size <= EVENT_DATA_BUDGET:
        return data
    capped = {
        key if key in _OURS else key[:EVENT_FIELD_CHARS]: value
        if key in _OURS
        else _cut(value)
        for key, value in data.items()
    }
    cut_fields = sorted(key for key, value in data.items() if capped.get(key) != value)
    dropped: list[str] = []
    total = json_size(capped)
    if isinstance(raw := capped.get("raw"), dict):
        # The report is the padding's only home: its own fields go before ours.
        left_out: list[str] = []
        total = _leave_out(raw, total, frozenset({"event"}), left_out)
        dropped += [f"raw.{key}" for key in left_out]
    total = _leave_out(capped, total, _OURS, dropped)
    LOGGER.debug(
        "A %s report's event data was %d bytes, over Home Assistant's event limit: "
        "cut %s%s",
        capped.get("event"),
        size,
        ", ".join(key[:40] for key in cut_fields[:10]) or "nothing",
        f"; left out {', '.join(key[:40] for key in dropped[:10])}" if dropped else "",
    )
    return capped
