"""Benchmarks reuse the tests' fixtures (Home Assistant harness, simulator)."""

from simulator.testing import report_receiver, simulator, simulator_http  # noqa: F401
from tests.conftest import *  # noqa: F403
