"""Repair flows: trusting a report sender the integration keeps refusing."""

from typing import Any

from homeassistant.components.repairs import (
    ConfirmRepairFlow,
    RepairsFlow,
    RepairsFlowResult,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .blueprint_install import ISSUE_INSTALL_BLUEPRINTS, InstallBlueprintsFlow
from .const import CONF_TRUSTED_SENDER, DOMAIN
from .coordinator import SynwayConfigEntry

ISSUE_UNTRUSTED_SENDER = "untrusted_report_sender"


def untrusted_sender_issue_id(entry_id: str) -> str:
    """One issue per entry: it names the latest address that kept being refused."""
    return f"{ISSUE_UNTRUSTED_SENDER}_{entry_id}"


@callback
def async_raise_untrusted_sender(
    hass: HomeAssistant, entry: SynwayConfigEntry, address: str
) -> None:
    """Reports keep coming from ``address``, which is not the PBX: let the user decide."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        untrusted_sender_issue_id(entry.entry_id),
        data={"entry_id": entry.entry_id, "address": address},
        is_fixable=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key=ISSUE_UNTRUSTED_SENDER,
        translation_placeholders={"title": entry.title, "address": address},
    )


class TrustSenderFlow(ConfirmRepairFlow):
    """Confirming makes the refused address the entry's trusted report sender."""

    def __init__(self, entry_id: str, address: str) -> None:
        """Remember which entry and which address the issue is about."""
        super().__init__()
        self._entry_id = entry_id
        self._address = address

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Store the address as trusted; reports from it are applied from now on."""
        if user_input is not None:
            entry = self.hass.config_entries.async_get_entry(self._entry_id)
            if entry is not None:
                self.hass.config_entries.async_update_entry(
                    entry, options={**entry.options, CONF_TRUSTED_SENDER: self._address}
                )
            return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="confirm",
            description_placeholders={"address": self._address},
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """Create the flow that fixes one of our issues."""
    if issue_id.startswith(ISSUE_INSTALL_BLUEPRINTS):
        return InstallBlueprintsFlow()
    data = data or {}
    return TrustSenderFlow(str(data.get("entry_id", "")), str(data.get("address", "")))
