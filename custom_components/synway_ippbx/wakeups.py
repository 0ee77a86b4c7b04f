"""Who wakes for what: the entities listening per store key (see coordinator.py).

Home Assistant's coordinator calls every listener on every update; with thousands of
entities a single report would wake them all. This index lets a report wake only the
entities of the objects it changed, while the coordinator's base class holds one listener
for them all: it schedules the polls and wakes everyone when the PBX becomes unreachable
or reachable again, which concerns every entity. One registration per entity, not two: a
large PBX has thousands.
"""

from collections.abc import Callable, Iterable
from functools import partial
import logging
from typing import Any

from homeassistant.core import CALLBACK_TYPE

from .pbx.store import Key


class KeyedListeners:
    """The listeners of each store key, and the one hook that holds them in the base class."""

    def __init__(
        self,
        logger: logging.Logger,
        hold: Callable[[CALLBACK_TYPE], CALLBACK_TYPE],
    ) -> None:
        """``hold`` registers a listener with the base class and returns its remover."""
        self._logger = logger
        self._hold = hold
        self._keyed: dict[Any, list[CALLBACK_TYPE]] = {}
        self._release: CALLBACK_TYPE | None = None

    @property
    def keys(self) -> list[Any]:
        """The keys someone listens to, in the order they were first listened to."""
        return list(self._keyed)

    def add(self, context: Any, update_callback: CALLBACK_TYPE) -> Callable[[], None]:
        """Listen for news of one key; returns the remover."""
        if not self._keyed:
            self._release = self._hold(self.wake_everyone)
        self._keyed.setdefault(context, []).append(update_callback)
        return partial(self._remove, context, update_callback)

    def _remove(self, context: Any, update_callback: CALLBACK_TYPE) -> None:
        listeners = self._keyed.get(context)
        if listeners is None or update_callback not in listeners:
            return
        listeners.remove(update_callback)
        if not listeners:
            del self._keyed[context]
            if not self._keyed and self._release is not None:
                self._release()
                self._release = None

    def notify(self, keys: Iterable[Key]) -> None:
        """Call the listeners of the given keys, and nobody else."""
        for key in keys:
            for update_callback in list(self._keyed.get(key, ())):
                update_callback()

    def wake_everyone(self) -> None:
        """What the base class calls every listener for: wake every keyed one.

        A listener that raises is logged and the others still run, as in Home
        Assistant's own loop.
        """
        for listeners in list(self._keyed.values()):
            for update_callback in list(listeners):
                try:
                    update_callback()
                except Exception:
                    self._logger.exception(
                        "Unexpected error updating listener %s", id(update_callback)
                    )
