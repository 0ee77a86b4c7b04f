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
from homeassistant.util import dt as dt_util

from .api import CallRecord, CdrQuery, CdrStatus, SynwayError, SynwayRequestError
from .const import CONF_ASSIST_EXTENSION, DOMAIN, LOGGER
from .coordinator import SynwayConfigEntry
from .errors import pbx_error_words
from .pbx.call_tracking import LegState
from .pbx.objects import ExtensionRecord, QueueRecord
from .voice_names import dial_string, match_extension

# A placeholder value that is a list: joined "A, B or C" in the answer's language.
OR_LIST: Final = "\x00or\x00"
AND_LIST: Final = "\x00and\x00"
LIST_SEPARATOR: Final = "\x00"
_EPOCH: Final = dt.datetime.min
# Words around a queue's name: "the sales queue", "销售队列".
_QUEUE_WORDS: Final = re.compile(
    r"^(?:the|a|my|our)(?:\s+|$)|\s*(?:call\s+)?queues?$|^queue\s+|队列$|的$|组$"
)


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
    common = f"component.{DOMAIN}.common."
    if category != "common" and any(
        value.startswith((OR_LIST, AND_LIST)) for value in values.values()
    ):
        strings = {
            **strings,
            **await translation.async_get_translations(
                hass, translation_language(language), "common", {DOMAIN}
            ),
        }
    for name, value in values.items():
        for marker, last_key in ((OR_LIST, "voice_or"), (AND_LIST, "voice_list")):
            if value.startswith(marker):
                values[name] = _joined(
                    value.removeprefix(marker).split(LIST_SEPARATOR),
                    strings.get(common + "voice_list_more", "{head}, {item}"),
                    strings.get(common + last_key, "{head}, {last}"),
                )
    try:
        return text.format(**values)
    except KeyError, IndexError, ValueError:
        LOGGER.debug("Translation %s does not fit its values", path)
        return text


def _joined(items: list[str], more: str, last: str) -> str:
    """Items as "A, B and C" (or "A, B or C") with the language's patterns."""
    head = items[0]
    for item in items[1:-1]:
        head = more.format(head=head, item=item)
    return last.format(head=head, last=items[-1]) if len(items) > 1 else head


def spoken_list(items: list[str], *, either: bool = False) -> str:
    """A placeholder value that ``async_phrase`` joins as "A, B and C" ("… or C")."""
    return (OR_LIST if either else AND_LIST) + LIST_SEPARATOR.join(items)


# -- finding the PBX and its extensions ---------------------------------------------


def loaded_entries(hass: HomeAssistant) -> list[SynwayConfigEntry]:
    """Every PBX set up and running."""
    return hass.config_entries.async_loaded_entries(DOMAIN)


def loaded_entry(hass: HomeAssistant, pbx: str | None = None) -> SynwayConfigEntry:
    """The PBX named ``pbx`` (by title), else the voice assistant's, else the first."""
    entries = loaded_entries(hass)
    if not entries:
        raise SpokenError("voice_no_pbx")
    if pbx:
        wanted = "".join(pbx.split()).casefold()
        for entry in entries:
            if wanted in "".join(entry.title.split()).casefold():
                return entry
        raise SpokenError("voice_unknown_pbx", name=pbx)
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


def find_extension(
    extensions: Mapping[str, ExtensionRecord],
    wanted: str,
    *,
    exclude: str | None = None,
) -> ExtensionRecord | None:
    """The one extension a person means by ``wanted``; None when none is meant.

    Raises:
        SpokenError: several extensions fit the name (ask which), or the only one is
            ``exclude`` (the voice assistant's own phone cannot call itself).
    """
    match = match_extension(extensions, wanted, exclude=exclude)
    if match.excluded is not None:
        raise SpokenError("voice_call_itself", extension=spoken_name(match.excluded))
    if len(match.found) > 1:
        raise SpokenError(
            "voice_ambiguous_extension",
            name=match.cleaned,
            choices=spoken_list(
                [spoken_name(record) for record in match.found], either=True
            ),
        )
    return match.found[0] if match.found else None


def named_extension(
    entry: SynwayConfigEntry, wanted: str, *, exclude: str | None = None
) -> ExtensionRecord:
    """The extension named or numbered ``wanted``, which must exist."""
    extensions = entry.runtime_data.coordinator.data.extensions
    record = find_extension(extensions, wanted, exclude=exclude)
    if record is None:
        raise SpokenError(
            "voice_unknown_extension", name=match_extension(extensions, wanted).cleaned
        )
    return record


