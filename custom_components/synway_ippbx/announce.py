"""Tell Home Assistant what happened: the bus events, the Activity row, the event entities.

The happening (``happening.py``) has worked everything out; this module only looks
entities up in the registry (by unique id: two dictionary lookups) and sends.
"""

from typing import Any

from homeassistant.core import Context, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.dispatcher import async_dispatcher_send

from .const import DOMAIN, EVENT_ACTIVITY, EVENT_SYNWAY
from .devices import hub_identifier, object_identifier
from .pbx.event_cap import cap_event_data, event_size_bound
from .pbx.happening import Happening
from .pbx.report_facts import SHOWN_BY_STATUS, Shower
from .pbx.store import HUB_KEY, Key, extension_key

# Which entity shows an object's events, by the end of its unique id.
_EVENT_ENTITY_SUFFIX = {"extension": "call", "queue": "queue"}


def report_signal(entry_id: str, key: Key) -> str:
    """The dispatcher signal that carries events for one object."""
    return f"{DOMAIN}_{entry_id}_event_{key[0]}_{key[1]}"


@callback
def async_announce(
    hass: HomeAssistant,
    entry_id: str,
    happening: Happening,
    screened: dict[str, Any] | None = None,
    body_size: int | None = None,
    context: Context | None = None,
) -> None:
    """Fire the bus event (and an Activity row when one is due), then the entities' events.

    ``screened``: what inbound screening decided about the call, for the bus event.
    ``body_size``: the report body's length, when it came over the webhook: a small
    body's event needs no measuring against the event size limit.
    """
    registry = er.async_get(hass)
    bound = None if body_size is None else event_size_bound(body_size)
    if screened is not None:
        bound = None
    row_data: dict[str, Any] | None = None
    for fields in happening.bus:
        data = _bus_event_data(registry, entry_id, happening, fields)
        if screened is not None:
            data["screened"] = screened
        data = cap_event_data(data, at_most=bound)
        hass.bus.async_fire(EVENT_SYNWAY, data, context=context)
        if row_data is None or (
            happening.row_on is not None
            and data.get("extension") == happening.row_on[1]
        ):
            row_data = data
    if row_data is not None and (
        activity := _activity_data(hass, entry_id, happening, row_data)
    ):
        hass.bus.async_fire(EVENT_ACTIVITY, activity, context=context)
    for key, event_type, attributes in happening.events:
        async_dispatcher_send(
            hass, report_signal(entry_id, key), event_type, attributes
        )


@callback
def bus_event_data(
    hass: HomeAssistant, entry_id: str, happening: Happening
) -> list[dict[str, Any]]:
    """The data of the report's ``synway_ippbx_event`` events, one per extension."""
    registry = er.async_get(hass)
    return [
        _bus_event_data(registry, entry_id, happening, fields)
        for fields in happening.bus
    ]


def _bus_event_data(
    registry: er.EntityRegistry,
    entry_id: str,
    happening: Happening,
    fields: dict[str, Any],
) -> dict[str, Any]:
    """One bus event: its fields, the entry id, and the event entity it is about.

    The entity is the extension's Call entity (or the queue's): the logbook shows the
    event on that entity's device page.
    """
    data = {**fields, "config_entry_id": entry_id}
    extension = fields.get("extension")
    key = (
        extension_key(extension)
        if extension and happening.facts.scope == "extension"
        else happening.subject
    )
    if key is not None and (suffix := _EVENT_ENTITY_SUFFIX.get(key[0])) is not None:
        entity_id = registry.async_get_entity_id(
            "event", DOMAIN, f"{object_identifier(entry_id, key)}_{suffix}"
        )
        if entity_id is not None:
            data["entity_id"] = entity_id
    return data


@callback
def _registry_entry(
    hass: HomeAssistant, entry_id: str, key: Key, shower: Shower
) -> er.RegistryEntry | None:
    """The registry entry of one entity of an object (two dictionary lookups)."""
    platform, suffix = shower
    identifier = (
        hub_identifier(entry_id) if key == HUB_KEY else object_identifier(entry_id, key)
    )
    registry = er.async_get(hass)
    entity_id = registry.async_get_entity_id(platform, DOMAIN, f"{identifier}_{suffix}")
    return registry.async_get(entity_id) if entity_id else None


@callback
def _activity_data(
    hass: HomeAssistant, entry_id: str, happening: Happening, data: dict[str, Any]
) -> dict[str, Any] | None:
    """The data of a described Activity row, or None when it needs none.

    A row is written only for what no enabled entity shows (the rule is in
    ``describe``), attributed to the phone's Status sensor and device, so that the
    device page lists it. It carries its words; the logbook puts in the names.
    """
    key, shower = happening.row_on, happening.shown_by
    if key is None or shower is None:
        return None
    shown = _registry_entry(hass, entry_id, key, shower)
    if shown is not None and not shown.disabled:
        return None
    home = shown
    if key[0] == "extension":
        home = _registry_entry(hass, entry_id, key, SHOWN_BY_STATUS) or shown
    activity = dict(data)
    activity.pop("entity_id", None)
    if home is not None:
        activity["entity_id"] = home.entity_id
        if home.device_id is not None:
            activity["device_id"] = home.device_id
    activity["words"] = happening.activity_words().as_data()
    return activity
