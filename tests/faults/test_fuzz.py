"""Property tests: no input makes a parser raise anything but the library's own errors.

A few hundred examples each here; ``benchmarks/fuzz.py`` runs the same targets 100,000
times. Reports also go through the live webhook and coordinator.
"""

import contextlib
from typing import Any

from aiohttp.test_utils import TestClient
from aiohttp.web import Application, Request
from homeassistant.core import HomeAssistant
from hypothesis import HealthCheck, Phase, example, given, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.api import SynwayError

from .conftest import WEBHOOK_PATH, assert_no_traceback
from .fuzz_targets import TARGETS, VALID
from .strategies import report_bodies

VALID_STATUSES = ("Unregistered", "Idle", "Talking", "Ringing")
EXAMPLES = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("name", list(TARGETS))
def test_parser_raises_only_library_errors(name: str) -> None:
    """Hostile input raises only library errors; the well-formed input among it still parses.

    The well-formed case is mixed into the generated ones (and always tried once), so a
    parser that rejected everything would fail here rather than pass.
    """
    strategy, target = TARGETS[name]
    valid, read, expected = VALID[name]
    parsed_valid: list[object] = []

    @EXAMPLES
    @example(valid)
    @given(st.one_of(st.just(valid), strategy))
    def check(value: Any) -> None:
        if value is valid:
            parsed_valid.append(read(target(value)))
            return
        with contextlib.suppress(SynwayError):
            target(value)

    check()
    assert parsed_valid
    assert all(result == expected for result in parsed_valid), parsed_valid


async def test_hostile_reports_through_the_webhook(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
    log_errors: pytest.LogCaptureFixture,
) -> None:
    """200 generated bodies posted to the live webhook: all answered, none logs a traceback.

    A well-formed status report follows every tenth body and must show at once: a webhook
    that refused everything would otherwise pass.
    """
    bodies: list[bytes] = []

    @settings(EXAMPLES, phases=[Phase.generate])
    @given(report_bodies)
    def collect(body: bytes) -> None:
        bodies.append(body)

    collect()
    valid_sent = 0
    for number, body in enumerate(bodies, start=1):
        response = await report_client.post(WEBHOOK_PATH, data=body)
        assert response.status == 200
        if number % 10:
            continue
        status = VALID_STATUSES[valid_sent % len(VALID_STATUSES)]
        valid_sent += 1
        report = {"event": "ExtensionStatus", "extension": "1000", "status": status}
        response = await report_client.post(WEBHOOK_PATH, json=report)
        assert response.status == 200
        await hass.async_block_till_done()
        state = hass.states.get("sensor.extension_1000_status")
        assert state is not None
        assert state.state == status.lower(), (number, status)
    await hass.async_block_till_done()
    stats = init_integration.runtime_data.coordinator.reports
    assert valid_sent == len(bodies) // 10
    assert (
        stats.received + stats.rejected + stats.duplicates == len(bodies) + valid_sent
    )
    assert stats.received >= valid_sent
    assert_no_traceback(log_errors)
