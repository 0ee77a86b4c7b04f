"""A success without its data is no answer; redirects are never followed (issue 19).

The client raises `SynwayResponseError` for a list answer without its list, a missing page
or pages that do not add up to ``total``, and `SynwayRedirectError` for any 3xx, so that
the integration never reads "the PBX has nothing" into an answer that says nothing.
"""

import asyncio
import socket
import ssl
from typing import Any

from aiohttp import ClientConnectorError, web
from aiohttp.client_reqrep import ConnectionKey
import pytest

from custom_components.synway_ippbx.api import (
    SynwayClient,
    SynwayConnectionError,
    SynwayRedirectError,
    SynwayResponseError,
    SynwayWrongProtocolError,
)
from custom_components.synway_ippbx.api.transport import (
    answered_plain_http,
    plain_http_on_tls_port,
    redirect_target,
    speaks_tls,
    tls_refused,
)

from .fake_pbx import PASSWORD, USERNAME, FakePbx


def _page(
    numbers: list[str], page: int, *, total: int | None, max_page: int | None
) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "status": "success",
        "page": page,
        "data": [{"extension": n, "status": "Idle"} for n in numbers],
    }
    if total is not None:
        answer["total"] = total
    if max_page is not None:
        answer["max_page"] = max_page
    return answer


def _pages(
    pages: dict[int, list[str]], *, total: int | None, max_page: int | None
) -> Any:
    def answer(body: dict[str, Any]) -> dict[str, Any]:
        number = int(body.get("page", 1))
        return _page(pages.get(number, []), number, total=total, max_page=max_page)

    return answer


@pytest.mark.parametrize(
    ("endpoint", "call"),
    [
        ("trunk_list", lambda c: c.trunk_list()),
        ("queue_list", lambda c: c.queue_list()),
        ("queue_members", lambda c: c.queue_members("6700")),
        ("ext_status", lambda c: c.ext_status_all()),
        ("ext_status", lambda c: c.ext_status("1000")),
    ],
)
@pytest.mark.parametrize(
    "answer",
    [{"status": "Success"}, {"status": "success", "data": None, "trunklist": "x"}],
)
async def test_a_success_without_its_list_is_a_response_error(
    fake_pbx: FakePbx,
    fake_client: SynwayClient,
    endpoint: str,
    call: Any,
    answer: dict[str, Any],
) -> None:
    fake_pbx.responses[endpoint] = answer
    with pytest.raises(SynwayResponseError, match=r"answer has no \w+ list"):
        await call(fake_client)


async def test_a_lone_object_is_a_one_item_list(
    fake_pbx: FakePbx, fake_client: SynwayClient
) -> None:
    fake_pbx.responses["trunk_list"] = {
        "status": "success",
        "trunklist": {"trunkname": "SIP-1", "type": "SIP", "status": "registered"},
    }
    assert [trunk.name for trunk in await fake_client.trunk_list()] == ["SIP-1"]


async def test_an_empty_list_with_a_total_is_a_response_error(
    fake_pbx: FakePbx, fake_client: SynwayClient
) -> None:
    fake_pbx.responses["ext_status"] = _pages({}, total=600, max_page=6)
    with pytest.raises(SynwayResponseError, match="page 1 of 6 came back empty"):
        await fake_client.ext_status_all()
    fake_pbx.responses["ext_status"] = _pages({}, total=600, max_page=None)
    with pytest.raises(SynwayResponseError, match="counts 600 but its pages list 0"):
        await fake_client.ext_status_all()


async def test_a_missing_page_is_a_response_error(
    fake_pbx: FakePbx, fake_client: SynwayClient
) -> None:
    """Page 2 of 3 empty: without a total too, a middle page may not be empty."""
    pages = {1: ["1000", "1001"], 3: ["1004"]}
    fake_pbx.responses["ext_status"] = _pages(pages, total=None, max_page=3)
    with pytest.raises(SynwayResponseError, match="page 2 of 3 came back empty"):
        await fake_client.ext_status_all()


async def test_pages_that_do_not_add_up_are_a_response_error(
    fake_pbx: FakePbx, fake_client: SynwayClient
) -> None:
    pages = {1: ["1000", "1001"], 2: ["1001"]}
    fake_pbx.responses["ext_status"] = _pages(pages, total=4, max_page=2)
    with pytest.raises(SynwayResponseError, match="counts 4 but its pages list 2"):
        await fake_client.ext_status_all()


