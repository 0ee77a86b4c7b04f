"""What the action modules share: field names, schema pieces, lookups, the Action record."""

from collections.abc import Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, cast

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util.json import JsonValueType
import probatio as vol

from ..api import ApiModel
from ..const import DOMAIN
from ..coordinator import SynwayConfigEntry
from ..pbx.store import PbxStore

ATTR_EXTENSION: Final = "extension"
ATTR_CALL_ID: Final = "call_id"
ATTR_QUEUE: Final = "queue"
ATTR_PASSWORD: Final = "password"  # noqa: S105 - a field name
ATTR_EXTENSIONS: Final = "extensions"
ATTR_TARGET: Final = "target"
ATTR_TRUNKS: Final = "trunks"
ATTR_PORT: Final = "port"
ATTR_NAME: Final = "name"
ATTR_ENABLED: Final = "enabled"

POSITIVE = vol.All(vol.Coerce(int), vol.Range(min=1))
STRINGS = vol.All(cv.ensure_list, [cv.string])

BASE: Final[dict[Any, Any]] = {vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string}
# extension or call_id: Exclusive refuses both, the AtLeastOne check refuses neither.
CALL_TARGET: Final[dict[Any, Any]] = {
    **BASE,
    vol.Exclusive(
        ATTR_EXTENSION, "leg", msg="give extension or call_id, not both"
    ): cv.string,
    vol.Exclusive(ATTR_CALL_ID, "leg", msg="give extension or call_id, not both"): (
        cv.string
    ),
}
CALL_TARGET_CHECKS: Final = (cv.has_at_least_one_key(ATTR_EXTENSION, ATTR_CALL_ID),)

type Handler = Callable[
    [SynwayConfigEntry, ServiceCall], Coroutine[Any, Any, ServiceResponse]
]


@dataclass(frozen=True, slots=True)
class Action:
    """One action: its handler, fields, whole-call checks, and how it is registered."""

    handler: Handler
    schema: dict[Any, Any]
    response: SupportsResponse = SupportsResponse.NONE
    admin: bool = False
    # Whether object fields may be given as devices or entities (not for new objects).
    pickers: bool = True
    # Validators of the whole call data, run after the fields' own (one of, at least one).
    checks: tuple[Callable[[Any], Any], ...] = ()


def validation_error(key: str, **placeholders: object) -> ServiceValidationError:
    """A translated validation error of this integration."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={
            name: str(value) for name, value in placeholders.items()
        },
    )


def known_extension(store: PbxStore, extension: str) -> str:
    """Refuse an extension the PBX does not have (when its extensions are known)."""
    if store.extensions and extension not in store.extensions:
        raise validation_error("unknown_extension", extension=extension)
    return extension


def known_queue(store: PbxStore, queue: str) -> str:
    """Refuse a queue the PBX does not have (when its queues are known)."""
    if store.queues and queue not in store.queues:
        raise validation_error("unknown_queue", queue=queue)
    return queue


def leg_uuid(store: PbxStore, data: Mapping[str, Any]) -> str:
    """The leg uuid to act on, from ``extension`` or ``call_id`` (exactly one, by schema)."""
    extension: str | None = data.get(ATTR_EXTENSION)
    if extension is not None:
        known_extension(store, extension)
        if (leg := store.calls.current_leg(extension)) is None:
            raise validation_error("no_active_call", extension=extension)
        return leg.pbx_id
    call_id = cast("str", data[ATTR_CALL_ID])
    if call_id and store.calls.call(call_id) is not None:
        if leg := store.calls.find_leg(call_id):
            return leg.pbx_id
    return call_id


def dicts(models: Iterable[ApiModel]) -> list[JsonValueType]:
    """Export models as JSON-serialisable dicts."""
    return [model.to_dict() for model in models]
