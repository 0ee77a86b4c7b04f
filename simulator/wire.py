"""JSON as the PBX writes it, including its quirks.

Reports and responses are built as plain dicts; this module turns them into bytes, applying the
quirk switches: numbers where the manual has strings (or the reverse), ``Success`` with a capital
letter, missing optional fields, and repeated keys (:class:`Repeated`) for legacy multi-party
reports.
"""

import json
import re
from typing import Any

from .config import NumberStyle, Quirks

_NUMERIC = re.compile(r"^-?(0|[1-9]\d{0,14})$")
OPTIONAL_REPORT_KEYS = frozenset(
    {
        "callerid",
        "user_id",
        "originaldest",
        "lastdest",
        "didnumber",
        "srctrunk",
        "desttrunk",
    }
)


class Repeated(list[Any]):
    """A value written as the same key repeated once per item (legacy duplicate keys)."""


def restyle(value: Any, style: NumberStyle) -> Any:
    """Turn numeric strings into numbers ("numbers") or numbers into strings ("strings")."""
    if style == "manual":
        return value
    if isinstance(value, dict):
        return {k: restyle(v, style) for k, v in value.items()}
    if isinstance(value, Repeated):
        return Repeated(restyle(v, style) for v in value)
    if isinstance(value, list):
        return [restyle(v, style) for v in value]
    if style == "numbers" and isinstance(value, str) and _NUMERIC.match(value):
        return int(value)
    if (
        style == "strings"
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        return str(value)
    return value


def strip_optional(value: Any, keys: frozenset[str] = OPTIONAL_REPORT_KEYS) -> Any:
    """Drop null/empty values and the optional keys ``keys`` (the 'missing fields' quirk)."""
    if isinstance(value, dict):
        return {
            k: strip_optional(v, keys)
            for k, v in value.items()
            if v is not None and v != "" and k not in keys
        }
    if isinstance(value, Repeated):
        return Repeated(strip_optional(v, keys) for v in value)
    if isinstance(value, list):
        return [strip_optional(v, keys) for v in value]
    return value


def dumps(value: Any) -> str:
    """Serialise like json.dumps, but write a :class:`Repeated` value as repeated keys."""
    if isinstance(value, dict):
        parts: list[str] = []
        for key, item in value.items():
            if isinstance(item, Repeated):
                parts.extend(f"{json.dumps(key)}:{dumps(v)}" for v in item)
            else:
                parts.append(f"{json.dumps(key)}:{dumps(item)}")
        return "{" + ",".join(parts) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def encode_report(report: dict[str, Any], quirks: Quirks) -> bytes:
    """The bytes of a report POSTed to a client."""
    body: Any = report
    if quirks.omit_optional:
        body = strip_optional(body)
    body = restyle(body, quirks.number_style)
    return dumps(body).encode()


def flatten(report: dict[str, Any]) -> dict[str, Any]:
    """A report as a JSON parser keeping the last duplicate key would see it."""
    return {k: (v[-1] if isinstance(v, Repeated) else v) for k, v in report.items()}


def encode_response(body: Any, quirks: Quirks) -> Any:
    """A response body after the quirks (still a JSON-able value)."""
    if isinstance(body, dict) and quirks.capitalised_status and "status" in body:
        body = dict(body)
        if body["status"] in ("success", "failed"):
            body["status"] = str(body["status"]).capitalize()
    if quirks.omit_optional:
        body = strip_optional(body, frozenset())
    return restyle(body, quirks.number_style)