@dataclass(frozen=True, slots=True)
class Target:
    """What to dial and how to say it."""

    number: str
    spoken: str


def dial_target(
    entry: SynwayConfigEntry, wanted: str, *, exclude: str | None = None
) -> Target:
    """An extension by name or number, or any other dialable number."""
    extensions = entry.runtime_data.coordinator.data.extensions
    record = find_extension(extensions, wanted, exclude=exclude)
    if record is not None:
        return Target(record.number, spoken_name(record))
    if (number := dial_string(wanted)) is not None:
        return Target(number, number)
    raise SpokenError(
        "voice_unknown_extension", name=match_extension(extensions, wanted).cleaned
    )


def pbx_failure(err: SynwayError, extension: str) -> SpokenError:
    """A client error as a sentence: a refusal in the words actions use, or unreachable.

    Refusals go through the one errno mapping (``pbx_errors``), so "call Alice" and the
    ``dial`` action say the same sentence for the same errno.
    """
    if isinstance(err, SynwayRequestError):
        words = pbx_error_words(err, extension)
        return SpokenError(words.key, **words.placeholders)
    return SpokenError("voice_pbx_unreachable")


# -- what the phones are doing ------------------------------------------------------


def on_the_phone(entry: SynwayConfigEntry) -> list[ExtensionRecord]:
    """The extensions in a call now, by number."""
    store = entry.runtime_data.coordinator.data
    return [
        record
        for number, record in sorted(store.extensions.items())
        if record.status.on_the_phone
        or (
            (leg := store.calls.current_leg(number))
            and leg.state is not LegState.RINGING
        )
    ]


def _called(record: CallRecord, extension: str | None) -> bool:
    """Whether a record is a call to ``extension`` (any call from someone, if None)."""
    if extension is None:
        return bool(record.caller)
    return (
        extension in (record.destination, record.last_destination)
        and record.caller != extension
    )


# The most call records one spoken answer reads (pages fetched four at a time).
CALL_RECORDS_READ: Final = 2000


async def recent_calls(
    entry: SynwayConfigEntry,
    extension: str | None,
    *,
    missed: bool,
    day: dt.date | None = None,
) -> list[CallRecord]:
    """The latest calls to ``extension`` (or inbound calls), newest first.

    Raises:
        SpokenError: the PBX did not answer.
    """
    query = CdrQuery(
        extension=extension,
        started_after=dt.datetime.combine(day, dt.time()) if day else None,
    )
    client = entry.runtime_data.client
    try:
        if day is None:
            # The PBX lists the newest first: the latest calls are on the first page.
            found = (await client.cdrs(query, page=1)).records
        else:
            # A day is counted: every page ("12 calls today" said 5 on a PBX paging 5).
            found = await client.cdrs_all(query, limit=CALL_RECORDS_READ)
    except SynwayError as err:
        raise SpokenError("voice_no_call_records") from err
    records = [
        record
        for record in found
        if _called(record, extension)
        and (not missed or record.status is not CdrStatus.ANSWERED)
        and (day is None or (record.start is not None and record.start.date() == day))
    ]
    records.sort(key=lambda record: record.start or _EPOCH, reverse=True)
    return records


def find_queue(entry: SynwayConfigEntry, wanted: str) -> QueueRecord:
    """The queue named (or numbered) ``wanted``: "sales", "the sales queue", "销售队列".

    Raises:
        SpokenError: no queue, or several, have that name.
    """
    queues = entry.runtime_data.coordinator.data.queues
    text = queue_words(wanted)
    folded = "".join(text.split())
    exact = [
        record
        for record in queues.values()
        if folded
        in (record.queue_id.casefold(), "".join((record.name or "").split()).casefold())
    ]
    found = exact or [
        record
        for record in queues.values()
        if folded and folded in "".join((record.name or "").split()).casefold()
    ]
    if len(found) == 1:
        return found[0]
    if found:
        raise SpokenError(
            "voice_ambiguous_queue",
            name=text,
            choices=spoken_list([queue_name(record) for record in found], either=True),
        )
    raise SpokenError("voice_unknown_queue", name=text or wanted.strip())


def queue_words(wanted: str) -> str:
    """The name in "the sales queue": "" when only "the queue" was said."""
    return _QUEUE_WORDS.sub("", wanted.strip().casefold()).strip()


def queue_name(record: QueueRecord) -> str:
    """How speech names a queue: its name, else its number."""
    return record.name or record.queue_id


def local_today(hass: HomeAssistant) -> dt.date:
    """Today where the user is (the PBX's call records are in local time)."""
    return dt_util.now().date()
