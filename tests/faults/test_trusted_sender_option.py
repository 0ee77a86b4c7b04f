"""The trusted report senders option: a short list of IP addresses, validated."""

from aiohttp.test_utils import TestClient
from aiohttp.web import Application, Request
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.const import (
    CONF_TRUSTED_SENDER,
    CONF_TRUSTED_SENDERS,
)
from custom_components.synway_ippbx.repairs import (
    TrustSenderFlow,
    async_create_fix_flow,
    async_raise_untrusted_sender,
)

from .conftest import post_in_pieces

UNREGISTER_1003 = {
    "event": "ExtensionStatus",
    "extension": "1003",
    "status": "Unregistered",
}


@pytest.mark.parametrize(
    "typed",
    [
        ["192.168.7.2", "pbx.example"],
        [f"192.168.7.{number}" for number in range(1, 10)],  # more than 8
    ],
    ids=["not-an-address", "too-many"],
)
async def test_trusted_senders_must_be_a_few_ip_addresses(
    hass: HomeAssistant, init_integration: MockConfigEntry, typed: list[str]
) -> None:
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_TRUSTED_SENDERS: typed}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_TRUSTED_SENDERS: "invalid_trusted_sender"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_TRUSTED_SENDERS: [" 192.168.7.2 ", "", "fd00::7", "192.168.7.2"],
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert init_integration.options[CONF_TRUSTED_SENDERS] == ["192.168.7.2", "fd00::7"]


async def test_an_entry_with_one_trusted_sender_migrates_to_the_list(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    report_client: TestClient[Request, Application],
) -> None:
    """An entry stored by 2.1 (one ``trusted_sender``) keeps trusting that address."""
    entry = MockConfigEntry(
        domain=mock_config_entry.domain,
        title=mock_config_entry.title,
        unique_id=mock_config_entry.unique_id,
        data=dict(mock_config_entry.data),
        options={**mock_config_entry.options, CONF_TRUSTED_SENDER: " 127.0.0.2 "},
        version=2,
        minor_version=1,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert (entry.version, entry.minor_version) == (2, 2)
    assert CONF_TRUSTED_SENDER not in entry.options
    assert entry.options[CONF_TRUSTED_SENDERS] == ["127.0.0.2"]
    assert report_client.port is not None
    status = await post_in_pieces(
        report_client.port,
        UNREGISTER_1003,
        chunked=False,
        piece=4096,
        source="127.0.0.2",
    )
    assert status == 200


async def test_an_entry_without_a_trusted_sender_migrates_to_none(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    entry = MockConfigEntry(
        domain=mock_config_entry.domain,
        title=mock_config_entry.title,
        unique_id=mock_config_entry.unique_id,
        data=dict(mock_config_entry.data),
        options=dict(mock_config_entry.options),
        version=2,
        minor_version=1,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.minor_version == 2
    assert CONF_TRUSTED_SENDERS not in entry.options


async def test_the_repair_reads_what_it_can_of_its_data(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Unreadable items of an issue's data are skipped; no refused address, no issue."""
    async_raise_untrusted_sender(hass, init_integration, {})
    assert not [
        key for _, key in issue_registry.issues if key.startswith("untrusted_report")
    ]
    flow = await async_create_fix_flow(
        hass,
        "untrusted_report_sender",
        {"entry_id": init_integration.entry_id, "refused": "garbage,fd00::5=3,x=y"},
    )
    assert isinstance(flow, TrustSenderFlow)
    flow.hass = hass
    result = await flow.async_step_init()
    assert result["type"] is FlowResultType.FORM
    schema = result["data_schema"]
    assert schema is not None
    options = schema.schema["address"].config["options"]
    assert options == [{"value": "fd00::5", "label": "fd00::5 (3)"}]
