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
    assert "| When | Extension | What | Other party |" in recent
    assert "88861158" in recent
    assert "2 active calls" in cards["Phone system"]
    assert "1 talking, 3 ringing" in cards["Phone system"]


async def test_empty_dashboard(hass: HomeAssistant) -> None:
    """Without the integration every card says so instead of failing."""
    cards = await _render(hass)
    assert "No extensions yet" in cards["Switchboard"]
    assert cards["Queues"] == "No queues."
    assert cards["Trunks"] == "No trunks."
    assert cards["Recent calls"] == "No calls yet."


def test_readme_shows_the_screenshots() -> None:
    """The README's screenshots exist (the browser tests write them)."""
    readme = (DASHBOARD.parent.parent / "README.md").read_text(encoding="utf-8")
    shown = re.findall(r"\]\((docs/screenshots/[\w.]+)\)", readme)
    assert len(set(shown)) >= 6
    for path in shown:
        assert (DASHBOARD.parent.parent / path).is_file(), path
    assert "dashboards/synway_ippbx.yaml" in readme


@pytest.mark.usefixtures("entity_registry_enabled_by_default", "init_integration")
async def test_recent_calls_from_enabled_call_entities(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Where a user enabled the Call event entities, their last events are listed."""
    simulator.call_internal("1000", "1001")
    await settle(hass, simulator)
    simulator.hangup("1000")
    await settle(hass, simulator)
    recent = (await _render(hass))["Recent calls"]
    assert "| hangup |" in recent or "| call failed |" in recent
    assert "Extension 1001" in recent
