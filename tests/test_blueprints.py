"""The automation blueprints: valid for Home Assistant, and they do what they say."""

import asyncio
from datetime import timedelta
from pathlib import Path
import re
import shutil
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation.config import (
    AUTOMATION_BLUEPRINT_SCHEMA,
    async_validate_config_item,
)
from homeassistant.components.blueprint.models import Blueprint, BlueprintInputs
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import yaml as yaml_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_service,
)
import yaml

from simulator import Simulator
from tests.conftest import settle

ROOT = Path(__file__).parent.parent
BLUEPRINTS = ROOT / "custom_components" / "synway_ippbx" / "blueprints"
TOP_LEVEL = ROOT / "blueprints" / "automation" / "synway_ippbx"

INPUTS: dict[str, dict[str, Any]] = {
    "missed_call_notify.yaml": {"extension": "1001"},
    "flash_light_while_ringing.yaml": {
        "status_sensor": "sensor.extension_1001_status",
        "light": "light.desk",
    },
    "doorbell_intercom.yaml": {"extension": "1001", "doorbell_extension": "1008"},
}


def _load(name: str) -> Blueprint:
    data = yaml_util.load_yaml_dict(BLUEPRINTS / name)
    return Blueprint(
        data, expected_domain="automation", schema=AUTOMATION_BLUEPRINT_SCHEMA
    )


def test_every_blueprint_is_tested() -> None:
    """Each shipped blueprint has inputs here, so none escapes validation."""
    assert {path.name for path in BLUEPRINTS.glob("*.yaml")} == set(INPUTS)


@pytest.mark.parametrize("name", sorted(INPUTS))
async def test_blueprint_is_valid(hass: HomeAssistant, name: str) -> None:
    """The blueprint passes the blueprint schema and yields a valid automation."""
    blueprint = _load(name)
    assert blueprint.validate() is None
    assert blueprint.name.startswith("Synway IPPBX")
    for spec in blueprint.inputs.values():
        assert spec["name"]
        assert "selector" in spec
    inputs = BlueprintInputs(
        blueprint,
        {"use_blueprint": {"path": f"synway_ippbx/{name}", "input": INPUTS[name]}},
    )
    inputs.validate()
    config = inputs.async_substitute()
    validated = await async_validate_config_item(hass, name, config)
    assert validated is not None
    assert validated.validation_error is None


def _install(target: Path, name: str) -> None:
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(BLUEPRINTS / name, target / name)


async def _automation(hass: HomeAssistant, name: str, *inputs: dict[str, Any]) -> None:
    """Install the blueprint in the config dir and create automations from it."""
    target = Path(hass.config.path("blueprints", "automation", "synway_ippbx"))
    await hass.async_add_executor_job(_install, target, name)
    automations = [
        {
            "id": f"test_{index}",
            "alias": f"test {index}",
            "use_blueprint": {"path": f"synway_ippbx/{name}", "input": given},
        }
        for index, given in enumerate(inputs or (INPUTS[name],))
    ]
    assert await async_setup_component(hass, "automation", {"automation": automations})
    await hass.async_block_till_done()


async def _spin() -> None:
    """Let the running automation advance (it sleeps, so block_till_done would wait)."""
    for _ in range(20):
        await asyncio.sleep(0)


def _report(hass: HomeAssistant, call_type: str, **data: Any) -> None:
    """A ``synway_ippbx_event`` as the integration fires it (the fields blueprints read)."""
    hass.bus.async_fire(
        "synway_ippbx_event",
        {
            "call_type": call_type,
            "call_id": "c1",
            "extension": data.pop("callee_number", "1001"),
            **data,
        },
    )


