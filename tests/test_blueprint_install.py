"""The repair that installs the shipped blueprints for a user who has none (HACS)."""

from pathlib import Path
from typing import Any
from unittest.mock import patch

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.synway_ippbx import blueprint_install
from custom_components.synway_ippbx.blueprint_install import (
    install_folder,
    issue_id_for,
    shipped_blueprints,
)
from custom_components.synway_ippbx.const import DOMAIN

NAMES = [
    "doorbell_intercom.yaml",
    "flash_light_while_ringing.yaml",
    "missed_call_notify.yaml",
]


@pytest.fixture(autouse=True)
async def config_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """A config folder of the test's own (the shared testing config may hold copies).

    Repairs is set up first: its routes must exist before the HTTP server starts.
    """
    hass.config.config_dir = str(tmp_path / "config")
    assert await async_setup_component(hass, "repairs", {})
    return tmp_path / "config"


def _ours(listing: dict[str, object]) -> list[str]:
    return sorted(
        path.removeprefix("synway_ippbx/")
        for path in listing
        if path.startswith("synway_ippbx/")
    )


def _our_issues(issue_registry: ir.IssueRegistry) -> list[str]:
    return [
        issue_id
        for domain, issue_id in issue_registry.issues
        if domain == DOMAIN and issue_id.startswith("install_blueprints")
    ]


async def _fix(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, issue_id: str
) -> dict[str, Any]:
    client = await hass_client()
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    flow = await response.json()
    assert flow["step_id"] == "confirm"
    response = await client.post(f"/api/repairs/issues/fix/{flow['flow_id']}")
    result: dict[str, Any] = await response.json()
    await hass.async_block_till_done()
    return result


async def test_setup_offers_the_blueprints_and_the_fix_installs_them(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """No blueprints in the config folder: a fixable issue; fixing it copies all three."""
    files = await hass.async_add_executor_job(shipped_blueprints)
    assert sorted(files) == NAMES
    issue_id = issue_id_for(files)
    assert _our_issues(issue_registry) == [issue_id]
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_key == "install_blueprints"

    # The Blueprints page (already loaded, with its cache) shows them afterwards.
    assert await async_setup_component(hass, "automation", {})
    listing = hass.data["blueprint"]["automation"]
    assert not _ours(await listing.async_get_blueprints())
    result = await _fix(hass, hass_client, issue_id)
    assert result["type"] == "create_entry"
    folder = install_folder(hass)
    assert sorted(path.name for path in folder.iterdir()) == NAMES
    assert _ours(await listing.async_get_blueprints()) == NAMES
    assert _our_issues(issue_registry) == []

    # Set up again with the blueprints in place: no offer.
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert _our_issues(issue_registry) == []


async def test_a_new_version_offers_them_again(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    config_dir: Path,
) -> None:
    """Changed files (a new hash) raise a new issue, replacing a dismissed old one."""
    old_id = _our_issues(issue_registry)[0]
    ir.async_ignore_issue(hass, DOMAIN, old_id, True)
    shipped = config_dir.parent / "shipped"
    shipped.mkdir()
    for name, content in shipped_blueprints().items():
        (shipped / name).write_bytes(content + b"\n# new version\n")
    folder = install_folder(hass)
    folder.mkdir(parents=True)
    (config_dir / "configuration.yaml").write_text("automation: []\n")
    (folder / "missed_call_notify.yaml").write_bytes(b"# the old one\n")
    assert await async_setup_component(hass, "automation", {})
    reloads: list[object] = []
    hass.bus.async_listen("automation_reloaded", reloads.append)
    with patch.object(blueprint_install, "SHIPPED", shipped):
        assert await hass.config_entries.async_reload(init_integration.entry_id)
        await hass.async_block_till_done()
        (new_id,) = _our_issues(issue_registry)
        assert new_id != old_id
        issue = issue_registry.async_get_issue(DOMAIN, new_id)
        assert issue is not None
        assert issue.dismissed_version is None
        result = await _fix(hass, hass_client, new_id)
    assert result["type"] == "create_entry"
    assert (
        (folder / "missed_call_notify.yaml").read_bytes().endswith(b"# new version\n")
    )
    # An older copy was replaced: automations made from it re-read it.
    assert reloads


async def test_a_folder_that_cannot_be_written_aborts(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A read-only or full disk: the flow says so, the issue stays."""
    (issue_id,) = _our_issues(issue_registry)
    with patch.object(
        Path, "write_bytes", side_effect=OSError("read-only file system")
    ):
        result = await _fix(hass, hass_client, issue_id)
    assert result["type"] == "abort"
    assert result["reason"] == "blueprint_copy_failed"
    assert _our_issues(issue_registry) == [issue_id]
    # Fixed later (automations not even loaded): installed, nothing to reload.
    assert (await _fix(hass, hass_client, issue_id))["type"] == "create_entry"
    assert _our_issues(issue_registry) == []


async def test_an_edited_copy_is_offered_the_shipped_one(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """All files there but one differs from the shipped one: offered again."""
    folder = install_folder(hass)
    files = await hass.async_add_executor_job(shipped_blueprints)

    def _write() -> None:
        folder.mkdir(parents=True)
        for name, content in files.items():
            (folder / name).write_bytes(content)

    await hass.async_add_executor_job(_write)
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert _our_issues(issue_registry) == []
    await hass.async_add_executor_job((folder / NAMES[-1]).write_bytes, b"# mine\n")
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert _our_issues(issue_registry) == [issue_id_for(files)]
