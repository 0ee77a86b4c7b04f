"""The call tracker, fed with reports shaped as the manual's Chapter 5 examples."""

from datetime import UTC, datetime, timedelta
import json
from typing import Any

from custom_components.synway_ippbx.api import Report, parse_report
from custom_components.synway_ippbx.pbx.call_tracking import CallTracker, LegState

CALLID = "87180740-d388-11e8-8421-55df9da9116c"
CALLER_LEG = CALLID
CALLEE_LEG = "65a4db2a-e0bb-11e8-89a1-a319da67b18c"


def ext(extid: str, uuid: str, callerid: str | None = None) -> dict[str, str]:
    """An extension party object."""
    return {"extid": extid, "callerid": callerid or extid, "uuid": uuid}


def report(event: str, callid: str = CALLID, **fields: Any) -> Report:
    """Parse a report built from keyword fields."""
    return parse_report(json.dumps({"event": event, "callid": callid, **fields}))


def internal(event: str, **fields: Any) -> Report:
    """A report of the internal call 1000 -> 1002."""
    return report(
        event,
        callerext=ext("1000", CALLER_LEG),
        calledext=ext("1002", CALLEE_LEG, "1000"),
        **fields,
    )


class Feed:
    """Applies reports with increasing stamps, as the store does."""

    def __init__(self) -> None:
        self.tracker = CallTracker()
        self.stamp = 0

    def __call__(self, item: Report) -> set[str]:
        self.stamp += 1
        return self.tracker.apply(item, self.stamp)


def test_internal_call_lifecycle() -> None:
    feed = Feed()
    tracker = feed.tracker
    assert feed(internal("RINGBACK")) == {"1000", "1002"}
    assert feed(internal("RING")) == {"1000", "1002"}
    caller = tracker.current_leg("1000")
    callee = tracker.current_leg("1002")
    assert caller is not None
    assert callee is not None
    assert (caller.uuid, caller.state) == (CALLER_LEG, LegState.RINGBACK)
    assert (callee.uuid, callee.state) == (CALLEE_LEG, LegState.RINGING)
    assert tracker.active_calls == 1

    feed(internal("ANSWER"))
    feed(internal("ANSWERED"))
    assert caller.state is LegState.TALKING
    assert callee.state is LegState.TALKING
    other = tracker.other_party("1000")
    assert other is not None
    assert other.number == "1002"

    assert feed(internal("HANGUP", originator="caller")) == {"1000", "1002"}
    assert tracker.current_leg("1000") is None
    assert tracker.current_leg("1002") is None
    assert tracker.active_calls == 0
    assert tracker.other_party("1000") is None


def test_outbound_call_other_party_is_the_external_number() -> None:
    feed = Feed()
    trunk = {"from": "1002", "to": "1141", "callerid": "1002", "trunk": "trunkname"}
    trunk["uuid"] = "d7ab2a04-d59d-11e8-8914-55df9da9116c"
    callid = "d7634108-d59d-11e8-88be-55df9da9116c"
    feed(report("RINGBACK", callid, callerext=ext("1002", callid), calledtrunk=trunk))
    feed(report("ANSWERED", callid, callerext=ext("1002", callid), calledtrunk=trunk))
    other = feed.tracker.other_party("1002")
    assert other is not None
    assert (other.number, other.trunk, other.extension) == ("1141", "trunkname", None)
    leg = feed.tracker.current_leg("1002")
    assert leg is not None
    assert leg.state is LegState.TALKING


