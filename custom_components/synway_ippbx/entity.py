"""Base entities: every entity belongs to one store object and wakes only for it."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, override

from homeassistant.const import CONF_NAME
from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN, LARGE_PBX_EXTENSIONS, ObjectKind
from .coordinator import SynwayConfigEntry, SynwayCoordinator
from .devices import hub_identifier, object_device_info, object_identifier
from .pbx.store import HUB_KEY, STRUCTURE_KEY, Key, object_keys

# How every description reads its object: the coordinator and the object's PBX id.
type ValueFn[T] = Callable[[SynwayCoordinator, str], T]


def entry_pbx_name(entry: SynwayConfigEntry) -> str | None:
    """The name of a PBX the user named in the flow (one added beside another)."""
    return entry.title if CONF_NAME in entry.data else None


@dataclass(frozen=True, kw_only=True)
class SynwayEntityDescription(EntityDescription):
    """What every entity of this integration declares, whatever its platform."""

    kind: ObjectKind
    # Starts disabled on PBXs with more than LARGE_PBX_EXTENSIONS extensions.
    secondary: bool = False
    # The key whose news wake it, when not its object's (the hub's Active calls wakes
    # on the calls in progress, not on everything of the hub).
    wakes_on: Key | None = None


class SynwayEntity(CoordinatorEntity[SynwayCoordinator]):
    """An entity of the hub, an extension, a trunk or a queue.

    The coordinator context is the object's store key, so a report about extension
    1001 wakes the entities of extension 1001 and nothing else. Of those, an entity
    writes its state only when what it shows changed: a report about a ringing phone
    leaves its Registered sensor alone (each write costs as much as the report's parsing).
    """

    _attr_has_entity_name = True
    # Thousands of these live at once. Home Assistant keeps some 40 attributes in each
    # instance's __dict__ (a table of 64 slots holds 42); ours in slots and the unique id
    # computed keep it within that, where one more would double the table.
    __slots__ = (
        "_written",
        "coordinator",
        "coordinator_context",
        "entity_description",
        "key",
    )

    @classmethod
    def listen_key(cls, key: Key) -> Key:
        """The key whose news wake this entity: its object's, unless it shows other data.

        Entities of settings or call figures listen to those keys instead, so reports
        about their object never wake them; polls still do, for availability.
        """
        return key

    def __init__(
        self,
        entry: SynwayConfigEntry,
        key: Key,
        description: SynwayEntityDescription,
    ) -> None:
        """Attach the entity to its object and device."""
        coordinator = entry.runtime_data.coordinator
        super().__init__(
            coordinator, context=description.wakes_on or self.listen_key(key)
        )
        self.entity_description = description
        self.key = key
        self._written: Any = None
        if (
            description.secondary
            and len(coordinator.data.extensions) > LARGE_PBX_EXTENSIONS
        ):
            self._attr_entity_registry_enabled_default = False

    @property
    @override
    def unique_id(self) -> str:
        """From the entry id, never the address: a reconfigured host keeps every entity.

        Computed, not kept: Home Assistant reads it when it registers the entity.
        """
        hub = hub_identifier(self.coordinator.config_entry.entry_id)
        if self.key == HUB_KEY:
            return f"{hub}_{self.entity_description.key}"
        return f"{hub}_{self.key[0]}_{self.key[1]}_{self.entity_description.key}"

    @property
    @override
    def device_info(self) -> DeviceInfo:
        """The device of the entity's object, built when Home Assistant registers it.

        Home Assistant reads it only then; not keeping it per entity (or per object once
        the entities are added, see devices.async_remove_stale_devices) saves a dict, a
        set and strings per object on a large PBX.
        """
        entry = self.coordinator.config_entry
        if self.key == HUB_KEY:
            return DeviceInfo(identifiers={(DOMAIN, hub_identifier(entry.entry_id))})
        try:
            return object_device_info(
                self.coordinator.hass,
                entry.entry_id,
                self.coordinator.data,
                entry.runtime_data.device_infos,
                self.key,
                entry_pbx_name(entry),
            )
        except KeyError:
            # Gone between the entity's creation and its registration: the device of
            # a gone object is removed with the next structure change.
            return DeviceInfo(
                identifiers={(DOMAIN, object_identifier(entry.entry_id, self.key))}
            )

    def _state_fingerprint(self) -> Any:
        """What the written state depends on, besides availability.

        Platforms return their value (and attributes); the default, a new object each
        time, equals nothing before it, so such an entity writes at every update.
        """
        return object()

    def _fingerprint(self) -> Any:
        # An unavailable entity shows nothing else (its object may be gone).
        return (True, self._state_fingerprint()) if self.available else (False, None)

    @override
    async def async_added_to_hass(self) -> None:
        """Remember what Home Assistant writes when it adds the entity."""
        await super().async_added_to_hass()
        self._written = self._fingerprint()

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Write the state when the object changed in a way this entity shows."""
        fingerprint = self._fingerprint()
        if fingerprint == self._written:
            return
        self._written = fingerprint
        self.write_state()

    @callback
    def write_state(self) -> None:
        """Write the state; while a report is taken through, under its context."""
        if (context := self.coordinator.report_context) is None:
            self.async_write_ha_state()
            return
        self.async_set_context(context)
        self.async_write_ha_state()
        # Not kept for the next write (Home Assistant would for 5 s): a poll's is its own.
        self._context = None
        self._context_set = None

    @property
    def pbx_id(self) -> str:
        """The extension number, trunk name or queue id, as the PBX names the object."""
        return self.key[1]

    @property
    @override
    def available(self) -> bool:
        """Unavailable when the PBX is unreachable or the object is gone."""
        return super().available and self._object_exists()

    def _object_exists(self) -> bool:
        store = self.coordinator.data
        kind, pbx_id = self.key
        if kind == ObjectKind.EXTENSION:
            return pbx_id in store.extensions
        if kind == ObjectKind.TRUNK:
            return pbx_id in store.trunks
        if kind == ObjectKind.QUEUE:
            return pbx_id in store.queues
        return True


def async_add_object_entities(
    entry: SynwayConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    build: Callable[[Key], Iterable[Entity]],
) -> None:
    """Add entities for every object now, and for objects the PBX gains later.

    ``build`` returns the entities of one store key (empty for kinds it does not
    handle). Entities of removed objects go with their device (stale-device cleanup).
    """
    coordinator = entry.runtime_data.coordinator
    known: set[Key] = set()

    @callback
    def _sync() -> None:
        keys = object_keys(coordinator.data) | {HUB_KEY}
        new = keys - known
        known.intersection_update(keys)
        known.update(new)
        if entities := [entity for key in sorted(new) for entity in build(key)]:
            async_add_entities(entities)

    _sync()
    entry.async_on_unload(coordinator.async_add_listener(_sync, STRUCTURE_KEY))
