"""Every endpoint of the client against the simulator, over HTTPS (self-signed) and HTTP."""

import asyncio
from collections.abc import AsyncIterator
import datetime as dt

import aiohttp
import pytest

from custom_components.synway_ippbx import api
from custom_components.synway_ippbx.api import (
    AgentState,
    AlarmChanges,
    AlarmSettings,
    AnswerReport,
    AudioDirection,
    CallDirection,
    CallinRequestReport,
    CdrQuery,
    CdrReport,
    CdrStatus,
    ExtensionChanges,
    ExtensionStatus,
    ExtensionType,
    MonitorMode,
    PlayMode,
    QueueMemberState,
    RingReport,
    SynwayApiDisabledError,
    SynwayAuthenticationError,
    SynwayClient,
    SynwayClientLimitError,
    SynwayConnectionError,
    SynwayRequestError,
    SynwayResponseError,
    SynwayTimeoutError,
    SystemUpReport,
    TrunkStatus,
    TrunkType,
    TtsPrompt,
    UnknownReport,
    Weekday,
    parse_report,
)
from simulator.server import Simulator
from simulator.testing import ReportReceiver


@pytest.fixture(params=["https", "http"])
def sim(request: pytest.FixtureRequest) -> Simulator:
    """The simulator over HTTPS and over HTTP."""
    fixture = "simulator" if request.param == "https" else "simulator_http"
    simulator: Simulator = request.getfixturevalue(fixture)
    return simulator


