"""Simulator knobs and the PBX's initial configuration (extensions, trunks, queues, IVRs, routes).

Everything is a plain dataclass so tests can build a PBX of any shape in one expression, and the
CLI can scale it up (``--extensions 3000``) with the ``build_*`` helpers.
"""

from dataclasses import dataclass, field
from typing import Literal

type NumberStyle = Literal["manual", "numbers", "strings"]


@dataclass
class ExtensionSpec:
    """One extension as configured on the PBX."""

    number: str
    kind: Literal["SIP", "FXS"] = "SIP"
    name: str | None = None
    password: str = "Synway1234"  # noqa: S105 - a fake phone password
    port: str | None = None
    registered: bool = True
    eavesdrop_enable: str = "enable_all"
    eavesdrop_mode: str = "all"
    user_record: bool = False


@dataclass
class TrunkSpec:
    """One trunk; ``destination`` is where its inbound calls go (extension, queue or IVR number)."""

    name: str
    kind: Literal["SIP", "FXO"] = "SIP"
    sip_address: str | None = None
    port: str | None = None
    did_number: str = ""
    destination: str = "6500"
    control_inbound: bool = False
    status: str | None = None


@dataclass
class QueueSpec:
    """A call queue with static and dynamic agents."""

    number: str
    name: str
    static_agents: list[str] = field(default_factory=list)
    dynamic_agents: list[str] = field(default_factory=list)
    logged_in: list[str] = field(default_factory=list)
    password: str = ""
    max_callers: int = 10
    overflow_destination: str = ""


@dataclass
class IvrSpec:
    """An IVR menu: digit → destination, plus where a caller goes when pressing nothing."""

    number: str
    name: str
    keys: dict[str, str] = field(default_factory=dict)
    timeout_destination: str = ""


@dataclass
class RouteSpec:
    """An outbound route."""

    name: str
    patterns: str = r"^\d*$&0&&0&"
    extensions: list[str] | None = None
    gateways: list[str] = field(default_factory=list)
    enabled: bool = True
    order: int = 1000


@dataclass
class Faults:
    """Deliberate misbehaviour, switchable at run time."""

    unresponsive: bool = False
    http_500: bool = False
    slow_seconds: float = 0.0
    drop_reports: float = 0.0
    duplicate_reports: float = 0.0
    reorder_extension_status: bool = False
    # Login requests wait (in flight) until this is switched off again.
    hold_logins: bool = False
    # Answer API requests with this errno (0 = off); ``errno_endpoints`` limits it to some
    # endpoints (empty = every endpoint but login).
    errno: int = 0
    errno_endpoints: tuple[str, ...] = ()
    # Answers that say success and carry no data (a half-booted PBX, a proxy, a captive
    # portal): these endpoints answer a bare {"status":"success"}.
    bare_success: tuple[str, ...] = ()
    # ext_status answers "data": [] while its total still counts every extension.
    empty_list_with_total: bool = False
    # ext_status answers this page (1-based; 0 = off) with no extensions.
    missing_page: int = 0
    # Every API request is answered with a redirect (``redirect_status``) to this base URL
    # ("" = off), as a moved web server or a captive portal does.
    redirect_to: str = ""
    redirect_status: int = 307
    # CDR reports are not pushed (lost while Home Assistant restarted, or the PBX's CDR
    # push is off); the records are still kept for the cdrs request.
    drop_cdr_reports: bool = False


@dataclass
class Quirks:
    """Wire-format oddities a real unit may show (types and shapes the manual does not promise)."""

    capitalised_status: bool = False
    number_style: NumberStyle = "manual"
    duplicate_keys: bool = False
    omit_optional: bool = False
    # The manual's ext_query/ext_mod have no do-not-disturb field; some firmware may:
    # on, ext_query reports ``dnd_enabled`` and ext_mod sets it.
    dnd_setting: bool = False
    # The manual words queue members Waiting, Receiving or In a queue call and says nothing
    # of breaks; some firmware may list an agent on break as "On break" instead of leaving
    # it out.
    list_agents_on_break: bool = False


def default_extensions() -> list[ExtensionSpec]:
    """Extensions 1000..1007 (SIP) and 1008..1009 (FXS ports 1 and 2); 1009 refuses monitoring."""
    specs = [ExtensionSpec(str(n)) for n in range(1000, 1008)]
    specs.append(ExtensionSpec("1008", kind="FXS", port="1"))
    specs.append(
        ExtensionSpec(
            "1009",
            kind="FXS",
            port="2",
            eavesdrop_enable="disable",
            eavesdrop_mode="none",
        )
    )
    return specs


def default_trunks() -> list[TrunkSpec]:
    """Two SIP trunks and two FXO trunks; SIP-1 has inbound call control (CallinRequest)."""
    return [
        TrunkSpec(
            "SIP-1",
            sip_address="203.0.113.10",
            did_number="8001",
            destination="6500",
            control_inbound=True,
        ),
        TrunkSpec(
            "SIP-2", sip_address="198.51.100.20", did_number="8002", destination="1000"
        ),
        TrunkSpec("fxo1", kind="FXO", port="1", destination="6700"),
        TrunkSpec("fxo2", kind="FXO", port="2", destination="1001"),
    ]


