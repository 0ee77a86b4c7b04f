"""Registering the actions (actions/__init__.py), resolving the entry, admin-only actions and
schemas (actions/common.py); each action module's own actions in test_actions_<module>.py."""

from typing import Any

from homeassistant.auth.models import User
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import Context, HomeAssistant, SupportsResponse
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceValidationError,
    Unauthorized,
)
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.actions import ACTIONS
from custom_components.synway_ippbx.const import DOMAIN
from simulator import Simulator

ADMIN_ACTIONS = {"update_extension", "add_extension", "update_outbound_route"}
# The public list of actions, in the order the README documents them.
CONTRACT = [
    "dial",
    "hangup",
    "hold",
    "unhold",
    "transfer",
    "monitor",
    "play_prompt",
    "record",
    "set_audio",
    "accept_inbound",
    "refuse_inbound",
    "fxo_hook",
    "add_alarm",
    "update_alarm",
    "delete_alarm",
    "get_alarms",
    "agent_login",
    "agent_logout",
    "agent_pause",
    "agent_resume",
    "get_agent_status",
    "get_extensions",
    "update_extension",
    "add_extension",
    "get_trunks",
    "get_outbound_routes",
    "update_outbound_route",
    "get_ivrs",
    "get_call_records",
    "get_call_details",
]


async def _call(
    hass: HomeAssistant,
    action: str,
    data: dict[str, Any],
    context: Context | None = None,
) -> None:
    await hass.services.async_call(DOMAIN, action, data, blocking=True, context=context)


# --------------------------------------------------------------------------- registration


async def test_actions_registered_in_async_setup(hass: HomeAssistant) -> None:
    """Every action of the contract exists once the integration is set up, entry or not."""
    assert await async_setup_component(hass, DOMAIN, {})
    services = hass.services.async_services_for_domain(DOMAIN)
    assert sorted(services) == sorted(CONTRACT)
    for name in CONTRACT:
        expected = (
            SupportsResponse.ONLY if name.startswith("get_") else SupportsResponse.NONE
        )
        assert hass.services.supports_response(DOMAIN, name) is expected, name


async def test_services_yaml_matches_schemas() -> None:
    """services.yaml describes every action and exactly the fields its schema takes."""
    described = load_yaml_dict("custom_components/synway_ippbx/services.yaml")
    assert list(described) == list(ACTIONS)
    for name, action in ACTIONS.items():
        fields: dict[str, Any] = {}
        for key, spec in (described[name] or {}).get("fields", {}).items():
            fields |= spec.get("fields", {key: spec})
        assert next(iter(fields)) == ATTR_CONFIG_ENTRY_ID, name
        assert set(fields) == {str(key) for key in action.schema}, name


async def test_no_entry(hass: HomeAssistant) -> None:
    """Without a configured PBX the action says so."""
    assert await async_setup_component(hass, DOMAIN, {})
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "fxo_hook", {"port": 1, "off_hook": True})
    assert err.value.translation_key == "service_found_no_config_entry_for_domain"


async def test_entry_not_loaded(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """An entry that is not loaded is a clear error, with or without its id."""
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.NOT_LOADED
    for data in ({}, {ATTR_CONFIG_ENTRY_ID: init_integration.entry_id}):
        with pytest.raises(ServiceValidationError) as err:
            await _call(hass, "fxo_hook", {"port": 1, "off_hook": True, **data})
        assert err.value.translation_key == "service_config_entry_not_loaded"
    assert not simulator.state.trunks["fxo1"].off_hook


async def test_several_entries(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """With two PBXs the entry must be named; a wrong id is a clear error."""
    other = MockConfigEntry(domain=DOMAIN, title="Other PBX", unique_id="other:443")
    other.add_to_hass(hass)
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "fxo_hook", {"port": 1, "off_hook": True})
    assert err.value.translation_key == "service_found_multiple_config_entry_for_domain"
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass,
            "fxo_hook",
            {"port": 1, "off_hook": True, ATTR_CONFIG_ENTRY_ID: "no-such-entry"},
        )
    assert err.value.translation_key == "service_config_entry_not_found"
    await _call(
        hass,
        "fxo_hook",
        {"port": 1, "off_hook": True, ATTR_CONFIG_ENTRY_ID: init_integration.entry_id},
    )
    assert simulator.state.trunks["fxo1"].off_hook


# --------------------------------------------------------------------------- admin actions


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("update_extension", {"extension": "1000", "name": "Lobby"}),
        ("add_extension", {"extension": "1010", "password": "Secret99"}),
        ("update_outbound_route", {"name": "Default", "enabled": False}),
    ],
)
async def test_admin_only(
    hass: HomeAssistant,
    simulator: Simulator,
    hass_read_only_user: User,
    hass_admin_user: User,
    action: str,
    data: dict[str, Any],
) -> None:
    """A non-admin user may not change the PBX's configuration; an admin may."""
    assert action in ADMIN_ACTIONS
    before = len(simulator.requests)
    with pytest.raises(Unauthorized):
        await _call(hass, action, data, Context(user_id=hass_read_only_user.id))
    assert len(simulator.requests) == before
    await _call(hass, action, data, Context(user_id=hass_admin_user.id))
    assert len(simulator.requests) > before


# --------------------------------------------------------------------------- outages


async def test_pbx_unreachable(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A PBX that cannot be reached: a translated error, not a traceback."""
    simulator.set_faults(http_500=True)
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "fxo_hook", {"port": 1, "off_hook": True})
    assert err.value.translation_key == "unexpected_response"
    simulator.set_faults(http_500=False)
