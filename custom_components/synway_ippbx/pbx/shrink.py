"""Holding back a large removal until the next poll confirms it.

A list answer can be complete and well formed and still be wrong for a moment (a PBX
restoring a backup, a half-applied configuration, a proxy's stale copy). Removing a
device removes its entities and, with them, what the user set on them; so when a list
shrinks a lot at once, the objects that went missing stay until the next poll says the
same. A small removal (an extension deleted on the PBX) goes through at once.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from ..const import LOGGER

# "A lot": more than this many objects, or more than this share of the list.
SHRINK_COUNT = 10
SHRINK_SHARE = 0.10


def is_large(gone: int, before: int) -> bool:
    """Whether losing ``gone`` of ``before`` objects at once needs confirming."""
    return gone > SHRINK_COUNT or gone > SHRINK_SHARE * before


@dataclass
class ShrinkGuard:
    """Per kind of object, the ids a poll found missing and kept for the next one."""

    held: dict[str, frozenset[str]] = field(default_factory=dict)

    def keep(
        self, kind: str, before: Collection[str], after: Collection[str]
    ) -> set[str]:
        """The ids missing from ``after`` that stay for now (unconfirmed removals).

        Ids missing in two polls in a row are confirmed and may go; ids newly missing go
        at once when they are few, and are held for one poll when they are many.
        """
        gone = set(before) - set(after)
        confirmed = gone & self.held.get(kind, frozenset())
        new = gone - confirmed
        if new and is_large(len(new), len(before)):
            self.held[kind] = frozenset(new)
            return new
        self.held.pop(kind, None)
        return set()

    def keep_all(
        self, lists: Mapping[str, tuple[Collection[str], Collection[str]]]
    ) -> dict[str, set[str]]:
        """Per kind, the objects a poll left out that stay until the next poll confirms.

        Logs what is held back and what goes, with counts: a removal takes devices,
        entities and the user's settings on them.
        """
        keep: dict[str, set[str]] = {}
        for kind, (before, after) in lists.items():
            keep[kind] = held = self.keep(kind, before, after)
            if held:
                LOGGER.info(
                    "The PBX lists %d of %d %ss; keeping the %d missing until the "
                    "next poll confirms they are gone",
                    len(after),
                    len(before),
                    kind,
                    len(held),
                )
            elif removed := len(set(before) - set(after)):
                LOGGER.info(
                    "%d %s(s) no longer on the PBX; removing their devices",
                    removed,
                    kind,
                )
        return keep
