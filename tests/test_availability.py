"""One failed poll while reports still arrive keeps the house available; two do not."""

from datetime import timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.const import DOMAIN
from simulator import Simulator
from tests.conftest import settle, state_of

STATUS_1000 = "sensor.extension_1000_status"
STATUS_1003 = "sensor.extension_1003_status"
OUTAGE = "Error fetching synway_ippbx data"
TOLERATED = "after one failed poll while reports still arrive"


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """The integration's log from DEBUG up."""
    caplog.set_level(logging.DEBUG, logger="custom_components.synway_ippbx")
    return caplog


@pytest.fixture
def manual_polls(init_integration: MockConfigEntry) -> None:
    """Polls run when the test says (the loop's clock follows the frozen one)."""
    coordinator = init_integration.runtime_data.coordinator
    coordinator.update_interval = None
    coordinator._async_unsub_refresh()


async def poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """One poll, a polling interval after the last."""
    freezer.tick(timedelta(seconds=31))
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()


def _lines(caplog: pytest.LogCaptureFixture, text: str) -> list[str]:
    return [r.levelname for r in caplog.records if text in r.getMessage()]


async def _report_then_poll(
    hass: HomeAssistant,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    extension: str,
) -> None:
    """A report arrives between two polls (the stream is alive), then the poll runs."""
    simulator.unregister(extension)
    await settle(hass, simulator)
    await poll(hass, freezer)


async def test_one_failed_poll_with_live_reports_keeps_entities(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    manual_polls: None,
    freezer: FrozenDateTimeFactory,
    debug_log: pytest.LogCaptureFixture,
) -> None:
    """A single 503 while reports arrive: available, a debug line; the second: not."""
    simulator.set_faults(http_500=True)
    await _report_then_poll(hass, simulator, freezer, "1003")
    assert state_of(hass, STATUS_1000) == "idle"
    assert state_of(hass, STATUS_1003) == "unregistered"  # reports still apply
    assert _lines(debug_log, TOLERATED) == ["DEBUG"]
    assert not _lines(debug_log, OUTAGE)
    # The second failed poll in a row: unavailable, one warning.
    await _report_then_poll(hass, simulator, freezer, "1004")
    assert state_of(hass, STATUS_1000) == STATE_UNAVAILABLE
    await poll(hass, freezer)
    assert _lines(debug_log, OUTAGE) == ["WARNING"]
    simulator.set_faults(http_500=False)
    await poll(hass, freezer)
    assert state_of(hass, STATUS_1000) == "idle"
    assert _lines(debug_log, "data recovered") == ["INFO"]


async def test_failures_apart_are_each_tolerated(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    manual_polls: None,
    freezer: FrozenDateTimeFactory,
    debug_log: pytest.LogCaptureFixture,
) -> None:
    """Failed polls with good ones between them never blank the house."""
    for extension in ("1003", "1004"):
        simulator.set_faults(http_500=True)
        await _report_then_poll(hass, simulator, freezer, extension)
        assert state_of(hass, STATUS_1000) == "idle"
        simulator.set_faults(http_500=False)
        await poll(hass, freezer)
    assert _lines(debug_log, TOLERATED) == ["DEBUG", "DEBUG"]
    assert not _lines(debug_log, OUTAGE)
    assert not _lines(debug_log, "data recovered")


async def test_failed_poll_with_a_silent_stream_blanks_at_once(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    manual_polls: None,
    freezer: FrozenDateTimeFactory,
    debug_log: pytest.LogCaptureFixture,
) -> None:
    """No report or heartbeat since the last poll: the first failure counts."""
    simulator.set_faults(http_500=True)
    await poll(hass, freezer)
    assert state_of(hass, STATUS_1000) == STATE_UNAVAILABLE
    assert _lines(debug_log, OUTAGE) == ["WARNING"]
    assert not _lines(debug_log, TOLERATED)


async def test_a_heartbeat_keeps_the_stream_alive(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    manual_polls: None,
    freezer: FrozenDateTimeFactory,
    debug_log: pytest.LogCaptureFixture,
) -> None:
    """A heartbeat answered since the last poll counts as a live stream."""
    coordinator = init_integration.runtime_data.coordinator
    await coordinator.link.async_heartbeat()
    simulator.set_faults(http_500=True)
    await poll(hass, freezer)
    assert state_of(hass, STATUS_1000) == "idle"
    assert _lines(debug_log, TOLERATED) == ["DEBUG"]
