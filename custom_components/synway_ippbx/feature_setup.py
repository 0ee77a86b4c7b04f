"""Set the features up after the first poll, and wire them to the coordinator.

Apart from ``features`` so that the features themselves need no config entry: they take
the store, the client and ids, and the coordinator can hold them without a circle.
"""

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store

from .agents import CONF_AGENT_PASSWORDS, AgentDirectory, parse_agent_passwords
from .const import DOMAIN
from .coordinator import SynwayConfigEntry, SynwayCoordinator
from .features import FEATURES_KEY, Features
from .pbx.store import STRUCTURE_KEY, queue_key
from .screening import InboundScreener, ScreeningRules
from .settings_cache import ExtensionSettingsCache
from .statistics import CallStatistics


def build_features(
    hass: HomeAssistant, entry: SynwayConfigEntry, coordinator: SynwayCoordinator
) -> Features:
    """Create the features (nothing read yet), so the entry holds them from the start."""
    client = coordinator.client
    return Features(
        screener=InboundScreener(
            hass, entry.entry_id, client, ScreeningRules.from_options(entry.options)
        ),
        statistics=CallStatistics(
            hass,
            entry,
            client,
            extension_name=coordinator.data.extension_name,
            is_extension=lambda number: number in coordinator.data.extensions,
            notify=coordinator.async_notify,
        ),
        settings=ExtensionSettingsCache(client, coordinator.async_notify),
        agents=AgentDirectory(
            Store(hass, 1, f"{DOMAIN}.{entry.entry_id}.agents"),
            parse_agent_passwords(entry.options.get(CONF_AGENT_PASSWORDS)),
        ),
    )


async def async_setup_features(hass: HomeAssistant, entry: SynwayConfigEntry) -> None:
    """Read and start the features after the first poll; wire them to the coordinator."""
    runtime = entry.runtime_data
    coordinator = runtime.coordinator
    client = runtime.client
    features = runtime.features
    statistics, agents, settings = (
        features.statistics,
        features.agents,
        features.settings,
    )
    screener = features.screener
    await statistics.async_load()
    await agents.async_load()
    entry.async_on_unload(agents.async_stop)
    agents.learn(coordinator.data)

    async def _read_breaks() -> None:
        """In the background: setup need not wait for one request per agent."""
        found = await agents.async_read_breaks(client, coordinator.data)
        coordinator.async_notify({queue_key(queue_id) for queue_id in found})

    entry.async_create_background_task(hass, _read_breaks(), f"{DOMAIN} agent breaks")
    await settings.async_refresh()
    # From here on reports feed them (before, they were not read yet).
    features.ready = True
    screener.async_start()
    entry.async_on_unload(screener.async_stop)
    entry.async_on_unload(statistics.async_start())
    entry.async_on_unload(statistics.async_stop)
    await statistics.async_backfill()
    known = set(coordinator.data.extensions)

    @callback
    def _structure_changed() -> None:
        """New extensions: read their settings; gone ones: forget them."""
        current = set(coordinator.data.extensions)
        for gone in known - current:
            settings.settings.pop(gone, None)
        if added := current - known:
            entry.async_create_background_task(
                hass, settings.async_refresh(added), f"{DOMAIN} extension settings"
            )
        known.clear()
        known.update(current)

    entry.async_on_unload(
        coordinator.async_add_listener(_structure_changed, STRUCTURE_KEY)
    )
    connected = [coordinator.last_update_success]

    @callback
    def _connection_changed() -> None:
        """Back after an outage: count the calls that ended meanwhile."""
        if coordinator.last_update_success and not connected[0]:
            statistics.schedule_backfill()
        connected[0] = coordinator.last_update_success

    entry.async_on_unload(
        coordinator.async_add_listener(_connection_changed, FEATURES_KEY)
    )