def _client(sim: Simulator, **kwargs: object) -> SynwayClient:
    host = sim.host if sim.https else sim.base_url  # "127.0.0.1:PORT" means https
    return SynwayClient(host, sim.config.username, sim.config.password, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
async def client(sim: Simulator) -> AsyncIterator[SynwayClient]:
    """A client of the simulator."""
    async with _client(sim) as synway:
        yield synway


def _logged_in(client: SynwayClient) -> bool:
    """Read the property without mypy narrowing it across awaits."""
    return client.logged_in


def _logins(sim: Simulator) -> int:
    return sum(1 for request in sim.requests if request.name == "login")


# --------------------------------------------------------------------------- authentication


async def test_login_heartbeat_logout(sim: Simulator, client: SynwayClient) -> None:
    assert not sim.requests
    await client.login()
    assert client.logged_in
    assert client.token
    login = sim.requests[-1]
    assert login.body == {"username": "api", "password": client.password_digest}
    await client.heartbeat("127.0.0.1:9/report")
    assert sim.requests[-1].name == "heartbeat"
    assert sim.requests[-1].body == {"url": "127.0.0.1:9/report"}
    assert sim.requests[-1].token == client.token
    await client.logout()
    assert not _logged_in(client)
    await client.logout()  # idempotent
    assert [request.name for request in sim.requests] == [
        "login",
        "heartbeat",
        "logout",
    ]


async def test_digest_password_and_report_url(sim: Simulator) -> None:
    from custom_components.synway_ippbx.api import password_digest

    digest = password_digest(sim.config.password)
    host = sim.host if sim.https else sim.base_url
    async with SynwayClient(
        host, "api", digest.upper(), report_url="127.0.0.1:1/r"
    ) as client:
        await client.login()
        assert sim.requests[-1].body["password"] == digest
        assert sim.requests[-1].body["url"] == "127.0.0.1:1/r"
        client.report_url = "127.0.0.1:2/r"
        await client.heartbeat()
        assert sim.requests[-1].body == {"url": "127.0.0.1:2/r"}
        client.report_url = None
        await client.heartbeat()
        assert sim.requests[-1].body in ({}, None)


async def test_wrong_password(sim: Simulator) -> None:
    host = sim.host if sim.https else sim.base_url
    async with SynwayClient(host, "api", "wrong") as client:
        with pytest.raises(SynwayAuthenticationError) as err:
            await client.login()
        assert err.value.errno == 2
        with pytest.raises(SynwayAuthenticationError):
            await client.trunk_list()
        assert not client.logged_in


async def test_api_disabled(sim: Simulator, client: SynwayClient) -> None:
    sim.config.api_enabled = False
    with pytest.raises(SynwayApiDisabledError) as err:
        await client.login()
    assert err.value.errno == 1


async def test_client_limit(sim: Simulator) -> None:
    sim.config.max_clients = 1
    async with _client(sim) as first, _client(sim) as second:
        await first.login()
        with pytest.raises(SynwayClientLimitError) as err:
            await second.login()
        assert err.value.errno == 101
        await first.logout()
        await second.login()


async def test_token_expiry_relogs_in_once_and_retries(
    sim: Simulator, client: SynwayClient
) -> None:
    await client.trunk_list()
    first_token = client.token
    sim.advance(sim.config.token_ttl + 1)
    trunks = await client.trunk_list()
    assert trunks
    assert client.token != first_token
    assert _logins(sim) == 2
    names = [request.name for request in sim.requests]
    assert names == ["login", "trunk_list", "trunk_list", "login", "trunk_list"]


async def test_requests_name_the_client_and_its_version(
    sim: Simulator, client: SynwayClient
) -> None:
    """The PBX's logs can tell this client, and which release, from a browser."""
    await client.trunk_list()
    assert sim.requests
    assert {request.user_agent for request in sim.requests} == {
        f"python-synway-ippbx/{api.__version__}"
    }
    assert f"python-synway-ippbx/{api.__version__}" == api.USER_AGENT


async def test_heartbeat_keeps_the_token_alive(
    sim: Simulator, client: SynwayClient
) -> None:
    await client.login()
    for _ in range(3):
        sim.advance(sim.config.token_ttl - 60)
        await client.heartbeat()
    await client.ivr_list()
    assert _logins(sim) == 1


async def test_concurrent_callers_cause_one_relogin(
    sim: Simulator, client: SynwayClient
) -> None:
    await client.login()
    sim.expire_tokens()
    results = await asyncio.gather(*(client.ext_status("1000") for _ in range(12)))
    assert all(page.extensions[0].extension == "1000" for page in results)
    assert _logins(sim) == 2


async def test_concurrent_first_calls_cause_one_login(
    sim: Simulator, client: SynwayClient
) -> None:
    await asyncio.gather(client.queue_list(), client.ivr_list(), client.trunk_list())
    assert _logins(sim) == 1


async def test_reboot_token_gone(sim: Simulator, client: SynwayClient) -> None:
    await client.login()
    sim.reboot()
    assert await client.queue_list()
    assert _logins(sim) == 2


async def test_logout_with_dead_token_is_quiet(
    sim: Simulator, client: SynwayClient
) -> None:
    await client.login()
    sim.expire_tokens()
    await client.logout()
    assert not client.logged_in


async def test_injected_session_stays_open(sim: Simulator) -> None:
    async with aiohttp.ClientSession() as session:
        host = sim.host if sim.https else sim.base_url
        client = SynwayClient(host, "api", sim.config.password, session=session)
        await client.ivr_list()
        await client.close()
        assert not session.closed
        await client.ivr_list()


async def test_https_verification_rejects_self_signed(simulator: Simulator) -> None:
    # The simulator's side of the refused handshake ends in a reset that asyncio reports to
    # the loop's exception handler; that is expected here, so keep it quiet.
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, _context: None)
    try:
        async with SynwayClient(
            simulator.host, "api", simulator.config.password, verify_ssl=True
        ) as client:
            with pytest.raises(SynwayConnectionError):
                await client.login()
        await asyncio.sleep(0.05)
    finally:
        loop.set_exception_handler(previous)


async def test_http_500_and_timeout(sim: Simulator) -> None:
    async with _client(sim, request_timeout=0.2) as client:
        sim.set_faults(http_500=True)
        with pytest.raises(SynwayResponseError, match="HTTP 500"):
            await client.login()
        sim.set_faults(http_500=False, slow_seconds=0.5)
        with pytest.raises(SynwayTimeoutError):
            await client.login()
        sim.set_faults(slow_seconds=0.0)
        await asyncio.sleep(
            0.5
        )  # let the simulator's slow handler finish before teardown
        await client.login()


# --------------------------------------------------------------------------- extensions


async def test_ext_query(client: SynwayClient) -> None:
    everything = await client.ext_query()
    assert {ext.extension for ext in everything} >= {"1000", "1009"}
    some = await client.ext_query(["1000", "1008"])
    assert [ext.extension for ext in some] == ["1000", "1008"]
    fxs = some[1]
    assert fxs.extension_type is ExtensionType.FXS
    assert fxs.password
    assert "password" not in fxs.to_dict()


