"""Actions of the integration (registered once, in async_setup).

Every action takes an optional ``config_entry_id``; without it the single configured PBX is
used (Home Assistant's ``service.async_get_config_entry`` raises a translated error when
there is none, several, or the one there is not loaded).

Call actions take ``extension`` or ``call_id``, exactly one:

* ``extension`` stands for the uuid of that extension's leg in its current call, as tracked
  from the PBX's reports. When the extension is in two calls at once (call waiting, a
  consultation call) the most recently active one is used.
* ``call_id`` is passed to the PBX as given when it is a leg uuid or unknown to the tracker;
  when it is the callid of a tracked call, it is resolved to the first leg the tracker saw
  in that call (usually the caller's).

Input is validated before any request, with translated errors; errors from the PBX become
translated errors naming the meaning of its errno (see ``helpers.async_pbx_call``).
"""

from collections.abc import Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass
import datetime as dt
import re
from typing import Any, Final, cast

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, service
from homeassistant.util import dt as dt_util
from homeassistant.util.json import JsonValueType
import probatio as vol

from .api import (
    AlarmChanges,
    AlarmSettings,
    ApiModel,
    AudioDirection,
    CallDirection,
    CallPermission,
    CdrQuery,
    CdrStatus,
    ExtensionChanges,
    ExtensionType,
    MonitorMode,
    PlayMode,
    TrunkType,
    TtsPrompt,
    Weekday,
)
from .const import DOMAIN
from .coordinator import SynwayConfigEntry
from .helpers import async_pbx_call, async_picked_entry_id, async_resolve_object
from .store import PbxStore

# Record count get_call_records stops at when following pages.
MAX_CALL_RECORDS: Final = 1000

ATTR_EXTENSION: Final = "extension"
ATTR_CALL_ID: Final = "call_id"
ATTR_NUMBER: Final = "number"
ATTR_USER_ID: Final = "user_id"
ATTR_DESTINATION: Final = "destination"
ATTR_TARGET: Final = "target"
ATTR_MODE: Final = "mode"
ATTR_FILES: Final = "files"
ATTR_TTS: Final = "tts"
ATTR_DIRECTION: Final = "direction"
ATTR_MUTE: Final = "mute"
ATTR_VOLUME: Final = "volume"
ATTR_PORT: Final = "port"
ATTR_OFF_HOOK: Final = "off_hook"
ATTR_ALARM_ID: Final = "alarm_id"
ATTR_NAME: Final = "name"
ATTR_TIME: Final = "time"
ATTR_DATE: Final = "date"
ATTR_WEEKDAYS: Final = "weekdays"
ATTR_ENABLED: Final = "enabled"
ATTR_PROMPT: Final = "prompt"
ATTR_SNOOZE_INTERVAL: Final = "snooze_interval"
ATTR_RETRIES: Final = "retries"
ATTR_QUEUE: Final = "queue"
ATTR_PASSWORD: Final = "password"  # noqa: S105 - a field name
ATTR_ALL_QUEUES: Final = "all_queues"
ATTR_EXTENSIONS: Final = "extensions"
ATTR_TRUNKS: Final = "trunks"
ATTR_TYPE: Final = "type"
ATTR_RECORD_ID: Final = "record_id"
ATTR_PAGE: Final = "page"
ATTR_ALL_PAGES: Final = "all_pages"

# Fields that name PBX objects (lists name several), and the kind of object they name:
# each may be given as the object's number or name, its device, or one of its entities.
OBJECT_FIELDS: Final = {
    ATTR_EXTENSION: "extension",
    ATTR_TARGET: "extension",
    ATTR_EXTENSIONS: "extension",
    ATTR_QUEUE: "queue",
    ATTR_TRUNKS: "trunk",
    ATTR_PORT: "trunk",
}

# update_extension / add_extension settings: action field → ExtensionChanges field.
EXTENSION_SETTINGS: Final = (
    "name",
    "caller_id",
    "call_permission",
    "enabled",
    "voicemail",
    "recording",
    "forward_always",
    "forward_busy",
    "forward_no_answer",
    "forward_unregistered",
    "follow_me",
    "call_timeout",
    "max_call_duration",
)
CDR_FILTERS: Final = (
    "extension",
    "caller",
    "callee",
    "outbound_caller_id",
    "started_after",
    "started_before",
    "ended_after",
    "ended_before",
    "direction",
    "status",
)

