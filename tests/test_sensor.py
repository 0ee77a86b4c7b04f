"""Snapshot of every sensor entity on the default PBX, idle and deterministic."""

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion


@pytest.fixture
def platforms() -> list[Platform]:
    """Only this platform, so the snapshot holds nothing else."""
    return [Platform.SENSOR]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    init_integration: MockConfigEntry,
) -> None:
    """Entity ids, unique ids, names, classes and states stay as users know them.

    The simulator's default PBX has a fixed seed and no traffic, so states repeat.
    """
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)
