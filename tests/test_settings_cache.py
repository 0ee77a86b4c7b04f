"""Extension settings end to end: setting switches and forward destinations, read once and
written back through the settings cache (settings_cache.py)."""

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import conversation
from homeassistant.components.homeassistant.exposed_entities import async_should_expose
from homeassistant.components.text.const import (
    ATTR_VALUE,
    DOMAIN as TEXT_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    EntityCategory,
)
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er, intent
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import Simulator
from tests.conftest import poll, settle, state_of


async def _switch(hass: HomeAssistant, entity_id: str, on: bool) -> None:
    await hass.services.async_call(
        "switch",
        SERVICE_TURN_ON if on else SERVICE_TURN_OFF,
        {ATTR_ENTITY_ID: entity_id},
        blocking=True,
    )


def _settings(simulator: Simulator, extension: str) -> dict[str, Any]:
    return dict(simulator.state.extensions[extension].settings)


def _logged_in(simulator: Simulator, queue: str, extension: str) -> bool:
    return bool(simulator.state.queues[queue].agents[extension].logged_in)


def _count(simulator: Simulator, name: str) -> int:
    return sum(1 for r in simulator.requests if r.name == name)


async def test_voicemail_switch(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Voicemail is read from ext_query and written with ext_mod."""
    entity_id = "switch.extension_1001_voicemail"
    assert state_of(hass, entity_id) == "on"
    await _switch(hass, entity_id, on=False)
    assert _settings(simulator, "1001")["voicemail_enabled"] == "false"
    assert state_of(hass, entity_id) == "off"
    await _switch(hass, entity_id, on=True)
    assert _settings(simulator, "1001")["voicemail_enabled"] == "true"
    assert state_of(hass, entity_id) == "on"


async def test_always_forward_with_destination(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Forwarding needs a destination: set it in the text entity, then switch on."""
    switch = "switch.extension_1002_always_forward"
    text = "text.extension_1002_always_forward_to"
    assert state_of(hass, switch) == "off"
    assert state_of(hass, text) == ""
    with pytest.raises(ServiceValidationError) as err:
        await _switch(hass, switch, on=True)
    assert err.value.translation_key == "no_forward_destination"

    await hass.services.async_call(
        TEXT_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: text, ATTR_VALUE: "1005"},
        blocking=True,
    )
    settings = _settings(simulator, "1002")
    assert settings["forward_all_destination"] == "1005"
    assert settings["forward_all_enabled"] == "false"
    assert state_of(hass, text) == "1005"
    assert state_of(hass, switch) == "off"

    await _switch(hass, switch, on=True)
    assert _settings(simulator, "1002")["forward_all_enabled"] == "true"
    state = hass.states.get(switch)
    assert state is not None
    assert state.state == "on"
    assert state.attributes["destination"] == "1005"

    # A new destination while forwarding is on takes effect at once.
    await hass.services.async_call(
        TEXT_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: text, ATTR_VALUE: "1006"},
        blocking=True,
    )
    settings = _settings(simulator, "1002")
    assert settings["forward_all_destination"] == "1006"
    assert settings["forward_all_enabled"] == "true"

    await _switch(hass, switch, on=False)
    assert _settings(simulator, "1002")["forward_all_enabled"] == "false"
    assert state_of(hass, switch) == "off"


@pytest.mark.parametrize(
    ("key", "prefix"),
    [
        ("forward_on_busy", "forward_busy"),
        ("forward_on_no_answer", "forward_no_answer"),
    ],
)
async def test_other_forwardings(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    key: str,
    prefix: str,
) -> None:
    """Forward on busy and on no answer work the same way."""
    await hass.services.async_call(
        TEXT_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: f"text.extension_1003_{key}_to", ATTR_VALUE: "1000"},
        blocking=True,
    )
    await _switch(hass, f"switch.extension_1003_{key}", on=True)
    settings = _settings(simulator, "1003")
    assert settings[f"{prefix}_enabled"] == "true"
    assert settings[f"{prefix}_destination"] == "1000"
    assert state_of(hass, f"switch.extension_1003_{key}") == "on"


