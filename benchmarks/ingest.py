"""Report ingestion, side by side with a bare Home Assistant webhook, in one real ``hass``.

Run with ``.venv/bin/python benchmarks/ingest.py`` (``scripts/bench`` runs it). It starts the
simulator (200 extensions) and a real ``hass`` process from a temporary config directory, in
which a tiny ``bare_webhook`` component sits next to the integration. The bare component's
webhook only parses the JSON and fires one bus event: Home Assistant's own floor for a report.

The same stream of calls is then posted to both webhooks, a new connection per report as the
PBX does, 20 calls at a time, each call's reports in order (RING, ExtensionStatus ×2, ANSWER,
ANSWERED, Talking ×2, HANGUP, Idle ×2, unique call ids). Rounds alternate between the two, so
noise on the machine falls on both, and each starts from a garbage-collected heap; the ratio is
the median of the rounds' paired ratios. Printed: hass CPU µs per report for each (from
``/proc/<pid>/stat``, all threads), their ratio, reports/s sustained by the integration, and
reports lost (posted, but not received by the coordinator). Figures, not a test.
"""

import argparse
import asyncio
from collections.abc import Iterator
import contextlib
from dataclasses import dataclass
import json
import os
from pathlib import Path
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any
import uuid

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bare_webhook import WEBHOOK_ID as BARE_WEBHOOK_ID
from benchmarks.results import record

ROOT = Path(__file__).resolve().parent.parent
PY = ROOT / ".venv" / "bin" / "python"
HASS = ROOT / ".venv" / "bin" / "hass"
OURS_WEBHOOK_ID = "c" * 64
CONCURRENT_CALLS = 20
LATENCY_RATE = 500

