"""Wake-up alarms: as the PBX lists them (alarm_query) and as requests set them."""

from collections.abc import Mapping
from dataclasses import MISSING, dataclass
import datetime as dt
from typing import Any, Self

from .base import (
    ApiModel,
    RequestModel,
    api_bool,
    check_int,
    check_text,
    raw_field,
    sent,
)
from .enums import Weekday
from .exceptions import SynwayArgumentError
from .parsing import (
    get_all,
    mappings,
    split_list,
    to_bool,
    to_date,
    to_int,
    to_plain,
    to_str,
)


def _weekday(word: str) -> Weekday | None:
    """The day for one of the PBX's numbers (``"1"`` = Sunday), or ``None``."""
    number = to_int(word)
    if number is None:
        return None
    try:
        return Weekday(number)
    except ValueError:
        return None


def _weekdays_from_api(value: object) -> frozenset[Weekday]:
    text = to_str(value) or ""
    parts = split_list(text) if "," in text else tuple(text)
    days = (_weekday(part) for part in parts)
    return frozenset(day for day in days if day is not None)


@dataclass(frozen=True, kw_only=True, slots=True)
class Alarm(ApiModel):
    """A wake-up alarm (alarm_query).

    ``weekdays`` is set for a repeating alarm, ``date`` for a one-off one. A missing hour or
    minute reads as 0, the PBX's own default.
    """

    alarm_id: str
    extension: str | None = None
    name: str | None = None
    enabled: bool | None = None
    prompt: str | None = None
    weekdays: frozenset[Weekday] | None = None
    date: dt.date | None = None
    time: dt.time = dt.time(0, 0)
    snooze_interval: int | None = None
    retries: int | None = None
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_api(cls, data: Mapping[str, Any], extension: str | None = None) -> Self:
        """Build from one ``wakeup`` item; ``extension`` comes from the enclosing object."""
        custom_day = to_bool(data.get("wakeup_custom_day"))
        weekdays = _weekdays_from_api(data.get("wakeup_wday"))
        date = to_date(data.get("wakeup_mday"))
        hour = to_int(data.get("wakeup_hour")) or 0
        minute = to_int(data.get("wakeup_min")) or 0
        return cls(
            alarm_id=to_str(data.get("wakeup_uuid")) or "",
            extension=to_str(data.get("extid")) or extension,
            name=to_str(data.get("wakeup_name")),
            enabled=to_bool(data.get("wakeup_enabled")),
            prompt=to_str(data.get("wakeup_prompt")),
            weekdays=weekdays
            if custom_day or (custom_day is None and weekdays)
            else None,
            date=None if custom_day else date,
            time=dt.time(hour % 24, minute % 60),
            snooze_interval=to_int(data.get("wakeup_snooze_time")),
            retries=to_int(data.get("wakeup_retry_times")),
            raw=to_plain(data),
        )


def alarms_from_api(wakeups: object) -> list[Alarm]:
    """Read alarm_query's ``wakeups`` (one object, a list, or repeated ``extid``/``wakeup``)."""
    alarms: list[Alarm] = []
    for group in mappings(wakeups):
        extensions = [to_str(value) for value in get_all(group, "extid")]
        wakeup_lists = get_all(group, "wakeup")
        for index, items in enumerate(wakeup_lists):
            extension = extensions[index] if index < len(extensions) else None
            if extension is None and extensions:
                extension = extensions[-1]
            alarms.extend(Alarm.from_api(item, extension) for item in mappings(items))
    return alarms


def _check_weekdays(days: frozenset[Weekday] | None) -> None:
    if days is not None and not days:
        raise SynwayArgumentError("weekdays must name at least one day")


def _check_date(value: dt.date | None) -> None:
    # A datetime is a date to the type checker, but the PBX takes a day, not a moment.
    if isinstance(value, dt.datetime):
        raise SynwayArgumentError("date must be a datetime.date, not a datetime")


def _weekdays_api(days: frozenset[Weekday]) -> str:
    return ",".join(str(number) for number in sorted(day.api_value for day in days))


@dataclass(frozen=True, kw_only=True, slots=True)
class AlarmSettings(RequestModel):
    """A new wake-up alarm (alarm_add): a time plus either a date or weekdays."""

    name: str = sent("wakeup_name", default=MISSING)
    # When it rings: several keys each (all sent: a new alarm has no old ones), so to_api.
    time: dt.time
    date: dt.date | None = None
    weekdays: frozenset[Weekday] | None = None
    enabled: bool = sent("wakeup_enabled", default=True)
    prompt: str = sent("wakeup_prompt", default="")
    snooze_interval: int = sent("wakeup_snooze_time", default=600)
    retries: int | None = sent("wakeup_retry_times")

    def __post_init__(self) -> None:
        """Reject settings the PBX would refuse (errnos 18-24, 29), before anything is sent."""
        check_text("name", self.name)
        _check_date(self.date)
        _check_weekdays(self.weekdays)
        if (self.date is None) == (self.weekdays is None):
            raise SynwayArgumentError("give exactly one of date and weekdays")
        check_int("snooze_interval", self.snooze_interval, 1)
        check_int("retries", self.retries, 0)

    def to_api(self) -> dict[str, str]:
        """Return the alarm_add fields."""
        return self.request_fields() | {
            "wakeup_custom_day": api_bool(self.weekdays is not None),
            "wakeup_wday": _weekdays_api(self.weekdays) if self.weekdays else "",
            "wakeup_mday": self.date.isoformat() if self.date else "",
            "wakeup_hour": str(self.time.hour),
            "wakeup_min": str(self.time.minute),
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class AlarmChanges(RequestModel):
    """Changes to a wake-up alarm (alarm_mod); ``None`` leaves a setting alone."""

    name: str | None = sent("wakeup_name")
    # When it rings: several keys each, so written in to_api.
    time: dt.time | None = None
    date: dt.date | None = None
    weekdays: frozenset[Weekday] | None = None
    enabled: bool | None = sent("wakeup_enabled")
    prompt: str | None = sent("wakeup_prompt")
    snooze_interval: int | None = sent("wakeup_snooze_time")
    retries: int | None = sent("wakeup_retry_times")

    def __post_init__(self) -> None:
        """Reject values the PBX would refuse, before anything is sent."""
        check_text("name", self.name)
        _check_date(self.date)
        _check_weekdays(self.weekdays)
        if self.date is not None and self.weekdays is not None:
            raise SynwayArgumentError("give at most one of date and weekdays")
        check_int("snooze_interval", self.snooze_interval, 1)
        check_int("retries", self.retries, 0)

    @property
    def is_empty(self) -> bool:
        """Whether nothing would change."""
        return not self.to_api()

    def to_api(self) -> dict[str, str]:
        """Return the alarm_mod fields for these changes."""
        body = self.request_fields()
        if self.weekdays is not None:
            body["wakeup_custom_day"] = "true"
            body["wakeup_wday"] = _weekdays_api(self.weekdays)
        if self.date is not None:
            body["wakeup_custom_day"] = "false"
            body["wakeup_mday"] = self.date.isoformat()
        if self.time is not None:
            body["wakeup_hour"] = str(self.time.hour)
            body["wakeup_min"] = str(self.time.minute)
        return body
