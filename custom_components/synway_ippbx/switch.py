"""Switches: an extension's forwarding and voicemail settings, and its queue agent state.

Settings come from ext_query (read at setup and after each change, not on every poll)
and are written with ext_mod. Agent switches log a dynamic agent in or out of a queue
and put any agent on break or back, on the extension's device, named with the queue.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .agents import queue_label
from .api import ExtensionChanges, ExtensionSettings, Forwarding
from .const import DOMAIN, ObjectKind
from .coordinator import SynwayConfigEntry
from .entity import SynwayEntity, SynwayEntityDescription, async_add_object_entities
from .entity_families import EntityFamily, chosen_families, wanted
from .errors import pbx_command
from .pbx.store import STRUCTURE_KEY, Key, extension_key, queue_key
from .setting_entity import ExtensionSettingEntity
from .settings_cache import forward_change

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class SynwaySwitchEntityDescription(SwitchEntityDescription, SynwayEntityDescription):
    """A switch of an extension."""


@dataclass(frozen=True, kw_only=True)
class SettingSwitchDescription(SynwaySwitchEntityDescription):
    """An extension setting shown as a switch."""

    is_on_fn: Callable[[ExtensionSettings], bool | None]
    # The ext_mod change for on/off; ``None`` destination means "use the stored one".
    change_fn: Callable[[ExtensionSettings, bool], ExtensionChanges]


def _forward(
    attribute: str,
) -> tuple[
    Callable[[ExtensionSettings], bool | None],
    Callable[[ExtensionSettings, bool], ExtensionChanges],
]:
    def _is_on(settings: ExtensionSettings) -> bool | None:
        forwarding: Forwarding = getattr(settings, attribute)
        return forwarding.enabled

    def _change(settings: ExtensionSettings, on: bool) -> ExtensionChanges:
        if not on:
            return forward_change(attribute, "")
        destination = (getattr(settings, attribute).destination or "").strip()
        if not destination:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="no_forward_destination",
                translation_placeholders={"extension": settings.extension},
            )
        return forward_change(attribute, destination)

    return _is_on, _change


def _description(
    key: str, attribute: str, category: EntityCategory | None
) -> SettingSwitchDescription:
    is_on_fn, change_fn = _forward(attribute)
    return SettingSwitchDescription(
        key=key,
        translation_key=key,
        kind=ObjectKind.EXTENSION,
        secondary=True,
        entity_category=category,
        is_on_fn=is_on_fn,
        change_fn=change_fn,
    )


def _dnd(settings: ExtensionSettings) -> bool | None:
    """Do not disturb, where the firmware reports it (the manual's ext_query does not)."""
    return settings.do_not_disturb


# Always forward, Voicemail and Do not disturb are everyday controls ("forward my calls"):
# primary entities, so Assist exposes them by default and default dashboards show them.
# Forwarding when busy or unanswered is set once and left alone: configuration.
SETTING_SWITCHES: tuple[SettingSwitchDescription, ...] = (
    _description("forward_always", "forward_always", None),
    _description("forward_busy", "forward_busy", EntityCategory.CONFIG),
    _description("forward_no_answer", "forward_no_answer", EntityCategory.CONFIG),
    SettingSwitchDescription(
        key="voicemail",
        translation_key="voicemail",
        kind=ObjectKind.EXTENSION,
        secondary=True,
        is_on_fn=lambda settings: settings.voicemail,
        change_fn=lambda _settings, on: ExtensionChanges(voicemail=on),
    ),
    SettingSwitchDescription(
        key="do_not_disturb",
        translation_key="do_not_disturb",
        kind=ObjectKind.EXTENSION,
        secondary=True,
        is_on_fn=_dnd,
        change_fn=lambda _settings, on: ExtensionChanges(
            extra={"dnd_enabled": "true" if on else "false"}
        ),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: SynwayConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add setting switches to extensions and agent switches for queue members."""
    features = entry.runtime_data.features
    coordinator = entry.runtime_data.coordinator

    # The options change only with a reload: decided once, not per extension.
    chosen = [
        description
        for description in SETTING_SWITCHES
        if wanted(entry.options, description.key)
    ]

    def _build(key: Key) -> Iterable[Entity]:
        if key[0] != "extension":
            return []
        settings = features.settings.settings.get(key[1])
        return [
            SettingSwitch(entry, key, description, features)
            for description in chosen
            # Do not disturb only where ext_query says it exists.
            if (
                description.key != "do_not_disturb"
                or (settings is not None and _dnd(settings) is not None)
            )
        ]

    async_add_object_entities(entry, async_add_entities, _build)

    created: set[tuple[str, str, str]] = set()
    agents_wanted = EntityFamily.QUEUE_AGENTS in chosen_families(entry.options)
    watched: dict[str, Callable[[], None]] = {}

    @callback
    def _sync_agents() -> None:
        """Learn agents from the store and add switches for new ones."""
        store = coordinator.data
        features.agents.learn(store)
        if not agents_wanted:
            return
        # A removed queue or extension took its agent switches with its device: forget
        # them, so that they come back (with their registry settings) if it returns.
        created.difference_update(
            [
                made
                for made in created
                if made[0] not in store.queues or made[1] not in store.extensions
            ]
        )
        entities: list[Entity] = []
        for queue_id, members in features.agents.agents.items():
            if queue_id not in store.queues:
                continue
            for extension, dynamic in members.items():
                if extension not in store.extensions:
                    continue
                kinds = ("logged_in", "on_break") if dynamic else ("on_break",)
                for kind in kinds:
                    if (queue_id, extension, kind) in created:
                        continue
                    created.add((queue_id, extension, kind))
                    entities.append(AgentSwitch(entry, queue_id, extension, kind))
        if entities:
            async_add_entities(entities)
        for queue_id in set(store.queues) - set(watched):
            watched[queue_id] = coordinator.async_add_listener(
                _sync_agents, queue_key(queue_id)
            )

    _sync_agents()
    entry.async_on_unload(coordinator.async_add_listener(_sync_agents, STRUCTURE_KEY))

    @callback
    def _unwatch() -> None:
        for remove in watched.values():
            remove()

    entry.async_on_unload(_unwatch)


class SettingSwitch(ExtensionSettingEntity, SwitchEntity):
    """An extension setting read with ext_query and written with ext_mod."""

    entity_description: SettingSwitchDescription

    @override
    def _state_fingerprint(self) -> Any:
        """Settings change through the cache's listener; polls change only availability."""
        return (self.is_on, self.extra_state_attributes)

    @property
    @override
    def is_on(self) -> bool | None:
        """The setting as the PBX last reported it."""
        settings = self._settings
        return self.entity_description.is_on_fn(settings) if settings else None

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """The forwarding destination, for the forwarding switches."""
        settings = self._settings
        forwarding = getattr(settings, self.entity_description.key, None)
        if isinstance(forwarding, Forwarding):
            return {"destination": forwarding.destination}
        return None

    @override
    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch the setting on."""
        await self._async_set(on=True)

    @override
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch the setting off."""
        await self._async_set(on=False)

    @pbx_command
    async def _async_set(self, *, on: bool) -> None:
        settings = self._settings
        if settings is None:  # pragma: no cover - unavailable entities get no calls
            return
        changes = self.entity_description.change_fn(settings, on)
        await self._features.settings.async_change(self.pbx_id, changes)


class AgentSwitch(SynwayEntity, SwitchEntity):
    """An extension as an agent of one queue: logged in, or on break."""

    def __init__(
        self, entry: SynwayConfigEntry, queue_id: str, extension: str, kind: str
    ) -> None:
        """Attach to the extension's device, named with the queue."""
        super().__init__(
            entry,
            extension_key(extension),
            SynwaySwitchEntityDescription(
                key=f"queue_{queue_id}_{kind}",
                translation_key=f"agent_{kind}",
                kind=ObjectKind.EXTENSION,
            ),
        )
        self._queue_id = queue_id
        self._kind = kind
        self._attr_translation_placeholders = {
            "queue": queue_label(entry.runtime_data.coordinator.data, queue_id)
        }
        self._attr_extra_state_attributes = {"queue_id": queue_id}

    @override
    async def async_added_to_hass(self) -> None:
        """Also wake on reports about the queue (agent login, logout, break)."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.coordinator.async_add_listener(
                self._handle_coordinator_update, queue_key(self._queue_id)
            )
        )

    @override
    def _state_fingerprint(self) -> Any:
        """Write when logged in or on break changes (reports and polls of the queue)."""
        return self.is_on

    @property
    @override
    def available(self) -> bool:
        """Unavailable when the queue is gone."""
        return super().available and self._queue_id in self.coordinator.data.queues

    @property
    @override
    def is_on(self) -> bool:
        """Logged in: listed in the queue, or on break. On break: as last reported."""
        queue = self.coordinator.data.queues.get(self._queue_id)
        agent = queue.agents.get(self.pbx_id) if queue else None
        features = self.coordinator.config_entry.runtime_data.features
        on_break = (
            agent.on_break
            if agent is not None
            else (self._queue_id, self.pbx_id) in features.agents.breaks
        )
        if self._kind == "logged_in":
            return agent is not None or on_break
        return on_break

    @override
    async def async_turn_on(self, **kwargs: Any) -> None:
        """Log in, or take a break."""
        await self._async_set(on=True)

    @override
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Log out, or resume."""
        await self._async_set(on=False)

    @pbx_command
    async def _async_set(self, *, on: bool) -> None:
        client = self.coordinator.client
        features = self.coordinator.config_entry.runtime_data.features
        password = features.agents.passwords.get(self._queue_id) if features else None
        queue_id, extension = self._queue_id, self.pbx_id
        if self._kind == "logged_in":
            call = (
                client.agent_login(queue_id, extension, password or None)
                if on
                else client.agent_logout(queue_id, extension, password or None)
            )
        else:
            call = (
                client.agent_break(queue_id, extension)
                if on
                else client.agent_resume(queue_id, extension)
            )
        await call
