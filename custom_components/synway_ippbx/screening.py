"""Inbound call screening inside the PBX's 10-second CallinRequest window.

With "Control Inbound Call Answering" on a trunk, the PBX announces each inbound call with
a CallinRequest report and holds it up to 10 s for inbound_accept or inbound_refuse; with
no answer it routes the call anyway. The options decide per caller: the block list
refuses, the allow list accepts, the rest follow the default (leave it to the PBX,
accept, refuse, or let an automation decide). An automation has until 8 s; then the
fallback is applied, so the PBX's window is never missed.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
import re
from typing import Any, Final

from homeassistant.const import (
    ATTR_DOMAIN,
    ATTR_SERVICE,
    ATTR_SERVICE_DATA,
    EVENT_CALL_SERVICE,
)
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later

from .api import (
    CallFailedReport,
    CallinRequestReport,
    CallReport,
    HangupReport,
    Report,
    SynwayClient,
    SynwayError,
)
from .const import DOMAIN, EVENT_SYNWAY, LOGGER
from .pbx.happening import BUS_FIELDS

CONF_SCREEN_BLOCK: Final = "screen_block_list"
CONF_SCREEN_ALLOW: Final = "screen_allow_list"
CONF_SCREEN_DEFAULT: Final = "screen_default"
CONF_SCREEN_FALLBACK: Final = "screen_fallback"

# What happens to callers on neither list.
DEFAULT_PBX: Final = "pbx"  # no screening: the PBX routes the call after 10 s
DEFAULT_ACCEPT: Final = "accept"
DEFAULT_REFUSE: Final = "refuse"
DEFAULT_AUTOMATION: Final = "automation"
SCREEN_DEFAULTS: Final = (
    DEFAULT_PBX,
    DEFAULT_ACCEPT,
    DEFAULT_REFUSE,
    DEFAULT_AUTOMATION,
)
SCREEN_FALLBACKS: Final = (DEFAULT_ACCEPT, DEFAULT_REFUSE)

# The PBX waits 10 s; deciding at 8 s leaves room for a slow network and a busy PBX.
FALLBACK_AFTER: Final = timedelta(seconds=8)

# The follow-up bus event once an automation's (or the fallback's) decision is known.
EVENT_SCREENED: Final = "CallinScreened"
CALL_TYPE_SCREENED: Final = "callin_screened"

_SEPARATORS = re.compile(r"[,;\n]+")


def parse_patterns(value: str | Iterable[str] | None) -> list[str]:
    """Patterns from the options: a list, or one text separated by commas or lines."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    return [
        part
        for item in items
        if isinstance(item, str)
        for part in (p.strip() for p in _SEPARATORS.split(item))
        if part
    ]


def _compile(pattern: str) -> re.Pattern[str]:
    """``*`` stands for any run of characters; ``0900*`` is a prefix, ``*123`` a suffix."""
    return re.compile(
        "".join(
            ".*" if part == "*" else re.escape(part)
            for part in re.split(r"(\*)", pattern)
        )
    )


def _normalise(number: str) -> str:
    """Compare numbers without the spaces, dashes and brackets people type."""
    return re.sub(r"[\s\-().]", "", number)


@dataclass(frozen=True, slots=True)
class ScreeningRules:
    """The screening options of one entry."""

    block: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    default: str = DEFAULT_PBX
    fallback: str = DEFAULT_ACCEPT

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> ScreeningRules:
        """Read the options, tolerating anything odd (unknown choices mean the defaults)."""
        default = options.get(CONF_SCREEN_DEFAULT, DEFAULT_PBX)
        fallback = options.get(CONF_SCREEN_FALLBACK, DEFAULT_ACCEPT)
        return cls(
            block=tuple(parse_patterns(options.get(CONF_SCREEN_BLOCK))),
            allow=tuple(parse_patterns(options.get(CONF_SCREEN_ALLOW))),
            default=default if default in SCREEN_DEFAULTS else DEFAULT_PBX,
            fallback=fallback if fallback in SCREEN_FALLBACKS else DEFAULT_ACCEPT,
        )

    @property
    def active(self) -> bool:
        """Whether screening does anything at all."""
        return bool(self.block or self.allow or self.default != DEFAULT_PBX)

    def decide(self, caller: str | None) -> tuple[str, str]:
        """Return (decision, rule): the block list wins over the allow list."""
        number = _normalise(caller or "")
        if any(_compile(_normalise(p)).fullmatch(number) for p in self.block):
            return DEFAULT_REFUSE, "block_list"
        if any(_compile(_normalise(p)).fullmatch(number) for p in self.allow):
            return DEFAULT_ACCEPT, "allow_list"
        return self.default, "default"


@dataclass(frozen=True, slots=True)
class _Waiting:
    """A call waiting for an automation, and what the outcome's bus event says."""

    uuid: str
    caller: str | None
    did: str | None
    cancel: CALLBACK_TYPE


