"""What every Assist intent handler of this integration shares: answers and errors.

Every failure is answered with a spoken, translated sentence (an error response), never
an exception: Home Assistant's default agent logs a traceback for ``IntentHandleError``
and speaks only the fixed text of the sentences file's ``responses: errors:``, which
cannot say which name was ambiguous or which extension is busy.
"""

from collections.abc import Mapping
from typing import Any, Final, override

from homeassistant.helpers import intent
import probatio

from .const import LOGGER
from .coordinator import SynwayConfigEntry
from .pbx.objects import ExtensionRecord
from .voice import SpokenError, async_phrase, loaded_entry, named_extension

_OPTIONAL_TEXT: Final = str
SLOT_PBX: Final = "pbx"
SLOT_NAME: Final = "name"
_PBX_DESCRIPTION: Final = (
    "Name of the PBX (its integration entry title), only needed when several are set "
    "up; the one with a voice assistant extension when left out"
)


# -- what a sentence names ------------------------------------------------------------


def sentence_pbx(intent_obj: intent.Intent) -> SynwayConfigEntry:
    """The PBX a sentence names (its ``pbx`` slot), else the voice assistant's."""
    return loaded_entry(intent_obj.hass, text_slot(intent_obj.slots, SLOT_PBX))


def sentence_extension(
    intent_obj: intent.Intent, slots: Mapping[str, Any]
) -> tuple[SynwayConfigEntry, ExtensionRecord]:
    """The PBX and the extension a sentence names (its ``name`` slot)."""
    entry = sentence_pbx(intent_obj)
    return entry, named_extension(entry, str(slots[SLOT_NAME]["value"]))


# -- answers ------------------------------------------------------------------------


async def phrase(
    intent_obj: intent.Intent, key: str, category: str = "common", **values: str
) -> str:
    """A sentence in the language the user spoke."""
    return await async_phrase(
        intent_obj.hass, intent_obj.language, category, key, **values
    )


async def say(
    intent_obj: intent.Intent, key: str, **values: str
) -> intent.IntentResponse:
    """A spoken answer from our translations."""
    response = intent_obj.create_response()
    response.async_set_speech(await phrase(intent_obj, key, **values))
    return response


async def spoken_error(
    intent_obj: intent.Intent, error: SpokenError
) -> intent.IntentResponse:
    """The error response Assist speaks (and an LLM reads)."""
    LOGGER.debug("Assist answer %s for %s", error.key, intent_obj.intent_type)
    response = intent_obj.create_response()
    response.async_set_error(
        intent.IntentResponseErrorCode.FAILED_TO_HANDLE,
        await phrase(intent_obj, error.key, "exceptions", **error.placeholders),
    )
    return response


async def join(intent_obj: intent.Intent, items: list[str]) -> str:
    """Items as "A, B and C" in the user's language."""
    head = items[0]
    for item in items[1:-1]:
        head = await phrase(intent_obj, "voice_list_more", head=head, item=item)
    if len(items) == 1:
        return head
    return await phrase(intent_obj, "voice_list", head=head, last=items[-1])


def text_slot(slots: Mapping[str, Any], name: str) -> str | None:
    """A slot's text, or None when it is missing or blank."""
    value = slots.get(name, {}).get("value")
    if value is None:
        return None
    text = str(value).strip()
    return text or None


# -- handlers -----------------------------------------------------------------------


class SynwayIntentHandler(intent.IntentHandler):
    """Base: failures become spoken error responses."""

    @override
    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Answer, or speak why not."""
        try:
            slots = self.async_validate_slots(intent_obj.slots)
            return await self.async_answer(intent_obj, slots)
        except SpokenError as error:
            return await spoken_error(intent_obj, error)

    @property
    def own_slots(self) -> dict[Any, Any]:
        """The slots of this intent (subclasses), besides the PBX."""
        return {}

    @property
    @override
    def slot_schema(self) -> dict[Any, Any]:
        """The intent's own slots, and which PBX."""
        return {
            **self.own_slots,
            probatio.Optional(SLOT_PBX, description=_PBX_DESCRIPTION): _OPTIONAL_TEXT,
        }

    async def async_answer(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> intent.IntentResponse:
        """Handle the validated slots (subclasses)."""
        raise NotImplementedError
