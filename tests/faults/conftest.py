"""Helpers of the fault tests: entries for any simulator, raw and piecewise report posts."""

import asyncio
import json
import logging
from typing import Any

from aiohttp.test_utils import TestClient
from aiohttp.web import Application, Request
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.synway_ippbx.api import password_digest
from custom_components.synway_ippbx.const import (
    CONF_REPORT_URL,
    CONF_VERIFY_SSL,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from simulator import Simulator
from simulator.slowlink import wall_clock_sleep
from tests.conftest import WEBHOOK_ID, describe_record, unexpected_errors

WEBHOOK_PATH = f"/api/webhook/{WEBHOOK_ID}"


def entry_for(
    simulator: Simulator,
    report_client: TestClient[Request, Application],
    base_url: str | None = None,
) -> MockConfigEntry:
    """A config entry for ``simulator`` (reached at ``base_url``, e.g. through a proxy)."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Synway IPPBX (127.0.0.1)",
        unique_id=simulator.host,
        data={
            CONF_HOST: base_url or simulator.base_url,
            CONF_USERNAME: simulator.config.username,
            CONF_PASSWORD: password_digest(simulator.config.password),
            CONF_VERIFY_SSL: False,
            CONF_WEBHOOK_ID: WEBHOOK_ID,
        },
        options={
            CONF_REPORT_URL: f"127.0.0.1:{report_client.port}{WEBHOOK_PATH}",
        },
    )


async def set_up(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add and set up an entry, waiting for everything it started."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def post_in_pieces(
    port: int,
    report: dict[str, Any],
    *,
    chunked: bool,
    piece: int = 16,
    gap: float = 0.002,
    source: str = "127.0.0.1",
) -> int:
    """POST a report to the webhook over a raw socket, a few bytes at a time.

    Returns the HTTP status. ``chunked`` uses Transfer-Encoding: chunked (one chunk per
    piece), else a Content-Length header.
    """
    body = json.dumps(report).encode()
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", port, local_addr=(source, 0)
    )
    head = [
        f"POST {WEBHOOK_PATH} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Content-Type: application/json",
        "User-Agent: WebAPI",
        "Connection: close",
    ]
    head.append(
        "Transfer-Encoding: chunked" if chunked else f"Content-Length: {len(body)}"
    )
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
    await writer.drain()
    for start in range(0, len(body), piece):
        await wall_clock_sleep(gap)
        part = body[start : start + piece]
        writer.write(b"%x\r\n%s\r\n" % (len(part), part) if chunked else part)
        await writer.drain()
    if chunked:
        writer.write(b"0\r\n\r\n")
        await writer.drain()
    answer = await reader.read()
    writer.close()
    return int(answer.split(b" ", 2)[1])


@pytest.fixture
async def report_client(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator
) -> TestClient[Request, Application]:
    """The HTTP server, with the repairs and diagnostics APIs these tests use."""
    # Routes must exist before the server starts.
    for component in ("webhook", "repairs", "diagnostics"):
        assert await async_setup_component(hass, component, {})
    return await hass_client_no_auth()


@pytest.fixture
def log_errors(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """caplog at DEBUG, for asserting on tracebacks and log lines per outage."""
    caplog.set_level("DEBUG", logger="custom_components.synway_ippbx")
    return caplog


def assert_no_traceback(
    caplog: pytest.LogCaptureFixture, expected: tuple[str, ...] = ()
) -> None:
    """Nothing a user sees in the log (INFO and up) carries a traceback, and no ERROR line.

    Home Assistant itself logs each failed update's traceback at DEBUG ("Full error"), which
    is fine; the webhook's "Error processing webhook" would leak its id and is not. Every
    logger counts, aiohttp's included. ``expected`` names the ERROR lines a test provokes
    on purpose (substrings of the logger name or message).
    """
    tracebacks = [
        describe_record(r)
        for r in caplog.records
        if r.levelno >= logging.INFO and r.exc_info is not None
    ]
    assert not [line for line in tracebacks if not any(t in line for t in expected)]
    assert not unexpected_errors(caplog.records, expected)
    assert "Error processing webhook" not in caplog.text
