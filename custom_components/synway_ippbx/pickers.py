"""Picked devices: an action field may name an object by its device or one of its entities.

Action fields that name an extension, queue or trunk accept the object itself (its number
or name, as YAML always could), its device, or one of its entities, so the action forms
can offer device pickers.
"""

from collections.abc import Iterable

from homeassistant.core import HomeAssistant, callback, valid_entity_id
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .const import DOMAIN
from .coordinator import SynwayConfigEntry
from .devices import object_identifier
from .pbx.store import ObjectKey


def _device_id(hass: HomeAssistant, value: str) -> str | None:
    """The device a value stands for, if it is a device id or an entity id."""
    if valid_entity_id(value):
        entity = er.async_get(hass).async_get(value)
        return entity.device_id if entity is not None else None
    if dr.async_get(hass).async_get(value) is not None:
        return value
    return None


@callback
def async_picked_entry_id(hass: HomeAssistant, values: Iterable[object]) -> str | None:
    """The config entry of the first of our devices or entities among the values."""
    devices = dr.async_get(hass)
    for value in values:
        if (device_id := _device_id(hass, str(value))) is None:
            continue
        device = devices.async_get(device_id)
        if device is not None and any(d == DOMAIN for d, _ in device.identifiers):
            return device.config_entry_id
    return None


@callback
def async_resolve_object(
    hass: HomeAssistant, entry: SynwayConfigEntry, kind: str, value: object
) -> str:
    """The number or name of the ``kind`` object a field value stands for.

    A value the PBX knows as such, or one that is neither a device nor an entity, is
    returned as given (unknown numbers are refused later, with their own message).
    """
    text = str(value).strip()
    store = entry.runtime_data.coordinator.data
    objects: Iterable[str] = getattr(store, f"{kind}s")
    if text in objects:
        return text
    device_id = _device_id(hass, text)
    if device_id is None and not valid_entity_id(text):
        return text
    device = dr.async_get(hass).async_get(device_id) if device_id else None
    if device is not None and device.config_entry_id == entry.entry_id:
        for candidate in objects:
            if (
                DOMAIN,
                object_identifier(entry.entry_id, ObjectKey(kind, candidate)),
            ) in (device.identifiers):
                return candidate
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=f"not_a_{kind}",
        translation_placeholders={"target": text},
    )