def default_queues() -> list[QueueSpec]:
    """Queue 6700 (password 123456, overflow to 6701) and queue 6701 (no password)."""
    return [
        QueueSpec(
            "6700",
            "Sales",
            static_agents=["1001", "1002"],
            dynamic_agents=["1003", "1004"],
            logged_in=["1003"],
            password="123456",  # noqa: S106 - the manual's example
            max_callers=5,
            overflow_destination="6701",
        ),
        QueueSpec(
            "6701", "Support", static_agents=["1005"], dynamic_agents=["1006", "1007"]
        ),
    ]


def default_ivrs() -> list[IvrSpec]:
    """IVR 6500: 1 → queue 6700, 2 → queue 6701, 0 → extension 1000; silence → 6700."""
    return [
        IvrSpec(
            "6500",
            "Main menu",
            keys={"1": "6700", "2": "6701", "0": "1000"},
            timeout_destination="6700",
        )
    ]


def default_routes() -> list[RouteSpec]:
    """Route "Default" (any number via SIP-1 then fxo1) and "International" (00… via SIP-2)."""
    return [
        RouteSpec(
            "International", patterns=r"^00\d+$&0&&0&", gateways=["SIP-2"], order=999
        ),
        RouteSpec("Default", gateways=["SIP-1", "fxo1"]),
    ]


@dataclass
class SimulatorConfig:
    """All knobs, with defaults that make a small but complete PBX."""

    username: str = "api"
    password: str = "synway"  # noqa: S105 - the documented default
    api_enabled: bool = True
    max_clients: int = 8
    token_ttl: float = 1800.0
    lockout_attempts: int = 5
    lockout_seconds: float = 600.0
    reports_refresh_token: bool = False
    callin_window: float = 10.0
    ext_status_page_size: int = 100
    cdr_page_size: int = 50
    max_extensions: int = 5000
    extension_range: tuple[int, int] = (1000, 8999)
    report_retries: int = 3
    report_retry_interval: float = 1.0
    report_timeout: float = 5.0
    report_default_port: int = 80
    idle_status_word: str = "Hangup"
    two_hangup_reports: bool = False
    hangup_on_unanswered: bool = True
    # Whether transfers, holds and unholds started through the API are reported
    # (TRANSFER/HOLD/UNHOLD). Yeastar's guide says API transfers are not, and the
    # manual is silent: off by default. The ExtensionStatus
    # changes such an action causes are sent either way.
    report_api_actions: bool = False
    outbound_query_wrapped: bool = False
    answer_delay: float = 3.0
    prompt_seconds: float = 3.0
    ivr_timeout: float = 10.0
    seed: int = 0
    realtime: bool = False
    time_scale: float = 1.0
    serial_number: str = "SYNWAY-SIM-0001"
    tls_legacy: bool = False
    prompts: list[str] = field(
        default_factory=lambda: ["1.wav", "hello.wav", "welcome.wav"]
    )
    extensions: list[ExtensionSpec] = field(default_factory=default_extensions)
    trunks: list[TrunkSpec] = field(default_factory=default_trunks)
    queues: list[QueueSpec] = field(default_factory=default_queues)
    ivrs: list[IvrSpec] = field(default_factory=default_ivrs)
    routes: list[RouteSpec] = field(default_factory=default_routes)
    conference_rooms: dict[str, str] = field(default_factory=lambda: {"6400": "conf"})
    faults: Faults = field(default_factory=Faults)
    quirks: Quirks = field(default_factory=Quirks)


def build_extensions(count: int, first: int = 1000) -> list[ExtensionSpec]:
    """``count`` SIP extensions from ``first``, the last two FXS when there are at least four."""
    specs = [ExtensionSpec(str(first + i)) for i in range(count)]
    if count >= 4:
        for port, spec in enumerate(specs[-2:], start=1):
            spec.kind = "FXS"
            spec.port = str(port)
    return specs


def build_trunks(sip: int, fxo: int) -> list[TrunkSpec]:
    """``sip`` SIP trunks (the first with inbound control) and ``fxo`` FXO trunks."""
    trunks = [
        TrunkSpec(
            f"SIP-{i + 1}",
            sip_address=f"203.0.113.{(i % 250) + 1}",
            did_number=str(8001 + i),
            destination="6500" if i % 2 == 0 else "6700",
            control_inbound=i == 0,
        )
        for i in range(sip)
    ]
    trunks.extend(
        TrunkSpec(f"fxo{i + 1}", kind="FXO", port=str(i + 1), destination="6700")
        for i in range(fxo)
    )
    return trunks


def build_queues(count: int, extensions: list[str]) -> list[QueueSpec]:
    """``count`` queues 6700.., each with two static and two dynamic agents from ``extensions``."""
    queues = []
    for i in range(count):
        agents = (
            [extensions[(i * 4 + k) % len(extensions)] for k in range(4)]
            if extensions
            else []
        )
        queues.append(
            QueueSpec(
                str(6700 + i),
                f"Queue {6700 + i}",
                static_agents=agents[:2],
                dynamic_agents=agents[2:],
                logged_in=agents[2:3],
                password="123456" if i == 0 else "",
            )
        )
    return queues
