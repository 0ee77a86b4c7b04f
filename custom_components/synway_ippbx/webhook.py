"""The report receiver: the PBX POSTs its reports to a Home Assistant webhook."""

from collections.abc import Hashable
from datetime import datetime, timedelta
import hashlib
from typing import Final

from aiohttp import web
from aiohttp.hdrs import METH_POST
from homeassistant.components import webhook
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.network import NoURLAvailableError, get_url
from homeassistant.util import dt as dt_util

from .api import (
    MAX_REPORT_SIZE,
    AgentStatusReport,
    AgentWrapUpReport,
    CallReport,
    CdrReport,
    ExtensionStatusReport,
    QueueOverflowReport,
    QueueStatusReport,
    Report,
    ReportParseError,
    parse_report,
)
from .const import CONF_REPORT_URL, CONF_WEBHOOK_ID, DOMAIN, EVENT_SYNWAY, LOGGER
from .coordinator import SynwayConfigEntry
from .events import async_bus_event_data

# The PBX re-sends a report it did not see acknowledged. The manual gives no figures;
# the family this API derives from retries a few times, 1-2 s apart (api-behaviour.md
# §1.1), so a re-send arrives within a few seconds of the first delivery. A body seen
# again later than this is a new report that happens to read the same.
RETRY_SPAN: Final = timedelta(seconds=10)
# Past this many remembered objects, the ones older than the retry span are forgotten.
_PRUNE_AT: Final = 1024


def report_subjects(report: Report) -> tuple[Hashable, ...]:
    """The objects a report is about: its extension, call (and the call's extensions) or queue.

    ExtensionStatus carries no id, so two identical bodies are one delivery only when no
    other report about the same object came between them.
    """
    match report:
        case ExtensionStatusReport():
            return (("extension", report.extension),)
        case CallReport() | CdrReport():
            extensions = {
                party.extension
                for party in report.parties
                if party.kind == "extension" and party.extension
            }
            if isinstance(report, CdrReport):
                extensions |= {n for n in (report.caller, report.callee) if n}
            return (
                ("call", report.callid),
                *(("extension", number) for number in sorted(extensions)),
            )
        case (
            QueueStatusReport()
            | QueueOverflowReport()
            | AgentStatusReport()
            | AgentWrapUpReport()
        ):
            return (("queue", report.queue_id),)
    return (("event", report.event),)


def report_url(hass: HomeAssistant, entry: SynwayConfigEntry) -> str | None:
    """The address the PBX should post reports to, written as the manual writes it.

    The ``report_url`` option wins; otherwise Home Assistant's internal URL plus the
    webhook path, as ``host:port/path`` without a scheme when it is plain http.
    """
    if override := entry.options.get(CONF_REPORT_URL):
        return str(override)
    try:
        base = get_url(
            hass, allow_external=False, allow_cloud=False, prefer_external=False
        )
    except NoURLAvailableError:
        return None
    url = base.rstrip("/") + webhook.async_generate_path(entry.data[CONF_WEBHOOK_ID])
    return url.removeprefix("http://")


class ReportReceiver:
    """Answers every report 200 at once, drops bad ones, hands good ones on."""

    def __init__(self, hass: HomeAssistant, entry: SynwayConfigEntry) -> None:
        """Bind to an entry; call ``async_register`` to start receiving."""
        self._hass = hass
        self._entry = entry
        # Per object: the digest of the last report about it, and when it came.
        self._last: dict[Hashable, tuple[bytes, datetime]] = {}
        self._prune_at = _PRUNE_AT

    @callback
    def async_register(self) -> None:
        """Register the webhook; it is unregistered when the entry unloads."""
        webhook_id = self._entry.data[CONF_WEBHOOK_ID]
        webhook.async_register(
            self._hass,
            DOMAIN,
            self._entry.title,
            webhook_id,
            self._async_handle,
            local_only=True,
            allowed_methods=[METH_POST],
        )
        self._entry.async_on_unload(
            lambda: webhook.async_unregister(self._hass, webhook_id)
        )

    async def _async_handle(
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        """Read, check and apply one report; the answer is always 200."""
        coordinator = self._entry.runtime_data.coordinator
        body = await request.content.read(MAX_REPORT_SIZE + 1)
        try:
            report = parse_report(body)
        except ReportParseError as err:
            coordinator.reports.rejected += 1
            LOGGER.debug("Dropped a report that cannot be used: %s", err)
            return web.Response(status=200)
        if self._is_resend(report, body):
            coordinator.reports.duplicates += 1
            LOGGER.debug("Dropped a re-sent %s report", report.event)
            return web.Response(status=200)
        data = async_bus_event_data(hass, self._entry, report)
        if (features := self._entry.runtime_data.features) is not None and (
            screened := features.async_handle_report(report)
        ) is not None:
            data["screened"] = screened
        hass.bus.async_fire(EVENT_SYNWAY, data)
        coordinator.async_handle_report(report)
        return web.Response(status=200)

    def _is_resend(self, report: Report, body: bytes) -> bool:
        """Whether the body is a retry of the last delivery about each of its objects."""
        digest = hashlib.blake2b(body, digest_size=16).digest()
        now = dt_util.utcnow()
        subjects = report_subjects(report)
        last = self._last
        if all(
            (seen := last.get(subject)) is not None
            and seen[0] == digest
            and now - seen[1] <= RETRY_SPAN
            for subject in subjects
        ):
            return True
        if len(last) >= self._prune_at:
            for subject in [s for s, (_, t) in last.items() if now - t > RETRY_SPAN]:
                del last[subject]
            # A burst keeps many objects inside the span: sweep again only once the
            # map has doubled, so a flood costs linear time.
            self._prune_at = max(_PRUNE_AT, 2 * len(last))
        for subject in subjects:
            last[subject] = (digest, now)
        return False
