"""The fault matrix: every fault recovers within one poll after it clears.

For each fault: entities show it (unavailable, or the right state despite it), the outage is
logged once however many polls fail, nothing logs a traceback, and the first poll after
the fault clears shows the PBX's real state again. Answers in pieces and a 3,000-extension
PBX over a slow link are in ``test_slow_link.py``; a wrong password in
``test_wrong_password.py``; forged senders and Systemups in ``test_hostile_input.py``.
"""

from collections.abc import Awaitable, Callable
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.synway_ippbx.api import ERRNO_MEANINGS
from custom_components.synway_ippbx.const import DOMAIN
from simulator import Simulator
from simulator.slowlink import wall_clock_sleep
from tests.conftest import poll, settle, state_of

from .conftest import assert_no_traceback

STATUS_1002 = "sensor.extension_1002_status"
OUTAGE = "Error fetching synway_ippbx data"
# Errnos that a poll cannot recover from by itself: 2 asks the user (reauth).
POLL_ERRNOS = sorted(set(ERRNO_MEANINGS) - {2, 3, 4, 5})

type Step = Callable[[Simulator], Awaitable[None] | None]


async def _apply(step: Step, simulator: Simulator) -> None:
    result = step(simulator)
    if result is not None:
        await result


async def _stop(simulator: Simulator) -> None:
    simulator.restart_port = simulator.port  # type: ignore[attr-defined]
    await simulator.stop()


async def _start(simulator: Simulator) -> None:
    await simulator.start(port=simulator.restart_port, https=True)  # type: ignore[attr-defined]


def _lock_out_clients(simulator: Simulator) -> None:
    simulator.expire_tokens()
    simulator.config.max_clients = 0


def _free_clients(simulator: Simulator) -> None:
    simulator.config.max_clients = 8


def _disable_api(simulator: Simulator) -> None:
    simulator.config.api_enabled = False


def _enable_api(simulator: Simulator) -> None:
    simulator.config.api_enabled = True


def _answer_errno(errno: int) -> Step:
    def step(simulator: Simulator) -> None:
        simulator.set_faults(errno=errno)

    return step


def _redirect(status: int) -> Step:
    def step(simulator: Simulator) -> None:
        simulator.set_faults(
            redirect_to="http://192.0.2.1:8080", redirect_status=status
        )

    return step


OUTAGES: dict[str, tuple[Step, Step]] = {
    "pbx_down": (_stop, _start),
    "http_500": (
        lambda sim: sim.set_faults(http_500=True),
        lambda sim: sim.set_faults(http_500=False),
    ),
    "client_limit": (_lock_out_clients, _free_clients),
    "api_disabled": (_disable_api, _enable_api),
    **{
        f"errno_{errno}": (_answer_errno(errno), _answer_errno(0))
        for errno in POLL_ERRNOS
    },
    # Answers without data (issue 19): a failed poll, never "the PBX has nothing".
    "bare_success": (
        lambda sim: sim.set_faults(
            bare_success=("ext_status", "trunk_list", "queue_list", "queue_members")
        ),
        lambda sim: sim.set_faults(bare_success=()),
    ),
    "empty_list_with_total": (
        lambda sim: sim.set_faults(empty_list_with_total=True),
        lambda sim: sim.set_faults(empty_list_with_total=False),
    ),
    "missing_page": (
        lambda sim: sim.set_faults(missing_page=1),
        lambda sim: sim.set_faults(missing_page=0),
    ),
    # Never followed, so the target (TEST-NET, nothing there) is never even tried.
    **{
        f"redirect_{status}": (
            _redirect(status),
            lambda sim: sim.set_faults(redirect_to=""),
        )
        for status in (307, 302)
    },
}


@pytest.mark.expected_errors(OUTAGE)  # the one line per outage
@pytest.mark.parametrize("fault", list(OUTAGES))
async def test_outage_recovers_within_one_poll(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    log_errors: pytest.LogCaptureFixture,
    fault: str,
) -> None:
    """Two failing polls, one log line; a change made meanwhile shows at the next poll."""
    apply, clear = OUTAGES[fault]
    await _apply(apply, simulator)
    await poll(hass, freezer)
    assert state_of(hass, STATUS_1002) == STATE_UNAVAILABLE
    await poll(hass, freezer)
    assert log_errors.text.count(OUTAGE) == 1
    await _apply(clear, simulator)
    simulator.set_faults(drop_reports=1.0)  # only the poll can tell
    simulator.unregister("1002")
    await poll(hass, freezer)
    assert state_of(hass, STATUS_1002) == "unregistered"
    assert log_errors.text.count("recovered") == 1
    assert_no_traceback(log_errors, (OUTAGE,))


