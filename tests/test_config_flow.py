"""The config flow (user, reauth, reconfigure) and the options flow, against the simulator."""

import asyncio
from collections.abc import AsyncIterator, Iterator
import datetime as dt
import hashlib
import re
import socket
from typing import Any
from unittest.mock import patch

from aiohttp.resolver import AsyncResolver
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_USER,
    ConfigEntry,
    ConfigEntryState,
)
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import SelectSelector, TextSelector
from homeassistant.helpers.translation import async_get_translations
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.api import (
    SynwayClient,
    parse_address,
    password_digest,
)
from custom_components.synway_ippbx.const import (
    CONF_ASSIST_EXTENSION,
    CONF_REPORT_URL,
    CONF_VERIFY_SSL,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from simulator import Simulator

# --------------------------------------------------------------------------- helpers


@pytest.fixture
async def tls_rejections(hass: HomeAssistant) -> None:
    """Tolerate the simulator's side of a TLS handshake our client aborts.

    When the client refuses the PBX's self-signed certificate it drops the connection;
    the simulator, serving in the same event loop, reports that to the loop's exception
    handler, which the harness turns into a test failure. Only that report is ignored.
    """
    loop = asyncio.get_running_loop()
    handler = loop.get_exception_handler()

    def _filter(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if context.get("message", "").startswith(
            "Error on transport creation for incoming connection"
        ):
            return
        if handler is None:  # pragma: no cover - the harness always installs one
            loop.default_exception_handler(context)
        else:
            handler(loop, context)

    loop.set_exception_handler(_filter)


@pytest.fixture
def invalid_names_stay_local() -> Iterator[None]:
    """Answer ``.invalid`` names as not found without asking a DNS server (RFC 6761).

    The resolver fails as it does for a name no DNS server knows; any other name looked
    up fails the test, so no query leaves the machine.
    """

    async def _resolve(
        self: AsyncResolver, host: str, port: int = 0, family: int = socket.AF_INET
    ) -> list[Any]:
        if host.endswith(".invalid"):
            raise OSError(None, "Domain name not found")
        raise AssertionError(f"a test looked up {host}")  # pragma: no cover

    with patch.object(AsyncResolver, "resolve", _resolve):
        yield


@pytest.fixture
async def silent_port() -> AsyncIterator[int]:
    """A loopback port that accepts connections and never says a word."""
    held: list[asyncio.StreamWriter] = []

    async def _hold(
        _reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        held.append(writer)

    server = await asyncio.start_server(_hold, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


def _closed_port() -> int:
    """A loopback port nothing listens on (the kernel refuses connections to it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _user_input(sim: Simulator, **changes: Any) -> dict[str, Any]:
    """What a user types to add ``sim``: its URL, the API credentials, no TLS check."""
    return {
        CONF_HOST: sim.base_url,
        CONF_USERNAME: sim.config.username,
        CONF_PASSWORD: sim.config.password,
        CONF_VERIFY_SSL: False,
    } | changes


def _normalised(host: str) -> str:
    """The unique id of an entry for ``host``."""
    return parse_address(host).unique_id


def _names(sim: Simulator) -> list[str]:
    """The API requests the simulator received, by endpoint."""
    return [request.name for request in sim.requests]


def _assert_logged_out(sim: Simulator) -> None:
    """Every token the simulator issued was logged out again (none expired or left)."""
    assert sim.auth.live_sessions() == []
    logouts = [request.token for request in sim.requests if request.name == "logout"]
    assert sorted(token for token in logouts if token) == sorted(sim.auth.dead)
    assert set(sim.auth.dead.values()) <= {5}


def _state(entry: ConfigEntry[Any]) -> ConfigEntryState:
    """The entry's state (a call, so that mypy does not narrow it across awaits)."""
    state: ConfigEntryState = entry.state
    return state


def _suggested(result: Any, key: str) -> Any:
    """The suggested value of ``key`` in a form (None if there is none)."""
    for marker in result["data_schema"].schema:
        if marker == key:
            return (marker.description or {}).get("suggested_value")
    raise KeyError(key)


def _field(result: Any, key: str) -> Any:
    """The selector of field ``key`` in a form."""
    for marker, value in result["data_schema"].schema.items():
        if marker == key:
            return value
    raise KeyError(key)


async def _start_user_flow(hass: HomeAssistant) -> str:
    """Open the user step; returns the flow id."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    return result["flow_id"]


async def _occupy_slot(hass: HomeAssistant, sim: Simulator) -> SynwayClient:
    """Log another API client in, as a second program talking to the PBX would."""
    client = SynwayClient(
        sim.base_url,
        sim.config.username,
        sim.config.password,
        session=async_get_clientsession(hass, verify_ssl=False),
    )
    await client.login()
    return client


# --------------------------------------------------------------------------- user step


async def test_user_creates_entry(
    hass: HomeAssistant, simulator: Simulator, report_client: Any
) -> None:
    """A successful login creates the entry; only the password's digest is stored."""
    flow_id = await _start_user_flow(hass)
    typed_host = f"  {simulator.base_url}  "
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        _user_input(simulator, **{CONF_HOST: typed_host, CONF_USERNAME: " api "}),
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Synway IPPBX"
    entry = result["result"]
    assert entry.unique_id == f"127.0.0.1:{simulator.port}"
    assert entry.title == "Synway IPPBX"
    # A new PBX starts with the default entity families (issue 23).
    assert entry.options == {"entity_families": ["do_not_disturb"]}
    data = dict(entry.data)
    webhook_id = data.pop(CONF_WEBHOOK_ID)
    assert isinstance(webhook_id, str)
    assert len(webhook_id) == 64
    assert data == {
        CONF_HOST: simulator.base_url,
        CONF_USERNAME: "api",
        CONF_PASSWORD: password_digest("synway"),
        CONF_VERIFY_SSL: False,
    }
    assert re.fullmatch(r"[0-9a-f]{32}", data[CONF_PASSWORD])
    assert simulator.config.password not in repr(dict(entry.data))

    # The flow's own login was logged out again before the entry set itself up.
    assert _names(simulator)[:2] == ["login", "logout"]
    flow_logout = simulator.requests[1]
    assert flow_logout.token is not None
    assert simulator.auth.dead[flow_logout.token] == 5

    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    # What is left is the integration's own session.
    assert len(simulator.auth.live_sessions()) == 1


async def test_user_http_host(hass: HomeAssistant, simulator_http: Simulator) -> None:
    """``http://`` is kept as typed; the unique id is the normalised host:port."""
    flow_id = await _start_user_flow(hass)
    typed = f"HTTP://127.0.0.1:{simulator_http.port}/"
    result = await hass.config_entries.flow.async_configure(
        flow_id, _user_input(simulator_http, **{CONF_HOST: typed})
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == f"127.0.0.1:{simulator_http.port}"
    assert result["data"][CONF_HOST] == typed
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED


@pytest.mark.usefixtures("tls_rejections")
@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({CONF_PASSWORD: "wrong"}, "invalid_auth"),
        ({CONF_USERNAME: "admin"}, "invalid_auth"),
        ({CONF_VERIFY_SSL: True}, "certificate_rejected"),
    ],
    ids=["wrong_password", "wrong_username", "self_signed_certificate"],
)
async def test_user_errors_then_recovers(
    hass: HomeAssistant,
    simulator: Simulator,
    changes: dict[str, Any],
    error: str,
) -> None:
    """An error shows on the form (password not echoed); fixing the input succeeds."""
    flow_id = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, _user_input(simulator, **changes)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": error}
    assert _suggested(result, CONF_HOST) == simulator.base_url
    assert _suggested(result, CONF_PASSWORD) is None
    _assert_logged_out(simulator)

    result = await hass.config_entries.flow.async_configure(
        flow_id, _user_input(simulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED


async def test_user_api_disabled(hass: HomeAssistant, simulator: Simulator) -> None:
    """Errno 1: the API is switched off on the PBX."""
    simulator.config.api_enabled = False
    flow_id = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, _user_input(simulator)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "api_disabled"}
    _assert_logged_out(simulator)

    simulator.config.api_enabled = True
    result = await hass.config_entries.flow.async_configure(
        flow_id, _user_input(simulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_too_many_clients(hass: HomeAssistant, simulator: Simulator) -> None:
    """Errno 101: the PBX serves its maximum of API clients; one leaving frees a slot."""
    simulator.config.max_clients = 1
    other = await _occupy_slot(hass, simulator)
    flow_id = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, _user_input(simulator)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "too_many_clients"}
    assert len(simulator.auth.live_sessions()) == 1

    await other.logout()
    result = await hass.config_entries.flow.async_configure(
        flow_id, _user_input(simulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_locked_out(
    hass: HomeAssistant, simulator: Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """After five bad passwords the PBX refuses even the right one (errno 2).

    The PBX never says it locked its API; the form counts the rejections as the PBX
    does and says so, with the minutes left.
    """
    flow_id = await _start_user_flow(hass)
    for _ in range(simulator.config.lockout_attempts - 1):
        result = await hass.config_entries.flow.async_configure(
            flow_id, _user_input(simulator, **{CONF_PASSWORD: "guess"})
        )
        assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, _user_input(simulator, **{CONF_PASSWORD: "guess"})
    )
    assert result["errors"] == {"base": "locked_out"}
    assert result["description_placeholders"] == {"minutes": "10"}

    freezer.tick(dt.timedelta(minutes=4, seconds=30))
    result = await hass.config_entries.flow.async_configure(
        flow_id, _user_input(simulator)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "locked_out"}
    assert result["description_placeholders"] == {"minutes": "6"}
    strings = await async_get_translations(hass, "en", "config", {DOMAIN})
    message = strings[f"component.{DOMAIN}.config.error.locked_out"]
    assert "try again in about 6 minutes" in message.format(minutes="6")

    # The lock ran out: a wrong password is just that again, and the right one works.
    simulator.advance(simulator.config.lockout_seconds + 1)
    freezer.tick(dt.timedelta(minutes=6))
    result = await hass.config_entries.flow.async_configure(
        flow_id, _user_input(simulator, **{CONF_PASSWORD: "guess"})
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, _user_input(simulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("invalid_names_stay_local")
@pytest.mark.parametrize(
    ("where", "error"),
    [
        ("unknown_name", "host_not_found"),
        ("closed_port", "connection_refused"),
        ("silent_port", "no_answer"),
    ],
)
async def test_user_says_why_the_pbx_cannot_be_reached(
    hass: HomeAssistant,
    simulator: Simulator,
    silent_port: int,
    where: str,
    error: str,
) -> None:
    """A name not found, a refused port and silence each get their own words (23.3)."""
    host = {
        "unknown_name": f"https://pbx.invalid:{simulator.port}",
        "closed_port": f"https://127.0.0.1:{_closed_port()}",
        "silent_port": f"https://127.0.0.1:{silent_port}",
    }[where]
    flow_id = await _start_user_flow(hass)
    # Silence is given a short while only: the form's wait is a constant, not the test.
    with patch("custom_components.synway_ippbx.config_flow._LOGIN_TIMEOUT", 0.2):
        result = await hass.config_entries.flow.async_configure(
            flow_id, _user_input(simulator, **{CONF_HOST: host})
        )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    assert _suggested(result, CONF_HOST) == host

    result = await hass.config_entries.flow.async_configure(
        flow_id, _user_input(simulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize("language", ["en", "zh-Hans"])
async def test_setup_errors_each_have_their_own_words(
    hass: HomeAssistant, language: str
) -> None:
    """Every reason reads differently, and none tells the user to "enable HTTPS"."""
    strings = await async_get_translations(hass, language, "config", {DOMAIN})
    keys = [
        "cannot_connect",
        "host_not_found",
        "connection_refused",
        "no_answer",
        "certificate_rejected",
        "redirected",
        "https_address_answers_http",
        "http_address_answers_https",
        "invalid_auth",
        "locked_out",
        "api_disabled",
        "too_many_clients",
    ]
    messages = [strings[f"component.{DOMAIN}.config.error.{key}"] for key in keys]
    assert len(set(messages)) == len(keys)
    assert not any("HTTPS is enabled" in message for message in messages)


async def test_user_cannot_connect_server_error(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """The PBX answers HTTP 500."""
    simulator.set_faults(http_500=True)
    flow_id = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, _user_input(simulator)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}

    simulator.set_faults(http_500=False)
    result = await hass.config_entries.flow.async_configure(
        flow_id, _user_input(simulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_cannot_connect_nothing_listening(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Nothing listens at the address any more (connection refused)."""
    await simulator.stop()
    flow_id = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, _user_input(simulator)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "connection_refused"}


async def test_user_cannot_connect_https_to_http(
    hass: HomeAssistant, simulator_http: Simulator
) -> None:
    """HTTPS to a PBX that only speaks HTTP: said in words (issue 19.6)."""
    flow_id = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        _user_input(
            simulator_http, **{CONF_HOST: f"https://127.0.0.1:{simulator_http.port}"}
        ),
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "https_address_answers_http"}


@pytest.mark.parametrize(
    "host",
    ["", "   ", "ftp://127.0.0.1", "127.0.0.1/admin", "user@127.0.0.1", "bad host"],
)
async def test_user_invalid_host(
    hass: HomeAssistant, simulator: Simulator, host: str
) -> None:
    """An unusable address is refused on the host field without contacting anything."""
    flow_id = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, _user_input(simulator, **{CONF_HOST: host})
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_HOST: "invalid_host"}
    assert simulator.requests == []


# Expected: an unknown error is logged with its traceback.
@pytest.mark.expected_errors("Unexpected error logging in")
async def test_user_unknown_error(
    hass: HomeAssistant, simulator: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """An unexpected exception becomes ``unknown`` and is logged, not a traceback."""
    flow_id = await _start_user_flow(hass)
    with patch.object(SynwayClient, "login", side_effect=Exception("boom")):
        result = await hass.config_entries.flow.async_configure(
            flow_id, _user_input(simulator)
        )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unknown"}
    assert "Unexpected error logging in" in caplog.text
    assert simulator.requests == []

    result = await hass.config_entries.flow.async_configure(
        flow_id, _user_input(simulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize(
    "typed",
    [
        "{base_url}",
        "127.0.0.1:{port}",
        "HTTPS://127.0.0.1:{port}/",
        "http://127.0.0.1:{port}",
    ],
)
async def test_user_already_configured(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    typed: str,
) -> None:
    """The same host:port, however it is written, aborts before any login."""
    mock_config_entry.add_to_hass(hass)
    flow_id = await _start_user_flow(hass)
    host = typed.format(base_url=simulator.base_url, port=simulator.port)
    result = await hass.config_entries.flow.async_configure(
        flow_id, _user_input(simulator, **{CONF_HOST: host})
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert simulator.requests == []


async def test_user_abandoned_attempt_does_not_block_the_next(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """A mistyped password, the dialog closed, a fresh attempt: it goes through."""
    abandoned = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        abandoned, _user_input(simulator, **{CONF_PASSWORD: "wrong"})
    )
    assert result["errors"] == {"base": "invalid_auth"}

    fresh = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        fresh, _user_input(simulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED

    # Finishing the abandoned dialog now cannot add the PBX a second time.
    result = await hass.config_entries.flow.async_configure(
        abandoned, _user_input(simulator)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


@pytest.mark.parametrize(
    ("configured", "typed"),
    [
        ("https://127.0.0.1:{port}", "localhost:{port}"),
        ("https://127.0.0.1:{port}", "HTTPS://LocalHost:{port}/"),
        ("https://localhost:{port}", "127.0.0.1:{port}"),
    ],
)
async def test_user_same_pbx_under_another_name(
    hass: HomeAssistant, simulator: Simulator, configured: str, typed: str
) -> None:
    """Two names of one machine and port are one PBX: the second aborts, no login."""
    host = configured.format(port=simulator.port)
    MockConfigEntry(
        domain=DOMAIN,
        version=2,
        unique_id=_normalised(host),
        data={
            CONF_HOST: host,
            CONF_USERNAME: "api",
            CONF_PASSWORD: password_digest("synway"),
            CONF_VERIFY_SSL: False,
            CONF_WEBHOOK_ID: "existing",
        },
    ).add_to_hass(hass)
    flow_id = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        _user_input(simulator, **{CONF_HOST: typed.format(port=simulator.port)}),
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert simulator.requests == []


async def test_user_same_machine_other_port_is_another_pbx(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_http: Simulator,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Another port on the same machine is another PBX (entries with odd data ignored)."""
    mock_config_entry.add_to_hass(hass)
    MockConfigEntry(
        domain=DOMAIN, version=2, unique_id="broken", data={CONF_HOST: "bad host"}
    ).add_to_hass(hass)
    MockConfigEntry(domain=DOMAIN, version=2, unique_id="empty", data={}).add_to_hass(
        hass
    )
    flow_id = await _start_user_flow(hass)
    with patch("custom_components.synway_ippbx.async_setup_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(
            flow_id, _user_input(simulator_http)
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == simulator_http.host


async def test_user_unresolvable_name_is_compared_as_written(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """An entry whose PBX name no longer resolves does not block adding an address."""
    MockConfigEntry(
        domain=DOMAIN,
        version=2,
        unique_id=f"pbx.invalid:{simulator.port}",
        data={CONF_HOST: f"pbx.invalid:{simulator.port}"},
    ).add_to_hass(hass)
    real_getaddrinfo = socket.getaddrinfo

    def _getaddrinfo(host: str, *args: Any, **kwargs: Any) -> Any:
        # The harness disables DNS: stand in for a resolver that knows no such name.
        if host == "pbx.invalid":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real_getaddrinfo(host, *args, **kwargs)

    flow_id = await _start_user_flow(hass)
    with (
        patch("socket.getaddrinfo", _getaddrinfo),
        patch("custom_components.synway_ippbx.async_setup_entry", return_value=True),
    ):
        result = await hass.config_entries.flow.async_configure(
            flow_id, _user_input(simulator)
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == simulator.host


async def test_user_login_logs_out(hass: HomeAssistant, simulator: Simulator) -> None:
    """Every attempt of the flow frees its API client slot again."""
    simulator.config.max_clients = 1
    flow_id = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, _user_input(simulator, **{CONF_PASSWORD: "wrong"})
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, _user_input(simulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    # With a single slot, the entry could only set up because the flow logged out.
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED
    assert _names(simulator)[:3] == ["login", "login", "logout"]


async def test_user_blank_username(hass: HomeAssistant, simulator: Simulator) -> None:
    """A username of only spaces is refused like a wrong one, not with a crash."""
    flow_id = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, _user_input(simulator, **{CONF_USERNAME: "   "})
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}


class _FailAfterLogin(list[Any]):
    """The simulator's request log, switching on HTTP 500 once a login was served.

    The fault middleware runs before a request is logged, so the login itself succeeds
    and the next request (the flow's logout) gets the PBX's HTTP 500.
    """

    def __init__(self, sim: Simulator) -> None:
        super().__init__()
        self._sim = sim

    def append(self, request: Any) -> None:
        super().append(request)
        if request.name == "login":
            self._sim.set_faults(http_500=True)


async def test_user_logout_failure_still_creates_entry(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Proven credentials are kept even if the PBX fails the test login's logout."""
    flow_id = await _start_user_flow(hass)
    simulator.requests = _FailAfterLogin(simulator)
    result = await hass.config_entries.flow.async_configure(
        flow_id, _user_input(simulator)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert _names(simulator) == ["login"]
    # The new entry set up while the PBX still failed, so it waits to retry.
    entry = result["result"]
    assert _state(entry) is ConfigEntryState.SETUP_RETRY

    simulator.set_faults(http_500=False)
    simulator.requests = []
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert _state(entry) is ConfigEntryState.LOADED


# --------------------------------------------------------------------------- reauth


async def test_reauth_started_by_rejected_password(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """The PBX's password changed: setup fails and asks for the new one; it is stored."""
    simulator.config.password = "n3w-secret"
    mock_config_entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert _state(mock_config_entry) is ConfigEntryState.SETUP_ERROR

    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert len(flows) == 1
    assert flows[0]["context"]["source"] == SOURCE_REAUTH
    assert flows[0]["step_id"] == "reauth_confirm"
    flow_id = flows[0]["flow_id"]

    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_PASSWORD: "synway"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["errors"] == {"base": "invalid_auth"}

    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_PASSWORD: "n3w-secret"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert mock_config_entry.data[CONF_PASSWORD] == password_digest("n3w-secret")
    assert "n3w-secret" not in repr(dict(mock_config_entry.data))
    assert _state(mock_config_entry) is ConfigEntryState.LOADED


async def test_reauth_form(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """The form names the PBX and the user; errors of the PBX are shown, then success."""
    mock_config_entry.add_to_hass(hass)
    result = await mock_config_entry.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"] == {
        "name": "Synway IPPBX (127.0.0.1)",
        "host": simulator.base_url,
        "username": "api",
    }
    assert result["data_schema"] is not None
    assert list(result["data_schema"].schema) == [CONF_PASSWORD]

    simulator.config.api_enabled = False
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: "synway"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "api_disabled"}

    simulator.config.api_enabled = True
    for _ in range(simulator.config.lockout_attempts):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_PASSWORD: "guess"}
        )
    assert result["errors"] == {"base": "locked_out"}
    placeholders = result["description_placeholders"]
    assert placeholders is not None
    assert placeholders["minutes"] == "10"
    assert placeholders["username"] == "api"

    simulator.advance(simulator.config.lockout_seconds + 1)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: "synway"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED
    # The reauth login was logged out; only the integration's session remains.
    assert len(simulator.auth.live_sessions()) == 1


# --------------------------------------------------------------------------- reconfigure


async def test_reconfigure_form_prefilled(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """The form suggests the stored host, username and verify_ssl, never the password."""
    mock_config_entry.add_to_hass(hass)
    result = await mock_config_entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert _suggested(result, CONF_HOST) == simulator.base_url
    assert _suggested(result, CONF_USERNAME) == "api"
    assert _suggested(result, CONF_VERIFY_SSL) is False
    assert _suggested(result, CONF_PASSWORD) is None


async def test_reconfigure_to_http(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_http: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """Moving the entry to another address: new unique id and title, reloaded there."""
    old_digest = init_integration.data[CONF_PASSWORD]
    webhook_id = init_integration.data[CONF_WEBHOOK_ID]
    result = await init_integration.start_reconfigure_flow(hass)
    host = f"http://127.0.0.1:{simulator_http.port}"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_HOST: host, CONF_USERNAME: "api", CONF_VERIFY_SSL: False},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()

    assert init_integration.unique_id == simulator_http.host
    assert init_integration.title == "Synway IPPBX (127.0.0.1)"
    assert init_integration.data == {
        CONF_HOST: host,
        CONF_USERNAME: "api",
        CONF_PASSWORD: old_digest,
        CONF_VERIFY_SSL: False,
        CONF_WEBHOOK_ID: webhook_id,
    }
    assert init_integration.state is ConfigEntryState.LOADED
    # The reload logged out of the old PBX and into the new one.
    assert simulator.auth.live_sessions() == []
    assert _names(simulator)[-1] == "logout"
    assert len(simulator_http.auth.live_sessions()) == 1
    # The flow logged in, read what the PBX holds (same PBX?) and logged out.
    names = _names(simulator_http)
    flow = names[: names.index("logout") + 1]
    assert flow[0] == "login"
    assert set(flow[1:-1]) == {"ext_status", "trunk_list"}


async def test_reconfigure_same_host_new_credentials(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A new username with the password field left empty keeps the stored digest."""
    simulator.config.username = "operator"
    result = await init_integration.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: simulator.base_url,
            CONF_USERNAME: "operator",
            CONF_PASSWORD: "",
            CONF_VERIFY_SSL: False,
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert init_integration.unique_id == simulator.host
    assert init_integration.data[CONF_USERNAME] == "operator"
    assert init_integration.data[CONF_PASSWORD] == password_digest("synway")
    assert init_integration.state is ConfigEntryState.LOADED

    # And a new password is stored as its digest.
    simulator.config.password = "changed"
    result = await init_integration.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: simulator.base_url,
            CONF_USERNAME: "operator",
            CONF_PASSWORD: "changed",
            CONF_VERIFY_SSL: False,
        },
    )
    assert result["type"] is FlowResultType.ABORT
    await hass.async_block_till_done()
    assert init_integration.data[CONF_PASSWORD] == password_digest("changed")
    assert "changed" not in init_integration.data.values()


async def test_reconfigure_to_configured_host(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_http: Simulator,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Pointing an entry at a PBX another entry has aborts; nothing is changed."""
    mock_config_entry.add_to_hass(hass)
    other = MockConfigEntry(
        domain=DOMAIN,
        title="Synway IPPBX (127.0.0.1)",
        unique_id=simulator_http.host,
        data={
            CONF_HOST: simulator_http.base_url,
            CONF_USERNAME: "api",
            CONF_PASSWORD: password_digest("synway"),
            CONF_VERIFY_SSL: False,
            CONF_WEBHOOK_ID: "other",
        },
    )
    other.add_to_hass(hass)
    before = dict(mock_config_entry.data)
    result = await mock_config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: f"http://127.0.0.1:{simulator_http.port}/",
            CONF_USERNAME: "api",
            CONF_VERIFY_SSL: False,
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert dict(mock_config_entry.data) == before
    assert mock_config_entry.unique_id == simulator.host
    assert simulator_http.requests == []


async def test_reconfigure_other_name_of_configured_pbx(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_http: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """Another entry's PBX under another name aborts; the entry's own PBX does not."""
    MockConfigEntry(
        domain=DOMAIN,
        version=2,
        unique_id=simulator_http.host,
        data={
            CONF_HOST: simulator_http.base_url,
            CONF_USERNAME: "api",
            CONF_PASSWORD: password_digest("synway"),
            CONF_VERIFY_SSL: False,
            CONF_WEBHOOK_ID: "other",
        },
    ).add_to_hass(hass)
    typed = {CONF_USERNAME: "api", CONF_VERIFY_SSL: False}
    result = await init_integration.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        typed | {CONF_HOST: f"http://localhost:{simulator_http.port}"},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert simulator_http.requests == []

    # The entry's own PBX, however written, is no conflict.
    result = await init_integration.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], typed | {CONF_HOST: f"HTTPS://127.0.0.1:{simulator.port}/"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert init_integration.unique_id == simulator.host
    assert _state(init_integration) is ConfigEntryState.LOADED


@pytest.mark.usefixtures("tls_rejections")
async def test_reconfigure_errors(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """Bad host, bad password and an unreachable PBX show errors; the entry stays."""
    mock_config_entry.add_to_hass(hass)
    before = dict(mock_config_entry.data)
    result = await mock_config_entry.start_reconfigure_flow(hass)
    flow_id = result["flow_id"]

    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {CONF_HOST: "https://", CONF_USERNAME: "api", CONF_VERIFY_SSL: False},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_HOST: "invalid_host"}
    assert _suggested(result, CONF_HOST) == "https://"

    typed = {
        CONF_HOST: simulator.base_url,
        CONF_USERNAME: "api",
        CONF_PASSWORD: "wrong",
        CONF_VERIFY_SSL: False,
    }
    result = await hass.config_entries.flow.async_configure(flow_id, typed)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    assert _suggested(result, CONF_PASSWORD) is None
    assert _suggested(result, CONF_USERNAME) == "api"

    result = await hass.config_entries.flow.async_configure(
        flow_id, typed | {CONF_PASSWORD: "", CONF_VERIFY_SSL: True}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "certificate_rejected"}
    assert _suggested(result, CONF_VERIFY_SSL) is True

    simulator.config.max_clients = 0
    result = await hass.config_entries.flow.async_configure(
        flow_id, typed | {CONF_PASSWORD: ""}
    )
    assert result["errors"] == {"base": "too_many_clients"}
    assert dict(mock_config_entry.data) == before
    _assert_logged_out(simulator)


# --------------------------------------------------------------------------- options


async def test_options_flow_changes_reload(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """New options are stored (cleaned) and the entry reloads with them."""
    runtime = init_integration.runtime_data
    assert runtime.coordinator.update_interval is not None
    assert runtime.coordinator.update_interval.total_seconds() == 30
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    assert (
        _suggested(result, CONF_REPORT_URL) == init_integration.options[CONF_REPORT_URL]
    )

    new_url = init_integration.options[CONF_REPORT_URL].replace(
        "127.0.0.1", "localhost"
    )
    logins = _names(simulator).count("login")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_REPORT_URL: f"  {new_url} ",
            CONF_ASSIST_EXTENSION: " 1003 ",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert init_integration.options == {
        CONF_REPORT_URL: new_url,
        CONF_ASSIST_EXTENSION: "1003",
    }
    await hass.async_block_till_done()

    assert init_integration.state is ConfigEntryState.LOADED
    new_runtime = init_integration.runtime_data
    assert new_runtime is not runtime
    assert new_runtime.report_url == new_url
    assert new_runtime.coordinator.update_interval is not None
    assert new_runtime.coordinator.update_interval.total_seconds() == 30
    assert _names(simulator).count("login") == logins + 1
    login = [r for r in simulator.requests if r.name == "login"][-1]
    assert login.body["url"] == new_url
    assert len(simulator.auth.live_sessions()) == 1


async def test_options_flow_clears_optional(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Empty report address and extension are dropped, not stored as empty strings."""
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {CONF_REPORT_URL: "   ", CONF_ASSIST_EXTENSION: ""},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert init_integration.options == {}
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.LOADED


async def test_options_flow_unchanged_no_reload(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Saving the same options does not reload the entry."""
    runtime = init_integration.runtime_data
    options = dict(init_integration.options)
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], options
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert init_integration.options == options
    assert init_integration.runtime_data is runtime


async def test_options_flow_invalid_report_url(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A report address with spaces inside is refused on its field; typed values stay."""
    options = dict(init_integration.options)
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    typed = {
        CONF_REPORT_URL: "192.168.1.5:8123/api/webhook/a b",
        CONF_ASSIST_EXTENSION: "1002",
    }
    result = await hass.config_entries.options.async_configure(result["flow_id"], typed)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_REPORT_URL: "invalid_report_url"}
    assert _suggested(result, CONF_REPORT_URL) == typed[CONF_REPORT_URL]
    assert _suggested(result, CONF_ASSIST_EXTENSION) == "1002"
    assert dict(init_integration.options) == options

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], typed | {CONF_REPORT_URL: "192.168.1.5:8123/x"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert init_integration.options[CONF_REPORT_URL] == "192.168.1.5:8123/x"


async def test_options_flow_offers_extensions(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """With the entry loaded, the extension field lists the PBX's extensions."""
    simulator.state.extensions["1001"].settings["username"] = "Kitchen"
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    selector = _field(result, CONF_ASSIST_EXTENSION)
    assert isinstance(selector, SelectSelector)
    config = selector.config
    assert config["custom_value"] is True
    assert config["mode"] == "dropdown"
    options: dict[str, str] = {}
    for option in config["options"]:
        assert not isinstance(option, str)
        options[option["value"]] = option["label"]
    # The PBX names an extension after its number unless given a name.
    assert options == {str(n): str(n) for n in range(1000, 1010)} | {
        "1001": "1001 — Kitchen"
    }
    assert isinstance(_field(result, CONF_REPORT_URL), TextSelector)


async def test_options_flow_not_loaded_free_text(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """Without a loaded entry the extension is typed as text; options are still saved."""
    mock_config_entry.add_to_hass(hass)
    assert mock_config_entry.state is ConfigEntryState.NOT_LOADED
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert isinstance(_field(result, CONF_ASSIST_EXTENSION), TextSelector)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_ASSIST_EXTENSION: "1007"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_config_entry.options == {CONF_ASSIST_EXTENSION: "1007"}
    assert simulator.requests == []


async def test_options_flow_offers_no_poll_interval(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """The integration chooses how often it polls: the options form does not ask."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    with pytest.raises(KeyError):
        _field(result, "scan_interval")
    assert "scan_interval" not in str(result["description_placeholders"] or {})
    for language in ("en", "zh-Hans"):
        strings = await async_get_translations(hass, language, "options", {DOMAIN})
        assert not [key for key in strings if "scan_interval" in key]


@pytest.mark.parametrize("paste_digest", [True, False])
async def test_user_password_of_32_hex_digits(
    hass: HomeAssistant, simulator: Simulator, paste_digest: bool
) -> None:
    """A pasted MD5 digest works, and so does a clear password that looks like one."""
    if paste_digest:
        typed = password_digest(simulator.config.password).upper()
    else:
        simulator.config.password = "0123456789abcdef0123456789ABCDEF"
        typed = simulator.config.password
    flow_id = await _start_user_flow(hass)
    with patch("custom_components.synway_ippbx.async_setup_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(
            flow_id, _user_input(simulator, **{CONF_PASSWORD: typed})
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    expected = hashlib.md5(
        simulator.config.password.encode(), usedforsecurity=False
    ).hexdigest()
    assert result["data"][CONF_PASSWORD] == expected
