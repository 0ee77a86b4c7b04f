"""The one mapping of the PBX's refusals (errnos) onto sentences people understand.

Actions, entity commands and Assist all say the same thing for the same errno: "1000
is busy or offline, so the PBX cannot ring it.", not "error 31: Connection error". Each
entry is a translation key of ``exceptions``; an errno without one, or one whose
sentence needs an extension when none is known, falls back to ``pbx_error``, which
names the errno and the manual's meaning.
"""

from dataclasses import dataclass
from typing import Final

from .api import SynwayRequestError
from .pbx.objects import ExtensionRecord

FALLBACK_KEY: Final = "pbx_error"

# errno -> translation key. Keys whose sentence names {extension} are listed below.
ERRNO_KEYS: Final[dict[int, str]] = {
    6: "pbx_call_gone",
    7: "pbx_prompt_missing",
    10: "pbx_monitor_refused",
    11: "pbx_no_such_extension",
    12: "pbx_no_such_queue",
    14: "pbx_call_not_permitted",
    16: "pbx_no_such_alarm",
    26: "pbx_agent_not_logged_in",
    27: "pbx_agent_not_paused",
    31: "pbx_extension_busy",
    33: "pbx_trunk_unavailable",
}
NAMES_EXTENSION: Final = frozenset(
    {
        "pbx_monitor_refused",
        "pbx_no_such_extension",
        "pbx_call_not_permitted",
        "pbx_agent_not_logged_in",
        "pbx_agent_not_paused",
        "pbx_extension_busy",
    }
)


@dataclass(frozen=True, slots=True)
class ErrorWords:
    """A refusal in words: the ``exceptions`` translation key and its placeholders."""

    key: str
    placeholders: dict[str, str]


def extension_label(record: ExtensionRecord | None, number: str) -> str:
    """How a sentence names an extension: "Reception (1003)", or just "1000"."""
    if record is not None and record.name and record.name != number:
        return f"{record.name} ({number})"
    return number


def pbx_error_words(err: SynwayRequestError, extension: str | None) -> ErrorWords:
    """The sentence for a refusal; ``extension`` is the label of the phone it is about.

    Every sentence may use ``errno`` and ``meaning``; those naming the phone also get
    ``extension`` (so a caller that knows no extension gets the generic sentence).
    """
    placeholders = {"errno": str(err.errno), "meaning": err.meaning}
    key = ERRNO_KEYS.get(err.errno, FALLBACK_KEY)
    if key in NAMES_EXTENSION:
        if not extension:
            return ErrorWords(FALLBACK_KEY, placeholders)
        placeholders["extension"] = extension
    return ErrorWords(key, placeholders)
