"""The client against hostile answers, wrong passwords, shutdowns and old TLS (issue 9, 8.6)."""

import asyncio
from collections.abc import Callable
import ssl
from typing import Any
from unittest.mock import Mock

from aiohttp import ClientConnectorCertificateError, ClientConnectorError, StreamReader
from aiohttp.client_reqrep import ConnectionKey
import pytest

from custom_components.synway_ippbx.api import (
    BodyTooLargeError,
    ReportParseError,
    SynwayAuthenticationError,
    SynwayClient,
    SynwayConnectionError,
    SynwayResponseError,
    parse_report,
    read_body,
    report_from_object,
)
from custom_components.synway_ippbx.api.parsing import MAX_DEPTH, loads, to_plain
from custom_components.synway_ippbx.api.transport import tls_refused
from simulator import Simulator
from simulator.testing import ExternalSimulator

from .fake_pbx import PASSWORD, USERNAME, FakePbx

DEEP = "[" * 5000 + "]" * 5000


async def _until(condition: Callable[[], bool]) -> None:
    """Let the loop run until ``condition()`` holds (bounded; not a timing check)."""
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")


def test_deep_nesting_is_a_parse_error_not_a_recursion_error() -> None:
    with pytest.raises(ValueError, match="nested"):
        loads(DEEP)
    with pytest.raises(ValueError, match="nested"):
        loads('{"a": ' + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "}")
    nested: Any = []
    for _ in range(3000):
        nested = [nested]
    with pytest.raises(ValueError, match="nested"):
        to_plain(nested)
    assert to_plain({"a": [{"b": 1}]}) == {"a": [{"b": 1}]}
    with pytest.raises(ReportParseError, match="nested"):
        parse_report('{"event": "RING", "x": ' + DEEP + "}")
    # An object decoded elsewhere (getevent) is checked as well.
    with pytest.raises(ReportParseError, match="nested"):
        report_from_object({"event": "RING", "x": nested})
    # The 2 KB report of the issue: within what json decodes, beyond our bound.
    with pytest.raises(ReportParseError):
        parse_report('{"event": "RING", "x": ' + "[" * 1000 + "]" * 1000 + "}")


async def test_deep_answer_is_a_response_error(
    fake_pbx: FakePbx, fake_client: SynwayClient
) -> None:
    fake_pbx.responses["trunk_list"] = (
        b'{"status": "success", "trunklist": ' + DEEP.encode() + b"}"
    )
    with pytest.raises(SynwayResponseError):
        await fake_client.trunk_list()
    fake_pbx.responses["trunk_list"] = (
        b'{"status": "success", "trunklist": [{"x": ' + b"[" * 100 + b"]" * 100 + b"}]}"
    )
    with pytest.raises(SynwayResponseError):
        await fake_client.trunk_list()


async def test_oversized_answer_is_refused_by_content_length(
    fake_pbx: FakePbx, fake_client: SynwayClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "custom_components.synway_ippbx.api.session._MAX_RESPONSE_SIZE", 1000
    )
    fake_pbx.responses["trunk_list"] = {"status": "success", "pad": "x" * 2000}
    with pytest.raises(SynwayResponseError, match="too large"):
        await fake_client.trunk_list()


async def test_body_without_length_stops_past_the_limit() -> None:
    """No Content-Length (chunked): read until EOF, but not a byte past the limit."""
    protocol = Mock(_reading_paused=False)  # stands in for a transport
    stream = StreamReader(protocol, 2**16, loop=asyncio.get_running_loop())
    for _ in range(3):
        stream.feed_data(b" " * 600)
    stream.feed_eof()
    with pytest.raises(BodyTooLargeError):
        await read_body(stream, None, 1000)
    stream = StreamReader(protocol, 2**16, loop=asyncio.get_running_loop())
    stream.feed_data(b"ab")
    stream.feed_data(b"cd")
    stream.feed_eof()
    assert await read_body(stream, None, 4) == b"abcd"


async def test_paging_trusts_total_not_max_page(
    fake_pbx: FakePbx, fake_client: SynwayClient
) -> None:
    """max_page 10,000 for 30 extensions on one page: one request, not 10,000."""
    fake_pbx.responses["ext_status"] = {
        "status": "success",
        "total": 30,
        "max_page": 10_000,
        "data": [{"extension": str(1000 + n), "status": "Idle"} for n in range(30)],
    }
    extensions = await fake_client.ext_status_all()
    assert len(extensions) == 30
    assert len(fake_pbx.calls("ext_status")) == 1


