"""Identity: entities and devices belong to the config entry, not to the PBX's address.

A user who moves the PBX to another address (reconfigure), or who upgrades from the
version that built identifiers from host:port, keeps entity ids, device and entity
names, areas, and so their history and automations.
"""

from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
)
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.const import CONF_VERIFY_SSL, DOMAIN
from simulator import Simulator
from tests.conftest import settle, state_of


def _entities(
    registry: er.EntityRegistry, entry: MockConfigEntry
) -> dict[str, tuple[str, str | None, str | None]]:
    """Each entity of the entry: unique id -> (entity id, device id, name set by the user)."""
    return {
        entity.unique_id: (entity.entity_id, entity.device_id, entity.name)
        for entity in er.async_entries_for_config_entry(registry, entry.entry_id)
    }


def _devices(registry: dr.DeviceRegistry, entry: MockConfigEntry) -> dict[str, Any]:
    """Each device of the entry: id -> identifiers, user's name, area, parent."""
    return {
        device.id: (
            device.identifiers,
            device.name_by_user,
            device.area_id,
            device.via_device_id,
        )
        for device in dr.async_entries_for_config_entry(registry, entry.entry_id)
    }


def _device(
    registry: dr.DeviceRegistry, entry: MockConfigEntry, identifier: str
) -> dr.DeviceEntry:
    device = registry.async_get_device_by_identifier(
        (DOMAIN, identifier), entry.entry_id
    )
    assert device is not None, identifier
    return device


async def test_reconfigure_to_another_address_keeps_everything(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_http: Simulator,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    area_registry: ar.AreaRegistry,
) -> None:
    """The PBX moved: every entity id, device, user-given name and area survives."""
    entry = init_integration
    area = area_registry.async_create("Front desk")
    phone = _device(device_registry, entry, f"{entry.entry_id}_extension_1000")
    device_registry.async_update_device(
        phone.id, name_by_user="Reception phone", area_id=area.id
    )
    entity_registry.async_update_entity(
        "sensor.extension_1000_status",
        new_entity_id="sensor.reception_status",
        name="Reception",
    )
    entities = _entities(entity_registry, entry)
    devices = _devices(device_registry, entry)
    assert len(entities) > 50
    assert len(devices) > 15

    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: simulator_http.base_url,
            CONF_USERNAME: "api",
            CONF_VERIFY_SSL: False,
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.unique_id == simulator_http.host

    assert _entities(entity_registry, entry) == entities
    assert _devices(device_registry, entry) == devices
    assert not [
        entity_id for entity_id, _, _ in entities.values() if entity_id.endswith("_2")
    ]
    # The renamed entity now shows the new PBX's state.
    simulator_http.call_internal("1000", "1001")
    await settle(hass, simulator_http)
    assert state_of(hass, "sensor.reception_status") == "ringback"
    assert hass.states.get("sensor.extension_1000_status") is None
    state = hass.states.get("sensor.reception_status")
    assert state is not None
    assert state.attributes["friendly_name"] == "Reception"


def _old_entry(mock_config_entry: MockConfigEntry, **changes: Any) -> MockConfigEntry:
    """The fixture's entry as version 1 of the integration stored it."""
    fields: dict[str, Any] = {
        "domain": DOMAIN,
        "title": mock_config_entry.title,
        "unique_id": mock_config_entry.unique_id,
        "data": dict(mock_config_entry.data),
        "options": dict(mock_config_entry.options),
        "version": 1,
    }
    return MockConfigEntry(**(fields | changes))


async def test_version_1_identifiers_are_migrated_in_place(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    area_registry: ar.AreaRegistry,
) -> None:
    """host:port identifiers become entry-id ones; the user's customisations stay."""
    entry = _old_entry(mock_config_entry)
    entry.add_to_hass(hass)
    old = f"127.0.0.1:{simulator.port}"
    assert entry.unique_id == old
    # What version 1 left in the registries, customised by the user.
    hub = device_registry.async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, old)},
        name="Synway IPPBX (127.0.0.1)",
    )
    phone = device_registry.async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, f"{old}_extension_1000"), ("other", "kept")},
        via_device_id=hub.id,
    )
    area = area_registry.async_create("Front desk")
    device_registry.async_update_device(
        phone.id, name_by_user="Reception phone", area_id=area.id
    )
    status = entity_registry.async_get_or_create(
        "sensor",
        DOMAIN,
        f"{old}_extension_1000_status",
        config_entry=entry,
        device_id=phone.id,
        suggested_object_id="extension_1000_status",
    )
    entity_registry.async_update_entity(
        status.entity_id, new_entity_id="sensor.reception_status", name="Reception"
    )
    calls = entity_registry.async_get_or_create(
        "sensor",
        DOMAIN,
        f"{old}_active_calls",
        config_entry=entry,
        device_id=hub.id,
        suggested_object_id="pbx_active_calls",
    )
    # Someone else's id that merely looks alike is left alone.
    stranger = entity_registry.async_get_or_create(
        "sensor", DOMAIN, f"{old}1_active_calls", config_entry=entry
    )

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert (entry.version, entry.minor_version) == (2, 2)
    assert entry.unique_id == old

    migrated = entity_registry.async_get("sensor.reception_status")
    assert migrated is not None
    assert migrated.unique_id == f"{entry.entry_id}_extension_1000_status"
    assert (migrated.id, migrated.device_id, migrated.name) == (
        status.id,
        phone.id,
        "Reception",
    )
    assert state_of(hass, "sensor.reception_status") == "idle"
    assert hass.states.get("sensor.extension_1000_status") is None
    migrated = entity_registry.async_get(calls.entity_id)
    assert migrated is not None
    assert migrated.unique_id == f"{entry.entry_id}_active_calls"
    assert state_of(hass, calls.entity_id) == "0"
    assert entity_registry.async_get(stranger.entity_id) == stranger
    assert not [
        entity.entity_id
        for entity in er.async_entries_for_config_entry(entity_registry, entry.entry_id)
        if entity.entity_id.endswith("_2")
    ]

    device = device_registry.async_get(phone.id)
    assert isinstance(device, dr.DeviceEntry)
    assert device.identifiers == {
        (DOMAIN, f"{entry.entry_id}_extension_1000"),
        ("other", "kept"),
    }
    assert (device.name_by_user, device.area_id, device.via_device_id) == (
        "Reception phone",
        area.id,
        hub.id,
    )
    device = device_registry.async_get(hub.id)
    assert device is not None
    assert device.identifiers == {(DOMAIN, entry.entry_id)}
    # No device is left with an address-based identifier.
    assert not [
        identifier
        for device in dr.async_entries_for_config_entry(device_registry, entry.entry_id)
        for domain, identifier in device.identifiers
        if domain == DOMAIN and identifier.startswith(old)
    ]


async def test_version_1_without_unique_id_is_only_bumped(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """An entry without a unique id had entry-id identifiers already."""
    entry = _old_entry(mock_config_entry, unique_id=None)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.version == 2
    assert state_of(hass, "sensor.extension_1000_status") == "idle"


# Expected: Home Assistant's own refusal.
@pytest.mark.expected_errors("which is higher than the current version")
async def test_entry_of_a_newer_version_is_refused(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """Going back to an older integration does not guess at newer identifiers."""
    entry = _old_entry(mock_config_entry, version=3)
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.MIGRATION_ERROR
    assert simulator.requests == []
