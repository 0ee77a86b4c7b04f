"""Scale benchmark of the simulator: 3,000 extensions, 100 trunks, 50 queues, 200 concurrent calls.

Run with ``.venv/bin/python benchmarks/simulator_scale.py``; prints timings (not a test).
"""

import asyncio
import hashlib
import json
import time

import aiohttp
from aiohttp import web

from simulator import Simulator, SimulatorConfig
from simulator.config import build_extensions, build_queues, build_trunks


async def main() -> None:
    """Build the big PBX, log a receiver in, drive 200 concurrent calls, time the API."""
    t0 = time.perf_counter()
    exts = build_extensions(3000)
    config = SimulatorConfig(
        extensions=exts,
        trunks=build_trunks(90, 10),
        queues=build_queues(50, [e.number for e in exts]),
        report_retry_interval=0.05,
    )
    sim = Simulator(config)
    await sim.start(port=0, https=True)
    print(f"build + start: {time.perf_counter() - t0:.2f} s")

    received = 0

    async def handle(request: web.Request) -> web.Response:
        nonlocal received
        await request.read()
        received += 1
        return web.Response(text="OK")

    app = web.Application()
    app.router.add_post("/report", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]  # noqa: SLF001

    password = hashlib.md5(config.password.encode()).hexdigest()  # noqa: S324
    async with aiohttp.ClientSession() as http:
        login = await http.post(
            f"{sim.base_url}/API/login",
            json={
                "username": "api",
                "password": password,
                "url": f"127.0.0.1:{port}/report",
            },
            ssl=False,
        )
        token = (await login.json())["token"]

        t0 = time.perf_counter()
        numbers = list(sim.state.extensions)
        calls = [
            sim.call_internal(numbers[2 * i + 1000], numbers[2 * i + 1001], answer=True)
            for i in range(200)
        ]
        engine_s = time.perf_counter() - t0
        print(
            f"200 concurrent calls placed and answered: {engine_s * 1000:.1f} ms "
            f"({len(sim.state.calls)} live, {len(sim.reports)} reports queued)"
        )

        t0 = time.perf_counter()
        await sim.flush_reports()
        flush_s = time.perf_counter() - t0
        print(
            f"delivered {received} reports in {flush_s:.2f} s ({received / flush_s:.0f} reports/s, "
            "new connection each)"
        )

        t0 = time.perf_counter()
        pages = 0
        page = 1
        while True:
            resp = await http.post(
                f"{sim.base_url}/API/ext_status?token={token}",
                json={"page": str(page)},
                ssl=False,
            )
            body = await resp.json()
            pages += 1
            if page >= body["max_page"]:
                break
            page += 1
        print(
            f"ext_status, all {pages} pages of 3,000 extensions: {(time.perf_counter() - t0) * 1000:.0f} ms"
        )

        for name, body in (
            ("ext_query", {}),
            ("trunk_list", {}),
            ("queue_members", {"queueid": "6700"}),
        ):
            t0 = time.perf_counter()
            resp = await http.post(
                f"{sim.base_url}/API/{name}?token={token}", json=body, ssl=False
            )
            size = len(json.dumps(await resp.json()))
            print(f"{name}: {(time.perf_counter() - t0) * 1000:.1f} ms ({size} bytes)")

        t0 = time.perf_counter()
        for call in calls:
            sim.hangup(call.callid)
        await sim.flush_reports()
        print(
            f"200 hangups + delivery: {time.perf_counter() - t0:.2f} s; {received} reports total"
        )

        t0 = time.perf_counter()
        resp = await http.post(
            f"{sim.base_url}/API/cdrs?token={token}", json={"limit": "200"}, ssl=False
        )
        print(
            f"cdrs (200 records): {(time.perf_counter() - t0) * 1000:.1f} ms, "
            f"total {(await resp.json())['total']}"
        )

    await sim.stop()
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
