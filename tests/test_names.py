"""Names without addresses: the entry title, the hub and the entity ids of one and two PBXs."""

from typing import Any

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_NAME, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er

from custom_components.synway_ippbx.const import CONF_VERIFY_SSL, DOMAIN
from simulator import Simulator


def _typed(sim: Simulator, **changes: Any) -> dict[str, Any]:
    return {
        CONF_HOST: sim.base_url,
        CONF_USERNAME: sim.config.username,
        CONF_PASSWORD: sim.config.password,
        CONF_VERIFY_SSL: False,
    } | changes


async def _add(hass: HomeAssistant, sim: Simulator, **changes: Any) -> Any:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    schema = result["data_schema"]
    assert schema is not None
    fields = [str(key) for key in schema.schema]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _typed(sim, **changes)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED
    return result["result"], fields


def _entity_ids(hass: HomeAssistant, entry_id: str) -> set[str]:
    registry = er.async_get(hass)
    return {e.entity_id for e in er.async_entries_for_config_entry(registry, entry_id)}


async def test_two_pbxs_on_one_host_are_named_not_addressed(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_http: Simulator,
    report_client: Any,
) -> None:
    """The first PBX is "Synway IPPBX"; the second is named in the flow; no id has an IP."""
    first, fields = await _add(hass, simulator)
    assert CONF_NAME not in fields
    assert first.title == "Synway IPPBX"
    assert CONF_NAME not in first.data

    second, fields = await _add(hass, simulator_http)
    assert CONF_NAME in fields
    assert second.title == "Synway IPPBX 2"
    assert second.data[CONF_NAME] == "Synway IPPBX 2"

    hubs = [
        device
        for device in dr.async_entries_for_config_entry(
            dr.async_get(hass), first.entry_id
        )
        if device.via_device_id is None
    ]
    assert [hub.name for hub in hubs] == ["Synway IPPBX"]

    ids_1 = _entity_ids(hass, first.entry_id)
    ids_2 = _entity_ids(hass, second.entry_id)
    assert "sensor.synway_ippbx_active_calls" in ids_1
    assert "sensor.extension_1001_status" in ids_1
    assert "sensor.synway_ippbx_2_active_calls" in ids_2
    assert "sensor.synway_ippbx_2_extension_1001_status" in ids_2
    # One rule for every entity of the second PBX: its name, the device, the entity.
    assert all(i.split(".", 1)[1].startswith("synway_ippbx_2_") for i in ids_2), ids_2
    assert not any(i.endswith("_2") for i in ids_1 | ids_2)
    assert not any("127_0_0_1" in i for i in ids_1 | ids_2)


async def test_second_pbx_gets_the_name_typed(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_http: Simulator,
    report_client: Any,
) -> None:
    """A typed name is kept (trimmed); a name in use is refused on the field."""
    await _add(hass, simulator)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _typed(simulator_http, **{CONF_NAME: "Synway IPPBX"})
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_NAME: "name_in_use"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _typed(simulator_http, **{CONF_NAME: "  Warehouse "})
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Warehouse"
    await hass.async_block_till_done()
    ids = _entity_ids(hass, result["result"].entry_id)
    assert "sensor.warehouse_extension_1001_status" in ids
    assert "sensor.warehouse_active_calls" in ids


async def test_blank_name_takes_the_next_free_default(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_http: Simulator,
    report_client: Any,
) -> None:
    """A cleared name field falls back to "Synway IPPBX N", skipping names in use."""
    await _add(hass, simulator)
    hass.config_entries.async_update_entry(
        hass.config_entries.async_entries(DOMAIN)[0], title="Synway IPPBX 2"
    )
    second, _ = await _add(hass, simulator_http, **{CONF_NAME: " "})
    assert second.title == "Synway IPPBX 3"
