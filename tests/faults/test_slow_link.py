"""Answers and reports that arrive in TCP segments, as over any real link (issue 9.1)."""

from aiohttp.test_utils import TestClient
from aiohttp.web import Application, Request
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import Simulator, SimulatorConfig
from simulator.config import build_extensions
from simulator.slowlink import SlowLink
from simulator.testing import fixture_config
from tests.conftest import poll, state_of

from .conftest import assert_no_traceback, entry_for, post_in_pieces, set_up


@pytest.mark.parametrize(
    ("extensions", "https"),
    [(10, False), (10, True), (1000, True), (3000, False)],
    ids=["10-http", "10-https", "1000-https", "3000-http"],
)
async def test_setup_and_polls_over_a_slow_link(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    report_client: TestClient[Request, Application],
    log_errors: pytest.LogCaptureFixture,
    extensions: int,
    https: bool,
) -> None:
    """1,460-byte segments 2 ms apart: setup and polls read every answer whole.

    Over HTTPS a body inside one TLS record (16 KB) arrives whole anyway; plain HTTP and
    larger answers show the pieces.
    """
    config: SimulatorConfig = fixture_config()
    config.extensions = build_extensions(extensions)
    config.max_extensions = max(config.max_extensions, extensions)
    simulator = Simulator(config)
    await simulator.start(https=https)
    link = SlowLink("127.0.0.1", simulator.port)
    await link.start()
    try:
        scheme = "https" if https else "http"
        entry = entry_for(simulator, report_client, f"{scheme}://127.0.0.1:{link.port}")
        await set_up(hass, entry)
        assert entry.state is ConfigEntryState.LOADED
        first = "sensor.extension_1000_status"
        last = f"sensor.extension_{999 + extensions}_status"
        assert state_of(hass, first) not in (STATE_UNAVAILABLE, STATE_UNKNOWN)
        assert state_of(hass, last) not in (STATE_UNAVAILABLE, STATE_UNKNOWN)
        simulator.set_faults(drop_reports=1.0)
        simulator.unregister("1002")
        await poll(hass, freezer)
        assert state_of(hass, "sensor.extension_1002_status") == "unregistered"
        assert link.connections > 0
        assert_no_traceback(log_errors)
        assert await hass.config_entries.async_unload(entry.entry_id)
    finally:
        await link.stop()
        await simulator.stop()


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
async def test_report_posted_in_pieces_is_applied(
    hass: HomeAssistant,
    simulator: Simulator,
    report_client: TestClient[Request, Application],
    init_integration: MockConfigEntry,
    log_errors: pytest.LogCaptureFixture,
    chunked: bool,
) -> None:
    """A report whose body arrives in several TCP pieces is read whole and applied."""
    report = {"event": "ExtensionStatus", "extension": "1003", "status": "Unregistered"}
    assert report_client.port is not None
    status = await post_in_pieces(report_client.port, report, chunked=chunked)
    await hass.async_block_till_done()
    assert status == 200
    assert state_of(hass, "sensor.extension_1003_status") == "unregistered"
    assert init_integration.runtime_data.coordinator.reports.rejected == 0
    assert_no_traceback(log_errors)
