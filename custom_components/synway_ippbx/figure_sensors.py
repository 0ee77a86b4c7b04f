"""Sensors of the day's call figures, the last missed call and the last finished calls.

All are fed by statistics.py.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import UnitOfTime
from homeassistant.helpers.entity import Entity

from .const import ObjectKind
from .coordinator import SynwayConfigEntry, SynwayCoordinator
from .entity import SynwayEntity, SynwayEntityDescription, ValueFn
from .entity_families import wanted
from .pbx.store import Key, figures_key
from .statistics import CallStatistics, DayFigures


@dataclass(frozen=True, kw_only=True)
class CallFigureDescription(SensorEntityDescription, SynwayEntityDescription):
    """One figure of the day."""

    value_fn: ValueFn[int]


def _figures(coordinator: SynwayCoordinator, pbx_id: str) -> DayFigures:
    """Today's figures of an extension, or of the whole PBX for the hub (no id)."""
    features = coordinator.config_entry.runtime_data.features
    return features.statistics.figures(pbx_id or None)


def _figure(
    key: str, read: Callable[[DayFigures], int], *, duration: bool = False
) -> CallFigureDescription:
    """One of the day's figures; a duration shows in minutes."""
    return CallFigureDescription(
        key=key,
        translation_key=key,
        kind=ObjectKind.EXTENSION,
        secondary=True,
        device_class=SensorDeviceClass.DURATION if duration else None,
        native_unit_of_measurement=UnitOfTime.SECONDS if duration else None,
        suggested_unit_of_measurement=UnitOfTime.MINUTES if duration else None,
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=lambda coordinator, pbx_id: read(_figures(coordinator, pbx_id)),
    )


FIGURES: tuple[CallFigureDescription, ...] = (
    _figure("calls_today", lambda figures: figures.calls),
    _figure("missed_calls_today", lambda figures: figures.missed),
    _figure("talk_time_today", lambda figures: figures.talk_time, duration=True),
)


@dataclass(frozen=True, kw_only=True)
class LastMissedDescription(SensorEntityDescription, SynwayEntityDescription):
    """The last missed call."""


LAST_MISSED = LastMissedDescription(
    key="last_missed_call",
    translation_key="last_missed_call",
    kind=ObjectKind.EXTENSION,
    secondary=True,
    device_class=SensorDeviceClass.TIMESTAMP,
)


@dataclass(frozen=True, kw_only=True)
class RecentCallsDescription(SensorEntityDescription, SynwayEntityDescription):
    """The PBX's last finished calls."""


RECENT_CALLS = RecentCallsDescription(
    key="recent_calls",
    translation_key="recent_calls",
    kind=ObjectKind.HUB,
    # A count with a unit: the logbook leaves figures out, so a finished call reads once
    # in Activity (the PBX event's call record), not once more here.
    native_unit_of_measurement="calls",
)


def call_sensors(entry: SynwayConfigEntry, key: Key) -> Iterable[Entity]:
    """The figure and last-missed sensors of the hub or an extension."""
    features = entry.runtime_data.features
    if key[0] not in ("hub", "extension"):
        return []
    statistics = features.statistics
    if key[0] == "hub":
        # The PBX's own figures: a handful of entities, enabled on every PBX.
        return [
            *(CallFigureSensor(entry, key, _for_hub(d), statistics) for d in FIGURES),
            LastMissedSensor(entry, key, _for_hub(LAST_MISSED), statistics),
            RecentCallsSensor(entry, key, RECENT_CALLS, statistics),
        ]
    if not wanted(entry.options, LAST_MISSED.key):
        return []
    return [
        *(CallFigureSensor(entry, key, d, statistics) for d in FIGURES),
        LastMissedSensor(entry, key, LAST_MISSED, statistics),
    ]


def _for_hub[D: (CallFigureDescription, LastMissedDescription)](description: D) -> D:
    return replace(
        description,
        translation_key=f"pbx_{description.translation_key}",
        kind=ObjectKind.HUB,
        secondary=False,
    )


class _StatisticsSensor(SynwayEntity, SensorEntity):
    """A sensor fed by the call statistics rather than the store."""

    @classmethod
    @override
    def listen_key(cls, key: Key) -> Key:
        """The statistics wake it when its figures change (the hub's cover the PBX)."""
        return figures_key(key.id if key.kind == "extension" else None)

    def __init__(
        self,
        entry: SynwayConfigEntry,
        key: Key,
        description: SynwayEntityDescription,
        statistics: CallStatistics,
    ) -> None:
        """Attach to the hub or an extension."""
        super().__init__(entry, key, description)
        self._statistics = statistics
        # The hub's figures cover the whole PBX.
        self._extension = key[1] if key[0] == "extension" else None

    @override
    def _state_fingerprint(self) -> Any:
        """The figure: the statistics' listener writes its changes."""
        return (self.native_value, self.extra_state_attributes)


class CallFigureSensor(_StatisticsSensor):
    """Calls, missed calls or talk time of the day."""

    entity_description: CallFigureDescription

    @property
    @override
    def native_value(self) -> int:
        """Today's figure."""
        return self.entity_description.value_fn(self.coordinator, self.pbx_id)


class LastMissedSensor(_StatisticsSensor):
    """When the last call nobody answered came, and from whom."""

    @property
    @override
    def native_value(self) -> datetime | None:
        """The time of the last missed call."""
        missed = self._statistics.last_missed(self._extension)
        return missed.when if missed else None

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any]:
        """The caller's number and name (when the PBX knows it)."""
        missed = self._statistics.last_missed(self._extension)
        return {
            "number": missed.number if missed else None,
            "name": missed.name if missed else None,
        }


class RecentCallsSensor(_StatisticsSensor):
    """When the last call ended; its ``calls`` attribute lists the last finished calls.

    Kept across restarts by the statistics' store; the list is not recorded (the
    recorder would store it again at every call), their count is.
    """

    _unrecorded_attributes = frozenset({"calls"})

    @override
    def _state_fingerprint(self) -> Any:
        """The calls themselves (frozen, comparable): their JSON only when written."""
        return tuple(self._statistics.recent_calls())

    @property
    @override
    def native_value(self) -> int:
        """How many finished calls the list holds."""
        return len(self._statistics.recent_calls())

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any]:
        """The last finished calls, newest first."""
        return {"calls": [call.to_json() for call in self._statistics.recent_calls()]}
