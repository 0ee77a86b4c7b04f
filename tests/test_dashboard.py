"""The shipped dashboard (dashboards/synway_ippbx.yaml) renders what a user expects.

Every markdown card is rendered by Home Assistant's own template engine against the
integration set up on the simulator, as the frontend would have it rendered.
"""

from pathlib import Path
import re
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.template import Template
from homeassistant.util.yaml import load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.const import (
    CONF_REPORT_URL,
    CONF_WEBHOOK_ID,
    DOMAIN,
)
from simulator import Simulator
from tests.conftest import settle

DASHBOARD = Path(__file__).parent.parent / "dashboards" / "synway_ippbx.yaml"


def _cards(config: dict[str, Any]) -> dict[str, str]:
    """The markdown cards' templates, by the heading above them."""
    cards: dict[str, str] = {}
    for view in config["views"]:
        for section in view["sections"]:
            heading = ""
            for card in section["cards"]:
                if card["type"] == "heading":
                    heading = card["heading"]
                elif card["type"] == "markdown":
                    cards[heading] = card["content"]
    return cards


async def _render(hass: HomeAssistant) -> dict[str, str]:
    config = load_yaml_dict(str(DASHBOARD))
    return {
        heading: Template(content, hass).async_render(parse_result=False)
        for heading, content in _cards(config).items()
    }


def test_dashboard_layout() -> None:
    """One dashboard: the switchboard, queues and trunks, recent calls."""
    config = load_yaml_dict(str(DASHBOARD))
    assert [view["path"] for view in config["views"]] == [
        "switchboard",
        "queues-trunks",
        "recent-calls",
    ]
    assert set(_cards(config)) == {
        "Switchboard",
        "Phone system",
        "Queues",
        "Trunks",
        "Recent calls",
    }


