"""Entities as a user sees them: events, buttons, queues, parallel calls."""

import json
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from aiohttp.web import Application, Request
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.button.const import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import Simulator
from tests.conftest import WEBHOOK_ID, poll, settle, state_of

URL = f"/api/webhook/{WEBHOOK_ID}"


def attributes(hass: HomeAssistant, entity_id: str) -> dict[str, object]:
    """The attributes of an entity that must exist."""
    state = hass.states.get(entity_id)
    assert state is not None, f"{entity_id} does not exist"
    return dict(state.attributes)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_call_events_on_extensions(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The callee's event entity fires ring, the caller's answered, both hangup."""
    simulator.call_internal("1000", "1001")
    await settle(hass, simulator)
    ring = attributes(hass, "event.extension_1001_call")
    assert ring["event_type"] == "ring"
    assert ring["other_party"] == "1000"
    assert ring["caller"] == "1000"

    simulator.answer("1001")
    await settle(hass, simulator)
    assert attributes(hass, "event.extension_1000_call")["event_type"] == "answered"

    simulator.hangup("1000")
    await settle(hass, simulator)
    hangup = attributes(hass, "event.extension_1001_call")
    assert hangup["event_type"] == "hangup"
    assert hangup["missed"] is False


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_missed_call_is_marked(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A call that only rang and was abandoned is a missed call for the callee."""
    simulator.call_internal("1000", "1002")
    await settle(hass, simulator)
    simulator.hangup("1000")
    await settle(hass, simulator)
    event = attributes(hass, "event.extension_1002_call")
    assert event["event_type"] in ("hangup", "call_failed")
    assert event["missed"] is True


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_hang_up_button_ends_the_call(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Pressing Hang up ends the extension's call on the PBX."""
    call = simulator.call_internal("1000", "1001", answer=True)
    await settle(hass, simulator)
    await hass.services.async_call(
        BUTTON_DOMAIN,
        SERVICE_PRESS,
        {ATTR_ENTITY_ID: "button.extension_1000_hang_up"},
        blocking=True,
    )
    await settle(hass, simulator)
    assert call.ended
    assert state_of(hass, "binary_sensor.extension_1000_on_a_call") == "off"

    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            BUTTON_DOMAIN,
            SERVICE_PRESS,
            {ATTR_ENTITY_ID: "button.extension_1000_hang_up"},
            blocking=True,
        )
    assert err.value.translation_key == "no_active_call"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_fxo_buttons_take_the_line_off_and_on_hook(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The FXO buttons drive the port's hook state on the PBX."""
    await hass.services.async_call(
        BUTTON_DOMAIN,
        SERVICE_PRESS,
        {ATTR_ENTITY_ID: "button.trunk_fxo1_off_hook"},
        blocking=True,
    )
    assert simulator.state.trunks["fxo1"].off_hook
    await hass.services.async_call(
        BUTTON_DOMAIN,
        SERVICE_PRESS,
        {ATTR_ENTITY_ID: "button.trunk_fxo1_on_hook"},
        blocking=True,
    )
    assert not simulator.state.trunks["fxo1"].off_hook


async def test_queue_callers_and_agents(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """An inbound call waiting in a queue shows up at once; agent breaks count."""
    call = simulator.call_inbound("88861158", "fxo1")
    await settle(hass, simulator)
    assert state_of(hass, "sensor.sales_6700_waiting_callers") == "1"
    queue_event = attributes(hass, "event.sales_6700_queue_event")
    assert queue_event["event_type"] == "caller_joined"
    assert queue_event["caller"] == "88861158"
    available = int(state_of(hass, "sensor.sales_6700_agents_available"))
    assert available >= 0
    assert int(state_of(hass, "sensor.sales_6700_longest_wait")) >= 0

    simulator.answer(call.callid)
    await settle(hass, simulator)
    assert state_of(hass, "sensor.sales_6700_waiting_callers") == "0"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_two_calls_on_one_extension(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
) -> None:
    """With two calls (call waiting), the most recent is the extension's current call."""

    async def send(event: str, callid: str, caller: str, leg: str) -> None:
        body = {
            "event": event,
            "callid": callid,
            "callerext": {"extid": caller, "uuid": callid},
            "calledext": {"extid": "1001", "uuid": leg},
        }
        response = await report_client.post(URL, data=json.dumps(body))
        assert response.status == 200

    await send("ANSWER", "call-a", "1000", "leg-a")
    await send("RING", "call-b", "1002", "leg-b")
    await hass.async_block_till_done()
    assert attributes(hass, "sensor.extension_1001_other_party")["calls"] == 2
    assert state_of(hass, "sensor.extension_1001_other_party") == "1002"
    assert state_of(hass, "sensor.extension_1001_status") == "ringing"

    await send("HANGUP", "call-b", "1002", "leg-b")
    await hass.async_block_till_done()
    assert state_of(hass, "sensor.extension_1001_other_party") == "1000"
    assert state_of(hass, "sensor.extension_1001_status") == "talking"
    assert state_of(hass, "binary_sensor.extension_1001_on_a_call") == "on"


# What a new install shows on its dashboards, per entity (translation key). The reasons
# are in quality_scale.yaml (entity-disabled-by-default).
ALWAYS_DISABLED = {
    ("binary_sensor", "registered"),
    ("binary_sensor", "on_call"),
    ("sensor", "other_party"),
    ("button", "hangup"),
    ("button", "off_hook"),
    ("button", "on_hook"),
    # Its rows would double the Status sensor's (issue 10.5): automations use the bus.
    ("event", "call"),
    # Its "Call record" rows would double the phone's (issue 22.5): the same reason.
    ("event", "pbx"),
}
ENABLED_ON_SMALL_PBXS = {
    # Extension settings and figures (issue 13).
    ("switch", "forward_always"),
    ("switch", "forward_busy"),
    ("switch", "forward_no_answer"),
    ("switch", "voicemail"),
    ("text", "forward_always_destination"),
    ("text", "forward_busy_destination"),
    ("text", "forward_no_answer_destination"),
    ("sensor", "calls_today"),
    ("sensor", "missed_calls_today"),
    ("sensor", "talk_time_today"),
    ("sensor", "last_missed_call"),
}
ALWAYS_ENABLED = {
    ("sensor", "extension_status"),
    ("sensor", "trunk_status"),
    ("sensor", "trunk_active_calls"),
    ("binary_sensor", "trunk_problem"),
    ("sensor", "waiting_callers"),
    ("sensor", "longest_wait"),
    ("sensor", "agents_available"),
    ("event", "queue"),
    ("sensor", "active_calls"),
    ("binary_sensor", "event_stream"),
    ("switch", "agent_logged_in"),
    ("switch", "agent_on_break"),
    ("sensor", "pbx_calls_today"),
    ("sensor", "pbx_missed_calls_today"),
    ("sensor", "pbx_talk_time_today"),
    ("sensor", "pbx_last_missed_call"),
    ("sensor", "recent_calls"),
}


@pytest.mark.parametrize("large", [False, True], ids=["small_pbx", "large_pbx"])
async def test_entities_enabled_by_default(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    large: bool,
) -> None:
    """Each entity's default is decided, on a small PBX and past the entity cap."""
    mock_config_entry.add_to_hass(hass)
    threshold = 5 if large else 1000
    with patch("custom_components.synway_ippbx.entity.LARGE_PBX_EXTENSIONS", threshold):
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
    enabled: set[tuple[str, str | None]] = set()
    disabled: set[tuple[str, str | None]] = set()
    for entry in er.async_entries_for_config_entry(
        entity_registry, mock_config_entry.entry_id
    ):
        kind = (entry.domain, entry.translation_key)
        if entry.disabled_by is None:
            enabled.add(kind)
        else:
            assert entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
            assert hass.states.get(entry.entity_id) is None
            disabled.add(kind)
    assert not enabled & disabled
    if large:
        assert disabled == ALWAYS_DISABLED | ENABLED_ON_SMALL_PBXS
        assert enabled == ALWAYS_ENABLED
    else:
        assert disabled == ALWAYS_DISABLED
        assert enabled == ALWAYS_ENABLED | ENABLED_ON_SMALL_PBXS
    assert state_of(hass, "sensor.extension_1000_status") == "idle"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_other_party_is_named_when_the_pbx_names_it(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The far end's extension name comes with its number."""
    simulator.state.extensions["1001"].settings["username"] = "Reception"
    await poll(hass, freezer)
    simulator.call_internal("1000", "1001")
    await settle(hass, simulator)
    ringback = attributes(hass, "event.extension_1000_call")
    assert (ringback["other_party"], ringback["other_party_name"]) == (
        "1001",
        "Reception",
    )
    simulator.answer("1001")
    await settle(hass, simulator)
    answered = attributes(hass, "event.extension_1000_call")
    assert (answered["other_party"], answered["other_party_name"]) == (
        "1001",
        "Reception",
    )
    assert attributes(hass, "sensor.extension_1000_other_party")["name"] == "Reception"
    assert attributes(hass, "event.extension_1001_call")["other_party_name"] is None


@pytest.mark.parametrize("above", [0, 1], ids=["at", "above"])
async def test_pbx_at_the_threshold_fits_under_the_entity_cap(
    hass: HomeAssistant,
    report_client: TestClient[Request, Application],
    entity_registry: er.EntityRegistry,
    above: int,
) -> None:
    """At the largest size with every entity enabled, and just above, all extensions fit.

    Home Assistant enables at most 10,000 entities per entry and leaves the rest out.
    """
    # Imported here: only this test builds its own, larger PBX.
    from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME

    from custom_components.synway_ippbx.api import password_digest
    from custom_components.synway_ippbx.const import (
        CONF_REPORT_URL,
        CONF_VERIFY_SSL,
        CONF_WEBHOOK_ID,
        DOMAIN,
        LARGE_PBX_EXTENSIONS,
    )
    from simulator.config import build_extensions
    from simulator.testing import fixture_config

    extensions = LARGE_PBX_EXTENSIONS + above
    config = fixture_config()
    config.extensions = build_extensions(extensions)
    config.max_extensions = max(config.max_extensions, extensions)
    big = Simulator(config)
    await big.start(host="127.0.0.1", port=0, https=False)
    try:
        entry = MockConfigEntry(
            domain=DOMAIN,
            unique_id=big.host,
            version=2,
            data={
                CONF_HOST: big.base_url,
                CONF_USERNAME: config.username,
                CONF_PASSWORD: password_digest(config.password),
                CONF_VERIFY_SSL: False,
                CONF_WEBHOOK_ID: WEBHOOK_ID,
            },
            options={
                CONF_REPORT_URL: f"127.0.0.1:{report_client.port}/api/webhook/{WEBHOOK_ID}"
            },
        )
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        enabled = [
            item
            for item in er.async_entries_for_config_entry(
                entity_registry, entry.entry_id
            )
            if item.disabled_by is None
        ]
        # At the cap Home Assistant silently leaves the remaining entities out.
        assert len(enabled) < 10_000
        last = f"sensor.extension_{999 + extensions}_status"
        assert state_of(hass, last) == "idle"
        assert await hass.config_entries.async_unload(entry.entry_id)
    finally:
        await big.stop()
