"""Further scenarios, control API, faults, quirks, delivery, CLI and traffic."""

import asyncio
import json
from typing import Any

import aiohttp
import pytest

from simulator import Simulator, SimulatorConfig, TrunkSpec
from simulator.__main__ import build_config, parse_args
from simulator.state import CallError
from simulator.testing import ReportReceiver, fixture_config
from simulator.traffic import OFFICE_CALLS_PER_MINUTE, OFFICE_MAX_BUSY, Traffic

from .conftest import Api
from .test_scenarios import brief


async def receiving(api: Api, receiver: ReportReceiver) -> None:
    assert (await api.login(receiver.url))["status"] == "success"


async def test_ivr_queue_agent(
    simulator: Simulator, api: Api, report_receiver: ReportReceiver
) -> None:
    await receiving(api, report_receiver)
    call = simulator.call_inbound("5559876", "SIP-1")
    simulator.advance(10)  # the CallinRequest window closes: routed to IVR 6500
    simulator.dtmf(call.callid, "1")
    simulator.advance(4)
    simulator.answer("1002")
    simulator.advance(30)
    simulator.hangup("1002")
    await simulator.flush_reports()
    assert brief(report_receiver.events) == [
        "CallinRequest",
        "DTMF",
        "TRANSFER",
        "QueueStatus",
        "RING",
        "RING",
        "RING",
        "ExtensionStatus 1001 Ringing",
        "ExtensionStatus 1002 Ringing",
        "ExtensionStatus 1003 Ringing",
        "ANSWER",
        "ExtensionStatus 1002 Talking",
        "ExtensionStatus 1001 Hangup",
        "ExtensionStatus 1003 Hangup",
        "QueueStatus",
        "HANGUP",
        "ExtensionStatus 1002 Hangup",
        "CDR",
    ]
    events = report_receiver.events
    assert events[2]["transfer_from"] == "6500" and events[2]["transfer_to"] == "6700"
    assert events[3]["action"] == "Add" and events[14]["action"] == "Remove"
    cdr = events[-1]
    assert (
        cdr["waittimeinqueue"] == "4"
        and cdr["agentringtime"] == "4"
        and cdr["agenttalktime"] == "30"
    )


async def test_queue_duplicate_keys_and_break(
    simulator: Simulator, api: Api, report_receiver: ReportReceiver
) -> None:
    await receiving(api, report_receiver)
    simulator.set_quirks(duplicate_keys=True)
    await api.ok("agent_break", {"queueid": "6700", "extid": "1003"})
    call = simulator.call_inbound("777", "fxo1")
    await simulator.flush_reports()
    ring = next(r for r in report_receiver.reports if r.json["event"] == "RING")
    assert ring.raw.count(b'"calledext"') == 2  # 1001 and 1002; 1003 is on break
    assert b'"1003"' not in ring.raw
    assert report_receiver.events[:2] == [
        {"event": "AgentWrapUp", "queueid": "6700", "extid": "1003", "status": "on"},
        {
            "event": "AgentStatus",
            "queueid": "6700",
            "extid": "1003",
            "status": "onbreak",
        },
    ]
    members = await api.ok("queue_members", {"queueid": "6700"})
    assert members["callers"][0]["callid"] == call.callid
    assert {"extid": "1001", "type": "static", "state": "Receiving"} in members[
        "members"
    ]
    simulator.hangup(call.callid)
    assert simulator.state.cdr_index[call.callid]["call_status"] == "cancelled"


async def test_queue_overflow_and_decline(simulator: Simulator, api: Api) -> None:
    for ext in ("1001", "1002", "1003"):
        simulator.unregister(ext)
    calls = [simulator.call_inbound(str(100 + i), "fxo1") for i in range(6)]
    assert any(r["event"] == "QueueOverflow" for r in simulator.reports)
    assert calls[5].queue is not None and calls[5].queue.number == "6701"
    simulator.register("1001")  # an agent comes back: the first caller rings it
    assert calls[0].legs[-1].ext is not None and calls[0].legs[-1].ext.number == "1001"
    simulator.hangup(
        "1001"
    )  # declines: the only ringing agent, so the call ends unanswered
    assert calls[0].ended


