"""Offer to install the voice commands into ``<config>/custom_sentences/<language>/``.

Assist's built-in agent reads sentences only from there, a folder a HACS install never
writes to.

On setup a repair issue asks the user; its fix flow copies the shipped files and reloads
``conversation``. The issue id carries a hash of the shipped sentences, so a version that
ships different sentences asks again (also after the user ignored an older offer).
"""

from collections.abc import Mapping
import hashlib
from pathlib import Path
import shutil
from typing import Final

from homeassistant.components.repairs import ConfirmRepairFlow, RepairsFlowResult
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN, LOGGER

SHIPPED: Final = Path(__file__).parent / "custom_sentences"
FILE_NAME: Final = f"{DOMAIN}.yaml"
ISSUE_PREFIX: Final = "install_voice_commands"
CONVERSATION: Final = "conversation"


def shipped_files(shipped: Path = SHIPPED) -> dict[str, bytes]:
    """The sentences files this version ships, by language folder (blocking I/O)."""
    return {
        folder.name: (folder / FILE_NAME).read_bytes()
        for folder in sorted(shipped.iterdir())
        if (folder / FILE_NAME).is_file()
    }


def sentences_hash(files: Mapping[str, bytes]) -> str:
    """A short fingerprint of a set of sentences files."""
    digest = hashlib.sha256()
    for language in sorted(files):
        digest.update(language.encode() + b"\0" + files[language] + b"\0")
    return digest.hexdigest()[:12]


def installed_files(
    config_dir: Path, languages: Mapping[str, bytes]
) -> dict[str, bytes]:
    """The copies found in the config folder, for the shipped languages (blocking I/O)."""
    found: dict[str, bytes] = {}
    for language in languages:
        path = config_dir / "custom_sentences" / language / FILE_NAME
        if path.is_file():
            found[language] = path.read_bytes()
    return found


def issue_id(fingerprint: str) -> str:
    """One issue per shipped version of the sentences."""
    return f"{ISSUE_PREFIX}_{fingerprint}"


def _state(config_dir: Path) -> tuple[str, bool, bool]:
    """(fingerprint, whether the copies are current, whether any copy exists)."""
    shipped = shipped_files()
    installed = installed_files(config_dir, shipped)
    return sentences_hash(shipped), installed == shipped, bool(installed)


async def async_offer_sentences(hass: HomeAssistant) -> None:
    """Raise the install offer unless the shipped sentences are installed as they are."""
    fingerprint, current, any_installed = await hass.async_add_executor_job(
        _state, Path(hass.config.config_dir)
    )
    wanted = issue_id(fingerprint)
    registry = ir.async_get(hass)
    for domain, existing in list(registry.issues):
        if (
            domain == DOMAIN
            and existing.startswith(ISSUE_PREFIX)
            and existing != wanted
        ):
            ir.async_delete_issue(hass, DOMAIN, existing)
    if current:
        ir.async_delete_issue(hass, DOMAIN, wanted)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        wanted,
        is_fixable=True,
        is_persistent=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="update_voice_commands" if any_installed else ISSUE_PREFIX,
        translation_placeholders={"folder": "custom_sentences/<language>/"},
    )


@callback
def async_withdraw_offer(hass: HomeAssistant) -> None:
    """Withdraw the offer: with no PBX left, the sentences would have nothing to drive."""
    for domain, existing in list(ir.async_get(hass).issues):
        if domain == DOMAIN and existing.startswith(ISSUE_PREFIX):
            ir.async_delete_issue(hass, DOMAIN, existing)


def install(config_dir: Path, shipped: Path = SHIPPED) -> list[str]:
    """Copy the shipped files into ``<config>/custom_sentences/`` (blocking I/O)."""
    languages = []
    for language in shipped_files(shipped):
        target = config_dir / "custom_sentences" / language
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shipped / language / FILE_NAME, target / FILE_NAME)
        languages.append(language)
    return languages


class InstallSentencesFlow(ConfirmRepairFlow):
    """Confirming copies the sentences and reloads Assist's agent."""

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Copy, reload, done (or say why the copy failed)."""
        if user_input is None:
            return self.async_show_form(step_id="confirm")
        try:
            languages = await self.hass.async_add_executor_job(
                install, Path(self.hass.config.config_dir)
            )
        except OSError as err:
            LOGGER.warning("Could not install the voice commands: %s", err)
            return self.async_abort(reason="cannot_write")
        LOGGER.debug("Installed voice commands for %s", ", ".join(languages))
        if self.hass.services.has_service(CONVERSATION, "reload"):
            await self.hass.services.async_call(
                CONVERSATION, "reload", {}, blocking=True
            )
        return self.async_create_entry(data={})
