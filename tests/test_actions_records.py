"""Call record actions (actions/records.py), against the simulator."""

from datetime import UTC, datetime
from typing import Any

from homeassistant.core import HomeAssistant, ServiceResponse
from homeassistant.exceptions import HomeAssistantError
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
