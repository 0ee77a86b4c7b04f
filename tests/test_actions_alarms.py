"""Wake-up alarm actions (actions/alarms.py), against the simulator."""

from typing import Any

from homeassistant.core import HomeAssistant, ServiceResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import probatio as vol
import pytest

from custom_components.synway_ippbx.const import DOMAIN
from simulator import Simulator

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
