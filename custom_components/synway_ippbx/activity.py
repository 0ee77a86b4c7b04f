"""Which reports earn a described Activity row, and on which phone's page it shows.

The rule is in ``describe`` (no Home Assistant there); this module looks up which
entities are enabled and names the row's entity and device for the logbook.
"""

from typing import TYPE_CHECKING, Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

from .api import ExtensionStatusReport, HangupReport, Report
from .const import DOMAIN
from .describe import SHOWN_BY_STATUS, Line, Shower, describe_report, shown_by
from .devices import hub_identifier, object_identifier
from .store import HUB_KEY, Key, extension_key

if TYPE_CHECKING:
    from .coordinator import SynwayConfigEntry


def _no_names(_number: str | None) -> str | None:
    return None


# The last report described without names, and its line: the webhook asks twice per
# report (which entity the bus event names, whether an Activity row is due), back to back
# before the report is applied, and the second answer is the first.
_last_unnamed: tuple[Report, bool, Line] | None = None


def describe_unnamed(report: Report, *, missed: bool = False) -> Line:
    """`describe_report` without names (for the subject and the icon), worked out once."""
    global _last_unnamed  # noqa: PLW0603 (a one-entry memo)
    last = _last_unnamed
    if last is not None and last[0] is report and last[1] == missed:
        return last[2]
    line = describe_report(report, _no_names, missed=missed)
    _last_unnamed = (report, missed, line)
    return line


@callback
def _registry_entry(
    hass: HomeAssistant, entry: SynwayConfigEntry, key: Key, shower: Shower
) -> er.RegistryEntry | None:
    """The registry entry of one entity of an object (two dictionary lookups)."""
    platform, suffix = shower
    identifier = (
        hub_identifier(entry) if key == HUB_KEY else object_identifier(entry, key)
    )
    registry = er.async_get(hass)
    entity_id = registry.async_get_entity_id(platform, DOMAIN, f"{identifier}_{suffix}")
    return registry.async_get(entity_id) if entity_id else None


@callback
def async_activity_data(
    hass: HomeAssistant,
    entry: SynwayConfigEntry,
    report: Report,
    data: dict[str, Any],
) -> dict[str, Any] | None:
    """The data of a described Activity row for a report, or None when it needs none.

    Called before the report is applied, with its bus event data. A row is written
    only for what no enabled entity shows (the rule is in ``describe``), attributed
    to the phone's Status sensor and device, so that the device page lists it.
    """
    store = entry.runtime_data.coordinator.data
    if isinstance(report, HangupReport) and store.calls.call(report.callid) is None:
        # The end of a call already reported over (CALLFAILED, then HANGUP).
        return None
    if isinstance(report, ExtensionStatusReport):
        # The commonest report: no words needed to know it is the Status sensor's.
        key, shower = extension_key(report.extension), SHOWN_BY_STATUS
    else:
        line = describe_unnamed(report, missed=data.get("missed") is True)
        if (found := shown_by(report, line)) is None:
            return None
        key = line.key if line.key is not None and line.key[1] else HUB_KEY
        shower = found
    if key[0] == "extension" and key[1] not in store.extensions:
        # A phone the PBX has not listed yet: its device (and Status) come with the
        # next poll, and the bus event reaches automations meanwhile.
        return None
    shown = _registry_entry(hass, entry, key, shower)
    if shown is not None and not shown.disabled:
        return None
    home = shown
    if key[0] == "extension":
        home = _registry_entry(hass, entry, key, SHOWN_BY_STATUS) or shown
    activity = dict(data)
    activity.pop("entity_id", None)
    if home is not None:
        activity["entity_id"] = home.entity_id
        if home.device_id is not None:
            activity["device_id"] = home.device_id
    return activity
