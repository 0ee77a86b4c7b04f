"""Wake-up alarm actions: add, change, delete and list an extension's alarms."""

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.core import ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers import config_validation as cv
import probatio as vol

from ..api import AlarmChanges, AlarmSettings, Weekday
from ..coordinator import SynwayConfigEntry
from .common import (
    ATTR_ENABLED,
    ATTR_EXTENSION,
    ATTR_NAME,
    BASE,
    POSITIVE,
    Action,
    dicts,
    known_extension,
    validation_error,
)

ATTR_ALARM_ID: Final = "alarm_id"
ATTR_TIME: Final = "time"
ATTR_DATE: Final = "date"
ATTR_WEEKDAYS: Final = "weekdays"
ATTR_PROMPT: Final = "prompt"
ATTR_SNOOZE_INTERVAL: Final = "snooze_interval"
ATTR_RETRIES: Final = "retries"

# The alarm settings, named as AlarmSettings/AlarmChanges name them.
SETTINGS: Final = (
    ATTR_NAME,
    ATTR_TIME,
    ATTR_DATE,
    ATTR_WEEKDAYS,
    ATTR_ENABLED,
    ATTR_PROMPT,
    ATTR_SNOOZE_INTERVAL,
    ATTR_RETRIES,
)
_DATE_OR_WEEKDAYS = "give date or weekdays, not both"


def _weekday(value: Any) -> Weekday:
    """A day by name ("mon", "Monday"); a number is refused (the API's 1 is Sunday)."""
    # Not the bare class: the schema library would list the values instead of our message.
    return Weekday(cv.string(value))


ALARM_FIELDS: Final[dict[Any, Any]] = {
    vol.Exclusive(ATTR_DATE, "repeat", msg=_DATE_OR_WEEKDAYS): cv.date,
    # mon..sun; the client maps them to the API's 1 = Sunday .. 7 = Saturday.
    vol.Exclusive(ATTR_WEEKDAYS, "repeat", msg=_DATE_OR_WEEKDAYS): vol.All(
        cv.ensure_list, vol.Length(min=1), [_weekday]
    ),
    vol.Optional(ATTR_ENABLED): cv.boolean,
    vol.Optional(ATTR_PROMPT): str,
    vol.Optional(ATTR_SNOOZE_INTERVAL): POSITIVE,
    vol.Optional(ATTR_RETRIES): vol.All(vol.Coerce(int), vol.Range(min=0)),
}


def _settings(data: Mapping[str, Any]) -> dict[str, Any]:
    """The alarm settings given, as AlarmSettings/AlarmChanges keyword arguments."""
    fields = {key: data[key] for key in SETTINGS if key in data}
    if ATTR_WEEKDAYS in fields:
        fields[ATTR_WEEKDAYS] = frozenset(fields[ATTR_WEEKDAYS])
    return fields


async def _add_alarm(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
    """Add a wake-up alarm to an extension."""
    runtime = entry.runtime_data
    extension = known_extension(runtime.coordinator.data, call.data[ATTR_EXTENSION])
    await runtime.client.alarm_add(extension, AlarmSettings(**_settings(call.data)))
    return None


async def _update_alarm(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
    """Change a wake-up alarm (of the given extension, when one is given)."""
    runtime = entry.runtime_data
    alarm_id: str = call.data[ATTR_ALARM_ID]
    changes = AlarmChanges(**_settings(call.data))
    extension: str | None = call.data.get(ATTR_EXTENSION)
    if extension is not None:
        # alarm_mod cannot move an alarm: the extension only guards which one changes.
        known_extension(runtime.coordinator.data, extension)
        alarms = await runtime.client.alarm_query(extension)
        if all(alarm.alarm_id != alarm_id for alarm in alarms):
            raise validation_error(
                "unknown_alarm", alarm_id=alarm_id, extension=extension
            )
    await runtime.client.alarm_mod(alarm_id, changes)
    return None


async def _delete_alarm(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
    """Delete a wake-up alarm."""
    runtime = entry.runtime_data
    extension: str | None = call.data.get(ATTR_EXTENSION)
    if extension is not None:
        known_extension(runtime.coordinator.data, extension)
    await runtime.client.alarm_del(
        call.data[ATTR_ALARM_ID], [extension] if extension is not None else None
    )
    return None


async def _get_alarms(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
    """Return the wake-up alarms of one extension, or of all."""
    runtime = entry.runtime_data
    extension: str | None = call.data.get(ATTR_EXTENSION)
    if extension is not None:
        known_extension(runtime.coordinator.data, extension)
    alarms = await runtime.client.alarm_query(extension)
    return {"alarms": dicts(alarms)}


ACTIONS: Final[dict[str, Action]] = {
    "add_alarm": Action(
        _add_alarm,
        {
            **BASE,
            vol.Required(ATTR_EXTENSION): cv.string,
            vol.Required(ATTR_NAME): cv.string,
            vol.Required(ATTR_TIME): cv.time,
            **ALARM_FIELDS,
        },
        checks=(cv.has_at_least_one_key(ATTR_DATE, ATTR_WEEKDAYS),),
    ),
    "update_alarm": Action(
        _update_alarm,
        {
            **BASE,
            vol.Required(ATTR_ALARM_ID): cv.string,
            vol.Optional(ATTR_EXTENSION): cv.string,
            vol.Optional(ATTR_NAME): cv.string,
            vol.Optional(ATTR_TIME): cv.time,
            **ALARM_FIELDS,
        },
        checks=(cv.has_at_least_one_key(*SETTINGS),),
    ),
    "delete_alarm": Action(
        _delete_alarm,
        {
            **BASE,
            vol.Required(ATTR_ALARM_ID): cv.string,
            vol.Optional(ATTR_EXTENSION): cv.string,
        },
    ),
    "get_alarms": Action(
        _get_alarms,
        {**BASE, vol.Optional(ATTR_EXTENSION): cv.string},
        SupportsResponse.ONLY,
    ),
}
