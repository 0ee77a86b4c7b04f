"""Values the PBX may send that must not be read wrongly: CDR words, odd text, counts."""

import json
from typing import Any

import pytest

from custom_components.synway_ippbx.api import (
    CdrReport,
    CdrStatus,
    QueueMember,
    QueueMemberState,
    QueueStatus,
    QueueStatusReport,
    RingReport,
    parse_report,
)


def _report(**fields: Any) -> Any:
    return parse_report(json.dumps(fields))


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("ANSWERED", CdrStatus.ANSWERED),
        ("NO ANSWER", CdrStatus.NO_ANSWER),
        ("BUSY", CdrStatus.BUSY),
        ("FAILED", CdrStatus.FAILED),
        ("CONGESTION", "CONGESTION"),
        (None, CdrStatus.UNKNOWN),
    ],
)
def test_cdr_status_words(word: str | None, expected: CdrStatus | str) -> None:
    """Each word its own value; an unknown word is kept as received."""
    report = _report(event="CDR", callid="c1", status=word)
    assert isinstance(report, CdrReport)
    assert report.status == expected
    assert type(report.status) is type(expected)


def test_text_is_sanitised_at_the_boundary() -> None:
    """Lone surrogates and NUL are replaced, text is capped at 255 characters."""
    number = "\ud800" + "1" * 300
    report = _report(
        event="RING",
        callid="c\x00",
        callertrunk={"from": number, "uuid": "u"},
        calledext={"extid": "1001"},
    )
    assert isinstance(report, RingReport)
    assert report.callid == "c\ufffd"
    assert report.parties[0].number == "\ufffd" + "1" * 254
    # The fields fired on the bus are cleaned too.
    assert report.data["callertrunk"]["from"] == "\ufffd" + "1" * 254
    json.dumps(report.data).encode()  # encodable: no lone surrogate left


def test_counts_are_never_negative() -> None:
    """A negative caller count or wait time reads as zero."""
    report = _report(event="QueueStatus", number="6700", callercount="-5")
    assert isinstance(report, QueueStatusReport)
    assert report.caller_count == 0
    status = QueueStatus.from_api(
        {"callercount": -2, "callers": [{"callid": "x", "wait_time": "-9"}]}
    )
    assert status.caller_count == 0
    assert status.callers[0].wait_time == 0


def test_unknown_queue_member_word_is_tolerated() -> None:
    """A member state the manual does not list parses as unknown, never an error."""
    member = QueueMember.from_api({"extid": "1004", "state": "On break"})
    assert member.state is QueueMemberState.UNKNOWN
    assert QueueMember.from_api({"extid": "1", "state": "In a queue call"}).state is (
        QueueMemberState.IN_QUEUE_CALL
    )
