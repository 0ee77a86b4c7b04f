"""Shared fixtures: the Home Assistant harness and the PBX simulator."""

from collections.abc import Generator
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

# Importing the integration first makes Home Assistant's loader find our custom_components
# package instead of the harness's own testing_config (see ha-conventions.md, gotcha 3).
from custom_components.synway_ippbx.const import DOMAIN  # noqa: F401

pytest_plugins = ["simulator.testing"]


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load integrations from custom_components/."""


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Enable entities that are disabled by default."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
    ):
        yield


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Use Home Assistant's snapshot extension (stable ids, tests/snapshots/)."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)