async def test_callin_refuse_and_ext_outbound(
    simulator: Simulator, api: Api, report_receiver: ReportReceiver
) -> None:
    await receiving(api, report_receiver)
    call = simulator.call_inbound("111", "SIP-1", accept=False)
    assert call.ended and call.callid not in simulator.state.cdr_index
    await api.ok(
        "ext_outbound", {"extid": "1002", "calledid": "41000", "user_id": "u1"}
    )
    simulator.answer("1002")
    leg = simulator.state.extensions["1002"].legs[0]
    simulator.answer(leg.call.callid)
    simulator.hangup("1002")
    await simulator.flush_reports()
    assert brief(report_receiver.events) == [
        "CallinRequest",
        "HANGUP",
        "RING",
        "ExtensionStatus 1002 Ringing",
        "ANSWER",
        "RING",
        "RINGBACK",
        "ExtensionStatus 1002 Ringback",
        "ANSWERED",
        "ExtensionStatus 1002 Talking",
        "HANGUP",
        "ExtensionStatus 1002 Hangup",
        "CDR",
    ]
    events = report_receiver.events
    assert events[2]["calledext"]["extid"] == "1002" and events[2]["user_id"] == "u1"
    assert events[5]["calledtrunk"]["to"] == "41000"
    assert all(e["callid"] == events[2]["callid"] for e in events[2:] if "callid" in e)


async def test_unanswered_busy_hold_transfer_record_play(
    simulator: Simulator, api: Api, report_receiver: ReportReceiver
) -> None:
    await receiving(api, report_receiver)
    simulator.call_internal("1000", "1001")
    simulator.advance(30)  # ring timeout
    busy = simulator.call_internal("1002", "1003", answer=True)
    simulator.call_internal("1004", "1003")  # busy
    simulator.hold("1003")
    simulator.unhold("1003")
    await api.ok("record", {"uuid": busy.legs[1].uuid})
    await api.ok(
        "play_sound_file",
        {"uuid": busy.legs[0].uuid, "filename": "1.wav", "mode": "local"},
    )
    simulator.advance(3)
    simulator.transfer("1003", "1005")  # 1003 transfers 1002 to 1005 from its phone
    simulator.answer("1005")
    simulator.hangup("1005")
    await simulator.flush_reports()
    names = report_receiver.names()
    assert names[:7] == [
        "RING",
        "ExtensionStatus",
        "RINGBACK",
        "ExtensionStatus",
        "CALLFAILED",
        "HANGUP",
        "ExtensionStatus",
    ]
    failed = report_receiver.events[4]
    assert failed["cause"] == "NO_ANSWER" and failed["originator"] == "called"
    for event in ("HOLD", "UNHOLD", "RECORDSTART", "PLAYEND", "TRANSFER", "RECORDEND"):
        assert event in names, event
    busy_fail = [
        e
        for e in report_receiver.events
        if e["event"] == "CALLFAILED" and e.get("cause") == "USER_BUSY"
    ]
    assert busy_fail
    end = next(e for e in report_receiver.events if e["event"] == "RECORDEND")
    assert end["record_type"] == "ext" and end["download_path"].startswith("https://")
    transfer = next(e for e in report_receiver.events if e["event"] == "TRANSFER")
    assert transfer["transfer_from"] == "1003" and transfer["transfer_to"] == "1005"
    assert report_receiver.events[-1]["event"] == "CDR"


