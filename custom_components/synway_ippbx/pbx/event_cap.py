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


def cap_event_data(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` itself when under budget, else a copy that fits.

    The PBX's text is cut first, then its largest fields are left out, with a debug
    line naming what was cut.
    """
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
    sizes = {key: json_size({key: value}) for key, value in capped.items()}
    dropped: list[str] = []
    total = json_size(capped)
    for key in sorted(
        (key for key in sizes if key not in _OURS), key=sizes.__getitem__, reverse=True
    ):
        if total <= EVENT_DATA_BUDGET:
            break
        del capped[key]
        dropped.append(key)
        total -= sizes[key]
    LOGGER.debug(
        "A %s report's event data was %d bytes, over Home Assistant's event limit: "
        "cut %s%s",
        capped.get("event"),
        size,
        ", ".join(key[:40] for key in cut_fields[:10]) or "nothing",
        f"; left out {', '.join(key[:40] for key in dropped[:10])}" if dropped else "",
    )
    return capped
