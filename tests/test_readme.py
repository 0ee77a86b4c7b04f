"""The README is the front page and docs/ the manual: their examples must be valid calls.

README.md shows what it is, the demo, installation, the PBX's setup, configuration, three
automations and the two developer commands, and links every page of docs/; docs/actions.md
holds an example of every action.
"""

from collections.abc import Generator
import os
from pathlib import Path
import re
import time
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import async_mock_service
import yaml

from custom_components.synway_ippbx.const import CONF_VERIFY_SSL, DOMAIN
from simulator import Simulator
from simulator.config import TrunkSpec
from tests.conftest import settle

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
ACTIONS_PAGE = ROOT / "docs" / "actions.md"
# The pages of the manual, each linked from the front page.
MANUAL = (
    "docs/configuration.md",
    "docs/entities.md",
    "docs/actions.md",
    "docs/automations.md",
    "docs/voice.md",
    "docs/troubleshooting.md",
    "docs/how-it-works.md",
    "docs/development.md",
    "CHANGELOG.md",
)


def _examples() -> list[dict[str, Any]]:
    """Every YAML document of docs/actions.md that calls an action."""
    text = ACTIONS_PAGE.read_text(encoding="utf-8")
    calls: list[dict[str, Any]] = []
    for block in re.findall(r"```yaml\n(.*?)```", text, re.DOTALL):
        for document in yaml.safe_load_all(block):
            if "action" in document:
                calls.append(document)
            calls.extend(document.get("actions", []))
    return calls


EXAMPLES = _examples()


def test_every_action_has_an_example() -> None:
    """docs/actions.md shows each action of services.yaml at least once."""
    services = yaml.safe_load(
        (ROOT / "custom_components/synway_ippbx/services.yaml").read_text(
            encoding="utf-8"
        )
    )
    shown = {example["action"].removeprefix(f"{DOMAIN}.") for example in EXAMPLES}
    text = ACTIONS_PAGE.read_text(encoding="utf-8")
    for name in services:
        assert name in shown or f"{DOMAIN}.{name} takes the same fields" in text, name
        assert f"| `{name}`" in text or f"/ `{name}`" in text, (
            f"{name} not in the table"
        )


@pytest.mark.parametrize(
    "example", EXAMPLES, ids=[example["action"] for example in EXAMPLES]
)
async def test_example_matches_the_action_schema(
    hass: HomeAssistant, example: dict[str, Any]
) -> None:
    """Each example passes the action's schema (templates aside)."""
    assert await async_setup_component(hass, DOMAIN, {})
    domain, name = example["action"].split(".")
    assert domain == DOMAIN
    registered = hass.services.async_services_for_domain(DOMAIN)
    assert name in registered
    data = {
        key: value
        for key, value in (example.get("data") or {}).items()
        if not (isinstance(value, str) and "{{" in value)
    }
    if "call_id" in example.get("data", {}) and "call_id" not in data:
        data["call_id"] = "a-leg-id"
    schema = registered[name].schema
    assert schema is not None
    schema(data)


def _headings(text: str) -> list[str]:
    return re.findall(r"^## (.+)$", text, re.MULTILINE)


def test_front_page_is_short_and_starts_with_the_demo() -> None:
    """At most ~250 lines; the demo, and what scripts/setup installs, in the first screen."""
    text = README.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert len(lines) <= 250, len(lines)
    first_heading = next(i for i, line in enumerate(lines) if line.startswith("## "))
    assert lines[first_heading] == "## Try it without a PBX"
    assert first_heading < 40
    demo = text.split("## Try it without a PBX", 1)[1].split("\n## ", 1)[0]
    for said in (
        "scripts/develop",
        "scripts/setup",
        "Python 3.14",
        "requirements_test.txt",
        "chromium",
        "apt-get",
        "sudo",
        "demo-synway",
    ):
        assert said in demo, said


def test_front_page_holds_the_users_essentials() -> None:
    """Install (HACS and manual), the PBX's side, configuration, examples, dev commands."""
    text = README.read_text(encoding="utf-8")
    headings = _headings(text)
    for heading in (
        "Installation",
        "Setting up the PBX",
        "Configuration",
        "Example automations",
        "Removing the integration",
        "Development",
    ):
        assert heading in headings, heading
    assert "### HACS (recommended)" in text
    assert "### Manual" in text
    development = text.split("## Development", 1)[1].split("\n## ", 1)[0]
    assert "scripts/setup" in development
    assert "scripts/test" in development
    for page in MANUAL:
        assert f"]({page}" in text, page


