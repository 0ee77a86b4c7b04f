"""Entity economy: a handful of entities per phone, and the user chooses the families."""

from collections import Counter
from typing import Any

from homeassistant.config_entries import SOURCE_USER, ConfigEntry, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er

from custom_components.synway_ippbx.const import CONF_VERIFY_SSL, DOMAIN
from custom_components.synway_ippbx.entity_families import (
    CONF_ENTITY_FAMILIES,
    EntityFamily,
    parse_families,
)
from simulator import Simulator

# The budget for an extension with the defaults.
MAX_REGISTRY_ENTRIES = 8
MAX_ENABLED = 5


async def _add(hass: HomeAssistant, sim: Simulator) -> ConfigEntry:
    """Add the PBX as a user would: the new entry gets the default families."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: sim.base_url,
            CONF_USERNAME: sim.config.username,
            CONF_PASSWORD: sim.config.password,
            CONF_VERIFY_SSL: False,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry: ConfigEntry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    return entry


def _per_extension(
    hass: HomeAssistant, entry: ConfigEntry
) -> dict[str, list[er.RegistryEntry]]:
    """The registry entries of each extension, by number (from the unique id)."""
    prefix = f"{entry.entry_id}_extension_"
    found: dict[str, list[er.RegistryEntry]] = {}
    for item in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id):
        if item.unique_id.startswith(prefix):
            number = item.unique_id[len(prefix) :].partition("_")[0]
            found.setdefault(number, []).append(item)
    return found


def _keys(items: list[er.RegistryEntry], number: str, entry: ConfigEntry) -> set[str]:
    prefix = f"{entry.entry_id}_extension_{number}_"
    return {item.unique_id.removeprefix(prefix) for item in items}


async def _choose(
    hass: HomeAssistant, entry: ConfigEntry, families: list[str]
) -> dict[str, Any]:
    """Tick these families in the options (everything else as it was)."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    schema = result["data_schema"]
    assert schema is not None
    suggested = {
        str(field): field.description["suggested_value"]
        for field in schema.schema
        if field.description and "suggested_value" in field.description
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], suggested | {CONF_ENTITY_FAMILIES: families}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    return suggested


async def test_default_phone_has_few_entities(
    hass: HomeAssistant, simulator: Simulator, report_client: Any
) -> None:
    """With the defaults an extension has at most 8 registry entries, 5 enabled."""
    # A firmware that reports do-not-disturb: the most a default phone gets.
    simulator.set_quirks(dnd_setting=True)
    entry = await _add(hass, simulator)
    per_extension = _per_extension(hass, entry)
    assert len(per_extension) == len(simulator.state.extensions)
    for number, items in per_extension.items():
        enabled = [item for item in items if item.disabled_by is None]
        assert len(items) <= MAX_REGISTRY_ENTRIES, (number, _keys(items, number, entry))
        assert len(enabled) <= MAX_ENABLED, (number, _keys(enabled, number, entry))
    enabled_1001 = {
        item.unique_id.rsplit("_", 1)[-1]
        for item in per_extension["1001"]
        if not item.disabled_by
    }
    assert enabled_1001 == {"status", "disturb"}
    # No family but do-not-disturb: no figures, forwarding or agent switches per phone.
    keys = set().union(*(_keys(i, n, entry) for n, i in per_extension.items()))
    assert not {"calls_today", "last_missed_call", "forward_always", "voicemail"} & keys
    assert not any(key.startswith("queue_") for key in keys)
    # The PBX's own figures stay on the hub.
    hub_ids = {
        item.unique_id
        for item in er.async_entries_for_config_entry(
            er.async_get(hass), entry.entry_id
        )
    }
    assert f"{entry.entry_id}_calls_today" in hub_ids


async def test_families_come_and_go_with_the_options(
    hass: HomeAssistant, simulator: Simulator, report_client: Any
) -> None:
    """A family chosen later is created; dropped, its registry entries go."""
    simulator.set_quirks(dnd_setting=True)
    entry = await _add(hass, simulator)
    registry = er.async_get(hass)
    prefix = f"{entry.entry_id}_extension_1001_"

    def _ids() -> set[str]:
        return {
            item.unique_id.removeprefix(prefix)
            for item in er.async_entries_for_config_entry(registry, entry.entry_id)
            if item.unique_id.startswith(prefix)
        }

    # A hand-enabled entity of the always-there kind, and the user's own name for one.
    on_call = registry.async_get_entity_id("binary_sensor", DOMAIN, f"{prefix}on_call")
    assert on_call is not None
    registry.async_update_entity(on_call, disabled_by=None)
    dnd = registry.async_get_entity_id("switch", DOMAIN, f"{prefix}do_not_disturb")
    assert dnd is not None
    registry.async_update_entity(dnd, name="Quiet please")

    await _choose(hass, entry, ["call_figures", "forwarding", "do_not_disturb"])
    assert {"calls_today", "last_missed_call", "forward_always", "voicemail"} <= _ids()
    assert "forward_busy_destination" in _ids()
    assert entry.options[CONF_ENTITY_FAMILIES] == [
        "call_figures",
        "forwarding",
        "do_not_disturb",
    ]

    await _choose(hass, entry, ["do_not_disturb", "queue_agents"])
    assert not {"calls_today", "forward_always", "forward_busy_destination"} & _ids()
    assert any(
        item.unique_id.split("_extension_", 1)[1].partition("_")[2].startswith("queue_")
        for item in er.async_entries_for_config_entry(registry, entry.entry_id)
        if "_extension_" in item.unique_id
    )
    # What the user did by hand survived both changes.
    on_call_entry = registry.async_get(on_call)
    assert on_call_entry is not None
    assert on_call_entry.disabled_by is None
    dnd_entry = registry.async_get(dnd)
    assert dnd_entry is not None
    assert dnd_entry.name == "Quiet please"

    await _choose(hass, entry, [])
    assert "do_not_disturb" not in _ids()
    assert not any(key.startswith("queue_") for key in _ids())
    assert "status" in _ids()


def test_unknown_families_are_ignored() -> None:
    """Stored or submitted rubbish is left out, the order is the form's."""
    assert parse_families(["queue_agents", "nonsense", "call_figures"]) == [
        EntityFamily.CALL_FIGURES,
        EntityFamily.QUEUE_AGENTS,
    ]
    assert parse_families("call_figures") == []
    assert parse_families(None) == []


async def test_entry_from_before_the_choice_keeps_every_family(
    hass: HomeAssistant, init_integration: Any
) -> None:
    """An entry without the option keeps its entities: every family is there."""
    assert CONF_ENTITY_FAMILIES not in init_integration.options
    per_extension = _per_extension(hass, init_integration)
    keys = Counter(
        key
        for number, items in per_extension.items()
        for key in _keys(items, number, init_integration)
    )
    assert keys["calls_today"] == len(per_extension)
    assert keys["forward_always"] == len(per_extension)


async def test_families_not_submitted_stay(
    hass: HomeAssistant, simulator: Simulator, report_client: Any
) -> None:
    """A form sent without the families field leaves the choice as it was."""
    entry = await _add(hass, simulator)
    suggested = await _choose(hass, entry, ["call_figures"])
    assert suggested[CONF_ENTITY_FAMILIES] == ["do_not_disturb"]
    result = await hass.config_entries.options.async_init(entry.entry_id)
    suggested.pop(CONF_ENTITY_FAMILIES)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], suggested
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_ENTITY_FAMILIES] == ["call_figures"]