MONITOR_MODES: Final = [mode.value for mode in MonitorMode]
PLAY_MODES: Final = [mode.value for mode in PlayMode]
AUDIO_DIRECTIONS: Final = [direction.value for direction in AudioDirection]
CALL_PERMISSIONS: Final = [
    permission.value
    for permission in CallPermission
    if permission is not CallPermission.UNKNOWN
]
EXTENSION_TYPES: Final = [
    kind.value for kind in ExtensionType if kind is not ExtensionType.UNKNOWN
]
CALL_DIRECTIONS: Final = [
    direction.value
    for direction in CallDirection
    if direction is not CallDirection.UNKNOWN
]
CDR_STATUSES: Final = [
    CdrStatus.ANSWERED.value,
    CdrStatus.CANCELLED.value,
    CdrStatus.FAILED.value,
]

_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

_POSITIVE = vol.All(vol.Coerce(int), vol.Range(min=1))
_STRINGS = vol.All(cv.ensure_list, [cv.string])

BASE: Final[dict[Any, Any]] = {vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string}
CALL_TARGET: Final[dict[Any, Any]] = {
    **BASE,
    vol.Optional(ATTR_EXTENSION): cv.string,
    vol.Optional(ATTR_CALL_ID): cv.string,
}
ALARM_FIELDS: Final[dict[Any, Any]] = {
    vol.Optional(ATTR_DATE): cv.string,
    vol.Optional(ATTR_WEEKDAYS): _STRINGS,
    vol.Optional(ATTR_ENABLED): cv.boolean,
    vol.Optional(ATTR_PROMPT): str,
    vol.Optional(ATTR_SNOOZE_INTERVAL): _POSITIVE,
    vol.Optional(ATTR_RETRIES): vol.All(vol.Coerce(int), vol.Range(min=0)),
}
EXTENSION_FIELDS: Final[dict[Any, Any]] = {
    vol.Optional("name"): cv.string,
    vol.Optional("caller_id"): str,
    vol.Optional("call_permission"): vol.In(CALL_PERMISSIONS),
    vol.Optional("enabled"): cv.boolean,
    vol.Optional("voicemail"): cv.boolean,
    vol.Optional("recording"): cv.boolean,
    vol.Optional("forward_always"): vol.Any(None, str),
    vol.Optional("forward_busy"): vol.Any(None, str),
    vol.Optional("forward_no_answer"): vol.Any(None, str),
    vol.Optional("forward_unregistered"): vol.Any(None, str),
    vol.Optional("follow_me"): vol.Any(None, str),
    vol.Optional("call_timeout"): _POSITIVE,
    vol.Optional("max_call_duration"): _POSITIVE,
}
QUEUE_AGENT: Final[dict[Any, Any]] = {
    **BASE,
    vol.Required(ATTR_QUEUE): cv.string,
    vol.Required(ATTR_EXTENSION): cv.string,
}


def _invalid(key: str, **placeholders: object) -> ServiceValidationError:
    """A translated validation error of this integration."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={
            name: str(value) for name, value in placeholders.items()
        },
    )


# --------------------------------------------------------------------------- lookups


def _known_extension(store: PbxStore, extension: str) -> str:
    """Refuse an extension the PBX does not have (when its extensions are known)."""
    if store.extensions and extension not in store.extensions:
        raise _invalid("unknown_extension", extension=extension)
    return extension


def _known_queue(store: PbxStore, queue: str) -> str:
    """Refuse a queue the PBX does not have (when its queues are known)."""
    if store.queues and queue not in store.queues:
        raise _invalid("unknown_queue", queue=queue)
    return queue


def _leg_uuid(store: PbxStore, data: Mapping[str, Any]) -> str:
    """The leg uuid an action acts on, from ``extension`` or ``call_id`` (exactly one)."""
    extension: str | None = data.get(ATTR_EXTENSION)
    call_id: str | None = data.get(ATTR_CALL_ID)
    if (extension is None) == (call_id is None):
        raise _invalid("extension_or_call_id")
    if extension is not None:
        _known_extension(store, extension)
        if (leg := store.calls.current_leg(extension)) is None:
            raise _invalid("no_active_call", extension=extension)
        return leg.pbx_id
    if call_id and store.calls.call(call_id) is not None:
        if leg := store.calls.find_leg(call_id):
            return leg.pbx_id
    return cast("str", call_id)


# --------------------------------------------------------------------------- parsing


def _time(value: str) -> dt.time:
    """Parse ``HH:MM`` (seconds, as the time selector adds them, are accepted)."""
    match = _TIME.match(value.strip())
    if match is None:
        raise _invalid("invalid_time", time=value)
    hour, minute, second = match.groups()
    try:
        return dt.time(int(hour), int(minute), int(second or 0))
    except ValueError:
        raise _invalid("invalid_time", time=value) from None


def _date(value: str) -> dt.date:
    """Parse ``YYYY-MM-DD``."""
    if not _DATE.match(value.strip()):
        raise _invalid("invalid_date", date=value)
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise _invalid("invalid_date", date=value) from None


def _weekdays(values: list[str]) -> frozenset[Weekday]:
    """Parse mon..sun; the client maps them to the API's 1 = Sunday .. 7 = Saturday."""
    days: set[Weekday] = set()
    for value in values:
        try:
            days.add(Weekday.parse(value))
        except ValueError:
            raise _invalid("invalid_weekday", weekday=value) from None
    if not days:
        raise _invalid("invalid_weekday", weekday="")
    return frozenset(days)


