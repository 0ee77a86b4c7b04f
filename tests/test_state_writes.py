"""A report writes only the states it changes (issue: ingestion at the cost of a webhook).

Home Assistant records every write, changed or not, as the state's ``last_reported``; a
report about extension 1001 must leave the entities of 1001 it does not change untouched.
"""

from datetime import timedelta
import json

from aiohttp.test_utils import TestClient
from aiohttp.web import Application, Request
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import Simulator
from tests.conftest import WEBHOOK_ID, settle

URL = f"/api/webhook/{WEBHOOK_ID}"


def _reported(hass: HomeAssistant, entity_ids: list[str]) -> dict[str, object]:
    """When each entity's state was last written."""
    result: dict[str, object] = {}
    for entity_id in entity_ids:
        state = hass.states.get(entity_id)
        assert state is not None
        result[entity_id] = state.last_reported
    return result


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_report_writes_only_the_states_it_changes(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    report_client: TestClient[Request, Application],
    freezer: FrozenDateTimeFactory,
) -> None:
    """A status report that changes nothing writes nothing; a ring writes what it changes."""
    entity_ids = [
        entry.entity_id
        for entry in er.async_entries_for_config_entry(
            er.async_get(hass), init_integration.entry_id
        )
        if entry.entity_id.split(".")[1].startswith("extension_1001_")
    ]
    assert len(entity_ids) >= 5
    before = _reported(hass, entity_ids)

    freezer.tick(timedelta(seconds=5))
    body = {"event": "ExtensionStatus", "extension": "1001", "status": "Idle"}
    assert (await report_client.post(URL, data=json.dumps(body))).status == 200
    await hass.async_block_till_done()
    assert _reported(hass, entity_ids) == before

    freezer.tick(timedelta(seconds=5))
    simulator.call_internal("1000", "1001")
    await settle(hass, simulator)
    after = _reported(hass, entity_ids)
    rewritten = {
        entity_id for entity_id in entity_ids if after[entity_id] != before[entity_id]
    }
    # Ringing: the status, the other party and the call event change; registration and
    # the hang-up button do not.
    assert "sensor.extension_1001_status" in rewritten
    assert "binary_sensor.extension_1001_registered" not in rewritten
    assert "button.extension_1001_hang_up" not in rewritten


async def test_entity_without_a_fingerprint_writes_at_every_update(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The default: an entity that does not say what it shows is written every time."""
    from unittest.mock import patch

    from custom_components.synway_ippbx.const import ObjectKind
    from custom_components.synway_ippbx.entity import (
        SynwayEntity,
        SynwayEntityDescription,
    )
    from custom_components.synway_ippbx.pbx.store import ObjectKey

    entity = SynwayEntity(
        init_integration,
        ObjectKey("extension", "1001"),
        SynwayEntityDescription(key="plain", kind=ObjectKind.EXTENSION),
    )
    with patch.object(entity, "async_write_ha_state") as write:
        entity._handle_coordinator_update()
        entity._handle_coordinator_update()
    assert write.call_count == 2