class InboundScreener:
    """Answers CallinRequests by the rules, and applies the fallback for automations."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        client: SynwayClient,
        rules: ScreeningRules,
    ) -> None:
        """Bind to an entry's client and options."""
        self._hass = hass
        self._entry_id = entry_id
        self._client = client
        self.rules = rules
        # Calls waiting for an automation: callid -> what the outcome's event needs.
        self._waiting: dict[str, _Waiting] = {}
        self._unsubscribe: CALLBACK_TYPE | None = None

    @callback
    def async_start(self) -> None:
        """Notice when an automation answers with accept_inbound or refuse_inbound."""

        @callback
        def _is_ours(data: Mapping[str, Any]) -> bool:
            return data.get(ATTR_DOMAIN) == DOMAIN and data.get(ATTR_SERVICE) in (
                "accept_inbound",
                "refuse_inbound",
            )

        @callback
        def _service_called(event: Event[Mapping[str, Any]]) -> None:
            service_data = event.data.get(ATTR_SERVICE_DATA) or {}
            call_id = str(service_data.get("call_id", ""))
            callid = next(
                (
                    known
                    for known, waiting in self._waiting.items()
                    if call_id in (known, waiting.uuid)
                ),
                None,
            )
            if callid is not None:
                decision = (
                    DEFAULT_ACCEPT
                    if event.data[ATTR_SERVICE] == "accept_inbound"
                    else DEFAULT_REFUSE
                )
                self._settle(callid, decision, "automation")

        self._unsubscribe = self._hass.bus.async_listen(
            EVENT_CALL_SERVICE, _service_called, event_filter=_is_ours
        )

    @callback
    def async_handle(self, report: Report) -> dict[str, Any] | None:
        """Screen a CallinRequest; returns the ``screened`` field for its bus event."""
        if isinstance(report, CallinRequestReport):
            return self._screen(report)
        if isinstance(report, CallReport) and report.callid in self._waiting:
            # The call moved on: an automation accepted (routed) or refused (hung up) it.
            refused = isinstance(report, (HangupReport, CallFailedReport))
            self._settle(
                report.callid,
                DEFAULT_REFUSE if refused else DEFAULT_ACCEPT,
                "automation",
            )
        return None

    @callback
    def async_stop(self) -> None:
        """Cancel the pending fallbacks (unload)."""
        for waiting in self._waiting.values():
            waiting.cancel()
        self._waiting.clear()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _screen(self, report: CallinRequestReport) -> dict[str, Any] | None:
        if not self.rules.active:
            return None
        decision, rule = self.rules.decide(report.from_number)
        uuid = report.uuid or report.callid
        screened: dict[str, Any] = {"decision": decision, "by": rule}
        if decision in (DEFAULT_ACCEPT, DEFAULT_REFUSE):
            self._send(uuid, decision)
        elif decision == DEFAULT_AUTOMATION and report.callid and uuid:
            screened["fallback"] = self.rules.fallback
            screened["fallback_after"] = int(FALLBACK_AFTER.total_seconds())
            callid = report.callid

            @callback
            def _fallback(_now: Any) -> None:
                # Settling cancels this timer, so the call is still waiting here.
                self._send(self._waiting[callid].uuid, self.rules.fallback)
                self._settle(callid, self.rules.fallback, "fallback")

            cancel = async_call_later(self._hass, FALLBACK_AFTER, _fallback)
            self._waiting[callid] = _Waiting(
                uuid, report.from_number, report.to_number, cancel
            )
        LOGGER.debug(
            "Inbound call from %s: %s (%s)", report.from_number, decision, rule
        )
        return screened

    def _send(self, uuid: str, decision: str) -> None:
        """Accept or refuse in the background; the report handler must not wait."""
        self._hass.async_create_background_task(
            self._async_send(uuid, decision), f"{DOMAIN} screen inbound call"
        )

    async def _async_send(self, uuid: str, decision: str) -> None:
        try:
            if decision == DEFAULT_ACCEPT:
                await self._client.inbound_accept(uuid)
            else:
                await self._client.inbound_refuse(uuid)
        except SynwayError as err:
            # Typically: the call was answered meanwhile or has gone (errno 6).
            LOGGER.debug("Could not %s inbound call %s: %s", decision, uuid, err)

    def _settle(self, callid: str, decision: str, by: str) -> None:
        """Forget a waiting call and tell automations what became of it."""
        waiting = self._waiting.pop(callid)
        waiting.cancel()
        # The one shape of the bus event (product.md §4); no PBX report behind it.
        data: dict[str, Any] = dict.fromkeys(BUS_FIELDS)
        data |= {
            "event": EVENT_SCREENED,
            "call_type": CALL_TYPE_SCREENED,
            "extensions": [],
            "direction": "inbound",
            "caller_number": waiting.caller,
            "did": waiting.did,
            "call_id": callid,
            "screened": {"decision": decision, "by": by},
            "raw": None,
            "config_entry_id": self._entry_id,
        }
        self._hass.bus.async_fire(EVENT_SYNWAY, data)
