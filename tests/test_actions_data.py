"""Alarm, queue agent, configuration and call record actions, against the simulator."""

from datetime import UTC, datetime
from typing import Any

from homeassistant.core import HomeAssistant, ServiceResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util
import probatio as vol
import pytest

from custom_components.synway_ippbx.const import DOMAIN
from simulator import Simulator
from tests.conftest import settle

pytestmark = pytest.mark.usefixtures("init_integration")


async def _call(hass: HomeAssistant, action: str, data: dict[str, Any]) -> None:
    await hass.services.async_call(DOMAIN, action, data, blocking=True)


async def _ask(
    hass: HomeAssistant, action: str, data: dict[str, Any] | None = None
) -> Any:
    response: ServiceResponse = await hass.services.async_call(
        DOMAIN, action, data or {}, blocking=True, return_response=True
    )
    assert response is not None
    return response


# --------------------------------------------------------------------------- alarms


async def test_add_alarm_weekdays(hass: HomeAssistant, simulator: Simulator) -> None:
    """A repeating alarm: weekdays map to the API's 1 = Sunday .. 7 = Saturday."""
    await _call(
        hass,
        "add_alarm",
        {
            "extension": "1000",
            "name": "Room 101",
            "time": "07:30",
            "weekdays": ["mon", "fri", "sun"],
            "snooze_interval": 300,
            "retries": 2,
            "prompt": "hello.wav",
        },
    )
    (alarm,) = simulator.state.alarms.values()
    assert alarm.extid == "1000"
    assert alarm.fields["wakeup_name"] == "Room 101"
    assert alarm.fields["wakeup_custom_day"] == "true"
    assert alarm.fields["wakeup_wday"] == "1,2,6"
    assert alarm.fields["wakeup_hour"] == "7"
    assert alarm.fields["wakeup_min"] == "30"
    assert alarm.fields["wakeup_snooze_time"] == "300"
    assert alarm.fields["wakeup_retry_times"] == "2"
    assert alarm.fields["wakeup_prompt"] == "hello.wav"
    assert alarm.fields["wakeup_enabled"] == "true"


async def test_add_alarm_date(hass: HomeAssistant, simulator: Simulator) -> None:
    """A one-off alarm on a date; the time selector's seconds are accepted."""
    await _call(
        hass,
        "add_alarm",
        {
            "extension": "1001",
            "name": "Checkout",
            "time": "06:05:00",
            "date": "2026-12-24",
            "enabled": False,
        },
    )
    (alarm,) = simulator.state.alarms.values()
    assert alarm.fields["wakeup_custom_day"] == "false"
    assert alarm.fields["wakeup_mday"] == "2026-12-24"
    assert alarm.fields["wakeup_hour"] == "6"
    assert alarm.fields["wakeup_min"] == "5"
    assert alarm.fields["wakeup_enabled"] == "false"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"weekdays": ["mon", "funday"]}, "'funday' is not a day of the week"),
        ({"weekdays": []}, "length of value must be at least 1 at 'weekdays'"),
        ({"date": "24.12.2026"}, "Could not parse date at 'date'"),
        ({"date": "2026-02-30"}, "Could not parse date at 'date'"),
        ({"date": "2026-12-24", "time": "7h30"}, "Invalid time specified: 7h30"),
        ({"date": "2026-12-24", "time": "25:00"}, "Invalid time specified: 25:00"),
        ({}, "at least one of ['date', 'weekdays'] is required"),
        (
            {"date": "2026-12-24", "weekdays": ["mon"]},
            "give date or weekdays, not both",
        ),
    ],
    ids=[
        "funday",
        "no-weekdays",
        "date-format",
        "no-such-date",
        "time-format",
        "hour-25",
        "no-repeat",
        "date-and-weekdays",
    ],
)
async def test_add_alarm_schema(
    hass: HomeAssistant, simulator: Simulator, data: dict[str, Any], message: str
) -> None:
    """Malformed alarms fail the action's schema, saying what is wrong, before any request."""
    before = len(simulator.requests)
    with pytest.raises(vol.Invalid) as err:
        await _call(
            hass,
            "add_alarm",
            {"extension": "1000", "name": "Wake", "time": "07:00", **data},
        )
    assert message in str(err.value)
    assert len(simulator.requests) == before


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"date": "2026-12-24", "name": " "}, "invalid_input"),
        ({"date": "2026-12-24", "extension": "55"}, "unknown_extension"),
    ],
)
async def test_add_alarm_validation(
    hass: HomeAssistant, simulator: Simulator, data: dict[str, Any], key: str
) -> None:
    """What only the client or the PBX's known objects can check: translated errors."""
    before = len(simulator.requests)
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass,
            "add_alarm",
            {"extension": "1000", "name": "Wake", "time": "07:00", **data},
        )
    assert err.value.translation_key == key
    assert len(simulator.requests) == before


