"""What Assist's intents and the LLM tools share: the PBX and its extensions by spoken name.

Also the translated sentences both speak, and the call records they read out. Every
failure is a ``SpokenError``: a translation key the caller turns into an answer.
"""

from collections.abc import Mapping
from dataclasses import dataclass
import datetime as dt
import re
from typing import Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers import translation

from .api import CallRecord, CdrQuery, CdrStatus, SynwayError, SynwayRequestError
from .const import CONF_ASSIST_EXTENSION, DOMAIN, LOGGER
from .coordinator import SynwayConfigEntry
from .records import ExtensionRecord

# The PBX's "connection error": the extension to ring is busy or not reachable.
ERRNO_BUSY: Final = 31
# Separators people say or type inside a phone number: "555-1234", "555 1234", "(555) 1234".
_SEPARATORS: Final = re.compile(r"[\s\-./()]+")
_DIALLABLE: Final = re.compile(r"\+?[0-9*#]+")
_EPOCH: Final = dt.datetime.min


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


def loaded_entry(hass: HomeAssistant) -> SynwayConfigEntry:
    """The PBX Assist asks: the first with a voice assistant extension, else the first."""
    entries: list[SynwayConfigEntry] = hass.config_entries.async_loaded_entries(DOMAIN)
    if not entries:
        raise SpokenError("voice_no_pbx")
    return next(
        (entry for entry in entries if entry.options.get(CONF_ASSIST_EXTENSION)),
        entries[0],
    )


def assist_extension(entry: SynwayConfigEntry) -> ExtensionRecord:
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


def spoken_name(record: ExtensionRecord) -> str:
    """How speech names an extension."""
    return label(record, record.number)


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


def named_extension(entry: SynwayConfigEntry, wanted: str) -> ExtensionRecord:
    """The extension named or numbered ``wanted``, which must exist."""
    record = find_extension(entry.runtime_data.coordinator.data.extensions, wanted)
    if record is None:
        raise SpokenError("voice_unknown_extension", name=wanted.strip())
    return record


@dataclass(frozen=True, slots=True)
class Target:
    """What to dial and how to say it."""

    number: str
    spoken: str


def dial_target(entry: SynwayConfigEntry, wanted: str) -> Target:
    """An extension by name or number, or any other dialable number."""
    extensions = entry.runtime_data.coordinator.data.extensions
    record = find_extension(extensions, wanted)
    if record is not None:
        return Target(record.number, spoken_name(record))
    if (number := dial_string(wanted)) is not None:
        return Target(number, number)
    raise SpokenError("voice_unknown_extension", name=wanted.strip())


def pbx_failure(err: SynwayError, extension: str) -> SpokenError:
    """A client error as a sentence: busy, refused or unreachable."""
    if isinstance(err, SynwayRequestError):
        if err.errno == ERRNO_BUSY:
            return SpokenError("voice_extension_busy", extension=extension)
        return SpokenError("voice_pbx_refused", meaning=err.meaning)
    return SpokenError("voice_pbx_unreachable")


# -- what the phones are doing ------------------------------------------------------


def on_the_phone(entry: SynwayConfigEntry) -> list[ExtensionRecord]:
    """The extensions in a call now, by number."""
    store = entry.runtime_data.coordinator.data
    return [
        record
        for number, record in sorted(store.extensions.items())
        if record.status.on_the_phone or store.calls.current_leg(number)
    ]


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
