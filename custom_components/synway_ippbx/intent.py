"""Assist intents: call, hang up and ask about the phones, in the user's language.

The entry option ``assist_extension`` names the extension that rings first when Assist
places a call (the PBX's ``ext_outbound``): the user picks it up and hears the far end ring.
A sentence may name another calling extension ("call Alice from Reception").

Every failure is answered with a spoken, translated sentence (an error response), never
an exception: Home Assistant's default agent logs a traceback for ``IntentHandleError``
and speaks only the fixed text of the sentences file's ``responses: errors:``, which
cannot say which name was ambiguous or which extension is busy. Finding extensions and
the sentences themselves are in ``voice.py``, shared with the LLM tools.
"""

from typing import Any, Final, override

from homeassistant.core import HomeAssistant
from homeassistant.helpers import intent
import probatio

from .api import ExtensionStatus, SynwayError
from .const import CONF_ASSIST_EXTENSION
from .coordinator import SynwayConfigEntry
from .intent_act import ACTION_HANDLERS
from .intent_ask import QUESTION_HANDLERS
from .intent_common import (
    SLOT_NAME,
    SLOT_PBX,
    SynwayIntentHandler,
    join,
    phrase,
    say,
    sentence_pbx,
    text_slot,
)
from .pbx.objects import ExtensionRecord
from .voice import (
    SpokenError,
    Target,
    assist_extension,
    dial_target,
    find_extension,
    label,
    loaded_entry,
    local_today,
    named_extension,
    on_the_phone,
    pbx_failure,
    recent_calls,
    spoken_name,
)
from .voice_names import dial_string

INTENT_CALL_NUMBER: Final = "SynwayCallNumber"
INTENT_CALL_EXTENSION: Final = "SynwayCallExtension"
INTENT_HANG_UP: Final = "SynwayHangUp"
INTENT_EXTENSION_STATUS: Final = "SynwayExtensionStatus"
INTENT_WHO_IS_ON_THE_PHONE: Final = "SynwayWhoIsOnThePhone"
INTENT_WHO_CALLED: Final = "SynwayWhoCalled"
INTENT_MISSED_CALLS: Final = "SynwayMissedCalls"
INTENT_ANSWER: Final = "SynwayAnswer"

SLOT_NUMBER: Final = "number"
SLOT_FROM: Final = "from_extension"
SLOT_PERIOD: Final = "period"

# How many call records a spoken answer lists.
SPOKEN_RECORDS: Final = 3
_OPTIONAL_TEXT: Final = str
_FROM_DESCRIPTION: Final = (
    "Name or number of the extension that rings first and places the call; the "
    "voice assistant extension when left out"
)


async def async_setup_intents(hass: HomeAssistant) -> None:
    """Register the intent handlers (called by the intent integration's platform scan)."""
    for handler in (
        CallNumberIntentHandler(),
        CallExtensionIntentHandler(),
        HangUpIntentHandler(),
        ExtensionStatusIntentHandler(),
        WhoIsOnThePhoneIntentHandler(),
        WhoCalledIntentHandler(),
        MissedCallsIntentHandler(),
        AnswerIntentHandler(),
        *QUESTION_HANDLERS,
        *ACTION_HANDLERS,
    ):
        intent.async_register(hass, handler)


# -- placing calls ------------------------------------------------------------------


async def _split_from(
    intent_obj: intent.Intent, entry: SynwayConfigEntry, wanted: str
) -> tuple[str, str | None]:
    """Split "Alice from Reception" when the whole is no extension's name.

    A sentence with one wildcard beats one with two, so "call {name} from {from}"
    never matches: the word that separates the two parts comes from the translations.
    """
    extensions = entry.runtime_data.coordinator.data.extensions
    if find_extension(extensions, wanted) is not None:
        return wanted, None
    word = await phrase(intent_obj, "voice_from_word")
    head, separator, tail = wanted.rpartition(f" {word.strip()} ")
    if separator and head.strip() and tail.strip():
        return head, tail
    return wanted, None


async def _dial(entry: SynwayConfigEntry, source: ExtensionRecord, number: str) -> None:
    """Have ``source`` ring first, then call ``number``."""
    try:
        await entry.runtime_data.client.ext_outbound(source.number, number)
    except ValueError as err:
        raise SpokenError("voice_not_a_number", number=number) from err
    except SynwayError as err:
        raise pbx_failure(err, spoken_name(source)) from err


