"""The report receiver: the PBX POSTs its reports to a Home Assistant webhook."""

from collections import deque
import hashlib
from typing import Final

from aiohttp import web
from aiohttp.hdrs import METH_POST
from homeassistant.components import webhook
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.network import NoURLAvailableError, get_url

from .api import MAX_REPORT_SIZE, ReportParseError, parse_report
from .const import CONF_REPORT_URL, CONF_WEBHOOK_ID, DOMAIN, EVENT_SYNWAY, LOGGER
from .coordinator import SynwayConfigEntry

# The PBX re-sends a report it did not see acknowledged; remember recent bodies to
# drop those repeats (a hash each, so a burst costs a few kilobytes).
_RECENT_REPORTS: Final = 256


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
        self._recent: deque[bytes] = deque(maxlen=_RECENT_REPORTS)
        self._recent_set: set[bytes] = set()

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
        digest = hashlib.blake2b(body, digest_size=16).digest()
        if digest in self._recent_set:
            coordinator.reports.duplicates += 1
            LOGGER.debug("Dropped a repeated %s report", report.event)
            return web.Response(status=200)
        if len(self._recent) == self._recent.maxlen:
            self._recent_set.discard(self._recent[0])
        self._recent.append(digest)
        self._recent_set.add(digest)
        data = {**report.data, "config_entry_id": self._entry.entry_id}
        if (features := self._entry.runtime_data.features) is not None and (
            screened := features.async_handle_report(report)
        ) is not None:
            data["screened"] = screened
        hass.bus.async_fire(EVENT_SYNWAY, data)
        coordinator.async_handle_report(report)
        return web.Response(status=200)
