"""Sensors: extension and trunk status, the other party, queue figures, active calls."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .api import ExtensionStatus, TrunkStatus
from .const import ObjectKind
from .coordinator import SynwayConfigEntry, SynwayCoordinator
from .entity import (
    SynwayEntity,
    SynwayEntityDescription,
    ValueFn,
    async_add_object_entities,
)
from .figure_sensors import call_sensors
from .pbx.store import CALLS_KEY, Key

PARALLEL_UPDATES = 0

# The call state: a reachable phone with no call is idle whatever the PBX's word for it
# (registration has its own binary sensor).
EXTENSION_STATUSES = [
    ExtensionStatus.IDLE,
    ExtensionStatus.RINGING,
    ExtensionStatus.RINGBACK,
    ExtensionStatus.TALKING,
    ExtensionStatus.HOLD,
    ExtensionStatus.BUSY,
    ExtensionStatus.IN_USE,
    ExtensionStatus.UNREGISTERED,
]
TRUNK_STATUSES = [status for status in TrunkStatus if status is not TrunkStatus.UNKNOWN]


@dataclass(frozen=True, kw_only=True)
class SynwaySensorEntityDescription(SensorEntityDescription, SynwayEntityDescription):
    """How a sensor reads its value from the store."""

    value_fn: ValueFn[str | int | None]
    attributes_fn: ValueFn[Mapping[str, Any]] | None = None


def _extension_status(coordinator: SynwayCoordinator, number: str) -> str | None:
    status = coordinator.data.extensions[number].status
    return status.value if status in EXTENSION_STATUSES else None


def _other_party(coordinator: SynwayCoordinator, number: str) -> str | None:
    other = coordinator.data.calls.other_party(number)
    return other.number if other else None


def _other_party_attributes(
    coordinator: SynwayCoordinator, number: str
) -> Mapping[str, Any]:
    store = coordinator.data
    leg = store.calls.current_leg(number)
    other = store.calls.other_party(number)
    return {
        "name": store.extension_name(other.extension) if other else None,
        "call_id": leg.callid if leg else None,
        "leg_id": leg.pbx_id if leg else None,
        "calls": len(store.calls.legs(number)),
    }


def _status_attributes(
    coordinator: SynwayCoordinator, number: str
) -> Mapping[str, Any]:
    """The other party rides on Status: attributes write no logbook rows."""
    store = coordinator.data
    other = store.calls.other_party(number)
    return {
        "other_party": other.number if other else None,
        "other_party_name": store.extension_name(other.extension) if other else None,
    }


# Polled trunk states that only mean "ready": while calls cross the trunk it is in use.
_TRUNK_READY = frozenset(
    {
        TrunkStatus.IDLE,
        TrunkStatus.REGISTERED,
        TrunkStatus.USABLE,
        TrunkStatus.UNMONITORED,
    }
)


def _trunk_status(coordinator: SynwayCoordinator, name: str) -> str | None:
    store = coordinator.data
    status = store.trunks[name].status
    if status in _TRUNK_READY and store.calls.trunk_calls(name):
        return TrunkStatus.IN_USE.value
    return status.value if status is not TrunkStatus.UNKNOWN else None


def _queue_members(coordinator: SynwayCoordinator, queue_id: str) -> Mapping[str, Any]:
    """Every member of the queue and what it is doing (on_break wins)."""
    agents = coordinator.data.queues[queue_id].agents
    return {
        "members": {
            number: "on_break" if agent.on_break else agent.state.value
            for number, agent in sorted(agents.items())
        }
    }


SENSORS: tuple[SynwaySensorEntityDescription, ...] = (
    SynwaySensorEntityDescription(
        key="status",
        translation_key="extension_status",
        kind=ObjectKind.EXTENSION,
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in EXTENSION_STATUSES],
        value_fn=_extension_status,
        attributes_fn=_status_attributes,
    ),
    SynwaySensorEntityDescription(
        key="other_party",
        translation_key="other_party",
        kind=ObjectKind.EXTENSION,
        # Status carries the other party as attributes; this sensor's every call would
        # write two logbook rows (set, then cleared to unknown).
        entity_registry_enabled_default=False,
        value_fn=_other_party,
        attributes_fn=_other_party_attributes,
    ),
    SynwaySensorEntityDescription(
        key="status",
        translation_key="trunk_status",
        kind=ObjectKind.TRUNK,
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in TRUNK_STATUSES],
        value_fn=_trunk_status,
    ),
    SynwaySensorEntityDescription(
        key="active_calls",
        translation_key="trunk_active_calls",
        kind=ObjectKind.TRUNK,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda coordinator, name: coordinator.data.calls.trunk_calls(name),
    ),
    SynwaySensorEntityDescription(
        key="waiting_callers",
        translation_key="waiting_callers",
        kind=ObjectKind.QUEUE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda coordinator, queue_id: (
            coordinator.data.queues[queue_id].caller_count
        ),
    ),
    SynwaySensorEntityDescription(
        key="longest_wait",
        translation_key="longest_wait",
        kind=ObjectKind.QUEUE,
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda coordinator, queue_id: coordinator.data.queues[
            queue_id
        ].longest_wait(dt_util.utcnow()),
    ),
    SynwaySensorEntityDescription(
        key="agents_available",
        translation_key="agents_available",
        kind=ObjectKind.QUEUE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda coordinator, queue_id: (
            coordinator.data.queues[queue_id].agents_available
        ),
        attributes_fn=_queue_members,
    ),
    SynwaySensorEntityDescription(
        key="active_calls",
        translation_key="active_calls",
        kind=ObjectKind.HUB,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda coordinator, _id: coordinator.data.carried_calls,
        wakes_on=CALLS_KEY,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SynwayConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add sensors for the hub and every extension, trunk and queue."""

    def _build(key: Key) -> Iterable[Entity]:
        return [
            *(
                SynwaySensor(entry, key, description)
                for description in SENSORS
                if description.kind == key[0]
            ),
            *call_sensors(entry, key),
        ]

    async_add_object_entities(entry, async_add_entities, _build)


class SynwaySensor(SynwayEntity, SensorEntity):
    """A value read from the store."""

    entity_description: SynwaySensorEntityDescription

    @property
    @override
    def native_value(self) -> str | int | None:
        """The current value."""
        return self.entity_description.value_fn(self.coordinator, self.pbx_id)

    @override
    def _state_fingerprint(self) -> Any:
        return (self.native_value, self.extra_state_attributes)

    @property
    @override
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Details of the value, where it has some."""
        if (attributes_fn := self.entity_description.attributes_fn) is None:
            return None
        return attributes_fn(self.coordinator, self.pbx_id)