async def test_monitor_conference_reboot(
    simulator: Simulator, api: Api, report_receiver: ReportReceiver
) -> None:
    await receiving(api, report_receiver)
    call = simulator.call_internal("1000", "1002", answer=True)
    await api.ok("monitor", {"extid": "1004", "monitorid": "1000", "mode": "listen"})
    simulator.answer("1004")
    simulator.hangup("1004")
    simulator.conference("6400", create=True)
    simulator.conference("6400", create=False)
    simulator.hangup(call.callid)
    simulator.reboot()
    await simulator.flush_reports()
    names = report_receiver.names()
    assert names[-1] == "Systemup"
    assert "CONFERENCECREATE" in names and "CONFERENCEDESTROY" in names
    assert simulator.auth.sessions == {}


async def test_control_api(simulator: Simulator, http: aiohttp.ClientSession) -> None:
    base = simulator.base_url + "/_simulator/"

    async def post(path: str, body: Any = None) -> Any:
        async with http.post(base + path, json=body or {}, ssl=False) as resp:
            return resp.status, await resp.json()

    status, result = await post("call/internal", {"caller": "1000", "callee": "1001"})
    assert status == 200 and result["status"] == "ok"
    assert (await post("answer", {"target": "1001"}))[0] == 200
    for path in ("hold", "unhold"):
        assert (await post(path, {"target": "1001"}))[0] == 200
    assert (await post("dtmf", {"target": "1001", "digits": "12"}))[0] == 200
    assert (await post("transfer", {"target": "1001", "destination": "1005"}))[0] == 200
    assert (await post("hangup", {"target": "1005"}))[0] == 200
    assert (
        await post(
            "call/outbound", {"ext": "1002", "number": "5551234", "answer": True}
        )
    )[0] == 200
    assert (await post("hangup", {"target": "1002"}))[0] == 200
    status, result = await post("call/inbound", {"caller": "555", "trunk": "SIP-1"})
    assert (await post("accept", {"callid": result["callid"]}))[0] == 200
    assert (await post("hangup", {"target": result["callid"]}))[0] == 200
    status, result = await post("call/inbound", {"caller": "555", "trunk": "SIP-1"})
    assert (await post("refuse", {"callid": result["callid"]}))[0] == 200
    assert (await post("ext_outbound", {"ext": "1003", "number": "41000"}))[0] == 200
    assert (await post("hangup", {"target": "1003"}))[0] == 200
    for path, body in (
        ("unregister", {"extid": "1000"}),
        ("register", {"extid": "1000"}),
        ("extensions/add", {"number": "1010"}),
        ("extensions/remove", {"number": "1010"}),
        ("trunks/add", {"name": "SIP-9", "destination": "1000"}),
        ("trunks/remove", {"name": "SIP-9"}),
        ("queues/add", {"number": "6702", "name": "Q"}),
        ("queues/remove", {"number": "6702"}),
        ("conference", {"number": "6400"}),
        ("faults", {"slow_seconds": 0}),
        ("quirks", {"omit_optional": False}),
        ("advance", {"seconds": 1}),
        ("expire_tokens", {}),
        ("requests/clear", {}),
        ("flush", {}),
        ("reboot", {}),
    ):
        status, result = await post(path, body)
        assert status == 200, (path, result)
    assert (await post("hangup", {"target": "nope"})) == (
        400,
        {"status": "error", "errno": 6},
    )
    assert (await post("faults", {"bogus": 1}))[0] == 400
    assert (await post("quirks", {"bogus": 1}))[0] == 400
    assert (await post("answer", {}))[0] == 400
    for path in ("state", "requests", "reports"):
        async with http.get(base + path, ssl=False) as resp:
            assert resp.status == 200
            await resp.json()


