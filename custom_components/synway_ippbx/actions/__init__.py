"""Actions of the integration (registered once, in async_setup): the registry.

The actions themselves live by concern in the modules of this package (calls, queue agents,
alarms, configuration, call records); this module registers them and does what every
action shares: find the config entry, resolve picked devices, translate the PBX's errors.

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

Input is validated once, by the schemas; errors from the PBX become translated errors
in words naming the extension acted on (see ``pbx_errors.py``).
"""

from collections.abc import Callable, Coroutine, Mapping
from typing import Any, Final, cast

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, callback
from homeassistant.helpers import service
import probatio as vol

from ..api import TrunkType
from ..const import DOMAIN
from ..coordinator import SynwayConfigEntry
from ..errors import pbx_errors
from ..pbx.store import PbxStore
from ..pickers import async_picked_entry_id, async_resolve_object
from . import alarms, calls, config, queues, records
from .common import (
    ATTR_EXTENSION,
    ATTR_EXTENSIONS,
    ATTR_PORT,
    ATTR_QUEUE,
    ATTR_TARGET,
    ATTR_TRUNKS,
    Action,
    validation_error,
)
from .records import MAX_CALL_RECORDS

__all__ = ["ACTIONS", "MAX_CALL_RECORDS", "OBJECT_FIELDS", "async_setup_services"]

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

# In the order services.yaml describes them (the action list in the UI follows it).
ACTIONS: Final[dict[str, Action]] = {
    **calls.ACTIONS,
    **alarms.ACTIONS,
    **queues.ACTIONS,
    **config.ACTIONS,
    **records.ACTIONS,
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
        raise validation_error("not_an_fxo_trunk", target=port)
    return trunk.port


def _bind(
    hass: HomeAssistant, action: Action
) -> Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]:
    """Wrap a handler: resolve the config entry and picked objects, translate errors.

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
        extension = call.data.get(ATTR_EXTENSION)
        with pbx_errors(hass, entry, extension if isinstance(extension, str) else None):
            return await action.handler(entry, call)

    return _call


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions."""
    for name, action in ACTIONS.items():
        schema = vol.All(vol.Schema(action.schema), *action.checks)
        func = _bind(hass, action)
        if action.admin:
            service.async_register_admin_service(
                hass, DOMAIN, name, func, schema, action.response
            )
        else:
            hass.services.async_register(DOMAIN, name, func, schema, action.response)
