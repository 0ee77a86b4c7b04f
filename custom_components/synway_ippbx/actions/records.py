"""Call record actions: search the PBX's call records, and one record's legs."""

import datetime as dt
from typing import Any, Final

from homeassistant.core import ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
import probatio as vol

from ..api import CallDirection, CdrQuery, CdrStatus
from ..coordinator import SynwayConfigEntry
from .common import BASE, POSITIVE, Action, dicts

# Record count get_call_records stops at when following pages.
MAX_CALL_RECORDS: Final = 1000

ATTR_RECORD_ID: Final = "record_id"
ATTR_PAGE: Final = "page"
ATTR_ALL_PAGES: Final = "all_pages"

FILTERS: Final = (
    "extension",
    "caller",
    "callee",
    "outbound_caller_id",
    "started_after",
    "started_before",
    "ended_after",
    "ended_before",
    "direction",
    "status",
)
_TIMES: Final = ("started_after", "started_before", "ended_after", "ended_before")
CALL_DIRECTIONS: Final = [
    direction.value
    for direction in CallDirection
    if direction is not CallDirection.UNKNOWN
]
CDR_STATUSES: Final = [
    CdrStatus.ANSWERED.value,
    CdrStatus.CANCELLED.value,
    CdrStatus.FAILED.value,
]


def _page_or_all_pages(data: dict[str, Any]) -> dict[str, Any]:
    """Refuse a page together with all_pages switched on (off with a page is fine)."""
    if ATTR_PAGE in data and data.get(ATTR_ALL_PAGES):
        raise vol.Invalid("give page or all_pages, not both")
    return data


def _pbx_time(value: dt.datetime) -> dt.datetime:
    """A CDR filter in the PBX's local (naive) time; aware times are converted first."""
    if value.tzinfo is not None:
        return dt_util.as_local(value).replace(tzinfo=None)
    return value


async def _get_call_records(
    entry: SynwayConfigEntry, call: ServiceCall
) -> ServiceResponse:
    """Return one page of call records, or up to MAX_CALL_RECORDS of them."""
    client = entry.runtime_data.client
    page: int | None = call.data.get(ATTR_PAGE)
    filters: dict[str, Any] = {
        key: call.data[key] for key in FILTERS if key in call.data
    }
    for key in _TIMES:
        if key in filters:
            filters[key] = _pbx_time(filters[key])
    if "direction" in filters:
        filters["direction"] = CallDirection(filters["direction"])
    if "status" in filters:
        filters["status"] = CdrStatus(filters["status"])
    query = CdrQuery(**filters)
    if call.data.get(ATTR_ALL_PAGES, False):
        records = await client.cdrs_all(query, limit=MAX_CALL_RECORDS)
        return {"records": dicts(records), "count": len(records)}
    result = await client.cdrs(query, page=page or 1)
    return {
        "records": dicts(result.records),
        "count": len(result.records),
        "total": result.total,
        "page": result.page if result.page is not None else page or 1,
        "max_page": result.max_page,
    }


async def _get_call_details(
    entry: SynwayConfigEntry, call: ServiceCall
) -> ServiceResponse:
    """Return the detailed legs of one call record."""
    record_id: str = call.data[ATTR_RECORD_ID]
    details = await entry.runtime_data.client.cdr_query(record_id)
    return {"record_id": record_id, "details": dicts(details)}


ACTIONS: Final[dict[str, Action]] = {
    "get_call_records": Action(
        _get_call_records,
        {
            **BASE,
            vol.Optional("extension"): cv.string,
            vol.Optional("caller"): cv.string,
            vol.Optional("callee"): cv.string,
            vol.Optional("outbound_caller_id"): cv.string,
            **{vol.Optional(key): cv.datetime for key in _TIMES},
            vol.Optional("direction"): vol.In(CALL_DIRECTIONS),
            vol.Optional("status"): vol.In(CDR_STATUSES),
            vol.Optional(ATTR_PAGE): POSITIVE,
            vol.Optional(ATTR_ALL_PAGES): cv.boolean,
        },
        SupportsResponse.ONLY,
        checks=(_page_or_all_pages,),
    ),
    "get_call_details": Action(
        _get_call_details,
        {**BASE, vol.Required(ATTR_RECORD_ID): cv.string},
        SupportsResponse.ONLY,
    ),
}
