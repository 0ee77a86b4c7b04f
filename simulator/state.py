"""The PBX's live state: extensions, trunks, queues, IVRs, routes, alarms, calls and CDRs.

Plain mutable objects; the behaviour lives in :mod:`simulator.engine` and :mod:`simulator.api`.
"""

from dataclasses import dataclass, field
import random
from typing import Any, Literal
import uuid as uuidlib

from .config import (
    ExtensionSpec,
    IvrSpec,
    QueueSpec,
    RouteSpec,
    SimulatorConfig,
    TrunkSpec,
)

type LegState = Literal[
    "ringing", "ringback", "talking", "held", "ivr", "queued", "ended"
]

FORWARD_KINDS = (
    "forward_all",
    "forward_busy",
    "forward_no_answer",
    "forward_user_not_registered",
)


class Ids:
    """Seeded uuid factory, so a run with a given seed is reproducible."""

    def __init__(self, rng: random.Random) -> None:
        """Use ``rng`` for every id."""
        self.rng = rng

    def new(self) -> str:
        """A fresh uuid string in the manual's format."""
        return str(uuidlib.UUID(int=self.rng.getrandbits(128), version=4))


def extension_settings(spec: ExtensionSpec) -> dict[str, str | None]:
    """The ext_query settings of a new extension, as the manual's example shows them."""
    settings: dict[str, str | None] = {
        "extension": spec.number,
        "extension_type": spec.kind,
        "password": spec.password,
        "enabled": "true",
        "username": spec.name or spec.number,
        "effective_caller_id_number": None,
        "max_registrations": "3",
    }
    for kind in (*FORWARD_KINDS, "follow_me"):
        settings[f"{kind}_enabled"] = "false"
        settings[f"{kind}_destination"] = None
        settings[f"{kind}_tc_type"] = "All"
        settings[f"{kind}_tc_uuid"] = None
    settings |= {
        "absolute_codec_string": None,
        "force_ping": "false",
        "call_timeout": "30",
        "max_call_duration": "6000",
        "outbound_restriction": "false",
        "call_permission": "international",
        "extension_trunk": "false",
        "eavesdrop_enable": spec.eavesdrop_enable,
        "eavesdrop_mode": spec.eavesdrop_mode,
        "eavesdrop_extensions": None,
        "user_record": "true" if spec.user_record else "false",
        "voicemail_enabled": "true",
    }
    return settings


@dataclass(eq=False)
class Extension:
    """An extension with its settings and registration."""

    number: str
    kind: str
    uuid: str
    settings: dict[str, str | None]
    port: str | None = None
    registered: bool = True
    ip_port: str | None = None
    legs: list[Leg] = field(default_factory=list)
    dnd: bool = False

    @property
    def name(self) -> str:
        """The display name (the username setting)."""
        return self.settings.get("username") or self.number

    @property
    def reachable(self) -> bool:
        """FXS ports are always there; SIP phones only when registered."""
        return self.kind == "FXS" or self.registered

    @property
    def busy(self) -> bool:
        """True while the extension has a live leg."""
        return any(leg.state != "ended" for leg in self.legs)


@dataclass(eq=False)
class Trunk:
    """A SIP or FXO trunk."""

    name: str
    kind: str
    uuid: str
    sip_address: str | None
    port: str | None
    did_number: str
    destination: str
    control_inbound: bool
    configured_status: str | None = None
    off_hook: bool = False
    legs: list[Leg] = field(default_factory=list)

    @property
    def status(self) -> str:
        """The trunk_list status word."""
        if self.configured_status:
            return self.configured_status
        if self.kind == "FXO":
            return "in use" if (self.off_hook or self.legs) else "idle"
        return "registered"


@dataclass(eq=False)
class Agent:
    """A queue member."""

    extid: str
    dynamic: bool
    logged_in: bool
    paused: bool = False


@dataclass(eq=False)
class Queue:
    """A call queue with its waiting callers."""

    number: str
    name: str
    password: str
    agents: dict[str, Agent]
    max_callers: int
    overflow_destination: str
    waiting: list[Call] = field(default_factory=list)


@dataclass(eq=False)
class Ivr:
    """An IVR menu."""

    number: str
    name: str
    keys: dict[str, str]
    timeout_destination: str


@dataclass(eq=False)
class Route:
    """An outbound route, stored as the manual's outbound_query fields."""

    name: str
    uuid: str
    patterns: str
    extensions: list[str]
    gateways: list[str]
    enabled: bool
    order: int


@dataclass(eq=False)
class Alarm:
    """A wake-up alarm of one extension."""

    uuid: str
    extid: str
    fields: dict[str, str]


@dataclass(eq=False)
class Recording:
    """A running recording on a leg."""

    started: float
    filename: str
    kind: str


@dataclass(eq=False)
class Leg:
    """One party of a call, with its own uuid (extension or trunk side)."""

    uuid: str
    call: Call
    role: Literal["caller", "called"]
    ext: Extension | None = None
    trunk: Trunk | None = None
    number: str = ""
    callerid: str = ""
    frm: str = ""
    to: str = ""
    originaldest: str = ""
    lastdest: str = ""
    state: LegState = "ringing"
    ring_started: float = 0.0
    answered_at: float | None = None
    recording: Recording | None = None
    muted: dict[str, bool] = field(default_factory=dict)
    levels: dict[str, int] = field(default_factory=dict)
    monitor_of: str | None = None

    @property
    def key(self) -> str:
        """The report key of this party: callerext, calledext, callertrunk or calledtrunk."""
        side = "caller" if self.role == "caller" else "called"
        return side + ("ext" if self.ext is not None else "trunk")

    def party(self) -> dict[str, Any]:
        """The party object as the manual's reports show it."""
        if self.ext is not None:
            return {
                "extid": self.ext.number,
                "callerid": self.callerid,
                "uuid": self.uuid,
            }
        obj: dict[str, Any] = {
            "from": self.frm,
            "to": self.to,
            "callerid": self.callerid,
        }
        if self.originaldest:
            obj["originaldest"] = self.originaldest
        if self.lastdest:
            obj["lastdest"] = self.lastdest
        obj["trunk"] = self.trunk.name if self.trunk else ""
        obj["uuid"] = self.uuid
        return obj


