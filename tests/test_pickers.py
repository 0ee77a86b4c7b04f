"""Action fields with pickers: extensions, queues and trunks as devices or entities.

The action forms offer device pickers; YAML keeps working with numbers. Each test calls
the action the way the form (or a user's YAML) would and asserts on the simulated PBX.
"""

from typing import Any

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util.yaml import load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.actions import OBJECT_FIELDS
from custom_components.synway_ippbx.const import DOMAIN
from simulator import Simulator
from tests.conftest import settle


async def _call(
    hass: HomeAssistant, action: str, data: dict[str, Any]
) -> dict[str, Any] | None:
    response = await hass.services.async_call(
        DOMAIN,
        action,
        data,
        blocking=True,
        return_response=action.startswith("get_"),
    )
    return dict(response) if response is not None else None


def _device(hass: HomeAssistant, entity_id: str) -> str:
    """The device id of the device an entity belongs to."""
    entry = er.async_get(hass).async_get(entity_id)
    assert entry is not None, entity_id
    assert entry.device_id is not None
    return entry.device_id


@pytest.mark.usefixtures("init_integration")
async def test_dial_extension_as_device_entity_or_number(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """dial takes the extension as its device, its status entity, or its number."""
    device_id = _device(hass, "sensor.extension_1000_status")
    for extension, caller in (
        (device_id, "1000"),
        ("sensor.extension_1001_status", "1001"),
        ("1002", "1002"),
    ):
        await _call(hass, "dial", {"extension": extension, "number": "5551234"})
        assert simulator.requests[-1].body["extid"] == caller


@pytest.mark.usefixtures("init_integration")
async def test_hangup_extension_as_entity(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """A call action finds the picked extension's current call."""
    simulator.call_internal("1000", "1001", answer=True)
    await settle(hass, simulator)
    await _call(hass, "hangup", {"extension": "binary_sensor.extension_1001_on_a_call"})
    await settle(hass, simulator)
    assert not [
        leg for leg in simulator.state.extensions["1001"].legs if leg.state != "ended"
    ]


@pytest.mark.usefixtures("init_integration")
async def test_monitor_target_as_device(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """monitor takes the listener and the target as devices."""
    simulator.call_internal("1001", "1002", answer=True)
    await settle(hass, simulator)
    await _call(
        hass,
        "monitor",
        {
            "extension": _device(hass, "sensor.extension_1000_status"),
            "target": _device(hass, "sensor.extension_1001_status"),
            "mode": "listen",
        },
    )
    body = simulator.requests[-1].body
    assert (body["extid"], body["monitorid"]) == ("1000", "1001")


@pytest.mark.usefixtures("init_integration")
async def test_queue_agent_as_devices(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Queue actions take the queue and the agent as devices or entities."""
    queue_device = _device(hass, "sensor.sales_6700_waiting_callers")
    await _call(
        hass,
        "agent_login",
        {
            "queue": queue_device,
            "extension": "sensor.extension_1004_status",
            "password": "123456",
        },
    )
    assert simulator.requests[-1].name == "agent_login"
    assert simulator.state.queues["6700"].agents["1004"].logged_in
    await _call(
        hass,
        "agent_pause",
        {"queue": "sensor.sales_6700_longest_wait", "extension": "1004"},
    )
    assert simulator.requests[-1].name == "agent_break"


@pytest.mark.usefixtures("init_integration")
async def test_lists_of_devices(hass: HomeAssistant, simulator: Simulator) -> None:
    """List fields take several devices (and numbers mixed in)."""
    result = await _call(
        hass,
        "get_extensions",
        {"extensions": [_device(hass, "sensor.extension_1003_status"), "1004"]},
    )
    assert result is not None
    assert [item["extension"] for item in result["extensions"]] == ["1003", "1004"]
    result = await _call(
        hass, "get_trunks", {"trunks": [_device(hass, "sensor.trunk_fxo1_status")]}
    )
    assert result is not None
    assert [item["name"] for item in result["trunks"]] == ["fxo1"]


@pytest.mark.usefixtures("init_integration")
async def test_fxo_hook_port_as_trunk(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """fxo_hook takes the FXO trunk's device or entity for its port."""
    await _call(
        hass,
        "fxo_hook",
        {"port": _device(hass, "sensor.trunk_fxo1_status"), "off_hook": True},
    )
    assert simulator.state.trunks["fxo1"].off_hook
    await _call(
        hass, "fxo_hook", {"port": "sensor.trunk_fxo1_status", "off_hook": False}
    )
    assert not simulator.state.trunks["fxo1"].off_hook


@pytest.mark.usefixtures("init_integration")
async def test_fxo_hook_sip_trunk_refused(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """A SIP trunk has no port: a translated error, no request."""
    before = len(simulator.requests)
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass, "fxo_hook", {"port": "sensor.trunk_sip_1_status", "off_hook": True}
        )
    assert err.value.translation_key == "not_an_fxo_trunk"
    assert "is not an FXO trunk" in str(err.value)
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "fxo_hook", {"port": "front door", "off_hook": True})
    assert err.value.translation_key == "unknown_port"
    assert len(simulator.requests) == before


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("extension", "sensor.sales_6700_waiting_callers", "not_a_extension"),
        ("extension", "sensor.no_such_entity", "not_a_extension"),
        ("extension", "sun.sun", "not_a_extension"),
        ("queue", "sensor.extension_1000_status", "not_a_queue"),
    ],
)
async def test_wrong_kind_refused(
    hass: HomeAssistant, simulator: Simulator, field: str, value: str, key: str
) -> None:
    """A device or entity of the wrong kind, or not ours, is a translated error."""
    data = {"queue": "6700", "extension": "1000", field: value}
    before = len(simulator.requests)
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "agent_pause", data)
    assert err.value.translation_key == key
    assert err.value.translation_placeholders == {"target": value}
    assert f"{value} is not a" in str(err.value)
    assert len(simulator.requests) == before