async def test_complete_pages_and_an_empty_pbx_are_answers(
    fake_pbx: FakePbx, fake_client: SynwayClient
) -> None:
    pages = {1: ["1000", "1001"], 2: ["1002"]}
    fake_pbx.responses["ext_status"] = _pages(pages, total=3, max_page=2)
    states = await fake_client.ext_status_all()
    assert [state.extension for state in states] == ["1000", "1001", "1002"]
    fake_pbx.responses["ext_status"] = _pages({}, total=0, max_page=1)
    assert await fake_client.ext_status_all() == []


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_redirected_login_is_not_followed(
    fake_pbx: FakePbx, status: int
) -> None:
    """The login body (the password digest) never goes to the redirect target."""
    fake_pbx.responses["login"] = web.Response(
        status=status, headers={"Location": "http://elsewhere.invalid/API/login?x=1"}
    )
    async with SynwayClient(fake_pbx.base_url, USERNAME, PASSWORD) as client:
        with pytest.raises(SynwayRedirectError) as err:
            await client.login()
    assert err.value.status == status
    assert err.value.location == "http://elsewhere.invalid/API/login"
    assert isinstance(err.value, SynwayConnectionError)
    assert "check the address, port and protocol" in str(err.value)


async def test_a_redirect_without_a_location(fake_pbx: FakePbx) -> None:
    fake_pbx.responses["login"] = web.Response(status=302)
    async with SynwayClient(fake_pbx.base_url, USERNAME, PASSWORD) as client:
        with pytest.raises(SynwayRedirectError, match="to nowhere;"):
            await client.login()


async def test_a_login_answer_without_a_token_is_a_response_error(
    fake_pbx: FakePbx,
) -> None:
    fake_pbx.responses["login"] = {"status": "Success"}
    async with SynwayClient(fake_pbx.base_url, USERNAME, PASSWORD) as client:
        with pytest.raises(SynwayResponseError, match="carries no token"):
            await client.login()
        assert not client.logged_in


async def test_plain_http_complaint_on_a_tls_port(fake_pbx: FakePbx) -> None:
    """An nginx-like front answers 400 "plain HTTP request was sent to HTTPS port"."""
    fake_pbx.responses["login"] = web.Response(
        status=400,
        text="<html>The plain HTTP request was sent to HTTPS port</html>",
    )
    async with SynwayClient(fake_pbx.base_url, USERNAME, PASSWORD) as client:
        with pytest.raises(SynwayWrongProtocolError) as err:
            await client.login()
    assert err.value.pbx_speaks == "https"


def test_plain_http_recognised_by_reason_or_text() -> None:
    key = ConnectionKey("pbx", 443, True, False, None, None, None)
    wrong = OSError("[SSL: WRONG_VERSION_NUMBER] wrong version number")
    assert not answered_plain_http(ClientConnectorError(key, wrong))
    by_text = ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number")
    assert answered_plain_http(ClientConnectorError(key, by_text))
    assert not tls_refused(ClientConnectorError(key, by_text))
    assert not plain_http_on_tls_port(200, b"plain http request was sent to https port")
    assert redirect_target(None) is None
    assert redirect_target("  ") is None
    assert redirect_target("/API/login?token=t#x") == "/API/login"


async def test_speaks_tls_is_false_where_nothing_listens(socket_enabled: None) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert not await speaks_tls("127.0.0.1", port, 2)


async def test_a_dropped_plain_request_to_a_plain_server_stays_a_connection_error(
    socket_enabled: None,
) -> None:
    """A server that hangs up on plain HTTP but speaks no TLS either: no protocol claim."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        async with SynwayClient(
            f"http://127.0.0.1:{port}", USERNAME, PASSWORD, request_timeout=2
        ) as client:
            with pytest.raises(SynwayConnectionError) as err:
                await _hang_up_on(sock, client)
    assert not isinstance(err.value, SynwayWrongProtocolError)


async def _hang_up_on(sock: socket.socket, client: SynwayClient) -> None:
    loop = asyncio.get_running_loop()
    sock.setblocking(False)

    async def hang_up() -> None:
        while True:
            conn, _ = await loop.sock_accept(sock)
            conn.close()

    task = loop.create_task(hang_up())
    try:
        await client.login()
    finally:
        task.cancel()
