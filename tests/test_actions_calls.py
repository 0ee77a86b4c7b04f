"""The call actions, end to end against the simulator.

Each test calls an action through Home Assistant and asserts what changed on the simulated
PBX. Registration, entry resolution and admin-only actions (actions/__init__.py,
actions/common.py) live in test_actions.py; the other action modules each in
test_actions_<module>.py.
"""

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import probatio as vol
import pytest

from custom_components.synway_ippbx.const import DOMAIN
from simulator import Simulator
from tests.conftest import settle, state_of


async def _call(
    hass: HomeAssistant, action: str, data: dict[str, Any] | None = None
) -> None:
    await hass.services.async_call(DOMAIN, action, data or {}, blocking=True)


async def _talking(hass: HomeAssistant, simulator: Simulator) -> Any:
    """1000 calls 1001, 1001 answers; Home Assistant has seen the reports."""
    call = simulator.call_internal("1000", "1001", answer=True)
    await settle(hass, simulator)
    return call


def _live_legs(simulator: Simulator, extension: str) -> list[Any]:
    return [
        leg
        for leg in simulator.state.extensions[extension].legs
        if leg.state != "ended"
    ]


@pytest.mark.usefixtures("init_integration")
async def test_dial(hass: HomeAssistant, simulator: Simulator) -> None:
    """dial rings the extension first, with the user id kept on the call."""
    await _call(
        hass, "dial", {"extension": "1000", "number": "5551234", "user_id": "order-7"}
    )
    legs = _live_legs(simulator, "1000")
    assert len(legs) == 1
    assert legs[0].state == "ringing"
    assert legs[0].call.user_id == "order-7"
    assert simulator.requests[-1].body == {
        "extid": "1000",
        "calledid": "5551234",
        "user_id": "order-7",
    }


@pytest.mark.usefixtures("init_integration")
async def test_dial_unknown_extension(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """An extension the PBX does not have is refused before any request."""
    before = len(simulator.requests)
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "dial", {"extension": "4242", "number": "5551234"})
    assert err.value.translation_key == "unknown_extension"
    assert err.value.translation_placeholders == {"extension": "4242"}
    assert "Extension 4242 does not exist on the PBX" in str(err.value)
    assert len(simulator.requests) == before


@pytest.mark.usefixtures("init_integration")
async def test_dial_pbx_error(hass: HomeAssistant, simulator: Simulator) -> None:
    """A PBX refusal becomes a sentence naming the extension (errno 14)."""
    simulator.state.extensions["1000"].settings["call_permission"] = "internal"
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "dial", {"extension": "1000", "number": "5551234"})
    assert err.value.translation_key == "pbx_call_not_permitted"
    assert err.value.translation_placeholders == {
        "errno": "14",
        "meaning": "Wrong call authority",
        "extension": "1000",
    }
    assert str(err.value) == ("1000 may not make this call (the PBX's call permission)")


@pytest.mark.usefixtures("init_integration")
async def test_dial_from_a_busy_phone(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """errno 31 reads as Assist says it, naming the extension (not "error 31")."""
    await _talking(hass, simulator)
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "dial", {"extension": "1000", "number": "5551234"})
    assert err.value.translation_key == "pbx_extension_busy"
    assert str(err.value) == "1000 is busy or offline, so the PBX cannot ring it"


@pytest.mark.usefixtures("entity_registry_enabled_by_default", "init_integration")
async def test_hangup_by_extension(hass: HomeAssistant, simulator: Simulator) -> None:
    """Hanging up an extension's current call ends the call on the PBX."""
    call = await _talking(hass, simulator)
    await _call(hass, "hangup", {"extension": "1000"})
    await settle(hass, simulator)
    assert call.ended
    assert call.callid not in simulator.state.calls
    assert state_of(hass, "binary_sensor.extension_1000_on_a_call") == "off"


