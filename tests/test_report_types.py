"""Each of the manual's 23 report types: what it does to entities and to the bus.

The bodies are the manual's own examples (Chapters 3.9, 4 and 5), with extension and
queue numbers of the simulator's default PBX, posted to the webhook as the PBX would.
"""

import json
from typing import Any

from aiohttp.test_utils import TestClient
from aiohttp.web import Application, Request
from homeassistant.core import Event, HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.const import EVENT_SYNWAY
from custom_components.synway_ippbx.pbx.happening import BUS_FIELDS
from tests.conftest import WEBHOOK_ID, state_of

URL = f"/api/webhook/{WEBHOOK_ID}"
CALLID = "87180740-d388-11e8-8421-55df9da9116c"
CALLER = {"extid": "1000", "callerid": "1000", "uuid": CALLID}
CALLEE = {"extid": "1002", "callerid": "1000", "uuid": "65a4db2a-e0bb-11e8-89a1"}
TRUNK_IN = {
    "from": "88861158",
    "to": "1002",
    "callerid": "88861158",
    "trunk": "fxo1",
    "uuid": "071d9cde-d5be-11e8-8a38-55df9da9116c",
}
# The PBX's names that only its report (under raw) has.
RAW_ONLY = ("callid", "callerext", "calledext", "callertrunk", "calledtrunk")
HUB_EVENT = "event.synway_ippbx_127_0_0_1_pbx_event"


class Pbx:
    """Posts reports to the webhook and reads what they did."""

    def __init__(
        self, hass: HomeAssistant, client: TestClient[Request, Application]
    ) -> None:
        self.hass = hass
        self.client = client
        self.bus: list[Event] = []
        hass.bus.async_listen(EVENT_SYNWAY, self.bus.append)

    async def send(self, event: str, **fields: Any) -> dict[str | None, dict[str, Any]]:
        """Post one report; return its bus events by the extension each is about."""
        before = len(self.bus)
        body = {"event": event, **fields}
        response = await self.client.post(URL, data=json.dumps(body))
        assert response.status == 200
        await self.hass.async_block_till_done()
        fired = [dict(event.data) for event in self.bus[before:]]
        assert fired, f"{event} was not fired on the bus"
        by_extension: dict[str | None, dict[str, Any]] = {}
        for data in fired:
            assert data.pop("config_entry_id")
            assert set(BUS_FIELDS) <= set(data)
            # The report as received, once, under raw: its dicts no longer beside.
            assert data["raw"] == body
            assert not set(RAW_ONLY) & set(data)
            # One event per extension the report is about (else one, about none).
            assert data["extension"] not in by_extension
            by_extension[data["extension"]] = data
        return by_extension

    def event(self, entity_id: str) -> dict[str, Any]:
        """The last event of an event entity: its type and attributes."""
        state = self.hass.states.get(entity_id)
        assert state is not None
        return dict(state.attributes)


