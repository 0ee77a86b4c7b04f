"""LLM tools: the Assist intents offered to LLM conversation agents."""

from typing import Final

from homeassistant.components.llm import LLMTools
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import intent
from homeassistant.helpers.llm import (
    LLM_API_ASSIST,
    IntentTool,
    LLMContext,
    Tool,
    ToolAnnotations,
)

from .const import DOMAIN
from .intent import INTENT_CALL_EXTENSION, INTENT_CALL_NUMBER, INTENT_HANG_UP

# The tools reach the telephone network: a call rings people outside Home Assistant.
LLM_ANNOTATIONS: Final = ToolAnnotations(open_world=True)

# Intents of this integration offered as tools, with their titles.
LLM_INTENTS: Final = {
    INTENT_CALL_NUMBER: "Call a phone number",
    INTENT_CALL_EXTENSION: "Call a phone extension",
    INTENT_HANG_UP: "Hang up the phone",
}


@callback
def async_get_tools(
    hass: HomeAssistant, llm_context: LLMContext, api_id: str
) -> LLMTools | None:
    """Offer the call intents to the Assist API while a PBX is loaded."""
    if api_id != LLM_API_ASSIST or not hass.config_entries.async_loaded_entries(DOMAIN):
        return None
    tools: list[Tool] = [
        IntentTool(
            f"{DOMAIN}__{handler.intent_type}",
            handler,
            title=LLM_INTENTS[handler.intent_type],
            integration=DOMAIN,
            annotations=LLM_ANNOTATIONS,
        )
        for handler in intent.async_get(hass)
        if handler.intent_type in LLM_INTENTS
    ]
    if not tools:
        return None
    return LLMTools(tools=tools)
