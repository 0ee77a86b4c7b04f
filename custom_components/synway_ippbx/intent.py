"""Assist intents: call, hang up and ask about the phones, in the user's language.

The entry option ``assist_extension`` names the extension that rings first when Assist
places a call (the PBX's ``ext_outbound``): the user picks it up and hears the far end ring.
A sentence may name another calling extension ("call Alice from Reception").

Every failure is answered with a spoken, translated sentence (an error response), never
an exception: Home Assistant's default agent logs a traceback for ``IntentHandleError``
and speaks only the fixed text of the sentences file's ``responses: errors:``, which
cannot say which name was ambiguous or which extension is busy.
"""

from collections.abc import Mapping
from dataclasses import dataclass
import datetime as dt
import re
from typing import Any, Final, override

from homeassistant.core import HomeAssistant
from homeassistant.helpers import intent, translation
import probatio

from .api import (
    CallRecord,
    CdrQuery,
    CdrStatus,
    ExtensionStatus,
    SynwayError,
    SynwayRequestError,
)
from .const import CONF_ASSIST_EXTENSION, DOMAIN, LOGGER
from .coordinator import SynwayConfigEntry
from .records import ExtensionRecord

INTENT_CALL_NUMBER: Final = "SynwayCallNumber"
INTENT_CALL_EXTENSION: Final = "SynwayCallExtension"
INTENT_HANG_UP: Final = "SynwayHangUp"
INTENT_EXTENSION_STATUS: Final = "SynwayExtensionStatus"
INTENT_WHO_IS_ON_THE_PHONE: Final = "SynwayWhoIsOnThePhone"
INTENT_WHO_CALLED: Final = "SynwayWhoCalled"
INTENT_MISSED_CALLS: Final = "SynwayMissedCalls"
INTENT_ANSWER: Final = "SynwayAnswer"

SLOT_NAME: Final = "name"
SLOT_NUMBER: Final = "number"
SLOT_FROM: Final = "from_extension"

# The PBX's "connection error": the extension to ring is busy or not reachable.
ERRNO_BUSY: Final = 31
# How many call records a spoken answer lists.
SPOKEN_RECORDS: Final = 3
# Separators people say or type inside a phone number: "555-1234", "555 1234", "(555) 1234".
_SEPARATORS: Final = re.compile(r"[\s\-./()]+")
_DIALLABLE: Final = re.compile(r"\+?[0-9*#]+")
_ON_THE_PHONE: Final = frozenset(
    {
        ExtensionStatus.TALKING,
        ExtensionStatus.HOLD,
        ExtensionStatus.RINGBACK,
        ExtensionStatus.BUSY,
        ExtensionStatus.IN_USE,
    }
)
_OPTIONAL_TEXT: Final = str
_EPOCH: Final = dt.datetime.min


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
    ):
        intent.async_register(hass, handler)


class SpokenError(Exception):
    """A failure to be spoken: a translation key of ``exceptions`` and its values."""

    def __init__(self, key: str, **placeholders: str) -> None:
        """Keep the key and placeholders for the translated sentence."""
        super().__init__(key)
        self.key = key
        self.placeholders = placeholders


def translation_language(language: str | None) -> str:
    """Our translation file for a conversation language ("zh-CN" speaks zh-Hans)."""
    if not language:
        return "en"
    lowered = language.casefold()
    if lowered.startswith("zh") and not lowered.endswith(("hant", "tw", "hk")):
        return "zh-Hans"
    return language


async def async_phrase(
    hass: HomeAssistant, language: str | None, category: str, key: str, **values: str
) -> str:
    """A translated sentence of this integration, filled in (English as a fallback)."""
    strings = await translation.async_get_translations(
        hass, translation_language(language), category, {DOMAIN}
    )
    path = f"component.{DOMAIN}.{category}.{key}"
    if category == "exceptions":
        path += ".message"
    text = strings.get(path, key)
    try:
        return text.format(**values)
    except KeyError, IndexError, ValueError:
        LOGGER.debug("Translation %s does not fit its values", path)
        return text


