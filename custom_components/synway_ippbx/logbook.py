"""Logbook: what happened on the PBX, in plain words, where no entity shows it.

Only ``synway_ippbx_activity`` is described, fired for the reports that earn a row
(see ``describe``); the ``synway_ippbx_event`` bus event of every report is for
automations and writes no row, so the Activity page says each thing once.

The event carries its row's words (``words``: worked out once, when the report came);
this module only puts in the names, as known when the row is shown.
"""

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_ENTITY_ID,
    LOGBOOK_ENTRY_ICON,
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import Event, HomeAssistant, callback

from .const import DOMAIN, EVENT_ACTIVITY
from .coordinator import SynwayConfigEntry
from .pbx.wording import Line, Names, render_words

DEFAULT_NAME = "Synway IPPBX"


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[
        [str, str, Callable[[Event[Mapping[str, Any]]], dict[str, str]]], None
    ],
) -> None:
    """Teach the logbook to describe PBX reports."""

    @callback
    def async_describe_report(event: Event[Mapping[str, Any]]) -> dict[str, str]:
        """Say what happened, on the entity of the phone (or queue) it happened to.

        Rows on an entity show on its device page, with the icon of what happened.
        """
        data = event.data
        title = DEFAULT_NAME
        entry: SynwayConfigEntry | None = None
        if (entry_id := data.get("config_entry_id")) and (
            found := hass.config_entries.async_get_entry(str(entry_id))
        ):
            entry, title = found, found.title
        words = data.get("words")
        if isinstance(words, Mapping):
            line = render_words(words, _names(entry, data))
        else:
            # Not from this version (or not from us): say what we can without words.
            line = Line(None, f"sent event {data.get('event') or 'unknown'}")
        row = {
            LOGBOOK_ENTRY_NAME: line.subject or title,
            LOGBOOK_ENTRY_MESSAGE: line.message,
        }
        if line.icon:
            row[LOGBOOK_ENTRY_ICON] = line.icon
        # The phone's Status sensor (the event also names its device): the device
        # page finds the row by it.
        if isinstance(entity_id := data.get("entity_id"), str):
            row[LOGBOOK_ENTRY_ENTITY_ID] = entity_id
        return row

    async_describe_event(DOMAIN, EVENT_ACTIVITY, async_describe_report)


def _names(pbx: SynwayConfigEntry | None, data: Mapping[str, Any]) -> Names:
    """Names of extensions: the event's own, else the PBX's as now known."""
    given = {
        str(data.get(number)): str(data.get(name))
        for number, name in (
            ("caller_number", "caller_name"),
            ("callee_number", "callee_name"),
        )
        if data.get(number) and data.get(name)
    }

    def _name(number: str | None) -> str | None:
        if number is None:
            return None
        if number in given:
            return given[number]
        if pbx is not None and pbx.state is ConfigEntryState.LOADED:
            return pbx.runtime_data.coordinator.data.extension_name(number)
        return None

    return _name
