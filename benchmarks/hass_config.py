"""Write a Synway IPPBX config entry into a Home Assistant config dir, for benchmarks.

``python benchmarks/hass_config.py CONFIG_DIR PBX_HOST WEBHOOK_ID`` saves the entry the
user flow would create against the simulator (login ``api`` / ``synway``, certificate checking
off), through Home Assistant's own storage classes so the format follows Home Assistant.
"""

import asyncio
from pathlib import Path
import sys
from types import MappingProxyType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from homeassistant import runner
from homeassistant.config_entries import (
    SOURCE_USER,
    STORAGE_KEY,
    STORAGE_VERSION,
    STORAGE_VERSION_MINOR,
    ConfigEntry,
)
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from custom_components.synway_ippbx.api.address import parse_address
from custom_components.synway_ippbx.api.credentials import password_digest
from custom_components.synway_ippbx.config_flow import SynwayConfigFlow
from custom_components.synway_ippbx.const import (
    CONF_VERIFY_SSL,
    CONF_WEBHOOK_ID,
    DOMAIN,
)


async def write_entry(config_dir: Path, pbx_host: str, webhook_id: str) -> None:
    """Save one config entry as the only entry of config_dir."""
    hass = HomeAssistant(str(config_dir))
    address = parse_address(pbx_host)
    entry = ConfigEntry(
        data={
            CONF_HOST: pbx_host,
            CONF_USERNAME: "api",
            CONF_PASSWORD: password_digest("synway"),
            CONF_VERIFY_SSL: False,
            CONF_WEBHOOK_ID: webhook_id,
        },
        discovery_keys=MappingProxyType({}),
        domain=DOMAIN,
        minor_version=SynwayConfigFlow.MINOR_VERSION,
        options={},
        source=SOURCE_USER,
        subentries_data=None,
        title=f"Synway IPPBX ({address.host})",
        unique_id=address.unique_id,
        version=SynwayConfigFlow.VERSION,
    )
    store: Store[dict[str, list[dict[str, object]]]] = Store(
        hass, STORAGE_VERSION, STORAGE_KEY, minor_version=STORAGE_VERSION_MINOR
    )
    await store.async_save({"entries": [dict(entry.as_dict())]})
    await hass.async_stop(force=True)


if __name__ == "__main__":
    asyncio.run(
        write_entry(Path(sys.argv[1]), sys.argv[2], sys.argv[3]),
        loop_factory=runner.create_event_loop,
    )