# -- finding the PBX and its extensions ---------------------------------------------


def _loaded_entry(hass: HomeAssistant) -> SynwayConfigEntry:
    """The PBX Assist asks: the first with a voice assistant extension, else the first."""
    entries: list[SynwayConfigEntry] = hass.config_entries.async_loaded_entries(DOMAIN)
    if not entries:
        raise SpokenError("voice_no_pbx")
    return next(
        (entry for entry in entries if entry.options.get(CONF_ASSIST_EXTENSION)),
        entries[0],
    )


def _assist_extension(entry: SynwayConfigEntry) -> ExtensionRecord:
    """The voice assistant extension, which must exist on the PBX."""
    number = entry.options.get(CONF_ASSIST_EXTENSION)
    if not number:
        raise SpokenError("voice_no_assist_extension")
    record = entry.runtime_data.coordinator.data.extensions.get(str(number))
    if record is None:
        raise SpokenError("voice_assist_extension_missing", extension=str(number))
    return record


def label(record: ExtensionRecord | None, number: str) -> str:
    """How speech names a number: "Reception (1003)" for a named extension."""
    if record is not None and record.name and record.name != number:
        return f"{record.name} ({number})"
    return number


def _fold(text: str) -> str:
    """A name as compared: case and spaces ignored ("Front  Desk" = "frontdesk")."""
    return "".join(text.split()).casefold()


def dial_string(text: str) -> str | None:
    """The digits to dial for a spoken or typed number, or None if it is not one."""
    digits = _SEPARATORS.sub("", text)
    return digits if _DIALLABLE.fullmatch(digits) else None


def find_extension(
    extensions: Mapping[str, ExtensionRecord], wanted: str
) -> ExtensionRecord | None:
    """The extension with this number or name; None when there is none.

    Raises:
        SpokenError: several extensions share the name.
    """
    wanted = wanted.strip()
    if (record := extensions.get(dial_string(wanted) or wanted)) is not None:
        return record
    candidates = [_fold(wanted)]
    if wanted.casefold().startswith("the "):
        candidates.append(_fold(wanted[4:]))
    for candidate in candidates:
        matches = [
            record
            for record in extensions.values()
            if record.name and _fold(record.name) == candidate
        ]
        if len(matches) == 1:
            return matches[0]
        if matches:
            numbers = sorted(record.number for record in matches)
            raise SpokenError(
                "voice_ambiguous_extension",
                name=wanted,
                numbers=", ".join(numbers[:-1]),
                last=numbers[-1],
            )
    return None


def _extension(entry: SynwayConfigEntry, wanted: str) -> ExtensionRecord:
    """The extension named or numbered ``wanted``, which must exist."""
    record = find_extension(entry.runtime_data.coordinator.data.extensions, wanted)
    if record is None:
        raise SpokenError("voice_unknown_extension", name=wanted.strip())
    return record


@dataclass(frozen=True, slots=True)
class _Target:
    """What to dial and how to say it."""

    number: str
    spoken: str


def _target(entry: SynwayConfigEntry, wanted: str) -> _Target:
    """An extension by name or number, or any other dialable number."""
    extensions = entry.runtime_data.coordinator.data.extensions
    record = find_extension(extensions, wanted)
    if record is not None:
        return _Target(record.number, label(record, record.number))
    if (number := dial_string(wanted)) is not None:
        return _Target(number, number)
    raise SpokenError("voice_unknown_extension", name=wanted.strip())


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
    word = await async_phrase(
        intent_obj.hass, intent_obj.language, "common", "voice_from_word"
    )
    head, separator, tail = wanted.rpartition(f" {word.strip()} ")
    if separator and head.strip() and tail.strip():
        return head, tail
    return wanted, None


# -- talking to the PBX -------------------------------------------------------------


