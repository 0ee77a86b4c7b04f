"""Inbound call screening in the PBX's 10-second CallinRequest window, end to end.

The simulator's trunk SIP-1 has "Control Inbound Call Answering" on: each inbound call
waits for inbound_accept/inbound_refuse, and the simulator routes it anyway once its
own clock passed 10 s. Home Assistant's clock (freezer) and the simulator's clock
(``simulator.advance``) only move when a test moves them.
"""

from collections.abc import Awaitable, Callable
from datetime import timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.synway_ippbx.const import EVENT_SYNWAY
from custom_components.synway_ippbx.pbx.happening import BUS_FIELDS
from custom_components.synway_ippbx.screening import (
    CONF_SCREEN_ALLOW,
    CONF_SCREEN_BLOCK,
    CONF_SCREEN_DEFAULT,
    CONF_SCREEN_FALLBACK,
    ScreeningRules,
    parse_patterns,
)
from simulator import Simulator
from simulator.config import TrunkSpec
from tests.conftest import settle


class Screening:
    """An entry set up with screening options, and what a test does and reads with it."""

    def __init__(
        self, hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
    ) -> None:
        """Capture the integration's bus events from now on."""
        self.hass = hass
        self.simulator = simulator
        self.entry = entry
        self.events = async_capture_events(hass, EVENT_SYNWAY)

    async def call(self, caller: str, trunk: str = "SIP-1") -> Any:
        """An inbound call, once its reports were handled."""
        call = self.simulator.call_inbound(caller, trunk)
        await settle(self.hass, self.simulator)
        return call

    async def wait(self, freezer: FrozenDateTimeFactory, seconds: int) -> None:
        """Let seconds pass on both clocks."""
        freezer.tick(timedelta(seconds=seconds))
        self.simulator.advance(seconds)
        async_fire_time_changed(self.hass)
        await settle(self.hass, self.simulator)

    def requests(self, name: str) -> list[Any]:
        """The API requests of one kind the PBX received."""
        return [r for r in self.simulator.requests if r.name == name]

    def callin_events(self) -> list[dict[str, Any]]:
        """The CallinRequest bus events."""
        return self._events("CallinRequest")

    def screened_events(self) -> list[dict[str, Any]]:
        """The CallinScreened bus events (a decision after the request)."""
        return self._events("CallinScreened")

    def _events(self, name: str) -> list[dict[str, Any]]:
        return [dict(e.data) for e in self.events if e.data.get("event") == name]


type StartScreening = Callable[..., Awaitable[Screening]]


@pytest.fixture
def screening(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> StartScreening:
    """Set the integration up with screening options (keyword arguments)."""

    async def _start(**options: Any) -> Screening:
        entry = MockConfigEntry(
            domain=mock_config_entry.domain,
            title=mock_config_entry.title,
            unique_id=mock_config_entry.unique_id,
            data=dict(mock_config_entry.data),
            options={**mock_config_entry.options, **options},
        )
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        return Screening(hass, simulator, entry)

    return _start


async def test_blocked_caller_refused_at_once(screening: StartScreening) -> None:
    """A number on the block list is refused without waiting (the PBX clock stands still)."""
    screen = await screening(
        **{CONF_SCREEN_BLOCK: ["0900*", "5550100"], CONF_SCREEN_DEFAULT: "accept"}
    )
    call = await screen.call("0900123456")
    # Refused by us: no simulated second passed, so the PBX's window did not close it.
    assert call.ended
    assert len(screen.requests("inbound_refuse")) == 1
    assert not screen.requests("inbound_accept")
    (event,) = screen.callin_events()
    assert event["screened"] == {"decision": "refuse", "by": "block_list"}


async def test_allowed_caller_accepted(screening: StartScreening) -> None:
    """A number on the allow list is let through at once, even with default refuse."""
    screen = await screening(
        **{CONF_SCREEN_ALLOW: ["555 0199"], CONF_SCREEN_DEFAULT: "refuse"}
    )
    call = await screen.call("5550199")
    assert not call.pending_accept
    assert not call.ended
    assert len(screen.requests("inbound_accept")) == 1
    (event,) = screen.callin_events()
    assert event["screened"] == {"decision": "accept", "by": "allow_list"}

    # Anyone else meets the default.
    other = await screen.call("5550111")
    assert other.ended
    assert screen.callin_events()[-1]["screened"] == {
        "decision": "refuse",
        "by": "default",
    }


async def test_no_screening_leaves_the_call_to_the_pbx(
    screening: StartScreening, simulator: Simulator
) -> None:
    """Without screening options nothing is sent and the event has no screened field."""
    screen = await screening()
    call = await screen.call("5550100")
    assert call.pending_accept
    assert not screen.requests("inbound_accept")
    assert "screened" not in screen.callin_events()[0]
    simulator.advance(10)
    assert not call.pending_accept


async def _automation(hass: HomeAssistant, service: str) -> None:
    """The automation a user writes: answer CallinRequest with an action."""
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "triggers": {
                    "trigger": "event",
                    "event_type": EVENT_SYNWAY,
                    "event_data": {"call_type": "callin_request"},
                },
                "conditions": "{{ trigger.event.data.screened.decision == 'automation' }}",
                "actions": {
                    "action": f"synway_ippbx.{service}",
                    "data": {"call_id": "{{ trigger.event.data.call_id }}"},
                },
            }
        },
    )


