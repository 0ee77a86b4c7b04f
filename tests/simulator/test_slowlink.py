"""The slow-link proxy and the legacy TLS context of the simulator."""

import asyncio
import ssl

import pytest

from simulator.slowlink import SlowLink
from simulator.tls import server_context


async def _echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while data := await reader.read(65536):
        writer.write(data)
        await writer.drain()
    writer.close()


async def test_bytes_cross_the_link_in_segments(socket_enabled: None) -> None:
    """Both ways slow: 5,000 bytes echo back whole, in several reads."""
    server = await asyncio.start_server(_echo, "127.0.0.1", 0)
    link = SlowLink(
        "127.0.0.1", server.sockets[0].getsockname()[1], segment=1000, both_ways=True
    )
    with pytest.raises(RuntimeError):
        _ = link.port
    await link.start()
    reader, writer = await asyncio.open_connection("127.0.0.1", link.port)
    writer.write(b"x" * 5000)
    await writer.drain()
    received = b""
    reads = 0
    while len(received) < 5000:
        received += await reader.read(65536)
        reads += 1
    assert received == b"x" * 5000
    assert reads > 1
    await link.stop()
    assert await reader.read() == b""
    writer.close()
    server.close()
    await server.wait_closed()
    await link.stop()


async def test_stop_leaves_no_connection_handler_running(socket_enabled: None) -> None:
    """After stop() returns, nothing of the link runs on (the harness fails lingering tasks)."""
    before = asyncio.all_tasks()
    server = await asyncio.start_server(_echo, "127.0.0.1", 0)
    link = SlowLink("127.0.0.1", server.sockets[0].getsockname()[1], both_ways=True)
    await link.start()
    reader, writer = await asyncio.open_connection("127.0.0.1", link.port)
    writer.write(b"ping")
    assert await reader.readexactly(4) == b"ping"
    await link.stop()
    assert asyncio.all_tasks() - before == set()
    writer.close()
    server.close()
    await server.wait_closed()


async def test_unreachable_target_closes_the_connection(socket_enabled: None) -> None:
    server = await asyncio.start_server(_echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    link = SlowLink("127.0.0.1", port)
    await link.start()
    reader, writer = await asyncio.open_connection("127.0.0.1", link.port)
    assert await reader.read() == b""
    writer.close()
    await link.stop()


def test_legacy_context_speaks_only_tls_1_0() -> None:
    context = server_context(legacy=True)
    assert context.minimum_version is ssl.TLSVersion.TLSv1
    assert context.maximum_version is ssl.TLSVersion.TLSv1
    assert server_context() is not context