def test_queue_call_other_agents_stop_ringing_on_answer() -> None:
    feed = Feed()
    callid = "071d9cde-d5be-11e8-8a38-55df9da9116c"
    trunk = {"from": "88861158", "to": "6700", "trunk": "fxo3", "uuid": callid}
    # Two agents ring at once: the PBX repeats the calledext key.
    body = (
        f'{{"event":"RING","callid":"{callid}","callertrunk":{json.dumps(trunk)},'
        '"calledext":{"extid":"1003","uuid":"leg-1003"},'
        '"calledext":{"extid":"1004","uuid":"leg-1004"}}'
    )
    assert feed(parse_report(body)) == {"1003", "1004"}
    other = feed.tracker.other_party("1003")
    assert other is not None
    assert other.number == "88861158"

    answered = report(
        "ANSWER",
        callid,
        callertrunk=trunk,
        calledext={"extid": "1003", "uuid": "leg-1003"},
    )
    assert feed(answered) == {"1003", "1004"}
    assert feed.tracker.current_leg("1004") is None
    leg = feed.tracker.current_leg("1003")
    assert leg is not None
    assert leg.state is LegState.TALKING


def test_two_calls_on_one_extension_most_recent_first() -> None:
    feed = Feed()
    feed(internal("ANSWER"))
    second = "second-call"
    feed(
        report(
            "RING",
            second,
            callerext=ext("1005", second),
            calledext=ext("1002", "second-leg-1002"),
        )
    )
    legs = feed.tracker.legs("1002")
    assert [leg.uuid for leg in legs] == ["second-leg-1002", CALLEE_LEG]
    current = feed.tracker.current_leg("1002")
    assert current is not None
    assert current.callid == second

    # The first call ends: the second stays.
    feed(internal("HANGUP"))
    current = feed.tracker.current_leg("1002")
    assert current is not None
    assert current.uuid == "second-leg-1002"
    assert feed.tracker.active_calls == 1


def test_hold_and_unhold() -> None:
    feed = Feed()
    feed(internal("ANSWER"))
    feed(report("HOLD", callerext={"extid": "1002", "uuid": CALLID}))
    leg = feed.tracker.current_leg("1002")
    assert leg is not None
    # Matched by extension even though the report gives the call's uuid.
    assert (leg.uuid, leg.state) == (CALLEE_LEG, LegState.HELD)
    feed(report("UNHOLD", callerext={"extid": "1002", "uuid": CALLID}))
    assert leg.state is LegState.TALKING


def test_failed_and_unanswered_calls_end() -> None:
    feed = Feed()
    feed(internal("RING"))
    feed(internal("CALLFAILED", originator="called", cause="NO_USER_RESPONSE"))
    assert feed.tracker.active_calls == 0

    feed(internal("RING"))
    # Only the caller is listed when it cancels: nobody is connected, so the call ends.
    feed(report("HANGUP", callerext=ext("1000", CALLER_LEG), originator="caller"))
    assert feed.tracker.active_calls == 0
    assert feed.tracker.current_leg("1002") is None


def test_transfer_moves_the_call() -> None:
    feed = Feed()
    feed(internal("ANSWER"))
    touched = feed(
        report(
            "TRANSFER",
            transfer_from="1002",
            transfer_to="1005",
            callerext=ext("1000", CALLER_LEG),
        )
    )
    assert touched == {"1002"}
    assert feed.tracker.current_leg("1002") is None
    feed(report("RING", callerext=ext("1000", CALLER_LEG), calledext=ext("1005", "l5")))
    other = feed.tracker.other_party("1000")
    assert other is not None
    assert other.number == "1005"
    # A transfer for an unknown call changes nothing.
    assert feed(report("TRANSFER", "nope", transfer_from="1002")) == set()


def test_cdr_systemup_and_stale_cleanup() -> None:
    feed = Feed()
    feed(internal("ANSWER"))
    assert feed(parse_report(json.dumps({"event": "CDR", "callid": CALLID}))) == {
        "1000",
        "1002",
    }
    assert feed.tracker.active_calls == 0
    assert feed(parse_report(json.dumps({"event": "CDR", "callid": "x"}))) == set()

    feed(internal("ANSWER"))
    assert feed(parse_report(b'{"event":"Systemup"}')) == {"1000", "1002"}
    assert feed.tracker.active_calls == 0

    feed(internal("ANSWER"))
    mark = feed.stamp
    assert not feed.tracker.clear_stale("1002", mark - 1)
    assert feed.tracker.clear_stale("1002", mark)
    assert not feed.tracker.clear_stale("1002", mark)
    assert feed.tracker.current_leg("1002") is None
    assert feed.tracker.current_leg("1000") is not None


