"""State truth: entities say what the phones really do, whatever the PBX words or loses."""

import json

from aiohttp.test_utils import TestClient
from aiohttp.web import Application, Request
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import Simulator
from tests.conftest import WEBHOOK_ID, poll, settle, state_of

URL = f"/api/webhook/{WEBHOOK_ID}"
ACTIVE_CALLS = "sensor.synway_ippbx_127_0_0_1_active_calls"


def _writes(hass: HomeAssistant, entity_id: str) -> list[str]:
    """Collect the states written to one entity from now on."""
    states: list[str] = []

    @callback
    def _listener(event: Event[EventStateChangedData]) -> None:
        if event.data["entity_id"] == entity_id and event.data["new_state"]:
            states.append(event.data["new_state"].state)

    hass.bus.async_listen(EVENT_STATE_CHANGED, _listener)
    return states


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_resting_phone_is_idle_whatever_the_pbx_word(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Hangup report, then a poll saying Registered, then a report saying Idle: one write."""
    assert state_of(hass, "sensor.extension_1001_status") == "idle"
    simulator.call_internal("1000", "1001", answer=True)
    await settle(hass, simulator)
    assert state_of(hass, "sensor.extension_1001_status") == "talking"
    writes = _writes(hass, "sensor.extension_1001_status")
    simulator.hangup("1000")  # the simulator's resting word in reports is Hangup
    await settle(hass, simulator)
    await poll(hass, freezer)  # ext_status says Registered
    body = {"event": "ExtensionStatus", "extension": "1001", "status": "Idle"}
    await report_client.post(URL, data=json.dumps(body))
    await hass.async_block_till_done()
    assert writes == ["idle"]
    assert state_of(hass, "binary_sensor.extension_1001_registered") == "on"
    # Offline is still told apart, on the status and on the Registered sensor.
    simulator.unregister("1001")
    await settle(hass, simulator)
    assert state_of(hass, "sensor.extension_1001_status") == "unregistered"
    assert state_of(hass, "binary_sensor.extension_1001_registered") == "off"
    simulator.register("1001")
    await settle(hass, simulator)
    assert state_of(hass, "sensor.extension_1001_status") == "idle"


async def test_status_sensor_offers_call_states_only(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The Status sensor's options are call states; registration is not one of them."""
    state = hass.states.get("sensor.extension_1000_status")
    assert state is not None
    assert state.attributes["options"] == [
        "idle",
        "ringing",
        "ringback",
        "talking",
        "hold",
        "busy",
        "in_use",
        "unregistered",
    ]


# --------------------------------------------------------------------------- values


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_cdr_status_words_each_keep_their_meaning(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """A busy callee's CDR says busy (not unknown); an unreachable one's says failed."""
    simulator.call_internal("1001", "1002", answer=True)
    simulator.call_internal("1000", "1001")  # 1001 is busy
    await settle(hass, simulator)
    cdr = hass.states.get("event.synway_ippbx_127_0_0_1_pbx_event")
    assert cdr is not None
    assert (cdr.attributes["event_type"], cdr.attributes["status"]) == ("cdr", "busy")
    simulator.unregister("1003")
    simulator.call_internal("1000", "1003")
    await settle(hass, simulator)
    cdr = hass.states.get("event.synway_ippbx_127_0_0_1_pbx_event")
    assert cdr is not None
    assert cdr.attributes["status"] == "failed"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_strings_from_a_trunk_are_made_safe(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A lone surrogate is replaced and a 300-character number cut to 255."""
    number = "\ud800" + "9" * 299
    body = {
        "event": "RING",
        "callid": "c-odd",
        "callertrunk": {"from": number, "to": "1001", "trunk": "SIP-1", "uuid": "t1"},
        "calledext": {"extid": "1001", "uuid": "e1"},
    }
    # ensure_ascii writes the lone surrogate as the escape a PBX would send.
    await report_client.post(URL, data=json.dumps(body))
    await hass.async_block_till_done()
    state = state_of(hass, "sensor.extension_1001_other_party")
    assert state == "\ufffd" + "9" * 254
    assert (
        "State" not in caplog.text
    )  # no "state is too long" error from Home Assistant


async def test_negative_caller_count_is_zero(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
) -> None:
    """A negative callercount shows nobody waiting, not -5."""
    body = {"event": "QueueStatus", "number": "6700", "callercount": "-5"}
    await report_client.post(URL, data=json.dumps(body))
    await hass.async_block_till_done()
    assert state_of(hass, "sensor.sales_6700_waiting_callers") == "0"


# --------------------------------------------------------------------------- leaks


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_lost_hangups_leave_no_phantom_calls(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
    freezer: FrozenDateTimeFactory,
) -> None:
    """1,500 answered trunk calls whose hangups were lost: one poll ends them all."""
    for index in range(1500):
        extension = str(1000 + index % 8)
        body = {
            "event": "ANSWER",
            "callid": f"lost-{index}",
            "callertrunk": {
                "from": f"555{index:04d}",
                "trunk": "SIP-1",
                "uuid": f"trunk-{index}",
            },
            "calledext": {"extid": extension, "uuid": f"ext-{index}"},
        }
        await report_client.post(URL, data=json.dumps(body))
    await hass.async_block_till_done()
    assert state_of(hass, ACTIVE_CALLS) == "1500"
    await poll(hass, freezer)  # every phone is idle, every trunk free
    assert state_of(hass, ACTIVE_CALLS) == "0"
    assert state_of(hass, "binary_sensor.extension_1001_on_a_call") == "off"
    assert state_of(hass, "sensor.extension_1001_status") == "idle"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_lost_hangup_of_a_trunk_leg_is_ended_by_the_poll(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An inbound call whose HANGUP reports were lost: Active calls goes back to 0."""
    simulator.call_inbound("5559876", "SIP-2")  # rings extension 1000
    simulator.answer("1000")
    await settle(hass, simulator)
    assert state_of(hass, ACTIVE_CALLS) == "1"
    simulator.set_faults(drop_reports=1.0)
    simulator.hangup("1000")
    await settle(hass, simulator)
    simulator.set_faults(drop_reports=0.0)
    assert state_of(hass, ACTIVE_CALLS) == "1"
    await poll(hass, freezer)
    assert state_of(hass, ACTIVE_CALLS) == "0"
    assert state_of(hass, "sensor.extension_1000_other_party") == "unknown"
