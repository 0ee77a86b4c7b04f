"""Binary sensors: extension registered and on a call, trunk problem, event stream."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import ExtensionStatus, TrunkStatus
from .const import ObjectKind
from .coordinator import SynwayConfigEntry, SynwayCoordinator
from .entity import (
    SynwayEntity,
    SynwayEntityDescription,
    ValueFn,
    async_add_object_entities,
)
from .pbx.store import Key

PARALLEL_UPDATES = 0

_TRUNK_PROBLEMS = frozenset(
    {TrunkStatus.UNUSABLE, TrunkStatus.FAIL_TO_REGISTER, TrunkStatus.STOPPED}
)


@dataclass(frozen=True, kw_only=True)
class SynwayBinarySensorEntityDescription(
    BinarySensorEntityDescription, SynwayEntityDescription
):
    """How a binary sensor reads its value."""

    value_fn: ValueFn[bool | None]


def _registered(coordinator: SynwayCoordinator, number: str) -> bool | None:
    status = coordinator.data.extensions[number].status
    if status is ExtensionStatus.UNKNOWN:
        return None
    return status is not ExtensionStatus.UNREGISTERED


def _on_call(coordinator: SynwayCoordinator, number: str) -> bool:
    store = coordinator.data
    if any(leg.state != "ringing" for leg in store.calls.legs(number)):
        return True
    return store.extensions[number].status.on_the_phone


BINARY_SENSORS: tuple[SynwayBinarySensorEntityDescription, ...] = (
    SynwayBinarySensorEntityDescription(
        key="registered",
        translation_key="registered",
        kind=ObjectKind.EXTENSION,
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        # Diagnostic: the status sensor already says "unregistered".
        entity_registry_enabled_default=False,
        value_fn=_registered,
    ),
    SynwayBinarySensorEntityDescription(
        key="on_call",
        translation_key="on_call",
        kind=ObjectKind.EXTENSION,
        # Status says the same; each of its changes would be a second logbook row.
        entity_registry_enabled_default=False,
        value_fn=_on_call,
    ),
    SynwayBinarySensorEntityDescription(
        key="problem",
        translation_key="trunk_problem",
        kind=ObjectKind.TRUNK,
        device_class=BinarySensorDeviceClass.PROBLEM,
        value_fn=lambda coordinator, name: (
            coordinator.data.trunks[name].status in _TRUNK_PROBLEMS
        ),
    ),
    SynwayBinarySensorEntityDescription(
        key="event_stream",
        translation_key="event_stream",
        kind=ObjectKind.HUB,
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda coordinator, _id: coordinator.event_stream_alive,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SynwayConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add binary sensors for the hub, extensions and trunks."""

    def _build(key: Key) -> Iterable[Entity]:
        return [
            SynwayBinarySensor(entry, key, description)
            for description in BINARY_SENSORS
            if description.kind == key[0]
        ]

    async_add_object_entities(entry, async_add_entities, _build)


class SynwayBinarySensor(SynwayEntity, BinarySensorEntity):
    """A yes/no fact read from the store."""

    entity_description: SynwayBinarySensorEntityDescription

    @property
    @override
    def is_on(self) -> bool | None:
        """Whether the fact holds."""
        return self.entity_description.value_fn(self.coordinator, self.pbx_id)

    @override
    def _state_fingerprint(self) -> Any:
        return (self.is_on, self.extra_state_attributes)

    @property
    @override
    def available(self) -> bool:
        """The event stream sensor stays available to show the PBX is unreachable."""
        if self.key[0] == "hub":
            return True
        return super().available
