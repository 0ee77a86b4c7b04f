"""Small pieces: the report address, error mapping, removing stale devices by hand."""

from homeassistant.components.button.const import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx import async_remove_config_entry_device
from custom_components.synway_ippbx.api import (
    SynwayConnectionError,
    SynwayRequestError,
    SynwayResponseError,
)
from custom_components.synway_ippbx.const import (
    CONF_REPORT_URL,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from custom_components.synway_ippbx.errors import pbx_errors
from custom_components.synway_ippbx.webhook import report_url
from simulator import Simulator


def _entry(**options: str) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN, data={CONF_WEBHOOK_ID: "abc123"}, options=options
    )


@pytest.mark.parametrize(
    ("internal_url", "expected"),
    [
        ("http://192.168.1.5:8123", "192.168.1.5:8123/api/webhook/abc123"),
        ("https://ha.local:8123", "https://ha.local:8123/api/webhook/abc123"),
    ],
)
async def test_default_report_url_is_written_as_the_manual_writes_it(
    hass: HomeAssistant, internal_url: str, expected: str
) -> None:
    """host:port/path without a scheme for http; https keeps its scheme."""
    await async_process_ha_core_config(hass, {"internal_url": internal_url})
    assert report_url(hass, _entry()) == expected


async def test_report_url_option_wins_and_none_without_any_url(
    hass: HomeAssistant,
) -> None:
    """The option overrides; with no usable URL the PBX gets none."""
    entry = _entry(**{CONF_REPORT_URL: "10.0.0.2:8080/hook"})
    assert report_url(hass, entry) == "10.0.0.2:8080/hook"
    assert report_url(hass, _entry()) is None


async def test_error_mapping(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Bad input is a validation error; a PBX refusal names the errno's meaning."""
    with (
        pytest.raises(ServiceValidationError) as invalid,
        pbx_errors(hass, init_integration),
    ):
        raise ValueError("volume must be between -4 and 4")
    assert invalid.value.translation_key == "invalid_input"
    with pytest.raises(HomeAssistantError) as pbx, pbx_errors(hass, init_integration):
        raise SynwayRequestError(11, "The extension does not exist")
    assert pbx.value.translation_key == "pbx_error"
    assert pbx.value.translation_placeholders == {
        "errno": "11",
        "meaning": "The extension does not exist",
    }
    with pytest.raises(HomeAssistantError) as down, pbx_errors(hass, init_integration):
        raise SynwayConnectionError("connection refused")
    assert down.value.translation_key == "cannot_connect"
    with pytest.raises(HomeAssistantError) as odd, pbx_errors(hass, init_integration):
        raise SynwayResponseError("not JSON")
    assert odd.value.translation_key == "unexpected_response"


async def test_only_gone_devices_can_be_deleted(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """The hub and live extensions stay; a device the PBX lost may be deleted."""
    hub_id = init_integration.entry_id
    for identifier, removable in (
        (hub_id, False),
        (f"{hub_id}_extension_1000", False),
        (f"{hub_id}_extension_9999", True),
    ):
        device = device_registry.async_get_or_create(
            config_entry_id=init_integration.entry_id,
            identifiers={(DOMAIN, str(identifier))},
        )
        assert (
            await async_remove_config_entry_device(hass, init_integration, device)
            is removable
        )


async def test_action_with_rejected_credentials_starts_reauth(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A PBX password changed under us: the action says so and reauth starts at once."""
    simulator.config.password = "changed"
    simulator.expire_tokens()
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN, "fxo_hook", {"port": 1, "off_hook": True}, blocking=True
        )
    assert err.value.translation_key == "invalid_auth"
    assert "The PBX rejected the API credentials" in str(err.value)
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert not simulator.state.trunks["fxo1"].off_hook


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_button_with_rejected_credentials_starts_reauth(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A button takes the same error path as the actions."""
    simulator.config.password = "changed"
    simulator.expire_tokens()
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            BUTTON_DOMAIN,
            SERVICE_PRESS,
            {ATTR_ENTITY_ID: "button.trunk_fxo1_off_hook"},
            blocking=True,
        )
    assert err.value.translation_key == "invalid_auth"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_button_pbx_refusal_is_translated(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A PBX outage during a press is a translated error, not a traceback."""
    simulator.set_faults(http_500=True)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            BUTTON_DOMAIN,
            SERVICE_PRESS,
            {ATTR_ENTITY_ID: "button.trunk_fxo1_off_hook"},
            blocking=True,
        )
    assert err.value.translation_key == "unexpected_response"
    simulator.set_faults(http_500=False)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entity_command_refusal_names_its_extension(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """An extension's switch says which phone the PBX refused, as Assist would."""
    simulator.set_faults(errno=31)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "switch",
            "turn_on",
            {ATTR_ENTITY_ID: "switch.extension_1001_voicemail"},
            blocking=True,
        )
    simulator.set_faults(errno=0)
    assert err.value.translation_key == "pbx_extension_busy"
    assert str(err.value) == "1001 is busy or offline, so the PBX cannot ring it"


async def test_refusal_names_a_named_extension(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A named extension is named as Assist names it; an unknown one by its number."""
    store = init_integration.runtime_data.coordinator.data
    store.extensions["1003"].name = "Reception"
    for extension, label in (("1003", "Reception (1003)"), ("77", "77")):
        with (
            pytest.raises(HomeAssistantError) as err,
            pbx_errors(hass, init_integration, extension),
        ):
            raise SynwayRequestError(31)
        assert err.value.translation_placeholders is not None
        assert err.value.translation_placeholders["extension"] == label
