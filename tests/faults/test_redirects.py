"""Redirects and a wrong protocol (issue 19.2 and 19.6): nothing follows, words say why.

A redirect from the PBX address is never followed: the password digest and the token
would go to whatever host it names (a 302 would also turn the login into a GET). A
second server stands as the redirect target and must receive nothing. An address whose
protocol is wrong is said in words, in the log and in the config flow.
"""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
import logging
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient
from aiohttp.web import Application, Request
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.const import CONF_VERIFY_SSL, DOMAIN
from simulator import Simulator
from tests.conftest import poll

from .conftest import assert_no_traceback, entry_for, set_up

REDIRECT_LINE = (
    "the PBX address answered with a redirect (HTTP {status}) to "
    "{target}/API/{endpoint}; check the address, port and protocol"
)


@dataclass
class RedirectTarget:
    """Another host a redirect points at; it records whatever reaches it."""

    url: str = ""
    requests: list[tuple[str, str, bytes]] = field(default_factory=list)


@pytest.fixture
async def redirect_target(socket_enabled: None) -> AsyncIterator[RedirectTarget]:
    """A tiny server on another port that would gladly answer a login."""
    target = RedirectTarget()

    async def _anything(request: web.Request) -> web.Response:
        target.requests.append((request.method, request.path_qs, await request.read()))
        return web.json_response({"status": "success", "token": "stolen"})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", _anything)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    target.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield target
    await runner.cleanup()


@pytest.fixture
async def plain_http_refusals() -> None:
    """Let the simulator's TLS server refuse a plain HTTP request without failing the test.

    It serves in the test's event loop and reports the refused connection to the loop's
    exception handler, which the harness counts as an error; only that report is let by.
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


def _visible(caplog: pytest.LogCaptureFixture) -> str:
    """What the integration logged at INFO and up."""
    return "\n".join(
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.INFO
        and record.name.startswith("custom_components")
    )


def _user_input(sim: Simulator, host: str | None = None) -> dict[str, Any]:
    return {
        CONF_HOST: host or sim.base_url,
        CONF_USERNAME: sim.config.username,
        CONF_PASSWORD: sim.config.password,
        CONF_VERIFY_SSL: False,
    }


@pytest.mark.parametrize("status", [307, 302])
async def test_a_redirected_poll_sends_nothing_elsewhere_and_removes_nothing(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    redirect_target: RedirectTarget,
    log_errors: pytest.LogCaptureFixture,
    status: int,
) -> None:
    """Polls and a re-login redirected: the target gets nothing, devices stay."""
    registry = dr.async_get(hass)
    devices = len(
        dr.async_entries_for_config_entry(registry, init_integration.entry_id)
    )
    simulator.set_faults(redirect_to=redirect_target.url, redirect_status=status)
    await poll(hass, freezer)
    simulator.expire_tokens()  # the next poll logs in again: redirected as well
    await poll(hass, freezer)
    assert redirect_target.requests == []
    assert (
        len(dr.async_entries_for_config_entry(registry, init_integration.entry_id))
        == devices
    )
    assert log_errors.text.count("Error fetching synway_ippbx data") == 1
    assert "answered with a redirect (HTTP" in log_errors.text
    assert f"to {redirect_target.url}/API/" in log_errors.text
    assert "token=" not in log_errors.text.split("Error fetching")[1].split("\n")[0]
    simulator.set_faults(redirect_to="")
    await poll(hass, freezer)
    assert init_integration.runtime_data.coordinator.last_update_success
    assert_no_traceback(log_errors)


@pytest.mark.parametrize("status", [307, 302])
async def test_the_user_step_shows_the_redirect(
    hass: HomeAssistant,
    simulator: Simulator,
    redirect_target: RedirectTarget,
    log_errors: pytest.LogCaptureFixture,
    status: int,
) -> None:
    """Adding a PBX whose address redirects: a distinct error, the target named in the log."""
    simulator.set_faults(redirect_to=redirect_target.url, redirect_status=status)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _user_input(simulator)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "redirected"}
    assert redirect_target.requests == []
    assert (
        REDIRECT_LINE.format(
            status=status, target=redirect_target.url, endpoint="login"
        )
        in log_errors.text
    )


async def test_reauth_and_reconfigure_show_the_redirect(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    redirect_target: RedirectTarget,
) -> None:
    """The same error in the reauth and reconfigure steps; nothing reaches the target."""
    simulator.set_faults(redirect_to=redirect_target.url)
    result = await init_integration.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: simulator.config.password}
    )
    assert result["errors"] == {"base": "redirected"}
    result = await init_integration.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: simulator.base_url,
            CONF_USERNAME: simulator.config.username,
            CONF_VERIFY_SSL: False,
        },
    )
    assert result["errors"] == {"base": "redirected"}
    assert redirect_target.requests == []


async def test_https_address_on_a_plain_http_pbx_is_said_in_words(
    hass: HomeAssistant,
    simulator_http: Simulator,
    log_errors: pytest.LogCaptureFixture,
) -> None:
    """The PBX switched to HTTP: the flow and the log say so, not an SSL error."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        _user_input(simulator_http, f"https://127.0.0.1:{simulator_http.port}"),
    )
    assert result["errors"] == {"base": "https_address_answers_http"}
    visible = _visible(log_errors)
    assert "the PBX answered plain HTTP on an HTTPS address" in visible
    assert "SSLContext object" not in visible
    assert "WRONG_VERSION_NUMBER" not in visible


@pytest.mark.usefixtures("plain_http_refusals")
async def test_http_address_on_an_https_pbx_is_said_in_words(
    hass: HomeAssistant,
    simulator: Simulator,
    log_errors: pytest.LogCaptureFixture,
) -> None:
    """The reverse: HTTP spoken to the PBX's HTTPS port."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        _user_input(simulator, f"http://127.0.0.1:{simulator.port}"),
    )
    assert result["errors"] == {"base": "http_address_answers_https"}
    assert "the PBX speaks HTTPS on this port but the address says HTTP" in (
        _visible(log_errors)
    )


async def test_a_pbx_switched_to_http_says_so_in_the_poll_log(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    log_errors: pytest.LogCaptureFixture,
) -> None:
    """Set up over HTTPS; the PBX restarts speaking HTTP on the same port."""
    port = simulator.port
    await simulator.stop()
    await simulator.start(port=port, https=False)
    simulator.expire_tokens()
    await poll(hass, freezer)
    assert init_integration.state is ConfigEntryState.LOADED
    line = next(
        record.getMessage()
        for record in log_errors.records
        if "Error fetching synway_ippbx data" in record.getMessage()
    )
    assert (
        f"The PBX answers plain HTTP on port {port}, but the address says https://"
        in line
    )
    assert "SSLContext" not in line


@pytest.mark.usefixtures("plain_http_refusals")
async def test_a_pbx_switched_to_https_says_so_in_the_poll_log(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator_http: Simulator,
    report_client: TestClient[Request, Application],
    log_errors: pytest.LogCaptureFixture,
) -> None:
    """Set up over HTTP; the PBX restarts speaking HTTPS on the same port."""
    entry = entry_for(simulator_http, report_client)
    await set_up(hass, entry)
    port = simulator_http.port
    await simulator_http.stop()
    await simulator_http.start(port=port, https=True)
    simulator_http.expire_tokens()
    await poll(hass, freezer)
    line = next(
        record.getMessage()
        for record in log_errors.records
        if "Error fetching synway_ippbx data" in record.getMessage()
    )
    assert f"The PBX speaks HTTPS on port {port}, but the address says http://" in line
    assert "Server disconnected" not in line
