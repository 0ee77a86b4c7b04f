"""Fixtures of the client tests: a scriptable fake PBX and clients bound to it."""

from collections.abc import AsyncIterator

from aiohttp import web
import pytest

from custom_components.synway_ippbx.api import SynwayClient

from .fake_pbx import PASSWORD, USERNAME, FakePbx


@pytest.fixture
async def fake_pbx(socket_enabled: None) -> AsyncIterator[FakePbx]:
    """A fake PBX on a free loopback port (plain HTTP)."""
    pbx = FakePbx()
    runner = web.AppRunner(pbx.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    pbx.base_url = f"http://127.0.0.1:{port}"
    yield pbx
    await runner.cleanup()


@pytest.fixture
async def fake_client(fake_pbx: FakePbx) -> AsyncIterator[SynwayClient]:
    """A client of the fake PBX with its own session."""
    async with SynwayClient(
        fake_pbx.base_url, USERNAME, PASSWORD, request_timeout=2
    ) as client:
        yield client