@dataclass(eq=False)
class Call:
    """A call: its callid is the uuid of the caller's leg."""

    callid: str
    kind: Literal["Internal", "inbound", "outbound"]
    started: float
    legs: list[Leg] = field(default_factory=list)
    user_id: str = ""
    callfrom: str = ""
    callto: str = ""
    originaldest: str = ""
    didnumber: str = ""
    answered_at: float | None = None
    queue: Queue | None = None
    queue_joined: float | None = None
    queue_answered: float | None = None
    agent_ring_started: float | None = None
    ivr: Ivr | None = None
    dtmf_index: int = 0
    pending_accept: bool = False
    api_originated: bool = False
    record_names: list[str] = field(default_factory=list)
    timers: list[Any] = field(default_factory=list)
    ended: bool = False

    @property
    def caller(self) -> Leg:
        """The leg that placed the call."""
        return self.legs[0]

    def live_legs(self) -> list[Leg]:
        """Legs not yet hung up."""
        return [leg for leg in self.legs if leg.state != "ended"]


class PbxState:
    """Every piece of configuration and live state of the simulated PBX."""

    def __init__(self, config: SimulatorConfig, ids: Ids) -> None:
        """Build the initial state from the config."""
        self.config = config
        self.ids = ids
        self.extensions: dict[str, Extension] = {}
        self.trunks: dict[str, Trunk] = {}
        self.queues: dict[str, Queue] = {}
        self.ivrs: dict[str, Ivr] = {}
        self.routes: dict[str, Route] = {}
        self.alarms: dict[str, Alarm] = {}
        self.calls: dict[str, Call] = {}
        self.legs: dict[str, Leg] = {}
        self.cdrs: list[dict[str, Any]] = []
        self.cdr_index: dict[str, dict[str, Any]] = {}
        self.conferences: dict[str, str] = {}
        for spec in config.extensions:
            self.add_extension(spec)
        for tspec in config.trunks:
            self.add_trunk(tspec)
        for qspec in config.queues:
            self.add_queue(qspec)
        for ispec in config.ivrs:
            self.add_ivr(ispec)
        for rspec in config.routes:
            self.add_route(rspec)

    def add_extension(self, spec: ExtensionSpec) -> Extension:
        """Create an extension (registered SIP phones get a LAN address)."""
        index = len(self.extensions)
        ext = Extension(
            number=spec.number,
            kind=spec.kind,
            uuid=self.ids.new(),
            settings=extension_settings(spec),
            port=spec.port,
            registered=spec.registered and spec.kind == "SIP",
        )
        if ext.registered:
            ext.ip_port = f"192.168.{10 + index // 250}.{index % 250 + 2}:5060"
        self.extensions[spec.number] = ext
        return ext

    def add_trunk(self, spec: TrunkSpec) -> Trunk:
        """Create a trunk."""
        trunk = Trunk(
            name=spec.name,
            kind=spec.kind,
            uuid=self.ids.new(),
            sip_address=spec.sip_address,
            port=spec.port,
            did_number=spec.did_number,
            destination=spec.destination,
            control_inbound=spec.control_inbound,
            configured_status=spec.status,
        )
        self.trunks[spec.name] = trunk
        return trunk

    def add_queue(self, spec: QueueSpec) -> Queue:
        """Create a queue with its agents."""
        agents = {
            e: Agent(e, dynamic=False, logged_in=True) for e in spec.static_agents
        }
        for extid in spec.dynamic_agents:
            agents[extid] = Agent(
                extid, dynamic=True, logged_in=extid in spec.logged_in
            )
        queue = Queue(
            number=spec.number,
            name=spec.name,
            password=spec.password,
            agents=agents,
            max_callers=spec.max_callers,
            overflow_destination=spec.overflow_destination,
        )
        self.queues[spec.number] = queue
        return queue

    def add_ivr(self, spec: IvrSpec) -> Ivr:
        """Create an IVR."""
        ivr = Ivr(spec.number, spec.name, dict(spec.keys), spec.timeout_destination)
        self.ivrs[spec.number] = ivr
        return ivr

    def add_route(self, spec: RouteSpec) -> Route:
        """Create an outbound route (members default to every extension)."""
        members = (
            list(self.extensions) if spec.extensions is None else list(spec.extensions)
        )
        route = Route(
            name=spec.name,
            uuid=self.ids.new(),
            patterns=spec.patterns,
            extensions=members,
            gateways=list(spec.gateways),
            enabled=spec.enabled,
            order=spec.order,
        )
        self.routes[spec.name] = route
        return route

    def trunk_by_port(self, port: str) -> Trunk | None:
        """The FXO trunk on a port."""
        for trunk in self.trunks.values():
            if trunk.kind == "FXO" and trunk.port == port:
                return trunk
        return None


class CallError(Exception):
    """An engine action refused; carries the API errno."""

    def __init__(self, errno: int) -> None:
        """Remember the errno."""
        super().__init__(errno)
        self.errno = errno
