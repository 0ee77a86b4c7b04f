"""The one mapping of the PBX's refusals (errnos) onto sentences people understand.

Actions, entity commands and Assist all say the same thing for the same errno: "1000
is busy or offline, so the PBX cannot ring it.", not "error 31: Connection error". Each
entry is a translation key of ``exceptions``; an errno without one, or one whose
sentence needs an extension when none is known, falls back to ``pbx_error``, which
names the errno and the manual's meaning. ``pbx_errors`` is the one error path of actions
and entity commands that turns every error of the client into Home Assistant's.
"""

from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate, Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .api import (
    SynwayAuthenticationError,
    SynwayConnectionError,
    SynwayError,
    SynwayRequestError,
)
from .const import DOMAIN
from .coordinator import SynwayConfigEntry
from .entity import SynwayEntity
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


@contextmanager
def pbx_errors(
    hass: HomeAssistant, entry: SynwayConfigEntry, extension: str | None = None
) -> Iterator[None]:
    """The one error path of actions and buttons: the client's errors, translated.

    A refusal reads as ``pbx_error_words`` words it (as Assist says it), naming
    ``extension`` (the number of the phone acted on) where the sentence needs one.
    Rejected credentials also start the reauthentication flow, as a failed poll would:
    the user learns of a changed PBX password from the action, not an hour later.
    """
    try:
        yield
    except ValueError as err:
        # The client's own checks of a value the schemas cannot see (e.g. a blank name).
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_input",
            translation_placeholders={"error": str(err)},
        ) from err
    except SynwayAuthenticationError as err:
        entry.async_start_reauth(hass)
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="invalid_auth"
        ) from err
    except SynwayRequestError as err:
        label = None
        if extension:
            record = entry.runtime_data.coordinator.data.extensions.get(extension)
            label = extension_label(record, extension)
        words = pbx_error_words(err, label)
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key=words.key,
            translation_placeholders=words.placeholders,
        ) from err
    except SynwayConnectionError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="cannot_connect",
            translation_placeholders={"error": str(err)},
        ) from err
    except SynwayError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="unexpected_response",
            translation_placeholders={"error": str(err)},
        ) from err


def pbx_command[E: SynwayEntity, **P, R](
    func: Callable[Concatenate[E, P], Coroutine[Any, Any, R]],
) -> Callable[Concatenate[E, P], Coroutine[Any, Any, R]]:
    """Decorate an entity's command (a press, a turn_on) with ``pbx_errors``."""

    @wraps(func)
    async def _command(self: E, /, *args: P.args, **kwargs: P.kwargs) -> R:
        kind, number = self.key
        extension = number if kind == "extension" else None
        with pbx_errors(self.hass, self.coordinator.config_entry, extension):
            return await func(self, *args, **kwargs)

    return _command