def _alarm_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """The alarm settings given, as AlarmSettings/AlarmChanges keyword arguments."""
    if ATTR_DATE in data and ATTR_WEEKDAYS in data:
        raise _invalid("date_or_weekdays")
    fields: dict[str, Any] = {
        key: data[key]
        for key in (
            ATTR_NAME,
            ATTR_ENABLED,
            ATTR_PROMPT,
            ATTR_SNOOZE_INTERVAL,
            ATTR_RETRIES,
        )
        if key in data
    }
    if ATTR_TIME in data:
        fields["time"] = _time(data[ATTR_TIME])
    if ATTR_DATE in data:
        fields["date"] = _date(data[ATTR_DATE])
    if ATTR_WEEKDAYS in data:
        fields["weekdays"] = _weekdays(data[ATTR_WEEKDAYS])
    return fields


def _extension_changes(data: Mapping[str, Any]) -> ExtensionChanges:
    """The extension settings given; ``None`` or "" switches a forwarding off."""
    fields: dict[str, Any] = {}
    for key in EXTENSION_SETTINGS:
        if key not in data:
            continue
        value = data[key]
        if key.startswith(("forward_", "follow_")) and value is None:
            value = ""
        fields[key] = value
    if "call_permission" in fields:
        fields["call_permission"] = CallPermission(fields["call_permission"])
    return _build(ExtensionChanges, fields)


def _build[M](kind: Callable[..., M], fields: Mapping[str, Any]) -> M:
    """Construct an input model; its own checks become translated validation errors."""
    try:
        return kind(**fields)
    except (TypeError, ValueError) as err:
        raise _invalid("invalid_input", error=str(err)) from err


def _pbx_time(value: dt.datetime) -> dt.datetime:
    """A CDR filter in the PBX's local (naive) time; aware times are converted first."""
    if value.tzinfo is not None:
        return dt_util.as_local(value).replace(tzinfo=None)
    return value


def _dicts(models: Iterable[ApiModel]) -> list[JsonValueType]:
    """Export models as JSON-serialisable dicts."""
    return [model.to_dict() for model in models]


# --------------------------------------------------------------------------- handlers

type Handler = Callable[
    [SynwayConfigEntry, ServiceCall], Coroutine[Any, Any, ServiceResponse]
]


