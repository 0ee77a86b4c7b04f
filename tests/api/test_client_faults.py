"""Odd answers, transport faults and argument validation, against a scripted fake PBX."""

import asyncio
import datetime as dt
import errno as os_errno
import socket
import ssl
from typing import Any

from aiohttp import ClientConnectorError, web
from aiohttp.client_reqrep import ConnectionKey
import pytest

from custom_components.synway_ippbx.api import (
    AlarmChanges,
    AlarmSettings,
    AudioDirection,
    CallDirection,
    CdrQuery,
    ExtensionChanges,
    ExtensionType,
    MonitorMode,
    PlayMode,
    RingReport,
    SynwayArgumentError,
    SynwayClient,
    SynwayConnectionError,
    SynwayConnectionRefusedError,
    SynwayRequestError,
    SynwayResponseError,
    SynwayTimeoutError,
    SynwayTokenError,
    TtsPrompt,
)
from custom_components.synway_ippbx.api.transport import connect_failure

from .fake_pbx import PASSWORD, USERNAME, FakePbx


async def test_non_json_and_wrong_shapes(
    fake_pbx: FakePbx, fake_client: SynwayClient
) -> None:
    fake_pbx.responses["trunk_list"] = b"<html>oops</html>"
    with pytest.raises(SynwayResponseError, match="not JSON"):
        await fake_client.trunk_list()
    fake_pbx.responses["trunk_list"] = [1, 2]
    with pytest.raises(SynwayResponseError, match="not a JSON object"):
        await fake_client.trunk_list()
    fake_pbx.responses["trunk_list"] = {"status": "maybe"}
    with pytest.raises(SynwayResponseError, match="unexpected status"):
        await fake_client.trunk_list()
    # An empty body says nothing about the trunks: not "no trunks" (issue 19).
    fake_pbx.responses["trunk_list"] = b""
    with pytest.raises(SynwayResponseError, match="no trunklist list"):
        await fake_client.trunk_list()
    fake_pbx.responses["trunk_list"] = web.Response(status=502)
    with pytest.raises(SynwayResponseError, match="HTTP 502"):
        await fake_client.trunk_list()
    fake_pbx.responses["trunk_list"] = b"\xff\xfe"
    with pytest.raises(SynwayResponseError):
        await fake_client.trunk_list()


async def test_errno_shapes(fake_pbx: FakePbx, fake_client: SynwayClient) -> None:
    for answer, errno in [
        ({"status": "failed", "errno": "11"}, 11),
        ({"status": "Failed", "errno": 12}, 12),
        ({"status": "FAILED"}, -1),
        ({"errno": "25"}, 25),
        ({"status": "failed", "errno": "banana"}, -1),
    ]:
        fake_pbx.responses["ivr_list"] = answer
        with pytest.raises(SynwayRequestError) as err:
            await fake_client.ivr_list()
        assert err.value.errno == errno
    fake_pbx.responses["ivr_list"] = {
        "status": "Success",
        "errno": "0",
        "ivrlist": [{"ivrid": 6500}],
    }
    assert [ivr.ivr_id for ivr in await fake_client.ivr_list()] == ["6500"]


async def test_login_without_token(
    fake_pbx: FakePbx, fake_client: SynwayClient
) -> None:
    fake_pbx.responses["login"] = {"status": "success"}
    with pytest.raises(SynwayResponseError, match="no token"):
        await fake_client.login()
    fake_pbx.responses["login"] = ["token"]
    with pytest.raises(SynwayResponseError, match="no token"):
        await fake_client.login()


async def test_retry_happens_only_once(
    fake_pbx: FakePbx, fake_client: SynwayClient
) -> None:
    fake_pbx.responses["queue_list"] = {"status": "failed", "errno": "3"}
    with pytest.raises(SynwayTokenError):
        await fake_client.queue_list()
    assert fake_pbx.logins == 2
    assert len(fake_pbx.calls("queue_list")) == 2


async def test_concurrent_relogin_is_single(
    fake_pbx: FakePbx, fake_client: SynwayClient
) -> None:
    await fake_client.login()
    fake_pbx.expire_tokens()
    fake_pbx.login_delay = 0.05
    await asyncio.gather(*(fake_client.queue_list() for _ in range(20)))
    assert fake_pbx.logins == 2


async def test_event_pull_login_body(fake_pbx: FakePbx) -> None:
    async with SynwayClient(
        fake_pbx.base_url, USERNAME, PASSWORD, event_pull=True
    ) as client:
        await client.login()
    assert fake_pbx.requests[-1].body == {
        "username": USERNAME,
        "password": fake_pbx.requests[-1].body["password"]
        if fake_pbx.requests[-1].body
        else None,
        "type": "synway",
        "extid": "",
    }


