"""Every PBX API endpoint: success and error paths."""

from typing import Any

from simulator import Simulator

from .conftest import Api


async def test_auth_errors(simulator: Simulator, api: Api) -> None:
    assert await api.errno("ext_query", token="nope") == "3"
    assert await api.errno("ext_query", token="") == "3"
    token = api.token
    await api.ok("heartbeat", {"url": "127.0.0.1:1/x"})
    simulator.advance(1700)
    await api.ok("heartbeat")
    simulator.advance(1700)
    await api.ok("ext_query", {"extid": "1000"})
    simulator.advance(1801)
    assert await api.errno("ext_query") == "4"
    await api.login(type="synway")
    await api.ok("logout")
    assert await api.errno("ext_query") == "5"
    assert token != api.token
    simulator.config.api_enabled = False
    assert (await api.login())["errno"] == "1"
    assert await api.errno("ext_query") == "1"


async def test_login_lockout_and_limits(simulator: Simulator, api: Api) -> None:
    bad = await api.session.post(
        f"{simulator.base_url}/API/login",
        json={"username": "api", "password": "synway"},
        ssl=False,
    )
    assert (await bad.json())["errno"] == "2"
    for _ in range(4):
        await api.session.post(
            f"{simulator.base_url}/API/login",
            json={"username": "x", "password": "y"},
            ssl=False,
        )
    assert (await api.login())[
        "errno"
    ] == "2"  # locked out even with the right password
    simulator.advance(601)
    assert (await api.login(type="synway"))["status"] == "success"
    for _ in range(6):
        await api.login(type="synway")
    assert (await api.login(type="synway"))["errno"] == "101"
    assert (await api.login(type="synway", username=""))["errno"] == "30"
    resp = await api.session.post(
        f"{simulator.base_url}/API/login", data=b"{bad", ssl=False
    )
    assert (await resp.json())["errno"] == "25"
    simulator.expire_tokens()
    assert await api.errno("ext_query") == "4"
    simulator.reboot()
    assert await api.errno("ext_query") == "3"


async def test_bad_bodies(simulator: Simulator, api: Api) -> None:
    resp = await api.raw("ext_query", data=b"not json")
    assert (await resp.json()) == {"status": "failed", "errno": "25"}
    resp = await api.raw("ext_query", data=b"[1,2]")
    assert (await resp.json())["errno"] == "25"
    resp = await api.raw("heartbeat", data=b"")
    assert (await resp.json())["status"] == "success"
    resp = await api.raw("nonexistent", {})
    assert resp.status == 404
    assert await api.errno("ext_query", {"extid": {"a": 1}}) == "25"
    assert simulator.requests[-1].name == "ext_query"


async def test_extensions(simulator: Simulator, api: Api) -> None:
    result = await api.ok("ext_query", {"extid": "1000,1001"})
    assert [e["extension"] for e in result["extinfo"]] == ["1000", "1001"]
    assert result["extinfo"][0]["call_timeout"] == "30"
    assert len((await api.ok("ext_query"))["extinfo"]) == 10
    assert await api.errno("ext_query", {"extid": "999"}) == "11"
    await api.ok("ext_mod", {"extid": "1002", "action": "update", "username": "Andy"})
    assert (await api.ok("ext_query", {"extid": "1002"}))["extinfo"][0][
        "username"
    ] == "Andy"
    cases: list[tuple[dict[str, Any], str]] = [
        ({"extid": "1002"}, "30"),
        ({"extid": "1002", "action": "move"}, "25"),
        ({"extid": "1099", "action": "update"}, "11"),
        ({"extid": "1002", "action": "update", "call_permission": "x"}, "14"),
        ({"extid": "1002", "action": "update", "voicemail_enabled": "yes"}, "15"),
        ({"extid": "1002", "action": "update", "forward_all_tc_type": "x"}, "25"),
        ({"extid": "1002", "action": "update", "call_timeout": "abc"}, "25"),
        ({"extid": "1002", "action": "add"}, "40"),
        ({"extid": "99", "action": "add"}, "41"),
        ({"extid": "abc", "action": "add"}, "41"),
    ]
    for body, errno in cases:
        assert await api.errno("ext_mod", body) == errno, body
    await api.ok(
        "ext_mod",
        {
            "extid": "1010",
            "action": "add",
            "password": "x1",
            "forward_all_destination": "1000",
            "bogus": "1",
        },
    )
    status = await api.ok("ext_status", {"extid": "1010"})
    assert status["data"][0]["status"] == "Unregistered"
    simulator.config.max_extensions = 11
    assert await api.errno("ext_mod", {"extid": "1011", "action": "add"}) == "39"