CONFIGURATION_YAML = """\
homeassistant:
  name: ingest benchmark
  time_zone: UTC
  internal_url: http://127.0.0.1:{ha_port}
bare_webhook:
logger:
  default: warning
  logs:
    aiohttp.access: critical
"""


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, all its threads, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    """Resident memory of a process."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def call_stream(caller: str, callee: str) -> list[bytes]:
    """The ten reports of one answered internal call, as the PBX words them."""
    callid = str(uuid.uuid4())
    legs = {
        "callerext": {"extid": caller, "callerid": caller, "uuid": callid},
        "calledext": {"extid": callee, "callerid": caller, "uuid": str(uuid.uuid4())},
    }

    def call(event: str, **extra: str) -> dict[str, Any]:
        return {"event": event, "callid": callid, **extra, **legs}

    def status(ext: str, word: str) -> dict[str, Any]:
        return {"event": "ExtensionStatus", "extension": ext, "status": word}

    reports = [
        call("RING"),
        status(callee, "Ringing"),
        status(caller, "Ringback"),
        call("ANSWER"),
        call("ANSWERED"),
        status(callee, "Talking"),
        status(caller, "Talking"),
        call("HANGUP", originator="caller"),
        status(caller, "Idle"),
        status(callee, "Idle"),
    ]
    return [json.dumps(report, separators=(",", ":")).encode() for report in reports]


def status_stream(
    count: int, extensions: int, start: int
) -> list[tuple[str, str, bytes]]:
    """``count`` status reports, each a change: every phone in turn rings, then rests.

    ``start``: how many came before (the stream goes on where the last one stopped).
    """
    stream = []
    for index in range(start, start + count):
        number = str(1000 + index % extensions)
        word = "Ringing" if (index // extensions) % 2 == 0 else "Idle"
        body = {"event": "ExtensionStatus", "extension": number, "status": word}
        stream.append((number, word.lower(), json.dumps(body).encode()))
    return stream


async def post_paced(
    base: str, webhook_id: str, stream: list[tuple[str, str, bytes]], rate: float
) -> list[tuple[float, str, str]]:
    """Post the stream at ``rate`` reports/s whatever the answers do (as a PBX would).

    Returns when each report's POST began (wall clock, as Home Assistant stamps
    events), with its extension and status.
    """
    url = f"{base}/api/webhook/{webhook_id}"
    connector = aiohttp.TCPConnector(force_close=True, limit=0)
    posted: list[tuple[float, str, str]] = []
    async with aiohttp.ClientSession(connector=connector) as session:

        async def post(number: str, status: str, body: bytes) -> None:
            posted.append((time.time(), number, status))
            async with session.post(
                url, data=body, headers={"Content-Type": "application/json"}
            ) as response:
                await response.read()

        start = time.perf_counter()
        tasks = []
        for index, (number, status, body) in enumerate(stream):
            delay = start + index / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(post(number, status, body)))
        await asyncio.gather(*tasks)
    return posted


def latencies(
    posted: list[tuple[float, str, str]], landed: list[list[Any]]
) -> tuple[list[float], int]:
    """Per report, POST to landing (its status written, or its bare event); lost ones.

    A report's landing is the first of its phone's, with its status, after its POST.
    """
    waiting: dict[str, list[list[Any]]] = {}
    for note in sorted(landed):
        waiting.setdefault(note[1], []).append(note)
    found: list[float] = []
    lost = 0
    for began, number, status in sorted(posted):
        notes = waiting.get(number, [])
        index = next(
            (i for i, n in enumerate(notes) if n[0] >= began and n[2] == status), None
        )
        if index is None:
            lost += 1
            continue
        found.append(notes.pop(index)[0] - began)
    return found, lost


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0


async def measure_latency(
    hass: Hass, session: aiohttp.ClientSession, extensions: int, seconds: float
) -> None:
    """POST to state written at LATENCY_RATE reports/s, beside the bare webhook's."""
    await hass.stats(session, latency="on")
    found: dict[str, list[float]] = {"bare": [], "ours": []}
    lost = {"bare": 0, "ours": 0}
    count = int(LATENCY_RATE * seconds / 2)
    for round_ in range(2):  # alternate, as the CPU rounds do
        for side, webhook_id in (("bare", BARE_WEBHOOK_ID), ("ours", OURS_WEBHOOK_ID)):
            await hass.stats(session, collect=True)
            posted = await post_paced(
                hass.base,
                webhook_id,
                status_stream(count, extensions, round_ * count),
                LATENCY_RATE,
            )
            await asyncio.sleep(0.5)
            landed = (await hass.stats(session, latency="take"))[side]
            side_found, side_lost = latencies(posted, landed)
            found[side] += side_found
            lost[side] += side_lost
    figures = {
        side: (percentile(values, 0.5) * 1e3, percentile(values, 0.99) * 1e3)
        for side, values in found.items()
    }
    ratio = figures["ours"][1] / max(figures["bare"][1], 1e-6)
    print(
        f"latency at {LATENCY_RATE} reports/s: POST to status written p50 "
        f"{figures['ours'][0]:.1f} ms, p99 {figures['ours'][1]:.1f} ms; bare webhook "
        f"POST to event p50 {figures['bare'][0]:.1f} ms, p99 {figures['bare'][1]:.1f} ms;"
        f" p99 {ratio:.2f}× (goal ≤ 1.5×); unmatched: ours {lost['ours']}, "
        f"bare {lost['bare']}"
    )
    record(
        f"Latency at {LATENCY_RATE} reports/s, POST to state written (p50 / p99) vs. "
        "a bare webhook's POST to event",
        f"{figures['ours'][0]:.1f} / {figures['ours'][1]:.1f} ms vs. "
        f"{figures['bare'][0]:.1f} / {figures['bare'][1]:.1f} ms: p99 {ratio:.2f}×",
        "p99 ≤ 1.5×",
        met=ratio <= 1.5 and not lost["ours"],
    )


def streams(calls: int, extensions: int) -> list[list[bytes]]:
    """``calls`` calls between distinct pairs of the PBX's extensions."""
    return [
        call_stream(
            str(1000 + (2 * index) % extensions),
            str(1000 + (2 * index + 1) % extensions),
        )
        for index in range(calls)
    ]


@dataclass
class Hass:
    """A running ``hass`` process and how to reach it."""

    process: subprocess.Popen[bytes]
    port: int

    @property
    def base(self) -> str:
        """The HTTP base URL."""
        return f"http://127.0.0.1:{self.port}"

    async def stats(
        self, session: aiohttp.ClientSession, *, collect: bool = False, **query: str
    ) -> dict[str, Any]:
        """The bare component's counters (after a full garbage collection if asked).

        ``query``: ``profile=<side>|off``, ``dump=<dir>`` (see bare_webhook).
        """
        if collect:
            query["collect"] = "1"
        async with session.get(
            f"{self.base}/api/bare_webhook/stats", params=query
        ) as response:
            result: dict[str, Any] = await response.json()
            return result


