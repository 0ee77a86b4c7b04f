"""Every sentence form of docs/voice.md, spoken to Assist's built-in agent in English and
Chinese against the simulator: the intent reached, the PBX request made (or not), the answer.
"""

from pathlib import Path
import re
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import intent
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.agents import CONF_AGENT_PASSWORDS
from simulator import Simulator
from tests.conftest import settle
from tests.voice_people import REPO, converse, set_up_agent, set_up_people, spoken

# The PBX's call records are in its local time: "today" is the same day on both sides.
pytestmark = pytest.mark.usefixtures("pbx_time_zone")

# Requests that change something on the PBX (the polls and reads are left out).
ACTIONS = {
    "ext_outbound",
    "hangup",
    "transfer_ext",
    "alarm_add",
    "alarm_del",
    "ext_mod",
    "agent_login",
    "agent_logout",
    "agent_break",
    "agent_resume",
}


def _doc_rows() -> list[tuple[str, list[str], str]]:
    """(language, sentences, intent) of each row of the docs' "You say" table."""
    text = (REPO / "docs" / "voice.md").read_text(encoding="utf-8")
    table = text.split("| You say |", 1)[1].split("\n\n", 1)[0]
    rows = []
    for row in table.splitlines()[2:]:
        cells = row.split("|")
        sentences = re.findall(r'"([^"]+)"', cells[1])
        wanted = cells[2].strip().strip("`")
        language = "en" if all(s.isascii() for s in sentences) else "zh-Hans"
        rows.append((language, sentences, wanted))
    return rows


DOC_ROWS = _doc_rows()


@pytest.fixture(autouse=True)
async def agent(hass: HomeAssistant, tmp_path: Path) -> None:
    """Assist's default agent with the integration's sentences."""
    await set_up_agent(hass, tmp_path)


@pytest.fixture
async def people(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Named extensions; Bob talks with Reception, Anna Li rings the Kitchen."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry,
        options={**mock_config_entry.options, CONF_AGENT_PASSWORDS: ["6700=123456"]},
    )
    await set_up_people(hass, simulator, mock_config_entry)
    simulator.call_internal("1005", "1001", answer=True)
    simulator.call_internal("1002", "1004")
    await settle(hass, simulator)
    return mock_config_entry


async def ask(
    hass: HomeAssistant, simulator: Simulator, text: str, language: str = "en"
) -> tuple[intent.IntentResponse, list[tuple[str, dict[str, Any]]]]:
    """Say a sentence; return the response and the changing requests it sent."""
    before = len(simulator.requests)
    response = await converse(hass, text, language)
    await hass.async_block_till_done()
    sent = [
        (request.path.rsplit("/", 1)[-1], request.body)
        for request in simulator.requests[before:]
        if request.path.rsplit("/", 1)[-1] in ACTIONS
    ]
    return response, sent


def test_docs_table_read() -> None:
    """The table is there, in both languages, with every intent."""
    assert len(DOC_ROWS) >= 40
    assert {language for language, _, _ in DOC_ROWS} == {"en", "zh-Hans"}


@pytest.mark.parametrize(
    ("language", "sentences", "wanted"),
    DOC_ROWS,
    ids=[f"{row[0]}-{row[2]}-{index}" for index, row in enumerate(DOC_ROWS)],
)
@pytest.mark.usefixtures("people")
async def test_every_documented_sentence_reaches_its_intent(
    hass: HomeAssistant,
    simulator: Simulator,
    language: str,
    sentences: list[str],
    wanted: str,
) -> None:
    """Each sentence of the docs reaches the intent the docs name, not a built-in one."""
    for sentence in sentences:
        response, _ = await ask(hass, simulator, sentence, language)
        assert response.intent is not None, sentence
        assert response.intent.intent_type == wanted, sentence
        assert spoken(response), sentence