@pytest.mark.usefixtures("init_integration")
async def test_hangup_by_call_id(hass: HomeAssistant, simulator: Simulator) -> None:
    """A callid the tracker knows is resolved to a leg of that call."""
    call = await _talking(hass, simulator)
    await _call(hass, "hangup", {"call_id": call.callid})
    assert call.ended


@pytest.mark.usefixtures("init_integration")
async def test_hangup_by_leg_uuid(hass: HomeAssistant, simulator: Simulator) -> None:
    """A leg uuid is passed through as given."""
    call = await _talking(hass, simulator)
    callee_leg = _live_legs(simulator, "1001")[0]
    await _call(hass, "hangup", {"call_id": callee_leg.uuid})
    assert simulator.requests[-1].body == {"uuid": callee_leg.uuid}
    assert call.ended


@pytest.mark.usefixtures("init_integration")
async def test_hangup_unknown_call_id(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """An unknown id reaches the PBX, whose errno 6 is named."""
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "hangup", {"call_id": "no-such-leg"})
    assert err.value.translation_key == "pbx_call_gone"
    assert err.value.translation_placeholders == {
        "errno": "6",
        "meaning": "Wrong or invalid uuid",
    }


@pytest.mark.usefixtures("init_integration")
async def test_no_active_call(hass: HomeAssistant, simulator: Simulator) -> None:
    """An extension without a call is a translated error naming it."""
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "hold", {"extension": "1002"})
    assert err.value.translation_key == "no_active_call"
    assert "Extension 1002 has no call in progress" in str(err.value)


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "at least one of ['extension', 'call_id'] is required"),
        ({"extension": "1000", "call_id": "x"}, "give extension or call_id, not both"),
    ],
    ids=["neither", "both"],
)
async def test_extension_or_call_id(
    hass: HomeAssistant, simulator: Simulator, data: dict[str, Any], message: str
) -> None:
    """Exactly one of extension and call_id, checked by the schema before any request."""
    before = len(simulator.requests)
    with pytest.raises(vol.Invalid) as err:
        await _call(hass, "hangup", data)
    assert message in str(err.value)
    assert len(simulator.requests) == before


@pytest.mark.usefixtures("init_integration")
async def test_hold_and_unhold(hass: HomeAssistant, simulator: Simulator) -> None:
    """hold and unhold change the leg on the PBX; the reports reach the entities."""
    await _talking(hass, simulator)
    leg = _live_legs(simulator, "1000")[0]
    await _call(hass, "hold", {"extension": "1000"})
    await settle(hass, simulator)
    assert leg.state == "held"
    assert state_of(hass, "sensor.extension_1000_status") == "hold"
    await _call(hass, "unhold", {"extension": "1000"})
    await settle(hass, simulator)
    assert leg.state == "talking"
    assert state_of(hass, "sensor.extension_1000_status") == "talking"


@pytest.mark.usefixtures("init_integration")
async def test_transfer(hass: HomeAssistant, simulator: Simulator) -> None:
    """transfer drops the transferring party and rings the destination."""
    await _talking(hass, simulator)
    await _call(hass, "transfer", {"extension": "1001", "destination": "1002"})
    await settle(hass, simulator)
    assert _live_legs(simulator, "1000") == []
    assert [leg.state for leg in _live_legs(simulator, "1002")] == ["ringing"]


@pytest.mark.usefixtures("init_integration")
async def test_monitor(hass: HomeAssistant, simulator: Simulator) -> None:
    """monitor rings the listener into the target's call."""
    await _talking(hass, simulator)
    await _call(
        hass, "monitor", {"extension": "1002", "target": "1001", "mode": "barge_in"}
    )
    assert simulator.requests[-1].body["mode"] == "bargein"
    (spy,) = _live_legs(simulator, "1002")
    assert spy.monitor_of == "1001"