async def test_ext_status_paging(simulator: Simulator, api: Api) -> None:
    simulator.config.ext_status_page_size = 4
    page1 = await api.ok("ext_status")
    assert (page1["total"], page1["max_page"], page1["page"], page1["count"]) == (
        10,
        3,
        1,
        4,
    )
    page3 = await api.ok("ext_status", {"page": "3"})
    assert [d["extension"] for d in page3["data"]] == ["1008", "1009"]
    assert (
        page3["data"][0]["extension_type"] == "FXS" and page3["data"][0]["port"] == "1"
    )
    assert page3["data"][0]["status"] == "Idle"
    assert (await api.ok("ext_status", {"page": "9"}))["count"] == 0
    assert await api.errno("ext_status", {"page": "x"}) == "25"
    assert await api.errno("ext_status", {"extid": "5"}) == "11"
    one = await api.ok("ext_status", {"extid": "1000"})
    assert one["data"][0]["status"] == "Registered"
    assert one["data"][0]["ip_port"]


async def test_trunks(simulator: Simulator, api: Api) -> None:
    result = await api.ok("trunk_list")
    assert [t["trunkname"] for t in result["trunklist"]] == [
        "SIP-1",
        "SIP-2",
        "fxo1",
        "fxo2",
    ]
    assert result["trunklist"][2] == {
        "trunkname": "fxo1",
        "type": "FXO",
        "status": "idle",
        "did_number": "",
    }
    q = await api.ok("trunk_query", {"trunkname": "SIP-1,fxo2"})
    assert q["trunks"] == [
        {"trunkname": "SIP-1", "sip_address": "203.0.113.10"},
        {"trunkname": "fxo2", "port": "2"},
    ]
    assert len((await api.ok("trunk_query"))["trunks"]) == 4
    assert await api.errno("trunk_query", {"trunkname": "nope"}) == "25"
    await api.ok("hook", {"port": "1", "mode": "on"})
    assert (await api.ok("trunk_list"))["trunklist"][2]["status"] == "in use"
    await api.ok("hook", {"port": "1", "mode": "off"})
    assert (await api.ok("trunk_list"))["trunklist"][2]["status"] == "idle"
    assert await api.errno("hook", {"port": "1", "mode": "up"}) == "25"
    assert await api.errno("hook", {"port": "9", "mode": "on"}) == "33"
    assert await api.errno("hook", {"mode": "on"}) == "30"


