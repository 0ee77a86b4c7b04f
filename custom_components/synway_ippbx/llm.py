"""LLM tools: calls, transfers, forwarding, wake-up calls and queues, and what is going on.

Only extensions whose Status entity the user exposed to Assist are named to the model
(it may run in the cloud): calls, records and parties of others are left out.
"""

import datetime as dt
from typing import Any, Final, override

from homeassistant.components.conversation import DOMAIN as CONVERSATION_DOMAIN
from homeassistant.components.homeassistant.exposed_entities import async_should_expose
from homeassistant.components.llm import LLMTools
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er, intent
from homeassistant.helpers.llm import (
    LLM_API_ASSIST,
    IntentTool,
    LLMContext,
    Tool,
    ToolAnnotations,
    ToolInput,
    ToolResult,
)
from homeassistant.util import dt as dt_util
from homeassistant.util.json import JsonObjectType
import probatio

from .api import CallRecord
from .const import DOMAIN
from .coordinator import SynwayConfigEntry
from .devices import hub_identifier
from .intent import INTENT_CALL_EXTENSION, INTENT_HANG_UP
from .intent_act import (
    INTENT_FORWARD,
    INTENT_FORWARD_OFF,
    INTENT_QUEUE_AGENT,
    INTENT_TRANSFER,
    INTENT_WAKE_UP_CANCEL,
    INTENT_WAKE_UP_LIST,
    INTENT_WAKE_UP_SET,
)
from .voice import (
    SpokenError,
    async_phrase,
    find_extension,
    loaded_entries,
    loaded_entry,
    local_today,
    queue_name,
    recent_calls,
)

# The call tools reach the telephone network: a call rings people outside Home Assistant.
LLM_ANNOTATIONS: Final = ToolAnnotations(open_world=True)
READ_ANNOTATIONS: Final = ToolAnnotations(
    read_only=True, destructive=False, idempotent=True, open_world=False
)

# Intents of this integration offered as tools, with their titles. Each takes the
# calling (or hung-up) extension as a parameter, so each can work even without a voice
# assistant extension; the answer says so when neither is given.
LLM_INTENTS: Final = {
    INTENT_CALL_EXTENSION: "Call a phone extension or number",
    INTENT_HANG_UP: "Hang up a phone",
    INTENT_TRANSFER: "Transfer a call",
    INTENT_FORWARD: "Forward an extension's calls",
    INTENT_FORWARD_OFF: "Stop forwarding an extension's calls",
    INTENT_QUEUE_AGENT: "Log a queue agent in or out, pause or resume",
    INTENT_WAKE_UP_SET: "Set a wake-up call",
    INTENT_WAKE_UP_CANCEL: "Cancel wake-up calls",
    INTENT_WAKE_UP_LIST: "List wake-up calls",
}
TOOL_EXTENSIONS: Final = f"{DOMAIN}__list_extensions"
TOOL_RECENT_CALLS: Final = f"{DOMAIN}__recent_calls"
TOOL_QUEUES: Final = f"{DOMAIN}__list_queues"
MAX_RECORDS: Final = 20
ARG_PBX: Final = "pbx"
_PBX_ARG: Final = {
    probatio.Optional(
        ARG_PBX,
        description=(
            "Name of the PBX, only needed when several are set up; the one with a "
            "voice assistant extension when left out"
        ),
    ): str
}


def _entry(hass: HomeAssistant, args: dict[str, Any]) -> SynwayConfigEntry:
    """The PBX the tool arguments name (or the voice assistant's)."""
    return loaded_entry(hass, str(args.get(ARG_PBX) or "").strip() or None)


