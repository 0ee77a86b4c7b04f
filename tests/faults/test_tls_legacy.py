"""A PBX with 2018 firmware speaks only TLS 1.0 (issue 8, item 6)."""

from typing import Any, cast

from aiohttp.test_utils import TestClient
from aiohttp.web import Application, Request
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.synway_ippbx.api import password_digest
from custom_components.synway_ippbx.const import (
    CONF_REPORT_URL,
    CONF_VERIFY_SSL,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from simulator.testing import ExternalSimulator
from tests.conftest import WEBHOOK_ID, state_of

from .conftest import WEBHOOK_PATH, set_up


def _entry(pbx: ExternalSimulator, report_port: int, verify: bool) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title="Synway IPPBX (127.0.0.1)",
        unique_id=pbx.base_url,
        data={
            CONF_HOST: pbx.base_url,
            CONF_USERNAME: "api",
            CONF_PASSWORD: password_digest("synway"),
            CONF_VERIFY_SSL: verify,
            CONF_WEBHOOK_ID: WEBHOOK_ID,
        },
        options={CONF_REPORT_URL: f"127.0.0.1:{report_port}{WEBHOOK_PATH}"},
    )


async def test_legacy_tls_pbx_works_and_diagnostics_say_so(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    legacy_tls_pbx: ExternalSimulator,
    report_client: TestClient[Request, Application],
) -> None:
    """Certificate checking off (the default): set up over TLS 1.0, noted in diagnostics."""
    entry = _entry(legacy_tls_pbx, report_client.port or 0, verify=False)
    await set_up(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert state_of(hass, "sensor.extension_1000_status") != "unavailable"
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert cast("dict[str, Any]", diagnostics)["connection"]["legacy_tls"] is True


async def test_legacy_tls_pbx_with_certificate_checks_is_not_downgraded(
    hass: HomeAssistant,
    legacy_tls_pbx: ExternalSimulator,
    report_client: TestClient[Request, Application],
) -> None:
    entry = _entry(legacy_tls_pbx, report_client.port or 0, verify=True)
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert await legacy_tls_pbx.requests() == []