async def test_queues_and_agents(simulator: Simulator, api: Api) -> None:
    assert (await api.ok("queue_list"))["queuelist"] == [
        {"queueid": "6700", "queuename": "Sales"},
        {"queueid": "6701", "queuename": "Support"},
    ]
    members = await api.ok("queue_members", {"queueid": "6700"})
    assert members["callercount"] == "0"
    assert [m["extid"] for m in members["members"]] == ["1001", "1002", "1003"]
    assert await api.errno("queue_members", {"queueid": "1"}) == "12"
    assert await api.errno("queue_members", {}) == "30"
    q = {"queueid": "6700", "extid": "1004", "password": "123456"}
    assert (await api.ok("agent_query", q))["agentstatus"] == "logged out"
    assert await api.errno("agent_query", {**q, "password": "bad"}) == "13"
    assert await api.errno("agent_query", {**q, "extid": "1001"}) == "48"
    assert await api.errno("agent_query", {**q, "extid": "1999"}) == "11"
    assert await api.errno("agent_logout", q) == "26"
    await api.ok("agent_login", q)
    assert (await api.ok("agent_query", q))["agentstatus"] == "logged in"
    await api.ok("agent_break", {"queueid": "6700", "extid": "1004"})
    assert (await api.ok("agent_query", q))["agentstatus"] == "on break"
    assert await api.errno("agent_break", {"queueid": "6700", "extid": "1004"}) == "26"
    members = await api.ok("queue_members", {"queueid": "6700"})
    # Only the manual's words: an agent on break is not a member taking calls.
    assert {m["state"] for m in members["members"]} <= {
        "Waiting",
        "Receiving",
        "In a queue call",
    }
    assert "1004" not in {m["extid"] for m in members["members"]}
    await api.ok("agent_resume", {"queueid": "6700", "extid": "1004"})
    assert await api.errno("agent_resume", {"queueid": "6700", "extid": "1004"}) == "27"
    result = await api.ok("agent_logout", q)
    assert result == {"status": "success", "queueid": "6700", "extid": "1004"}
    await api.ok("agent_login", {"extid": "1006", "mode": "all"})
    assert (await api.ok("agent_query", {"queueid": "6701", "extid": "1006"}))[
        "agentstatus"
    ] == "logged in"
    await api.ok("agent_logout", {"extid": "1006", "mode": "all"})
    assert await api.errno("agent_logout", {"extid": "1006", "mode": "all"}) == "26"
    assert await api.errno("agent_login", {"extid": "1000", "mode": "all"}) == "48"
    assert await api.errno("agent_login", {"extid": "1900", "mode": "all"}) == "11"
    await api.ok(
        "agent_break", {"queueid": "6700", "extid": "1001"}
    )  # static agents pause too


async def test_outbound_routes_and_ivr(simulator: Simulator, api: Api) -> None:
    routes = await api.call("outbound_query")
    assert isinstance(routes, list)
    assert [r["outbound_name"] for r in routes] == ["International", "Default"]
    one = await api.call("outbound_query", {"outboundname": "Default"})
    assert [g["gateway"] for g in one[0]["member_gateway"]] == ["SIP-1", "fxo1"]
    assert await api.errno("outbound_query", {"outboundname": "x"}) == "35"
    await api.ok(
        "outbound_mod",
        {
            "outboundname": "11322",
            "action": "add",
            "member_extension": "1003,1004",
            "member_gateway": "fxo2",
            "outbound_enabled": "true",
        },
    )
    await api.ok(
        "outbound_mod",
        {
            "outboundname": "11322",
            "action": "update",
            "outbound_enabled": "false",
            "outbound_name": "renamed",
            "member_extension": ["1005"],
            "member_gateway": "SIP-2",
        },
    )
    got = (await api.call("outbound_query", {"outboundname": "renamed"}))[0]
    assert got["outbound_enabled"] == "false"
    assert [m["extension"] for m in got["member_extension"]] == ["1005"]
    cases = [
        ({"action": "add"}, "30"),
        ({"outboundname": "renamed", "action": "add"}, "44"),
        ({"outboundname": "zzz", "action": "update"}, "35"),
        ({"outboundname": "renamed", "action": "x"}, "25"),
        (
            {
                "outboundname": "renamed",
                "action": "update",
                "outbound_enabled": "maybe",
            },
            "25",
        ),
        (
            {"outboundname": "renamed", "action": "update", "member_extension": "77"},
            "11",
        ),
        (
            {"outboundname": "renamed", "action": "update", "member_gateway": "nope"},
            "33",
        ),
        (
            {"outboundname": "renamed", "action": "update", "member_gateway": {"a": 1}},
            "25",
        ),
        (
            {"outboundname": "renamed", "action": "update", "outbound_name": "Default"},
            "44",
        ),
    ]
    for body, errno in cases:
        assert await api.errno("outbound_mod", body) == errno, body
    simulator.config.outbound_query_wrapped = True
    assert (await api.ok("outbound_query"))["outbounds"]
    assert (await api.ok("ivr_list"))["ivrlist"] == [
        {"ivrid": "6500", "ivrname": "Main menu"}
    ]