def exposed_extensions(hass: HomeAssistant, entry: SynwayConfigEntry) -> set[str]:
    """The extensions whose Status entity is exposed to Assist."""
    registry = er.async_get(hass)
    prefix = f"{hub_identifier(entry.entry_id)}_extension_"
    exposed: set[str] = set()
    for item in er.async_entries_for_config_entry(registry, entry.entry_id):
        if (
            item.domain == "sensor"
            and item.unique_id.startswith(prefix)
            and item.unique_id.endswith("_status")
            and async_should_expose(hass, CONVERSATION_DOMAIN, item.entity_id)
        ):
            exposed.add(item.unique_id.removeprefix(prefix).removesuffix("_status"))
    return exposed


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
    parameters = probatio.Schema(_PBX_ARG)
    annotations = READ_ANNOTATIONS
    integration = DOMAIN

    @override
    async def async_call(
        self, hass: HomeAssistant, tool_input: ToolInput, llm_context: LLMContext
    ) -> ToolResult | JsonObjectType:
        """Read the live store: exposed extensions only."""
        try:
            entry = _entry(hass, tool_input.tool_args)
        except SpokenError as error:
            return await _failure(hass, llm_context, error)
        store = entry.runtime_data.coordinator.data
        shown = exposed_extensions(hass, entry)
        extensions: list[Any] = []
        for number, record in sorted(store.extensions.items()):
            if number not in shown:
                continue
            item: dict[str, Any] = {
                "number": number,
                "name": record.name,
                "status": record.status.value,
            }
            if (other := store.calls.other_party(number)) is not None and (
                other_number := other.extension or other.number
            ):
                if other.extension is None or other.extension in shown:
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
            probatio.Optional(
                "date",
                description="'today', or a day as YYYY-MM-DD: only that day's calls",
            ): str,
            **_PBX_ARG,
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
        shown = exposed_extensions(hass, entry)
        limit = int(args.get("limit") or 5)
        calls: list[Any] = []
        for record in records:
            if len(calls) == limit:
                break
            # A call between unexposed phones is nobody's business here.
            if record.caller not in shown and record.destination not in shown:
                continue
            calls.append(
                {
                    "caller": _party(record.caller, store.extensions, shown),
                    "caller_name": store.extension_name(record.caller)
                    if record.caller in shown
                    else None,
                    "callee": _party(record.destination, store.extensions, shown),
                    "callee_name": store.extension_name(record.destination)
                    if record.destination in shown
                    else None,
                    "start": record.start.isoformat() if record.start else None,
                    "status": record.status.value if record.status else None,
                    "talk_time": record.talk_time,
                }
            )
        return {"calls": calls}


def _party(number: str | None, extensions: Any, shown: set[str]) -> str | None:
    """A party as the model may see it: an unexposed extension is not named."""
    if number is None or number not in extensions or number in shown:
        return number
    return "another extension"


async def _records(
    hass: HomeAssistant, args: dict[str, Any]
) -> tuple[SynwayConfigEntry, list[CallRecord]]:
    """The entry and the call records the tool arguments ask for.

    Raises:
        SpokenError: no PBX, an unknown extension, or no answer from the PBX.
    """
    entry = _entry(hass, args)
    number: str | None = None
    if wanted := str(args.get("extension") or "").strip():
        record = find_extension(entry.runtime_data.coordinator.data.extensions, wanted)
        if record is None or record.number not in exposed_extensions(hass, entry):
            raise SpokenError("voice_unknown_extension", name=wanted)
        number = record.number
    day: dt.date | None = None
    if when := str(args.get("date") or "").strip():
        if when.casefold() == "today":
            day = local_today(hass)
        elif (day := dt_util.parse_date(when)) is None:
            raise SpokenError("voice_not_a_date", date=when)
    return entry, await recent_calls(
        entry, number, missed=bool(args.get("missed")), day=day
    )


class ListQueuesTool(Tool):
    """The call queues: waiting callers and free agents."""

    name = TOOL_QUEUES
    title = "List call queues"
    description = (
        "Lists the call queues of the Synway IPPBX with how many callers wait, the "
        "longest wait in seconds, and how many of their agents are free"
    )
    parameters = probatio.Schema(_PBX_ARG)
    annotations = READ_ANNOTATIONS
    integration = DOMAIN

    @override
    async def async_call(
        self, hass: HomeAssistant, tool_input: ToolInput, llm_context: LLMContext
    ) -> ToolResult | JsonObjectType:
        """Read the live store."""
        try:
            entry = _entry(hass, tool_input.tool_args)
        except SpokenError as error:
            return await _failure(hass, llm_context, error)
        now = dt_util.now()
        queues: list[Any] = [
            {
                "number": queue_id,
                "name": queue_name(record),
                "callers_waiting": record.caller_count,
                "longest_wait": record.longest_wait(now),
                "agents": len(record.agents),
                "agents_free": record.agents_available,
            }
            for queue_id, record in sorted(
                entry.runtime_data.coordinator.data.queues.items()
            )
        ]
        return {"queues": queues}


@callback
def async_get_tools(
    hass: HomeAssistant, llm_context: LLMContext, api_id: str
) -> LLMTools | None:
    """Offer the call intents and the read tools to the Assist API while a PBX is loaded."""
    if api_id != LLM_API_ASSIST or not loaded_entries(hass):
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
    tools += [ListExtensionsTool(), RecentCallsTool(), ListQueuesTool()]
    return LLMTools(tools=tools)