async def _place_call(
    intent_obj: intent.Intent, wanted: str, source_name: str | None, *, number: bool
) -> intent.IntentResponse:
    """Find who calls whom, dial, and say so."""
    entry = loaded_entry(intent_obj.hass, text_slot(intent_obj.slots, SLOT_PBX))
    if source_name is None and not number:
        wanted, source_name = await _split_from(intent_obj, entry, wanted)
    if source_name:
        source = named_extension(entry, source_name)
    else:
        source = assist_extension(entry)
    if number:
        if (digits := dial_string(wanted)) is None:
            raise SpokenError("voice_not_a_number", number=wanted.strip())
        record = entry.runtime_data.coordinator.data.extensions.get(digits)
        target = Target(digits, label(record, digits))
    else:
        target = dial_target(entry, wanted, exclude=source.number)
    if target.number == source.number:
        # The PBX would ring the phone to call itself.
        raise SpokenError("voice_call_itself", extension=spoken_name(source))
    await _dial(entry, source, target.number)
    if source_name:
        return await say(
            intent_obj,
            "voice_calling_from",
            target=target.spoken,
            source=spoken_name(source),
        )
    return await say(intent_obj, "voice_calling", target=target.spoken)


class _CallIntentHandler(SynwayIntentHandler):
    """Call someone: one required slot says whom, an optional one who calls."""

    slot: str
    slot_description: str
    # Whether the slot must be digits (else a name, or digits).
    by_number: bool

    @property
    @override
    def own_slots(self) -> dict[Any, Any]:
        """Whom to call, and optionally the extension to call from."""
        return {
            probatio.Required(
                self.slot, description=self.slot_description
            ): intent.non_empty_string,
            probatio.Optional(SLOT_FROM, description=_FROM_DESCRIPTION): _OPTIONAL_TEXT,
        }

    @override
    async def async_answer(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> intent.IntentResponse:
        """Dial, from the named extension or the voice assistant's."""
        return await _place_call(
            intent_obj,
            str(slots[self.slot]["value"]),
            text_slot(slots, SLOT_FROM),
            number=self.by_number,
        )


class CallNumberIntentHandler(_CallIntentHandler):
    """Call a telephone number or an extension number."""

    intent_type = INTENT_CALL_NUMBER
    description = (
        "Calls a telephone number or a phone extension number through the Synway "
        "IPPBX: the calling extension rings first, then the number is dialled"
    )
    slot = SLOT_NUMBER
    slot_description = "The phone number to dial; spaces and dashes are ignored"
    by_number = True


class CallExtensionIntentHandler(_CallIntentHandler):
    """Call an extension by its PBX name, or any number."""

    intent_type = INTENT_CALL_EXTENSION
    description = (
        "Calls a Synway IPPBX phone extension by its name (e.g. 'reception') or "
        "number, or any phone number; the calling extension rings first"
    )
    slot = SLOT_NAME
    slot_description = (
        "Name of the extension on the PBX (case and spaces do not matter), its "
        "number, or a phone number"
    )
    by_number = False


class HangUpIntentHandler(SynwayIntentHandler):
    """Hang up an extension's call (the voice assistant extension's by default)."""

    intent_type = INTENT_HANG_UP
    description = (
        "Hangs up the current call of a Synway IPPBX extension, by default the "
        "voice assistant extension"
    )

    @property
    @override
    def own_slots(self) -> dict[Any, Any]:
        """Optionally, whose call."""
        return {
            probatio.Optional(
                SLOT_NAME,
                description=(
                    "Name or number of the extension whose call to end; the voice "
                    "assistant extension when left out"
                ),
            ): _OPTIONAL_TEXT,
        }

    @override
    async def async_answer(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> intent.IntentResponse:
        """End the extension's current call leg."""
        entry = sentence_pbx(intent_obj)
        name = text_slot(slots, SLOT_NAME)
        record = named_extension(entry, name) if name else assist_extension(entry)
        spoken = spoken_name(record)
        leg = entry.runtime_data.coordinator.data.calls.current_leg(record.number)
        if leg is None:
            raise SpokenError("voice_no_call", extension=spoken)
        try:
            await entry.runtime_data.client.hangup(leg.pbx_id)
        except SynwayError as err:
            raise pbx_failure(err, spoken) from err
        return await say(intent_obj, "voice_hung_up", extension=spoken)


class ExtensionStatusIntentHandler(SynwayIntentHandler):
    """Say whether an extension is on the phone."""

    intent_type = INTENT_EXTENSION_STATUS
    description = (
        "Tells whether a Synway IPPBX extension is on the phone, ringing, free or "
        "offline, and with whom it talks"
    )

    @property
    @override
    def own_slots(self) -> dict[Any, Any]:
        """The extension asked about."""
        return {
            probatio.Required(
                SLOT_NAME, description="Name or number of the extension"
            ): intent.non_empty_string,
        }

    @override
    async def async_answer(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> intent.IntentResponse:
        """Look at the extension's live state."""
        entry = sentence_pbx(intent_obj)
        store = entry.runtime_data.coordinator.data
        record = named_extension(entry, str(slots[SLOT_NAME]["value"]))
        spoken = spoken_name(record)
        if record.status is ExtensionStatus.RINGING:
            return await say(intent_obj, "voice_status_ringing", extension=spoken)
        if record.status is ExtensionStatus.UNREGISTERED:
            return await say(intent_obj, "voice_status_offline", extension=spoken)
        leg = store.calls.current_leg(record.number)
        if leg is None and not record.status.on_the_phone:
            return await say(intent_obj, "voice_status_free", extension=spoken)
        other = store.calls.other_party(record.number)
        if other is not None and (number := other.extension or other.number):
            return await say(
                intent_obj,
                "voice_status_talking_with",
                extension=spoken,
                other=label(store.extensions.get(number), number),
            )
        return await say(intent_obj, "voice_status_talking", extension=spoken)


class WhoIsOnThePhoneIntentHandler(SynwayIntentHandler):
    """Say who is on the phone."""

    intent_type = INTENT_WHO_IS_ON_THE_PHONE
    description = "Lists the Synway IPPBX extensions that are on the phone now"

    @override
    async def async_answer(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> intent.IntentResponse:
        """Name every busy extension."""
        busy = on_the_phone(
            loaded_entry(intent_obj.hass, text_slot(intent_obj.slots, SLOT_PBX))
        )
        if not busy:
            return await say(intent_obj, "voice_nobody_on_the_phone")
        names = await join(intent_obj, [spoken_name(record) for record in busy])
        key = "voice_one_on_the_phone" if len(busy) == 1 else "voice_on_the_phone"
        return await say(intent_obj, key, extensions=names)


class _CallListHandler(SynwayIntentHandler):
    """Who called, from the PBX's call records."""

    missed = False
    none_key = "voice_nobody_called"
    list_key = "voice_who_called"

    @property
    @override
    def own_slots(self) -> dict[Any, Any]:
        """Optionally, only today's calls."""
        return {
            probatio.Optional(
                SLOT_PERIOD, description="'today' for today's calls only"
            ): _OPTIONAL_TEXT,
        }

    @override
    async def async_answer(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> intent.IntentResponse:
        """Read the call records and say the latest few."""
        entry = sentence_pbx(intent_obj)
        number = entry.options.get(CONF_ASSIST_EXTENSION)
        today = text_slot(slots, SLOT_PERIOD) == "today"
        records = await recent_calls(
            entry,
            str(number) if number else None,
            missed=self.missed,
            day=local_today(intent_obj.hass) if today else None,
        )
        suffix = "_today" if today else ""
        if not records:
            return await say(intent_obj, self.none_key + suffix)
        extensions = entry.runtime_data.coordinator.data.extensions
        items = []
        for record in records[:SPOKEN_RECORDS]:
            caller = record.caller or "?"
            spoken = label(extensions.get(caller), caller)
            if record.start is not None:
                spoken = await phrase(
                    intent_obj,
                    "voice_call_at",
                    caller=spoken,
                    time=record.start.strftime("%H:%M"),
                )
            items.append(spoken)
        return await say(
            intent_obj,
            self.list_key + suffix,
            count=str(len(records)),
            calls=await join(intent_obj, items),
        )


class WhoCalledIntentHandler(_CallListHandler):
    """Say who called lately."""

    intent_type = INTENT_WHO_CALLED
    description = (
        "Tells who called lately (the voice assistant extension, or any inbound "
        "call), from the Synway IPPBX call records"
    )


class MissedCallsIntentHandler(_CallListHandler):
    """Say whether there are missed calls, and from whom."""

    intent_type = INTENT_MISSED_CALLS
    description = (
        "Tells whether calls were missed lately (the voice assistant extension's, "
        "or any inbound call) and from whom, from the Synway IPPBX call records"
    )
    missed = True
    none_key = "voice_no_missed_calls"
    list_key = "voice_missed_calls"


class AnswerIntentHandler(SynwayIntentHandler):
    """Explain that the PBX cannot pick up a phone."""

    intent_type = INTENT_ANSWER
    description = "Answers a ringing phone (the Synway IPPBX cannot do this remotely)"

    @override
    async def async_answer(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> intent.IntentResponse:
        """The API has no answer request: say what to do instead."""
        raise SpokenError("voice_cannot_answer")