async def test_alarm_lifecycle(hass: HomeAssistant, simulator: Simulator) -> None:
    """get_alarms lists what add_alarm made; update_alarm and delete_alarm change it."""
    await _call(
        hass,
        "add_alarm",
        {"extension": "1000", "name": "Wake", "time": "07:00", "weekdays": ["sat"]},
    )
    response = await _ask(hass, "get_alarms", {"extension": "1000"})
    (alarm,) = response["alarms"]
    assert alarm["extension"] == "1000"
    assert alarm["name"] == "Wake"
    assert alarm["weekdays"] == ["sat"]
    assert alarm["time"] == "07:00:00"
    assert "raw" not in alarm
    alarm_id = alarm["alarm_id"]

    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass,
            "update_alarm",
            {"alarm_id": alarm_id, "extension": "1001", "enabled": False},
        )
    assert err.value.translation_key == "unknown_alarm"
    assert err.value.translation_placeholders == {
        "alarm_id": alarm_id,
        "extension": "1001",
    }
    await _call(
        hass,
        "update_alarm",
        {
            "alarm_id": alarm_id,
            "extension": "1000",
            "time": "08:15",
            "date": "2027-01-02",
        },
    )
    fields = simulator.state.alarms[alarm_id].fields
    assert fields["wakeup_custom_day"] == "false"
    assert fields["wakeup_mday"] == "2027-01-02"
    assert (fields["wakeup_hour"], fields["wakeup_min"]) == ("8", "15")
    assert (await _ask(hass, "get_alarms"))["alarms"][0]["date"] == "2027-01-02"

    with pytest.raises(vol.Invalid, match="at least one of"):
        await _call(hass, "update_alarm", {"alarm_id": alarm_id})

    with pytest.raises(HomeAssistantError) as pbx_err:
        await _call(hass, "delete_alarm", {"alarm_id": alarm_id, "extension": "1001"})
    assert pbx_err.value.translation_placeholders == {
        "errno": "16",
        "meaning": "The alarm does not exist",
    }
    await _call(hass, "delete_alarm", {"alarm_id": alarm_id, "extension": "1000"})
    assert simulator.state.alarms == {}
    assert await _ask(hass, "get_alarms") == {"alarms": []}


async def test_update_unknown_alarm(hass: HomeAssistant, simulator: Simulator) -> None:
    """An alarm the PBX does not have: errno 16, named."""
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "update_alarm", {"alarm_id": "nope", "enabled": False})
    assert err.value.translation_placeholders == {
        "errno": "16",
        "meaning": "The alarm does not exist",
    }


# --------------------------------------------------------------------------- agents