async def test_alarms(simulator: Simulator, api: Api) -> None:
    alarm = {
        "extid": "1002",
        "wakeup_name": "test",
        "wakeup_enabled": "true",
        "wakeup_prompt": "",
        "wakeup_custom_day": "false",
        "wakeup_wday": "",
        "wakeup_mday": "2019-01-04",
        "wakeup_hour": "7",
        "wakeup_min": "30",
        "wakeup_snooze_time": "600",
        "wakeup_retry_times": "3",
    }
    uuid = (await api.ok("alarm_add", alarm))["wakeup_uuid"]
    got = await api.ok("alarm_query", {"extid": "1002"})
    assert got["wakeups"]["extid"] == "1002"
    assert got["wakeups"]["wakeup"][0]["wakeup_uuid"] == uuid
    assert got["wakeups"]["wakeup"][0]["wakeup_hour"] == "7"
    await api.ok(
        "alarm_mod",
        {"wakeup_uuid": uuid, "wakeup_custom_day": "true", "wakeup_wday": "1,7"},
    )
    assert (await api.ok("alarm_query"))["wakeups"][0]["wakeup"][0][
        "wakeup_wday"
    ] == "1,7"
    errors = [
        ({**alarm, "wakeup_name": ""}, "18"),
        ({**alarm, "wakeup_enabled": "x"}, "17"),
        ({**alarm, "wakeup_custom_day": "x"}, "19"),
        ({**alarm, "wakeup_custom_day": "true", "wakeup_wday": "8"}, "20"),
        ({**alarm, "wakeup_mday": "2019-13-01"}, "21"),
        ({**alarm, "wakeup_hour": "24"}, "22"),
        ({**alarm, "wakeup_min": "60"}, "23"),
        ({**alarm, "wakeup_snooze_time": "0"}, "24"),
        ({**alarm, "wakeup_retry_times": "x"}, "29"),
        ({**alarm, "extid": "9"}, "11"),
        ({**alarm, "wakeup_hour": ""}, "30"),
    ]
    for body, errno in errors:
        assert await api.errno("alarm_add", body) == errno, body
    assert await api.errno("alarm_mod", {"wakeup_uuid": "x"}) == "16"
    assert await api.errno("alarm_query", {"extid": "9"}) == "11"
    assert await api.errno("alarm_del", {"wakeup_uuid": uuid, "extid": "1003"}) == "16"
    await api.ok("alarm_del", {"wakeup_uuid": uuid, "extid": "1002"})
    assert await api.errno("alarm_del", {"wakeup_uuid": uuid}) == "16"
    assert (await api.ok("alarm_query", {"extid": "1002"}))["wakeups"]["wakeup"] == []


