"""Pytest fixtures: a running simulator (HTTPS or HTTP) and a report receiver.

* ``simulator``: default PBX over HTTPS (self-signed certificate), started and stopped around
  the test; the clock only moves with ``simulator.advance(seconds)``; report retries are 20 ms
  apart so failure tests stay fast.
* ``simulator_http``: the same over plain HTTP.
* ``legacy_tls_pbx``: ``python -m simulator --tls-legacy`` in a child process (TLS 1.0 only).
  A separate process, because a TLS server refusing modern handshakes reports each refusal
  to its event loop's exception handler, which Home Assistant's test harness turns into a
  test failure. ``.base_url``; ``await .requests()`` reads its control API.
* ``report_receiver``: an aiohttp server on 127.0.0.1 collecting POSTed reports; ``.url`` is
  written as the manual writes it (``127.0.0.1:PORT/report``, no scheme); ``await
  report_receiver.wait_for(n)`` waits for ``n`` reports; ``.fail_next(n, status=500)`` makes the
  next ``n`` POSTs fail.
"""

import asyncio
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
import json
import ssl
import sys
from typing import Any
import warnings

import aiohttp
from aiohttp import web
import pytest

from .config import SimulatorConfig
from .server import Simulator


def fixture_config() -> SimulatorConfig:
    """The default PBX with delivery timings suited to tests."""
    return SimulatorConfig(report_retry_interval=0.02, report_timeout=2.0)


@dataclass
class ReceivedReport:
    """One POST received by the report receiver."""

    path: str
    raw: bytes
    json: Any
    headers: dict[str, str]


@dataclass
class ReportReceiver:
    """Collects reports POSTed by the simulator."""

    reports: list[ReceivedReport] = field(default_factory=list)
    port: int = 0
    path: str = "/report"
    failures: int = 0
    failure_status: int = 500
    _event: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        """The report URL as a client passes it at login (no scheme)."""
        return f"127.0.0.1:{self.port}{self.path}"

    @property
    def events(self) -> list[Any]:
        """The parsed bodies."""
        return [r.json for r in self.reports]

    def names(self) -> list[Any]:
        """The ``event`` of each report."""
        return [
            r.json.get("event") if isinstance(r.json, dict) else ""
            for r in self.reports
        ]

    def fail_next(self, count: int, status: int = 500) -> None:
        """Answer the next ``count`` POSTs with ``status``."""
        self.failures = count
        self.failure_status = status

    def clear(self) -> None:
        """Forget what was received."""
        self.reports.clear()

    async def wait_for(self, count: int, wait: float = 5.0) -> list[Any]:
        """Wait until at least ``count`` reports arrived; returns the parsed bodies."""
        async with asyncio.timeout(wait):
            while len(self.reports) < count:
                self._event.clear()
                await self._event.wait()
        return self.events

    async def handle(self, request: web.Request) -> web.Response:
        """Store the report (or fail on purpose)."""
        raw = await request.read()
        if self.failures > 0:
            self.failures -= 1
            return web.Response(status=self.failure_status)
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
        self.reports.append(
            ReceivedReport(request.path, raw, parsed, dict(request.headers))
        )
        self._event.set()
        return web.Response(text="OK")


@pytest.fixture
async def simulator(socket_enabled: None) -> AsyncGenerator[Simulator]:
    """A default simulator over HTTPS (sockets allowed, loopback only)."""
    sim = Simulator(fixture_config())
    await sim.start(host="127.0.0.1", port=0, https=True)
    try:
        yield sim
    finally:
        await sim.stop()


@pytest.fixture
async def simulator_http(socket_enabled: None) -> AsyncGenerator[Simulator]:
    """A default simulator over plain HTTP."""
    sim = Simulator(fixture_config())
    await sim.start(host="127.0.0.1", port=0, https=False)
    try:
        yield sim
    finally:
        await sim.stop()


@pytest.fixture
async def report_receiver(socket_enabled: None) -> AsyncGenerator[ReportReceiver]:
    """A report listener on 127.0.0.1."""
    receiver = ReportReceiver()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", receiver.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server  # noqa: SLF001 - the bound port
    if server is None:  # pragma: no cover - impossible by construction
        raise RuntimeError("no listening socket")
    receiver.port = getattr(server, "sockets", [])[0].getsockname()[1]
    try:
        yield receiver
    finally:
        await runner.cleanup()


def legacy_client_context() -> ssl.SSLContext:
    """A client context that can still talk TLS 1.0 (for the control API of a legacy PBX)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.TLSv1
    context.set_ciphers("ALL:@SECLEVEL=0")
    return context


@dataclass
class ExternalSimulator:
    """A simulator running as ``python -m simulator`` in a child process."""

    base_url: str
    process: asyncio.subprocess.Process

    async def requests(self) -> list[dict[str, Any]]:
        """The API requests it received (its control API)."""
        connector = aiohttp.TCPConnector(ssl=legacy_client_context())
        async with (
            aiohttp.ClientSession(connector=connector) as session,
            session.get(f"{self.base_url}/_simulator/requests") as response,
        ):
            result: list[dict[str, Any]] = await response.json()
            return result


@pytest.fixture
async def legacy_tls_pbx(socket_enabled: None) -> AsyncGenerator[ExternalSimulator]:
    """The CLI simulator with ``--tls-legacy`` on a free loopback port."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulator",
        "--tls-legacy",
        "--port",
        "0",
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        if process.stdout is None:  # pragma: no cover - PIPE was asked for
            raise RuntimeError("no stdout")
        async with asyncio.timeout(30):
            line = (await process.stdout.readline()).decode()
        base_url = line.rsplit(" ", 1)[-1].strip()
        yield ExternalSimulator(base_url, process)
    finally:
        process.terminate()
        await process.wait()
