"""Shared fixtures: the Home Assistant harness and the PBX simulator."""

from collections.abc import AsyncGenerator, Generator
from datetime import UTC, datetime, timedelta
import logging
from pathlib import Path
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from aiohttp.web import Application, Request
from aiohttp.web_log import AccessLogger
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME, Platform
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

# Importing the integration first makes Home Assistant's loader find our custom_components
# package instead of the harness's own testing_config, which would shadow it.
from custom_components.synway_ippbx import PLATFORMS
from custom_components.synway_ippbx.api import password_digest
from custom_components.synway_ippbx.const import (
    CONF_REPORT_URL,
    CONF_VERIFY_SSL,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from simulator import Simulator

pytest_plugins = ["simulator.testing"]


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker that declares the ERROR log lines a test expects."""
    config.addinivalue_line(
        "markers",
        "expected_errors(*substrings): ERROR/CRITICAL records containing one of these "
        "substrings (in the logger name or message) do not fail the test",
    )


class ErrorRecords(logging.Handler):
    """Collects every ERROR and CRITICAL record, whichever logger wrote it."""

    def __init__(self) -> None:
        """Listen from ERROR up."""
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record."""
        self.records.append(record)


def describe_record(record: logging.LogRecord) -> str:
    """Logger, level and message of a record, as matched against expected substrings."""
    try:
        message = record.getMessage()
    except TypeError, ValueError:
        message = str(record.msg)
    return f"{record.name} {record.levelname}: {message}"


def unexpected_errors(
    records: list[logging.LogRecord], expected: tuple[str, ...]
) -> list[str]:
    """The ERROR and CRITICAL records that no expected substring accounts for."""
    lines = [describe_record(r) for r in records if r.levelno >= logging.ERROR]
    return [line for line in lines if not any(text in line for text in expected)]


def expected_errors(node: pytest.Item) -> tuple[str, ...]:
    """The substrings a test's ``expected_errors`` markers declare."""
    return tuple(
        str(text) for mark in node.iter_markers("expected_errors") for text in mark.args
    )


@pytest.fixture(autouse=True)
def access_log_clock() -> Generator[None]:
    """Give aiohttp's access log a clock that works under a frozen one.

    freezegun's ``time.localtime()`` has no ``tm_gmtoff``, so the access log of Home
    Assistant's test HTTP server logs "Error in logging" for each request made while the
    clock is frozen. A test-harness clock problem, not the integration's: the log line
    gets its time in UTC instead.
    """
    with patch.object(AccessLogger, "_get_local_time", lambda: datetime.now(UTC)):
        yield


@pytest.fixture(autouse=True)
def no_unexpected_errors(request: pytest.FixtureRequest) -> Generator[None]:
    """Fail a test on any ERROR or CRITICAL log record it did not declare expected.

    Set up before (so torn down after) the Home Assistant harness: errors logged while it
    stops count too. Declare expected ones with ``@pytest.mark.expected_errors("text")``.
    """
    handler = ErrorRecords()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    if unexpected := unexpected_errors(handler.records, expected_errors(request.node)):
        pytest.fail("Unexpected ERROR log records:\n" + "\n".join(unexpected))


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load integrations from custom_components/."""


@pytest.fixture(autouse=True)
def loopback_sockets(socket_enabled: None) -> None:
    """Allow listening sockets: the simulator and report receivers serve on loopback.

    Connections stay restricted to 127.0.0.1 by the harness.
    """


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Enable entities that are disabled by default."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
    ):
        yield


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Use Home Assistant's snapshot extension (stable ids, tests/snapshots/)."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


WEBHOOK_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"


@pytest.fixture
async def report_client(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator
) -> TestClient[Request, Application]:
    """Home Assistant's HTTP server on a loopback port, where the PBX posts reports."""
    # Routes must exist before the server starts: set up what registers them first.
    assert await async_setup_component(hass, "webhook", {})
    return await hass_client_no_auth()


@pytest.fixture
async def mock_config_entry(
    simulator: Simulator, report_client: TestClient[Request, Application]
) -> AsyncGenerator[MockConfigEntry]:
    """A config entry pointing at the simulator, reports posted to our webhook.

    At teardown the simulator stops posting before Home Assistant's server closes: the
    simulator is set up first, so it would otherwise outlive the server it posts to, and a
    report arriving while a server closes makes asyncio log an error (CPython gh-109564).
    """
    yield MockConfigEntry(
        domain=DOMAIN,
        title="Synway IPPBX (127.0.0.1)",
        # Fixed, as unique ids derive from it: snapshots repeat.
        entry_id="01JSYNWAYIPPBXTESTENTRY000",
        unique_id=simulator.host,
        version=2,
        minor_version=2,
        data={
            CONF_HOST: simulator.base_url,
            CONF_USERNAME: simulator.config.username,
            CONF_PASSWORD: password_digest(simulator.config.password),
            CONF_VERIFY_SSL: False,
            CONF_WEBHOOK_ID: WEBHOOK_ID,
        },
        options={
            CONF_REPORT_URL: f"127.0.0.1:{report_client.port}/api/webhook/{WEBHOOK_ID}",
        },
    )
    await simulator.dispatcher.close()


@pytest.fixture
def platforms() -> list[Platform]:
    """The platforms to set up; a platform's snapshot test narrows it to its own."""
    return PLATFORMS


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, platforms: list[Platform]
) -> MockConfigEntry:
    """The integration set up against the simulator."""
    mock_config_entry.add_to_hass(hass)
    with patch("custom_components.synway_ippbx.PLATFORMS", platforms):
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
    return mock_config_entry


async def settle(hass: HomeAssistant, simulator: Simulator) -> None:
    """Let the simulator deliver its reports and Home Assistant process them."""
    await simulator.flush_reports()
    await hass.async_block_till_done(wait_background_tasks=True)


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """The state of an entity that must exist."""
    state = hass.states.get(entity_id)
    assert state is not None, f"{entity_id} does not exist"
    return state.state


async def poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let the polling interval pass and the poll finish."""
    freezer.tick(timedelta(seconds=31))
    async_fire_time_changed(hass)
    # Polls run as background tasks of the entry.
    await hass.async_block_till_done(wait_background_tasks=True)


def _machine_time_zone() -> str:
    """This machine's zone by its IANA name (UTC where the machine names none)."""
    try:
        return str(Path("/etc/localtime").resolve()).split("zoneinfo/", 1)[1]
    except IndexError, OSError:
        return "UTC"


@pytest.fixture
async def pbx_time_zone(hass: HomeAssistant) -> None:
    """Home Assistant in the zone the simulated PBX writes its times in (the machine's).

    A PBX and its Home Assistant keep one local time, and the integration reads the
    PBX's times as local; the test harness puts Home Assistant in US/Pacific, so from
    midnight UTC until 08:00 "today" would be another day than the simulator's records.
    """
    await hass.config.async_set_time_zone(_machine_time_zone())
