"""The features beyond the PBX's live state, held as one: screening, settings, agents, figures.

They hang off the entry's runtime data as one ``Features`` object, set up after the first
poll (feature_setup.py), so the coordinator needs only one hook to feed them a report.
Each lives in its own module: screening.py, settings_cache.py, agents.py, statistics.py.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from homeassistant.core import callback

from .agents import AgentDirectory
from .api import (
    AgentStatusReport,
    AgentWrapUpReport,
    CallFailedReport,
    CdrReport,
    HangupReport,
    Report,
    SystemUpReport,
)
from .pbx.store import ObjectKey
from .screening import InboundScreener
from .settings_cache import ExtensionSettingsCache
from .statistics import CallStatistics

# The coordinator context of the features' own listener (woken on every refresh outcome).
FEATURES_KEY: Final = ObjectKey("features")


@dataclass(slots=True)
class Features:
    """Everything of this module an entry holds."""

    screener: InboundScreener
    statistics: CallStatistics
    settings: ExtensionSettingsCache
    agents: AgentDirectory
    # Set once they were read and started after the first poll (feature_setup.py);
    # reports that arrive before are not theirs to see.
    ready: bool = False

    @callback
    def async_handle_report(
        self, report: Report, fields: Mapping[str, Any] | None = None
    ) -> dict[str, Any] | None:
        """Feed a report (and its bus event ``fields``); returns ``screened``, if any."""
        if not self.ready:
            return None
        if isinstance(report, CdrReport):
            self.statistics.async_handle_report(report)
        if isinstance(report, HangupReport | CallFailedReport) and fields:
            self.statistics.async_handle_ended(report.callid, fields)
        if isinstance(report, (AgentStatusReport, AgentWrapUpReport)):
            self.agents.async_handle_report(report)
        if isinstance(report, SystemUpReport):
            # Reports sent while the PBX rebooted may be lost: count from its records.
            self.statistics.schedule_backfill()
        return self.screener.async_handle(report)
