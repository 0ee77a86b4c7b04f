"""Devices: the PBX hub, and one device per extension, trunk and queue beneath it."""

from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.device_registry import DeviceInfo

from .api import ExtensionType, TrunkType
from .const import DOMAIN
from .pbx.store import Key, PbxStore, object_keys

# What an object's device info is built from: its type (none for queues) and name.
type DeviceInputs = tuple[ExtensionType | TrunkType | None, str | None]
# Device info per object and what it was built from (the entry's runtime data holds it).
type DeviceInfoCache = dict[Key, tuple[DeviceInputs, DeviceInfo]]


def hub_identifier(entry_id: str) -> str:
    """The hub's device identifier: the entry id.

    The PBX exposes no serial number, and its address may change (reconfigure), so
    identifiers built from host:port would orphan every entity on a move.
    """
    return entry_id


def object_identifier(entry_id: str, key: Key) -> str:
    """The device identifier of an extension, trunk or queue."""
    return f"{hub_identifier(entry_id)}_{key[0]}_{key[1]}"


@callback
def async_register_hub(
    hass: HomeAssistant, entry_id: str, title: str, configuration_url: str
) -> None:
    """Register the hub first: the other devices name it as their parent."""
    dr.async_get(hass).async_get_or_create(
        config_entry_id=entry_id,
        identifiers={(DOMAIN, hub_identifier(entry_id))},
        manufacturer="Synway",
        model="IPPBX",
        name=title,
        configuration_url=configuration_url,
    )


def object_device_info(
    hass: HomeAssistant,
    entry_id: str,
    store: PbxStore,
    cache: DeviceInfoCache,
    key: Key,
    pbx_name: str | None = None,
) -> DeviceInfo:
    """Device info of an extension, trunk or queue, attached to the hub.

    ``pbx_name``: the name the user gave a PBX added beside another (see
    ``entity.entry_pbx_name``); its devices carry it.

    Built once per object and what it depends on (type, name), then shared by the
    object's entities while they are registered: a 3,000-extension PBX has 18,000 of
    them, and Home Assistant only reads the mapping.
    """
    kind, object_id = key
    if kind == "extension":
        extension = store.extensions[object_id]
        inputs: DeviceInputs = (extension.type, extension.name)
    elif kind == "trunk":
        inputs = (store.trunks[object_id].type, None)
    else:
        inputs = (None, store.queues[object_id].name)
    if (cached := cache.get(key)) is not None and cached[0] == inputs:
        return cached[1]
    info = _build_device_info(hass, entry_id, key, inputs, pbx_name)
    cache[key] = (inputs, info)
    return info


def _build_device_info(
    hass: HomeAssistant,
    entry_id: str,
    key: Key,
    inputs: DeviceInputs,
    pbx_name: str | None,
) -> DeviceInfo:
    kind, object_id = key
    object_type, name = inputs
    info = DeviceInfo(
        identifiers={(DOMAIN, object_identifier(entry_id, key))},
        manufacturer="Synway",
        via_device_id=dr.async_get_device_id_by_identifier(
            hass,
            (DOMAIN, hub_identifier(entry_id)),
            config_entry_id=entry_id,
        ),
    )
    if object_type is None:
        info["model"] = "Queue"
    else:
        info["model"] = f"{object_type.value.upper()} {kind}"
    # A PBX added beside another carries its name in every device name, so every entity id
    # of it follows one rule: ``sensor.synway_ippbx_2_extension_1001_status``.
    prefix = f"{pbx_name} " if pbx_name else ""
    if name and name != object_id:
        # "Sales" becomes "Sales (6700)"; a name that has the number already stays.
        label = name if object_id in name else f"{name} ({object_id})"
        info["name"] = prefix + label
    else:
        info["translation_key"] = f"{kind}_of_pbx" if prefix else kind
        info["translation_placeholders"] = (
            {"pbx": pbx_name, "id": object_id} if pbx_name else {"id": object_id}
        )
    return info


def _live_identifiers(entry_id: str, store: PbxStore) -> set[str]:
    """The device identifiers of the hub and of everything the PBX has now."""
    return {hub_identifier(entry_id)} | {
        object_identifier(entry_id, key) for key in object_keys(store)
    }


def _stands_for(device: dr.DeviceEntry, live: set[str]) -> bool:
    return any(
        domain == DOMAIN and identifier in live
        for domain, identifier in device.identifiers
    )


def object_exists(entry_id: str, store: PbxStore, device: dr.DeviceEntry) -> bool:
    """Whether a device still stands for something the PBX has (or is the hub)."""
    return _stands_for(device, _live_identifiers(entry_id, store))


@callback
def async_remove_stale_devices(
    hass: HomeAssistant, entry_id: str, store: PbxStore, cache: DeviceInfoCache
) -> None:
    """Remove devices of extensions, trunks and queues the PBX no longer has.

    The live identifiers are built once: per device, a 3,000-extension PBX took
    seconds (every device against every object).

    Runs once the entities of the objects are added (after setup, and at every change
    of the PBX's objects), so it also empties the device info cache: Home Assistant
    reads an entity's device info only when it registers it, and an object added
    later builds its own again.
    """
    registry = dr.async_get(hass)
    live = _live_identifiers(entry_id, store)
    cache.clear()
    for device in dr.async_entries_for_config_entry(registry, entry_id):
        if not _stands_for(device, live):
            registry.async_remove_device(device.id)


async def async_migrate_identifiers(
    hass: HomeAssistant, entry_id: str, old_prefix: str
) -> None:
    """Rename device identifiers and entity unique ids from ``old_prefix`` to the entry id.

    Entries of version 1 built them from host:port. Renaming in place keeps entity ids,
    names, areas and history, as if the identifiers had always been the entry id.
    """
    new_prefix = hub_identifier(entry_id)

    def _renamed(identifier: str) -> str | None:
        if identifier == old_prefix:
            return new_prefix
        if identifier.startswith(f"{old_prefix}_"):
            return new_prefix + identifier[len(old_prefix) :]
        return None

    devices = dr.async_get(hass)
    for device in dr.async_entries_for_config_entry(devices, entry_id):
        identifiers = {
            (domain, (_renamed(value) or value) if domain == DOMAIN else value)
            for domain, value in device.identifiers
        }
        if identifiers != device.identifiers:
            devices.async_update_device(device.id, new_identifiers=identifiers)

    @callback
    def _entity(registry_entry: er.RegistryEntry) -> dict[str, Any] | None:
        if (unique_id := _renamed(registry_entry.unique_id)) is None:
            return None
        return {"new_unique_id": unique_id}

    await er.async_migrate_entries(hass, entry_id, _entity)
