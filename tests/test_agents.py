"""Queue agents end to end: agent switches, remembered agents and breaks (agents.py)."""

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF, SERVICE_TURN_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.agents import (
    CONF_AGENT_PASSWORDS,
    parse_agent_passwords,
)
from simulator import Simulator
from tests.conftest import poll, settle, state_of


async def _switch(hass: HomeAssistant, entity_id: str, on: bool) -> None:
    await hass.services.async_call(
        "switch",
        SERVICE_TURN_ON if on else SERVICE_TURN_OFF,
        {ATTR_ENTITY_ID: entity_id},
        blocking=True,
    )


def _settings(simulator: Simulator, extension: str) -> dict[str, Any]:
    return dict(simulator.state.extensions[extension].settings)


def _logged_in(simulator: Simulator, queue: str, extension: str) -> bool:
    return bool(simulator.state.queues[queue].agents[extension].logged_in)


def _count(simulator: Simulator, name: str) -> int:
    return sum(1 for r in simulator.requests if r.name == name)


# -- queue agents ---------------------------------------------------------------------


async def test_agent_switches(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """Dynamic agents get Logged in and On break; the queue password comes from options."""
    entry = MockConfigEntry(
        domain=mock_config_entry.domain,
        title=mock_config_entry.title,
        unique_id=mock_config_entry.unique_id,
        data=dict(mock_config_entry.data),
        options={**mock_config_entry.options, CONF_AGENT_PASSWORDS: ["6700=123456"]},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    logged_in = "switch.extension_1003_logged_in_to_sales"
    on_break = "switch.extension_1003_on_break_in_sales"
    assert state_of(hass, logged_in) == "on"
    assert state_of(hass, on_break) == "off"
    # Static agents are always logged in: only a break switch.
    assert state_of(hass, "switch.extension_1001_on_break_in_sales") == "off"
    assert hass.states.get("switch.extension_1001_logged_in_to_sales") is None

    await _switch(hass, on_break, on=True)
    await settle(hass, simulator)
    assert simulator.state.queues["6700"].agents["1003"].paused
    assert state_of(hass, on_break) == "on"
    await _switch(hass, on_break, on=False)
    await settle(hass, simulator)
    assert state_of(hass, on_break) == "off"

    await _switch(hass, logged_in, on=False)
    await settle(hass, simulator)
    assert not _logged_in(simulator, "6700", "1003")
    assert state_of(hass, logged_in) == "off"
    await _switch(hass, logged_in, on=True)
    await settle(hass, simulator)
    assert _logged_in(simulator, "6700", "1003")
    assert state_of(hass, logged_in) == "on"
    logins = [r for r in simulator.requests if r.name == "agent_login"]
    assert logins[-1].body["password"] == "123456"


async def test_agent_seen_once_is_remembered(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A dynamic agent logging in later gets switches; logged out, they stay (off)."""
    assert hass.states.get("switch.extension_1006_logged_in_to_support") is None
    simulator.state.queues["6701"].agents["1006"].logged_in = True
    await poll(hass, freezer)
    assert state_of(hass, "switch.extension_1006_logged_in_to_support") == "on"

    # Logged out through the switch: queue 6701 has no password.
    await _switch(hass, "switch.extension_1006_logged_in_to_support", on=False)
    await settle(hass, simulator)
    await poll(hass, freezer)
    assert state_of(hass, "switch.extension_1006_logged_in_to_support") == "off"

    # And after a restart the switch is still there.
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert state_of(hass, "switch.extension_1006_logged_in_to_support") == "off"


async def test_wrong_queue_password(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Without the queue's password the PBX refuses, and the user is told why."""
    with pytest.raises(HomeAssistantError) as err:
        await _switch(hass, "switch.extension_1003_logged_in_to_sales", on=False)
    assert err.value.translation_key == "pbx_error"
    assert err.value.translation_placeholders is not None
    assert err.value.translation_placeholders["errno"] == "13"


def test_agent_password_option() -> None:
    """queue=password entries, as a list or lines; anything else is ignored."""
    assert parse_agent_passwords(["6700=123456", "junk", " 6701 = x ", "=y", 3]) == {
        "6700": "123456",
        "6701": "x",
    }
    assert parse_agent_passwords("6700=1\n6701=2") == {"6700": "1", "6701": "2"}
    assert parse_agent_passwords(None) == {}


async def test_break_seen_at_setup(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A known agent that went on break while Home Assistant was off shows on break.

    queue_members does not list agents on break; agent_query (with the queue's password)
    says so.
    """
    entry = MockConfigEntry(
        domain=mock_config_entry.domain,
        title=mock_config_entry.title,
        unique_id=mock_config_entry.unique_id,
        data=dict(mock_config_entry.data),
        options={**mock_config_entry.options, CONF_AGENT_PASSWORDS: ["6700=123456"]},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    simulator.state.queues["6700"].agents["1003"].paused = True
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert state_of(hass, "switch.extension_1003_on_break_in_sales") == "on"
    assert state_of(hass, "switch.extension_1003_logged_in_to_sales") == "on"
    queries = [r for r in simulator.requests if r.name == "agent_query"]
    assert [(q.body["extid"], q.body["password"]) for q in queries] == [
        ("1003", "123456")
    ]
    await poll(hass, freezer)
    assert state_of(hass, "switch.extension_1003_on_break_in_sales") == "on"

    # Resumed where no report told us: the next poll lists the agent again.
    simulator.state.queues["6700"].agents["1003"].paused = False
    await poll(hass, freezer)
    assert state_of(hass, "switch.extension_1003_on_break_in_sales") == "off"
    assert state_of(hass, "switch.extension_1003_logged_in_to_sales") == "on"


async def test_break_survives_polls(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An agent put on break stays on break (and logged in) through polls."""
    on_break = "switch.extension_1003_on_break_in_sales"
    await _switch(hass, on_break, on=True)
    await settle(hass, simulator)
    await poll(hass, freezer)
    assert state_of(hass, on_break) == "on"
    assert state_of(hass, "switch.extension_1003_logged_in_to_sales") == "on"
    await _switch(hass, on_break, on=False)
    await settle(hass, simulator)
    await poll(hass, freezer)
    assert state_of(hass, on_break) == "off"


async def test_break_listed_by_the_queue_status(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """Firmware that lists agents as "On break": the poll says so, no password needed."""
    simulator.set_quirks(list_agents_on_break=True)
    simulator.state.queues["6700"].agents["1001"].paused = True  # a static agent
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert state_of(hass, "switch.extension_1001_on_break_in_sales") == "on"
    assert not [r for r in simulator.requests if r.name == "agent_query"]