def _pbx_failure(err: SynwayError, extension: str) -> SpokenError:
    """A client error as a sentence: busy, refused or unreachable."""
    if isinstance(err, SynwayRequestError):
        if err.errno == ERRNO_BUSY:
            return SpokenError("voice_extension_busy", extension=extension)
        return SpokenError("voice_pbx_refused", meaning=err.meaning)
    return SpokenError("voice_pbx_unreachable")


async def _dial(entry: SynwayConfigEntry, source: ExtensionRecord, number: str) -> None:
    """Have ``source`` ring first, then call ``number``."""
    try:
        await entry.runtime_data.client.ext_outbound(source.number, number)
    except ValueError as err:
        raise SpokenError("voice_not_a_number", number=number) from err
    except SynwayError as err:
        raise _pbx_failure(err, label(source, source.number)) from err


async def _place_call(
    intent_obj: intent.Intent, wanted: str, source_name: str | None, *, number: bool
) -> intent.IntentResponse:
    """Find who calls whom, dial, and say so."""
    entry = _loaded_entry(intent_obj.hass)
    if source_name is None and not number:
        wanted, source_name = await _split_from(intent_obj, entry, wanted)
    if number:
        if (digits := dial_string(wanted)) is None:
            raise SpokenError("voice_not_a_number", number=wanted.strip())
        record = entry.runtime_data.coordinator.data.extensions.get(digits)
        target = _Target(digits, label(record, digits))
    else:
        target = _target(entry, wanted)
    if source_name:
        source = _extension(entry, source_name)
    else:
        source = _assist_extension(entry)
    await _dial(entry, source, target.number)
    if source_name:
        return await _say(
            intent_obj,
            "voice_calling_from",
            target=target.spoken,
            source=label(source, source.number),
        )
    return await _say(intent_obj, "voice_calling", target=target.spoken)


# -- answers ------------------------------------------------------------------------


async def _say(
    intent_obj: intent.Intent, key: str, **values: str
) -> intent.IntentResponse:
    response = intent_obj.create_response()
    response.async_set_speech(
        await async_phrase(
            intent_obj.hass, intent_obj.language, "common", key, **values
        )
    )
    return response


async def _spoken_error(
    intent_obj: intent.Intent, error: SpokenError
) -> intent.IntentResponse:
    """The error response Assist speaks (and an LLM reads)."""
    LOGGER.debug("Assist answer %s for %s", error.key, intent_obj.intent_type)
    response = intent_obj.create_response()
    response.async_set_error(
        intent.IntentResponseErrorCode.FAILED_TO_HANDLE,
        await async_phrase(
            intent_obj.hass,
            intent_obj.language,
            "exceptions",
            error.key,
            **error.placeholders,
        ),
    )
    return response


async def _join(intent_obj: intent.Intent, items: list[str]) -> str:
    """Items as "A, B and C" in the user's language."""
    head = items[0]
    for item in items[1:-1]:
        head = await async_phrase(
            intent_obj.hass,
            intent_obj.language,
            "common",
            "voice_list_more",
            head=head,
            item=item,
        )
    if len(items) == 1:
        return head
    return await async_phrase(
        intent_obj.hass,
        intent_obj.language,
        "common",
        "voice_list",
        head=head,
        last=items[-1],
    )


def _text_slot(slots: Mapping[str, Any], name: str) -> str | None:
    value = slots.get(name, {}).get("value")
    if value is None:
        return None
    text = str(value).strip()
    return text or None


