"""LLM tools: the call intents offered to LLM conversation agents."""

from typing import Any

from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import entity_registry as er, intent, llm
from homeassistant.setup import async_setup_component
import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.const import CONF_ASSIST_EXTENSION, DOMAIN
from custom_components.synway_ippbx.llm import LLM_INTENTS as INTENTS, async_get_tools
from simulator import Simulator
from tests.conftest import settle

# The PBX's call records are in its local time: "today" is the same day on both sides.
pytestmark = pytest.mark.usefixtures("pbx_time_zone")

TOOLS = {
    "synway_ippbx__SynwayCallExtension",
    "synway_ippbx__SynwayHangUp",
    "synway_ippbx__SynwayTransfer",
    "synway_ippbx__SynwayForward",
    "synway_ippbx__SynwayForwardOff",
    "synway_ippbx__SynwayQueueAgent",
    "synway_ippbx__SynwayWakeUpSet",
    "synway_ippbx__SynwayWakeUpCancel",
    "synway_ippbx__SynwayWakeUpList",
    "synway_ippbx__list_extensions",
    "synway_ippbx__recent_calls",
    "synway_ippbx__list_queues",
}


def expose(hass: HomeAssistant, entry: MockConfigEntry, *numbers: str) -> None:
    """Expose these extensions' Status entities to Assist."""
    registry = er.async_get(hass)
    for number in numbers:
        entity_id = registry.async_get_entity_id(
            "sensor", DOMAIN, f"{entry.entry_id}_extension_{number}_status"
        )
        assert entity_id is not None
        async_expose_entity(hass, "conversation", entity_id, True)


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
    assert "synway_ippbx__SynwayCallNumber" not in tools
    tool = tools["synway_ippbx__SynwayCallExtension"]
    assert tool.integration == "synway_ippbx"
    assert tool.annotations.open_world is True

    result = await tool.async_call(
        hass,
        llm.ToolInput(tool_name=tool.name, tool_args={"name": "5551234"}),
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


async def test_every_parameter_is_described(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """Each tool parameter carries a description for the model."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    tools = async_get_tools(hass, _context(), llm.LLM_API_ASSIST)
    assert tools is not None
    for tool in tools.tools:
        schema: Any = probatio.to_openapi(
            tool.parameters, custom_serializer=llm.selector_serializer
        )
        for name, prop in schema.get("properties", {}).items():
            assert prop.get("description"), f"{tool.name}.{name} has no description"


async def test_call_tool_names_the_calling_extension(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """Without a voice extension the model can name the caller; else a short error."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    api = await llm.async_get_api(hass, llm.LLM_API_ASSIST, _context())
    tools = {tool.name: tool for tool in api.tools}
    tool = tools["synway_ippbx__SynwayCallExtension"]
    before = len(simulator.requests)
    result = await tool.async_call(
        hass,
        llm.ToolInput(tool_name=tool.name, tool_args={"name": "555 1234"}),
        _context(),
    )
    assert isinstance(result, llm.ToolResult)
    data: Any = result.data
    assert data["response_type"] == "error"
    assert data["speech"]["plain"]["speech"].startswith(
        "No voice assistant extension is set."
    )
    assert simulator.requests[before:] == []
    result = await tool.async_call(
        hass,
        llm.ToolInput(
            tool_name=tool.name,
            tool_args={"name": "555 1234", "from_extension": "1001"},
        ),
        _context(),
    )
    assert isinstance(result, llm.ToolResult)
    data = result.data
    assert data["speech"]["plain"]["speech"] == "Calling 5551234 from 1001"
    assert simulator.requests[-1].body == {"extid": "1001", "calledid": "5551234"}


async def test_read_tools(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """The model reads extensions with live status, and recent and missed calls."""
    simulator.state.extensions["1003"].settings["username"] = "Reception"
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    expose(hass, mock_config_entry, "1001", "1002", "1003")
    api = await llm.async_get_api(hass, llm.LLM_API_ASSIST, _context())
    tools = {tool.name: tool for tool in api.tools}
    simulator.call_internal("1003", "1001", answer=True)
    await settle(hass, simulator)
    listing: Any = await tools["synway_ippbx__list_extensions"].async_call(
        hass, llm.ToolInput(tool_name="list", tool_args={}), _context()
    )
    by_number = {item["number"]: item for item in listing["extensions"]}
    assert by_number["1003"]["name"] == "Reception"
    assert by_number["1001"]["status"] == "talking"
    assert by_number["1001"]["other_party"] == "1003"
    assert by_number["1001"]["other_party_name"] == "Reception"
    assert "other_party" not in by_number["1002"]
    simulator.hangup("1003")
    simulator.call_internal("1003", "1002")
    await settle(hass, simulator)
    simulator.hangup("1003")
    await settle(hass, simulator)
    recent = tools["synway_ippbx__recent_calls"]
    calls: Any = await recent.async_call(
        hass, llm.ToolInput(tool_name="recent", tool_args={}), _context()
    )
    assert [(c["caller"], c["callee"]) for c in calls["calls"]] == [
        ("1003", "1002"),
        ("1003", "1001"),
    ]
    assert calls["calls"][0]["caller_name"] == "Reception"
    missed: Any = await recent.async_call(
        hass,
        llm.ToolInput(
            tool_name="recent", tool_args={"missed": True, "extension": "1002"}
        ),
        _context(),
    )
    assert [c["callee"] for c in missed["calls"]] == ["1002"]
    unknown = await recent.async_call(
        hass,
        llm.ToolInput(tool_name="recent", tool_args={"extension": "kitchen"}),
        _context(),
    )
    assert isinstance(unknown, llm.ToolResult)
    assert unknown.error
    assert unknown.data == {"error": "There is no extension called kitchen on the PBX."}


async def test_read_tools_without_pbx(hass: HomeAssistant) -> None:
    """Read tools called after the PBX went away answer in a sentence."""
    from custom_components.synway_ippbx.llm import (
        ListExtensionsTool,
        ListQueuesTool,
        RecentCallsTool,
    )

    for tool in (ListExtensionsTool(), RecentCallsTool(), ListQueuesTool()):
        result = await tool.async_call(
            hass, llm.ToolInput(tool_name=tool.name, tool_args={}), _context()
        )
        assert isinstance(result, llm.ToolResult)
        assert result.data == {"error": "No Synway IPPBX is set up and running."}


async def test_only_exposed_extensions_reach_the_model(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """An extension whose Status entity is not exposed is neither listed nor named."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    expose(hass, mock_config_entry, "1001")
    simulator.call_internal("1003", "1001", answer=True)
    await settle(hass, simulator)
    tools = {
        t.name: t for t in (await llm.async_get_api(hass, "assist", _context())).tools
    }
    listing: Any = await tools["synway_ippbx__list_extensions"].async_call(
        hass, llm.ToolInput(tool_name="list", tool_args={}), _context()
    )
    assert [item["number"] for item in listing["extensions"]] == ["1001"]
    assert "other_party" not in listing["extensions"][0]
    simulator.hangup("1003")
    simulator.call_internal("1004", "1005")
    await settle(hass, simulator)
    simulator.hangup("1004")
    await settle(hass, simulator)
    recent: Any = await tools["synway_ippbx__recent_calls"].async_call(
        hass, llm.ToolInput(tool_name="recent", tool_args={"date": "today"}), _context()
    )
    assert [(c["caller"], c["callee"]) for c in recent["calls"]] == [
        ("another extension", "1001")
    ]
    hidden = await tools["synway_ippbx__recent_calls"].async_call(
        hass,
        llm.ToolInput(tool_name="recent", tool_args={"extension": "1004"}),
        _context(),
    )
    assert isinstance(hidden, llm.ToolResult)
    assert hidden.error
    bad_date = await tools["synway_ippbx__recent_calls"].async_call(
        hass, llm.ToolInput(tool_name="recent", tool_args={"date": "soon"}), _context()
    )
    assert isinstance(bad_date, llm.ToolResult)
    assert bad_date.data == {"error": "soon is not a date (say today, or YYYY-MM-DD)."}
    queues: Any = await tools["synway_ippbx__list_queues"].async_call(
        hass, llm.ToolInput(tool_name="queues", tool_args={}), _context()
    )
    assert [q["name"] for q in queues["queues"]] == ["Sales", "Support"]
    other_pbx = await tools["synway_ippbx__list_queues"].async_call(
        hass, llm.ToolInput(tool_name="queues", tool_args={"pbx": "Lobby"}), _context()
    )
    assert isinstance(other_pbx, llm.ToolResult)
    assert other_pbx.data == {"error": "There is no Synway IPPBX called Lobby."}
    named: Any = await tools["synway_ippbx__list_queues"].async_call(
        hass, llm.ToolInput(tool_name="queues", tool_args={"pbx": "synway"}), _context()
    )
    assert len(named["queues"]) == 2
