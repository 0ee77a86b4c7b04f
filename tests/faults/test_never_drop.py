"""Never lose what the PBX has (issue 19.1): answers without data remove nothing.

A bare success, an empty list with a non-zero total, a missing page: the poll fails (one
log line), and every device, entity and user setting stays. A list that shrinks a lot at
once waits for the next poll to confirm it; a small real removal goes through at once,
and an object that comes back gets its entities back with their registry settings.
"""

from collections.abc import Callable
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
)
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.const import DOMAIN
from simulator import Simulator
from tests.conftest import poll, settle, state_of

from .conftest import assert_no_traceback

OUTAGE = "Error fetching synway_ippbx data"
RENAMED = "sensor.extension_1002_status"
AGENT = "switch.extension_1003_logged_in_to_sales"
BREAK = "switch.extension_1003_on_break_in_sales"

BAD_ANSWERS: dict[str, Callable[[Simulator], None]] = {
    "bare_success_ext_status": lambda sim: sim.set_faults(bare_success=("ext_status",)),
    "bare_success_trunk_list": lambda sim: sim.set_faults(bare_success=("trunk_list",)),
    "bare_success_queue_list": lambda sim: sim.set_faults(bare_success=("queue_list",)),
    "bare_success_queue_members": lambda sim: sim.set_faults(
        bare_success=("queue_members",)
    ),
    "empty_list_with_total": lambda sim: sim.set_faults(empty_list_with_total=True),
    "missing_page": lambda sim: sim.set_faults(missing_page=2),
}


def _objects(
    hass: HomeAssistant, entry: MockConfigEntry
) -> tuple[set[str], dict[str, er.RegistryEntry]]:
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    return (
        {device.id for device in devices},
        {entity.entity_id: entity for entity in entities},
    )


def _customise(hass: HomeAssistant) -> None:
    """What a user sets: a name and area on one entity, a disabled agent switch."""
    registry = er.async_get(hass)
    area = ar.async_get(hass).async_create("Front desk")
    registry.async_update_entity(RENAMED, name="Anna's phone", area_id=area.id)
    registry.async_update_entity(BREAK, disabled_by=er.RegistryEntryDisabler.USER)


def _assert_customised(hass: HomeAssistant) -> None:
    registry = er.async_get(hass)
    renamed = registry.async_get(RENAMED)
    assert renamed is not None
    assert renamed.name == "Anna's phone"
    assert renamed.area_id is not None
    on_break = registry.async_get(BREAK)
    assert on_break is not None
    assert on_break.disabled_by is er.RegistryEntryDisabler.USER
    assert registry.async_get(AGENT) is not None
    assert not [key for key in registry.deleted_entities if key[1] == DOMAIN]


@pytest.mark.parametrize("fault", list(BAD_ANSWERS))
async def test_answers_without_data_remove_nothing(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    log_errors: pytest.LogCaptureFixture,
    fault: str,
) -> None:
    """Two polls answered without data: every device and setting stays; one log line."""
    simulator.config.ext_status_page_size = 4  # 11 extensions: 3 pages
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    _customise(hass)
    devices, entities = _objects(hass, mock_config_entry)
    assert len(devices) > 10

    BAD_ANSWERS[fault](simulator)
    await poll(hass, freezer)
    await poll(hass, freezer)
    assert _objects(hass, mock_config_entry) == (devices, entities)
    _assert_customised(hass)
    assert log_errors.text.count(OUTAGE) == 1
    assert "The PBX answered unexpectedly: " in log_errors.text
    assert "no longer on the PBX" not in log_errors.text

    simulator.set_faults(bare_success=(), empty_list_with_total=False, missing_page=0)
    await poll(hass, freezer)
    assert _objects(hass, mock_config_entry) == (devices, entities)
    assert state_of(hass, RENAMED) == "idle"
    assert state_of(hass, AGENT) == "on"
    assert_no_traceback(log_errors)


async def test_a_large_shrink_waits_for_the_next_poll(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    log_errors: pytest.LogCaptureFixture,
) -> None:
    """3 of 11 extensions gone at once (more than 10 %): removed one poll later."""
    for number in ("1005", "1006", "1007"):
        simulator.remove_extension(number)
    await poll(hass, freezer)
    assert state_of(hass, "sensor.extension_1005_status") != STATE_UNAVAILABLE
    assert "keeping the 3 missing" in log_errors.text
    await poll(hass, freezer)
    assert hass.states.get("sensor.extension_1005_status") is None
    assert (
        dr.async_get(hass).async_get_device_by_identifier(
            (DOMAIN, f"{init_integration.entry_id}_extension_1005"),
            init_integration.entry_id,
        )
        is None
    )
    removed = [
        record
        for record in log_errors.records
        if "no longer on the PBX" in record.getMessage()
    ]
    assert [(r.levelno, r.getMessage()) for r in removed] == [
        (logging.INFO, "3 extension(s) no longer on the PBX; removing their devices")
    ]


async def test_a_shrink_that_does_not_last_removes_nothing(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    log_errors: pytest.LogCaptureFixture,
) -> None:
    """Every queue and most extensions missing for one poll: all back, nothing removed."""
    _customise(hass)
    devices, entities = _objects(hass, init_integration)
    # Complete, well-formed, but short lists (a PBX restoring a backup, say).
    extensions = dict(simulator.state.extensions)
    queues = dict(simulator.state.queues)
    for number in ("1002", "1003", "1004", "1005"):
        del simulator.state.extensions[number]
    simulator.state.queues.clear()
    await poll(hass, freezer)
    assert "keeping the 4 missing" in log_errors.text
    assert "keeping the 2 missing" in log_errors.text
    simulator.state.extensions.update(extensions)
    simulator.state.queues.update(queues)
    await poll(hass, freezer)
    assert _objects(hass, init_integration) == (devices, entities)
    _assert_customised(hass)
    assert "no longer on the PBX" not in log_errors.text


async def test_an_extension_that_comes_back_keeps_its_entities_and_settings(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    log_errors: pytest.LogCaptureFixture,
) -> None:
    """Deleted on the PBX, added again: the same entity ids, names and agent switches."""
    _customise(hass)
    registry = er.async_get(hass)
    registry.async_update_entity(AGENT, name="Anna on sales")
    simulator.remove_extension("1003")
    await poll(hass, freezer)
    assert hass.states.get(AGENT) is None
    assert "1 extension(s) no longer on the PBX" in log_errors.text

    simulator.add_extension("1003")
    await poll(hass, freezer)
    await settle(hass, simulator)
    agent = registry.async_get(AGENT)
    assert agent is not None
    assert agent.name == "Anna on sales"
    on_break = registry.async_get(BREAK)
    assert on_break is not None
    assert on_break.disabled_by is er.RegistryEntryDisabler.USER
    assert hass.states.get(AGENT) is not None
    assert not [key for key in registry.deleted_entities if key[1] == DOMAIN]
