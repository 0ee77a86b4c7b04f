"""Repair flows: trusting a report sender the integration keeps refusing."""

from typing import Any

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
import probatio as vol

from .blueprint_install import ISSUE_INSTALL_BLUEPRINTS, InstallBlueprintsFlow
from .const import CONF_TRUSTED_SENDERS, DOMAIN, MAX_TRUSTED_SENDERS
from .coordinator import SynwayConfigEntry
from .sentence_install import (
    ISSUE_PREFIX as ISSUE_INSTALL_SENTENCES,
    InstallSentencesFlow,
)

ISSUE_UNTRUSTED_SENDER = "untrusted_report_sender"
CONF_ADDRESS = "address"
# The issue lists at most this many refused addresses (the most refused first).
_LISTED_SENDERS = 10


def untrusted_sender_issue_id(entry_id: str) -> str:
    """One issue per entry: it lists every address that kept being refused."""
    return f"{ISSUE_UNTRUSTED_SENDER}_{entry_id}"


def _most_refused(refused: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(refused.items(), key=lambda item: (-item[1], item[0]))[
        :_LISTED_SENDERS
    ]


def _listing(refused: dict[str, int]) -> str:
    """The refused addresses with their counts, e.g. ``192.0.2.7 (12), 192.0.2.9 (5)``."""
    return ", ".join(
        f"{address} ({count})" for address, count in _most_refused(refused)
    )


@callback
def async_raise_untrusted_sender(
    hass: HomeAssistant, entry: SynwayConfigEntry, refused: dict[str, int]
) -> None:
    """Reports keep coming from addresses that are not the PBX: let the user decide.

    ``refused`` counts the refused reports per address; all of them are listed (with
    their counts) and the user picks the one to trust, if any.
    """
    if not refused:
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        untrusted_sender_issue_id(entry.entry_id),
        # Issue data holds only scalars: the counts travel as "address=count,...".
        data={
            "entry_id": entry.entry_id,
            "refused": ",".join(f"{a}={n}" for a, n in _most_refused(refused)),
        },
        is_fixable=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key=ISSUE_UNTRUSTED_SENDER,
        translation_placeholders={"title": entry.title, "addresses": _listing(refused)},
    )


class TrustSenderFlow(RepairsFlow):
    """The user picks one refused address; it joins the entry's trusted senders."""

    def __init__(self, entry_id: str, refused: dict[str, int]) -> None:
        """Remember which entry and which addresses the issue is about."""
        super().__init__()
        self._entry_id = entry_id
        self._refused = refused

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Start at the choice."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Add the picked address to the trusted ones (the others stay trusted)."""
        if user_input is not None:
            entry = self.hass.config_entries.async_get_entry(self._entry_id)
            address = user_input[CONF_ADDRESS]
            # (The selector only lets through an address of the list.)
            if entry is not None:
                trusted = [
                    text
                    for text in entry.options.get(CONF_TRUSTED_SENDERS, [])
                    if text != address
                ]
                # A full list drops its oldest address for the new one.
                trusted = [*trusted, address][-MAX_TRUSTED_SENDERS:]
                self.hass.config_entries.async_update_entry(
                    entry, options={**entry.options, CONF_TRUSTED_SENDERS: trusted}
                )
            return self.async_create_entry(data={})
        choices = [
            SelectOptionDict(value=address, label=f"{address} ({count})")
            for address, count in _most_refused(self._refused)
        ]
        return self.async_show_form(
            step_id="confirm",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_ADDRESS): SelectSelector(
                        SelectSelectorConfig(
                            options=choices, mode=SelectSelectorMode.LIST
                        )
                    )
                }
            ),
            description_placeholders={"addresses": _listing(self._refused)},
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """Create the flow that fixes one of our issues."""
    if issue_id.startswith(ISSUE_INSTALL_SENTENCES):
        return InstallSentencesFlow()
    if issue_id.startswith(ISSUE_INSTALL_BLUEPRINTS):
        return InstallBlueprintsFlow()
    data = data or {}
    counts: dict[str, int] = {}
    for item in str(data.get("refused") or "").split(","):
        address, _, count = item.rpartition("=")
        if address and count.isdigit():
            counts[address] = int(count)
    return TrustSenderFlow(str(data.get("entry_id", "")), counts)