class SynwayIntentHandler(intent.IntentHandler):
    """Base: failures become spoken error responses."""

    @override
    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Answer, or speak why not."""
        try:
            slots = self.async_validate_slots(intent_obj.slots)
            return await self.async_answer(intent_obj, slots)
        except SpokenError as error:
            return await _spoken_error(intent_obj, error)

    async def async_answer(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> intent.IntentResponse:
        """Handle the validated slots (subclasses)."""
        raise NotImplementedError


class CallNumberIntentHandler(SynwayIntentHandler):
    """Call a telephone number or an extension number."""

    intent_type = INTENT_CALL_NUMBER
    description = (
        "Calls a telephone number or a phone extension number through the Synway "
        "IPPBX: the calling extension rings first, then the number is dialled"
    )

    @property
    @override
    def slot_schema(self) -> dict[Any, Any]:
        """The number to dial, and optionally the extension to call from."""
        return {
            probatio.Required(
                SLOT_NUMBER,
                description="The phone number to dial; spaces and dashes are ignored",
            ): intent.non_empty_string,
            probatio.Optional(
                SLOT_FROM,
                description=(
                    "Name or number of the extension that rings first and places "
                    "the call; the voice assistant extension when left out"
                ),
            ): _OPTIONAL_TEXT,
        }

    @override
    async def async_answer(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> intent.IntentResponse:
        """Dial the number."""
        return await _place_call(
            intent_obj,
            str(slots[SLOT_NUMBER]["value"]),
            _text_slot(slots, SLOT_FROM),
            number=True,
        )


class CallExtensionIntentHandler(SynwayIntentHandler):
    """Call an extension by its PBX name, or any number."""

    intent_type = INTENT_CALL_EXTENSION
    description = (
        "Calls a Synway IPPBX phone extension by its name (e.g. 'reception') or "
        "number, or any phone number; the calling extension rings first"
    )

    @property
    @override
    def slot_schema(self) -> dict[Any, Any]:
        """The extension's name or number, and optionally who calls."""
        return {
            probatio.Required(
                SLOT_NAME,
                description=(
                    "Name of the extension on the PBX (case and spaces do not "
                    "matter), its number, or a phone number"
                ),
            ): intent.non_empty_string,
            probatio.Optional(
                SLOT_FROM,
                description=(
                    "Name or number of the extension that rings first and places "
                    "the call; the voice assistant extension when left out"
                ),
            ): _OPTIONAL_TEXT,
        }

    @override
    async def async_answer(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> intent.IntentResponse:
        """Find the extension and dial it."""
        return await _place_call(
            intent_obj,
            str(slots[SLOT_NAME]["value"]),
            _text_slot(slots, SLOT_FROM),
            number=False,
        )


class HangUpIntentHandler(SynwayIntentHandler):
    """Hang up an extension's call (the voice assistant extension's by default)."""

    intent_type = INTENT_HANG_UP
    description = (
        "Hangs up the current call of a Synway IPPBX extension, by default the "
        "voice assistant extension"
    )

    @property
    @override
    def slot_schema(self) -> dict[Any, Any]:
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
        entry = _loaded_entry(intent_obj.hass)
        name = _text_slot(slots, SLOT_NAME)
        record = _extension(entry, name) if name else _assist_extension(entry)
        spoken = label(record, record.number)
        leg = entry.runtime_data.coordinator.data.calls.current_leg(record.number)
        if leg is None:
            raise SpokenError("voice_no_call", extension=spoken)
        try:
            await entry.runtime_data.client.hangup(leg.pbx_id)
        except SynwayError as err:
            raise _pbx_failure(err, spoken) from err
        return await _say(intent_obj, "voice_hung_up", extension=spoken)


class ExtensionStatusIntentHandler(SynwayIntentHandler):
    """Say whether an extension is on the phone."""

    intent_type = INTENT_EXTENSION_STATUS
    description = (
        "Tells whether a Synway IPPBX extension is on the phone, ringing, free or "
        "offline, and with whom it talks"
    )

    @property
    @override
    def slot_schema(self) -> dict[Any, Any]:
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
        entry = _loaded_entry(intent_obj.hass)
        store = entry.runtime_data.coordinator.data
        record = _extension(entry, str(slots[SLOT_NAME]["value"]))
        spoken = label(record, record.number)
        if record.status is ExtensionStatus.RINGING:
            return await _say(intent_obj, "voice_status_ringing", extension=spoken)
        if record.status is ExtensionStatus.UNREGISTERED:
            return await _say(intent_obj, "voice_status_offline", extension=spoken)
        leg = store.calls.current_leg(record.number)
        if leg is None and record.status not in _ON_THE_PHONE:
            return await _say(intent_obj, "voice_status_free", extension=spoken)
        other = store.calls.other_party(record.number)
        if other is not None and (number := other.extension or other.number):
            return await _say(
                intent_obj,
                "voice_status_talking_with",
                extension=spoken,
                other=label(store.extensions.get(number), number),
            )
        return await _say(intent_obj, "voice_status_talking", extension=spoken)


def on_the_phone(entry: SynwayConfigEntry) -> list[ExtensionRecord]:
    """The extensions in a call now, by number."""
    store = entry.runtime_data.coordinator.data
    return [
        record
        for number, record in sorted(store.extensions.items())
        if record.status in _ON_THE_PHONE or store.calls.current_leg(number)
    ]


class WhoIsOnThePhoneIntentHandler(SynwayIntentHandler):
    """Say who is on the phone."""

    intent_type = INTENT_WHO_IS_ON_THE_PHONE
    description = "Lists the Synway IPPBX extensions that are on the phone now"

    @override
    async def async_answer(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> intent.IntentResponse:
        """Name every busy extension."""
        busy = on_the_phone(_loaded_entry(intent_obj.hass))
        if not busy:
            return await _say(intent_obj, "voice_nobody_on_the_phone")
        names = await _join(
            intent_obj, [label(record, record.number) for record in busy]
        )
        key = "voice_one_on_the_phone" if len(busy) == 1 else "voice_on_the_phone"
        return await _say(intent_obj, key, extensions=names)


def _called(record: CallRecord, extension: str | None) -> bool:
    """Whether a record is a call to ``extension`` (any call from someone, if None)."""
    if extension is None:
        return bool(record.caller)
    return (
        extension in (record.destination, record.last_destination)
        and record.caller != extension
    )


async def recent_calls(
    entry: SynwayConfigEntry, extension: str | None, *, missed: bool
) -> list[CallRecord]:
    """The latest calls to ``extension`` (or inbound calls), newest first.

    Raises:
        SpokenError: the PBX did not answer.
    """
    query = CdrQuery(extension=extension)
    try:
        page = await entry.runtime_data.client.cdrs(query, page=1)
    except SynwayError as err:
        raise SpokenError("voice_no_call_records") from err
    records = [
        record
        for record in page.records
        if _called(record, extension)
        and (not missed or record.status is not CdrStatus.ANSWERED)
    ]
    records.sort(key=lambda record: record.start or _EPOCH, reverse=True)
    return records


class _CallListHandler(SynwayIntentHandler):
    """Who called, from the PBX's call records."""

    missed = False
    none_key = "voice_nobody_called"
    list_key = "voice_who_called"

    @override
    async def async_answer(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> intent.IntentResponse:
        """Read the call records and say the latest few."""
        entry = _loaded_entry(intent_obj.hass)
        number = entry.options.get(CONF_ASSIST_EXTENSION)
        records = await recent_calls(
            entry, str(number) if number else None, missed=self.missed
        )
        if not records:
            return await _say(intent_obj, self.none_key)
        extensions = entry.runtime_data.coordinator.data.extensions
        items = []
        for record in records[:SPOKEN_RECORDS]:
            caller = record.caller or "?"
            spoken = label(extensions.get(caller), caller)
            if record.start is not None:
                spoken = await async_phrase(
                    intent_obj.hass,
                    intent_obj.language,
                    "common",
                    "voice_call_at",
                    caller=spoken,
                    time=record.start.strftime("%H:%M"),
                )
            items.append(spoken)
        return await _say(
            intent_obj,
            self.list_key,
            count=str(len(records)),
            calls=await _join(intent_obj, items),
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