async def test_ext_update_and_add(sim: Simulator, client: SynwayClient) -> None:
    await client.ext_update(
        "1002",
        ExtensionChanges(
            name="Andy", forward_busy="1003", voicemail=False, call_timeout=25
        ),
    )
    body = sim.requests[-1].body
    assert body["extid"] == "1002"
    assert body["action"] == "update"
    assert body["username"] == "Andy"
    (ext,) = await client.ext_query(["1002"])
    assert ext.name == "Andy"
    assert ext.forward_busy.enabled is True
    assert ext.forward_busy.destination == "1003"
    assert ext.voicemail is False
    assert ext.call_timeout == 25
    await client.ext_update("1002", ExtensionChanges(forward_busy=""))
    (ext,) = await client.ext_query(["1002"])
    assert ext.forward_busy.enabled is False

    await client.ext_add(
        "1100",
        "Secret99",
        ExtensionChanges(name="New"),
        extension_type=ExtensionType.SIP,
    )
    # The member goes in; the PBX's own spelling goes out.
    assert sim.requests[-1].body["extension_type"] == "SIP"
    (new,) = await client.ext_query(["1100"])
    assert (new.extension, new.name) == ("1100", "New")
    with pytest.raises(SynwayRequestError) as err:
        await client.ext_add("1100", "Secret99")
    assert err.value.errno == 40
    with pytest.raises(SynwayRequestError) as err:
        await client.ext_update("4321", ExtensionChanges(name="x"))
    assert err.value.errno == 11


async def test_ext_status_and_paging(sim: Simulator, client: SynwayClient) -> None:
    single = await client.ext_status("1000")
    assert [state.extension for state in single.extensions] == ["1000"]
    assert single.extensions[0].status in {
        ExtensionStatus.IDLE,
        ExtensionStatus.REGISTERED,
    }
    sim.config.ext_status_page_size = 3
    page2 = await client.ext_status(page=2)
    assert page2.page == 2
    assert page2.max_page == 4
    assert len(page2.extensions) == 3
    states = await client.ext_status_all(concurrency=2)
    assert [state.extension for state in states] == [str(n) for n in range(1000, 1010)]
    assert states[8].type is ExtensionType.FXS
    assert states[8].port == "1"
    pages = sorted(
        r.body.get("page")
        for r in sim.requests
        if r.name == "ext_status" and r.body and "extid" not in r.body
    )
    assert pages == ["1", "2", "2", "3", "4"]


async def test_ext_status_reflects_calls(sim: Simulator, client: SynwayClient) -> None:
    sim.call_internal("1000", "1001", answer=True)
    states = {state.extension: state.status for state in await client.ext_status_all()}
    assert (
        states["1000"] is ExtensionStatus.TALKING
        or states["1000"] is ExtensionStatus.BUSY
    )
    assert states["1002"] in {ExtensionStatus.IDLE, ExtensionStatus.REGISTERED}


# --------------------------------------------------------------------------- trunks, queues


async def test_trunks(client: SynwayClient) -> None:
    trunks = {trunk.name: trunk for trunk in await client.trunk_list()}
    assert set(trunks) == {"SIP-1", "SIP-2", "fxo1", "fxo2"}
    assert trunks["SIP-1"].type is TrunkType.SIP
    assert trunks["fxo1"].type is TrunkType.FXO
    assert trunks["SIP-1"].status is not TrunkStatus.UNKNOWN
    assert trunks["fxo1"].status is TrunkStatus.IDLE
    settings = await client.trunk_query(["SIP-1", "fxo2"])
    assert [(s.name, s.sip_address, s.port) for s in settings] == [
        ("SIP-1", "203.0.113.10", None),
        ("fxo2", None, "2"),
    ]
    assert len(await client.trunk_query()) == 4


