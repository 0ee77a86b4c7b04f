"""The repair that installs the voice commands into <config>/custom_sentences/."""

from pathlib import Path

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.synway_ippbx.const import DOMAIN
from custom_components.synway_ippbx.sentence_install import (
    FILE_NAME,
    SHIPPED,
    issue_id,
    sentences_hash,
    shipped_files,
)
from tests.voice_people import converse

ISSUE = issue_id(sentences_hash(shipped_files()))


@pytest.fixture(autouse=True)
async def components(hass: HomeAssistant, tmp_path: Path) -> None:
    """An empty config folder; Assist and Repairs set up before the HTTP server."""
    hass.config.config_dir = str(tmp_path)
    # conversation.reload reads it again.
    (tmp_path / "configuration.yaml").write_text("")
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, "repairs", {})


async def _fix(hass_client: ClientSessionGenerator, issue: str) -> dict[str, str]:
    """Open the issue's fix flow and confirm it, as the Repairs page does."""
    client = await hass_client()
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue}
    )
    flow = await response.json()
    assert flow["step_id"] == "confirm"
    response = await client.post(f"/api/repairs/issues/fix/{flow['flow_id']}")
    result: dict[str, str] = await response.json()
    return result


async def test_install_offered_then_installed(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    tmp_path: Path,
) -> None:
    """Setup offers the sentences; confirming copies them and Assist understands."""
    issue = issue_registry.async_get_issue(DOMAIN, ISSUE)
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_key == "install_voice_commands"
    before = await converse(hass, "who is calling")
    assert before.intent is None or not before.intent.intent_type.startswith("Synway")

    assert (await _fix(hass_client, ISSUE))["type"] == "create_entry"
    await hass.async_block_till_done()
    for language in ("en", "zh-CN"):
        installed = tmp_path / "custom_sentences" / language / FILE_NAME
        assert installed.read_bytes() == (SHIPPED / language / FILE_NAME).read_bytes()
    assert issue_registry.async_get_issue(DOMAIN, ISSUE) is None
    after = await converse(hass, "who is calling")
    assert after.intent is not None
    assert after.intent.intent_type == "SynwayWhoIsCalling"

    # Installed as shipped: no offer at the next setup.
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, ISSUE) is None


async def test_changed_sentences_offered_again(
    hass: HomeAssistant,
    simulator: object,
    mock_config_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    tmp_path: Path,
) -> None:
    """An older copy (or an older offer) makes way for the new version's offer."""
    old = tmp_path / "custom_sentences" / "en"
    old.mkdir(parents=True)
    (old / FILE_NAME).write_text('language: "en"\nintents: {}\n')
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id("0123456789ab"),
        is_fixable=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key="install_voice_commands",
    )
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, issue_id("0123456789ab")) is None
    issue = issue_registry.async_get_issue(DOMAIN, ISSUE)
    assert issue is not None
    assert issue.translation_key == "update_voice_commands"


async def test_install_that_cannot_write(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A config folder that refuses the copy: the flow says so, the offer stays."""
    (tmp_path / "custom_sentences").write_text("not a folder")
    result = await _fix(hass_client, ISSUE)
    assert result["type"] == "abort"
    assert result["reason"] == "cannot_write"
    assert issue_registry.async_get_issue(DOMAIN, ISSUE) is not None
    assert "Could not install the voice commands" in caplog.text


async def test_removing_the_last_pbx_withdraws_the_offer(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """With no PBX left there is nothing to speak to: Repairs stops offering sentences."""
    assert issue_registry.async_get_issue(DOMAIN, ISSUE) is not None
    await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, ISSUE) is None


async def test_removing_one_of_two_pbxs_keeps_the_offer(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Another PBX still answers to the sentences: the offer stays."""
    other = MockConfigEntry(domain=DOMAIN, title="Other PBX", data={})
    other.add_to_hass(hass)
    await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, ISSUE) is not None