async def test_call_control_endpoints(simulator: Simulator, api: Api) -> None:
    call = simulator.call_internal("1000", "1002", answer=True)
    caller, callee = call.legs[0].uuid, call.legs[1].uuid
    await api.ok("hold", {"uuid": callee})
    assert await api.errno("hold", {"uuid": callee}) == "6"
    await api.ok("unhold", {"uuid": callee})
    assert await api.errno("unhold", {"uuid": callee}) == "6"
    assert await api.errno("hold", {"uuid": "nope"}) == "6"
    assert await api.errno("hold", {}) == "30"
    for body in (
        {"uuid": caller, "direction": "speak", "type": "mute", "mode": "mute"},
        {"uuid": caller, "direction": "both", "type": "level", "level": "3"},
        {"uuid": caller, "direction": "listen", "type": "level", "level": -4},
    ):
        await api.ok("audio", body)
    assert call.legs[0].muted == {"speak": True}
    assert call.legs[0].levels == {"speak": 3, "listen": -4}
    for body in (
        {"uuid": caller, "direction": "up", "type": "mute", "mode": "mute"},
        {"uuid": caller, "direction": "speak", "type": "mute", "mode": "x"},
        {"uuid": caller, "direction": "speak", "type": "level", "level": "5"},
        {"uuid": caller, "direction": "speak", "type": "x"},
    ):
        assert await api.errno("audio", body) == "25"
    await api.ok(
        "play_sound_file",
        {"uuid": caller, "filename": "1.wav,hello.wav", "mode": "local"},
    )
    await api.ok(
        "play_sound_file",
        {
            "uuid": caller,
            "type": "tts",
            "tts_type": "fchtts",
            "tts_url": "http://x",
            "tts_param": {"a": {"text": "hi"}},
            "mode": "both",
        },
    )
    assert (
        await api.errno(
            "play_sound_file", {"uuid": caller, "filename": "none.wav", "mode": "local"}
        )
        == "7"
    )
    assert (
        await api.errno(
            "play_sound_file", {"uuid": caller, "filename": "1.wav", "mode": "loud"}
        )
        == "8"
    )
    assert (
        await api.errno(
            "play_sound_file",
            {
                "uuid": caller,
                "type": "tts",
                "tts_type": "a",
                "tts_url": "b",
                "mode": "local",
            },
        )
        == "30"
    )
    assert (
        await api.errno(
            "play_sound_file", {"uuid": caller, "type": "x", "mode": "local"}
        )
        == "25"
    )
    await api.ok("record", {"uuid": callee})
    await api.ok("record", {"uuid": callee})
    assert (
        await api.errno(
            "monitor", {"extid": "1003", "monitorid": "1000", "mode": "spy"}
        )
        == "9"
    )
    assert (
        await api.errno(
            "monitor", {"extid": "1003", "monitorid": "1009", "mode": "listen"}
        )
        == "10"
    )
    assert (
        await api.errno(
            "monitor", {"extid": "1003", "monitorid": "1004", "mode": "listen"}
        )
        == "6"
    )
    assert (
        await api.errno(
            "monitor", {"extid": "1999", "monitorid": "1000", "mode": "listen"}
        )
        == "11"
    )
    await api.ok("monitor", {"extid": "1003", "monitorid": "1000", "mode": "listen"})
    await api.ok("transfer_ext", {"uuid": caller, "extid": "1005"})
    assert await api.errno("transfer_ext", {"uuid": caller, "extid": "1006"}) == "6"
    await api.ok("hangup", {"uuid": caller})
    assert await api.errno("hangup", {"uuid": caller}) == "6"


async def test_ext_outbound_and_inbound_control(simulator: Simulator, api: Api) -> None:
    await api.ok("ext_outbound", {"extid": 1002, "calledid": "41000", "user_id": "abc"})
    assert (
        await api.errno("ext_outbound", {"extid": "1002", "calledid": "41000"}) == "31"
    )
    assert (
        await api.errno("ext_outbound", {"extid": "1999", "calledid": "41000"}) == "11"
    )
    assert await api.errno("ext_outbound", {"extid": "1003", "calledid": "4a"}) == "25"
    assert await api.errno("ext_outbound", {"extid": "1003"}) == "30"
    await api.ok(
        "ext_mod", {"extid": "1003", "action": "update", "call_permission": "internal"}
    )
    assert (
        await api.errno("ext_outbound", {"extid": "1003", "calledid": "41000"}) == "14"
    )
    await api.ok(
        "outbound_mod",
        {"outboundname": "Default", "action": "update", "outbound_enabled": "false"},
    )
    assert (
        await api.errno("ext_outbound", {"extid": "1004", "calledid": "41000"}) == "35"
    )
    call = simulator.call_inbound("5559876", "SIP-1")
    await api.ok("inbound_accept", {"uuid": call.callid})
    assert await api.errno("inbound_accept", {"uuid": call.callid}) == "6"
    call2 = simulator.call_inbound("5559876", "SIP-1")
    await api.ok("inbound_refuse", {"uuid": call2.callid})
    assert await api.errno("inbound_refuse", {"uuid": call2.callid}) == "6"
    assert call2.callid not in simulator.state.cdr_index


