"""The Synway IPPBX integration: the phone system's state, events and actions."""

from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_USERNAME,
    EVENT_HOMEASSISTANT_STOP,
    Platform,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    issue_registry as ir,
)
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from .actions import async_setup_services
from .api import SynwayClient, SynwayError
from .blueprint_install import async_offer_blueprints
from .const import (
    CONF_TRUSTED_SENDER,
    CONF_TRUSTED_SENDERS,
    CONF_VERIFY_SSL,
    DOMAIN,
    LOGGER,
)
from .coordinator import SynwayConfigEntry, SynwayCoordinator, SynwayRuntimeData
from .devices import (
    async_migrate_identifiers,
    async_register_hub,
    async_remove_stale_devices,
    object_exists,
)
from .entity_families import async_remove_unchosen
from .feature_setup import async_setup_features, build_features
from .pbx.store import STRUCTURE_KEY
from .sentence_install import async_offer_sentences, async_withdraw_offer
from .webhook import ReportReceiver, report_url

PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.EVENT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TEXT,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

# The options key of the poll interval, an option until version 2.1 (removed in 2.2).
_OLD_POLL_OPTION = "scan_interval"


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions, so automations validate even before an entry loads."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: SynwayConfigEntry) -> bool:
    """Log in, start receiving reports, poll once, then create the entities."""
    url = report_url(hass, entry)
    client = SynwayClient(
        entry.data[CONF_HOST],
        entry.data[CONF_USERNAME],
        entry.data[CONF_PASSWORD],
        session=async_get_clientsession(hass, verify_ssl=entry.data[CONF_VERIFY_SSL]),
        verify_ssl=entry.data[CONF_VERIFY_SSL],
        report_url=url,
    )
    coordinator = SynwayCoordinator(hass, entry, client)
    entry.runtime_data = SynwayRuntimeData(
        client=client,
        coordinator=coordinator,
        report_url=url,
        features=build_features(hass, entry, coordinator),
    )
    # Reports may arrive as soon as we log in: listen before the first refresh.
    ReportReceiver(hass, entry).async_register()

    async def _async_logout(_event: Event | None = None) -> None:
        """Free our API client slot on the PBX (it caps how many may log in)."""
        coordinator.link.async_stop_heartbeat()
        try:
            # shutdown, not logout: a login still in flight is logged out as it lands.
            await client.shutdown()
        except SynwayError as err:
            LOGGER.debug("Logging out of the PBX failed: %s", err)

    entry.async_on_unload(
        hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _async_logout)
    )
    try:
        await coordinator.async_config_entry_first_refresh()
    except Exception:
        await _async_logout()
        raise
    async_register_hub(hass, entry.entry_id, entry.title, client.address.base_url)
    async_remove_unchosen(hass, entry.entry_id, entry.options)
    await async_setup_features(hass, entry)
    coordinator.async_start_heartbeat()
    entry.async_on_unload(_async_logout)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    await async_offer_sentences(hass)

    @callback
    def _remove_stale_devices() -> None:
        async_remove_stale_devices(
            hass, entry.entry_id, coordinator.data, entry.runtime_data.device_infos
        )

    # Extensions, trunks and queues deleted on the PBX take their devices with them.
    _remove_stale_devices()
    entry.async_on_unload(
        coordinator.async_add_listener(_remove_stale_devices, STRUCTURE_KEY)
    )
    await async_offer_blueprints(hass)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: SynwayConfigEntry) -> bool:
    """Unload the platforms; the webhook, heartbeat and login end with the entry."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_migrate_entry(hass: HomeAssistant, entry: SynwayConfigEntry) -> bool:
    """Bring an entry stored by an older version up to date.

    Version 1 built device identifiers and entity unique ids from the PBX's host:port;
    version 2 builds them from the entry id, so renaming them keeps the user's entity
    ids, names, areas and history. Version 2.2 drops the poll interval option.
    """
    # Home Assistant refuses entries of a newer major version before calling this.
    if entry.version == 1:
        if entry.unique_id:
            await async_migrate_identifiers(hass, entry.entry_id, entry.unique_id)
        hass.config_entries.async_update_entry(entry, version=2, minor_version=1)
        LOGGER.debug("Migrated entry %s to version 2", entry.title)
    if entry.version == 2 and entry.minor_version < 2:
        # 2.2: the poll interval is the integration's choice (30 s), no longer an
        # option; the one trusted report sender became a list of them.
        options = {k: v for k, v in entry.options.items() if k != _OLD_POLL_OPTION}
        single = options.pop(CONF_TRUSTED_SENDER, None)
        if isinstance(single, str) and single.strip():
            options[CONF_TRUSTED_SENDERS] = [single.strip()]
        hass.config_entries.async_update_entry(entry, options=options, minor_version=2)
        LOGGER.debug("Migrated entry %s to version 2.2", entry.title)
    return True


async def async_remove_entry(hass: HomeAssistant, entry: SynwayConfigEntry) -> None:
    """Delete the entry's repair issues: they would otherwise stay until a restart."""
    suffix = f"_{entry.entry_id}"
    for domain, issue_id in list(ir.async_get(hass).issues):
        if domain == DOMAIN and issue_id.endswith(suffix):
            ir.async_delete_issue(hass, DOMAIN, issue_id)
    if not any(
        other.entry_id != entry.entry_id
        for other in hass.config_entries.async_entries(DOMAIN)
    ):
        async_withdraw_offer(hass)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: SynwayConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Let the user delete a device only once the PBX no longer has it."""
    store = entry.runtime_data.coordinator.data
    return not object_exists(entry.entry_id, store, device)