@pytest.mark.parametrize(
    ("language", "sentence", "answer", "sent"),
    [
        (
            "en",
            "call Bob",
            "Calling Bob Smith (1005)",
            [("ext_outbound", {"extid": "1000", "calledid": "1005"})],
        ),
        (
            "en",
            "please call extension 10-04",
            "Calling Kitchen (1004)",
            [("ext_outbound", {"extid": "1000", "calledid": "1004"})],
        ),
        (
            "en",
            "call one zero zero four",
            "Calling Kitchen (1004)",
            [("ext_outbound", {"extid": "1000", "calledid": "1004"})],
        ),
        (
            "en",
            "phone Anna",
            "Which Anna do you mean: Anna Li (1002) or Anna Wang (1003)?",
            [],
        ),
        (
            "en",
            "call the lobby phone",
            "There is no extension called lobby on the PBX.",
            [],
        ),
        (
            "en",
            "call Anna Wang from the front door",
            "Calling Anna Wang (1003) from Front Door (1008)",
            [("ext_outbound", {"extid": "1008", "calledid": "1003"})],
        ),
        (
            "en",
            "call 王芳",
            "王芳 (1000) is the voice assistant's own phone: it cannot call itself.",
            [],
        ),
        (
            "zh-Hans",
            "给王芳打电话",
            "王芳 (1000) 是语音助手自己的话机，不能呼叫自己。",
            [],
        ),
        (
            "zh-Hans",
            "呼叫一零零四",
            "正在呼叫 Kitchen (1004)",
            [("ext_outbound", {"extid": "1000", "calledid": "1004"})],
        ),
        (
            "zh-Hans",
            "给前台打电话",
            "正在呼叫 前台 (1007)",
            [("ext_outbound", {"extid": "1000", "calledid": "1007"})],
        ),
        (
            "en",
            "is anyone on the phone right now",
            "Reception (1001), Anna Li (1002) and Bob Smith (1005) are on the phone",
            [],
        ),
        (
            "zh-Hans",
            "谁在打电话",
            "Reception (1001)、Anna Li (1002)和Bob Smith (1005) 正在通话",
            [],
        ),
        (
            "en",
            "who is Bob talking to",
            "Yes, Bob Smith (1005) is on the phone with Reception (1001)",
            [],
        ),
        ("en", "is the kitchen phone ringing", "Kitchen (1004) is ringing", []),
        (
            "en",
            "what's the status of extension 1003",
            "No, Anna Wang (1003) is not on the phone",
            [],
        ),
        (
            "en",
            "who is calling",
            "Ringing: Kitchen (1004), call from Anna Li (1002)",
            [],
        ),
        (
            "zh-Hans",
            "谁打来的电话",
            "正在振铃：Kitchen (1004)（来电 Anna Li (1002)）",
            [],
        ),
        (
            "en",
            "is anyone waiting in the sales queue",
            "Nobody is waiting in Sales; 3 of 3 agents are free",
            [],
        ),
        (
            "en",
            "is anyone waiting in the billing queue",
            "There is no queue called billing on the PBX.",
            [],
        ),
        ("en", "how many agents are free", "4 of 4 agents are free in all queues", []),
        (
            "zh-Hans",
            "Sales队列有人在等吗",
            "Sales 没有人在等待；3 个坐席中 3 个空闲",
            [],
        ),
        ("en", "are the phone lines up", "Yes, all 4 phone lines are up", []),
        ("zh-Hans", "外线正常吗", "是的，4 条外线全部正常", []),
        ("en", "how many missed calls today", "No missed calls today", []),
        ("en", "who called today", "Nobody called today", []),
        ("en", "how many calls today", "No calls today", []),
        (
            "en",
            "hang up the kitchen phone",
            "Hung up the call of Kitchen (1004)",
            [("hangup", {})],
        ),
        (
            "zh-Hans",
            "挂断Kitchen的电话",
            "已挂断 Kitchen (1004) 的通话",
            [("hangup", {})],
        ),
        ("en", "transfer my call to the kitchen", "王芳 (1000) is not on a call.", []),
        (
            "en",
            "set a wake-up call for room 101 at 7:30 am",
            "Wake-up call for Room 101 (1006) at 07:30 on ",
            [("alarm_add", {"extid": "1006"})],
        ),
        (
            "zh-Hans",
            "早上7点叫醒101房间",
            "已为 Room 101 (1006) 设置叫醒：",
            [("alarm_add", {"extid": "1006"})],
        ),
        (
            "en",
            "set a wake-up call for room 101 at noonish",
            "noonish is not a time I understand; say for example 7:30 am.",
            [],
        ),
        (
            "en",
            "list the wake-up calls for room 101",
            "Room 101 (1006) has no wake-up call",
            [],
        ),
        (
            "en",
            "cancel the wake-up call for room 101",
            "Room 101 (1006) has no wake-up call",
            [],
        ),
        (
            "en",
            "forward Bob's calls to reception",
            "Forwarding the calls of Bob Smith (1005) to Reception (1001)",
            [("ext_mod", {"extid": "1005"})],
        ),
        (
            "zh-Hans",
            "把Bob的电话转到前台",
            "已把 Bob Smith (1005) 的来电转移到 前台 (1007)",
            [("ext_mod", {"extid": "1005"})],
        ),
        (
            "en",
            "stop forwarding Bob's calls",
            "Bob Smith (1005)'s calls are no longer forwarded",
            [("ext_mod", {"extid": "1005"})],
        ),
        (
            "zh-Hans",
            "取消Bob的呼叫转移",
            "已取消 Bob Smith (1005) 的呼叫转移",
            [("ext_mod", {"extid": "1005"})],
        ),
        (
            "en",
            "log Kitchen into the sales queue",
            "Kitchen (1004) is logged in to Sales",
            [("agent_login", {"extid": "1004"})],
        ),
        (
            "zh-Hans",
            "让Anna Wang退出Sales队列",
            "Anna Wang (1003) 已退出 Sales",
            [("agent_logout", {"extid": "1003"})],
        ),
        (
            "en",
            "turn on do not disturb for the kitchen",
            "The PBX's API has no do-not-disturb setting, so it cannot be switched from Home Assistant.",
            [],
        ),
    ],
)
@pytest.mark.usefixtures("people")
async def test_answers_and_requests(
    hass: HomeAssistant,
    simulator: Simulator,
    language: str,
    sentence: str,
    answer: str,
    sent: list[tuple[str, dict[str, str]]],
) -> None:
    """The answer spoken and the one request sent to the PBX (or none)."""
    response, requests = await ask(hass, simulator, sentence, language)
    assert spoken(response).startswith(answer), spoken(response)
    assert [path for path, _ in requests] == [path for path, _ in sent]
    for (_, body), (_, wanted) in zip(requests, sent, strict=True):
        assert wanted.items() <= body.items()


