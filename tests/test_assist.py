"""The shipped sentences files, spoken to Assist's built-in agent, against the simulator."""

from pathlib import Path
import re
from typing import Any

from homeassistant.components import conversation
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import intent
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.const import CONF_ASSIST_EXTENSION, DOMAIN
from simulator import Simulator
from tests.conftest import settle

# The PBX's call records are in its local time: "today" is the same day on both sides.
pytestmark = pytest.mark.usefixtures("pbx_time_zone")

REPO = Path(__file__).parent.parent
ASSIST = "1000"


@pytest.fixture(autouse=True)
async def assist_agent(hass: HomeAssistant, tmp_path: Path) -> None:
    """Assist reads the repository's own sentences files (a link, not a copy).

    Set up before the HTTP server starts: conversation adds views.
    """
    (tmp_path / "custom_sentences").symlink_to(REPO / "custom_sentences")
    hass.config.config_dir = str(tmp_path)
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})


async def _set_up_assist(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    names: dict[str, str],
) -> MockConfigEntry:
    """Name some extensions on the PBX, then set up with 1000 as the Assist extension."""
    for number, name in names.items():
        simulator.state.extensions[number].settings["username"] = name
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_ASSIST_EXTENSION: ASSIST}
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


@pytest.fixture
async def assist_entry(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> MockConfigEntry:
    """1000 is the voice assistant extension; 1003 is Reception, 1004 Alice."""
    return await _set_up_assist(
        hass,
        simulator,
        mock_config_entry,
        {"1003": "Reception", "1004": "Alice", "1005": "Front Desk"},
    )


@pytest.fixture
async def chinese_reception(
    hass: HomeAssistant, simulator: Simulator, assist_entry: MockConfigEntry
) -> None:
    """Reception renamed 前台 on the PBX, and the entry reloaded to learn it."""
    simulator.state.extensions["1003"].settings["username"] = "前台"
    await hass.config_entries.async_reload(assist_entry.entry_id)


async def say(
    hass: HomeAssistant, text: str, language: str = "en"
) -> intent.IntentResponse:
    """Send a sentence through Assist; return its response."""
    result = await conversation.async_converse(
        hass, text, None, Context(), language=language
    )
    return result.response


def speech(response: intent.IntentResponse) -> str:
    """What Assist says."""
    return str(response.speech["plain"]["speech"])


async def say_and_dial(
    hass: HomeAssistant, simulator: Simulator, text: str, language: str = "en"
) -> tuple[intent.IntentResponse, list[dict[str, Any]]]:
    """Say a sentence; return the response and the ext_outbound requests it sent."""
    before = len(simulator.requests)
    response = await say(hass, text, language)
    return response, [
        request.body
        for request in simulator.requests[before:]
        if request.path.endswith("ext_outbound")
    ]


@pytest.mark.parametrize(
    ("sentence", "answer", "number"),
    [
        ("call reception", "Calling Reception (1003)", "1003"),
        ("call Alice", "Calling Alice (1004)", "1004"),
        ("ring alice", "Calling Alice (1004)", "1004"),
        ("phone the front desk", "Calling Front Desk (1005)", "1005"),
        ("call frontdesk", "Calling Front Desk (1005)", "1005"),
        ("call 1004", "Calling Alice (1004)", "1004"),
        ("call 1002", "Calling 1002", "1002"),
        ("dial 5551234", "Calling 5551234", "5551234"),
        ("call 5551234", "Calling 5551234", "5551234"),
        ("call the number 555-1234", "Calling 5551234", "5551234"),
        ("call 555 1234", "Calling 5551234", "5551234"),
        ("give Alice a call", "Calling Alice (1004)", "1004"),
    ],
)
@pytest.mark.usefixtures("assist_entry")
async def test_call_sentences(
    hass: HomeAssistant, simulator: Simulator, sentence: str, answer: str, number: str
) -> None:
    """Every README call sentence reaches the PBX from the voice assistant extension."""
    response, calls = await say_and_dial(hass, simulator, sentence)
    assert speech(response) == answer
    assert response.response_type is intent.IntentResponseType.ACTION_DONE
    assert calls == [{"extid": ASSIST, "calledid": number}]


@pytest.mark.parametrize(
    ("sentence", "answer", "body"),
    [
        (
            "call Alice from reception",
            "Calling Alice (1004) from Reception (1003)",
            {"extid": "1003", "calledid": "1004"},
        ),
        (
            "call 555 1234 from 1002",
            "Calling 5551234 from 1002",
            {"extid": "1002", "calledid": "5551234"},
        ),
    ],
)
@pytest.mark.usefixtures("assist_entry")
async def test_call_from_another_extension(
    hass: HomeAssistant,
    simulator: Simulator,
    sentence: str,
    answer: str,
    body: dict[str, str],
) -> None:
    """ "Call X from Y" rings Y first."""
    response, calls = await say_and_dial(hass, simulator, sentence)
    assert speech(response) == answer
    assert calls == [body]


@pytest.mark.usefixtures("init_integration")
async def test_call_from_without_assist_extension(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Naming the calling phone works with no voice assistant extension set."""
    response, calls = await say_and_dial(hass, simulator, "call 5551234 from 1001")
    assert speech(response) == "Calling 5551234 from 1001"
    assert calls == [{"extid": "1001", "calledid": "5551234"}]


@pytest.mark.parametrize(
    ("sentence", "answer"),
    [
        ("call the kitchen", "There is no extension called kitchen on the PBX"),
        ("call the number Alice", "Alice is not a phone number"),
        (
            "answer the phone",
            "The PBX cannot pick up a phone for you: lift the handset to answer",
        ),
        ("hang up", "Alice (1004) is not on a call"),
    ],
)
async def test_spoken_failures(
    hass: HomeAssistant,
    simulator: Simulator,
    assist_entry: MockConfigEntry,
    sentence: str,
    answer: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Failures are answered in a sentence, nothing is sent, nothing is logged."""
    hass.config_entries.async_update_entry(
        assist_entry, options={**assist_entry.options, CONF_ASSIST_EXTENSION: "1004"}
    )
    await hass.async_block_till_done()
    before = len(simulator.requests)
    response = await say(hass, sentence)
    assert response.response_type is intent.IntentResponseType.ERROR
    assert speech(response).rstrip(".") == answer
    assert simulator.requests[before:] == []
    assert "Traceback" not in caplog.text


async def test_ambiguous_name(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """Two extensions with one name: Assist asks which, with both numbers."""
    await _set_up_assist(
        hass, simulator, mock_config_entry, {"1004": "Office", "1005": "office"}
    )
    response, calls = await say_and_dial(hass, simulator, "call office")
    assert speech(response) == (
        "Which office do you mean: Office (1004) or office (1005)?"
    )
    assert calls == []


@pytest.mark.usefixtures("init_integration")
async def test_no_voice_assistant_extension(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Without a voice assistant extension, Assist says how to set one."""
    response, calls = await say_and_dial(hass, simulator, "call 1002")
    assert speech(response).startswith("No voice assistant extension is set.")
    assert calls == []


async def test_no_pbx(hass: HomeAssistant) -> None:
    """With no PBX loaded, Assist says so (intents registered by the intent scan)."""
    from custom_components.synway_ippbx import intent as synway_intent

    await synway_intent.async_setup_intents(hass)
    response = await say(hass, "who is on the phone")
    assert speech(response) == "No Synway IPPBX is set up and running."


@pytest.mark.usefixtures("assist_entry")
async def test_voice_extension_busy(hass: HomeAssistant, simulator: Simulator) -> None:
    """The PBX refusing because the calling phone is busy (errno 31) is spoken."""
    simulator.call_internal(ASSIST, "1001", answer=True)
    await settle(hass, simulator)
    response = await say(hass, "call reception")
    assert speech(response) == "1000 is busy or offline, so the PBX cannot ring it."
    assert simulator.requests[-1].path.endswith("ext_outbound")


@pytest.mark.usefixtures("assist_entry")
async def test_pbx_refuses(hass: HomeAssistant, simulator: Simulator) -> None:
    """Another refusal is spoken in the words of the one errno mapping (errno 14)."""
    simulator.state.extensions[ASSIST].settings["call_permission"] = "internal"
    response = await say(hass, "call 5551234")
    assert speech(response) == (
        "1000 may not make this call (the PBX's call permission)."
    )


@pytest.mark.usefixtures("assist_entry")
@pytest.mark.parametrize("errno_cause", ["busy", "call_permission"])
async def test_action_and_voice_say_the_same(
    hass: HomeAssistant, simulator: Simulator, errno_cause: str
) -> None:
    """The same errno reads the same through the ``dial`` action and through Assist."""
    if errno_cause == "busy":
        simulator.call_internal(ASSIST, "1001", answer=True)
        await settle(hass, simulator)
    else:
        simulator.state.extensions[ASSIST].settings["call_permission"] = "internal"
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN,
            "dial",
            {"extension": ASSIST, "number": "5551234"},
            blocking=True,
        )
    response = await say(hass, "call 5551234")
    assert speech(response).rstrip(".") == str(err.value).rstrip(".")


@pytest.mark.usefixtures("assist_entry")
async def test_hang_up_sentences(hass: HomeAssistant, simulator: Simulator) -> None:
    """ "Hang up" ends the voice extension's call; "hang up Alice" ends Alice's."""
    simulator.call_internal(ASSIST, "1001", answer=True)
    simulator.call_internal("1004", "1002", answer=True)
    await settle(hass, simulator)
    response = await say(hass, "hang up")
    assert speech(response) == "Hung up the call of 1000"
    assert simulator.requests[-1].path.endswith("hangup")
    response = await say(hass, "hang up alice")
    assert speech(response) == "Hung up the call of Alice (1004)"
    await settle(hass, simulator)
    assert all(
        leg.state == "ended"
        for number in (ASSIST, "1004")
        for leg in simulator.state.extensions[number].legs
    )


@pytest.mark.usefixtures("assist_entry")
async def test_status_sentences(hass: HomeAssistant, simulator: Simulator) -> None:
    """Is X on the phone, who is on the phone: our sentences win over HA's own."""
    assert speech(await say(hass, "who is on the phone")) == "Nobody is on the phone"
    assert speech(await say(hass, "is alice on the phone")) == (
        "No, Alice (1004) is not on the phone"
    )
    simulator.call_internal("1004", "1003", answer=True)
    await settle(hass, simulator)
    assert speech(await say(hass, "is Alice on the phone")) == (
        "Yes, Alice (1004) is on the phone with Reception (1003)"
    )
    assert speech(await say(hass, "is reception busy")) == (
        "Yes, Reception (1003) is on the phone with Alice (1004)"
    )
    assert speech(await say(hass, "who is on the phone")) == (
        "Reception (1003) and Alice (1004) are on the phone"
    )
    simulator.call_internal("1001", "1002")
    await settle(hass, simulator)
    assert speech(await say(hass, "is 1002 on the phone")) == "1002 is ringing"


@pytest.mark.usefixtures("assist_entry")
async def test_who_called_and_missed(hass: HomeAssistant, simulator: Simulator) -> None:
    """Who called and missed calls come from the PBX's call records."""
    assert speech(await say(hass, "any missed calls")) == "No missed calls"
    assert speech(await say(hass, "who called me")) == "Nobody called lately"
    simulator.call_internal("1004", ASSIST, answer=True)
    await settle(hass, simulator)
    simulator.hangup("1004")
    simulator.call_internal("1003", ASSIST)
    await settle(hass, simulator)
    simulator.hangup("1003")
    await settle(hass, simulator)
    answer = speech(await say(hass, "who called"))
    assert answer.startswith("Latest calls: Reception (1003) at ")
    assert " and Alice (1004) at " in answer
    answer = speech(await say(hass, "are there any missed calls"))
    assert answer.startswith("1 missed: Reception (1003) at ")
    assert "Alice" not in answer


@pytest.mark.parametrize(
    ("sentence", "answer", "number"),
    [
        ("打电话给前台", "正在呼叫 前台 (1003)", "1003"),
        ("给alice打电话", "正在呼叫 Alice (1004)", "1004"),
        ("拨打号码555-1234", "正在呼叫 5551234", "5551234"),
    ],
)
@pytest.mark.usefixtures("chinese_reception")
async def test_chinese_sentences(
    hass: HomeAssistant, simulator: Simulator, sentence: str, answer: str, number: str
) -> None:
    """The Simplified Chinese file works the same, and answers in Chinese."""
    response, calls = await say_and_dial(hass, simulator, sentence, "zh-Hans")
    assert speech(response) == answer
    assert calls == [{"extid": ASSIST, "calledid": number}]


@pytest.mark.usefixtures("assist_entry")
async def test_chinese_failure(hass: HomeAssistant, simulator: Simulator) -> None:
    """A failure is spoken in Chinese too."""
    response = await say(hass, "打电话给厨房", "zh-Hans")
    assert speech(response) == "PBX 上没有名为 厨房 的分机。"
    assert speech(await say(hass, "谁在打电话", "zh-Hans")) == "没有人在通话"


def _readme_sentences() -> list[str]:
    """Every English sentence docs/voice.md's "You say" table promises."""
    text = (REPO / "docs" / "voice.md").read_text(encoding="utf-8")
    table = text.split("| You say |", 1)[1].split("\n\n", 1)[0]
    sentences: list[str] = []
    for row in table.splitlines()[2:]:
        first = row.split("|")[1]
        sentences += [
            sentence
            for sentence in re.findall(r'"([^"]+)"', first)
            if sentence.isascii()
        ]
    return sentences


README_SENTENCES = _readme_sentences()


def test_readme_lists_sentences() -> None:
    """The table is there and was read."""
    assert len(README_SENTENCES) >= 20
    assert "call the number 555-1234" in README_SENTENCES


@pytest.mark.parametrize("sentence", README_SENTENCES)
@pytest.mark.usefixtures("assist_entry")
async def test_every_readme_sentence_reaches_our_intents(
    hass: HomeAssistant, simulator: Simulator, sentence: str
) -> None:
    """Each README sentence is understood by our intents and answered in words."""
    simulator.call_internal("1004", "1003", answer=True)
    await settle(hass, simulator)
    response = await say(hass, sentence)
    assert response.intent is not None, speech(response)
    assert response.intent.intent_type.startswith("Synway"), sentence
    assert speech(response)
    assert "couldn't understand" not in speech(response)


@pytest.mark.parametrize(
    ("sentence", "answer"),
    [
        ("挂断电话", "1000 当前没有通话。"),
        ("前台在打电话吗", "没有，前台 (1003) 没有在通话"),
        ("有未接来电吗", "没有未接来电"),
        ("接电话", "PBX 无法替您接听电话：请拿起听筒接听。"),
    ],
)
@pytest.mark.usefixtures("chinese_reception")
async def test_chinese_questions(
    hass: HomeAssistant, simulator: Simulator, sentence: str, answer: str
) -> None:
    """Hanging up, status and call records, asked and answered in Chinese."""
    assert speech(await say(hass, sentence, "zh-Hans")) == answer


@pytest.mark.usefixtures("chinese_reception")
async def test_chinese_call_from(hass: HomeAssistant, simulator: Simulator) -> None:
    """ "用前台打给Alice": the named phone rings first."""
    response, calls = await say_and_dial(hass, simulator, "用前台打给Alice", "zh-Hans")
    assert speech(response) == "正在用 前台 (1003) 呼叫 Alice (1004)"
    assert calls == [{"extid": "1003", "calledid": "1004"}]