@pytest.mark.expected_errors(OUTAGE)  # the one line per outage
async def test_slow_answers_beyond_the_timeout(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    log_errors: pytest.LogCaptureFixture,
) -> None:
    """The PBX takes longer than the client timeout: a failed poll, then recovery."""
    simulator.set_faults(unresponsive=True)
    for _ in range(2):
        freezer.tick(timedelta(seconds=31))
        async_fire_time_changed(hass)
        await wall_clock_sleep(0.1)  # the requests are in flight...
        freezer.tick(timedelta(seconds=11))  # ...and time out
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        assert state_of(hass, STATUS_1002) == STATE_UNAVAILABLE
    assert log_errors.text.count(OUTAGE) == 1
    simulator.set_faults(unresponsive=False, drop_reports=1.0)
    simulator.unregister("1002")
    await poll(hass, freezer)
    assert state_of(hass, STATUS_1002) == "unregistered"
    assert_no_traceback(log_errors, (OUTAGE,))


@pytest.mark.parametrize("errno", sorted(ERRNO_MEANINGS))
async def test_errno_on_an_action_is_a_translated_error(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    log_errors: pytest.LogCaptureFixture,
    errno: int,
) -> None:
    """Any errno answering an action: a translated error, the entities stay as they are."""
    simulator.set_faults(errno=errno, errno_endpoints=("ext_outbound",))
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN,
            "dial",
            {"extension": "1000", "number": "5551234"},
            blocking=True,
        )
    assert err.value.translation_domain == DOMAIN
    assert state_of(hass, "sensor.extension_1000_status") != STATE_UNAVAILABLE
    assert_no_traceback(log_errors)


@pytest.mark.parametrize("revoke", ["expiry", "logout"])
async def test_token_expiry_and_revocation_cost_one_login(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    log_errors: pytest.LogCaptureFixture,
    revoke: str,
) -> None:
    """No outage at all: one login, then the poll goes through."""
    logins = sum(request.name == "login" for request in simulator.requests)
    if revoke == "expiry":
        simulator.expire_tokens()
    else:
        for session in simulator.auth.live_sessions():
            simulator.auth.logout(session)
    simulator.set_faults(drop_reports=1.0)
    simulator.unregister("1002")
    await poll(hass, freezer)
    assert state_of(hass, STATUS_1002) == "unregistered"
    assert sum(request.name == "login" for request in simulator.requests) == logins + 1
    assert OUTAGE not in log_errors.text
    assert_no_traceback(log_errors)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_real_systemup_logs_in_once_and_resyncs(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    log_errors: pytest.LogCaptureFixture,
) -> None:
    """A reboot: calls forgotten, one new session, reports flow to it."""
    simulator.call_internal("1000", "1001", answer=True)
    await settle(hass, simulator)
    simulator.reboot()
    await settle(hass, simulator)
    assert state_of(hass, "binary_sensor.extension_1000_on_a_call") == "off"
    assert len(simulator.auth.live_sessions()) == 1
    simulator.call_internal("1002", "1003")
    await settle(hass, simulator)
    assert state_of(hass, "sensor.extension_1003_status") == "ringing"
    assert_no_traceback(log_errors)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize(
    "fault",
    [
        {"drop_reports": 1.0},
        {"duplicate_reports": 1.0},
        {"reorder_extension_status": True},
    ],
    ids=["lost", "duplicated", "reordered-delayed"],
)
async def test_report_faults_end_in_the_true_state(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    log_errors: pytest.LogCaptureFixture,
    fault: dict[str, object],
) -> None:
    """Whatever happened to the reports, the next poll shows what the phones do.

    Duplicated or reordered reports still all arrive: the state is already true before any
    poll (which would overwrite everything and hide a wrong reading of them).
    """
    reports_arrive = "drop_reports" not in fault
    simulator.set_faults(**fault)
    simulator.call_internal("1000", "1001", answer=True)
    await settle(hass, simulator)
    if reports_arrive:
        assert state_of(hass, "binary_sensor.extension_1000_on_a_call") == "on"
        assert state_of(hass, "binary_sensor.extension_1001_on_a_call") == "on"
        assert state_of(hass, "sensor.extension_1001_status") == "talking"
    simulator.hangup("1001")
    simulator.unregister("1002")
    await settle(hass, simulator)
    simulator.set_faults(
        drop_reports=0.0, duplicate_reports=0.0, reorder_extension_status=False
    )
    await settle(hass, simulator)
    if reports_arrive:
        assert state_of(hass, STATUS_1002) == "unregistered"
        assert state_of(hass, "binary_sensor.extension_1000_on_a_call") == "off"
        assert state_of(hass, "binary_sensor.extension_1001_on_a_call") == "off"
        assert state_of(hass, "sensor.extension_1001_status") == "idle"
    await poll(hass, freezer)
    assert state_of(hass, STATUS_1002) == "unregistered"
    assert state_of(hass, "binary_sensor.extension_1000_on_a_call") == "off"
    assert state_of(hass, "binary_sensor.extension_1001_on_a_call") == "off"
    assert OUTAGE not in log_errors.text
    assert_no_traceback(log_errors)
