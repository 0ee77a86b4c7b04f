"""Which families of per-phone entities exist at all: the user's choice in the options.

A phone always has its status, registered, on-a-call, other-party, hang-up and call-event
entities (only Status starts enabled). The rest come in families the options switch on or
off: a family not chosen has no registry entries, choosing it later creates them (the
entry reloads), and dropping it removes them. Entities of a family that stays keep their
registry entries, so what a user enabled by hand stays enabled.
"""

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

from .const import ObjectKind


class EntityFamily(StrEnum):
    """A group of per-phone entities that is created, or not, as a whole."""

    CALL_FIGURES = "call_figures"
    FORWARDING = "forwarding"
    DO_NOT_DISTURB = "do_not_disturb"
    QUEUE_AGENTS = "queue_agents"


CONF_ENTITY_FAMILIES: Final = "entity_families"

# What a new PBX gets: Status per phone (always there) and the one switch most people
# reach for. A phone then has at most 7 registry entries, Status and Do not disturb
# enabled; the PBX's own call figures live on the hub whatever is chosen here.
DEFAULT_FAMILIES: Final = (EntityFamily.DO_NOT_DISTURB,)

# The entity description keys of each family (queue-agent keys start with ``queue_``).
_FAMILY_OF_KEY: Final[Mapping[str, EntityFamily]] = {
    "calls_today": EntityFamily.CALL_FIGURES,
    "missed_calls_today": EntityFamily.CALL_FIGURES,
    "talk_time_today": EntityFamily.CALL_FIGURES,
    "last_missed_call": EntityFamily.CALL_FIGURES,
    "forward_always": EntityFamily.FORWARDING,
    "forward_busy": EntityFamily.FORWARDING,
    "forward_no_answer": EntityFamily.FORWARDING,
    "forward_always_destination": EntityFamily.FORWARDING,
    "forward_busy_destination": EntityFamily.FORWARDING,
    "forward_no_answer_destination": EntityFamily.FORWARDING,
    "voicemail": EntityFamily.FORWARDING,
    "do_not_disturb": EntityFamily.DO_NOT_DISTURB,
}


def parse_families(value: Any) -> list[EntityFamily]:
    """The known families in a stored or submitted list, in a stable order."""
    items = (
        set(value)
        if isinstance(value, Iterable) and not isinstance(value, str)
        else set()
    )
    return [family for family in EntityFamily if family.value in items]


def chosen_families(options: Mapping[str, Any]) -> frozenset[EntityFamily]:
    """The families an entry's options choose.

    Entries made before the choice existed have every family: they keep their entities.
    """
    if (value := options.get(CONF_ENTITY_FAMILIES)) is None:
        return frozenset(EntityFamily)
    return frozenset(parse_families(value))


def family_of(key: str) -> EntityFamily | None:
    """The family of a per-phone entity description key (None: always created)."""
    if key.startswith("queue_"):
        return EntityFamily.QUEUE_AGENTS
    return _FAMILY_OF_KEY.get(key)


def wanted(options: Mapping[str, Any], key: str) -> bool:
    """Whether a per-phone entity with this description key is to be created."""
    family = family_of(key)
    return family is None or family in chosen_families(options)


@callback
def async_remove_unchosen(
    hass: HomeAssistant, entry_id: str, options: Mapping[str, Any]
) -> None:
    """Remove the registry entries of the per-phone families the options leave out.

    Per-phone unique ids read ``<entry id>_extension_<number>_<key>``; the hub's own
    figures (``<entry id>_calls_today``) are no family's and stay.
    """
    chosen = chosen_families(options)
    if len(chosen) == len(EntityFamily):
        return
    prefix = f"{entry_id}_{ObjectKind.EXTENSION}_"
    registry = er.async_get(hass)
    for registry_entry in er.async_entries_for_config_entry(registry, entry_id):
        if not registry_entry.unique_id.startswith(prefix):
            continue
        _number, _, key = registry_entry.unique_id[len(prefix) :].partition("_")
        family = family_of(key)
        if family is not None and family not in chosen:
            registry.async_remove(registry_entry.entity_id)
