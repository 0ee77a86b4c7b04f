"""Text entities: where an extension's calls are forwarded to (ext_query / ext_mod)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import override

from homeassistant.components.text import TextEntity, TextEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import ExtensionChanges, Forwarding
from .const import ObjectKind
from .coordinator import SynwayConfigEntry
from .entity import SynwayEntityDescription, async_add_object_entities
from .entity_families import wanted
from .errors import pbx_command
from .features import Features
from .pbx.store import Key
from .setting_entity import ExtensionSettingEntity
from .settings_cache import forward_change

PARALLEL_UPDATES = 1

# The forwarding attribute of ExtensionSettings -> the ext_mod field prefix.
_FORWARDS = {
    "forward_always": "forward_all",
    "forward_busy": "forward_busy",
    "forward_no_answer": "forward_no_answer",
}


@dataclass(frozen=True, kw_only=True)
class SynwayTextEntityDescription(TextEntityDescription, SynwayEntityDescription):
    """A text entity of an extension."""


_MAX_LENGTH = 255

TEXTS = tuple(
    SynwayTextEntityDescription(
        key=f"{attribute}_destination",
        translation_key=f"{attribute}_destination",
        kind=ObjectKind.EXTENSION,
        secondary=True,
        entity_category=EntityCategory.CONFIG,
        # Whatever the PBX holds must be showable: no pattern, its own length limit.
        native_max=_MAX_LENGTH,
    )
    for attribute in _FORWARDS
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SynwayConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add forwarding destinations to every extension."""
    features = entry.runtime_data.features
    # The options change only with a reload: decided once, not per extension.
    chosen = [
        description for description in TEXTS if wanted(entry.options, description.key)
    ]

    def _build(key: Key) -> Iterable[Entity]:
        if key[0] != "extension":
            return []
        return [
            ForwardDestination(entry, key, description, features)
            for description in chosen
        ]

    async_add_object_entities(entry, async_add_entities, _build)


class ForwardDestination(ExtensionSettingEntity, TextEntity):
    """The number a forwarding rule sends calls to; editing it keeps the rule on or off."""

    def __init__(
        self,
        entry: SynwayConfigEntry,
        key: Key,
        description: SynwayTextEntityDescription,
        features: Features,
    ) -> None:
        """Attach to the extension and the settings cache."""
        super().__init__(entry, key, description, features)
        self._attribute = description.key.removesuffix("_destination")

    @override
    def _state_fingerprint(self) -> str | None:
        """The destination: the settings cache's listener writes its changes."""
        return self.native_value

    @property
    def _forwarding(self) -> Forwarding | None:
        settings = self._settings
        return getattr(settings, self._attribute) if settings else None

    @property
    @override
    def native_value(self) -> str | None:
        """The destination (empty when none is set)."""
        forwarding = self._forwarding
        return (forwarding.destination or "")[:_MAX_LENGTH] if forwarding else None

    @override
    @pbx_command
    async def async_set_value(self, value: str) -> None:
        """Store a new destination; a forwarding that is on now goes there."""
        value = value.strip()
        forwarding = self._forwarding
        if forwarding is not None and forwarding.enabled and value:
            changes = forward_change(self._attribute, value)
        else:
            prefix = _FORWARDS[self._attribute]
            changes = ExtensionChanges(extra={f"{prefix}_destination": value})
        await self._features.settings.async_change(self.pbx_id, changes)