async def test_cdrs(simulator: Simulator, api: Api) -> None:
    simulator.call_internal("1000", "1002", answer=True)
    simulator.advance(10)
    simulator.hangup("1000")
    simulator.call_internal("1001", "1003")
    simulator.advance(5)
    simulator.hangup("1001")
    call = simulator.call_inbound("555", "SIP-2", answer=True)
    simulator.advance(3)
    simulator.hangup(call.callid)
    out = simulator.call_outbound("1004", "5551234", answer=True)
    simulator.hangup(out.callid)
    everything = await api.ok("cdrs")
    assert (
        everything["total"] == 4
        and everything["count"] == 4
        and everything["limit"] == 50
    )
    assert everything["data"][0]["direction"] == "outbound"
    assert (await api.ok("cdrs", {"direction": "inbound"}))["data"][0][
        "gateway_name"
    ] == "SIP-2"
    assert (await api.ok("cdrs", {"call_status": "cancelled"}))["data"][0][
        "caller_id_number"
    ] == "1001"
    assert (await api.ok("cdrs", {"extid": "1002"}))["total"] == 1
    assert (await api.ok("cdrs", {"caller_id_number": "555"}))["total"] == 1
    assert (await api.ok("cdrs", {"destination_number": "1002"}))["total"] == 1
    assert (await api.ok("cdrs", {"outbound_callerid_number": "1004"}))["total"] == 1
    paged = await api.ok("cdrs", {"limit": "3", "page": "2"})
    assert (paged["count"], paged["max_page"], paged["page"]) == (1, 2, 2)
    assert (await api.ok("cdrs", {"start_stamp_begin": "2999-01-01 00:00:00"}))[
        "total"
    ] == 0
    assert (
        await api.ok(
            "cdrs",
            {
                "end_stamp_end": "2999-01-01 00:00:00",
                "start_stamp_end": "2999-01-01 00:00:00",
                "end_stamp_begin": "2000-01-01 00:00:00",
            },
        )
    )["total"] == 4
    for body in (
        {"direction": "x"},
        {"call_status": "x"},
        {"start_stamp_begin": "x"},
        {"limit": "0"},
    ):
        assert await api.errno("cdrs", body) == "25"
    assert await api.errno("cdrs", {"extid": "9"}) == "11"
    detail = await api.ok("cdr_query", {"cdrid": everything["data"][-1]["uuid"]})
    assert detail["data"][0]["billsec"] == "10"
    assert detail["data"][0]["start_epoch"]
    assert await api.errno("cdr_query", {"cdrid": "x"}) == "6"


async def test_getevent(simulator: Simulator, api: Api) -> None:
    assert await api.ok("getevent") == {"status": "success"}
    other = Api(simulator, api.session)
    await other.login(type="synway", extid="1005")
    simulator.register("1000")
    simulator.unregister("1000")
    simulator.unregister("1005")
    event = await api.call("getevent")
    assert event == {
        "event": "ExtensionStatus",
        "extension": "1000",
        "status": "Unregistered",
    }
    assert (await other.call("getevent"))["extension"] == "1005"
    assert await other.call("getevent") == {"status": "success"}
    plain = Api(simulator, api.session)
    await plain.login(url="127.0.0.1:1/x")
    assert await plain.errno("getevent") == "25"


async def test_plain_http(simulator_http: Simulator, http: Any) -> None:
    assert simulator_http.base_url.startswith("http://")
    client = Api(simulator_http, http)
    assert (await client.login(type="synway"))["status"] == "success"