@pytest.mark.usefixtures("init_integration")
async def test_monitor_refused(hass: HomeAssistant, simulator: Simulator) -> None:
    """An extension that may not be monitored: errno 10, named."""
    with pytest.raises(HomeAssistantError) as err:
        await _call(
            hass, "monitor", {"extension": "1002", "target": "1009", "mode": "listen"}
        )
    assert err.value.translation_placeholders == {
        "errno": "10",
        "meaning": "Wrong monitor authority",
        "extension": "1002",
    }
    assert str(err.value) == (
        "1002 may not listen in on that call (the PBX's monitor permission)"
    )


@pytest.mark.usefixtures("init_integration")
async def test_monitor_unknown_target(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """The monitored extension is checked too."""
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass, "monitor", {"extension": "1002", "target": "77", "mode": "listen"}
        )
    assert err.value.translation_placeholders == {"extension": "77"}


@pytest.mark.usefixtures("init_integration")
async def test_play_prompt_files(hass: HomeAssistant, simulator: Simulator) -> None:
    """Prompt files are played into the extension's call."""
    await _talking(hass, simulator)
    leg = _live_legs(simulator, "1000")[0]
    await _call(
        hass,
        "play_prompt",
        {"extension": "1000", "files": ["hello.wav", "1.wav"], "mode": "other"},
    )
    assert simulator.requests[-1].body == {
        "uuid": leg.uuid,
        "filename": "hello.wav,1.wav",
        "mode": "other",
    }
    simulator.advance(10)
    await settle(hass, simulator)
    assert any(report.get("event") == "PLAYEND" for report in simulator.reports), list(
        simulator.reports
    )


@pytest.mark.usefixtures("init_integration")
async def test_play_prompt_tts(hass: HomeAssistant, simulator: Simulator) -> None:
    """A TTS prompt is sent with its type, url and parameters."""
    await _talking(hass, simulator)
    await _call(
        hass,
        "play_prompt",
        {
            "extension": "1000",
            "tts": {
                "type": "aliyun",
                "url": "http://127.0.0.1/tts",
                "params": {"text": "Hello"},
            },
            "mode": "both",
        },
    )
    body = simulator.requests[-1].body
    assert body["type"] == "tts"
    assert body["tts_type"] == "aliyun"
    assert body["tts_param"] == {"text": "Hello"}


@pytest.mark.usefixtures("init_integration")
async def test_play_prompt_missing_file(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """A prompt the PBX does not have: errno 7, named."""
    await _talking(hass, simulator)
    with pytest.raises(HomeAssistantError) as err:
        await _call(
            hass,
            "play_prompt",
            {"extension": "1000", "files": ["nope.wav"], "mode": "both"},
        )
    assert err.value.translation_placeholders == {
        "errno": "7",
        "meaning": "The prompt file does not exist",
    }


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "at least one of ['files', 'tts'] is required"),
        (
            {"files": ["1.wav"], "tts": {"type": "a", "url": "b"}},
            "give files or tts, not both",
        ),
        ({"files": []}, "length of value must be at least 1 at 'files'"),
        ({"tts": {"type": "a", "url": "b", "params": "text"}}, "'tts.params'"),
        ({"tts": {"url": "b"}}, "'tts.type'"),
    ],
    ids=["neither", "both", "empty", "params", "no-type"],
)
async def test_play_prompt_schema(
    hass: HomeAssistant, simulator: Simulator, data: dict[str, Any], message: str
) -> None:
    """Files or TTS, exactly one, and well formed: the schema says which field is wrong."""
    await _talking(hass, simulator)
    before = len(simulator.requests)
    with pytest.raises(vol.Invalid) as err:
        await _call(hass, "play_prompt", {"extension": "1000", "mode": "both", **data})
    assert message in str(err.value)
    assert len(simulator.requests) == before


@pytest.mark.usefixtures("init_integration")
async def test_play_prompt_blank_tts_type(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """A blank engine type passes the schema; the client's own check refuses it."""
    await _talking(hass, simulator)
    before = len(simulator.requests)
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass,
            "play_prompt",
            {"extension": "1000", "mode": "both", "tts": {"type": " ", "url": "b"}},
        )
    assert err.value.translation_key == "invalid_input"
    assert len(simulator.requests) == before


