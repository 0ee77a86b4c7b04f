"""LLM tools: place and end calls, and read who is on the phone and who called."""

from typing import Any, Final, override

from homeassistant.components.llm import LLMTools
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import intent
from homeassistant.helpers.llm import (
    LLM_API_ASSIST,
    IntentTool,
    LLMContext,
    Tool,
    ToolAnnotations,
    ToolInput,
    ToolResult,
)
from homeassistant.util.json import JsonObjectType
import probatio

from .api import CallRecord
from .const import DOMAIN
from .coordinator import SynwayConfigEntry
from .intent import INTENT_CALL_EXTENSION, INTENT_CALL_NUMBER, INTENT_HANG_UP
from .voice import SpokenError, async_phrase, find_extension, recent_calls

# The call tools reach the telephone network: a call rings people outside Home Assistant.
LLM_ANNOTATIONS: Final = ToolAnnotations(open_world=True)
READ_ANNOTATIONS: Final = ToolAnnotations(
    read_only=True, destructive=False, idempotent=True, open_world=False
)

# Intents of this integration offered as tools, with their titles. Each takes the
# calling (or hung-up) extension as a parameter, so each can work even without a voice
# assistant extension; the answer says so when neither is given.
LLM_INTENTS: Final = {
    INTENT_CALL_NUMBER: "Call a phone number",
    INTENT_CALL_EXTENSION: "Call a phone extension",
    INTENT_HANG_UP: "Hang up a phone",
}
TOOL_EXTENSIONS: Final = f"{DOMAIN}__list_extensions"
TOOL_RECENT_CALLS: Final = f"{DOMAIN}__recent_calls"
MAX_RECORDS: Final = 20


def _entry(hass: HomeAssistant) -> SynwayConfigEntry | None:
    entries: list[SynwayConfigEntry] = hass.config_entries.async_loaded_entries(DOMAIN)
    return entries[0] if entries else None


async def _failure(
    hass: HomeAssistant, llm_context: LLMContext, error: SpokenError
) -> ToolResult:
    """A short sentence the model can repeat, marked as an error."""
    message = await async_phrase(
        hass, llm_context.language, "exceptions", error.key, **error.placeholders
    )
    return ToolResult(data={"error": message}, error=True)


class ListExtensionsTool(Tool):
    """Every extension with its name and what it is doing now."""

    name = TOOL_EXTENSIONS
    title = "List phone extensions"
    description = (
        "Lists the extensions of the Synway IPPBX phone system with their numbers, "
        "names and live call status (idle, ringing, talking, hold, unregistered…), "
        "and the other party of a call in progress"
    )
    parameters = probatio.Schema({})
    annotations = READ_ANNOTATIONS
    integration = DOMAIN

    @override
    async def async_call(
        self, hass: HomeAssistant, tool_input: ToolInput, llm_context: LLMContext
    ) -> ToolResult | JsonObjectType:
        """Read the live store."""
        if (entry := _entry(hass)) is None:
            return await _failure(hass, llm_context, SpokenError("voice_no_pbx"))
        store = entry.runtime_data.coordinator.data
        extensions: list[Any] = []
        for number, record in sorted(store.extensions.items()):
            item: dict[str, Any] = {
                "number": number,
                "name": record.name,
                "status": record.status.value,
            }
            if (other := store.calls.other_party(number)) is not None and (
                other_number := other.extension or other.number
            ):
                item["other_party"] = other_number
                item["other_party_name"] = store.extension_name(other_number)
            extensions.append(item)
        return {"extensions": extensions}


class RecentCallsTool(Tool):
    """The latest calls from the PBX's call records."""

    name = TOOL_RECENT_CALLS
    title = "Recent phone calls"
    description = (
        "Reads the latest calls from the Synway IPPBX call records, newest first: "
        "who called, whom, when, and whether the call was answered"
    )
    parameters = probatio.Schema(
        {
            probatio.Optional(
                "extension",
                description=(
                    "Name or number of the extension whose incoming calls to list; "
                    "all calls when left out"
                ),
            ): str,
            probatio.Optional(
                "missed",
                description="true to list only calls that were not answered",
            ): bool,
            probatio.Optional(
                "limit", description=f"How many calls to list (1 to {MAX_RECORDS})"
            ): probatio.All(int, probatio.Range(min=1, max=MAX_RECORDS)),
        }
    )
    annotations = ToolAnnotations(
        read_only=True, destructive=False, idempotent=True, open_world=True
    )
    integration = DOMAIN

    @override
    async def async_call(
        self, hass: HomeAssistant, tool_input: ToolInput, llm_context: LLMContext
    ) -> ToolResult | JsonObjectType:
        """Ask the PBX for its call records."""
        args = tool_input.tool_args
        try:
            entry, records = await _records(hass, args)
        except SpokenError as error:
            return await _failure(hass, llm_context, error)
        store = entry.runtime_data.coordinator.data
        limit = int(args.get("limit") or 5)
        return {
            "calls": [
                {
                    "caller": record.caller,
                    "caller_name": store.extension_name(record.caller),
                    "callee": record.destination,
                    "callee_name": store.extension_name(record.destination),
                    "start": record.start.isoformat() if record.start else None,
                    "status": record.status.value if record.status else None,
                    "talk_time": record.talk_time,
                }
                for record in records[:limit]
            ]
        }


async def _records(
    hass: HomeAssistant, args: dict[str, Any]
) -> tuple[SynwayConfigEntry, list[CallRecord]]:
    """The entry and the call records the tool arguments ask for.

    Raises:
        SpokenError: no PBX, an unknown extension, or no answer from the PBX.
    """
    if (entry := _entry(hass)) is None:
        raise SpokenError("voice_no_pbx")
    number: str | None = None
    if wanted := str(args.get("extension") or "").strip():
        record = find_extension(entry.runtime_data.coordinator.data.extensions, wanted)
        if record is None:
            raise SpokenError("voice_unknown_extension", name=wanted)
        number = record.number
    return entry, await recent_calls(entry, number, missed=bool(args.get("missed")))


@callback
def async_get_tools(
    hass: HomeAssistant, llm_context: LLMContext, api_id: str
) -> LLMTools | None:
    """Offer the call intents and the read tools to the Assist API while a PBX is loaded."""
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
    tools += [ListExtensionsTool(), RecentCallsTool()]
    return LLMTools(tools=tools)