async def _pause(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let the missed-call blueprint's quiet time after notifying pass."""
    freezer.tick(timedelta(seconds=6))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def test_missed_call_notifies_once(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A missed call notifies once; answered calls and other phones do not."""
    calls = async_mock_service(hass, "persistent_notification", "create")
    await _automation(hass, "missed_call_notify.yaml")

    _report(hass, "ring", caller_number="88861158")
    _report(hass, "hangup", caller_number="1000", missed=False)
    _report(hass, "hangup", caller_number="1000", missed=True, callee_number="1002")
    await hass.async_block_till_done()
    assert not calls

    _report(hass, "call_failed", caller_number="88861158", missed=True)
    await hass.async_block_till_done()
    _report(hass, "hangup", caller_number="88861158", missed=True)
    await hass.async_block_till_done()
    assert len(calls) == 1
    assert calls[0].data["message"] == "Missed call from 88861158 on extension 1001"
    await _pause(hass, freezer)

    _report(hass, "hangup", caller_number="1002", missed=True, call_id="c2")
    await hass.async_block_till_done()
    assert len(calls) == 2
    assert calls[1].data["message"] == "Missed call from 1002 on extension 1001"


@pytest.mark.parametrize("large", [False, True], ids=["10", "501"])
async def test_missed_call_end_to_end_on_any_pbx(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    large: bool,
) -> None:
    """Nothing to enable: the blueprint hears the PBX on a small and a large PBX."""
    mock_config_entry.add_to_hass(hass)
    with patch(
        "custom_components.synway_ippbx.entity.LARGE_PBX_EXTENSIONS",
        5 if large else 1000,
    ):
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
    simulator.state.extensions["1002"].settings["username"] = "Alice"
    calls = async_mock_service(hass, "persistent_notification", "create")
    await _automation(hass, "missed_call_notify.yaml")
    simulator.call_internal("1002", "1001")
    await settle(hass, simulator)
    simulator.hangup("1002")
    await settle(hass, simulator)
    simulator.call_internal("1001", "1003", answer=True)
    await settle(hass, simulator)
    simulator.hangup("1001")
    await settle(hass, simulator)
    assert [call.data["message"] for call in calls] == [
        "Missed call from 1002 on extension 1001"
    ]


async def test_doorbell_rings(hass: HomeAssistant) -> None:
    """A ring from the door phone runs the actions; other callers do not."""
    calls = async_mock_service(hass, "persistent_notification", "create")
    await _automation(hass, "doorbell_intercom.yaml")

    _report(hass, "ring", caller_number="1000")
    _report(hass, "ring", caller_number="1008", callee_number="1002")
    _report(hass, "call_failed", caller_number="1008", cause="ORIGINATOR_CANCEL")
    await hass.async_block_till_done()
    assert not calls
    _report(hass, "ring", caller_number="1008")
    await hass.async_block_till_done()
    assert len(calls) == 1
    assert calls[0].data == {"title": "Doorbell", "message": "Someone is at the door"}
    _report(hass, "call_failed", caller_number="1008", reason="486 Busy Here")
    await hass.async_block_till_done()
    assert len(calls) == 2


async def test_light_flashes_while_ringing(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The light toggles while the extension rings and is restored afterwards."""
    toggles: list[ServiceCall] = async_mock_service(hass, "light", "toggle")
    snapshots = async_mock_service(hass, "scene", "create")
    restores = async_mock_service(hass, "scene", "turn_on")
    hass.states.async_set("sensor.extension_1001_status", "idle")
    await _automation(hass, "flash_light_while_ringing.yaml")

    hass.states.async_set("sensor.extension_1001_status", "ringing")
    await _spin()
    assert len(snapshots) == 1
    assert snapshots[0].data["snapshot_entities"] == ["light.desk"]
    for _ in range(4):
        freezer.tick(timedelta(seconds=1))
        async_fire_time_changed(hass)
        await _spin()
    assert len(toggles) >= 4
    assert toggles[0].data == {"entity_id": ["light.desk"]}
    assert not restores

    hass.states.async_set("sensor.extension_1001_status", "talking")
    for _ in range(3):
        freezer.tick(timedelta(seconds=1))
        async_fire_time_changed(hass)
        await _spin()
    await hass.async_block_till_done()
    assert len(restores) == 1
    assert len(toggles) % 2 == 0


async def test_doorbell_notifies_when_the_extension_is_busy(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """End to end: the door phone calls a busy extension (USER_BUSY) and still rings."""
    calls = async_mock_service(hass, "persistent_notification", "create")
    await _automation(hass, "doorbell_intercom.yaml")
    simulator.call_internal("1001", "1002", answer=True)
    await settle(hass, simulator)
    simulator.call_internal("1008", "1001")
    await settle(hass, simulator)
    assert len(calls) == 1
    assert calls[0].data == {"title": "Doorbell", "message": "Someone is at the door"}
    # Free again: the next ring notifies as usual, a call from elsewhere does not.
    simulator.hangup("1001")
    simulator.call_internal("1003", "1001")
    await settle(hass, simulator)
    simulator.hangup("1003")
    simulator.call_internal("1008", "1001")
    await settle(hass, simulator)
    assert len(calls) == 2
    # The Call event entity, which it used to need, stays disabled.
    assert hass.states.get("event.extension_1001_call") is None


def _readme_blocklist() -> dict[str, Any]:
    """docs/actions.md's block-list automation, as a user would paste it."""
    page = Path(__file__).parent.parent / "docs" / "actions.md"
    text = page.read_text(encoding="utf-8")
    for block in re.findall(r"```yaml\n(.*?)```", text, re.DOTALL):
        for document in yaml.safe_load_all(block):
            if isinstance(document, dict) and any(
                action.get("action") == "synway_ippbx.refuse_inbound"
                for action in document.get("actions", [])
            ):
                return dict(document)
    raise AssertionError("docs/actions.md has no block-list example")


async def test_readme_blocklist_refuses_every_call(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Two calls from a blocked number within a second are both refused."""
    config = _readme_blocklist()
    assert await async_setup_component(
        hass, "automation", {"automation": {"id": "blocklist", **config}}
    )
    await hass.async_block_till_done()
    simulator.state.trunks["SIP-2"].control_inbound = True
    first = simulator.call_inbound("5550100", "SIP-2")
    second = simulator.call_inbound("5550100", "SIP-2")
    other = simulator.call_inbound("5550199", "SIP-2")
    await settle(hass, simulator)
    await settle(hass, simulator)
    refused = [
        request.body
        for request in simulator.requests
        if request.path.endswith("inbound_refuse")
    ]
    assert len(refused) == 2
    assert first.ended
    assert second.ended
    assert not other.ended


def test_top_level_blueprints_are_the_shipped_ones() -> None:
    """The repository's blueprints/ folder (import links point there) is the same files."""
    shipped = {path.name: path.read_bytes() for path in BLUEPRINTS.glob("*.yaml")}
    top = {path.name: path.read_bytes() for path in TOP_LEVEL.glob("*.yaml")}
    assert top == shipped


def _selector(name: str, field: str) -> dict[str, Any]:
    return dict(_load(name).inputs[field]["selector"])


def _device_matches(device: dr.DeviceEntry, wanted: dict[str, Any], hass: Any) -> bool:
    entry = hass.config_entries.async_get_entry(device.config_entry_id or "")
    entries = {entry.domain} if entry is not None else set()
    return (
        ("integration" not in wanted or wanted["integration"] in entries)
        and ("model" not in wanted or device.model == wanted["model"])
        and (
            "manufacturer" not in wanted
            or device.manufacturer == wanted["manufacturer"]
        )
    )


def _entity_matches(
    hass: HomeAssistant, entity: er.RegistryEntry, wanted: dict[str, Any]
) -> bool:
    """The entity selector's filter, as the frontend applies it."""
    state = hass.states.get(entity.entity_id)
    device_class = state.attributes.get("device_class") if state else None
    device = dr.async_get(hass).async_get(entity.device_id or "")
    domains = wanted.get("domain", [entity.domain])
    classes = wanted.get("device_class", [device_class])
    return (
        wanted.get("integration", entity.platform) == entity.platform
        and entity.domain in (domains if isinstance(domains, list) else [domains])
        and device_class in (classes if isinstance(classes, list) else [classes])
        and (
            "device" not in wanted
            or (
                isinstance(device, dr.DeviceEntry)
                and _device_matches(device, wanted["device"], hass)
            )
        )
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_flash_picker_offers_only_extension_status_sensors(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Not calls today, talk time, queues or trunks' Status: the extensions' Status."""
    filters = _selector("flash_light_while_ringing.yaml", "status_sensor")["entity"][
        "filter"
    ]
    entities = er.async_entries_for_config_entry(
        er.async_get(hass), init_integration.entry_id
    )
    offered = {
        entity.entity_id
        for entity in entities
        if any(_entity_matches(hass, entity, wanted) for wanted in filters)
    }
    status = {
        entity.entity_id
        for entity in entities
        if entity.translation_key == "extension_status"
    }
    assert len(status) == len(init_integration.runtime_data.coordinator.data.extensions)
    assert offered == status


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("missed_call_notify.yaml", "extension"),
        ("doorbell_intercom.yaml", "extension"),
        ("doorbell_intercom.yaml", "doorbell_extension"),
    ],
)
async def test_extension_pickers_offer_extensions(
    hass: HomeAssistant, init_integration: MockConfigEntry, name: str, field: str
) -> None:
    """The device pickers list every extension and nothing else (no hub, trunk, queue)."""
    filters = _selector(name, field)["device"]["filter"]
    devices = dr.async_entries_for_config_entry(
        dr.async_get(hass), init_integration.entry_id
    )
    offered = {
        device.id
        for device in devices
        if any(_device_matches(device, wanted, hass) for wanted in filters)
    }
    extensions = {
        device.id
        for device in devices
        if any("_extension_" in identifier for _, identifier in device.identifiers)
    }
    assert extensions
    assert offered == extensions


def _extension_device(hass: HomeAssistant, entry: MockConfigEntry, number: str) -> str:
    device = dr.async_get(hass).async_get_device_by_identifier(
        ("synway_ippbx", f"{entry.entry_id}_extension_{number}"),
        config_entry_id=entry.entry_id,
    )
    assert device is not None
    return device.id


async def test_missed_call_from_a_picked_device(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """End to end: an automation on the picked extension device hears its missed call."""
    calls = async_mock_service(hass, "persistent_notification", "create")
    await _automation(
        hass,
        "missed_call_notify.yaml",
        {"extension": _extension_device(hass, init_integration, "1001")},
    )
    simulator.call_internal("1002", "1003")
    await settle(hass, simulator)
    simulator.hangup("1002")
    await settle(hass, simulator)
    assert not calls
    simulator.call_internal("1002", "1001")
    await settle(hass, simulator)
    simulator.hangup("1002")
    await settle(hass, simulator)
    assert [call.data["message"] for call in calls] == [
        "Missed call from 1002 on extension 1001"
    ]


async def test_doorbell_from_picked_devices(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """End to end: the door phone and the called phone picked as devices."""
    calls = async_mock_service(hass, "persistent_notification", "create")
    await _automation(
        hass,
        "doorbell_intercom.yaml",
        {
            "extension": _extension_device(hass, init_integration, "1001"),
            "doorbell_extension": _extension_device(hass, init_integration, "1008"),
        },
    )
    simulator.call_internal("1003", "1001")
    await settle(hass, simulator)
    simulator.hangup("1003")
    await settle(hass, simulator)
    assert not calls
    simulator.call_internal("1008", "1001")
    await settle(hass, simulator)
    assert len(calls) == 1


async def test_two_flashing_lights_keep_their_own_state(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Two automations from the flash blueprint save and restore separate scenes."""
    async_mock_service(hass, "light", "toggle")
    snapshots = async_mock_service(hass, "scene", "create")
    restores = async_mock_service(hass, "scene", "turn_on")
    hass.states.async_set("sensor.extension_1001_status", "idle")
    await _automation(
        hass,
        "flash_light_while_ringing.yaml",
        INPUTS["flash_light_while_ringing.yaml"],
        {"status_sensor": "sensor.extension_1001_status", "light": "light.hall"},
    )
    hass.states.async_set("sensor.extension_1001_status", "ringing")
    await _spin()
    hass.states.async_set("sensor.extension_1001_status", "idle")
    for _ in range(3):
        freezer.tick(timedelta(seconds=1))
        async_fire_time_changed(hass)
        await _spin()
    await hass.async_block_till_done()
    saved = {
        call.data["scene_id"]: call.data["snapshot_entities"] for call in snapshots
    }
    assert saved == {
        "synway_ippbx_flash_test_0": ["light.desk"],
        "synway_ippbx_flash_test_1": ["light.hall"],
    }
    assert sorted(call.data["entity_id"][0] for call in restores) == [
        "scene.synway_ippbx_flash_test_0",
        "scene.synway_ippbx_flash_test_1",
    ]
