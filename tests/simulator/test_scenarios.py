"""Report sequences of the call scenarios, received over real HTTP."""

from typing import Any

from simulator import Simulator
from simulator.testing import ReportReceiver

from .conftest import Api


def brief(events: list[Any]) -> list[str]:
    out = []
    for e in events:
        if e["event"] == "ExtensionStatus":
            out.append(f"ExtensionStatus {e['extension']} {e['status']}")
        else:
            out.append(e["event"])
    return out


async def logged_in(api: Api, receiver: ReportReceiver) -> None:
    assert (await api.login(receiver.url))["status"] == "success"


async def test_internal_answered(
    simulator: Simulator, api: Api, report_receiver: ReportReceiver
) -> None:
    await logged_in(api, report_receiver)
    call = simulator.call_internal("1000", "1002")
    simulator.advance(5)
    simulator.answer("1002")
    simulator.advance(60)
    simulator.hangup("1002")
    await simulator.flush_reports()
    events = report_receiver.events
    assert brief(events) == [
        "RING",
        "ExtensionStatus 1002 Ringing",
        "RINGBACK",
        "ExtensionStatus 1000 Ringback",
        "ANSWER",
        "ANSWERED",
        "ExtensionStatus 1002 Talking",
        "ExtensionStatus 1000 Talking",
        "HANGUP",
        "ExtensionStatus 1002 Hangup",
        "ExtensionStatus 1000 Hangup",
        "CDR",
    ]
    ring = events[0]
    assert ring["callid"] == call.callid == ring["callerext"]["uuid"]
    assert ring["callerext"]["extid"] == "1000"
    assert ring["calledext"]["extid"] == "1002"
    assert ring["calledext"]["uuid"] != call.callid
    assert events[8]["originator"] == "called"
    cdr = events[-1]
    assert cdr["status"] == "ANSWERED"
    assert cdr["type"] == "Internal"
    assert cdr["talktime"] == "60"
    assert cdr["callfrom"] == "1000" and cdr["callto"] == "1002"
    assert all(r.path == "/report" for r in report_receiver.reports)
    assert report_receiver.reports[0].headers["Content-Type"] == "application/json"


async def test_outbound_answered(
    simulator: Simulator, api: Api, report_receiver: ReportReceiver
) -> None:
    await logged_in(api, report_receiver)
    call = simulator.call_outbound("1001", "5551234")
    simulator.answer(call.callid)
    simulator.advance(30)
    simulator.hangup("1001")
    await simulator.flush_reports()
    events = report_receiver.events
    assert brief(events) == [
        "RING",
        "RINGBACK",
        "ExtensionStatus 1001 Ringback",
        "ANSWERED",
        "ExtensionStatus 1001 Talking",
        "HANGUP",
        "ExtensionStatus 1001 Hangup",
        "CDR",
    ]
    trunk = events[0]["calledtrunk"]
    assert (
        trunk["from"] == "1001"
        and trunk["to"] == "5551234"
        and trunk["trunk"] == "SIP-1"
    )
    assert events[5]["originator"] == "caller"
    assert events[-1]["desttrunk"] == "SIP-1"
    assert events[-1]["type"] == "outbound"


async def test_inbound_direct(
    simulator: Simulator, api: Api, report_receiver: ReportReceiver
) -> None:
    await logged_in(api, report_receiver)
    call = simulator.call_inbound("88861158", "SIP-2")
    simulator.answer("1000")
    simulator.hangup(call.callid)
    await simulator.flush_reports()
    events = report_receiver.events
    assert brief(events) == [
        "RING",
        "ExtensionStatus 1000 Ringing",
        "RINGBACK",
        "ANSWER",
        "ExtensionStatus 1000 Talking",
        "HANGUP",
        "ExtensionStatus 1000 Hangup",
        "CDR",
    ]
    assert events[0]["callertrunk"]["uuid"] == call.callid
    assert events[-1]["srctrunk"] == "SIP-2"
    assert events[-1]["didnumber"] == "8002"
