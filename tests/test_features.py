"""The features held as one: present from setup, fed reports only once they were read."""

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.api import report_from_object


def _cdr(callid: str) -> dict[str, str]:
    now = dt_util.now().strftime("%Y-%m-%d %H:%M:%S")
    return {
        "event": "CDR",
        "callid": callid,
        "callfrom": "1000",
        "callto": "1002",
        "status": "ANSWERED",
        "type": "Internal",
        "calltime": now,
        "answertime": now,
        "hanguptime": now,
        "talktime": "6",
    }


async def test_reports_before_the_features_were_read_are_not_theirs(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Until setup read them (figures, agents, settings), reports pass them by."""
    features = init_integration.runtime_data.features
    calls = features.statistics.figures(None).calls
    features.ready = False
    assert features.async_handle_report(report_from_object(_cdr("a1"))) is None
    assert features.statistics.figures(None).calls == calls
    features.ready = True
    features.async_handle_report(report_from_object(_cdr("a2")))
    assert features.statistics.figures(None).calls == calls + 1
