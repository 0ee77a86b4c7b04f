"""Offer the integration's automation blueprints to users who installed it through HACS.

HACS installs ``custom_components/synway_ippbx`` only, so the blueprints ship inside it
and a repair issue offers to copy them to ``<config>/blueprints/automation/synway_ippbx``:
the Repairs list is where a user finds them without reading the docs. The issue id
carries a hash of the shipped files, so a version with changed blueprints offers them
again even to a user who dismissed the previous offer.
"""

import hashlib
from pathlib import Path
from typing import Final

from homeassistant.components.repairs import ConfirmRepairFlow, RepairsFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN, LOGGER

ISSUE_INSTALL_BLUEPRINTS: Final = "install_blueprints"
SHIPPED: Final = Path(__file__).parent / "blueprints"
BLUEPRINT_DOMAIN: Final = "automation"


def shipped_blueprints() -> dict[str, bytes]:
    """The blueprint files this version ships, by file name."""
    return {path.name: path.read_bytes() for path in sorted(SHIPPED.glob("*.yaml"))}


def blueprints_hash(files: dict[str, bytes]) -> str:
    """A short fingerprint of the shipped files (names and contents)."""
    digest = hashlib.sha256()
    for name, content in sorted(files.items()):
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(content)
    return digest.hexdigest()[:12]


def install_folder(hass: HomeAssistant) -> Path:
    """Where Home Assistant looks for our automation blueprints."""
    return Path(hass.config.path("blueprints", BLUEPRINT_DOMAIN, DOMAIN))


def _installed(folder: Path, files: dict[str, bytes]) -> bool:
    """Whether every shipped file is in the folder as shipped."""
    for name, content in files.items():
        try:
            if (folder / name).read_bytes() != content:
                return False
        except OSError:
            return False
    return True


def _copy(folder: Path, files: dict[str, bytes]) -> bool:
    """Write the files; True when an older copy of one was replaced."""
    folder.mkdir(parents=True, exist_ok=True)
    replaced = False
    for name, content in files.items():
        target = folder / name
        replaced = replaced or target.exists()
        target.write_bytes(content)
    return replaced


def issue_id_for(files: dict[str, bytes]) -> str:
    """One issue per set of shipped files."""
    return f"{ISSUE_INSTALL_BLUEPRINTS}_{blueprints_hash(files)}"


async def async_offer_blueprints(hass: HomeAssistant) -> None:
    """Raise the install issue unless this version's blueprints are installed."""
    folder = install_folder(hass)

    def _check() -> tuple[dict[str, bytes], bool]:
        files = shipped_blueprints()
        return files, _installed(folder, files)

    files, installed = await hass.async_add_executor_job(_check)
    current = issue_id_for(files)
    for domain, issue_id in list(ir.async_get(hass).issues):
        if (
            domain == DOMAIN
            and issue_id.startswith(ISSUE_INSTALL_BLUEPRINTS)
            and (installed or issue_id != current)
        ):
            ir.async_delete_issue(hass, DOMAIN, issue_id)
    if installed:
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        current,
        is_fixable=True,
        is_persistent=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=ISSUE_INSTALL_BLUEPRINTS,
        translation_placeholders={
            "count": str(len(files)),
            "folder": str(Path("blueprints", BLUEPRINT_DOMAIN, DOMAIN)),
        },
    )


class InstallBlueprintsFlow(ConfirmRepairFlow):
    """Confirming copies the blueprints to the config folder, ready to use."""

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Copy the files, then let the Blueprints page and automations see them."""
        if user_input is None:
            return self.async_show_form(
                step_id="confirm",
                description_placeholders={
                    "folder": str(Path("blueprints", BLUEPRINT_DOMAIN, DOMAIN))
                },
            )
        folder = install_folder(self.hass)

        def _install() -> bool:
            return _copy(folder, shipped_blueprints())

        try:
            replaced = await self.hass.async_add_executor_job(_install)
        except OSError as err:
            LOGGER.warning("Could not install the blueprints in %s: %s", folder, err)
            return self.async_abort(
                reason="blueprint_copy_failed",
                description_placeholders={"error": str(err)},
            )
        await _async_reload(self.hass, replaced=replaced)
        return self.async_create_entry(data={})


async def _async_reload(hass: HomeAssistant, *, replaced: bool) -> None:
    """Forget cached blueprints; automations re-read a blueprint that changed."""
    domains = hass.data.get("blueprint", {})
    if (blueprints := domains.get(BLUEPRINT_DOMAIN)) is not None:
        await blueprints.async_reset_cache()
    if replaced and hass.services.has_service(BLUEPRINT_DOMAIN, "reload"):
        await hass.services.async_call(BLUEPRINT_DOMAIN, "reload", blocking=True)
