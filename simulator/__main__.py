r"""Command line: ``python -m simulator --help``.

Runs the simulated Synway IPPBX until interrupted, printing where it listens and the API
credentials (the API expects the MD5 of the password). ``--traffic N`` generates about N calls
per minute (a seeded mix of internal, inbound IVR/queue, outbound, missed, transferred, held and
recorded calls) whose reports go to every logged-in client.

The control API is under ``/_simulator/`` (see ``simulator/control.py``), e.g.::

    curl -k -X POST https://127.0.0.1:8443/_simulator/call/internal \\
         -d '{"caller":"1000","callee":"1002"}'
"""

import argparse
import asyncio
import contextlib
import sys

from .auth import md5_hex
from .config import SimulatorConfig, build_extensions, build_queues, build_trunks
from .server import Simulator
from .traffic import OFFICE_MAX_BUSY, Traffic


def say(text: str) -> None:
    """Print a line (the CLI's only output)."""
    sys.stdout.write(text + "\n")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The CLI options."""
    parser = argparse.ArgumentParser(
        prog="python -m simulator",
        description="A stateful Synway IPPBX simulator (API, reports, control API).",
        epilog="Control API: POST /_simulator/<action> with JSON, GET /_simulator/state, "
        "/_simulator/requests, /_simulator/reports. See simulator/control.py.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--port", type=int, default=8443, help="port (0 = any free port)"
    )
    parser.add_argument(
        "--http", action="store_true", help="plain HTTP instead of HTTPS"
    )
    parser.add_argument(
        "--tls-legacy",
        action="store_true",
        help="speak only TLS 1.0 with old ciphers, as early firmware does",
    )
    parser.add_argument(
        "--extensions", type=int, default=0, help="number of extensions (from 1000)"
    )
    parser.add_argument("--trunks", type=int, default=0, help="number of SIP trunks")
    parser.add_argument(
        "--fxo", type=int, default=2, help="number of FXO trunks (with --trunks)"
    )
    parser.add_argument(
        "--queues", type=int, default=0, help="number of queues (from 6700)"
    )
    parser.add_argument(
        "--traffic", type=float, default=0.0, metavar="CALLS_PER_MINUTE"
    )
    parser.add_argument(
        "--max-busy",
        type=float,
        default=OFFICE_MAX_BUSY,
        metavar="SHARE",
        help="skip new calls while more than this share of phones is busy (0..1; "
        "default %(default)s, an office)",
    )
    parser.add_argument(
        "--time-scale", type=float, default=1.0, help="speed up simulated time"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--username", default="api")
    parser.add_argument("--password", default="synway")
    parser.add_argument(
        "--report-api-actions",
        action="store_true",
        help="report transfers/holds started through the API (TRANSFER, HOLD, UNHOLD)",
    )
    return parser.parse_args(argv)


def build_config(args: argparse.Namespace) -> SimulatorConfig:
    """A config from the CLI options (defaults: the small default PBX)."""
    config = SimulatorConfig(
        username=args.username,
        password=args.password,
        seed=args.seed,
        realtime=True,
        time_scale=args.time_scale,
        tls_legacy=args.tls_legacy,
        report_api_actions=args.report_api_actions,
    )
    if args.extensions:
        config.extensions = build_extensions(args.extensions)
        config.max_extensions = max(config.max_extensions, args.extensions)
    if args.trunks:
        config.trunks = build_trunks(args.trunks, args.fxo)
    if args.queues:
        numbers = [e.number for e in config.extensions]
        config.queues = build_queues(args.queues, numbers)
        config.ivrs[0].keys = {
            str(i + 1): q.number for i, q in enumerate(config.queues[:9])
        }
        config.ivrs[0].timeout_destination = config.queues[0].number
    return config


async def run(args: argparse.Namespace) -> None:
    """Start, print, and serve until cancelled."""
    sim = Simulator(build_config(args))
    await sim.start(host=args.host, port=args.port, https=not args.http)
    state = sim.state
    say(f"Synway IPPBX simulator listening on {sim.base_url}")
    say(
        f"  API user {sim.config.username!r}, password {sim.config.password!r} "
        f"(log in with its MD5: {md5_hex(sim.config.password)})"
    )
    say(
        f"  {len(state.extensions)} extensions, {len(state.trunks)} trunks, "
        f"{len(state.queues)} queues, IVRs {', '.join(state.ivrs)}"
    )
    say(f"  control API: {sim.base_url}/_simulator/state")
    if args.traffic:
        Traffic(sim, args.traffic, seed=args.seed, max_busy=args.max_busy).start()
        say(
            f"  traffic: {args.traffic} calls/minute, at most {args.max_busy:.0%} "
            f"of phones busy (seed {args.seed})"
        )
    sys.stdout.flush()
    try:
        await asyncio.Event().wait()
    finally:
        await sim.stop()


def main(argv: list[str] | None = None) -> None:
    """Entry point."""
    args = parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(args))


if __name__ == "__main__":
    main()
