"""Inbound call screening in the PBX's 10-second CallinRequest window, end to end.

The simulator's trunk SIP-1 has "Control Inbound Call Answering" on: each inbound call
waits for inbound_accept/inbound_refuse, and the simulator routes it anyway once its
own clock passed 10 s. Home Assistant's clock (freezer) and the simulator's clock
(``simulator.advance``) only move when a test moves them.
"""

from datetime import timedelta
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.synway_ippbx.const import EVENT_SYNWAY
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


async def _setup(
    hass: HomeAssistant, entry: MockConfigEntry, **options: Any
) -> MockConfigEntry:
    """Set the integration up with screening options."""
    screened = MockConfigEntry(
        domain=entry.domain,
        title=entry.title,
        unique_id=entry.unique_id,
        data=dict(entry.data),
        options={**entry.options, **options},
    )
    screened.add_to_hass(hass)
    assert await hass.config_entries.async_setup(screened.entry_id)
    await hass.async_block_till_done()
    return screened


def _requests(simulator: Simulator, name: str) -> list[Any]:
    return [r for r in simulator.requests if r.name == name]


def _callin_events(events: list[Event[Any]]) -> list[dict[str, Any]]:
    return [dict(e.data) for e in events if e.data.get("event") == "CallinRequest"]


def _screened_events(events: list[Event[Any]]) -> list[dict[str, Any]]:
    return [dict(e.data) for e in events if e.data.get("event") == "CallinScreened"]


async def test_blocked_caller_refused_at_once(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """A number on the block list is refused without waiting (the PBX clock stands still)."""
    await _setup(
        hass,
        mock_config_entry,
        **{CONF_SCREEN_BLOCK: ["0900*", "5550100"], CONF_SCREEN_DEFAULT: "accept"},
    )
    events = async_capture_events(hass, EVENT_SYNWAY)
    call = simulator.call_inbound("0900123456", "SIP-1")
    await settle(hass, simulator)
    # Refused by us: no simulated second passed, so the PBX's window did not close it.
    assert call.ended
    assert len(_requests(simulator, "inbound_refuse")) == 1
    assert not _requests(simulator, "inbound_accept")
    (event,) = _callin_events(events)
    assert event["screened"] == {"decision": "refuse", "by": "block_list"}


async def test_allowed_caller_accepted(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """A number on the allow list is let through at once, even with default refuse."""
    await _setup(
        hass,
        mock_config_entry,
        **{CONF_SCREEN_ALLOW: ["555 0199"], CONF_SCREEN_DEFAULT: "refuse"},
    )
    events = async_capture_events(hass, EVENT_SYNWAY)
    call = simulator.call_inbound("5550199", "SIP-1")
    await settle(hass, simulator)
    assert not call.pending_accept
    assert not call.ended
    assert len(_requests(simulator, "inbound_accept")) == 1
    (event,) = _callin_events(events)
    assert event["screened"] == {"decision": "accept", "by": "allow_list"}

    # Anyone else meets the default.
    other = simulator.call_inbound("5550111", "SIP-1")
    await settle(hass, simulator)
    assert other.ended
    assert _callin_events(events)[-1]["screened"] == {
        "decision": "refuse",
        "by": "default",
    }


async def test_no_screening_leaves_the_call_to_the_pbx(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """Without screening options nothing is sent and the event has no screened field."""
    await _setup(hass, mock_config_entry)
    events = async_capture_events(hass, EVENT_SYNWAY)
    call = simulator.call_inbound("5550100", "SIP-1")
    await settle(hass, simulator)
    assert call.pending_accept
    assert not _requests(simulator, "inbound_accept")
    assert "screened" not in _callin_events(events)[0]
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
                    "event_data": {"event": "CallinRequest"},
                },
                "conditions": "{{ trigger.event.data.screened.decision == 'automation' }}",
                "actions": {
                    "action": f"synway_ippbx.{service}",
                    "data": {"call_id": "{{ trigger.event.data.callid }}"},
                },
            }
        },
    )


