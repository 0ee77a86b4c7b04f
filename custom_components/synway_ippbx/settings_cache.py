"""Extension settings (DND, forwarding, …): read at setup and after each change, not per poll.

The settings switches and texts read this cache; a change is written with ext_mod and read
back, so the entity shows what the PBX took, not what was asked.
"""

from collections.abc import Callable, Iterable

from .api import ExtensionChanges, ExtensionSettings, SynwayClient, SynwayError
from .const import LOGGER
from .pbx.store import Key, settings_key


class ExtensionSettingsCache:
    """Extension settings (ext_query), read at setup and after each change, not per poll."""

    def __init__(
        self, client: SynwayClient, notify: Callable[[set[Key]], None]
    ) -> None:
        """Start empty; ``async_refresh`` fills it and ``notify`` wakes the readers."""
        self._client = client
        self._notify = notify
        self.settings: dict[str, ExtensionSettings] = {}

    async def async_refresh(self, extensions: Iterable[str] | None = None) -> None:
        """Read the settings of some extensions (or all) and wake their entities."""
        wanted = sorted(extensions) if extensions is not None else None
        try:
            found = await self._client.ext_query(wanted)
        except SynwayError as err:
            LOGGER.debug("Could not read extension settings: %s", err)
            return
        changed: set[Key] = set()
        for item in found:
            if item.extension:
                self.settings[item.extension] = item
                changed.add(settings_key(item.extension))
        self._notify(changed)

    async def async_change(self, extension: str, changes: ExtensionChanges) -> None:
        """Write a change (ext_mod) and read the result back."""
        await self._client.ext_update(extension, changes)
        await self.async_refresh([extension])


def forward_change(attribute: str, destination: str) -> ExtensionChanges:
    """The ext_mod change that sends one forwarding rule to ``destination`` ("" = off)."""
    if attribute == "forward_busy":
        return ExtensionChanges(forward_busy=destination)
    if attribute == "forward_no_answer":
        return ExtensionChanges(forward_no_answer=destination)
    return ExtensionChanges(forward_always=destination)