async def test_settings_not_read_on_every_poll(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """ext_query runs at setup and for new extensions, not with each poll."""
    assert _count(simulator, "ext_query") == 1
    await poll(hass, freezer)
    await poll(hass, freezer)
    assert _count(simulator, "ext_query") == 1

    simulator.add_extension("1010")
    await poll(hass, freezer)
    queries = [r for r in simulator.requests if r.name == "ext_query"]
    assert len(queries) == 2
    assert queries[-1].body == {"extid": "1010"}
    assert state_of(hass, "switch.extension_1010_voicemail") == "on"

    # Deleted on the PBX: its settings and switches go.
    simulator.remove_extension("1010")
    await poll(hass, freezer)
    features = init_integration.runtime_data.features
    assert features is not None
    assert "1010" not in features.settings.settings
    assert hass.states.get("switch.extension_1010_voicemail") is None


async def test_everyday_switches_are_primary_and_exposed_to_assist(
    hass: HomeAssistant,
    simulator: Simulator,
    entity_registry: er.EntityRegistry,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Always forward, Voicemail and Do not disturb are everyday controls, not settings.

    As primary entities Assist exposes them by default ("forward my calls") and default
    dashboards show them; the rarer forwards and the destinations stay configuration.
    """
    assert await async_setup_component(hass, "homeassistant", {})
    simulator.set_quirks(dnd_setting=True)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    for entity_id in (
        "switch.extension_1000_always_forward",
        "switch.extension_1000_voicemail",
        "switch.extension_1000_do_not_disturb",
    ):
        entry = entity_registry.async_get(entity_id)
        assert entry is not None, entity_id
        assert entry.entity_category is None, entity_id
        assert async_should_expose(hass, "conversation", entity_id), entity_id
    for entity_id in (
        "switch.extension_1000_forward_on_busy",
        "switch.extension_1000_forward_on_no_answer",
        "text.extension_1000_always_forward_to",
        "text.extension_1000_forward_on_busy_to",
    ):
        entry = entity_registry.async_get(entity_id)
        assert entry is not None, entity_id
        assert entry.entity_category is EntityCategory.CONFIG, entity_id
        assert not async_should_expose(hass, "conversation", entity_id), entity_id


@pytest.fixture
async def assist(hass: HomeAssistant) -> None:
    """Assist's built-in agent, set up before the HTTP server starts (it adds views)."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})


async def test_voicemail_switched_by_voice_out_of_the_box(
    assist: None,
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Home Assistant's own "turn off ..." sentence reaches the switch, exposed by default."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert state_of(hass, "switch.extension_1001_voicemail") == "on"

    result = await conversation.async_converse(
        hass, "turn off Extension 1001 Voicemail", None, Context(), language="en"
    )

    assert result.response.response_type is intent.IntentResponseType.ACTION_DONE
    assert _settings(simulator, "1001")["voicemail_enabled"] == "false"
    assert state_of(hass, "switch.extension_1001_voicemail") == "off"


async def test_no_do_not_disturb_switch_without_the_firmware_field(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The manual's ext_query has no do-not-disturb field: no switch for it."""
    assert hass.states.get("switch.extension_1000_do_not_disturb") is None


async def test_do_not_disturb_where_the_firmware_has_it(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """With a firmware that reports dnd_enabled, a Do not disturb switch appears."""
    simulator.set_quirks(dnd_setting=True)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    entity_id = "switch.extension_1004_do_not_disturb"
    assert state_of(hass, entity_id) == "off"
    await _switch(hass, entity_id, on=True)
    assert simulator.state.extensions["1004"].dnd
    assert state_of(hass, entity_id) == "on"
    # The PBX now turns callers away from 1004.
    call = simulator.call_internal("1000", "1004")
    await settle(hass, simulator)
    assert call.ended


async def test_pbx_refusal_is_a_translated_error(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """An extension deleted on the PBX meanwhile: ext_mod fails with a clear error."""
    simulator.state.extensions.pop("1005")
    with pytest.raises(HomeAssistantError) as err:
        await _switch(hass, "switch.extension_1005_voicemail", on=False)
    assert err.value.translation_key == "pbx_no_such_extension"
    assert str(err.value) == "The PBX has no extension 1005"


async def test_odd_destination_from_the_pbx_shows(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """A destination the PBX holds is shown whatever it looks like, never an error."""
    odd = "sip:front-desk@198.51.100.7;transport=tcp " + "9" * 300
    simulator.state.extensions["1001"].settings["forward_busy_destination"] = odd
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    state = state_of(hass, "text.extension_1001_forward_on_busy_to")
    assert state.startswith("sip:front-desk@198.51.100.7")
    assert len(state) <= 255


async def test_entity_added_later_brings_the_device_name_up_to_date(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Device info is shared by an object's entities, but not past a rename on the PBX."""
    simulator.state.extensions["1006"].settings["username"] = "Night desk"
    await poll(hass, freezer)
    simulator.state.queues["6701"].agents["1006"].logged_in = True
    await poll(hass, freezer)
    # Named after the device as it is now.
    assert state_of(hass, "switch.night_desk_1006_logged_in_to_support") == "on"
    entity = er.async_get(hass).async_get("switch.night_desk_1006_logged_in_to_support")
    assert entity is not None and entity.device_id is not None
    device = device_registry.async_get(entity.device_id)
    assert device is not None
    assert device.name == "Night desk (1006)"