@pytest.mark.usefixtures("init_integration")
async def test_record(hass: HomeAssistant, simulator: Simulator) -> None:
    """record starts a recording, and a second call stops it."""
    await _talking(hass, simulator)
    leg = _live_legs(simulator, "1000")[0]
    await _call(hass, "record", {"extension": "1000"})
    assert leg.recording is not None
    await _call(hass, "record", {"extension": "1000"})
    assert leg.recording is None


@pytest.mark.usefixtures("init_integration")
async def test_set_audio(hass: HomeAssistant, simulator: Simulator) -> None:
    """set_audio mutes and sets levels on the leg."""
    await _talking(hass, simulator)
    leg = _live_legs(simulator, "1000")[0]
    await _call(
        hass, "set_audio", {"extension": "1000", "direction": "speak", "mute": True}
    )
    assert leg.muted == {"speak": True}
    await _call(
        hass, "set_audio", {"extension": "1000", "direction": "both", "volume": -4}
    )
    assert leg.levels == {"speak": -4, "listen": -4}


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "at least one of ['mute', 'volume'] is required"),
        ({"mute": False, "volume": 1}, "give mute or volume, not both"),
        ({"volume": 9}, "value must be at most 4 at 'volume'"),
        ({"volume": -5}, "value must be at least -4 at 'volume'"),
    ],
    ids=["neither", "both", "too-loud", "too-quiet"],
)
async def test_set_audio_validation(
    hass: HomeAssistant, simulator: Simulator, data: dict[str, Any], message: str
) -> None:
    """Mute or volume, exactly one; volume within -4..4: the schema refuses the rest."""
    await _talking(hass, simulator)
    before = len(simulator.requests)
    with pytest.raises(vol.Invalid) as err:
        await _call(
            hass, "set_audio", {"extension": "1000", "direction": "both", **data}
        )
    assert message in str(err.value)
    assert len(simulator.requests) == before


@pytest.mark.usefixtures("init_integration")
async def test_accept_inbound(hass: HomeAssistant, simulator: Simulator) -> None:
    """accept_inbound lets a controlled inbound call through."""
    call = simulator.call_inbound("5559876", "SIP-1")
    assert simulator.state.calls[call.callid].pending_accept
    await _call(hass, "accept_inbound", {"call_id": call.callid})
    assert not call.pending_accept
    assert not call.ended


@pytest.mark.usefixtures("init_integration")
async def test_refuse_inbound(hass: HomeAssistant, simulator: Simulator) -> None:
    """refuse_inbound drops a controlled inbound call."""
    call = simulator.call_inbound("5559876", "SIP-1")
    await _call(hass, "refuse_inbound", {"call_id": call.callid})
    assert call.ended


@pytest.mark.usefixtures("init_integration")
async def test_fxo_hook(hass: HomeAssistant, simulator: Simulator) -> None:
    """fxo_hook takes an FXO line off hook and puts it back; the trunk follows."""
    trunk = simulator.state.trunks["fxo1"]
    await _call(hass, "fxo_hook", {"port": 1, "off_hook": True})
    assert trunk.off_hook
    await hass.async_block_till_done()
    assert state_of(hass, "sensor.trunk_fxo1_status") == "in_use"
    await _call(hass, "fxo_hook", {"port": "1", "off_hook": False})
    assert not trunk.off_hook


@pytest.mark.usefixtures("init_integration")
async def test_fxo_hook_unknown_port(hass: HomeAssistant, simulator: Simulator) -> None:
    """A port no FXO trunk uses is refused before any request."""
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "fxo_hook", {"port": 9, "off_hook": True})
    assert err.value.translation_key == "unknown_port"
    assert err.value.translation_placeholders == {"port": "9"}