async def test_do_not_disturb_where_the_firmware_has_it(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """Firmware whose ext_query reports dnd_enabled: Assist switches it."""
    simulator.set_quirks(dnd_setting=True)
    await set_up_people(hass, simulator, mock_config_entry)
    response, sent = await ask(
        hass, simulator, "turn on do not disturb for the kitchen"
    )
    assert spoken(response) == "Do not disturb is on for Kitchen (1004)"
    assert sent == [
        ("ext_mod", {"extid": "1004", "action": "update", "dnd_enabled": "true"})
    ]
    response, sent = await ask(hass, simulator, "关闭Kitchen的免打扰", "zh-Hans")
    assert spoken(response) == "Kitchen (1004) 已关闭免打扰"
    assert sent == [
        ("ext_mod", {"extid": "1004", "action": "update", "dnd_enabled": "false"})
    ]


@pytest.mark.usefixtures("people")
async def test_a_day_at_the_desk(hass: HomeAssistant, simulator: Simulator) -> None:
    """Wake-up calls listed and cancelled, agents paused, a call transferred, calls
    counted, a trunk down: each answer says what the PBX did.
    """
    response, _ = await ask(hass, simulator, "wake up room 101 at 6:45 am")
    assert spoken(response).startswith("Wake-up call for Room 101 (1006) at 06:45")
    response, _ = await ask(
        hass, simulator, "set a wake up call for room 101 tomorrow at 7"
    )
    assert spoken(response).startswith("Wake-up call for Room 101 (1006) at 07:00")
    response, _ = await ask(hass, simulator, "list the wake-up calls for room 101")
    assert spoken(response) == "Wake-up calls of Room 101 (1006): 06:45 and 07:00"
    response, sent = await ask(hass, simulator, "cancel the wake-up call for room 101")
    assert spoken(response) == "Cancelled 2 wake-up call(s) of Room 101 (1006)"
    assert [path for path, _ in sent] == ["alarm_del", "alarm_del"]

    response, sent = await ask(hass, simulator, "pause Anna Li in the sales queue")
    assert spoken(response) == "Anna Li (1002) is paused in Sales"
    assert sent == [("agent_break", {"queueid": "6700", "extid": "1002"})]
    response, sent = await ask(hass, simulator, "resume Anna Li in the sales queue")
    assert spoken(response) == "Anna Li (1002) is back in Sales"
    assert [path for path, _ in sent] == ["agent_resume"]

    # Reception is on a call with Bob: the voice extension takes over from Reception.
    response, sent = await ask(hass, simulator, "transfer the caller to the kitchen")
    assert spoken(response) == "王芳 (1000) is not on a call."
    simulator.hangup("1004")
    simulator.call_internal("1003", "1000", answer=True)
    await settle(hass, simulator)
    response, sent = await ask(hass, simulator, "transfer my call to the kitchen")
    assert spoken(response) == "Transferring the call to Kitchen (1004)"
    assert [path for path, _ in sent] == ["transfer_ext"]
    assert sent[0][1]["extid"] == "1004"
    await settle(hass, simulator)

    simulator.hangup("1005")
    await settle(hass, simulator)
    response, _ = await ask(hass, simulator, "how many calls today")
    assert re.fullmatch(r"\d+ calls today", spoken(response))
    response, _ = await ask(hass, simulator, "any missed calls today")
    assert spoken(response).startswith(("No missed calls today", "1 missed today"))

    simulator.state.trunks["SIP-2"].configured_status = "unregistered"
    await hass.config_entries.async_reload(
        hass.config_entries.async_entries("synway_ippbx")[0].entry_id
    )
    await hass.async_block_till_done()
    response, _ = await ask(hass, simulator, "are the phone lines up")
    assert spoken(response) == "1 of 4 phone lines are down: SIP-2"


async def test_a_pbx_without_queues_or_lines(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """Nothing to count is said plainly, not answered "No"."""
    simulator.state.queues.clear()
    simulator.state.trunks.clear()
    await set_up_people(hass, simulator, mock_config_entry)
    for sentence, answer in (
        ("how many agents are free", "The PBX has no call queues"),
        ("is anyone waiting in the queue", "The PBX has no call queues"),
        ("are the phone lines up", "The PBX has no phone lines (trunks) in use"),
    ):
        response, sent = await ask(hass, simulator, sentence)
        assert spoken(response) == answer
        assert sent == []


async def test_calls_today_counts_every_page(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """A busy day spans several pages of call records: all of them are counted."""
    await set_up_people(hass, simulator, mock_config_entry)
    simulator.config.cdr_page_size = 5
    for index in range(12):
        call = simulator.call_internal("1000", "1001", answer=index % 2 == 0)
        simulator.hangup(call.callid)
        await settle(hass, simulator)
    response, _ = await ask(hass, simulator, "how many calls today")
    assert spoken(response) == "12 calls today"
