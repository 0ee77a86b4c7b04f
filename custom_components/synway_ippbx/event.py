"""Event entities: call events per extension, queue events, PBX-wide events."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .announce import report_signal
from .const import ObjectKind
from .coordinator import SynwayConfigEntry
from .entity import SynwayEntity, SynwayEntityDescription, async_add_object_entities
from .pbx.report_facts import EXTENSION_EVENTS, HUB_EVENTS, QUEUE_EVENTS
from .pbx.store import Key

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class SynwayEventEntityDescription(EventEntityDescription, SynwayEntityDescription):
    """The event entity of one kind of object."""


EVENTS: tuple[SynwayEventEntityDescription, ...] = (
    SynwayEventEntityDescription(
        key="call",
        translation_key="call",
        kind=ObjectKind.EXTENSION,
        event_types=EXTENSION_EVENTS,
        # Its every fire would be a second Activity row beside the Status sensor's;
        # automations that must work on every phone use the synway_ippbx_event bus event.
        entity_registry_enabled_default=False,
    ),
    SynwayEventEntityDescription(
        key="queue",
        translation_key="queue",
        kind=ObjectKind.QUEUE,
        event_types=QUEUE_EVENTS,
    ),
    SynwayEventEntityDescription(
        key="pbx",
        translation_key="pbx",
        kind=ObjectKind.HUB,
        event_types=HUB_EVENTS,
        # The same reason: each call record would add a bare "Call record" row beside the
        # phone's row that says how the call went; with it disabled, what it would show
        # (a restart, a call record) gets one described row.
        entity_registry_enabled_default=False,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SynwayConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an event entity to the hub, each extension and each queue."""

    def _build(key: Key) -> Iterable[Entity]:
        return [
            SynwayEvent(entry, key, description)
            for description in EVENTS
            if description.kind == key[0]
        ]

    async_add_object_entities(entry, async_add_entities, _build)


class SynwayEvent(SynwayEntity, EventEntity):
    """Fires when the PBX reports something about this object."""

    @override
    async def async_added_to_hass(self) -> None:
        """Listen for this object's events."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                report_signal(self.coordinator.config_entry.entry_id, self.key),
                self._async_handle_event,
            )
        )

    @override
    def _state_fingerprint(self) -> None:
        """Events are written as they fire; polls and reports only change availability."""

    @callback
    def _async_handle_event(self, event_type: str, attributes: dict[str, Any]) -> None:
        self._trigger_event(event_type, attributes)
        self.write_state()