async def test_automation_decides_in_time(
    hass: HomeAssistant, screening: StartScreening
) -> None:
    """An automation refusing within the window wins; no fallback follows."""
    await _automation(hass, "refuse_inbound")
    screen = await screening(
        **{CONF_SCREEN_DEFAULT: "automation", CONF_SCREEN_FALLBACK: "accept"}
    )
    call = await screen.call("5550123")
    assert call.ended
    (event,) = screen.callin_events()
    assert event["screened"] == {
        "decision": "automation",
        "by": "default",
        "fallback": "accept",
        "fallback_after": 8,
    }
    (screened,) = screen.screened_events()
    assert screened["screened"] == {"decision": "refuse", "by": "automation"}
    # The outcome in the one shape of the bus event, about the same call.
    assert set(BUS_FIELDS) <= set(screened)
    assert not {"callid", "callerext", "callertrunk"} & set(screened)
    assert (screened["call_type"], screened["call_id"]) == (
        "callin_screened",
        event["call_id"],
    )
    assert event["did"] is not None
    assert (screened["caller_number"], screened["did"]) == ("5550123", event["did"])
    assert screened["direction"] == "inbound"
    assert not screen.requests("inbound_accept")


async def test_automation_too_late_gets_the_fallback(
    hass: HomeAssistant, screening: StartScreening, freezer: FrozenDateTimeFactory
) -> None:
    """No decision by 8 s: the fallback is applied before the PBX's 10 s are up."""
    screen = await screening(
        **{CONF_SCREEN_DEFAULT: "automation", CONF_SCREEN_FALLBACK: "refuse"}
    )
    call = await screen.call("5550124")
    assert call.pending_accept

    # 7 s on both clocks: still waiting for the automation.
    await screen.wait(freezer, 7)
    assert call.pending_accept
    assert not screen.screened_events()

    # 8 s: our fallback refuses; the PBX's own window (10 s) has not closed yet.
    await screen.wait(freezer, 1)
    assert call.ended
    assert len(screen.requests("inbound_refuse")) == 1
    assert screen.screened_events()[0]["screened"] == {
        "decision": "refuse",
        "by": "fallback",
    }

    # An automation answering now is too late: the PBX refuses the late call.
    with pytest.raises(HomeAssistantError):
        await hass.services.async_call(
            "synway_ippbx",
            "accept_inbound",
            {"call_id": call.callid},
            blocking=True,
        )


@pytest.mark.parametrize(
    ("caller", "expected"),
    [
        ("09001234", ("refuse", "block_list")),
        ("+44 20 7946 0000", ("accept", "allow_list")),
        ("442079460000", ("automation", "default")),
        (None, ("automation", "default")),
        ("5551234", ("refuse", "block_list")),
    ],
)
def test_patterns(caller: str | None, expected: tuple[str, str]) -> None:
    """``*`` matches any digits; separators people type are ignored; block wins."""
    rules = ScreeningRules.from_options(
        {
            CONF_SCREEN_BLOCK: "0900*, *1234",
            CONF_SCREEN_ALLOW: ["+44*", "5551234"],
            CONF_SCREEN_DEFAULT: "automation",
            CONF_SCREEN_FALLBACK: "nonsense",
        }
    )
    assert rules.fallback == "accept"
    assert rules.decide(caller) == expected


def test_odd_options_mean_no_screening() -> None:
    """Unknown choices and non-text patterns are ignored, never a traceback."""
    rules = ScreeningRules.from_options(
        {CONF_SCREEN_DEFAULT: 3, CONF_SCREEN_BLOCK: [None, 5]}
    )
    assert not rules.active
    assert parse_patterns(None) == []


async def test_call_decided_elsewhere(
    screening: StartScreening, simulator: Simulator
) -> None:
    """Another API client accepts first: the reports show it, and no fallback follows."""
    simulator.add_trunk(TrunkSpec("SIP-3", destination="1001", control_inbound=True))
    screen = await screening(**{CONF_SCREEN_DEFAULT: "automation"})
    call = await screen.call("5550125", "SIP-3")
    simulator.accept(call.callid)  # e.g. a CRM on the same PBX
    await settle(screen.hass, simulator)
    assert screen.screened_events()[0]["screened"] == {
        "decision": "accept",
        "by": "automation",
    }
    assert not screen.requests("inbound_accept")


async def test_caller_neither_listed_left_to_the_pbx(screening: StartScreening) -> None:
    """With only a block list, other callers are the PBX's to route."""
    screen = await screening(**{CONF_SCREEN_BLOCK: ["0900*"]})
    call = await screen.call("5550126")
    assert call.pending_accept
    assert screen.callin_events()[0]["screened"] == {"decision": "pbx", "by": "default"}


async def test_pbx_failure_is_a_debug_line(
    screening: StartScreening,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """When the refusal cannot be sent the PBX routes the call itself; no traceback."""
    screen = await screening(**{CONF_SCREEN_DEFAULT: "refuse"})
    simulator.set_faults(http_500=True)
    caplog.set_level(logging.DEBUG, "custom_components.synway_ippbx")
    call = await screen.call("5550127")
    assert "Could not refuse inbound call" in caplog.text
    assert "Traceback" not in caplog.text
    simulator.advance(10)
    assert not call.pending_accept
    assert not call.ended


async def test_unload_while_waiting_cancels_the_fallback(
    hass: HomeAssistant, screening: StartScreening, freezer: FrozenDateTimeFactory
) -> None:
    """An entry unloaded during the window sends nothing later."""
    screen = await screening(**{CONF_SCREEN_DEFAULT: "automation"})
    call = await screen.call("5550128")
    assert await hass.config_entries.async_unload(screen.entry.entry_id)
    freezer.tick(timedelta(seconds=9))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert call.pending_accept
    assert not screen.requests("inbound_accept")