async def test_agent_login_logout(hass: HomeAssistant, simulator: Simulator) -> None:
    """A dynamic agent logs in with the queue password, and out again."""
    agent = simulator.state.queues["6700"].agents["1004"]
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "agent_login", {"queue": "6700", "extension": "1004"})
    assert err.value.translation_placeholders == {
        "errno": "13",
        "meaning": "Wrong password for agent dynamic login/logout",
    }
    await _call(
        hass,
        "agent_login",
        {"queue": "6700", "extension": "1004", "password": "123456"},
    )
    assert agent.logged_in
    status = await _ask(
        hass,
        "get_agent_status",
        {"queue": "6700", "extension": "1004", "password": "123456"},
    )
    assert status == {"queue": "6700", "extension": "1004", "status": "logged_in"}
    await _call(
        hass,
        "agent_logout",
        {"queue": "6700", "extension": "1004", "password": "123456"},
    )
    assert not agent.logged_in


async def test_agent_login_all_queues(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """all_queues logs the agent in to every queue it belongs to."""
    await _call(
        hass,
        "agent_login",
        {"queue": "6701", "extension": "1006", "all_queues": True},
    )
    assert simulator.requests[-1].body["mode"] == "all"
    assert simulator.state.queues["6701"].agents["1006"].logged_in
    await _call(
        hass,
        "agent_logout",
        {"queue": "6701", "extension": "1006", "all_queues": True},
    )
    assert simulator.requests[-1].body["mode"] == "all"
    assert not simulator.state.queues["6701"].agents["1006"].logged_in


async def test_agent_pause_resume(hass: HomeAssistant, simulator: Simulator) -> None:
    """agent_pause puts the agent on break; agent_resume takes it back."""
    agent = simulator.state.queues["6700"].agents["1003"]
    await _call(hass, "agent_pause", {"queue": "6700", "extension": "1003"})
    await settle(hass, simulator)
    assert agent.paused
    status = await _ask(
        hass,
        "get_agent_status",
        {"queue": "6700", "extension": "1003", "password": "123456"},
    )
    assert status["status"] == "on_break"
    await _call(hass, "agent_resume", {"queue": "6700", "extension": "1003"})
    assert not agent.paused


async def test_agent_unknown_queue(hass: HomeAssistant, simulator: Simulator) -> None:
    """A queue the PBX does not have is refused before any request."""
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "agent_pause", {"queue": "9999", "extension": "1003"})
    assert err.value.translation_key == "unknown_queue"
    assert err.value.translation_placeholders == {"queue": "9999"}
    assert "Queue 9999 does not exist on the PBX" in str(err.value)


# --------------------------------------------------------------------------- configuration


async def test_get_extensions(hass: HomeAssistant, simulator: Simulator) -> None:
    """get_extensions returns typed settings, never the passwords."""
    response = await _ask(hass, "get_extensions", {"extensions": ["1000", "1008"]})
    numbers = [item["extension"] for item in response["extensions"]]
    assert numbers == ["1000", "1008"]
    first = response["extensions"][0]
    assert "password" not in first
    assert first["call_permission"] == "international"
    assert first["forward_busy"] == {
        "enabled": False,
        "destination": None,
        "time_condition": "all",
        "time_condition_uuid": None,
    }
    everything = await _ask(hass, "get_extensions")
    assert len(everything["extensions"]) == len(simulator.state.extensions)
    assert "Synway1234" not in repr(everything)