async def test_cdrs_all_stops_at_its_limit(
    fake_pbx: FakePbx, fake_client: SynwayClient
) -> None:
    """Full pages without max_page: the walk ends once ``limit`` records are in."""

    def page(body: dict[str, Any]) -> dict[str, Any]:
        number = int(body.get("page", 1))
        return {
            "status": "success",
            "limit": 5,
            "data": [{"cdrid": f"{number}-{n}"} for n in range(5)]
            if number < 50
            else [],
        }

    fake_pbx.responses["cdrs"] = page
    records = await fake_client.cdrs_all(limit=10)
    assert len(records) == 10
    assert len(fake_pbx.calls("cdrs")) == 2


async def test_rejected_credentials_are_never_tried_again(fake_pbx: FakePbx) -> None:
    """Many calls fail together on an expired token: one login; after it, none."""
    async with SynwayClient(
        fake_pbx.base_url, USERNAME, PASSWORD, request_timeout=2
    ) as client:
        await client.login()
        fake_pbx.expire_tokens()
        fake_pbx.responses["login"] = {"status": "failed", "errno": "2"}
        results = await asyncio.gather(
            *(client.trunk_list() for _ in range(5)), return_exceptions=True
        )
        assert all(isinstance(r, SynwayAuthenticationError) for r in results)
        assert len(fake_pbx.calls("login")) == 2
        assert client.credentials_rejected
        for attempt in (client.login(), client.heartbeat(), client.ivr_list()):
            with pytest.raises(SynwayAuthenticationError):
                await attempt
        assert len(fake_pbx.calls("login")) == 2


async def test_login_logs_the_old_token_out_first(
    fake_pbx: FakePbx, fake_client: SynwayClient
) -> None:
    await fake_client.login()
    first = fake_client.token
    await fake_client.login()
    logouts = fake_pbx.calls("logout")
    assert [request.token for request in logouts] == [first]
    assert fake_client.token != first


async def test_a_cancelled_login_is_logged_out_when_it_lands(
    fake_pbx: FakePbx, fake_client: SynwayClient
) -> None:
    """Cancelled mid-flight (an unload), the login still lands: its token is freed."""
    fake_pbx.login_delay = 0.2
    task = asyncio.create_task(fake_client.ivr_list())
    await _until(lambda: bool(fake_pbx.calls("login")))
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await fake_client.shutdown()
    await _until(lambda: bool(fake_pbx.calls("logout")))
    assert [request.token for request in fake_pbx.calls("logout")] == ["token1"]
    with pytest.raises(SynwayConnectionError):
        await fake_client.ivr_list()


async def test_shutdown_during_a_login_logs_it_out(
    fake_pbx: FakePbx, fake_client: SynwayClient
) -> None:
    fake_pbx.login_delay = 0.2
    task = asyncio.create_task(fake_client.ivr_list())
    await _until(lambda: bool(fake_pbx.calls("login")))
    await fake_client.shutdown()
    with pytest.raises(SynwayConnectionError, match="shut down"):
        await task
    assert [request.token for request in fake_pbx.calls("logout")] == ["token1"]


async def test_legacy_tls_pbx_is_reached_without_certificate_checks(
    legacy_tls_pbx: ExternalSimulator,
) -> None:
    """The default handshake fails; one retry with the legacy context works and sticks."""
    async with SynwayClient(legacy_tls_pbx.base_url, "api", "synway") as client:
        before = client.legacy_tls
        await client.login()
        after = client.legacy_tls
        assert await client.trunk_list()
        await client.logout()
    assert (before, after) == (False, True)
    names = [request["name"] for request in await legacy_tls_pbx.requests()]
    assert names == ["login", "trunk_list", "logout"]


async def test_legacy_tls_never_with_certificate_checks(
    legacy_tls_pbx: ExternalSimulator,
) -> None:
    async with SynwayClient(
        legacy_tls_pbx.base_url, "api", "synway", verify_ssl=True
    ) as client:
        with pytest.raises(SynwayConnectionError):
            await client.login()
        assert not client.legacy_tls
    assert await legacy_tls_pbx.requests() == []


async def test_a_modern_pbx_never_gets_the_legacy_context(simulator: Simulator) -> None:
    async with SynwayClient(simulator.base_url, "api", "synway") as client:
        await client.login()
        assert not client.legacy_tls
        await client.logout()


def test_only_a_refused_handshake_is_a_reason_to_downgrade() -> None:
    """A protocol alert or a reset mid-handshake is; a certificate problem never is."""
    key = ConnectionKey("pbx", 443, True, False, None, None, None)
    assert tls_refused(ClientConnectorError(key, ssl.SSLError(1, "alert")))
    assert tls_refused(ClientConnectorError(key, ConnectionResetError()))
    assert not tls_refused(ClientConnectorError(key, ConnectionRefusedError()))
    unverified = ssl.SSLCertVerificationError(1, "self-signed")
    assert not tls_refused(ClientConnectorError(key, unverified))
    assert not tls_refused(ClientConnectorCertificateError(key, unverified))