@pytest.fixture
async def pbx(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
) -> Pbx:
    """The integration set up, and a way to send it reports."""
    return Pbx(hass, report_client)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_system_and_extension_status_reports(
    hass: HomeAssistant, pbx: Pbx
) -> None:
    """Systemup (4.1) and ExtensionStatus (4.2)."""
    bus = await pbx.send("ExtensionStatus", extension="1002", status="Unregistered")
    assert {key: bus["1002"][key] for key in ("call_type", "status", "extensions")} == {
        "call_type": "status",
        "status": "unregistered",
        "extensions": ["1002"],
    }
    assert state_of(hass, "sensor.extension_1002_status") == "unregistered"
    await pbx.send("ExtensionStatus", extension="1002", status="Registered")
    assert state_of(hass, "binary_sensor.extension_1002_registered") == "on"
    bus = await pbx.send("Systemup")
    assert bus[None]["call_type"] == "system_up"
    assert pbx.event(HUB_EVENT)["event_type"] == "system_up"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_internal_call_reports(hass: HomeAssistant, pbx: Pbx) -> None:
    """RINGBACK, RING, ANSWER, ANSWERED, HOLD, UNHOLD and HANGUP (5.1-5.7)."""
    bus = await pbx.send("RINGBACK", callid=CALLID, callerext=CALLER, calledext=CALLEE)
    assert bus["1000"]["call_type"] == "ringback"
    assert pbx.event("event.extension_1000_call")["event_type"] == "ringback"
    assert state_of(hass, "sensor.extension_1000_status") == "ringback"

    bus = await pbx.send("RING", callid=CALLID, callerext=CALLER, calledext=CALLEE)
    # The phone that rings: its own event, the call's fields top level.
    assert set(bus) == {"1002"}
    assert {
        key: bus["1002"][key] for key in ("call_type", "call_id", "extensions")
    } == {
        "call_type": "ring",
        "call_id": CALLID,
        "extensions": ["1000", "1002"],
    }
    assert (bus["1002"]["caller_number"], bus["1002"]["callee_number"]) == (
        "1000",
        "1002",
    )
    ring = pbx.event("event.extension_1002_call")
    assert (ring["event_type"], ring["caller"], ring["callee"]) == (
        "ring",
        "1000",
        "1002",
    )
    assert state_of(hass, "sensor.extension_1002_status") == "ringing"

    await pbx.send("ANSWER", callid=CALLID, callerext=CALLER, calledext=CALLEE)
    assert pbx.event("event.extension_1002_call")["event_type"] == "answer"
    await pbx.send("ANSWERED", callid=CALLID, callerext=CALLER, calledext=CALLEE)
    assert pbx.event("event.extension_1000_call")["event_type"] == "answered"
    assert state_of(hass, "sensor.extension_1002_status") == "talking"
    assert state_of(hass, "sensor.extension_1002_other_party") == "1000"

    await pbx.send("HOLD", callid=CALLID, callerext={"extid": "1002", "uuid": CALLID})
    assert pbx.event("event.extension_1002_call")["event_type"] == "hold"
    assert state_of(hass, "sensor.extension_1002_status") == "hold"
    await pbx.send("UNHOLD", callid=CALLID, callerext={"extid": "1002", "uuid": CALLID})
    assert pbx.event("event.extension_1002_call")["event_type"] == "unhold"
    assert state_of(hass, "sensor.extension_1002_status") == "talking"

    bus = await pbx.send(
        "HANGUP",
        callid=CALLID,
        originator="caller",
        callerext=CALLER,
        calledext=CALLEE,
    )
    # The end of the call for each phone in it: answered, so missed by neither.
    assert {number: data["call_type"] for number, data in bus.items()} == {
        "1000": "hangup",
        "1002": "hangup",
    }
    assert (bus["1002"]["answered"], bus["1002"]["missed"]) == (True, False)
    assert bus["1000"]["missed"] is False
    hangup = pbx.event("event.extension_1002_call")
    assert (hangup["event_type"], hangup["originator"], hangup["missed"]) == (
        "hangup",
        "caller",
        False,
    )
    assert state_of(hass, "binary_sensor.extension_1002_on_a_call") == "off"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_failed_and_transferred_calls(hass: HomeAssistant, pbx: Pbx) -> None:
    """CALLFAILED (5.9) and TRANSFER (5.8)."""
    await pbx.send("RING", callid=CALLID, callerext=CALLER, calledext=CALLEE)
    bus = await pbx.send(
        "CALLFAILED",
        callid=CALLID,
        originator="called",
        cause="NO_USER_RESPONSE",
        callerext=CALLER,
        calledext=CALLEE,
    )
    # Missed by the phone that rang, not by the one that called.
    assert (bus["1002"]["call_type"], bus["1002"]["cause"], bus["1002"]["missed"]) == (
        "call_failed",
        "NO_USER_RESPONSE",
        True,
    )
    assert bus["1000"]["missed"] is False
    failed = pbx.event("event.extension_1002_call")
    assert (failed["event_type"], failed["cause"], failed["missed"]) == (
        "call_failed",
        "NO_USER_RESPONSE",
        True,
    )
    assert state_of(hass, "sensor.synway_ippbx_127_0_0_1_active_calls") == "0"

    await pbx.send("ANSWER", callid=CALLID, callertrunk=TRUNK_IN, calledext=CALLEE)
    assert state_of(hass, "sensor.extension_1002_other_party") == "88861158"
    bus = await pbx.send(
        "TRANSFER",
        callid=CALLID,
        transfer_from="1002",
        transfer_to="1003",
        callertrunk=TRUNK_IN,
    )
    assert {number: data["call_type"] for number, data in bus.items()} == {
        "1002": "transfer",
        "1003": "transfer",
    }
    assert bus["1002"]["did"] == "1002"
    transfer = pbx.event("event.extension_1002_call")
    assert (transfer["event_type"], transfer["transfer_to"]) == ("transfer", "1003")
    assert state_of(hass, "binary_sensor.extension_1002_on_a_call") == "off"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_in_call_reports(hass: HomeAssistant, pbx: Pbx) -> None:
    """DTMF (5.11), PLAYEND (5.12), RECORDSTART (5.13) and RECORDEND (5.14)."""
    bus = await pbx.send("DTMF", callid=CALLID, callerext=CALLER, dtmf="5", index="0")
    assert (bus["1000"]["call_type"], bus["1000"]["digit"]) == ("dtmf", "5")
    assert pbx.event("event.extension_1000_call")["digit"] == "5"
    await pbx.send("PLAYEND", callid=CALLID, callerext=CALLER, filename="1.wav")
    assert pbx.event("event.extension_1000_call")["filename"] == "1.wav"
    await pbx.send(
        "RECORDSTART",
        callid=CALLID,
        callerext={"extid": "1000", "uuid": CALLID},
        record_type="ext",
    )
    start = pbx.event("event.extension_1000_call")
    assert (start["event_type"], start["record_type"]) == ("record_start", "extension")
    await pbx.send(
        "RECORDEND",
        callid=CALLID,
        calledext={"extid": "1000", "uuid": CALLID},
        record_type="ext",
        record_start_time="2019-04-28 09:02:39",
        record_end_time="2019-04-28 09:05:10",
        record_seconds="151",
        download_path="https://172.16.10.90/app/xml_cdr/download.php?path=a.wav",
    )
    end = pbx.event("event.extension_1000_call")
    assert (end["event_type"], end["duration"]) == ("record_end", 151)
    assert end["download_path"].endswith("a.wav")


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_inbound_control_cdr_and_conference(pbx: Pbx) -> None:
    """CallinRequest (5.10), CDR (5.19), CONFERENCECREATE/DESTROY (3.9)."""
    bus = await pbx.send(
        "CallinRequest",
        callid="071d9cde",
        callertrunk={"from": "88861158", "to": "1002", "trunk": "fxo1", "uuid": "x"},
    )
    # About no phone yet: the dialled number is the DID.
    assert {key: bus[None][key] for key in ("call_type", "call_id", "did")} == {
        "call_type": "callin_request",
        "call_id": "071d9cde",
        "did": "1002",
    }
    request = pbx.event(HUB_EVENT)
    assert (request["event_type"], request["caller"], request["call_id"]) == (
        "callin_request",
        "88861158",
        "071d9cde",
    )
    bus = await pbx.send(
        "CDR",
        callid=CALLID,
        callfrom="1000",
        callto="1002",
        callerid="1000",
        originaldest="1002",
        lastdest="1002",
        status="ANSWERED",
        reason="NORMAL_CLEARING",
        type="Internal",
        calltime="2018-10-19 18:19:57",
        answertime="2018-10-19 18:19:57",
        hanguptime="2018-10-19 18:20:04",
        talktime="6",
    )
    record = bus["1002"]
    assert {
        key: record[key]
        for key in ("call_type", "call_id", "answered", "missed", "status", "cause")
    } == {
        "call_type": "cdr",
        "call_id": CALLID,
        "answered": True,
        "missed": False,
        "status": "answered",
        "cause": "NORMAL_CLEARING",
    }
    assert record["extensions"] == ["1000", "1002"]
    cdr = pbx.event(HUB_EVENT)
    assert (cdr["event_type"], cdr["caller"], cdr["talk_time"]) == ("cdr", "1000", 6)
    conference = {
        "uuid": "d28cc16e",
        "conference_name": "conf",
        "conference_number": "6400",
    }
    await pbx.send("CONFERENCECREATE", **conference)
    assert pbx.event(HUB_EVENT)["event_type"] == "conference_create"
    await pbx.send("CONFERENCEDESTROY", **conference)
    destroyed = pbx.event(HUB_EVENT)
    assert (destroyed["event_type"], destroyed["conference_number"]) == (
        "conference_destroy",
        "6400",
    )


