"""Configuration actions: extensions, trunks, outbound routes and IVRs of the PBX."""

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.core import ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers import config_validation as cv
from homeassistant.util.json import JsonValueType
import probatio as vol

from ..api import CallPermission, ExtensionChanges, ExtensionType
from ..coordinator import SynwayConfigEntry
from .common import (
    ATTR_ENABLED,
    ATTR_EXTENSION,
    ATTR_EXTENSIONS,
    ATTR_NAME,
    ATTR_PASSWORD,
    ATTR_TRUNKS,
    BASE,
    POSITIVE,
    STRINGS,
    Action,
    dicts,
    known_extension,
)

ATTR_TYPE: Final = "type"

# update_extension / add_extension settings, named as ExtensionChanges names them.
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
_FORWARDING = vol.Any(None, str)
EXTENSION_FIELDS: Final[dict[Any, Any]] = {
    vol.Optional("name"): cv.string,
    vol.Optional("caller_id"): str,
    vol.Optional("call_permission"): vol.All(
        vol.In([p.value for p in CallPermission if p is not CallPermission.UNKNOWN]),
        CallPermission,
    ),
    vol.Optional("enabled"): cv.boolean,
    vol.Optional("voicemail"): cv.boolean,
    vol.Optional("recording"): cv.boolean,
    vol.Optional("forward_always"): _FORWARDING,
    vol.Optional("forward_busy"): _FORWARDING,
    vol.Optional("forward_no_answer"): _FORWARDING,
    vol.Optional("forward_unregistered"): _FORWARDING,
    vol.Optional("follow_me"): _FORWARDING,
    vol.Optional("call_timeout"): POSITIVE,
    vol.Optional("max_call_duration"): POSITIVE,
}
EXTENSION_TYPES: Final = [
    kind.value for kind in ExtensionType if kind is not ExtensionType.UNKNOWN
]


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
    return ExtensionChanges(**fields)


async def _get_extensions(
    entry: SynwayConfigEntry, call: ServiceCall
) -> ServiceResponse:
    """Return the settings of some extensions, or of all (without passwords)."""
    runtime = entry.runtime_data
    wanted: list[str] | None = call.data.get(ATTR_EXTENSIONS) or None
    for extension in wanted or ():
        known_extension(runtime.coordinator.data, extension)
    settings = await runtime.client.ext_query(wanted)
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
    runtime = entry.runtime_data
    extension = known_extension(runtime.coordinator.data, call.data[ATTR_EXTENSION])
    await runtime.client.ext_update(extension, _extension_changes(call.data))
    await runtime.coordinator.async_request_refresh()
    return None


async def _add_extension(
    entry: SynwayConfigEntry, call: ServiceCall
) -> ServiceResponse:
    """Create an extension."""
    runtime = entry.runtime_data
    changes = _extension_changes(call.data)
    kind: str | None = call.data.get(ATTR_TYPE)
    await runtime.client.ext_add(
        call.data[ATTR_EXTENSION],
        call.data[ATTR_PASSWORD],
        None if changes.is_empty else changes,
        ExtensionType(kind) if kind is not None else None,
    )
    # The new extension's devices and entities come with the next poll: poll now.
    await runtime.coordinator.async_request_refresh()
    return None


async def _get_trunks(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
    """Return the settings of some trunks, or of all."""
    wanted: list[str] | None = call.data.get(ATTR_TRUNKS) or None
    trunks = await entry.runtime_data.client.trunk_query(wanted)
    return {"trunks": dicts(trunks)}


async def _get_outbound_routes(
    entry: SynwayConfigEntry, call: ServiceCall
) -> ServiceResponse:
    """Return one outbound route, or all."""
    routes = await entry.runtime_data.client.outbound_query(call.data.get(ATTR_NAME))
    return {"routes": dicts(routes)}


async def _update_outbound_route(
    entry: SynwayConfigEntry, call: ServiceCall
) -> ServiceResponse:
    """Enable or disable an outbound route, or change its members."""
    runtime = entry.runtime_data
    extensions: list[str] | None = call.data.get(ATTR_EXTENSIONS)
    for extension in extensions or ():
        known_extension(runtime.coordinator.data, extension)
    await runtime.client.outbound_mod(
        call.data[ATTR_NAME],
        enabled=call.data.get(ATTR_ENABLED),
        extensions=extensions,
        trunks=call.data.get(ATTR_TRUNKS),
    )
    return None


async def _get_ivrs(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
    """Return every IVR."""
    ivrs = await entry.runtime_data.client.ivr_list()
    return {"ivrs": dicts(ivrs)}


ACTIONS: Final[dict[str, Action]] = {
    "get_extensions": Action(
        _get_extensions,
        {**BASE, vol.Optional(ATTR_EXTENSIONS): STRINGS},
        SupportsResponse.ONLY,
    ),
    "update_extension": Action(
        _update_extension,
        {**BASE, vol.Required(ATTR_EXTENSION): cv.string, **EXTENSION_FIELDS},
        admin=True,
        checks=(cv.has_at_least_one_key(*EXTENSION_SETTINGS),),
    ),
    "add_extension": Action(
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
    "get_trunks": Action(
        _get_trunks,
        {**BASE, vol.Optional(ATTR_TRUNKS): STRINGS},
        SupportsResponse.ONLY,
    ),
    "get_outbound_routes": Action(
        _get_outbound_routes,
        {**BASE, vol.Optional(ATTR_NAME): cv.string},
        SupportsResponse.ONLY,
    ),
    "update_outbound_route": Action(
        _update_outbound_route,
        {
            **BASE,
            vol.Required(ATTR_NAME): cv.string,
            vol.Optional(ATTR_ENABLED): cv.boolean,
            vol.Optional(ATTR_EXTENSIONS): STRINGS,
            vol.Optional(ATTR_TRUNKS): STRINGS,
        },
        admin=True,
        checks=(cv.has_at_least_one_key(ATTR_ENABLED, ATTR_EXTENSIONS, ATTR_TRUNKS),),
    ),
    "get_ivrs": Action(_get_ivrs, BASE, SupportsResponse.ONLY),
}
