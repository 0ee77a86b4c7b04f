"""One shape for ``synway_ippbx_event`` (product.md §4), end to end through the simulator."""

from typing import Any

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.const import EVENT_SYNWAY
from custom_components.synway_ippbx.pbx.happening import BUS_FIELDS
from simulator import Simulator
from tests.conftest import settle


def _collect(hass: HomeAssistant) -> list[dict[str, Any]]:
    fired: list[dict[str, Any]] = []
    hass.bus.async_listen(EVENT_SYNWAY, lambda event: fired.append(dict(event.data)))
    return fired


def _of(fired: list[dict[str, Any]], call_type: str) -> dict[str, dict[str, Any]]:
    return {data["extension"]: data for data in fired if data["call_type"] == call_type}


async def test_one_event_per_extension_about_it(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """``extension`` is the phone the event is about, with its Call entity's type."""
    fired = _collect(hass)
    simulator.call_internal("1002", "1001")
    await settle(hass, simulator)
    simulator.hangup("1002")
    await settle(hass, simulator)
    assert set(_of(fired, "ring")) == {"1001"}
    assert set(_of(fired, "ringback")) == {"1002"}
    failed = _of(fired, "call_failed")
    assert set(failed) == {"1001", "1002"}
    assert failed["1001"]["missed"] is True
    assert failed["1002"]["missed"] is False
    for data in fired:
        assert set(BUS_FIELDS) <= set(data)
        assert data["config_entry_id"] == init_integration.entry_id
        # The PBX's report once, under raw: its dicts no longer sit beside.
        assert not {"callerext", "calledext", "callid"} & set(data)
        assert isinstance(data["raw"], dict)
    ring = _of(fired, "ring")["1001"]
    assert ring["extensions"] == ["1002", "1001"]
    assert ring["caller_number"] == "1002"
    assert ring["call_id"] == ring["raw"]["callid"]


async def test_status_reports_and_inbound_calls(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """Status reports fire with ``call_type: status``; ``did`` is top level."""
    fired = _collect(hass)
    call = simulator.call_inbound("81623617", "SIP-2", dtmf="1")
    await settle(hass, simulator)
    simulator.answer(call.callid)
    await settle(hass, simulator)
    statuses = [
        data["status"]
        for data in fired
        if data["call_type"] == "status" and data["extension"] == "1000"
    ]
    assert statuses == ["ringing", "talking"]
    assert _of(fired, "status")["1000"]["extensions"] == ["1000"]
    ring = _of(fired, "ring")["1000"]
    assert ring["did"] == "8002"
    assert ring["direction"] == "inbound"
    assert ring["trunk"] == "SIP-2"
    (dtmf,) = (data for data in fired if data["call_type"] == "dtmf")
    assert dtmf["digit"] == "1"


async def test_busy_refusal_is_missed_everywhere(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A call refused as busy is missed for the busy phone: bus, record, sensor."""
    fired = _collect(hass)
    simulator.call_internal("1001", "1002", answer=True)
    await settle(hass, simulator)
    simulator.call_internal("1005", "1001")
    await settle(hass, simulator)
    failed = _of(fired, "call_failed")
    assert failed["1001"]["missed"] is True
    assert failed["1001"]["cause"] == "USER_BUSY"
    assert failed["1005"]["missed"] is False
    (record,) = (data for data in fired if data["call_type"] == "cdr")
    assert record["missed"] is True
    assert record["status"] == "busy"
    missed_today = hass.states.get("sensor.extension_1001_missed_calls_today")
    assert missed_today is not None
    assert missed_today.state == "1"