@pytest.mark.usefixtures("init_integration")
async def test_other_integration_device_refused(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """A device of another integration is not an extension."""
    other = MockConfigEntry(domain="demo")
    other.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("demo", "lamp")}
    )
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "dial", {"extension": device.id, "number": "5551234"})
    assert err.value.translation_key == "not_a_extension"


async def test_picked_device_names_the_pbx(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """With two PBXs, a picked device says which one is meant (no config_entry_id)."""
    MockConfigEntry(
        domain=DOMAIN, title="Other PBX", unique_id="other:443"
    ).add_to_hass(hass)
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "dial", {"extension": "1000", "number": "5551234"})
    assert err.value.translation_key == "service_found_multiple_config_entry_for_domain"
    await _call(
        hass,
        "dial",
        {
            "extension": _device(hass, "sensor.extension_1000_status"),
            "number": "5551234",
        },
    )
    assert simulator.requests[-1].body["extid"] == "1000"
    await _call(
        hass,
        "dial",
        {
            "extension": "1001",
            "number": "5551234",
            ATTR_CONFIG_ENTRY_ID: init_integration.entry_id,
        },
    )
    assert simulator.requests[-1].body["extid"] == "1001"


@pytest.mark.usefixtures("init_integration")
async def test_add_extension_takes_numbers_only(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """add_extension's number names a new extension: it is never resolved."""
    await _call(hass, "add_extension", {"extension": "1010", "password": "Secret99"})
    assert "1010" in simulator.state.extensions


@pytest.mark.usefixtures("init_integration")
async def test_selectors_offer_every_device(hass: HomeAssistant) -> None:
    """services.yaml pickers filter by models every device of each kind has."""
    described = load_yaml_dict("custom_components/synway_ippbx/services.yaml")
    devices = dr.async_entries_for_config_entry(
        dr.async_get(hass), hass.config_entries.async_entries(DOMAIN)[0].entry_id
    )
    models = {device.model for device in devices}
    pickers = 0
    for name, action in described.items():
        for field, spec in (action or {}).get("fields", {}).items():
            if field not in OBJECT_FIELDS or name == "add_extension":
                assert "device" not in spec.get("selector", {}), (name, field)
                continue
            pickers += 1
            offered = {f["model"] for f in spec["selector"]["device"]["filter"]}
            assert all(
                f["integration"] == DOMAIN for f in spec["selector"]["device"]["filter"]
            )
            assert offered <= models | {"SIP extension", "FXS extension"}, (name, field)
            kind = OBJECT_FIELDS[field]
            expected = {
                "extension": {"SIP extension", "FXS extension"},
                "queue": {"Queue"},
                "trunk": {"FXO trunk"}
                if field == "port"
                else {"SIP trunk", "FXO trunk"},
            }[kind]
            assert offered == expected, (name, field)
    assert pickers == 31
    # Every model the pickers offer is one the devices really carry.
    assert {"SIP extension", "Queue", "SIP trunk", "FXO trunk"} <= models