async def _dial(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
    """Make an extension call a number (its phone rings first)."""
    rt = entry.runtime_data
    extension = _known_extension(rt.coordinator.data, call.data[ATTR_EXTENSION])
    await async_pbx_call(
        rt.client.ext_outbound(
            extension, call.data[ATTR_NUMBER], call.data.get(ATTR_USER_ID)
        )
    )
    return None


def _leg_action(
    method: str,
) -> Handler:
    """An action that acts on one call leg through a one-argument client method."""

    async def _handler(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
        rt = entry.runtime_data
        uuid = _leg_uuid(rt.coordinator.data, call.data)
        await async_pbx_call(getattr(rt.client, method)(uuid))
        rt.coordinator.async_call_action_done(method, uuid)
        return None

    _handler.__doc__ = f"Call the client's {method} on the chosen leg."
    return _handler


async def _transfer(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
    """Transfer a call leg to an extension or outside number."""
    rt = entry.runtime_data
    uuid = _leg_uuid(rt.coordinator.data, call.data)
    await async_pbx_call(rt.client.transfer_ext(uuid, call.data[ATTR_DESTINATION]))
    rt.coordinator.async_call_action_done("transfer", uuid, call.data[ATTR_DESTINATION])
    return None


async def _monitor(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
    """Let an extension listen to, whisper into or barge into another's call."""
    rt = entry.runtime_data
    store = rt.coordinator.data
    listener = _known_extension(store, call.data[ATTR_EXTENSION])
    target = _known_extension(store, call.data[ATTR_TARGET])
    await async_pbx_call(
        rt.client.monitor(listener, target, MonitorMode(call.data[ATTR_MODE]))
    )
    return None


async def _play_prompt(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
    """Play prompt files or a TTS prompt into a call."""
    rt = entry.runtime_data
    files: list[str] | None = call.data.get(ATTR_FILES)
    tts_data: Any = call.data.get(ATTR_TTS)
    if (files is None) == (tts_data is None):
        raise _invalid("files_or_tts")
    if files is not None and not files:
        raise _invalid("empty_files")
    tts: TtsPrompt | None = None
    if tts_data is not None:
        params = tts_data.get("params", {}) if isinstance(tts_data, Mapping) else None
        if (
            not isinstance(params, Mapping)
            or not isinstance(tts_data.get("type"), str)
            or not isinstance(tts_data.get("url"), str)
        ):
            raise _invalid("invalid_tts")
        tts = _build(
            TtsPrompt,
            {"type": tts_data["type"], "url": tts_data["url"], "params": dict(params)},
        )
    uuid = _leg_uuid(rt.coordinator.data, call.data)
    await async_pbx_call(
        rt.client.play_sound_file(
            uuid, mode=PlayMode(call.data[ATTR_MODE]), files=files, tts=tts
        )
    )
    return None


async def _set_audio(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
    """Mute or unmute a call leg, or set its volume."""
    rt = entry.runtime_data
    mute: bool | None = call.data.get(ATTR_MUTE)
    volume: int | None = call.data.get(ATTR_VOLUME)
    if (mute is None) == (volume is None):
        raise _invalid("mute_or_volume")
    if volume is not None and not -4 <= volume <= 4:
        raise _invalid("invalid_volume", volume=volume)
    uuid = _leg_uuid(rt.coordinator.data, call.data)
    await async_pbx_call(
        rt.client.audio(
            uuid,
            AudioDirection(call.data[ATTR_DIRECTION]),
            mute=mute,
            volume=volume,
        )
    )
    return None


def _inbound_action(method: str) -> Handler:
    """Accept or refuse a controlled inbound call (its call_id as reported)."""

    async def _handler(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
        await async_pbx_call(
            getattr(entry.runtime_data.client, method)(call.data[ATTR_CALL_ID])
        )
        return None

    _handler.__doc__ = f"Call the client's {method} with the given call id."
    return _handler


async def _fxo_hook(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
    """Take an FXO port off hook or put it back on hook."""
    rt = entry.runtime_data
    port = str(call.data[ATTR_PORT]).strip()
    if not port.isdigit():
        raise _invalid("unknown_port", port=port)
    ports = {
        trunk.port
        for trunk in rt.coordinator.data.trunks.values()
        if trunk.type is TrunkType.FXO and trunk.port
    }
    if ports and port not in ports:
        raise _invalid("unknown_port", port=port)
    await async_pbx_call(rt.client.hook(port, off_hook=call.data[ATTR_OFF_HOOK]))
    # The PBX reports no hook change: poll so the trunk's status follows.
    await rt.coordinator.async_request_refresh()
    return None


async def _add_alarm(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
    """Add a wake-up alarm to an extension."""
    rt = entry.runtime_data
    extension = _known_extension(rt.coordinator.data, call.data[ATTR_EXTENSION])
    fields = _alarm_fields(call.data)
    if "date" not in fields and "weekdays" not in fields:
        raise _invalid("date_or_weekdays")
    alarm = _build(AlarmSettings, fields)
    await async_pbx_call(rt.client.alarm_add(extension, alarm))
    return None


async def _update_alarm(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
    """Change a wake-up alarm (of the given extension, when one is given)."""
    rt = entry.runtime_data
    alarm_id: str = call.data[ATTR_ALARM_ID]
    changes = _build(AlarmChanges, _alarm_fields(call.data))
    if changes.is_empty:
        raise _invalid("nothing_to_change")
    extension: str | None = call.data.get(ATTR_EXTENSION)
    if extension is not None:
        # alarm_mod cannot move an alarm: the extension only guards which one changes.
        _known_extension(rt.coordinator.data, extension)
        alarms = await async_pbx_call(rt.client.alarm_query(extension))
        if all(alarm.alarm_id != alarm_id for alarm in alarms):
            raise _invalid("unknown_alarm", alarm_id=alarm_id, extension=extension)
    await async_pbx_call(rt.client.alarm_mod(alarm_id, changes))
    return None


async def _delete_alarm(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
    """Delete a wake-up alarm."""
    rt = entry.runtime_data
    extension: str | None = call.data.get(ATTR_EXTENSION)
    if extension is not None:
        _known_extension(rt.coordinator.data, extension)
    await async_pbx_call(
        rt.client.alarm_del(
            call.data[ATTR_ALARM_ID], [extension] if extension is not None else None
        )
    )
    return None


async def _get_alarms(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
    """Return the wake-up alarms of one extension, or of all."""
    rt = entry.runtime_data
    extension: str | None = call.data.get(ATTR_EXTENSION)
    if extension is not None:
        _known_extension(rt.coordinator.data, extension)
    alarms = await async_pbx_call(rt.client.alarm_query(extension))
    return {"alarms": _dicts(alarms)}


def _agent_action(method: str, *, with_password: bool) -> Handler:
    """A queue agent action (login, logout, break, resume)."""

    async def _handler(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
        rt = entry.runtime_data
        store = rt.coordinator.data
        queue = _known_queue(store, call.data[ATTR_QUEUE])
        extension = _known_extension(store, call.data[ATTR_EXTENSION])
        kwargs: dict[str, Any] = {}
        if with_password:
            kwargs = {
                "password": call.data.get(ATTR_PASSWORD),
                "all_queues": call.data.get(ATTR_ALL_QUEUES, False),
            }
        await async_pbx_call(getattr(rt.client, method)(queue, extension, **kwargs))
        return None

    _handler.__doc__ = f"Call the client's {method} for a queue agent."
    return _handler


async def _get_agent_status(
    entry: SynwayConfigEntry, call: ServiceCall
) -> ServiceResponse:
    """Return a dynamic agent's state in a queue."""
    rt = entry.runtime_data
    store = rt.coordinator.data
    queue = _known_queue(store, call.data[ATTR_QUEUE])
    extension = _known_extension(store, call.data[ATTR_EXTENSION])
    state = await async_pbx_call(
        rt.client.agent_query(queue, extension, call.data.get(ATTR_PASSWORD))
    )
    return {"queue": queue, "extension": extension, "status": state.value}


async def _get_extensions(
    entry: SynwayConfigEntry, call: ServiceCall
) -> ServiceResponse:
    """Return the settings of some extensions, or of all (without passwords)."""
    rt = entry.runtime_data
    wanted: list[str] | None = call.data.get(ATTR_EXTENSIONS) or None
    for extension in wanted or ():
        _known_extension(rt.coordinator.data, extension)
    settings = await async_pbx_call(rt.client.ext_query(wanted))
    extensions: list[JsonValueType] = []
    for item in settings:
        exported = item.to_dict()
        exported.pop("password", None)
        extensions.append(exported)
    return {"extensions": extensions}


async def _update_extension(
    entry: SynwayConfigEntry, call: ServiceCall
) -> ServiceResponse:
    """Change settings of an extension."""
    rt = entry.runtime_data
    extension = _known_extension(rt.coordinator.data, call.data[ATTR_EXTENSION])
    changes = _extension_changes(call.data)
    if changes.is_empty:
        raise _invalid("nothing_to_change")
    await async_pbx_call(rt.client.ext_update(extension, changes))
    await rt.coordinator.async_request_refresh()
    return None


async def _add_extension(
    entry: SynwayConfigEntry, call: ServiceCall
) -> ServiceResponse:
    """Create an extension."""
    rt = entry.runtime_data
    changes = _extension_changes(call.data)
    kind: str | None = call.data.get(ATTR_TYPE)
    await async_pbx_call(
        rt.client.ext_add(
            call.data[ATTR_EXTENSION],
            call.data[ATTR_PASSWORD],
            None if changes.is_empty else changes,
            ExtensionType(kind).api_value if kind is not None else None,
        )
    )
    # The new extension's devices and entities come with the next poll: poll now.
    await rt.coordinator.async_request_refresh()
    return None


async def _get_trunks(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
    """Return the settings of some trunks, or of all."""
    wanted: list[str] | None = call.data.get(ATTR_TRUNKS) or None
    trunks = await async_pbx_call(entry.runtime_data.client.trunk_query(wanted))
    return {"trunks": _dicts(trunks)}


async def _get_outbound_routes(
    entry: SynwayConfigEntry, call: ServiceCall
) -> ServiceResponse:
    """Return one outbound route, or all."""
    routes = await async_pbx_call(
        entry.runtime_data.client.outbound_query(call.data.get(ATTR_NAME))
    )
    return {"routes": _dicts(routes)}


async def _update_outbound_route(
    entry: SynwayConfigEntry, call: ServiceCall
) -> ServiceResponse:
    """Enable or disable an outbound route, or change its members."""
    rt = entry.runtime_data
    enabled: bool | None = call.data.get(ATTR_ENABLED)
    extensions: list[str] | None = call.data.get(ATTR_EXTENSIONS)
    trunks: list[str] | None = call.data.get(ATTR_TRUNKS)
    if enabled is None and extensions is None and trunks is None:
        raise _invalid("nothing_to_change")
    for extension in extensions or ():
        _known_extension(rt.coordinator.data, extension)
    await async_pbx_call(
        rt.client.outbound_mod(
            call.data[ATTR_NAME], enabled=enabled, extensions=extensions, trunks=trunks
        )
    )
    return None


async def _get_ivrs(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
    """Return every IVR."""
    ivrs = await async_pbx_call(entry.runtime_data.client.ivr_list())
    return {"ivrs": _dicts(ivrs)}


async def _get_call_records(
    entry: SynwayConfigEntry, call: ServiceCall
) -> ServiceResponse:
    """Return one page of call records, or up to MAX_CALL_RECORDS of them."""
    client = entry.runtime_data.client
    page: int | None = call.data.get(ATTR_PAGE)
    all_pages: bool = call.data.get(ATTR_ALL_PAGES, False)
    if page is not None and all_pages:
        raise _invalid("page_or_all_pages")
    filters: dict[str, Any] = {
        key: call.data[key] for key in CDR_FILTERS if key in call.data
    }
    for key in ("started_after", "started_before", "ended_after", "ended_before"):
        if key in filters:
            filters[key] = _pbx_time(filters[key])
    if "direction" in filters:
        filters["direction"] = CallDirection(filters["direction"])
    if "status" in filters:
        filters["status"] = CdrStatus(filters["status"])
    query = _build(CdrQuery, filters)
    if all_pages:
        records = await async_pbx_call(client.cdrs_all(query, limit=MAX_CALL_RECORDS))
        return {"records": _dicts(records), "count": len(records)}
    result = await async_pbx_call(client.cdrs(query, page=page or 1))
    return {
        "records": _dicts(result.records),
        "count": len(result.records),
        "total": result.total,
        "page": result.page if result.page is not None else page or 1,
        "max_page": result.max_page,
    }


async def _get_call_details(
    entry: SynwayConfigEntry, call: ServiceCall
) -> ServiceResponse:
    """Return the detailed legs of one call record."""
    record_id: str = call.data[ATTR_RECORD_ID]
    details = await async_pbx_call(entry.runtime_data.client.cdr_query(record_id))
    return {"record_id": record_id, "details": _dicts(details)}


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True, slots=True)
class _Action:
    """One action: its handler, schema, and how it is registered."""

    handler: Handler
    schema: dict[Any, Any]
    response: SupportsResponse = SupportsResponse.NONE
    admin: bool = False
    # Whether OBJECT_FIELDS may be given as devices or entities (not for new objects).
    pickers: bool = True


_ALARM_ADD_SCHEMA: Final[dict[Any, Any]] = {
    **BASE,
    vol.Required(ATTR_EXTENSION): cv.string,
    vol.Required(ATTR_NAME): cv.string,
    vol.Required(ATTR_TIME): cv.string,
    **ALARM_FIELDS,
}

ACTIONS: Final[dict[str, _Action]] = {
    "dial": _Action(
        _dial,
        {
            **BASE,
            vol.Required(ATTR_EXTENSION): cv.string,
            vol.Required(ATTR_NUMBER): cv.string,
            vol.Optional(ATTR_USER_ID): cv.string,
        },
    ),
    "hangup": _Action(_leg_action("hangup"), CALL_TARGET),
    "hold": _Action(_leg_action("hold"), CALL_TARGET),
    "unhold": _Action(_leg_action("unhold"), CALL_TARGET),
    "record": _Action(_leg_action("record"), CALL_TARGET),
    "transfer": _Action(
        _transfer, {**CALL_TARGET, vol.Required(ATTR_DESTINATION): cv.string}
    ),
    "monitor": _Action(
        _monitor,
        {
            **BASE,
            vol.Required(ATTR_EXTENSION): cv.string,
            vol.Required(ATTR_TARGET): cv.string,
            vol.Required(ATTR_MODE): vol.In(MONITOR_MODES),
        },
    ),
    "play_prompt": _Action(
        _play_prompt,
        {
            **CALL_TARGET,
            vol.Optional(ATTR_FILES): _STRINGS,
            vol.Optional(ATTR_TTS): dict,
            vol.Required(ATTR_MODE): vol.In(PLAY_MODES),
        },
    ),
    "set_audio": _Action(
        _set_audio,
        {
            **CALL_TARGET,
            vol.Required(ATTR_DIRECTION): vol.In(AUDIO_DIRECTIONS),
            vol.Optional(ATTR_MUTE): cv.boolean,
            vol.Optional(ATTR_VOLUME): vol.Coerce(int),
        },
    ),
    "accept_inbound": _Action(
        _inbound_action("inbound_accept"),
        {**BASE, vol.Required(ATTR_CALL_ID): cv.string},
    ),
    "refuse_inbound": _Action(
        _inbound_action("inbound_refuse"),
        {**BASE, vol.Required(ATTR_CALL_ID): cv.string},
    ),
    "fxo_hook": _Action(
        _fxo_hook,
        {
            **BASE,
            # A port number, or an FXO trunk's device or entity (resolved to its port).
            vol.Required(ATTR_PORT): vol.Any(_POSITIVE, cv.string),
            vol.Required(ATTR_OFF_HOOK): cv.boolean,
        },
    ),
    "add_alarm": _Action(_add_alarm, _ALARM_ADD_SCHEMA),
    "update_alarm": _Action(
        _update_alarm,
        {
            **BASE,
            vol.Required(ATTR_ALARM_ID): cv.string,
            vol.Optional(ATTR_EXTENSION): cv.string,
            vol.Optional(ATTR_NAME): cv.string,
            vol.Optional(ATTR_TIME): cv.string,
            **ALARM_FIELDS,
        },
    ),
    "delete_alarm": _Action(
        _delete_alarm,
        {
            **BASE,
            vol.Required(ATTR_ALARM_ID): cv.string,
            vol.Optional(ATTR_EXTENSION): cv.string,
        },
    ),
    "get_alarms": _Action(
        _get_alarms,
        {**BASE, vol.Optional(ATTR_EXTENSION): cv.string},
        SupportsResponse.ONLY,
    ),
    "agent_login": _Action(
        _agent_action("agent_login", with_password=True),
        {
            **QUEUE_AGENT,
            vol.Optional(ATTR_PASSWORD): cv.string,
            vol.Optional(ATTR_ALL_QUEUES): cv.boolean,
        },
    ),
    "agent_logout": _Action(
        _agent_action("agent_logout", with_password=True),
        {
            **QUEUE_AGENT,
            vol.Optional(ATTR_PASSWORD): cv.string,
            vol.Optional(ATTR_ALL_QUEUES): cv.boolean,
        },
    ),
    "agent_pause": _Action(
        _agent_action("agent_break", with_password=False), QUEUE_AGENT
    ),
    "agent_resume": _Action(
        _agent_action("agent_resume", with_password=False), QUEUE_AGENT
    ),
    "get_agent_status": _Action(
        _get_agent_status,
        {**QUEUE_AGENT, vol.Optional(ATTR_PASSWORD): cv.string},
        SupportsResponse.ONLY,
    ),
    "get_extensions": _Action(
        _get_extensions,
        {**BASE, vol.Optional(ATTR_EXTENSIONS): _STRINGS},
        SupportsResponse.ONLY,
    ),
    "update_extension": _Action(
        _update_extension,
        {**BASE, vol.Required(ATTR_EXTENSION): cv.string, **EXTENSION_FIELDS},
        admin=True,
    ),
    "add_extension": _Action(
        _add_extension,
        {
            **BASE,
            vol.Required(ATTR_EXTENSION): cv.string,
            vol.Required(ATTR_PASSWORD): cv.string,
            vol.Optional(ATTR_TYPE): vol.In(EXTENSION_TYPES),
            **EXTENSION_FIELDS,
        },
        admin=True,
        pickers=False,
    ),
    "get_trunks": _Action(
        _get_trunks,
        {**BASE, vol.Optional(ATTR_TRUNKS): _STRINGS},
        SupportsResponse.ONLY,
    ),
    "get_outbound_routes": _Action(
        _get_outbound_routes,
        {**BASE, vol.Optional(ATTR_NAME): cv.string},
        SupportsResponse.ONLY,
    ),
    "update_outbound_route": _Action(
        _update_outbound_route,
        {
            **BASE,
            vol.Required(ATTR_NAME): cv.string,
            vol.Optional(ATTR_ENABLED): cv.boolean,
            vol.Optional(ATTR_EXTENSIONS): _STRINGS,
            vol.Optional(ATTR_TRUNKS): _STRINGS,
        },
        admin=True,
    ),
    "get_ivrs": _Action(_get_ivrs, BASE, SupportsResponse.ONLY),
    "get_call_records": _Action(
        _get_call_records,
        {
            **BASE,
            vol.Optional("extension"): cv.string,
            vol.Optional("caller"): cv.string,
            vol.Optional("callee"): cv.string,
            vol.Optional("outbound_caller_id"): cv.string,
            vol.Optional("started_after"): cv.datetime,
            vol.Optional("started_before"): cv.datetime,
            vol.Optional("ended_after"): cv.datetime,
            vol.Optional("ended_before"): cv.datetime,
            vol.Optional("direction"): vol.In(CALL_DIRECTIONS),
            vol.Optional("status"): vol.In(CDR_STATUSES),
            vol.Optional(ATTR_PAGE): _POSITIVE,
            vol.Optional(ATTR_ALL_PAGES): cv.boolean,
        },
        SupportsResponse.ONLY,
    ),
    "get_call_details": _Action(
        _get_call_details,
        {**BASE, vol.Required(ATTR_RECORD_ID): cv.string},
        SupportsResponse.ONLY,
    ),
}


def _picked_values(fields: Mapping[str, Any]) -> list[object]:
    """Every value of the object fields, lists flattened."""
    values: list[object] = []
    for value in fields.values():
        values.extend(value if isinstance(value, list) else [value])
    return values


def _resolve_fields(
    hass: HomeAssistant,
    entry: SynwayConfigEntry,
    call: ServiceCall,
    fields: Mapping[str, Any],
) -> ServiceCall:
    """The call with picked devices and entities replaced by the objects they stand for."""
    data = dict(call.data)
    for key, value in fields.items():
        kind = OBJECT_FIELDS[key]
        if isinstance(value, list):
            data[key] = [async_resolve_object(hass, entry, kind, v) for v in value]
            continue
        resolved = async_resolve_object(hass, entry, kind, value)
        if key == ATTR_PORT:
            resolved = _trunk_port(entry.runtime_data.coordinator.data, resolved)
        data[key] = resolved
    return ServiceCall(
        hass, call.domain, call.service, data, call.context, call.return_response
    )


def _trunk_port(store: PbxStore, port: str) -> str:
    """An FXO port given as its trunk: the trunk's port (a number stays as it is)."""
    if (trunk := store.trunks.get(port)) is None:
        return port
    if trunk.type is not TrunkType.FXO or not trunk.port:
        raise _invalid("not_an_fxo_trunk", target=port)
    return trunk.port


def _bind(
    hass: HomeAssistant, action: _Action
) -> Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]:
    """Wrap a handler: resolve the config entry and picked objects first.

    Without ``config_entry_id`` a picked device or entity names the PBX it belongs to.
    """

    async def _call(call: ServiceCall) -> ServiceResponse:
        fields = (
            {key: call.data[key] for key in OBJECT_FIELDS if key in call.data}
            if action.pickers
            else {}
        )
        entry_id: str | None = call.data.get(ATTR_CONFIG_ENTRY_ID)
        if entry_id is None and fields:
            entry_id = async_picked_entry_id(hass, _picked_values(fields))
        entry = cast(
            "SynwayConfigEntry", service.async_get_config_entry(hass, DOMAIN, entry_id)
        )
        if fields:
            call = _resolve_fields(hass, entry, call, fields)
        return await action.handler(entry, call)

    return _call


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions."""
    for name, action in ACTIONS.items():
        schema = vol.Schema(action.schema)
        func = _bind(hass, action)
        if action.admin:
            service.async_register_admin_service(
                hass, DOMAIN, name, func, schema, action.response
            )
        else:
            hass.services.async_register(DOMAIN, name, func, schema, action.response)
