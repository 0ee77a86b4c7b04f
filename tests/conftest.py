"""Shared fixtures: the Home Assistant harness and the PBX simulator."""

from collections.abc import AsyncGenerator, Generator
from datetime import timedelta
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from aiohttp.web import Application, Request
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
