"""The trusted report sender option: one IP address, validated."""

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.const import CONF_TRUSTED_SENDER


async def test_trusted_sender_must_be_an_ip_address(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {CONF_TRUSTED_SENDER: "pbx.example"},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_TRUSTED_SENDER: "invalid_trusted_sender"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {CONF_TRUSTED_SENDER: " 192.168.7.2 "},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert init_integration.options[CONF_TRUSTED_SENDER] == "192.168.7.2"
