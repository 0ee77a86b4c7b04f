"""LLM tools: the call intents offered to LLM conversation agents."""

from typing import Any

from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import intent, llm
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.const import CONF_ASSIST_EXTENSION
from custom_components.synway_ippbx.llm import LLM_INTENTS as INTENTS, async_get_tools
from simulator import Simulator

TOOLS = {
    "synway_ippbx__SynwayCallNumber",
    "synway_ippbx__SynwayCallExtension",
    "synway_ippbx__SynwayHangUp",
}


@pytest.fixture(autouse=True)
async def components(hass: HomeAssistant) -> None:
    """Set up what the Assist API needs before the HTTP server starts."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "intent", {})
    assert await async_setup_component(hass, "llm", {})


def _context() -> llm.LLMContext:
    return llm.LLMContext(
        platform="test",
        context=Context(),
        language="en",
        assistant="conversation",
        device_id=None,
    )


async def test_tools_listed_and_callable(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """The Assist API lists our tools, and calling one places the call."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry,
        options={**mock_config_entry.options, CONF_ASSIST_EXTENSION: "1000"},
    )
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    api = await llm.async_get_api(hass, llm.LLM_API_ASSIST, _context())
    tools = {tool.name: tool for tool in api.tools}
    assert set(tools) >= TOOLS
    tool = tools["synway_ippbx__SynwayCallNumber"]
    assert tool.integration == "synway_ippbx"
    assert tool.annotations.open_world is True

    result = await tool.async_call(
        hass,
        llm.ToolInput(tool_name=tool.name, tool_args={"number": "5551234"}),
        _context(),
    )
    assert isinstance(result, llm.ToolResult)
    data: Any = result.data
    assert data["response_type"] == "action_done"
    assert data["speech"]["plain"]["speech"] == "Calling 5551234"
    assert simulator.requests[-1].body == {"extid": "1000", "calledid": "5551234"}


async def test_no_tools_without_loaded_entry(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """Nothing is offered while no PBX is loaded, nor to other APIs."""
    assert async_get_tools(hass, _context(), llm.LLM_API_ASSIST) is None
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert async_get_tools(hass, _context(), "other_api") is None
    tools = async_get_tools(hass, _context(), llm.LLM_API_ASSIST)
    assert tools is not None
    assert {tool.name for tool in tools.tools} == TOOLS
    api = await llm.async_get_api(hass, llm.LLM_API_ASSIST, _context())
    assert {tool.name for tool in api.tools} >= TOOLS
    await hass.config_entries.async_unload(mock_config_entry.entry_id)
    api = await llm.async_get_api(hass, llm.LLM_API_ASSIST, _context())
    assert not TOOLS & {tool.name for tool in api.tools}


async def test_no_tools_without_intents(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """If the intents are not registered, no empty tool list is offered."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    for intent_type in INTENTS:
        intent.async_remove(hass, intent_type)
    assert async_get_tools(hass, _context(), llm.LLM_API_ASSIST) is None
