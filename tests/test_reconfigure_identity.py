"""Reconfigure points an entry at the same PBX only, and keeps the title the user gave."""

from collections.abc import AsyncGenerator
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.translation import async_get_translations
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.api import SynwayError
from custom_components.synway_ippbx.const import CONF_VERIFY_SSL, DOMAIN
from simulator import Simulator
from simulator.config import ExtensionSpec, TrunkSpec
from simulator.testing import fixture_config


@pytest.fixture
async def other_pbx(socket_enabled: None) -> AsyncGenerator[Simulator]:
    """Another office's PBX: other extension numbers, another trunk, no queues."""
    config = fixture_config()
    config.extensions = [ExtensionSpec(str(n)) for n in range(2000, 2010)]
    config.trunks = [
        TrunkSpec("Line-A", sip_address="192.0.2.1", did_number="9", destination="2000")
    ]
    config.queues = []
    sim = Simulator(config)
    await sim.start(host="127.0.0.1", port=0, https=True)
    try:
        yield sim
    finally:
        await sim.stop()


def _typed(sim: Simulator, **changes: Any) -> dict[str, Any]:
    return {
        CONF_HOST: sim.base_url,
        CONF_USERNAME: sim.config.username,
        CONF_VERIFY_SSL: False,
    } | changes


async def test_reconfigure_refuses_another_pbx(
    hass: HomeAssistant, other_pbx: Simulator, init_integration: MockConfigEntry
) -> None:
    """Extensions and trunks with too little in common: refused, the entry untouched."""
    before = (init_integration.unique_id, dict(init_integration.data))
    result = await init_integration.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _typed(other_pbx)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "different_pbx"}
    # Also with a typed password.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _typed(other_pbx, **{CONF_PASSWORD: "synway"})
    )
    assert result["errors"] == {"base": "different_pbx"}
    assert (init_integration.unique_id, dict(init_integration.data)) == before
    assert init_integration.state is ConfigEntryState.LOADED
    # The flow's logins were logged out again.
    assert other_pbx.auth.live_sessions() == []
    for language in ("en", "zh-Hans"):
        strings = await async_get_translations(hass, language, "config", {DOMAIN})
        assert strings[f"component.{DOMAIN}.config.error.different_pbx"]


async def test_reconfigure_same_pbx_new_port_keeps_title(
    hass: HomeAssistant,
    simulator_http: Simulator,
    init_integration: MockConfigEntry,
) -> None:
    """The same PBX at another port is accepted; the title the user gave stays."""
    hass.config_entries.async_update_entry(init_integration, title="Head office")
    result = await init_integration.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _typed(simulator_http)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert init_integration.title == "Head office"
    assert init_integration.unique_id == simulator_http.host


async def test_reconfigure_accepts_when_the_pbx_cannot_list(
    hass: HomeAssistant, other_pbx: Simulator, init_integration: MockConfigEntry
) -> None:
    """A PBX that logs in but cannot list its trunks cannot be compared: accepted."""
    result = await init_integration.start_reconfigure_flow(hass)
    with (
        patch(
            "custom_components.synway_ippbx.config_flow.SynwayClient.trunk_list",
            side_effect=SynwayError("boom"),
        ),
        patch("custom_components.synway_ippbx.async_setup_entry", return_value=True),
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], _typed(other_pbx)
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"


async def test_reconfigure_of_an_entry_never_loaded_is_not_compared(
    hass: HomeAssistant, other_pbx: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """With no devices yet there is nothing to compare with: accepted."""
    mock_config_entry.add_to_hass(hass)
    result = await mock_config_entry.start_reconfigure_flow(hass)
    with patch("custom_components.synway_ippbx.async_setup_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], _typed(other_pbx)
        )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