async def post_streams(base: str, webhook_id: str, calls: list[list[bytes]]) -> float:
    """Post every call's reports in order, CONCURRENT_CALLS calls at a time; wall time."""
    url = f"{base}/api/webhook/{webhook_id}"
    queue: asyncio.Queue[list[bytes]] = asyncio.Queue()
    for call in calls:
        queue.put_nowait(call)
    # A new connection per report, as the PBX posts them.
    connector = aiohttp.TCPConnector(force_close=True, limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            while not queue.empty():
                for body in queue.get_nowait():
                    async with session.post(
                        url, data=body, headers={"Content-Type": "application/json"}
                    ) as response:
                        await response.read()

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENT_CALLS)))
        return time.perf_counter() - start


async def wait_for_count(
    hass: Hass, session: aiohttp.ClientSession, key: str, count: int
) -> int:
    """Wait until ``key`` reaches ``count`` (or stops moving); the final count."""
    last, still = -1, 0
    while True:
        value = int((await hass.stats(session))[key])
        if value >= count:
            return value
        still = still + 1 if value == last else 0
        if still > 20:
            return value
        last = value
        await asyncio.sleep(0.05)


def write_config(config_dir: Path, ha_port: int, sim_port: int) -> None:
    """configuration.yaml, both custom components and the integration's config entry."""
    (config_dir / "configuration.yaml").write_text(
        CONFIGURATION_YAML.format(ha_port=ha_port)
    )
    components = config_dir / "custom_components"
    components.mkdir()
    shutil.copytree(
        ROOT / "benchmarks" / "bare_webhook",
        components / "bare_webhook",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copytree(
        ROOT / "custom_components" / "synway_ippbx",
        components / "synway_ippbx",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    subprocess.run(
        [
            str(PY),
            str(ROOT / "benchmarks" / "hass_config.py"),
            str(config_dir),
            f"127.0.0.1:{sim_port}",
            OURS_WEBHOOK_ID,
        ],
        check=True,
        cwd=config_dir,
    )


@contextlib.contextmanager
def running(
    args: list[str], cwd: Path, env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """A subprocess, stopped (TERM, then KILL) on exit."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def measure(
    hass: Hass,
    calls: int,
    rounds: int,
    extensions: int,
    profile: Path | None,
    latency_seconds: float,
) -> None:
    """Warm up, then alternate rounds between the bare webhook and ours; print figures."""
    async with aiohttp.ClientSession() as session:
        deadline = time.monotonic() + 180
        while True:
            with contextlib.suppress(aiohttp.ClientError):
                stats = await hass.stats(session)
                if stats["synway_loaded"]:
                    break
            if hass.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("hass did not load the integration; see hass.log")
            await asyncio.sleep(0.5)

        totals = {"bare": [0.0, 0.0, 0], "ours": [0.0, 0.0, 0]}  # cpu, wall, reports
        ratios: list[float] = []
        lost = 0
        warm = streams(CONCURRENT_CALLS, extensions)
        for webhook_id in (BARE_WEBHOOK_ID, OURS_WEBHOOK_ID):
            await post_streams(hass.base, webhook_id, warm)
        await asyncio.sleep(1)
        for _ in range(rounds):
            per_report: dict[str, float] = {}
            for side, webhook_id, key in (
                ("bare", BARE_WEBHOOK_ID, "bare_webhook_event"),
                ("ours", OURS_WEBHOOK_ID, "synway_received"),
            ):
                batch = streams(calls, extensions)
                reports = sum(len(call) for call in batch)
                # Both sides start each round from a collected heap (see bare_webhook).
                before_count = int((await hass.stats(session, collect=True))[key])
                await asyncio.sleep(0.1)
                if profile:
                    await hass.stats(session, profile=side)
                before = cpu_seconds(hass.process.pid)
                wall = await post_streams(hass.base, webhook_id, batch)
                fired = await wait_for_count(hass, session, key, before_count + reports)
                # Let the loop drain what the reports scheduled (state writes, timers).
                await asyncio.sleep(0.3)
                cpu = cpu_seconds(hass.process.pid) - before
                if profile:
                    await hass.stats(session, profile="off")
                totals[side][0] += cpu
                totals[side][1] += wall
                totals[side][2] += reports
                per_report[side] = cpu / reports
                if side == "ours":
                    lost += before_count + reports - fired
            ratios.append(per_report["ours"] / max(per_report["bare"], 1e-9))
        if profile:
            # main() made the folder and made the path absolute.
            await hass.stats(session, dump=str(profile))
            print(f"ingest: profiles of both sides in {profile}/{{bare,ours}}.prof")
        bare_us = totals["bare"][0] / totals["bare"][2] * 1e6
        ours_us = totals["ours"][0] / totals["ours"][2] * 1e6
        # The machine's speed drifts (other tenants, CPU clocks) between rounds; each
        # round pairs a bare and an ours run back to back, and the median of those
        # paired ratios is the figure, with their spread printed beside it.
        ratio = statistics.median(ratios)
        print(
            f"ingest: bare webhook {bare_us:.0f} µs hass CPU/report, "
            f"ours {ours_us:.0f} µs/report, ratio {ratio:.2f}× "
            f"(median of {len(ratios)} paired rounds, "
            f"{min(ratios):.2f}–{max(ratios):.2f}; goal ≤ 1.1×)"
        )
        rate = totals["ours"][2] / totals["ours"][1]
        print(
            f"ingest: ours sustained {rate:.0f} "
            f"reports/s (goal ≥ 800), {int(totals['ours'][2])} reports posted, "
            f"{lost} lost (goal 0); hass RSS {rss_mib(hass.process.pid):.0f} MiB"
        )
        record(
            "Report ingestion: hass CPU per report vs. a bare webhook",
            f"{ours_us:.0f} µs vs. {bare_us:.0f} µs: {ratio:.2f}× (median of paired rounds)",
            "≤ 1.1×",
            met=ratio <= 1.1,
        )
        record(
            "Reports sustained (new connection each, 20 calls at a time)",
            f"{rate:.0f} reports/s",
            "≥ 800/s",
            met=rate >= 800,
        )
        record(
            "Reports lost",
            f"{lost} of {int(totals['ours'][2])}",
            "0",
            met=lost == 0,
        )
        if latency_seconds:
            await measure_latency(hass, session, extensions, latency_seconds)


def main() -> None:
    """Start the simulator and hass, measure, stop both."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extensions", type=int, default=200)
    parser.add_argument("--calls", type=int, default=60, help="calls per round")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--keep", action="store_true", help="keep the config dir")
    parser.add_argument(
        "--latency-seconds",
        type=float,
        default=12,
        help="seconds of paced status reports for the latency figure (0: none)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="write a cProfile of hass's event loop per side to DIR/{bare,ours}.prof "
        "(profiled rounds cost more: read the ratio from an unprofiled run)",
    )
    args = parser.parse_args()
    if args.profile:
        args.profile = args.profile.resolve()
        args.profile.mkdir(parents=True, exist_ok=True)

    work = Path(tempfile.mkdtemp(prefix="synway-ingest-"))
    sim_port, ha_port = free_port(), free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SETUP_PORT": str(ha_port),
    }
    try:
        config_dir = work / "config"
        config_dir.mkdir()
        sim_args = [
            str(PY),
            "-m",
            "simulator",
            "--port",
            str(sim_port),
            "--extensions",
            str(args.extensions),
            "--trunks",
            "2",
            "--queues",
            "2",
        ]
        with running(sim_args, ROOT, env, work / "simulator.log"):
            write_config(config_dir, ha_port, sim_port)
            # hass runs from the temporary directory and without the project on its path,
            # so it imports the config dir's custom_components, not the project's package.
            hass_env = {**env, "PYTHONPATH": ""}
            with running(
                [str(HASS), "-c", str(config_dir), "--skip-pip"],
                work,
                hass_env,
                work / "hass.log",
            ) as process:
                asyncio.run(
                    measure(
                        Hass(process, ha_port),
                        args.calls,
                        args.rounds,
                        args.extensions,
                        args.profile,
                        args.latency_seconds,
                    )
                )
    except BaseException:
        print(f"ingest: failed; logs in {work}", file=sys.stderr)
        args.keep = True
        raise
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
