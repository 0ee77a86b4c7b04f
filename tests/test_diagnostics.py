"""Diagnostics: what helps debugging, without secrets or callers' numbers."""

import json
from typing import Any

from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.synway_ippbx.const import (
    CONF_ASSIST_EXTENSION,
    CONF_REPORT_URL,
    CONF_WEBHOOK_ID,
)
from simulator import Simulator
from tests.conftest import settle

EXTERNAL_CALLER = "13800138000"
REDACTED = "**REDACTED**"


@pytest.fixture(autouse=True)
async def diagnostics_component(hass: HomeAssistant) -> None:
    """Set diagnostics up before ``report_client`` starts (and freezes) the HTTP router."""
    assert await async_setup_component(hass, "diagnostics", {})


async def _diagnostics(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, entry: MockConfigEntry
) -> dict[str, Any]:
    """Download the entry's diagnostics the way the frontend does."""
    result = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert isinstance(result, dict)
    return result


def _assert_secrets_absent(dump: str, entry: MockConfigEntry) -> None:
    """None of the entry's secrets appear anywhere in the dump."""
    for secret in (
        entry.data[CONF_PASSWORD],
        entry.data[CONF_WEBHOOK_ID],
        entry.options[CONF_REPORT_URL],
    ):
        assert secret not in dump
    assert f'"{entry.data[CONF_USERNAME]}"' not in dump


async def test_diagnostics_during_calls(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """A talking internal call and an outside caller waiting in queue 6700.

    State and statistics are shown; secrets and the callers' numbers are not.
    """
    simulator.call_internal("1000", "1001", answer=True)
    simulator.call_inbound(EXTERNAL_CALLER, "fxo1")
    await settle(hass, simulator)

    diagnostics = await _diagnostics(hass, hass_client, init_integration)
    # The host carries the simulator's random port; the time of the last report varies.
    assert diagnostics["entry"]["data"]["host"] == simulator.base_url
    assert diagnostics == snapshot(exclude=props("host", "last_received"))

    dump = json.dumps(diagnostics)
    _assert_secrets_absent(dump, init_integration)
    assert EXTERNAL_CALLER not in dump
    assert simulator.config.password not in dump

    entry = diagnostics["entry"]
    assert entry["data"][CONF_PASSWORD] == REDACTED
    assert entry["data"][CONF_USERNAME] == REDACTED
    assert entry["data"][CONF_WEBHOOK_ID] == REDACTED
    assert entry["options"][CONF_REPORT_URL] == REDACTED

    assert diagnostics["connection"] == {
        "last_update_success": True,
        "token_alive": True,
        "event_stream_alive": True,
        "report_url_set": True,
        "legacy_tls": False,
        "credentials_rejected": False,
    }
    reports = diagnostics["reports"]
    assert reports["received"] > 0
    assert reports["rejected"] == 0
    assert reports["last_received"] is not None

    # Every leg's far-end number is redacted; the extension legs still say who is busy.
    calls = diagnostics["calls"]
    assert len(calls) == 2
    legs = [leg for call in calls for leg in call["legs"]]
    assert all(leg["number"] in (REDACTED, None) for leg in legs)
    assert any(leg["trunk"] == "fxo1" for leg in legs)
    assert {leg["extension"] for leg in legs} >= {"1000", "1001"}
    assert diagnostics["extensions"]["1000"]["calls"] == 1
    assert diagnostics["extensions"]["1001"]["calls"] == 1
    assert diagnostics["extensions"]["1007"]["calls"] == 0
    assert diagnostics["queues"]["6700"]["waiting_callers"] == 1
    assert set(diagnostics["trunks"]) == {"SIP-1", "SIP-2", "fxo1", "fxo2"}
    assert set(diagnostics["queues"]) == {"6700", "6701"}


async def test_diagnostics_redacts_options(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
) -> None:
    """The assist extension is configuration, not a secret; the report URL stays hidden."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry,
        options=dict(mock_config_entry.options) | {CONF_ASSIST_EXTENSION: "1003"},
    )
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    diagnostics = await _diagnostics(hass, hass_client, mock_config_entry)
    assert diagnostics["entry"]["options"] == {
        CONF_REPORT_URL: REDACTED,
        CONF_ASSIST_EXTENSION: "1003",
    }
    assert diagnostics["calls"] == []
    _assert_secrets_absent(json.dumps(diagnostics), mock_config_entry)