async def test_queues_and_agents(sim: Simulator, client: SynwayClient) -> None:
    queues = await client.queue_list()
    assert [(q.queue_id, q.name) for q in queues] == [
        ("6700", "Sales"),
        ("6701", "Support"),
    ]
    status = await client.queue_members("6700")
    assert status.queue_id == "6700"
    assert status.caller_count == 0
    members = {member.extension: member for member in status.members}
    assert "1001" in members
    assert members["1001"].state is not QueueMemberState.UNKNOWN

    assert await client.agent_query("6700", "1003", "123456") is AgentState.LOGGED_IN
    assert await client.agent_query("6700", "1004", "123456") is AgentState.LOGGED_OUT
    await client.agent_login("6700", "1004", "123456")
    assert await client.agent_query("6700", "1004", "123456") is AgentState.LOGGED_IN
    await client.agent_break("6700", "1004")
    assert await client.agent_query("6700", "1004", "123456") is AgentState.ON_BREAK
    await client.agent_resume("6700", "1004")
    assert await client.agent_query("6700", "1004", "123456") is AgentState.LOGGED_IN
    await client.agent_logout("6700", "1004", "123456")
    assert await client.agent_query("6700", "1004", "123456") is AgentState.LOGGED_OUT
    with pytest.raises(SynwayRequestError) as err:
        await client.agent_login("6700", "1004", "wrong")
    assert err.value.errno == 13
    with pytest.raises(SynwayRequestError) as err:
        await client.queue_members("6999")
    assert err.value.errno == 12
    await client.agent_login("6701", "1006", all_queues=True)
    assert sim.requests[-1].body == {"queueid": "6701", "extid": "1006", "mode": "all"}
    await client.agent_logout("6701", "1006", all_queues=True)


# --------------------------------------------------------------------------- routes, IVRs


async def test_outbound_routes(sim: Simulator, client: SynwayClient) -> None:
    routes = {route.name: route for route in await client.outbound_query()}
    assert set(routes) == {"International", "Default"}
    assert routes["Default"].trunks == ("SIP-1", "fxo1")
    assert routes["Default"].enabled is True
    await client.outbound_mod(
        "Default", enabled=False, extensions=["1003", "1004"], trunks=["fxo2"]
    )
    (route,) = await client.outbound_query("Default")
    assert route.enabled is False
    assert route.extensions == ("1003", "1004")
    assert route.trunks == ("fxo2",)
    sim.config.outbound_query_wrapped = True
    assert {route.name for route in await client.outbound_query()} == {
        "International",
        "Default",
    }
    await client.outbound_mod("Night", trunks=["SIP-2"], add=True)
    assert "Night" in {route.name for route in await client.outbound_query()}


async def test_ivrs(client: SynwayClient) -> None:
    ivrs = await client.ivr_list()
    assert [(ivr.ivr_id, ivr.name) for ivr in ivrs] == [("6500", "Main menu")]


# --------------------------------------------------------------------------- alarms


async def test_alarms(sim: Simulator, client: SynwayClient) -> None:
    assert await client.alarm_query("1002") == []
    await client.alarm_add(
        "1002",
        AlarmSettings(
            name="wake", time=dt.time(6, 30), date=dt.date(2030, 1, 4), retries=2
        ),
    )
    # The wire body, key for key, as before AlarmSettings declared its keys with sent().
    assert sim.requests[-1].body == {
        "extid": "1002",
        "wakeup_name": "wake",
        "wakeup_enabled": "true",
        "wakeup_prompt": "",
        "wakeup_custom_day": "false",
        "wakeup_wday": "",
        "wakeup_mday": "2030-01-04",
        "wakeup_hour": "6",
        "wakeup_min": "30",
        "wakeup_snooze_time": "600",
        "wakeup_retry_times": "2",
    }
    await client.alarm_add(
        "1002",
        AlarmSettings(
            name="weekly",
            time=dt.time(7, 0),
            weekdays=frozenset({Weekday.MON, Weekday.SUN}),
        ),
    )
    weekly_body = sim.requests[-1].body
    assert (weekly_body["wakeup_custom_day"], weekly_body["wakeup_wday"]) == (
        "true",
        "1,2",
    )
    assert (weekly_body["wakeup_mday"], "wakeup_retry_times" in weekly_body) == (
        "",
        False,
    )
    alarms = {alarm.name: alarm for alarm in await client.alarm_query("1002")}
    assert set(alarms) == {"wake", "weekly"}
    once = alarms["wake"]
    assert (once.extension, once.date, once.time, once.weekdays, once.retries) == (
        "1002",
        dt.date(2030, 1, 4),
        dt.time(6, 30),
        None,
        2,
    )
    weekly = alarms["weekly"]
    assert weekly.weekdays == frozenset({Weekday.MON, Weekday.SUN})
    assert weekly.date is None
    await client.alarm_mod(
        once.alarm_id, AlarmChanges(time=dt.time(5, 45), enabled=False)
    )
    changed = {alarm.alarm_id: alarm for alarm in await client.alarm_query("1002")}[
        once.alarm_id
    ]
    assert (changed.time, changed.enabled) == (dt.time(5, 45), False)
    everyone = await client.alarm_query()
    assert {alarm.alarm_id for alarm in everyone} == {once.alarm_id, weekly.alarm_id}
    await client.alarm_del(once.alarm_id, ["1002"])
    await client.alarm_del(weekly.alarm_id)
    assert await client.alarm_query("1002") == []
    with pytest.raises(SynwayRequestError) as err:
        await client.alarm_mod("no-such-alarm", AlarmChanges(name="x"))
    assert err.value.errno == 16


