"""Assist intents: place and end calls from the extension set aside for voice control.

The entry option ``assist_extension`` names the extension that rings first when Assist
places a call (the PBX's ``ext_outbound``): the user picks it up and hears the far end ring.
"""

from typing import Any, Final, override

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import intent
import probatio

from .const import CONF_ASSIST_EXTENSION, DOMAIN
from .coordinator import SynwayConfigEntry
from .helpers import async_pbx_call
from .store import ExtensionRecord

INTENT_CALL_NUMBER: Final = "SynwayCallNumber"
INTENT_CALL_EXTENSION: Final = "SynwayCallExtension"
INTENT_HANG_UP: Final = "SynwayHangUp"


async def async_setup_intents(hass: HomeAssistant) -> None:
    """Register the intent handlers (called by the intent integration's platform scan)."""
    intent.async_register(hass, CallNumberIntentHandler())
    intent.async_register(hass, CallExtensionIntentHandler())
    intent.async_register(hass, HangUpIntentHandler())


def _assist_entry(hass: HomeAssistant) -> tuple[SynwayConfigEntry, str]:
    """The loaded entry Assist acts on, and its assist extension.

    With a single loaded PBX, that one; with several, the first that has an assist
    extension configured.

    Raises:
        intent.IntentHandleError: no PBX is loaded, or none has an assist extension.
    """
    entries: list[SynwayConfigEntry] = hass.config_entries.async_loaded_entries(DOMAIN)
    if not entries:
        raise intent.IntentHandleError(
            "No Synway IPPBX is set up and running", "no_pbx"
        )
    configured = [
        entry for entry in entries if entry.options.get(CONF_ASSIST_EXTENSION)
    ]
    if not configured:
        raise intent.IntentHandleError(
            "No assist extension is configured: choose the extension that places "
            "voice-assistant calls in the Synway IPPBX integration options",
            "no_assist_extension",
        )
    entry = configured[0]
    return entry, str(entry.options[CONF_ASSIST_EXTENSION])


def _label(record: ExtensionRecord | None, number: str) -> str:
    """How speech names a number: "Reception (1003)" for a named extension."""
    if record is not None and record.name and record.name != number:
        return f"{record.name} ({number})"
    return number


def _find_extension(entry: SynwayConfigEntry, wanted: str) -> ExtensionRecord:
    """The extension with this number or (case-insensitive) PBX name.

    Raises:
        intent.IntentHandleError: none, or several extensions share the name.
    """
    extensions = entry.runtime_data.coordinator.data.extensions
    key = " ".join(wanted.split())
    if (record := extensions.get(key)) is not None:
        return record
    folded = key.casefold()
    candidates = [folded]
    if folded.startswith("the "):
        candidates.append(folded[4:])
    for candidate in candidates:
        matches = [
            record
            for record in extensions.values()
            if record.name and " ".join(record.name.split()).casefold() == candidate
        ]
        if len(matches) == 1:
            return matches[0]
        if matches:
            numbers = ", ".join(sorted(record.number for record in matches))
            raise intent.IntentHandleError(
                f"Several extensions are named {wanted}: {numbers}",
                "ambiguous_extension",
            )
    raise intent.IntentHandleError(
        f"There is no extension called {wanted} on the PBX", "no_such_extension"
    )


async def _dial(entry: SynwayConfigEntry, assist_extension: str, number: str) -> None:
    """Have the assist extension call ``number``; PBX errors become intent errors."""
    if assist_extension not in entry.runtime_data.coordinator.data.extensions:
        raise intent.IntentHandleError(
            f"The assist extension {assist_extension} does not exist on the PBX",
            "assist_extension_missing",
        )
    try:
        await async_pbx_call(
            entry.runtime_data.client.ext_outbound(assist_extension, number)
        )
    except HomeAssistantError as err:
        raise intent.IntentHandleError(
            f"The PBX could not place the call: {err}", "pbx_error"
        ) from err


def _speech(intent_obj: intent.Intent, text: str) -> intent.IntentResponse:
    response = intent_obj.create_response()
    response.async_set_speech(text)
    return response


class CallNumberIntentHandler(intent.IntentHandler):
    """Call a telephone number or an extension number."""

    intent_type = INTENT_CALL_NUMBER
    description = (
        "Calls a telephone number or a phone extension number from the Synway IPPBX "
        "assist extension; that extension rings first, then the number is dialled"
    )

    @property
    @override
    def slot_schema(self) -> dict[Any, Any]:
        """The number to dial."""
        return {probatio.Required("number"): intent.non_empty_string}

    @override
    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Dial the number."""
        slots = self.async_validate_slots(intent_obj.slots)
        number = "".join(str(slots["number"]["value"]).split())
        entry, assist_extension = _assist_entry(intent_obj.hass)
        await _dial(entry, assist_extension, number)
        record = entry.runtime_data.coordinator.data.extensions.get(number)
        return _speech(intent_obj, f"Calling {_label(record, number)}")


class CallExtensionIntentHandler(intent.IntentHandler):
    """Call an extension by its PBX name (or its number)."""

    intent_type = INTENT_CALL_EXTENSION
    description = (
        "Calls a Synway IPPBX phone extension by its name (e.g. 'reception') or its "
        "number from the assist extension, which rings first"
    )

    @property
    @override
    def slot_schema(self) -> dict[Any, Any]:
        """The extension's name or number."""
        return {probatio.Required("name"): intent.non_empty_string}

    @override
    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Find the extension and dial it."""
        slots = self.async_validate_slots(intent_obj.slots)
        entry, assist_extension = _assist_entry(intent_obj.hass)
        record = _find_extension(entry, str(slots["name"]["value"]))
        await _dial(entry, assist_extension, record.number)
        return _speech(intent_obj, f"Calling {_label(record, record.number)}")


class HangUpIntentHandler(intent.IntentHandler):
    """Hang up the assist extension's call."""

    intent_type = INTENT_HANG_UP
    description = "Hangs up the current call of the Synway IPPBX assist extension"

    @override
    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """End the assist extension's current call leg."""
        entry, assist_extension = _assist_entry(intent_obj.hass)
        leg = entry.runtime_data.coordinator.data.calls.current_leg(assist_extension)
        if leg is None:
            raise intent.IntentHandleError(
                f"Extension {assist_extension} is not on a call", "no_call"
            )
        try:
            await async_pbx_call(entry.runtime_data.client.hangup(leg.pbx_id))
        except HomeAssistantError as err:
            raise intent.IntentHandleError(
                f"The PBX could not hang up: {err}", "pbx_error"
            ) from err
        return _speech(intent_obj, "Hung up")
