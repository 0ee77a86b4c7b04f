"""The report receiver: the PBX POSTs its reports to a Home Assistant webhook."""

from collections.abc import Hashable
from datetime import datetime, timedelta
import hashlib
import ipaddress
import socket
from typing import Final

from aiohttp import web
from aiohttp.hdrs import METH_POST
from homeassistant.components import webhook
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.network import NoURLAvailableError, get_url
from homeassistant.util import dt as dt_util

from .api import (
    MAX_REPORT_SIZE,
    AgentStatusReport,
    AgentWrapUpReport,
    BodyTooLargeError,
    CallReport,
    CdrReport,
    ExtensionStatusReport,
    QueueOverflowReport,
    QueueStatusReport,
    Report,
    ReportParseError,
    parse_address,
    parse_report,
    read_body,
)
from .const import (
    CONF_REPORT_URL,
    CONF_TRUSTED_SENDERS,
    CONF_WEBHOOK_ID,
    DOMAIN,
    LOGGER,
)
from .coordinator import SynwayConfigEntry
from .pbx.report_facts import facts_of
from .repairs import async_raise_untrusted_sender

type IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# The PBX re-sends a report it did not see acknowledged. The manual gives no figures;
# the family this API derives from retries a few times, 1-2 s apart, so a
# re-send arrives within a few seconds of the first delivery. A body seen
# again later than this is a new report that happens to read the same.
RETRY_SPAN: Final = timedelta(seconds=10)
# Past this many remembered objects, the ones older than the retry span are forgotten.
_PRUNE_AT: Final = 1024

# A PBX whose name resolves anew (DHCP, DNS change) is looked up again this often, and at
# most this often after a refusal.
_RESOLVE_EVERY: Final = timedelta(minutes=10)
_RESOLVE_AFTER_REFUSAL: Final = timedelta(minutes=1)
# Refused reports from one address before a repair issue offers to trust it: a few stray
# posts are noise, a steady stream is a PBX sending from another interface (or an attack).
REFUSALS_FOR_ISSUE: Final = 5
# How many refusing addresses are counted at once (a flood from many cannot grow memory).
_MAX_REFUSED_SENDERS: Final = 64


def report_subjects(report: Report) -> tuple[Hashable, ...]:
    """The objects a report is about: its extension, call (and the call's extensions) or queue.

    ExtensionStatus carries no id, so two identical bodies are one delivery only when no
    other report about the same object came between them.
    """
    match facts_of(report).about, report:
        case "extension", ExtensionStatusReport():
            return (("extension", report.extension),)
        case "call", CallReport() | CdrReport():
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
            "queue",
            QueueStatusReport()
            | QueueOverflowReport()
            | AgentStatusReport()
            | AgentWrapUpReport(),
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
        self._pbx_addresses: frozenset[IpAddress] = frozenset()
        self._resolved_at: datetime | None = None
        self._refused_by: dict[IpAddress | None, int] = {}
        # The sender addresses (as aiohttp writes them) let in since the last lookup: the
        # PBX posts every report from the same one, so most reports skip the checks.
        self._let_in: set[str] = set()

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
        """Check the sender, read, check and apply one report.

        The PBX's own addresses (and the trusted one) get 200 for everything, so that it
        never re-sends a report we chose to drop; anyone else gets 403.
        """
        coordinator = self._entry.runtime_data.coordinator
        remote = request.remote
        if remote not in self._let_in or self._lookup_due(dt_util.utcnow()):
            sender = _ip(remote)
            if sender is None or not await self._async_allowed(sender):
                self._refuse(sender)
                return web.Response(status=403)
            if remote is not None:
                self._let_in.add(remote)
        try:
            body = await read_body(
                request.content, request.content_length, MAX_REPORT_SIZE
            )
        except BodyTooLargeError:
            coordinator.reports.rejected += 1
            LOGGER.debug("Dropped a report larger than %d bytes", MAX_REPORT_SIZE)
            return web.Response(status=200)
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
        coordinator.async_handle_report(report, len(body))
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

    def _lookup_due(self, now: datetime) -> bool:
        """Whether the PBX's name should be looked up again before letting anyone in."""
        return self._resolved_at is None or now - self._resolved_at >= _RESOLVE_EVERY

    async def _async_allowed(self, sender: IpAddress) -> bool:
        """Whether a report from ``sender`` may be applied."""
        if sender in {
            _ip(trusted)
            for trusted in self._entry.options.get(CONF_TRUSTED_SENDERS, [])
        }:
            return True
        now = dt_util.utcnow()
        since = now - self._resolved_at if self._resolved_at else None
        if (
            since is None
            or since >= _RESOLVE_EVERY
            or (sender not in self._pbx_addresses and since >= _RESOLVE_AFTER_REFUSAL)
        ):
            await self._async_resolve(now)
        return sender in self._pbx_addresses

    async def _async_resolve(self, now: datetime) -> None:
        """Look the PBX's host up (a literal address needs no lookup)."""
        self._resolved_at = now
        self._let_in.clear()
        host = parse_address(self._entry.data[CONF_HOST]).host
        if literal := _ip(host):
            self._pbx_addresses = frozenset({literal})
            return
        try:
            infos = await self._hass.loop.getaddrinfo(
                host, None, type=socket.SOCK_STREAM
            )
        except (OSError, UnicodeError) as err:
            # Keep what we knew: a DNS hiccup must not refuse the PBX's reports.
            LOGGER.debug("Cannot resolve the PBX's address %s: %s", host, err)
            return
        found = {_ip(str(info[4][0])) for info in infos}
        self._pbx_addresses = frozenset(item for item in found if item is not None)

    def _refuse(self, sender: IpAddress | None) -> None:
        """Count a refused report; a steady stream from one address raises an issue."""
        coordinator = self._entry.runtime_data.coordinator
        coordinator.reports.refused += 1
        LOGGER.debug("Refused a report from %s, which is not the PBX", sender)
        if sender not in self._refused_by and (
            len(self._refused_by) >= _MAX_REFUSED_SENDERS
        ):
            return
        count = self._refused_by.get(sender, 0) + 1
        self._refused_by[sender] = count
        # Raised when an address reaches the threshold, refreshed (counts, new addresses)
        # at every further multiple of it: not on each refusal of a flood.
        if count % REFUSALS_FOR_ISSUE == 0:
            async_raise_untrusted_sender(
                self._hass,
                self._entry,
                {
                    str(address): seen
                    for address, seen in self._refused_by.items()
                    if address is not None
                },
            )


def _ip(value: object) -> IpAddress | None:
    """An IP address from text; IPv4-mapped IPv6 is the IPv4 address it carries."""
    if not isinstance(value, str):
        return None
    try:
        address = ipaddress.ip_address(value.strip().split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address
