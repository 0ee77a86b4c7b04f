"""The demo stack for the browser tests: the simulator and a real Home Assistant.

Started as ``scripts/develop`` starts them (the same simulator command line and the same
config dir written by ``scripts/develop_bootstrap.py``), on free ports, except that the
integration is not configured: the tests add it through the UI.
"""

from collections.abc import Iterator
import contextlib
from dataclasses import dataclass
import os
from pathlib import Path
import socket
import subprocess
import sys
import time

ROOT = Path(__file__).resolve().parents[2]
PYTHON = Path(sys.executable)
HASS = PYTHON.parent / "hass"
CHROMIUM = Path("/usr/bin/chromium")
USERNAME = "demo"
PASSWORD = "demo-synway"
PBX_USERNAME = "api"
PBX_PASSWORD = "synway"
# How long Home Assistant may take to start on a busy CI machine.
START_TIMEOUT = 300.0


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Stack:
    """Where the running simulator and Home Assistant are."""

    ha_url: str
    pbx_host: str
    # A second PBX on the same host, another port: two entries, their entity ids.
    second_pbx_host: str
    config_dir: Path
    log_dir: Path


def _wait(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    """Wait until the process listens on the port (or fail with its log)."""
    deadline = time.monotonic() + START_TIMEOUT
    while not _listening(port):
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited:\n{log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{process.args!r} not listening on {port}")
        time.sleep(0.25)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def running_stack(work: Path) -> Iterator[Stack]:
    """Start the simulator and Home Assistant in ``work``; stop both afterwards."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    sim_port, ha_port, second_port = free_port(), free_port(), free_port()
    config_dir = work / "config"
    subprocess.run(  # noqa: S603 - our own scripts
        [
            str(PYTHON),
            str(ROOT / "scripts" / "develop_bootstrap.py"),
            "init",
            str(config_dir),
            "--ha-port",
            str(ha_port),
            "--pbx-host",
            f"127.0.0.1:{sim_port}",
            "--no-entry",
        ],
        check=True,
        cwd=ROOT,
        env=env,
        capture_output=True,
    )
    sim_log = work / "simulator.log"
    second_log = work / "simulator-2.log"
    ha_log = work / "home-assistant.log"
    with (
        sim_log.open("wb") as sim_out,
        second_log.open("wb") as second_out,
        ha_log.open("wb") as ha_out,
    ):
        second = subprocess.Popen(  # noqa: S603 - our own simulator
            [
                str(PYTHON),
                *("-m", "simulator", "--port", str(second_port)),
                *("--extensions", "3", "--trunks", "1", "--queues", "1"),
            ],
            cwd=ROOT,
            env=env,
            stdout=second_out,
            stderr=subprocess.STDOUT,
        )
        simulator = subprocess.Popen(  # noqa: S603 - our own simulator
            [
                str(PYTHON),
                "-m",
                "simulator",
                "--port",
                str(sim_port),
                "--extensions",
                "8",
                "--trunks",
                "2",
                "--queues",
                "2",
            ],
            cwd=ROOT,
            env=env,
            stdout=sim_out,
            stderr=subprocess.STDOUT,
        )
        hass: subprocess.Popen[bytes] | None = None
        try:
            _wait(simulator, sim_port, sim_log)
            _wait(second, second_port, second_log)
            hass = subprocess.Popen(  # noqa: S603 - the venv's hass
                [str(HASS), "-c", str(config_dir)],
                cwd=ROOT,
                env=env,
                stdout=ha_out,
                stderr=subprocess.STDOUT,
            )
            _wait(hass, ha_port, ha_log)
            yield Stack(
                ha_url=f"http://127.0.0.1:{ha_port}",
                pbx_host=f"127.0.0.1:{sim_port}",
                second_pbx_host=f"127.0.0.1:{second_port}",
                config_dir=config_dir,
                log_dir=work,
            )
        finally:
            if hass is not None:
                _stop(hass)
            _stop(simulator)
            _stop(second)
