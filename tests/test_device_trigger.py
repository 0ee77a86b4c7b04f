"""Device triggers: offered per device from the facts table, fired by simulated calls."""

import json
from pathlib import Path
import re
from typing import Any

from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_get_device_automations,
    async_mock_service,
)
import voluptuous as vol

from custom_components.synway_ippbx.const import DOMAIN
from custom_components.synway_ippbx.device_trigger import (
    async_validate_trigger_config,
    device_object,
)
from simulator import Simulator
from tests.conftest import settle


def _device(hass: HomeAssistant, entry: MockConfigEntry, suffix: str) -> str:
    identifier = f"{entry.entry_id}{suffix}"
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, identifier), config_entry_id=entry.entry_id
    )
    assert device is not None
    return device.id


async def _types(hass: HomeAssistant, device_id: str) -> list[str]:
    triggers = await async_get_device_automations(
        hass, DeviceAutomationType.TRIGGER, device_id
    )
    return [t["type"] for t in triggers if t["domain"] == DOMAIN]


async def test_triggers_per_device(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Extensions, queues and the hub offer the triggers of product.md §5."""
    entry = init_integration
    assert await _types(hass, _device(hass, entry, "_extension_1001")) == [
        "ring",
        "answered",
        "hangup",
        "missed_call",
        "call_failed",
        "dtmf",
        "status_changed",
    ]
    assert await _types(hass, _device(hass, entry, "_queue_6700")) == [
        "caller_joined",
        "caller_left",
        "overflow",
    ]
    assert await _types(hass, _device(hass, entry, "")) == ["system_up"]
    assert await _types(hass, _device(hass, entry, "_trunk_SIP-1")) == []


async def _listed(hass: HomeAssistant, device_id: str) -> list[dict[str, Any]]:
    triggers = await async_get_device_automations(
        hass, DeviceAutomationType.TRIGGER, device_id
    )
    return [t for t in triggers if t["domain"] == DOMAIN]


async def test_listed_triggers_carry_the_device_label(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The editor names a trigger from its ``subtype``: "Extension 1001 is ringing".

    The label is built from the number (as the default device name is), so it stays
    when the PBX names the queue "Sales": the editor recognises a saved trigger by it.
    """
    entry = init_integration
    phone = await _listed(hass, _device(hass, entry, "_extension_1001"))
    assert {t["subtype"] for t in phone} == {"Extension 1001"}
    queue = await _listed(hass, _device(hass, entry, "_queue_6700"))
    assert {t["subtype"] for t in queue} == {"Queue 6700"}
    (hub,) = await _listed(hass, _device(hass, entry, ""))
    assert hub["subtype"] == entry.title
    hass.config.language = "zh-Hans"
    phone = await _listed(hass, _device(hass, entry, "_extension_1001"))
    assert {t["subtype"] for t in phone} == {"分机 1001"}


TRANSLATIONS = (
    Path(__file__).parent.parent / "custom_components" / DOMAIN / "translations"
)


@pytest.mark.parametrize("language", ["en", "zh-Hans"])
def test_trigger_names_use_only_the_placeholders_the_editor_fills(
    language: str,
) -> None:
    """The editor fills ``{subtype}`` and ``{entity_name}`` only; every name has the label."""
    names = json.loads((TRANSLATIONS / f"{language}.json").read_text("utf-8"))[
        "device_automation"
    ]["trigger_type"]
    for trigger, name in names.items():
        placeholders = set(re.findall(r"{(\w*)}", name))
        assert placeholders <= {"subtype", "entity_name"}, (trigger, name)
        assert "subtype" in placeholders, (trigger, name)


async def _automations(
    hass: HomeAssistant, *triggers: tuple[str, str]
) -> list[ServiceCall]:
    calls = async_mock_service(hass, "test", "automation")
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "triggers": [
                        {
                            "trigger": "device",
                            "domain": DOMAIN,
                            "device_id": device_id,
                            "type": kind,
                        }
                    ],
                    "actions": [
                        {
                            "action": "test.automation",
                            "data": {
                                "type": kind,
                                "device": device_id,
                                "caller": "{{ trigger.event.data.caller_number }}",
                                "call_id": "{{ trigger.event.data.call_id }}",
                            },
                        }
                    ],
                }
                for device_id, kind in triggers
            ]
        },
    )
    return calls


async def test_ring_and_missed_call_fire_from_a_simulated_call(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """1002 calls 1001, nobody answers: ring, then one missed call; 1002 gets none."""
    device = _device(hass, init_integration, "_extension_1001")
    other = _device(hass, init_integration, "_extension_1002")
    calls = await _automations(
        hass,
        (device, "ring"),
        (device, "missed_call"),
        (device, "answered"),
        (other, "ring"),
        (other, "missed_call"),
    )
    simulator.call_internal("1002", "1001")
    await settle(hass, simulator)
    simulator.hangup("1002")
    await settle(hass, simulator)
    assert {c.data["device"] for c in calls} == {device}
    assert [(c.data["type"], str(c.data["caller"])) for c in calls] == [
        ("ring", "1002"),
        ("missed_call", "1002"),
    ]
    assert calls[0].data["call_id"] == calls[1].data["call_id"]


async def test_the_label_is_never_matched_on(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A trigger as listed, saved without a label, or with an old one: all fire."""
    device = _device(hass, init_integration, "_extension_1001")
    listed = {t["type"]: t for t in await _listed(hass, device)}
    as_listed = dict(listed["ring"])
    as_listed["trigger"] = as_listed.pop("platform")
    calls = async_mock_service(hass, "test", "automation")
    triggers = [
        as_listed,
        {"trigger": "device", "domain": DOMAIN, "device_id": device, "type": "ring"},
        {
            "trigger": "device",
            "domain": DOMAIN,
            "device_id": device,
            "type": "ring",
            "subtype": "Reception (1001)",
        },
    ]
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "triggers": [trigger],
                    "actions": [
                        {"action": "test.automation", "data": {"which": which}}
                    ],
                }
                for which, trigger in enumerate(triggers)
            ]
        },
    )
    simulator.call_internal("1002", "1001")
    await settle(hass, simulator)
    assert sorted(c.data["which"] for c in calls) == [0, 1, 2]


async def test_answered_call_is_not_missed(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """An answered call fires ``answered`` and ``hangup``, never ``missed_call``."""
    device = _device(hass, init_integration, "_extension_1001")
    calls = await _automations(
        hass, (device, "answered"), (device, "hangup"), (device, "missed_call")
    )
    simulator.call_internal("1002", "1001", answer=True)
    await settle(hass, simulator)
    simulator.hangup("1001")
    await settle(hass, simulator)
    assert [c.data["type"] for c in calls] == ["answered", "hangup"]


async def test_a_trigger_the_device_does_not_offer_is_refused(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A queue's trigger on a phone, or any trigger on a device not ours: invalid config."""
    entry = init_integration
    phone = _device(hass, entry, "_extension_1001")
    config = {
        "platform": "device",
        "domain": DOMAIN,
        "device_id": phone,
        "type": "ring",
    }
    assert await async_validate_trigger_config(hass, config) == config
    with pytest.raises(vol.Invalid, match="no trigger caller_joined"):
        await async_validate_trigger_config(hass, config | {"type": "caller_joined"})
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    foreign = dr.async_get(hass).async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other", "x")}
    )
    with pytest.raises(vol.Invalid, match="not a Synway IPPBX device"):
        await async_validate_trigger_config(hass, config | {"device_id": foreign.id})
    assert device_object(foreign) is None
    assert await _types(hass, foreign.id) == []