async def test_queue_and_agent_reports(hass: HomeAssistant, pbx: Pbx) -> None:
    """AgentStatus (5.15), AgentWrapUp (5.16), QueueStatus (5.17), QueueOverflow (5.18)."""
    queue_event = "event.sales_6700_queue_event"
    available = int(state_of(hass, "sensor.sales_6700_agents_available"))

    await pbx.send("AgentStatus", queueid="6700", extid="1004", status="login")
    assert pbx.event(queue_event)["event_type"] == "agent_login"
    assert int(state_of(hass, "sensor.sales_6700_agents_available")) == available + 1
    await pbx.send("AgentWrapUp", queueid="6700", extid="1004", status="on")
    assert pbx.event(queue_event)["event_type"] == "agent_break"
    assert int(state_of(hass, "sensor.sales_6700_agents_available")) == available
    await pbx.send("AgentWrapUp", queueid="6700", extid="1004", status="off")
    assert pbx.event(queue_event)["event_type"] == "agent_resume"
    await pbx.send("AgentStatus", queueid="6700", extid="1004", status="logout")
    assert pbx.event(queue_event)["event_type"] == "agent_logout"
    assert int(state_of(hass, "sensor.sales_6700_agents_available")) == available

    bus = await pbx.send(
        "QueueStatus",
        number="6700",
        callercount="1",
        action="Add",
        callfrom="88861158",
        callid="cb3a1004",
    )
    assert (bus[None]["call_type"], bus[None]["queue"]) == ("caller_joined", "6700")
    assert bus[None]["call_id"] == "cb3a1004", bus[None]
    joined = pbx.event(queue_event)
    assert (joined["event_type"], joined["caller"]) == ("caller_joined", "88861158")
    assert state_of(hass, "sensor.sales_6700_waiting_callers") == "1"
    await pbx.send(
        "QueueOverflow", number="6700", destination="6701", callid="a1e213f2"
    )
    assert pbx.event(queue_event)["destination"] == "6701"
    await pbx.send(
        "QueueStatus",
        number="6700",
        callercount="0",
        action="Remove",
        callfrom="88861158",
        callid="cb3a1004",
    )
    assert pbx.event(queue_event)["event_type"] == "caller_left"
    assert state_of(hass, "sensor.sales_6700_waiting_callers") == "0"


async def test_agent_report_is_about_its_extension(pbx: Pbx) -> None:
    """An agent that is a local extension is the bus event's ``extension`` (product.md §4).

    An agent the PBX does not list as an extension (a mobile number) leaves it None.
    """
    login = await pbx.send("AgentStatus", queueid="6700", extid="1004", status="login")
    assert list(login) == ["1004"]
    assert login["1004"]["call_type"] == "agent_login"
    assert login["1004"]["extensions"] == ["1004"]
    assert login["1004"]["queue"] == "6700"
    wrap_up = await pbx.send("AgentWrapUp", queueid="6700", extid="1004", status="on")
    assert wrap_up["1004"]["call_type"] == "agent_break"
    stranger = await pbx.send(
        "AgentStatus", queueid="6700", extid="13800000000", status="login"
    )
    assert list(stranger) == [None]
    assert stranger[None]["extensions"] == []


async def test_unknown_report_reaches_the_bus_only(pbx: Pbx) -> None:
    """A report type the manual does not list is still handed to automations."""
    bus = await pbx.send("SomethingNew", detail="1")
    assert bus[None]["raw"] == {"event": "SomethingNew", "detail": "1"}
    assert bus[None]["extensions"] == []
