"""Device triggers: "Extension 1001 is ringing" and the like in the automation editor.

Which triggers a device offers, and which bus events feed each, come from the
report-facts table (``report_facts``): an extension's from its rows, a queue's and the
PBX's from theirs. A trigger listens to ``synway_ippbx_event`` filtered on its PBX, its
object (``extension`` for an extension, ``queue`` for a queue) and the ``call_type``s
that feed it; ``missed_call`` also on ``missed`` (one rule: ``report_facts.missed_call``)
and once per call. Trigger variables carry the bus event under ``trigger.event.data``.

Each listed trigger carries a ``subtype``: the device's label ("Extension 1001"), which
the automation editor puts in the trigger's name ("{subtype} is ringing"; the editor
fills ``{entity_name}`` only from an ``entity_id``, which these triggers have none of).
It is a label, never matched on: a trigger saved without one fires the same.
"""

from typing import Any

from homeassistant.components.device_automation import DEVICE_TRIGGER_BASE_SCHEMA
from homeassistant.const import CONF_DEVICE_ID, CONF_DOMAIN, CONF_PLATFORM, CONF_TYPE
from homeassistant.core import CALLBACK_TYPE, Event, HassJob, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.translation import async_get_translations
from homeassistant.helpers.trigger import TriggerActionType, TriggerInfo
from homeassistant.helpers.typing import ConfigType
from homeassistant.util.event_type import EventType
import voluptuous as vol

from .const import DOMAIN, EVENT_SYNWAY
from .pbx.report_facts import (
    EXTENSION_TRIGGERS,
    HUB_TRIGGERS,
    QUEUE_TRIGGERS,
    trigger_call_types,
)

MISSED_CALL = "missed_call"
CONF_SUBTYPE = "subtype"
_TRIGGERS = {
    "extension": EXTENSION_TRIGGERS,
    "queue": QUEUE_TRIGGERS,
    "hub": HUB_TRIGGERS,
}

TRIGGER_SCHEMA = DEVICE_TRIGGER_BASE_SCHEMA.extend(
    {
        vol.Required(CONF_TYPE): vol.In(
            sorted({trigger for kind in _TRIGGERS.values() for trigger in kind})
        ),
        # The editor's label (see the module docstring); optional for triggers saved
        # before it existed.
        vol.Optional(CONF_SUBTYPE): str,
    }
)


def device_object(
    device: dr.DeviceEntry | dr.ChildDeviceEntry,
) -> tuple[str, str, str | None] | None:
    """The PBX entry, kind and number of one of our devices (None: not ours)."""
    for domain, identifier in device.identifiers:
        if domain != DOMAIN:
            continue
        for entry_id in device.config_entries:
            if identifier == entry_id:
                return entry_id, "hub", None
            for kind in ("extension", "queue"):
                prefix = f"{entry_id}_{kind}_"
                if identifier.startswith(prefix):
                    return entry_id, kind, identifier.removeprefix(prefix)
    return None


def _object_of(hass: HomeAssistant, device_id: str) -> tuple[str, str, str | None]:
    device = dr.async_get(hass).async_get(device_id)
    found = device_object(device) if device is not None else None
    if found is None:
        raise vol.Invalid(f"Device {device_id} is not a Synway IPPBX device")
    return found


async def async_get_triggers(
    hass: HomeAssistant, device_id: str
) -> list[dict[str, Any]]:
    """The triggers one device offers (a trunk offers none)."""
    device = dr.async_get(hass).async_get(device_id)
    found = device_object(device) if device is not None else None
    if device is None or found is None:
        return []
    _entry_id, kind, number = found
    subtype = await _label(hass, device, kind, number)
    return [
        {
            CONF_PLATFORM: "device",
            CONF_DOMAIN: DOMAIN,
            CONF_DEVICE_ID: device_id,
            CONF_TYPE: trigger,
            CONF_SUBTYPE: subtype,
        }
        for trigger in _TRIGGERS[kind]
    ]


async def _label(
    hass: HomeAssistant,
    device: dr.DeviceEntry | dr.ChildDeviceEntry,
    kind: str,
    number: str | None,
) -> str:
    """The device's label in the trigger names: "Extension 1001", "Queue 6700".

    Built the way the device's default name is (``devices.py``), in Home Assistant's
    language, from the number alone: the editor recognises a saved trigger by its
    ``subtype`` too, so the label must not change when the PBX renames the phone or
    the user renames the device. The hub is its device's name (the PBX's title).
    """
    if number is None:
        return device.name or DOMAIN
    names = await async_get_translations(hass, hass.config.language, "device", [DOMAIN])
    template = names.get(f"component.{DOMAIN}.device.{kind}.name")
    return template.format(id=number) if template else f"{kind.title()} {number}"


async def async_validate_trigger_config(
    hass: HomeAssistant, config: ConfigType
) -> ConfigType:
    """The trigger is one its device offers."""
    config = TRIGGER_SCHEMA(config)
    _entry_id, kind, _number = _object_of(hass, config[CONF_DEVICE_ID])
    if config[CONF_TYPE] not in _TRIGGERS[kind]:
        raise vol.Invalid(f"A {kind} device has no trigger {config[CONF_TYPE]}")
    return config


async def async_attach_trigger(
    hass: HomeAssistant,
    config: ConfigType,
    action: TriggerActionType,
    trigger_info: TriggerInfo,
) -> CALLBACK_TYPE:
    """Listen to the bus event of the device's PBX and object (one listener)."""
    entry_id, kind, number = _object_of(hass, config[CONF_DEVICE_ID])
    trigger_type: str = config[CONF_TYPE]
    call_types = trigger_call_types(trigger_type)
    field = {"extension": "extension", "queue": "queue"}.get(kind)
    missed_only = trigger_type == MISSED_CALL
    # A missed call may end in two reports (CALLFAILED, then HANGUP): fire once.
    fired_for: list[str | None] = [None]
    job = HassJob(action, f"synway_ippbx device trigger {trigger_type}")
    trigger_data = trigger_info["trigger_data"]

    @callback
    def _filter(data: dict[str, Any]) -> bool:
        return (
            data.get("config_entry_id") == entry_id
            and data.get("call_type") in call_types
            and (field is None or str(data.get(field)) == number)
            and (not missed_only or data.get("missed") is True)
        )

    @callback
    def _fire(event: Event[dict[str, Any]]) -> None:
        if missed_only:
            call_id = event.data.get("call_id")
            if call_id is not None and call_id == fired_for[0]:
                return
            fired_for[0] = call_id
        hass.async_run_hass_job(
            job,
            {
                "trigger": {
                    **trigger_data,
                    CONF_PLATFORM: "device",
                    CONF_DOMAIN: DOMAIN,
                    CONF_DEVICE_ID: config[CONF_DEVICE_ID],
                    CONF_TYPE: trigger_type,
                    "event": event,
                    "description": f"{DOMAIN} {trigger_type}",
                }
            },
            event.context,
        )

    event_type: EventType[dict[str, Any]] = EventType(EVENT_SYNWAY)
    return hass.bus.async_listen(event_type, _fire, event_filter=_filter)
