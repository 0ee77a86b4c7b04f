"""The base of the entities that show an extension's settings (switches and texts).

Settings come from ext_query, read at setup and after each change (not on every poll),
so these entities are woken by the settings cache of ``features.py``, not by reports.
The base lives here, not in ``features.py``: the coordinator imports that module, and
an entity class there would import the coordinator back.
"""

from typing import override

from .api import ExtensionSettings
from .coordinator import SynwayConfigEntry
from .entity import SynwayEntity, SynwayEntityDescription
from .features import Features
from .pbx.store import Key, settings_key


class ExtensionSettingEntity(SynwayEntity):
    """An entity of one extension setting, unavailable until the settings were read."""

    @classmethod
    @override
    def listen_key(cls, key: Key) -> Key:
        """The settings cache wakes it when the extension's settings were read again."""
        return settings_key(key.id)

    def __init__(
        self,
        entry: SynwayConfigEntry,
        key: Key,
        description: SynwayEntityDescription,
        features: Features,
    ) -> None:
        """Attach to the extension and the settings cache."""
        super().__init__(entry, key, description)
        self._features = features

    @property
    def _settings(self) -> ExtensionSettings | None:
        return self._features.settings.settings.get(self.pbx_id)

    @property
    @override
    def available(self) -> bool:
        """Unavailable until the settings were read."""
        return super().available and self._settings is not None
