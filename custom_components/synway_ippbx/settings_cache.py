"""Extension settings (DND, forwarding, …): read at setup and after each change, not per poll.

The settings switches and texts read this cache; a change is written with ext_mod and read
back, so the entity shows what the PBX took, not what was asked.
"""

from collections.abc import Iterable

from homeassistant.core import CALLBACK_TYPE, callback

from .api import ExtensionChanges, ExtensionSettings, SynwayClient, SynwayError
from .const import LOGGER


class ExtensionSettingsCache:
    """Extension settings (ext_query), read at setup and after each change, not per poll."""

    def __init__(self, client: SynwayClient) -> None:
        """Start empty; ``async_refresh`` fills it."""
        self._client = client
        self.settings: dict[str, ExtensionSettings] = {}
        self._listeners: dict[str, set[CALLBACK_TYPE]] = {}

    async def async_refresh(self, extensions: Iterable[str] | None = None) -> None:
        """Read the settings of some extensions (or all) and wake their entities."""
        wanted = sorted(extensions) if extensions is not None else None
        try:
            found = await self._client.ext_query(wanted)
        except SynwayError as err:
            LOGGER.debug("Could not read extension settings: %s", err)
            return
        for item in found:
            if item.extension:
                self.settings[item.extension] = item
                for update in list(self._listeners.get(item.extension, ())):
                    update()

    async def async_change(self, extension: str, changes: ExtensionChanges) -> None:
        """Write a change (ext_mod) and read the result back."""
        await self._client.ext_update(extension, changes)
        await self.async_refresh([extension])

    @callback
    def async_add_listener(
        self, extension: str, update: CALLBACK_TYPE
    ) -> CALLBACK_TYPE:
        """Call ``update`` when the extension's settings were read again."""
        listeners = self._listeners.setdefault(extension, set())
        listeners.add(update)
        return lambda: listeners.discard(update)


def forward_change(attribute: str, destination: str) -> ExtensionChanges:
    """The ext_mod change that sends one forwarding rule to ``destination`` ("" = off)."""
    if attribute == "forward_busy":
        return ExtensionChanges(forward_busy=destination)
    if attribute == "forward_no_answer":
        return ExtensionChanges(forward_no_answer=destination)
    return ExtensionChanges(forward_always=destination)