def test_lookup_and_snapshot() -> None:
    feed = Feed()
    feed(internal("ANSWER"))
    by_leg = feed.tracker.find_leg(CALLEE_LEG)
    assert by_leg is not None
    assert by_leg.extension == "1002"
    by_call = feed.tracker.find_leg(CALLID)
    assert by_call is not None
    assert by_call.callid == CALLID
    assert feed.tracker.find_leg("unknown") is None
    call = feed.tracker.call(CALLID)
    assert call is not None
    assert len(call.legs) == 2
    assert [c.callid for c in feed.tracker.calls()] == [CALLID]
    snapshot = feed.tracker.snapshot()
    assert snapshot[0]["callid"] == CALLID
    assert {leg["extension"] for leg in snapshot[0]["legs"]} == {"1000", "1002"}  # type: ignore[attr-defined]


def test_reports_without_call_change_nothing() -> None:
    feed = Feed()
    assert feed(parse_report(b'{"event":"ExtensionStatus","extension":"1"}')) == set()
    assert feed(report("HANGUP", "unknown-call")) == set()
    assert feed(report("DTMF", dtmf="1", callerext=ext("1000", "x"))) == set()


def test_a_leg_without_uuid_is_addressed_by_its_call() -> None:
    feed = Feed()
    feed(
        report("RING", "c-77", callerext={"extid": "1000"}, calledext={"extid": "1001"})
    )
    leg = feed.tracker.current_leg("1001")
    assert leg is not None
    assert leg.synthetic
    assert leg.pbx_id == "c-77"
    caller = feed.tracker.current_leg("1000")
    assert caller is not None
    assert caller.uuid != leg.uuid


def _trunk_call(callid: str, extension: str = "1002") -> Report:
    return report(
        "ANSWER",
        callid,
        callertrunk={"from": "5551234", "trunk": "SIP-1", "uuid": f"t-{callid}"},
        calledext=ext(extension, f"e-{callid}"),
    )


def test_reconcile_ends_calls_the_poll_shows_over() -> None:
    """A lost hangup leaves a trunk leg; the poll's view of the phones ends the call."""
    feed = Feed()
    feed(_trunk_call("lost"))
    feed(_trunk_call("queued", "1003"))
    feed(_trunk_call("busy", "1004"))
    feed(_trunk_call("fxo", "1005"))
    mark = feed.stamp
    feed(_trunk_call("fresh", "1006"))  # a report during the poll
    tracker = feed.tracker
    assert tracker.clear_stale("1002", mark)
    assert tracker.active_calls == 5  # the trunk leg keeps the lost call alive
    touched = tracker.reconcile(
        mark, busy_extensions={"1004"}, trunks_in_use=set(), keep={"queued"}
    )
    assert touched == {"1005"}
    assert {call.callid for call in tracker.calls()} == {"queued", "busy", "fresh"}
    # A trunk in use keeps a call of trunks only (a caller in the IVR)...
    feed(
        report(
            "ANSWERED",
            "ivr",
            callertrunk={"from": "5551234", "trunk": "SIP-1", "uuid": "t-ivr"},
        )
    )
    assert not tracker.reconcile(
        feed.stamp,
        busy_extensions={"1003", "1004", "1006"},
        trunks_in_use={"SIP-1"},
        keep=(),
    )
    assert tracker.call("ivr") is not None
    # ... but not the trunk leg of a call whose phone is at rest (a lost hangup).
    feed(_trunk_call("in-use", "1007"))
    assert tracker.reconcile(
        feed.stamp,
        busy_extensions={"1003", "1004", "1006"},
        trunks_in_use={"SIP-1"},
        keep=(),
    ) == {"1007"}
    assert tracker.call("in-use") is None
    assert tracker.call("ivr") is not None
    assert (
        tracker.reconcile(
            feed.stamp,
            busy_extensions={"1003", "1004", "1006"},
            trunks_in_use=(),
            keep=(),
        )
        == set()
    )
    assert tracker.call("ivr") is None


