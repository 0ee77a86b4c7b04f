"""What the request handlers and the traffic generator need of the simulator.

``api.py``, ``control.py`` and ``traffic.py`` are driven by :class:`Simulator`
but must not import ``server.py`` (which imports them): they are typed against
these protocols instead, so the modules form a tree, not a circle.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any, Protocol

from .auth import Auth
from .clock import Clock
from .config import QueueSpec, SimulatorConfig, TrunkSpec
from .engine import Engine
from .state import Call, Leg, PbxState


@dataclass
class ApiRequest:
    """One request received on ``/API/``, kept for assertions."""

    path: str
    name: str
    body: Any
    token: str | None
    method: str
    time: float
    user_agent: str = ""


class PbxContext(Protocol):
    """The PBX as the ``/API/`` handlers see it."""

    config: SimulatorConfig
    clock: Clock
    state: PbxState
    auth: Auth
    engine: Engine

    def emit(self, report: dict[str, Any]) -> None:
        """Queue a report for delivery."""

    def target_for(self, url: str | None, client_ip: str) -> str:
        """Where reports for a client go."""


class Controls(PbxContext, Protocol):
    """The PBX as the control API and the traffic generator drive it."""

    requests: list[ApiRequest]
    reports: deque[dict[str, Any]]
    traffic: Any

    async def flush_reports(self) -> None:
        """See Simulator."""

    def advance(self, seconds: float) -> None:
        """See Simulator."""

    def call_internal(self, caller: str, callee: str, *, answer: bool = False) -> Call:
        """See Simulator."""

    def call_outbound(self, ext: str, number: str, *, answer: bool = False) -> Call:
        """See Simulator."""

    def call_inbound(
        self,
        caller: str,
        trunk: str = "SIP-2",
        *,
        to: str = "",
        accept: bool | None = None,
        dtmf: str = "",
        answer: bool = False,
    ) -> Call:
        """See Simulator."""

    def ext_outbound(self, ext: str, number: str, user_id: str = "") -> Call:
        """See Simulator."""

    def answer(self, target: str) -> Leg:
        """See Simulator."""

    def hangup(self, target: str) -> None:
        """See Simulator."""

    def hold(self, target: str) -> None:
        """See Simulator."""

    def unhold(self, target: str) -> None:
        """See Simulator."""

    def transfer(self, target: str, destination: str) -> None:
        """See Simulator."""

    def dtmf(self, target: str, digits: str) -> None:
        """See Simulator."""

    def accept(self, callid: str) -> None:
        """See Simulator."""

    def refuse(self, callid: str) -> None:
        """See Simulator."""

    def conference(self, number: str = "6400", *, create: bool = True) -> str:
        """See Simulator."""

    def register(self, extid: str) -> None:
        """See Simulator."""

    def unregister(self, extid: str) -> None:
        """See Simulator."""

    def add_extension(
        self, number: str, kind: str = "SIP", *, registered: bool = True
    ) -> None:
        """See Simulator."""

    def remove_extension(self, number: str) -> None:
        """See Simulator."""

    def add_trunk(self, spec: TrunkSpec) -> None:
        """See Simulator."""

    def remove_trunk(self, name: str) -> None:
        """See Simulator."""

    def add_queue(self, spec: QueueSpec) -> None:
        """See Simulator."""

    def remove_queue(self, number: str) -> None:
        """See Simulator."""

    def reboot(self) -> None:
        """See Simulator."""

    def expire_tokens(self) -> None:
        """See Simulator."""

    def set_faults(self, **changes: Any) -> None:
        """See Simulator."""

    def set_quirks(self, **changes: Any) -> None:
        """See Simulator."""

    def snapshot(self) -> dict[str, Any]:
        """See Simulator."""