async def test_getevent_shapes(fake_pbx: FakePbx, fake_client: SynwayClient) -> None:
    ring = {"event": "RING", "callid": "c1", "calledext": {"extid": "1001"}}
    for answer in (
        ring,
        {"status": "success", "data": ring},
        {"status": "success", "event": ring},
        [ring],
        b'{"event":"RING","calledext":{"extid":"1"},"calledext":{"extid":"2"}}',
    ):
        fake_pbx.responses["getevent"] = answer
        assert isinstance(await fake_client.getevent(), RingReport)
    empty: Any
    for empty in (
        {"status": "success"},
        [],
        b"",
        {"status": "success", "data": []},
        "text",
    ):
        fake_pbx.responses["getevent"] = empty
        assert await fake_client.getevent() is None


async def test_outbound_query_shapes(
    fake_pbx: FakePbx, fake_client: SynwayClient
) -> None:
    route = {"outbound_name": "r1", "outbound_enabled": "true"}
    for answer in (
        [route],
        {"status": "success", "data": [route]},
        {"status": "success", "outbounds": [route]},
        {"status": "success", **route},
    ):
        fake_pbx.responses["outbound_query"] = answer
        assert [r.name for r in await fake_client.outbound_query()] == ["r1"]
    fake_pbx.responses["outbound_query"] = {"status": "success"}
    assert await fake_client.outbound_query() == []


async def test_ext_status_all_without_max_page(
    fake_pbx: FakePbx, fake_client: SynwayClient
) -> None:
    extensions = [str(n) for n in range(1000, 1007)]

    def page(body: dict[str, Any]) -> dict[str, Any]:
        number = int(body.get("page", "1"))
        chunk = extensions[(number - 1) * 3 : number * 3]
        # duplicates across pages (states moved while paging) are dropped
        if number == 2:
            chunk = ["1000", *chunk]
        return {
            "status": "success",
            "data": [{"extension": e, "status": "Idle"} for e in chunk],
        }

    fake_pbx.responses["ext_status"] = page
    states = await fake_client.ext_status_all()
    assert [state.extension for state in states] == extensions
    assert [r.body["page"] for r in fake_pbx.calls("ext_status") if r.body] == [
        "1",
        "2",
        "3",
    ]


async def test_ext_status_all_stops_on_empty_page(
    fake_pbx: FakePbx, fake_client: SynwayClient
) -> None:
    def page(body: dict[str, Any]) -> dict[str, Any]:
        number = int(body.get("page", "1"))
        data = [{"extension": f"{number}{i}"} for i in range(2)] if number < 3 else []
        return {"status": "success", "data": data}

    fake_pbx.responses["ext_status"] = page
    assert len(await fake_client.ext_status_all()) == 4


async def test_paging_error_cancels_the_rest(
    fake_pbx: FakePbx, fake_client: SynwayClient
) -> None:
    def page(body: dict[str, Any]) -> dict[str, Any]:
        if body.get("page") == "3":
            return {"status": "failed", "errno": "31"}
        return {
            "status": "success",
            "max_page": 6,
            "data": [{"extension": body.get("page")}],
        }

    fake_pbx.responses["ext_status"] = page
    with pytest.raises(SynwayRequestError) as err:
        await fake_client.ext_status_all(concurrency=2)
    assert err.value.errno == 31


async def test_cdrs_all_limit_and_anonymous(
    fake_pbx: FakePbx, fake_client: SynwayClient
) -> None:
    def page(body: dict[str, Any]) -> dict[str, Any]:
        number = int(body.get("page", "1"))
        records: list[dict[str, Any]] = [{"uuid": f"r{number}-{i}"} for i in range(3)]
        records.append({"uuid": None})
        return {"status": "success", "max_page": 5, "limit": 4, "data": records}

    fake_pbx.responses["cdrs"] = page
    records = await fake_client.cdrs_all(
        CdrQuery(direction=CallDirection.INBOUND), limit=6
    )
    assert len(records) == 6
    assert [r.record_id for r in records][:4] == ["r1-0", "r1-1", "r1-2", ""]
    assert sorted(r.body["page"] for r in fake_pbx.calls("cdrs") if r.body) == [
        "1",
        "2",
    ]
    assert all(
        r.body and r.body["direction"] == "inbound" for r in fake_pbx.calls("cdrs")
    )