def test_reconcile_ends_a_leg_whose_phone_went_on_into_a_new_call() -> None:
    """A busy phone in a newer call is not in the old one; a held call waits."""
    feed = Feed()
    tracker = feed.tracker
    feed(_trunk_call("old", "1002"))  # its hangup is lost
    feed(_trunk_call("held", "1003"))
    feed(report("HOLD", "held", calledext=ext("1003", "e-held")))
    feed(_trunk_call("new", "1002"))
    feed(_trunk_call("waiting", "1003"))  # call waiting: 1003 holds the other call
    mark = feed.stamp
    touched = tracker.reconcile(
        mark, busy_extensions={"1002", "1003"}, trunks_in_use={"SIP-1"}
    )
    assert touched == {"1002"}
    assert {call.callid for call in tracker.calls()} == {"held", "new", "waiting"}
    leg = tracker.current_leg("1002")
    assert leg is not None
    assert leg.callid == "new"
    # A held leg with nobody left on the other end is over too.
    feed(report("HANGUP", "held", callertrunk={"trunk": "SIP-1", "uuid": "t-held"}))
    held = tracker.call("held")
    assert held is not None
    assert [leg.state for leg in held.legs.values()] == [LegState.HELD]
    assert tracker.reconcile(
        feed.stamp, busy_extensions={"1002", "1003"}, trunks_in_use={"SIP-1"}
    ) == {"1003"}
    assert tracker.call("held") is None


def test_a_call_transferred_outside_goes_on_between_trunks() -> None:
    """After a transfer to an outside number, the trunk legs alone are the call."""
    feed = Feed()
    tracker = feed.tracker
    feed(_trunk_call("fwd", "1002"))
    feed(report("TRANSFER", "fwd", transfer_from="1002", transfer_to="0612345678"))
    call = tracker.call("fwd")
    assert call is not None
    assert not call.had_extension
    assert not tracker.reconcile(
        feed.stamp, busy_extensions=(), trunks_in_use={"SIP-1"}
    )
    assert tracker.call("fwd") is not None


def test_quiet_calls_end_whatever_the_poll_says() -> None:
    """A call no report touched for too long is forgotten even if its phone looks busy."""
    tracker = CallTracker()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    tracker.apply(_trunk_call("old"), 1, start)
    tracker.apply(_trunk_call("new", "1003"), 2, start + timedelta(hours=23))
    touched = tracker.reconcile(
        2,
        busy_extensions={"1002", "1003"},
        trunks_in_use=(),
        quiet_before=start + timedelta(hours=1),
    )
    assert touched == {"1002"}
    assert [call.callid for call in tracker.calls()] == ["new"]


def test_tracked_calls_are_capped() -> None:
    """Past the cap the call quiet for longest goes, and its phone is told."""
    tracker = CallTracker(max_calls=3)
    for stamp, (callid, extension) in enumerate(
        [("a", "1001"), ("b", "1002"), ("c", "1003")], start=1
    ):
        tracker.apply(_trunk_call(callid, extension), stamp)
    tracker.apply(_trunk_call("a", "1001"), 4)  # a is active again
    assert tracker.apply(_trunk_call("d", "1004"), 5) == {"1004", "1002"}
    assert [call.callid for call in tracker.calls()] == ["c", "a", "d"]
    assert tracker.current_leg("1002") is None


def test_answer_naming_no_party_changes_nothing() -> None:
    """An ANSWER without parties for an unknown call is ignored, not a crash."""
    assert Feed()(report("ANSWER", "nobody")) == set()