# --------------------------------------------------------------------------- calls


def _leg_uuid(sim: Simulator, extension: str) -> str:
    ext = sim.state.extensions[extension]
    return next(leg.uuid for leg in ext.legs if leg.state != "ended")


async def test_call_control(sim: Simulator, client: SynwayClient) -> None:
    call = sim.call_internal("1000", "1001", answer=True)
    callee = _leg_uuid(sim, "1001")
    await client.hold(callee)
    await client.unhold(callee)
    await client.record(callee)
    await client.audio(callee, AudioDirection.SPEAK, mute=True)
    await client.audio(callee, AudioDirection.LISTEN, volume=-4)
    assert sim.requests[-1].body == {
        "uuid": callee,
        "direction": "listen",
        "type": "level",
        "level": "-4",
    }
    await client.play_sound_file(callee, mode=PlayMode.LOCAL, files=["1.wav"])
    await client.monitor("1002", "1001", MonitorMode.BARGE_IN)
    assert sim.requests[-1].body == {
        "extid": "1002",
        "monitorid": "1001",
        "mode": "bargein",
    }
    await client.transfer_ext(callee, "1003")
    await client.hangup(_leg_uuid(sim, "1003"))
    assert call.callid
    with pytest.raises(SynwayRequestError) as err:
        await client.hangup("no-such-uuid")
    assert err.value.errno == 6


async def test_tts_prompt(sim: Simulator, client: SynwayClient) -> None:
    sim.call_internal("1000", "1001", answer=True)
    uuid = _leg_uuid(sim, "1000")
    tts = TtsPrompt(
        type="fchtts",
        url="http://10.10.8.134/tts",
        params={"fchtts_param": {"text": "你好"}},
    )
    await client.play_sound_file(uuid, mode=PlayMode.BOTH, tts=tts)
    assert sim.requests[-1].body == {
        "uuid": uuid,
        "type": "tts",
        "tts_type": "fchtts",
        "tts_url": "http://10.10.8.134/tts",
        "tts_param": {"fchtts_param": {"text": "你好"}},
        "mode": "both",
    }


async def test_ext_outbound(sim: Simulator, client: SynwayClient) -> None:
    await client.ext_outbound("1002", "41000", user_id="abc")
    assert sim.requests[-1].body == {
        "extid": "1002",
        "calledid": "41000",
        "user_id": "abc",
    }
    assert sim.state.extensions["1002"].legs
    with pytest.raises(SynwayRequestError) as err:
        await client.ext_outbound("4444", "41000")
    assert err.value.errno == 11


async def test_inbound_control(sim: Simulator, client: SynwayClient) -> None:
    accepted = sim.call_inbound("5551234", "SIP-1")
    await client.inbound_accept(accepted.callid)
    refused = sim.call_inbound("5559999", "SIP-1")
    await client.inbound_refuse(refused.callid)
    assert refused.ended
    with pytest.raises(SynwayRequestError):
        await client.inbound_accept(refused.callid)


async def test_fxo_hook(sim: Simulator, client: SynwayClient) -> None:
    await client.hook(1, True)
    assert sim.requests[-1].body == {"port": "1", "mode": "on"}
    await client.hook("1", False)
    assert sim.requests[-1].body == {"port": "1", "mode": "off"}