async def test_get_extensions_unknown(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Unknown extensions are refused before any request."""
    with pytest.raises(ServiceValidationError):
        await _ask(hass, "get_extensions", {"extensions": ["1000", "31"]})


async def test_get_trunks(hass: HomeAssistant, simulator: Simulator) -> None:
    """get_trunks returns the trunks' settings."""
    response = await _ask(hass, "get_trunks", {"trunks": ["fxo1"]})
    assert response == {"trunks": [{"name": "fxo1", "sip_address": None, "port": "1"}]}
    assert len((await _ask(hass, "get_trunks"))["trunks"]) == 4


async def test_get_outbound_routes(hass: HomeAssistant, simulator: Simulator) -> None:
    """get_outbound_routes returns the routes with their members."""
    response = await _ask(hass, "get_outbound_routes", {"name": "Default"})
    (route,) = response["routes"]
    assert route["name"] == "Default"
    assert route["enabled"] is True
    assert route["trunks"] == ["SIP-1", "fxo1"]
    assert "single_pin" not in route
    assert len((await _ask(hass, "get_outbound_routes"))["routes"]) == 2


async def test_get_ivrs(hass: HomeAssistant, simulator: Simulator) -> None:
    """get_ivrs returns every IVR."""
    assert await _ask(hass, "get_ivrs") == {
        "ivrs": [{"ivr_id": "6500", "name": "Main menu"}]
    }


# --------------------------------------------------------------------------- call records


async def _make_calls(hass: HomeAssistant, simulator: Simulator, count: int) -> None:
    for _ in range(count):
        simulator.call_internal("1000", "1001", answer=True)
        simulator.advance(5)
        simulator.hangup("1000")
    simulator.call_internal("1002", "1003")
    simulator.hangup("1002")
    await settle(hass, simulator)


async def test_get_call_records_page(hass: HomeAssistant, simulator: Simulator) -> None:
    """One page of records, filtered; and the details of one record."""
    await _make_calls(hass, simulator, 2)
    response = await _ask(
        hass,
        "get_call_records",
        {"extension": "1000", "direction": "local", "status": "answered"},
    )
    assert response["count"] == 2
    assert response["page"] == 1
    record = response["records"][0]
    assert record["caller"] == "1000"
    assert record["destination"] == "1001"
    assert record["status"] == "answered"
    assert record["direction"] == "local"
    assert "raw" not in record

    cancelled = await _ask(hass, "get_call_records", {"status": "cancelled"})
    assert [item["caller"] for item in cancelled["records"]] == ["1002"]

    details = await _ask(hass, "get_call_details", {"record_id": record["record_id"]})
    assert details["record_id"] == record["record_id"]
    assert details["details"][0]["record_id"] == record["record_id"]
    assert details["details"][0]["end"] is not None


async def test_get_call_records_time_filters(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Time filters are sent in the PBX's local time, aware times converted."""
    await _make_calls(hass, simulator, 1)
    await _ask(
        hass,
        "get_call_records",
        {
            "started_after": "2020-01-01 00:00:00",
            "started_before": "2099-01-01T00:00:00+00:00",
            "page": 1,
        },
    )
    body = simulator.requests[-1].body
    assert body["start_stamp_begin"] == "2020-01-01 00:00:00"
    expected = dt_util.as_local(datetime(2099, 1, 1, tzinfo=UTC))
    assert body["start_stamp_end"] == expected.strftime("%Y-%m-%d %H:%M:%S")
    assert body["page"] == "1"


async def test_get_call_records_all_pages(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """all_pages follows the pages (the simulator's are 50 records long)."""
    await _make_calls(hass, simulator, 60)
    first = await _ask(hass, "get_call_records")
    assert first["count"] == 50
    assert first["max_page"] == 2
    everything = await _ask(hass, "get_call_records", {"all_pages": True})
    assert everything["count"] == 61
    assert len({item["record_id"] for item in everything["records"]}) == 61
    second = await _ask(hass, "get_call_records", {"page": 2})
    assert second["count"] == 11


async def test_get_call_records_validation(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """page and all_pages are exclusive; unknown enumerations fail the schema."""
    with pytest.raises(vol.Invalid, match="give page or all_pages, not both"):
        await _ask(hass, "get_call_records", {"page": 2, "all_pages": True})
    # all_pages switched off beside a page (as a form may send it) is no conflict.
    assert (await _ask(hass, "get_call_records", {"page": 1, "all_pages": False}))[
        "page"
    ] == 1
    with pytest.raises(vol.Invalid):
        await _ask(hass, "get_call_records", {"status": "missed"})


async def test_get_call_details_unknown(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """An unknown record: the PBX's errno 6, named."""
    with pytest.raises(HomeAssistantError) as err:
        await _ask(hass, "get_call_details", {"record_id": "nope"})
    assert err.value.translation_placeholders == {
        "errno": "6",
        "meaning": "Wrong or invalid uuid",
    }
