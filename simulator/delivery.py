"""Pushing reports to the clients' report URLs.

Each report is POSTed as JSON on a new TCP connection (``Connection: close``), in order per
destination: report N+1 leaves only once report N was acknowledged or given up. A failed POST
(non-2xx, refused, timeout) is retried ``report_retries`` times ``report_retry_interval`` seconds
apart, then dropped. Faults can drop or duplicate reports and hold ExtensionStatus reports back
behind the next call report (reordering).
"""

import asyncio
from collections import deque
from dataclasses import dataclass, field
import logging
import random
from typing import Any

import aiohttp

from .config import SimulatorConfig
from .wire import encode_report

_LOGGER = logging.getLogger(__name__)


def report_url(url: str | None, client_ip: str, default_port: int) -> str:
    """The absolute URL reports go to: the manual's url may lack a scheme; none means the IP."""
    if not url:
        return f"http://{client_ip}:{default_port}/"
    if "://" not in url:
        url = "http://" + url
    scheme, rest = url.split("://", 1)
    if "/" not in rest:
        rest += "/"
    return f"{scheme}://{rest}"


@dataclass
class _Destination:
    """The ordered queue of one report URL."""

    queue: deque[bytes] = field(default_factory=deque)
    held: list[dict[str, Any]] = field(default_factory=list)
    worker: asyncio.Task[None] | None = None


@dataclass
class DeliveryStats:
    """Counters for assertions and the benchmark."""

    queued: int = 0
    delivered: int = 0
    attempts: int = 0
    failed_attempts: int = 0
    dropped: int = 0


class Dispatcher:
    """Per-destination ordered delivery with retries."""

    def __init__(self, config: SimulatorConfig, rng: random.Random) -> None:
        """Nothing is opened until the first report."""
        self.config = config
        self.rng = rng
        self.stats = DeliveryStats()
        self._destinations: dict[str, _Destination] = {}
        self._session: aiohttp.ClientSession | None = None
        self._closed = False

    def send(self, url: str, report: dict[str, Any]) -> None:
        """Queue ``report`` for ``url`` (faults applied here)."""
        if self._closed:
            return
        dest = self._destinations.setdefault(url, _Destination())
        faults = self.config.faults
        if faults.reorder_extension_status:
            if report.get("event") == "ExtensionStatus":
                dest.held.append(report)
                return
            batch = [report, *dest.held]
            dest.held.clear()
        else:
            batch = [*dest.held, report]
            dest.held.clear()
        for item in batch:
            if faults.drop_reports and self.rng.random() < faults.drop_reports:
                self.stats.dropped += 1
                continue
            body = encode_report(item, self.config.quirks)
            copies = (
                2
                if faults.duplicate_reports
                and self.rng.random() < faults.duplicate_reports
                else 1
            )
            for _ in range(copies):
                dest.queue.append(body)
                self.stats.queued += 1
        if dest.queue and (dest.worker is None or dest.worker.done()):
            dest.worker = asyncio.get_running_loop().create_task(
                self._run(url, dest), name=f"synway-sim-report {url}"
            )

    def release_held(self) -> None:
        """Let held-back ExtensionStatus reports go (end of a reorder fault)."""
        for url, dest in self._destinations.items():
            held = list(dest.held)
            dest.held.clear()
            for report in held:
                self.send(url, report)

    async def _run(self, url: str, dest: _Destination) -> None:
        while dest.queue:
            body = dest.queue[0]
            await self._deliver(url, body)
            dest.queue.popleft()

    async def _deliver(self, url: str, body: bytes) -> None:
        config = self.config
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(force_close=True, ssl=False),
                timeout=aiohttp.ClientTimeout(total=config.report_timeout),
            )
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": "WebAPI",
            "Connection": "close",
        }
        for attempt in range(config.report_retries + 1):
            if attempt:
                await asyncio.sleep(config.report_retry_interval)
            self.stats.attempts += 1
            try:
                async with self._session.post(url, data=body, headers=headers) as resp:
                    await resp.read()
                    if 200 <= resp.status < 300:
                        self.stats.delivered += 1
                        return
            except (aiohttp.ClientError, TimeoutError, OSError) as err:
                _LOGGER.debug("Report to %s failed: %s", url, err)
            self.stats.failed_attempts += 1
        self.stats.dropped += 1
        _LOGGER.debug(
            "Report to %s dropped after %d retries", url, config.report_retries
        )

    def busy(self) -> bool:
        """True while any report waits for delivery."""
        return any(d.queue for d in self._destinations.values())

    async def flush(self) -> None:
        """Wait until every queued report was delivered or given up."""
        while True:
            workers = [
                d.worker
                for d in self._destinations.values()
                if d.worker and not d.worker.done()
            ]
            if not workers:
                return
            await asyncio.gather(*workers, return_exceptions=True)

    def reopen(self) -> None:
        """Accept reports again after :meth:`close` (the PBX was started again)."""
        self._closed = False

    async def close(self) -> None:
        """Cancel pending deliveries and close the HTTP client."""
        self._closed = True
        workers = [d.worker for d in self._destinations.values() if d.worker]
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        self._destinations.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None