async def test_faults(
    simulator: Simulator, api: Api, report_receiver: ReportReceiver
) -> None:
    await receiving(api, report_receiver)
    simulator.set_faults(http_500=True)
    assert (await api.raw("ext_query", {})).status == 500
    simulator.set_faults(http_500=False, slow_seconds=0.01)
    await api.ok("ext_query", {"extid": "1000"})
    simulator.set_faults(slow_seconds=0, unresponsive=True)
    pending = asyncio.ensure_future(api.call("ext_query", {"extid": "1000"}))
    await asyncio.sleep(0.05)
    assert not pending.done()
    simulator.set_faults(unresponsive=False)
    assert (await pending)["status"] == "success"
    simulator.set_faults(duplicate_reports=1.0)
    simulator.register("1000")
    simulator.unregister("1000")
    simulator.set_faults(duplicate_reports=0.0, drop_reports=1.0)
    simulator.register("1000")
    simulator.set_faults(drop_reports=0.0, reorder_extension_status=True)
    simulator.call_internal("1000", "1001")
    simulator.set_faults(reorder_extension_status=False)
    await simulator.flush_reports()
    names = report_receiver.names()
    assert names[:2] == ["ExtensionStatus", "ExtensionStatus"]
    assert names[2:] == ["RING", "RINGBACK", "ExtensionStatus", "ExtensionStatus"]


async def test_quirks(
    simulator: Simulator, api: Api, report_receiver: ReportReceiver
) -> None:
    await receiving(api, report_receiver)
    simulator.set_quirks(
        capitalised_status=True, number_style="numbers", omit_optional=True
    )
    result = await api.call("ext_status", {"extid": "1000"})
    assert result["status"] == "Success"
    assert result["data"][0]["extension"] == 1000
    assert "port" not in result["data"][0]
    assert (await api.call("hold", {"uuid": "x"}))["status"] == "Failed"
    simulator.call_internal("1000", "1001")
    simulator.set_quirks(
        capitalised_status=False, number_style="strings", omit_optional=False
    )
    assert (await api.call("ext_status", {"extid": "1000"}))["total"] == "1"
    await simulator.flush_reports()
    ring = report_receiver.events[0]
    assert ring["callerext"]["extid"] == 1000 and "callerid" not in ring["callerext"]


async def test_delivery_retries(
    simulator: Simulator, api: Api, report_receiver: ReportReceiver
) -> None:
    await receiving(api, report_receiver)
    report_receiver.fail_next(2)
    simulator.register("1000")
    simulator.unregister("1000")
    await simulator.flush_reports()
    assert (
        len(report_receiver.events) == 1
    )  # the first report was retried then succeeded
    report_receiver.fail_next(10)
    simulator.register("1000")
    await simulator.flush_reports()
    assert simulator.dispatcher.stats.dropped == 1
    await api.ok("heartbeat", {"url": "127.0.0.1:1/dead"})
    simulator.unregister("1000")
    await simulator.flush_reports()
    assert simulator.dispatcher.stats.dropped == 2


async def test_reports_refresh_token_and_no_url(simulator: Simulator, api: Api) -> None:
    simulator.config.reports_refresh_token = True
    await api.login()  # no url: reports go to the client's IP, port 80
    session = simulator.session_for(api.token)
    assert session is not None and session.target == "http://127.0.0.1:80/"
    simulator.advance(1700)
    simulator.unregister("1000")
    simulator.advance(1700)
    await api.ok("ext_query", {"extid": "1000"})


async def test_config_changes(simulator: Simulator) -> None:
    simulator.add_extension("1010")
    with pytest.raises(CallError):
        simulator.add_extension("1010")
    call = simulator.call_internal("1010", "1000", answer=True)
    simulator.remove_extension("1010")
    assert call.ended
    simulator.add_trunk(TrunkSpec("SIP-9", destination="1001"))
    call = simulator.call_inbound("555", "SIP-9")
    simulator.remove_trunk("SIP-9")
    assert call.ended
    with pytest.raises(CallError):
        simulator.remove_trunk("x")
    with pytest.raises(CallError):
        simulator.remove_queue("x")
    with pytest.raises(CallError):
        simulator.accept("x")
    with pytest.raises(CallError):
        simulator.refuse("x")
    simulator.unregister("1001")
    simulator.unregister("1002")
    queued = simulator.call_inbound("556", "fxo1")
    simulator.remove_queue("6700")
    assert queued.ended
    assert json.dumps(simulator.snapshot())