@pytest.mark.usefixtures("init_integration")
async def test_switchboard_colours_every_extension(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Every extension has a cell; its colour and icon follow its call state."""
    simulator.call_internal("1000", "1001")
    await settle(hass, simulator)
    board = (await _render(hass))["Switchboard"]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", board)
    assert len(cells) == len(simulator.state.extensions)
    ringing = next(cell for cell in cells if "Extension 1001" in cell)
    assert '<font color="#fb8c00">' in ringing
    assert 'icon="mdi:phone-ring"' in ringing
    assert "Ringing" in ringing
    calling = next(cell for cell in cells if "Extension 1000" in cell)
    assert "mdi:phone-outgoing" in calling
    idle = next(cell for cell in cells if "Extension 1002" in cell)
    assert '<font color="#43a047">' in idle
    assert board.count("<tr>") == -(-len(cells) // 4)


@pytest.mark.usefixtures("init_integration")
async def test_queues_trunks_and_recent_calls(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Queue figures and members, trunk states and call counts, the latest calls."""
    simulator.call_inbound("88861158", "SIP-2", answer=True)
    simulator.call_inbound("5550100", "fxo1")
    await settle(hass, simulator)
    cards = await _render(hass)

    queues = cards["Queues"]
    sales = next(line for line in queues.splitlines() if "Sales (6700)" in line)
    cells = [cell.strip() for cell in sales.strip("|").split("|")]
    assert cells[1:4] == ["1", "0 s", "3"]
    assert "1001: waiting" in cells[4]

    trunks = cards["Trunks"]
    sip2 = next(line for line in trunks.splitlines() if "SIP-2" in line)
    assert [cell.strip() for cell in sip2.strip("|").split("|")][1:] == [
        "In use",
        "1",
    ]

    recent = cards["Recent calls"]
    assert "| When | From | To | Outcome | Talk time |" in recent
    assert "88861158" in recent
    assert "- Active calls: **2**" in cards["Phone system"]
    assert "- Phones: **1 talking, 3 ringing**" in cards["Phone system"]


async def test_empty_dashboard(hass: HomeAssistant) -> None:
    """Without the integration every card says so instead of failing."""
    cards = await _render(hass)
    assert "No extensions yet" in cards["Switchboard"]
    assert cards["Queues"] == "No queues."
    assert cards["Trunks"] == "No trunks."
    assert cards["Recent calls"] == "No calls yet."
    assert cards["Phone system"] == "No Synway IPPBX set up."


def test_docs_show_the_screenshots() -> None:
    """The README shows two screenshots, the docs the rest; each exists (browser tests)."""
    root = DASHBOARD.parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    on_front = set(re.findall(r"\]\((docs/screenshots/[\w.]+)\)", readme))
    assert len(on_front) == 2
    shown = set(on_front)
    for page in (root / "docs").glob("*.md"):
        text = page.read_text(encoding="utf-8")
        shown |= {
            f"docs/{path}" for path in re.findall(r"\]\((screenshots/[\w.]+)\)", text)
        }
    assert len(shown) >= 6
    for path in shown:
        assert (root / path).is_file(), path
    taken = {
        f"docs/screenshots/{png.name}"
        for png in (root / "docs/screenshots").glob("*.png")
    }
    assert taken <= shown, taken - shown
    automations = (root / "docs" / "automations.md").read_text(encoding="utf-8")
    assert "dashboards/synway_ippbx.yaml" in automations


def _figures(card: str) -> dict[str, str]:
    """The "- Label: **value**" lines of the Phone system card."""
    return dict(re.findall(r"^- (.+?): \*\*(.*?)\*\*$", card, re.MULTILINE))


@pytest.mark.usefixtures("init_integration")
async def test_phone_system_labels_each_figure(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Each hub figure has its own label; talk time is h:mm, a time is "… ago"."""
    simulator.call_internal("1000", "1001")
    simulator.answer("1001")
    simulator.advance(491)
    simulator.hangup("1000")
    simulator.call_internal("1002", "1003")
    simulator.advance(5)
    simulator.hangup("1002")
    await settle(hass, simulator)
    card = (await _render(hass))["Phone system"]
    assert card.startswith("**Synway IPPBX (127.0.0.1)**")
    assert "active calls" not in card
    figures = _figures(card)
    assert figures["Active calls"] == "0"
    assert figures["Calls today"] == "2"
    assert figures["Missed calls today"] == "1"
    assert figures["Talk time today"] == "0:08"
    assert figures["Last missed call"].endswith(" ago")
    assert figures["Phones"] == "0 talking, 0 ringing"
    assert "Recent calls" not in figures


@pytest.mark.usefixtures("init_integration")
async def test_recent_calls_finished_and_in_progress(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Finished calls (kept by the hub's Recent calls sensor) under calls in progress."""
    simulator.call_internal("1000", "1001")
    simulator.answer("1001")
    simulator.advance(130)
    simulator.hangup("1000")
    simulator.call_internal("1003", "1001")
    simulator.advance(5)
    simulator.hangup("1003")
    await settle(hass, simulator)
    simulator.call_internal("1004", "1005")
    await settle(hass, simulator)
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in (await _render(hass))["Recent calls"].splitlines()[2:]
    ]
    assert rows[0][0] == "now"
    assert {rows[0][1], rows[1][1]} == {"Extension 1004", "Extension 1005"}
    finished = [row for row in rows if row[0] != "now"]
    assert [row[1:] for row in finished] == [
        ["1003", "1001", "missed", ""],
        ["1000", "1001", "answered", "2:10"],
    ]
    assert all(re.fullmatch(r"\d+ \w+ ago|just now", row[0]) for row in finished)


async def _second_pbx(hass: HomeAssistant, first: MockConfigEntry) -> MockConfigEntry:
    """Another PBX (the same simulator under another entry): its own Extension 1000…"""
    second = MockConfigEntry(
        domain=DOMAIN,
        title="Branch office",
        entry_id="01JSYNWAYIPPBXTESTENTRY002",
        unique_id="branch:443",
        version=2,
        data={**first.data, CONF_WEBHOOK_ID: "f" * 64},
        options={
            key: value for key, value in first.options.items() if key != CONF_REPORT_URL
        },
    )
    second.add_to_hass(hass)
    assert await hass.config_entries.async_setup(second.entry_id)
    await hass.async_block_till_done()
    return second


async def test_two_pbxs_one_block_each(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Two PBXs: the figures and the switchboard come in one named block per PBX."""
    await _second_pbx(hass, init_integration)
    cards = await _render(hass)
    phone = cards["Phone system"]
    blocks = re.split(r"^\*\*(.+)\*\*$", phone, flags=re.MULTILINE)[1:]
    names = blocks[0::2]
    assert names == ["Branch office", "Synway IPPBX (127.0.0.1)"]
    for block in blocks[1::2]:
        assert set(_figures(block)) == {
            "Active calls",
            "Calls today",
            "Missed calls today",
            "Talk time today",
            "Last missed call",
            "Phones",
        }
    board = cards["Switchboard"]
    assert re.findall(r"<h3>(.*?)</h3>", board) == names
    for table in board.split("<h3>")[1:]:
        cells = re.findall(r"<b>(.*?)</b>", table)
        assert cells == sorted(set(cells))  # each extension once, in order
        assert len(cells) == len(simulator.state.extensions)
