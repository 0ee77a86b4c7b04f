"""The manual's automation examples for screening, switches, agents and figures are valid."""

from pathlib import Path
import re
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
import yaml

AUTOMATIONS_PAGE = Path(__file__).parent.parent / "docs" / "automations.md"
SECTIONS = (
    "## Inbound call screening",
    "## Forwarding, voicemail and queue agents from Home Assistant",
    "## Call statistics and missed calls",
)


def _automations() -> list[dict[str, Any]]:
    text = AUTOMATIONS_PAGE.read_text(encoding="utf-8")
    found: list[dict[str, Any]] = []
    for heading in SECTIONS:
        section = text.split(heading, 1)[1].split("\n## ", 1)[0]
        found.extend(
            yaml.safe_load(block)
            for block in re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
        )
    return found


AUTOMATIONS = _automations()


def test_every_feature_section_has_an_example() -> None:
    """Each section shows at least one automation."""
    assert len(AUTOMATIONS) >= len(SECTIONS)


@pytest.mark.parametrize("index", range(len(AUTOMATIONS)))
async def test_example_is_a_valid_automation(
    hass: HomeAssistant, index: int, request: pytest.FixtureRequest
) -> None:
    """Home Assistant accepts the example (it shows as an automation that is on)."""
    config = {"id": f"example_{index}", "alias": f"Example {index}"} | AUTOMATIONS[
        index
    ]
    # A calendar trigger attaches only once the calendar integration is set up: without
    # it the trigger fails (an ERROR line) while the automation still shows as on. The
    # example's calendar is the reader's own, which this test cannot have.
    assert await async_setup_component(hass, "calendar", {})
    if "calendar." in str(config):
        request.applymarker(
            pytest.mark.expected_errors("Entity does not exist calendar.")
        )
    assert await async_setup_component(hass, "automation", {"automation": [config]})
    await hass.async_block_till_done()
    state = hass.states.get(f"automation.example_{index}")
    assert state is not None
    assert state.state == "on"
