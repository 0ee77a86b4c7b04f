"""Polling, outages, token expiry, reboots, configuration changes and repair issues."""

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.entity_platform import async_get_platforms
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.const import DOMAIN
from simulator import Simulator
from tests.conftest import poll, settle, state_of


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_poll_picks_up_unreported_changes(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A change the PBX did not report (reports dropped) shows at the next poll."""
    coordinator = init_integration.runtime_data.coordinator
    received = coordinator.reports.received
    simulator.set_faults(drop_reports=1.0)
    simulator.unregister("1002")
    await poll(hass, freezer)
    assert coordinator.reports.received == received
    assert state_of(hass, "sensor.extension_1002_status") == "unregistered"
    assert state_of(hass, "binary_sensor.extension_1002_registered") == "off"


# Expected: the one line per outage.
@pytest.mark.expected_errors("Error fetching synway_ippbx data")
async def test_pbx_down_and_back(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Entities go unavailable while the PBX fails, logged once, and recover."""
    simulator.set_faults(http_500=True)
    await poll(hass, freezer)
    assert state_of(hass, "sensor.extension_1000_status") == STATE_UNAVAILABLE
    assert state_of(hass, "binary_sensor.synway_ippbx_127_0_0_1_event_stream") == "off"
    await poll(hass, freezer)
    assert caplog.text.count("Error fetching synway_ippbx data") == 1
    simulator.set_faults(http_500=False)
    await poll(hass, freezer)
    assert state_of(hass, "sensor.extension_1000_status") == "idle"
    assert state_of(hass, "binary_sensor.synway_ippbx_127_0_0_1_event_stream") == "on"
    assert "Fetching synway_ippbx data recovered" in caplog.text


# Expected: the broken listener's traceback, and the outage's line.
@pytest.mark.expected_errors(
    "Unexpected error updating listener", "Error fetching synway_ippbx data"
)
async def test_a_broken_listener_leaves_the_others_told_of_an_outage(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """One listener raising when the PBX goes away: every entity still turns unavailable.

    The base coordinator holds one listener that wakes all keyed ones; a failure of one
    of them must not stop the rest, as Home Assistant's own loop would not.
    """
    coordinator = init_integration.runtime_data.coordinator

    def _broken() -> None:
        raise RuntimeError("broken listener")

    # The first key woken, so everything else comes after it.
    remove = coordinator.async_add_listener(
        _broken, coordinator.listeners_by_key.keys[0]
    )
    simulator.set_faults(http_500=True)
    await poll(hass, freezer)
    assert state_of(hass, "sensor.extension_1000_status") == STATE_UNAVAILABLE
    assert "Unexpected error updating listener" in caplog.text
    remove()
    remove()  # a second call is harmless
    simulator.set_faults(http_500=False)
    await poll(hass, freezer)
    assert state_of(hass, "sensor.extension_1000_status") == "idle"


async def test_token_expiry_mid_run_relogs_in(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Expired tokens are renewed transparently, re-registering the report address."""
    logins = sum(r.path.endswith("/login") for r in simulator.requests)
    simulator.expire_tokens()
    await poll(hass, freezer)
    assert state_of(hass, "sensor.extension_1000_status") == "idle"
    assert sum(r.path.endswith("/login") for r in simulator.requests) == logins + 1
    # The new login carries our report address: reports flow again.
    simulator.call_internal("1000", "1001")
    await settle(hass, simulator)
    assert state_of(hass, "sensor.extension_1001_status") == "ringing"


async def test_device_info_of_an_object_gone_before_registration(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """An entity whose object vanished before it was registered names only its device.

    Home Assistant reads device info when it registers the entity, a moment after the
    entity was built from the store; a report may remove the object in between.
    """
    platform = next(
        item for item in async_get_platforms(hass, DOMAIN) if item.domain == "sensor"
    )
    entity = platform.entities["sensor.extension_1000_status"]
    identifiers = {(DOMAIN, f"{init_integration.entry_id}_extension_1000")}
    assert entity.device_info is not None
    assert entity.device_info["identifiers"] == identifiers
    assert "model" in entity.device_info
    del init_integration.runtime_data.coordinator.data.extensions["1000"]
    assert entity.device_info == {"identifiers": identifiers}


async def test_configuration_changes_add_and_remove_devices(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Extensions added or removed on the PBX appear and disappear without a restart."""
    simulator.add_extension("1010")
    await poll(hass, freezer)
    assert state_of(hass, "sensor.extension_1010_status") == "idle"
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, f"{init_integration.entry_id}_extension_1010"),
        init_integration.entry_id,
    )
    assert device is not None
    assert device.via_device_id is not None

    simulator.remove_extension("1010")
    await poll(hass, freezer)
    assert (
        device_registry.async_get_device_by_identifier(
            (DOMAIN, f"{init_integration.entry_id}_extension_1010"),
            init_integration.entry_id,
        )
        is None
    )
    assert hass.states.get("sensor.extension_1010_status") is None


async def test_fxo_ports_are_asked_once(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Trunk settings are read for new FXO trunks only, not at every poll."""
    await poll(hass, freezer)
    await poll(hass, freezer)
    queries = [r for r in simulator.requests if r.name == "trunk_query"]
    assert len(queries) == 1
    assert init_integration.runtime_data.coordinator.data.trunks["fxo2"].port == "2"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_every_wake_up_goes_through_one_typed_key(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Objects, the hub, settings and figures all wake through ObjectKey listeners.

    No pseudo-keys beside the typed one, and no listener lists of their own in the
    settings cache or the statistics.
    """
    from custom_components.synway_ippbx.pbx.store import ObjectKey

    coordinator = init_integration.runtime_data.coordinator
    keys = set(coordinator.listeners_by_key.keys)
    assert all(type(key) is ObjectKey for key in keys), keys
    assert {"extension", "hub", "structure", "settings"} <= {key.kind for key in keys}
    features = init_integration.runtime_data.features
    assert not hasattr(features.settings, "_listeners")
    assert not hasattr(features.statistics, "_listeners")
