"""The PBX people talk to in the voice tests: named extensions, a voice extension."""

from pathlib import Path

from homeassistant.components import conversation
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import intent
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.const import CONF_ASSIST_EXTENSION
from simulator import Simulator

REPO = Path(__file__).parent.parent
SENTENCES = REPO / "custom_components" / "synway_ippbx" / "custom_sentences"
VOICE = "1000"
PEOPLE = {
    "1000": "王芳",
    "1001": "Reception",
    "1002": "Anna Li",
    "1003": "Anna Wang",
    "1004": "Kitchen",
    "1005": "Bob Smith",
    "1006": "Room 101",
    "1007": "前台",
    "1008": "Front Door",
}


async def set_up_agent(hass: HomeAssistant, config_dir: Path) -> None:
    """Assist reads the integration's own sentences files (a link, not a copy)."""
    (config_dir / "custom_sentences").symlink_to(SENTENCES)
    hass.config.config_dir = str(config_dir)
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})


async def set_up_people(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> MockConfigEntry:
    """Name the extensions as people call them; 1000 (王芳) places voice calls."""
    for number, name in PEOPLE.items():
        simulator.state.extensions[number].settings["username"] = name
    if hass.config_entries.async_get_entry(entry.entry_id) is None:
        entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_ASSIST_EXTENSION: VOICE}
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def converse(
    hass: HomeAssistant, text: str, language: str = "en"
) -> intent.IntentResponse:
    """Send a sentence through Assist's default agent; return its response."""
    result = await conversation.async_converse(
        hass, text, None, Context(), language=language
    )
    return result.response


def spoken(response: intent.IntentResponse) -> str:
    """What Assist says."""
    return str(response.speech["plain"]["speech"])
