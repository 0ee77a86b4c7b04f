"""Assist intents, end to end against the simulator."""

import json
from pathlib import Path
import re
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import intent
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.api import SynwayConnectionError
from custom_components.synway_ippbx.const import (
    CONF_ASSIST_EXTENSION,
    CONF_REPORT_URL,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from custom_components.synway_ippbx.intent import (
    INTENT_CALL_EXTENSION,
    INTENT_CALL_NUMBER,
    INTENT_HANG_UP,
)
from custom_components.synway_ippbx.voice import async_phrase, translation_language
from simulator import Simulator
from tests.conftest import settle

# The PBX's call records are in its local time: "today" is the same day on both sides.
pytestmark = pytest.mark.usefixtures("pbx_time_zone")

ASSIST = "1000"


def _live_legs(simulator: Simulator, extension: str) -> list[Any]:
    return [
        leg
        for leg in simulator.state.extensions[extension].legs
        if leg.state != "ended"
    ]


@pytest.fixture(autouse=True)
async def intent_component(hass: HomeAssistant) -> None:
    """Set up the intent integration before the HTTP server starts (it adds a view)."""
    assert await async_setup_component(hass, "intent", {})


@pytest.fixture
async def assist_entry(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> MockConfigEntry:
    """The integration set up with 1000 as the assist extension and 1003 named."""
    simulator.state.extensions["1003"].settings["username"] = "Reception"
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry,
        options={**mock_config_entry.options, CONF_ASSIST_EXTENSION: ASSIST},
    )
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    return mock_config_entry


async def _handle(
    hass: HomeAssistant, intent_type: str, slots: dict[str, str] | None = None
) -> intent.IntentResponse:
    return await intent.async_handle(
        hass,
        "test",
        intent_type,
        {key: {"value": value} for key, value in (slots or {}).items()},
    )


def _speech(response: intent.IntentResponse) -> str:
    return str(response.speech["plain"]["speech"])


def _error(response: intent.IntentResponse) -> str:
    """The spoken error of a failed intent (an error response, not an exception)."""
    assert response.response_type is intent.IntentResponseType.ERROR
    assert response.error_code is intent.IntentResponseErrorCode.FAILED_TO_HANDLE
    return _speech(response)


@pytest.mark.usefixtures("assist_entry")
async def test_call_number(hass: HomeAssistant, simulator: Simulator) -> None:
    """Calling a number rings the assist extension first, then dials the number."""
    response = await _handle(hass, INTENT_CALL_NUMBER, {"number": "555 1234"})
    assert response.response_type is intent.IntentResponseType.ACTION_DONE
    assert _speech(response) == "Calling 5551234"
    assert simulator.requests[-1].body == {"extid": ASSIST, "calledid": "5551234"}
    legs = _live_legs(simulator, ASSIST)
    assert len(legs) == 1
    assert legs[0].state == "ringing"
    assert legs[0].call.callto == "5551234"


@pytest.mark.usefixtures("assist_entry")
async def test_call_number_of_named_extension(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """A number that is a named extension is spoken with its name."""
    response = await _handle(hass, INTENT_CALL_NUMBER, {"number": "1003"})
    assert _speech(response) == "Calling Reception (1003)"
    assert simulator.requests[-1].body == {"extid": ASSIST, "calledid": "1003"}


@pytest.mark.parametrize("name", ["reception", "The RECEPTION", "  Reception ", "1003"])
@pytest.mark.usefixtures("assist_entry")
async def test_call_extension_by_name(
    hass: HomeAssistant, simulator: Simulator, name: str
) -> None:
    """An extension is found by its PBX name, case-insensitively, or by its number."""
    response = await _handle(hass, INTENT_CALL_EXTENSION, {"name": name})
    assert _speech(response) == "Calling Reception (1003)"
    assert simulator.requests[-1].body == {"extid": ASSIST, "calledid": "1003"}
    legs = _live_legs(simulator, ASSIST)
    assert len(legs) == 1
    assert legs[0].call.callto == "1003"


@pytest.mark.usefixtures("assist_entry")
async def test_call_unnamed_extension_by_number(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """An extension without a name is spoken as its number."""
    response = await _handle(hass, INTENT_CALL_EXTENSION, {"name": "1002"})
    assert _speech(response) == "Calling 1002"
    assert simulator.requests[-1].body == {"extid": ASSIST, "calledid": "1002"}


@pytest.mark.usefixtures("assist_entry")
async def test_call_unknown_extension(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """A name no extension has is refused before any request."""
    before = len(simulator.requests)
    response = await _handle(hass, INTENT_CALL_EXTENSION, {"name": "kitchen"})
    assert _error(response) == "There is no extension called kitchen on the PBX."
    assert len(simulator.requests) == before


async def test_call_ambiguous_extension(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """Two extensions with the same name are not guessed between."""
    simulator.state.extensions["1004"].settings["username"] = "Office"
    simulator.state.extensions["1005"].settings["username"] = "office"
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry,
        options={**mock_config_entry.options, CONF_ASSIST_EXTENSION: ASSIST},
    )
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    response = await _handle(hass, INTENT_CALL_EXTENSION, {"name": "office"})
    assert _error(response) == (
        "Which office do you mean: Office (1004) or office (1005)?"
    )


@pytest.mark.usefixtures("assist_entry")
async def test_call_refused_by_pbx(hass: HomeAssistant, simulator: Simulator) -> None:
    """A PBX refusal becomes an intent error in the one errno mapping's words."""
    simulator.state.extensions[ASSIST].settings["call_permission"] = "internal"
    await hass.config_entries.async_reload(
        hass.config_entries.async_entries(DOMAIN)[0].entry_id
    )
    response = await _handle(hass, INTENT_CALL_NUMBER, {"number": "5551234"})
    assert _error(response) == (
        "1000 may not make this call (the PBX's call permission)."
    )


@pytest.mark.usefixtures("assist_entry")
async def test_assist_extension_removed(
    hass: HomeAssistant, simulator: Simulator, assist_entry: MockConfigEntry
) -> None:
    """An assist extension the PBX no longer has is reported as such."""
    hass.config_entries.async_update_entry(
        assist_entry, options={**assist_entry.options, CONF_ASSIST_EXTENSION: "4242"}
    )
    await hass.async_block_till_done()
    response = await _handle(hass, INTENT_CALL_NUMBER, {"number": "5551234"})
    assert _error(response) == (
        "The voice assistant extension 4242 does not exist on the PBX."
    )


@pytest.mark.usefixtures("assist_entry")
async def test_hang_up(hass: HomeAssistant, simulator: Simulator) -> None:
    """Hanging up ends the assist extension's call on the PBX."""
    simulator.call_internal(ASSIST, "1001", answer=True)
    await settle(hass, simulator)
    assert _live_legs(simulator, ASSIST)
    response = await _handle(hass, INTENT_HANG_UP)
    assert _speech(response) == "Hung up the call of 1000"
    await settle(hass, simulator)
    assert not _live_legs(simulator, ASSIST)
    assert not _live_legs(simulator, "1001")
    assert simulator.requests[-1].path.endswith("hangup")


@pytest.mark.usefixtures("assist_entry")
async def test_hang_up_without_call(hass: HomeAssistant, simulator: Simulator) -> None:
    """Hanging up with no call is an error, and sends nothing."""
    before = len(simulator.requests)
    response = await _handle(hass, INTENT_HANG_UP)
    assert _error(response) == "1000 is not on a call."
    assert len(simulator.requests) == before


async def test_hang_up_refused_by_pbx(
    hass: HomeAssistant, simulator: Simulator, assist_entry: MockConfigEntry
) -> None:
    """An unreachable PBX: a short spoken sentence, never the raw error."""
    simulator.call_internal(ASSIST, "1001", answer=True)
    await settle(hass, simulator)
    with patch.object(
        assist_entry.runtime_data.client,
        "hangup",
        side_effect=SynwayConnectionError("connection refused"),
    ):
        response = await _handle(hass, INTENT_HANG_UP)
    assert _error(response) == "The PBX cannot be reached right now."
    assert len(_live_legs(simulator, ASSIST)) == 1


async def test_no_pbx_loaded(hass: HomeAssistant) -> None:
    """Without a loaded PBX the intents say so."""
    from custom_components.synway_ippbx import intent as synway_intent

    await synway_intent.async_setup_intents(hass)
    response = await _handle(hass, INTENT_HANG_UP)
    assert _error(response) == "No Synway IPPBX is set up and running."


@pytest.mark.usefixtures("init_integration")
async def test_no_assist_extension(hass: HomeAssistant, simulator: Simulator) -> None:
    """An entry without an assist extension gets a clear message, and nothing is sent."""
    await hass.async_block_till_done()
    before = len(simulator.requests)
    response = await _handle(hass, INTENT_CALL_NUMBER, {"number": "5551234"})
    assert _error(response).startswith("No voice assistant extension is set.")
    assert len(simulator.requests) == before


async def test_several_pbxs_pick_the_configured_one(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """With several PBXs, the first one with an assist extension places the call."""
    other = MockConfigEntry(
        domain=DOMAIN,
        title="Other PBX",
        unique_id="other",
        data={**mock_config_entry.data, CONF_WEBHOOK_ID: "other-webhook"},
        options={**mock_config_entry.options, CONF_REPORT_URL: "127.0.0.1:9/other"},
    )
    other.add_to_hass(hass)
    assert await hass.config_entries.async_setup(other.entry_id)
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry,
        options={**mock_config_entry.options, CONF_ASSIST_EXTENSION: "1002"},
    )
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert other.state is ConfigEntryState.LOADED
    assert mock_config_entry.state is ConfigEntryState.LOADED
    await _handle(hass, INTENT_CALL_NUMBER, {"number": "5551234"})
    assert simulator.requests[-1].body == {"extid": "1002", "calledid": "5551234"}


def _translations(language: str) -> dict[str, Any]:
    path = (
        Path(__file__).parent.parent
        / "custom_components/synway_ippbx/translations"
        / f"{language}.json"
    )
    return dict(json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("language", ["en", "zh-Hans"])
def test_every_spoken_sentence_is_translated(language: str) -> None:
    """Each error and answer the voice code speaks exists in English and Chinese."""
    package = Path(__file__).parent.parent / "custom_components/synway_ippbx"
    code = "".join(
        (package / name).read_text(encoding="utf-8")
        for name in ("intent.py", "voice.py", "llm.py")
    )
    errors = set(re.findall(r'SpokenError\(\s*"(\w+)"', code))
    answers = set(re.findall(r'"(voice_\w+)"', code)) - errors
    strings = _translations(language)
    assert errors
    assert errors <= set(strings["exceptions"]), errors - set(strings["exceptions"])
    assert answers <= set(strings["common"]), answers - set(strings["common"])


@pytest.mark.parametrize(
    ("language", "expected"),
    [(None, "en"), ("zh-CN", "zh-Hans"), ("zh-Hans", "zh-Hans"), ("zh-TW", "zh-TW")],
)
def test_translation_language(language: str | None, expected: str) -> None:
    """Assist's language codes map onto our translation files."""
    assert translation_language(language) == expected


async def test_translation_that_does_not_fit(hass: HomeAssistant) -> None:
    """A translation missing a value is spoken as written, not raised."""
    text = await async_phrase(hass, "en", "common", "voice_calling")
    assert text == "Calling {target}"
    assert await async_phrase(hass, "en", "common", "no_such_key") == "no_such_key"


@pytest.mark.usefixtures("assist_entry")
async def test_call_records_unavailable(
    hass: HomeAssistant, assist_entry: MockConfigEntry
) -> None:
    """The PBX failing to send call records is spoken, not raised."""
    from custom_components.synway_ippbx.intent import INTENT_MISSED_CALLS

    with patch.object(
        assist_entry.runtime_data.client,
        "cdrs",
        side_effect=SynwayConnectionError("connection refused"),
    ):
        response = await _handle(hass, INTENT_MISSED_CALLS)
    assert _error(response) == "The PBX did not send its call records."


@pytest.mark.usefixtures("assist_entry")
async def test_hang_up_unknown_or_busy_words(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Hanging up a name nobody has, and a call refused for an extension, are spoken."""
    response = await _handle(hass, INTENT_HANG_UP, {"name": "kitchen"})
    assert _error(response) == "There is no extension called kitchen on the PBX."