def test_cli_args() -> None:
    args = parse_args(
        [
            "--http",
            "--port",
            "0",
            "--extensions",
            "40",
            "--trunks",
            "3",
            "--queues",
            "4",
            "--traffic",
            "20",
            "--seed",
            "7",
            "--password",
            "pw",
        ]
    )
    config = build_config(args)
    assert args.http and args.traffic == 20
    assert (
        len(config.extensions) == 40
        and len(config.trunks) == 5
        and len(config.queues) == 4
    )
    assert config.password == "pw" and config.seed == 7 and config.realtime
    assert not config.report_api_actions
    assert build_config(parse_args(["--report-api-actions"])).report_api_actions


async def test_traffic(socket_enabled: None) -> None:
    config = build_config(parse_args(["--extensions", "30", "--queues", "3"]))
    config.realtime = False
    sim = Simulator(config)
    await sim.start(port=0, https=False)
    traffic = Traffic(sim, 60, seed=3)
    traffic.start()
    for _ in range(120):
        sim.advance(5)
    traffic.stop()
    await sim.stop()
    assert traffic.started > 100
    assert len(traffic.by_scenario) == 8
    assert len(sim.state.cdrs) > 80


async def test_realtime_clock(socket_enabled: None) -> None:
    sim = Simulator(SimulatorConfig(realtime=True, time_scale=1000))
    await sim.start(port=0, https=False)
    fired: list[int] = []
    sim.clock.call_later(5, lambda: fired.append(1))
    await asyncio.sleep(0.05)
    await sim.stop()
    assert fired == [1]


def test_test_config() -> None:
    assert fixture_config().report_retry_interval < 0.1


async def test_office_traffic_keeps_most_phones_idle(socket_enabled: None) -> None:
    """The demo's default traffic: a few calls, most phones idle, queue callers at times."""
    args = parse_args(
        ["--extensions", "20", "--queues", "2", "--trunks", "2", "--traffic", "2"]
    )
    assert args.max_busy == OFFICE_MAX_BUSY
    config = build_config(args)
    config.realtime = False
    sim = Simulator(config)
    await sim.start(port=0, https=False)
    traffic = Traffic(sim, OFFICE_CALLS_PER_MINUTE, seed=1, max_busy=args.max_busy)
    traffic.start()
    busy: list[int] = []
    queued = 0
    for _ in range(720):  # an hour
        sim.advance(5)
        busy.append(sum(1 for phone in sim.state.extensions.values() if phone.busy))
        queued = max(queued, *(len(q.waiting) for q in sim.state.queues.values()))
    traffic.stop()
    await sim.stop()
    assert 60 <= traffic.started <= 180  # about two calls a minute
    assert sum(busy) / len(busy) < 0.2 * 20  # on average most phones idle
    assert max(busy) <= 10  # never more than half, even with agents ringing
    assert traffic.by_scenario.get("inbound_ivr", 0) >= 5  # callers reach the queues
    assert queued >= 1
    assert sim.state.cdrs


async def test_busy_cap_skips_calls(socket_enabled: None) -> None:
    """A flood of calls stays under the cap: calls due past it are skipped."""
    config = build_config(parse_args(["--extensions", "20"]))
    config.realtime = False
    sim = Simulator(config)
    await sim.start(port=0, https=False)
    traffic = Traffic(sim, 60, seed=2, max_busy=0.3)
    traffic.start()
    for _ in range(120):
        sim.advance(5)
        assert sum(1 for phone in sim.state.extensions.values() if phone.busy) <= 9
    traffic.stop()
    await sim.stop()
    assert traffic.skipped > 0