# --------------------------------------------------------------------------- call records


async def test_cdrs(sim: Simulator, client: SynwayClient) -> None:
    for callee in ("1001", "1002", "1003", "1004", "1005"):
        sim.call_internal("1000", callee, answer=True)
        sim.advance(5)
        sim.hangup(callee)
    sim.call_outbound("1001", "5550000", answer=True)
    sim.advance(3)
    sim.hangup("1001")
    page = await client.cdrs()
    assert page.total == 6
    assert len(page.records) == 6
    sim.config.cdr_page_size = 4
    local = await client.cdrs(
        CdrQuery(direction=CallDirection.LOCAL, status=CdrStatus.ANSWERED)
    )
    assert local.total == 5
    assert all(record.direction is CallDirection.LOCAL for record in local.records)
    everything = await client.cdrs_all(concurrency=2)
    assert len(everything) == 6
    assert len({record.record_id for record in everything}) == 6
    assert len(await client.cdrs_all(limit=5)) == 5
    only = await client.cdrs(CdrQuery(extension="1003"))
    assert only.total == 1
    details = await client.cdr_query(only.records[0].record_id)
    assert details
    assert details[0].record_id == only.records[0].record_id
    assert details[0].start is not None


# --------------------------------------------------------------------------- events


async def test_getevent(sim: Simulator) -> None:
    async with _client(sim, event_pull=True, event_pull_extension="1001") as client:
        await client.login()
        assert sim.requests[-1].body["type"] == "synway"
        assert sim.requests[-1].body["extid"] == "1001"
        assert await client.getevent() is None
        sim.call_internal("1000", "1001")
        seen = []
        while (report := await client.getevent()) is not None:
            seen.append(report)
        assert any(isinstance(report, RingReport) for report in seen)
        assert not any(isinstance(report, UnknownReport) for report in seen)


async def test_getevent_failed_call_record_is_data(sim: Simulator) -> None:
    """A pulled CDR whose own status says FAILED is an event, not an API error."""
    async with _client(sim, event_pull=True, event_pull_extension="1000") as client:
        await client.login()
        sim.unregister("1003")
        sim.call_internal("1000", "1003")
        seen = []
        while (report := await client.getevent()) is not None:
            seen.append(report)
        records = [report for report in seen if isinstance(report, CdrReport)]
        assert [record.status for record in records] == [CdrStatus.FAILED]


async def test_reports_parse(sim: Simulator, report_receiver: ReportReceiver) -> None:
    async with _client(sim, report_url=report_receiver.url) as client:
        await client.login()
        sim.call_internal("1000", "1001", answer=True)
        sim.advance(2)
        sim.hangup("1001")
        sim.call_inbound("5551234", "SIP-1")
        sim.conference("6400")
        sim.reboot()
        await sim.flush_reports()
        reports = [parse_report(received.raw) for received in report_receiver.reports]
        events = {report.event for report in reports}
        assert {
            "RING",
            "RINGBACK",
            "ANSWER",
            "HANGUP",
            "CDR",
            "CallinRequest",
            "CONFERENCECREATE",
            "Systemup",
        } <= events
        assert not [report for report in reports if isinstance(report, UnknownReport)]
        answer = next(report for report in reports if isinstance(report, AnswerReport))
        assert {party.extension for party in answer.extension_parties} >= {"1001"}
        callin = next(
            report for report in reports if isinstance(report, CallinRequestReport)
        )
        assert (callin.from_number, callin.trunk) == ("5551234", "SIP-1")
        assert any(isinstance(report, SystemUpReport) for report in reports)


@pytest.mark.parametrize("style", ["numbers", "strings"])
async def test_quirky_wire_format(sim: Simulator, style: str) -> None:
    sim.set_quirks(
        capitalised_status=True,
        number_style=style,
        duplicate_keys=True,
        omit_optional=True,
    )
    async with _client(sim) as client:
        assert len(await client.ext_status_all()) == 10
        assert len(await client.trunk_list()) == 4
        assert (await client.queue_members("6700")).queue_id == "6700"
        assert await client.outbound_query()
        assert await client.ext_query(["1000"])
        assert (
            await client.agent_query("6700", "1003", "123456") is AgentState.LOGGED_IN
        )
