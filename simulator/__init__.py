"""A stateful Synway IPPBX simulator: the manual's HTTP(S) API, its reports, and a control API.

Use it in-process (``Simulator(SimulatorConfig()).start()``), as pytest fixtures
(:mod:`simulator.testing`) or from the command line (``python -m simulator --help``).
"""

from .clock import Clock
from .config import (
    ExtensionSpec,
    Faults,
    IvrSpec,
    QueueSpec,
    Quirks,
    RouteSpec,
    SimulatorConfig,
    TrunkSpec,
)
from .context import ApiRequest
from .server import Simulator

__all__ = [
    "ApiRequest",
    "Clock",
    "ExtensionSpec",
    "Faults",
    "IvrSpec",
    "QueueSpec",
    "Quirks",
    "RouteSpec",
    "Simulator",
    "SimulatorConfig",
    "TrunkSpec",
]
