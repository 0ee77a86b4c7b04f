"""Diagnostics: configuration, the state store and report statistics, secrets redacted."""

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant

from .const import (
    CONF_REPORT_URL,
    CONF_TRUSTED_SENDER,
    CONF_TRUSTED_SENDERS,
    CONF_WEBHOOK_ID,
)
from .coordinator import SynwayConfigEntry

# Phone numbers are personal data: the numbers of callers and the far ends of calls.
TO_REDACT = {
    CONF_PASSWORD,
    CONF_USERNAME,
    CONF_WEBHOOK_ID,
    CONF_REPORT_URL,
    CONF_TRUSTED_SENDER,
    CONF_TRUSTED_SENDERS,
    "token",
    "number",
    "caller",
    "did_number",
    "agent_passwords",
    "screen_block_list",
    "screen_allow_list",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: SynwayConfigEntry
) -> dict[str, Any]:
    """Return what helps debugging, without secrets or callers' numbers."""
    coordinator = entry.runtime_data.coordinator
    store = coordinator.data
    reports = coordinator.reports
    return {
        "entry": {
            "data": async_redact_data(dict(entry.data), TO_REDACT),
            "options": async_redact_data(dict(entry.options), TO_REDACT),
        },
        "connection": {
            "last_update_success": coordinator.last_update_success,
            "token_alive": coordinator.link.token_alive,
            "event_stream_alive": coordinator.event_stream_alive,
            "report_url_set": entry.runtime_data.report_url is not None,
            "legacy_tls": coordinator.client.legacy_tls,
            "credentials_rejected": coordinator.client.credentials_rejected,
        },
        "reports": {
            "received": reports.received,
            "rejected": reports.rejected,
            "duplicates": reports.duplicates,
            "refused": reports.refused,
            "last_received": (
                reports.last_received.isoformat() if reports.last_received else None
            ),
            "by_event": dict(sorted(reports.by_event.items())),
        },
        "extensions": {
            number: {
                "type": record.type.value,
                "status": record.status.value,
                "port": record.port,
                "calls": len(store.calls.legs(number)),
            }
            for number, record in sorted(store.extensions.items())
        },
        "trunks": {
            name: {
                "type": record.type.value,
                "status": record.status.value,
                "port": record.port,
            }
            for name, record in sorted(store.trunks.items())
        },
        "queues": {
            queue_id: {
                "waiting_callers": record.caller_count,
                "agents": len(record.agents),
                "agents_available": record.agents_available,
            }
            for queue_id, record in sorted(store.queues.items())
        },
        "calls": _hide_made_up_ids(
            async_redact_data(store.calls.snapshot(), TO_REDACT)
        ),
    }


def _hide_made_up_ids(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Replace the leg ids the call tracker made up, which embed the party's number.

    Each becomes ``made-up-N``, the same N for the same id within one download, so legs
    still link up; the PBX's own uuids carry nothing personal and stay readable.
    """
    labels: dict[str, str] = {}
    for call in calls:
        for leg in call.get("legs", []):
            uuid = leg.get("uuid")
            if isinstance(uuid, str) and ":" in uuid:
                leg["uuid"] = labels.setdefault(uuid, f"made-up-{len(labels) + 1}")
    return calls
