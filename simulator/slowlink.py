"""A loopback TCP proxy that behaves like a slow link: answers arrive in small pieces.

Loopback hands a whole answer over in one read, which hides a client that reads only what
has arrived so far. Real links deliver TCP segments (1,460 bytes on Ethernet) some time
apart; this proxy forwards what the server sends in ``segment``-byte writes ``gap`` seconds
apart (and, with ``both_ways``, what the client sends too). It is byte-transparent, so it
works for HTTPS as well.
"""

import asyncio
import contextlib
import time

ETHERNET_SEGMENT = 1460


async def wall_clock_sleep(seconds: float) -> None:
    """Sleep in real time even when a test freezes the event loop's clock."""
    await asyncio.get_running_loop().run_in_executor(None, time.sleep, seconds)


class SlowLink:
    """Listen on a loopback port and forward every connection to ``target``."""

    def __init__(
        self,
        target_host: str,
        target_port: int,
        *,
        segment: int = ETHERNET_SEGMENT,
        gap: float = 0.002,
        both_ways: bool = False,
    ) -> None:
        """Nothing listens until :meth:`start`."""
        self.target = (target_host, target_port)
        self.segment = segment
        self.gap = gap
        self.both_ways = both_ways
        self.connections = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._handlers: set[asyncio.Task[None]] = set()

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Start listening (0 picks a free port)."""
        self._server = await asyncio.start_server(self._handle, host, port)

    @property
    def port(self) -> int:
        """The bound port."""
        if self._server is None:
            raise RuntimeError("not started")
        return int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Stop listening, cut every connection and wait until its handler has ended.

        Closing a socket only schedules the handler's end; returning before it ran would
        leave a task behind for whoever stops the link (a test harness reports it).
        """
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.close()
        handlers = list(self._handlers)
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)

    async def _handle(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.connections += 1
        if (task := asyncio.current_task()) is not None:
            self._handlers.add(task)
            task.add_done_callback(self._handlers.discard)
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._writers |= {writer, up_writer}
        try:
            await asyncio.gather(
                self._pump(reader, up_writer, slow=self.both_ways),
                self._pump(up_reader, writer, slow=True),
            )
        finally:
            for side in (writer, up_writer):
                side.close()
                self._writers.discard(side)

    async def _pump(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, *, slow: bool
    ) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await source.read(65536):
                step = self.segment if slow else len(data)
                for start in range(0, len(data), step):
                    sink.write(data[start : start + step])
                    await sink.drain()
                    if slow:
                        await wall_clock_sleep(self.gap)
            sink.write_eof()
