"""How often the integration polls: its own choice (30 s), refreshed on demand by the user."""

from datetime import timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.config_flow import SynwayConfigFlow
from custom_components.synway_ippbx.const import CONF_REPORT_URL, DOMAIN
from simulator import Simulator
from tests.conftest import state_of


def _stored_with_poll_option(
    mock_config_entry: MockConfigEntry, **changes: Any
) -> MockConfigEntry:
    """The fixture's entry as an older version stored it, with a poll interval option."""
    fields: dict[str, Any] = {
        "domain": DOMAIN,
        "title": mock_config_entry.title,
        "entry_id": mock_config_entry.entry_id,
        "unique_id": mock_config_entry.unique_id,
        "data": dict(mock_config_entry.data),
        "options": dict(mock_config_entry.options) | {"scan_interval": 600},
        "version": 2,
        "minor_version": 1,
    }
    return MockConfigEntry(**(fields | changes))


async def test_old_poll_interval_option_is_removed(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """An entry that stored scan_interval loses the option, loads, and polls every 30 s."""
    entry = _stored_with_poll_option(mock_config_entry)
    entry.add_to_hass(hass)
    report_url = entry.options[CONF_REPORT_URL]

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.LOADED
    assert dict(entry.options) == {CONF_REPORT_URL: report_url}
    assert (entry.version, entry.minor_version) == (2, SynwayConfigFlow.MINOR_VERSION)
    assert entry.runtime_data.coordinator.update_interval == timedelta(seconds=30)


async def test_version_1_entry_is_migrated_all_the_way(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """An entry of the first version goes through both migrations in one start."""
    entry = _stored_with_poll_option(mock_config_entry, version=1)
    entry.add_to_hass(hass)

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.LOADED
    assert "scan_interval" not in entry.options
    assert (entry.version, entry.minor_version) == (2, SynwayConfigFlow.MINOR_VERSION)


async def test_entry_without_the_option_is_left_as_it_was(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """An older entry that never stored the option keeps its options unchanged."""
    options = dict(mock_config_entry.options)
    entry = _stored_with_poll_option(mock_config_entry, options=options)
    entry.add_to_hass(hass)

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.LOADED
    assert dict(entry.options) == options
    assert entry.minor_version == SynwayConfigFlow.MINOR_VERSION


async def test_update_entity_polls_now(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A user who wants fresher state than every 30 s calls homeassistant.update_entity.

    The change is one the PBX does not report (reports dropped), so only a poll shows it;
    no time passes, so only the user's refresh can have polled.
    """
    assert await async_setup_component(hass, "homeassistant", {})
    simulator.set_faults(drop_reports=1.0)
    simulator.unregister("1002")
    await hass.async_block_till_done()
    assert state_of(hass, "sensor.extension_1002_status") != "unregistered"

    await hass.services.async_call(
        "homeassistant",
        "update_entity",
        {ATTR_ENTITY_ID: "sensor.extension_1002_status"},
        blocking=True,
    )
    await hass.async_block_till_done()

    assert state_of(hass, "sensor.extension_1002_status") == "unregistered"