async def test_automation_decides_in_time(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """An automation refusing within the window wins; no fallback follows."""
    await _automation(hass, "refuse_inbound")
    await _setup(
        hass,
        mock_config_entry,
        **{CONF_SCREEN_DEFAULT: "automation", CONF_SCREEN_FALLBACK: "accept"},
    )
    events = async_capture_events(hass, EVENT_SYNWAY)
    call = simulator.call_inbound("5550123", "SIP-1")
    await settle(hass, simulator)
    assert call.ended
    (event,) = _callin_events(events)
    assert event["screened"] == {
        "decision": "automation",
        "by": "default",
        "fallback": "accept",
        "fallback_after": 8,
    }
    assert _screened_events(events)[0]["screened"] == {
        "decision": "refuse",
        "by": "automation",
    }
    assert not _requests(simulator, "inbound_accept")


async def test_automation_too_late_gets_the_fallback(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """No decision by 8 s: the fallback is applied before the PBX's 10 s are up."""
    await _setup(
        hass,
        mock_config_entry,
        **{CONF_SCREEN_DEFAULT: "automation", CONF_SCREEN_FALLBACK: "refuse"},
    )
    events = async_capture_events(hass, EVENT_SYNWAY)
    call = simulator.call_inbound("5550124", "SIP-1")
    await settle(hass, simulator)
    assert call.pending_accept

    # 7 s on both clocks: still waiting for the automation.
    freezer.tick(timedelta(seconds=7))
    simulator.advance(7)
    async_fire_time_changed(hass)
    await settle(hass, simulator)
    assert call.pending_accept
    assert not _screened_events(events)

    # 8 s: our fallback refuses; the PBX's own window (10 s) has not closed yet.
    freezer.tick(timedelta(seconds=1))
    simulator.advance(1)
    async_fire_time_changed(hass)
    await settle(hass, simulator)
    assert call.ended
    assert len(_requests(simulator, "inbound_refuse")) == 1
    assert _screened_events(events)[0]["screened"] == {
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
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """Another API client accepts first: the reports show it, and no fallback follows."""
    simulator.add_trunk(TrunkSpec("SIP-3", destination="1001", control_inbound=True))
    await _setup(hass, mock_config_entry, **{CONF_SCREEN_DEFAULT: "automation"})
    events = async_capture_events(hass, EVENT_SYNWAY)
    call = simulator.call_inbound("5550125", "SIP-3")
    await settle(hass, simulator)
    simulator.accept(call.callid)  # e.g. a CRM on the same PBX
    await settle(hass, simulator)
    assert _screened_events(events)[0]["screened"] == {
        "decision": "accept",
        "by": "automation",
    }
    assert not _requests(simulator, "inbound_accept")


async def test_caller_neither_listed_left_to_the_pbx(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """With only a block list, other callers are the PBX's to route."""
    await _setup(hass, mock_config_entry, **{CONF_SCREEN_BLOCK: ["0900*"]})
    events = async_capture_events(hass, EVENT_SYNWAY)
    call = simulator.call_inbound("5550126", "SIP-1")
    await settle(hass, simulator)
    assert call.pending_accept
    assert _callin_events(events)[0]["screened"] == {"decision": "pbx", "by": "default"}


async def test_pbx_failure_is_a_debug_line(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """When the refusal cannot be sent the PBX routes the call itself; no traceback."""
    await _setup(hass, mock_config_entry, **{CONF_SCREEN_DEFAULT: "refuse"})
    simulator.set_faults(http_500=True)
    caplog.set_level(logging.DEBUG, "custom_components.synway_ippbx")
    call = simulator.call_inbound("5550127", "SIP-1")
    await settle(hass, simulator)
    assert "Could not refuse inbound call" in caplog.text
    assert "Traceback" not in caplog.text
    simulator.advance(10)
    assert not call.pending_accept
    assert not call.ended


async def test_unload_while_waiting_cancels_the_fallback(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An entry unloaded during the window sends nothing later."""
    entry = await _setup(hass, mock_config_entry, **{CONF_SCREEN_DEFAULT: "automation"})
    call = simulator.call_inbound("5550128", "SIP-1")
    await settle(hass, simulator)
    assert await hass.config_entries.async_unload(entry.entry_id)
    freezer.tick(timedelta(seconds=9))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert call.pending_accept
    assert not _requests(simulator, "inbound_accept")
