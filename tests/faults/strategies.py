"""Hypothesis strategies for what a PBX (or anyone posing as one) may send.

Values mix the manual's field names with arbitrary ones, numbers with strings, nulls,
lists where objects belong, odd Unicode (lone surrogates included) and deep nesting, so
that every parser meets the loosely typed input a real unit produces and worse.
"""

import json
from typing import Any

from hypothesis import strategies as st

from custom_components.synway_ippbx.api import REPORT_EVENTS

FIELDS = [
    "event",
    "action",
    "extension",
    "extid",
    "status",
    "callid",
    "uuid",
    "callerext",
    "calledext",
    "callertrunk",
    "calledtrunk",
    "from",
    "to",
    "trunk",
    "trunkname",
    "callerid",
    "callfrom",
    "callto",
    "queueid",
    "queuename",
    "callercount",
    "callers",
    "members",
    "agent",
    "agentstatus",
    "state",
    "type",
    "data",
    "total",
    "max_page",
    "page",
    "limit",
    "count",
    "reason",
    "dtmf",
    "info",
    "duration",
    "billsec",
    "talktime",
    "calltime",
    "start_stamp",
    "answer_stamp",
    "end_stamp",
    "wakeup_uuid",
    "wakeup_hour",
    "wakeup_min",
    "wakeup_wday",
    "wakeups",
    "port",
    "did_number",
    "sip_address",
    "direction",
    "record_path",
    "record_type",
    "token",
    "errno",
    "conference_number",
    "extinfo",
    "trunklist",
    "queuelist",
    "ivrlist",
    "outbound_name",
    "position",
]
STATUS_WORDS = [
    "Idle",
    "Registered",
    "Unregistered",
    "Ringing",
    "Ringback",
    "Talking",
    "Hold",
    "Busy",
    "InUse",
    "Hangup",
    "success",
    "failed",
    "Success",
    "FAILED",
    "ANSWERED",
    "NO",
    "ANSWER",
    "BUSY",
    "Login",
    "Logout",
    "Paused",
]

keys = st.one_of(st.sampled_from(FIELDS), st.text(max_size=12))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(STATUS_WORDS),
    st.text(max_size=40),
    st.from_regex(r"\A[0-9]{1,14}\Z"),
    st.sampled_from(["2026-11-28 12:34:56", "2018-13-45 99:99:99", "", " ", "\ud800"]),
)
json_values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(keys, children, max_size=6),
    ),
    max_leaves=25,
)
json_objects = st.dictionaries(keys, json_values, max_size=10)


@st.composite
def report_objects(draw: st.DrawFn) -> dict[str, Any]:
    """A report: a known or made-up event word plus fields."""
    event = draw(
        st.one_of(st.sampled_from(sorted(REPORT_EVENTS)), st.text(max_size=15))
    )
    body = draw(json_objects)
    body[draw(st.sampled_from(["event", "action", "Event"]))] = event
    return body


def encode(value: Any) -> bytes:
    """JSON bytes; lone surrogates go out as escapes, as a broken encoder might send."""
    return json.dumps(value).encode()


@st.composite
def deep_nesting(draw: st.DrawFn) -> bytes:
    """A body nested far deeper than any document of the manual."""
    depth = draw(st.integers(min_value=30, max_value=3000))
    opener = draw(st.sampled_from(["[", '{"a":']))
    closer = "]" if opener == "[" else "}"
    return (
        b'{"event": "RING", "x": '
        + (opener * depth + "1" + closer * depth).encode()
        + b"}"
    )


report_bodies = st.one_of(
    report_objects().map(encode),
    deep_nesting(),
    st.binary(max_size=200),
    report_objects().map(lambda r: encode(r)[: len(encode(r)) // 2]),
)
answer_bodies = st.one_of(
    json_objects.map(encode),
    json_values.map(encode),
    deep_nesting(),
    st.binary(max_size=200),
)