def test_front_page_setup_installs_what_the_script_installs() -> None:
    """What the README says scripts/setup installs is what the script does."""
    script = (ROOT / "scripts" / "setup").read_text(encoding="utf-8")
    for installed in (
        "pip install",
        "uv venv --python 3.14",
        "requirements_test.txt",
        "develop_bootstrap.py requirements",
        "apt-get install",
        "chromium",
        "sudo",
        "/usr/bin/chromium",
    ):
        assert installed in script, installed


def _front_page_automations() -> list[dict[str, Any]]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Example automations", 1)[1].split("\n## ", 1)[0]
    return [
        document
        for block in re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
        for document in yaml.safe_load_all(block)
    ]


def test_front_page_has_three_example_automations() -> None:
    """Three automations, each a trigger and actions."""
    examples = _front_page_automations()
    assert len(examples) == 3
    for example in examples:
        assert example["triggers"]
        assert example["actions"]


@pytest.fixture
def utc_everywhere() -> Generator[None]:
    """The PBX writes its local time: give the simulator and Home Assistant the same zone."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.mark.usefixtures("utc_everywhere")
async def test_front_page_automations_work_on_a_new_install(
    hass: HomeAssistant, simulator: Simulator, report_client: TestClient[Any, Any]
) -> None:
    """Added through the form as a user would, the three automations do what they say."""
    await hass.config.async_set_time_zone("UTC")
    simulator.add_trunk(TrunkSpec("SIP-9", destination="1001"))
    simulator.state.extensions["1005"].settings["username"] = "Reception"
    # The PBX posts its reports to Home Assistant's internal URL, as on a real install.
    await hass.config.async_update(
        internal_url=f"http://127.0.0.1:{report_client.port}"
    )
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: simulator.base_url,
            CONF_USERNAME: simulator.config.username,
            CONF_PASSWORD: simulator.config.password,
            CONF_VERIFY_SSL: False,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED
    paused = async_mock_service(hass, "media_player", "media_pause")
    lights = async_mock_service(hass, "light", "turn_on")
    notes = async_mock_service(hass, "notify", "notify")
    automations = [
        {"id": f"front_{number}", **example}
        for number, example in enumerate(_front_page_automations())
    ]
    assert await async_setup_component(hass, "automation", {"automation": automations})
    await hass.async_block_till_done()

    # Someone from outside calls 1001: the TV pauses, nothing else.
    call = simulator.call_inbound("5550142", "SIP-9")
    await settle(hass, simulator)
    assert [c.data["entity_id"] for c in paused] == [["media_player.living_room_tv"]]
    simulator.answer(call.callid)
    simulator.hangup(call.callid)
    await settle(hass, simulator)
    assert lights == []

    # The door phone (1008, an FXS port) calls reception: the porch light goes on.
    simulator.call_internal("1008", "1001", answer=True)
    await settle(hass, simulator)
    assert [c.data["entity_id"] for c in lights] == [["light.porch"]]
    simulator.hangup("1008")
    await settle(hass, simulator)
    assert len(paused) == 1

    # 1005 calls 1002 and nobody answers: the hall light flashes, with who it was.
    simulator.call_internal("1005", "1002")
    simulator.advance(5)
    simulator.hangup("1005")
    await settle(hass, simulator)
    assert [(c.data["entity_id"], c.data["flash"]) for c in lights[1:]] == [
        (["light.hall"], "short")
    ]
    assert [c.data["message"] for c in notes] == ["Missed call from Reception"]
    await simulator.dispatcher.close()


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading: lowercase, punctuation dropped, spaces to hyphens."""
    heading = re.sub(r"[`*_]", "", heading.strip()).lower()
    heading = re.sub(r"[^\w\- ]", "", heading)
    return heading.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    return {_slug(h) for h in re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE)}


DOC_PAGES = [README, ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("page", DOC_PAGES, ids=lambda page: page.name)
def test_every_relative_link_resolves(page: Path) -> None:
    """Each relative link names a file that exists, and an anchor that one of its headings makes."""
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    assert links
    for link in links:
        if re.match(r"[a-z]+:", link):
            continue
        path, _, anchor = link.partition("#")
        target = (page.parent / path).resolve() if path else page
        assert target.exists(), f"{page.name}: {link}"
        if anchor:
            assert target.suffix == ".md", f"{page.name}: {link}"
            assert anchor in _anchors(target), f"{page.name}: {link}"
