"""Buttons: hang up an extension's current call; take an FXO line off or on hook."""

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import TrunkType
from .const import DOMAIN, ObjectKind
from .coordinator import SynwayConfigEntry, SynwayCoordinator
from .entity import (
    SynwayEntity,
    SynwayEntityDescription,
    ValueFn,
    async_add_object_entities,
)
from .errors import pbx_command
from .pbx.store import Key

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class SynwayButtonEntityDescription(ButtonEntityDescription, SynwayEntityDescription):
    """What pressing a button does."""

    press_fn: ValueFn[Awaitable[Any]]
    fxo_only: bool = False


async def _hang_up(coordinator: SynwayCoordinator, number: str) -> None:
    leg = coordinator.data.calls.current_leg(number)
    if leg is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_active_call",
            translation_placeholders={"extension": number},
        )
    await coordinator.client.hangup(leg.pbx_id)
    coordinator.recheck.async_action_done("hangup", leg.pbx_id)


def _hook(off_hook: bool) -> Callable[[SynwayCoordinator, str], Awaitable[None]]:
    async def _press(coordinator: SynwayCoordinator, name: str) -> None:
        if (port := coordinator.data.trunks[name].port) is None:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="unknown_fxo_port",
                translation_placeholders={"trunk": name},
            )
        await coordinator.client.hook(port, off_hook=off_hook)

    return _press


BUTTONS: tuple[SynwayButtonEntityDescription, ...] = (
    SynwayButtonEntityDescription(
        key="hangup",
        translation_key="hangup",
        kind=ObjectKind.EXTENSION,
        # Rarely pressed from a dashboard; the hangup action and intent cover it.
        entity_registry_enabled_default=False,
        press_fn=_hang_up,
    ),
    SynwayButtonEntityDescription(
        key="off_hook",
        translation_key="off_hook",
        kind=ObjectKind.TRUNK,
        fxo_only=True,
        # Taking a line off hook is a maintenance step, not a daily control.
        entity_registry_enabled_default=False,
        press_fn=_hook(off_hook=True),
    ),
    SynwayButtonEntityDescription(
        key="on_hook",
        translation_key="on_hook",
        kind=ObjectKind.TRUNK,
        fxo_only=True,
        entity_registry_enabled_default=False,
        press_fn=_hook(off_hook=False),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SynwayConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add hang-up buttons to extensions and hook buttons to FXO trunks."""
    store = entry.runtime_data.coordinator.data

    def _build(key: Key) -> Iterable[Entity]:
        kind, object_id = key
        is_fxo = kind == "trunk" and store.trunks[object_id].type is TrunkType.FXO
        return [
            SynwayButton(entry, key, description)
            for description in BUTTONS
            if description.kind == kind and (is_fxo or not description.fxo_only)
        ]

    async_add_object_entities(entry, async_add_entities, _build)


class SynwayButton(SynwayEntity, ButtonEntity):
    """A PBX action on one extension or trunk."""

    entity_description: SynwayButtonEntityDescription

    @override
    def _state_fingerprint(self) -> None:
        """A button's state is its last press: updates only change availability."""

    @override
    @pbx_command
    async def async_press(self) -> None:
        """Ask the PBX; the reports that follow update the entities."""
        await self.entity_description.press_fn(self.coordinator, self.pbx_id)