async def test_connection_refused(socket_enabled: None) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with SynwayClient(f"http://127.0.0.1:{port}", USERNAME, PASSWORD) as client:
        with pytest.raises(SynwayConnectionRefusedError):
            await client.login()


@pytest.mark.parametrize(
    ("cause", "reason"),
    [
        (socket.gaierror(socket.EAI_NONAME, "Name or service not known"), "name"),
        (ConnectionRefusedError(os_errno.ECONNREFUSED, "refused"), "refused"),
        (OSError(os_errno.EHOSTUNREACH, "No route to host"), "unreachable"),
        (OSError(os_errno.ENETUNREACH, "Network is unreachable"), "unreachable"),
        (ssl.SSLCertVerificationError("self-signed certificate"), "certificate"),
        (ConnectionResetError(os_errno.ECONNRESET, "reset"), None),
    ],
)
def test_why_a_connection_failed(cause: OSError, reason: str | None) -> None:
    """Each reason a connection fails, as the operating system says it, is told apart.

    An unreachable address cannot be made on loopback, so the OS's errors stand in.
    """
    key = ConnectionKey("pbx", 443, True, True, None, None, None)
    assert connect_failure(ClientConnectorError(key, cause)) == reason
    assert connect_failure(cause) == reason


async def test_silence_is_no_answer(socket_enabled: None) -> None:
    """A port that accepts and never answers: a timeout, not "refused"."""
    held: list[asyncio.StreamWriter] = []

    async def _hold(
        _reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        held.append(writer)

    server = await asyncio.start_server(_hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with SynwayClient(
        f"http://127.0.0.1:{port}", USERNAME, PASSWORD, request_timeout=0.2
    ) as client:
        with pytest.raises(SynwayTimeoutError):
            await client.login()
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_timeout(fake_pbx: FakePbx) -> None:
    async with SynwayClient(
        fake_pbx.base_url, USERNAME, PASSWORD, request_timeout=0.1
    ) as client:
        await client.login()
        fake_pbx.delay = 0.3
        with pytest.raises(SynwayTimeoutError):
            await client.queue_list()
        await asyncio.sleep(0.3)


async def test_own_session_closed(fake_pbx: FakePbx) -> None:
    client = SynwayClient(fake_pbx.base_url, USERNAME, PASSWORD)
    await client.close()  # nothing created yet
    await client.queue_list()
    session = client._session
    assert session is not None
    await client.close()
    assert session.closed
    await client.close()


def test_constructor_validation() -> None:
    with pytest.raises(SynwayArgumentError):
        SynwayClient("", USERNAME, PASSWORD)
    with pytest.raises(SynwayArgumentError):
        SynwayClient("pbx", "", PASSWORD)
    with pytest.raises(SynwayArgumentError):
        SynwayClient("pbx", USERNAME, PASSWORD, request_timeout=0)
    with pytest.raises(SynwayArgumentError):
        SynwayClient("pbx", USERNAME, PASSWORD, request_timeout=float("inf"))
    with pytest.raises(SynwayArgumentError):
        SynwayClient(
            "pbx", USERNAME, PASSWORD, event_pull=True, event_pull_extension="1,2"
        )
    client = SynwayClient("pbx", USERNAME, PASSWORD, report_url="  ")
    assert client.report_url is None
    assert client.address.unique_id == "pbx:443"


_ALARM = AlarmSettings(name="a", time=dt.time(1), date=dt.date(2030, 1, 1))

BAD_CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any], type[Exception]]] = [
    ("ext_query", ("1000",), {}, SynwayArgumentError),
    ("ext_query", (["10,11"],), {}, SynwayArgumentError),
    ("ext_update", ("1000", ExtensionChanges()), {}, SynwayArgumentError),
    ("ext_update", ("", ExtensionChanges(name="a")), {}, SynwayArgumentError),
    ("ext_add", ("1000", ""), {}, SynwayArgumentError),
    ("ext_add", ("1000", "pw", None, ExtensionType.UNKNOWN), {}, SynwayArgumentError),
    ("ext_status", ("1000", 0), {}, SynwayArgumentError),
    ("ext_status_all", (), {"concurrency": 0}, SynwayArgumentError),
    ("trunk_query", (["a", ""],), {}, SynwayArgumentError),
    ("queue_members", ("",), {}, SynwayArgumentError),
    ("agent_query", ("6700", ""), {}, SynwayArgumentError),
    ("agent_query", ("6700", "1003", ""), {}, SynwayArgumentError),
    ("agent_break", ("", "1003"), {}, SynwayArgumentError),
    ("agent_resume", ("6700", " "), {}, SynwayArgumentError),
    ("outbound_query", ("",), {}, SynwayArgumentError),
    ("outbound_mod", ("r",), {}, SynwayArgumentError),
    ("outbound_mod", ("r",), {"trunks": "fxo1"}, SynwayArgumentError),
    ("alarm_query", ("",), {}, SynwayArgumentError),
    ("alarm_add", ("", _ALARM), {}, SynwayArgumentError),
    ("alarm_mod", ("id", AlarmChanges()), {}, SynwayArgumentError),
    ("alarm_del", ("",), {}, SynwayArgumentError),
    ("monitor", ("1000", "", MonitorMode.LISTEN), {}, SynwayArgumentError),
    ("play_sound_file", ("u",), {"mode": PlayMode.LOCAL}, SynwayArgumentError),
    (
        "play_sound_file",
        ("u",),
        {"mode": PlayMode.LOCAL, "files": []},
        SynwayArgumentError,
    ),
    (
        "play_sound_file",
        ("u",),
        {"mode": PlayMode.LOCAL, "files": "a.wav"},
        SynwayArgumentError,
    ),
    (
        "play_sound_file",
        ("u",),
        {"mode": PlayMode.LOCAL, "files": ["a.wav,b.wav"]},
        SynwayArgumentError,
    ),
    (
        "play_sound_file",
        ("",),
        {"mode": PlayMode.LOCAL, "files": ["a.wav"]},
        SynwayArgumentError,
    ),
    (
        "play_sound_file",
        ("u",),
        {"mode": PlayMode.LOCAL, "files": ["a"], "tts": TtsPrompt(type="t", url="u")},
        SynwayArgumentError,
    ),
    ("ext_outbound", ("1000", ""), {}, SynwayArgumentError),
    ("ext_outbound", ("1000", "555", ""), {}, SynwayArgumentError),
    ("transfer_ext", ("u", ""), {}, SynwayArgumentError),
    ("hangup", ("",), {}, SynwayArgumentError),
    ("hold", ("  ",), {}, SynwayArgumentError),
    ("unhold", ("a,b",), {}, SynwayArgumentError),
    ("record", ("",), {}, SynwayArgumentError),
    ("audio", ("u", AudioDirection.SPEAK), {}, SynwayArgumentError),
    (
        "audio",
        ("u", AudioDirection.SPEAK),
        {"mute": True, "volume": 1},
        SynwayArgumentError,
    ),
    ("audio", ("u", AudioDirection.SPEAK), {"volume": 5}, SynwayArgumentError),
    ("audio", ("u", AudioDirection.SPEAK), {"volume": -5}, SynwayArgumentError),
    ("inbound_accept", ("",), {}, SynwayArgumentError),
    ("inbound_refuse", ("",), {}, SynwayArgumentError),
    ("hook", (0, True), {}, SynwayArgumentError),
    ("hook", ("x", True), {}, SynwayArgumentError),
    ("cdrs", (None, 0), {}, SynwayArgumentError),
    ("cdrs_all", (), {"limit": 0}, SynwayArgumentError),
    ("cdrs_all", (), {"concurrency": 0}, SynwayArgumentError),
    ("cdr_query", ("",), {}, SynwayArgumentError),
]


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "error"),
    BAD_CALLS,
    ids=[f"{call[0]}-{index}" for index, call in enumerate(BAD_CALLS)],
)
async def test_bad_arguments_raise_before_sending(
    fake_pbx: FakePbx,
    fake_client: SynwayClient,
    method: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    error: type[Exception],
) -> None:
    with pytest.raises(error):
        await getattr(fake_client, method)(*args, **kwargs)
    assert fake_pbx.requests == []


async def test_connection_errors_never_show_the_token(
    fake_pbx: FakePbx, fake_client: SynwayClient
) -> None:
    """A redirect naming the token in its query: the error names the target, not it."""
    fake_pbx.responses["ivr_list"] = lambda _body: web.Response(
        status=307,
        headers={
            "Location": f"{fake_pbx.base_url}/API/ivr_list"
            f"?token={next(iter(fake_pbx.tokens))}"
        },
    )
    with pytest.raises(SynwayConnectionError) as err:
        await fake_client.ivr_list()
    token = fake_client.token
    assert token
    assert token not in str(err.value)
    assert f"redirect (HTTP 307) to {fake_pbx.base_url}/API/ivr_list;" in str(err.value)
