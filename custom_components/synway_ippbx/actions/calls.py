"""Call actions: dial, act on a call leg, monitor, prompts, audio, inbound control, FXO."""

from typing import Any, Final

from homeassistant.core import ServiceCall, ServiceResponse
from homeassistant.helpers import config_validation as cv
import probatio as vol

from ..api import AudioDirection, MonitorMode, PlayMode, TrunkType, TtsPrompt
from ..coordinator import SynwayConfigEntry
from .common import (
    ATTR_CALL_ID,
    ATTR_EXTENSION,
    ATTR_PORT,
    ATTR_TARGET,
    BASE,
    CALL_TARGET,
    CALL_TARGET_CHECKS,
    POSITIVE,
    Action,
    Handler,
    known_extension,
    leg_uuid,
    validation_error,
)

ATTR_NUMBER: Final = "number"
ATTR_USER_ID: Final = "user_id"
ATTR_DESTINATION: Final = "destination"
ATTR_MODE: Final = "mode"
ATTR_FILES: Final = "files"
ATTR_TTS: Final = "tts"
ATTR_DIRECTION: Final = "direction"
ATTR_MUTE: Final = "mute"
ATTR_VOLUME: Final = "volume"
ATTR_OFF_HOOK: Final = "off_hook"

TTS_SCHEMA: Final = vol.Schema(
    {
        vol.Required("type"): cv.string,
        vol.Required("url"): cv.string,
        vol.Optional("params", default={}): dict,
    }
)


