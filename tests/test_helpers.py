"""Small pieces: the report address, error mapping, removing stale devices by hand."""

from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx import async_remove_config_entry_device
from custom_components.synway_ippbx.api import SynwayConnectionError, SynwayRequestError
from custom_components.synway_ippbx.const import (
    CONF_REPORT_URL,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from custom_components.synway_ippbx.helpers import async_pbx_call
from custom_components.synway_ippbx.webhook import report_url


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


async def test_error_mapping() -> None:
    """Bad input is a validation error; a PBX refusal names the errno's meaning."""

    async def bad_input() -> None:
        raise ValueError("volume must be between -4 and 4")

    async def refused() -> None:
        raise SynwayRequestError(11, "The extension does not exist")

    with pytest.raises(ServiceValidationError) as invalid:
        await async_pbx_call(bad_input())
    assert invalid.value.translation_key == "invalid_input"
    with pytest.raises(HomeAssistantError) as pbx:
        await async_pbx_call(refused())
    assert pbx.value.translation_key == "pbx_error"
    assert pbx.value.translation_placeholders == {
        "errno": "11",
        "meaning": "The extension does not exist",
    }

    async def unreachable() -> None:
        raise SynwayConnectionError("connection refused")

    with pytest.raises(HomeAssistantError) as down:
        await async_pbx_call(unreachable())
    assert down.value.translation_key == "cannot_connect"


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