async def _dial(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
    """Make an extension call a number (its phone rings first)."""
    runtime = entry.runtime_data
    extension = known_extension(runtime.coordinator.data, call.data[ATTR_EXTENSION])
    await runtime.client.ext_outbound(
        extension, call.data[ATTR_NUMBER], call.data.get(ATTR_USER_ID)
    )
    return None


def _leg_action(method: str) -> Handler:
    """An action that acts on one call leg through a one-argument client method."""

    async def _handler(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
        runtime = entry.runtime_data
        uuid = leg_uuid(runtime.coordinator.data, call.data)
        await getattr(runtime.client, method)(uuid)
        runtime.coordinator.recheck.async_action_done(method, uuid)
        return None

    _handler.__doc__ = f"Call the client's {method} on the chosen leg."
    return _handler


async def _transfer(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
    """Transfer a call leg to an extension or outside number."""
    runtime = entry.runtime_data
    uuid = leg_uuid(runtime.coordinator.data, call.data)
    await runtime.client.transfer_ext(uuid, call.data[ATTR_DESTINATION])
    runtime.coordinator.recheck.async_action_done(
        "transfer", uuid, call.data[ATTR_DESTINATION]
    )
    return None


async def _monitor(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
    """Let an extension listen to, whisper into or barge into another's call."""
    runtime = entry.runtime_data
    store = runtime.coordinator.data
    listener = known_extension(store, call.data[ATTR_EXTENSION])
    target = known_extension(store, call.data[ATTR_TARGET])
    await runtime.client.monitor(listener, target, MonitorMode(call.data[ATTR_MODE]))
    return None


async def _play_prompt(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
    """Play prompt files or a TTS prompt into a call."""
    runtime = entry.runtime_data
    tts_data: dict[str, Any] | None = call.data.get(ATTR_TTS)
    tts = (
        TtsPrompt(
            type=tts_data["type"], url=tts_data["url"], params=dict(tts_data["params"])
        )
        if tts_data is not None
        else None
    )
    uuid = leg_uuid(runtime.coordinator.data, call.data)
    await runtime.client.play_sound_file(
        uuid,
        mode=PlayMode(call.data[ATTR_MODE]),
        files=call.data.get(ATTR_FILES),
        tts=tts,
    )
    return None


async def _set_audio(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
    """Mute or unmute a call leg, or set its volume."""
    runtime = entry.runtime_data
    uuid = leg_uuid(runtime.coordinator.data, call.data)
    await runtime.client.audio(
        uuid,
        AudioDirection(call.data[ATTR_DIRECTION]),
        mute=call.data.get(ATTR_MUTE),
        volume=call.data.get(ATTR_VOLUME),
    )
    return None


def _inbound_action(method: str) -> Handler:
    """Accept or refuse a controlled inbound call (its call_id as reported)."""

    async def _handler(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
        await getattr(entry.runtime_data.client, method)(call.data[ATTR_CALL_ID])
        return None

    _handler.__doc__ = f"Call the client's {method} with the given call id."
    return _handler


async def _fxo_hook(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
    """Take an FXO port off hook or put it back on hook."""
    runtime = entry.runtime_data
    port = str(call.data[ATTR_PORT]).strip()
    if not port.isdigit():
        raise validation_error("unknown_port", port=port)
    ports = {
        trunk.port
        for trunk in runtime.coordinator.data.trunks.values()
        if trunk.type is TrunkType.FXO and trunk.port
    }
    if ports and port not in ports:
        raise validation_error("unknown_port", port=port)
    await runtime.client.hook(port, off_hook=call.data[ATTR_OFF_HOOK])
    # The PBX reports no hook change: poll so the trunk's status follows.
    await runtime.coordinator.async_request_refresh()
    return None


_FILES_OR_TTS = "give files or tts, not both"
_MUTE_OR_VOLUME = "give mute or volume, not both"

ACTIONS: Final[dict[str, Action]] = {
    "dial": Action(
        _dial,
        {
            **BASE,
            vol.Required(ATTR_EXTENSION): cv.string,
            vol.Required(ATTR_NUMBER): cv.string,
            vol.Optional(ATTR_USER_ID): cv.string,
        },
    ),
    "hangup": Action(_leg_action("hangup"), CALL_TARGET, checks=CALL_TARGET_CHECKS),
    "hold": Action(_leg_action("hold"), CALL_TARGET, checks=CALL_TARGET_CHECKS),
    "unhold": Action(_leg_action("unhold"), CALL_TARGET, checks=CALL_TARGET_CHECKS),
    "record": Action(_leg_action("record"), CALL_TARGET, checks=CALL_TARGET_CHECKS),
    "transfer": Action(
        _transfer,
        {**CALL_TARGET, vol.Required(ATTR_DESTINATION): cv.string},
        checks=CALL_TARGET_CHECKS,
    ),
    "monitor": Action(
        _monitor,
        {
            **BASE,
            vol.Required(ATTR_EXTENSION): cv.string,
            vol.Required(ATTR_TARGET): cv.string,
            vol.Required(ATTR_MODE): vol.In([mode.value for mode in MonitorMode]),
        },
    ),
    "play_prompt": Action(
        _play_prompt,
        {
            **CALL_TARGET,
            vol.Exclusive(ATTR_FILES, "prompt", msg=_FILES_OR_TTS): vol.All(
                cv.ensure_list, vol.Length(min=1), [cv.string]
            ),
            vol.Exclusive(ATTR_TTS, "prompt", msg=_FILES_OR_TTS): TTS_SCHEMA,
            vol.Required(ATTR_MODE): vol.In([mode.value for mode in PlayMode]),
        },
        checks=(*CALL_TARGET_CHECKS, cv.has_at_least_one_key(ATTR_FILES, ATTR_TTS)),
    ),
    "set_audio": Action(
        _set_audio,
        {
            **CALL_TARGET,
            vol.Required(ATTR_DIRECTION): vol.In([d.value for d in AudioDirection]),
            vol.Exclusive(ATTR_MUTE, "audio", msg=_MUTE_OR_VOLUME): cv.boolean,
            vol.Exclusive(ATTR_VOLUME, "audio", msg=_MUTE_OR_VOLUME): vol.All(
                vol.Coerce(int), vol.Range(min=-4, max=4)
            ),
        },
        checks=(*CALL_TARGET_CHECKS, cv.has_at_least_one_key(ATTR_MUTE, ATTR_VOLUME)),
    ),
    "accept_inbound": Action(
        _inbound_action("inbound_accept"),
        {**BASE, vol.Required(ATTR_CALL_ID): cv.string},
    ),
    "refuse_inbound": Action(
        _inbound_action("inbound_refuse"),
        {**BASE, vol.Required(ATTR_CALL_ID): cv.string},
    ),
    "fxo_hook": Action(
        _fxo_hook,
        {
            **BASE,
            # A port number, or an FXO trunk's device or entity (resolved to its port).
            vol.Required(ATTR_PORT): vol.Any(POSITIVE, cv.string),
            vol.Required(ATTR_OFF_HOOK): cv.boolean,
        },
    ),
}
