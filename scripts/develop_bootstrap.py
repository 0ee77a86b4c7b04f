"""Prepare a throwaway Home Assistant config dir for ``scripts/develop``.

Two commands (run from the repository root with ``PYTHONPATH=.``):

``requirements``
    Print, one a line, the pinned requirements Home Assistant needs at start for the demo
    configuration that are not installed yet (the frontend, mostly). The list is read from
    the installed Home Assistant's own manifests, so it follows Home Assistant upgrades.

``init CONFIG_DIR``
    Write ``configuration.yaml`` and the ``.storage`` state through Home Assistant's own
    APIs: an owner/admin user ``demo`` (password ``demo-synway``), onboarding marked done,
    the HTTP server settings, a Synway IPPBX config entry pointing at the simulator, and as
    the Overview dashboard the one shipped in ``dashboards/synway_ippbx.yaml``.
"""

import argparse
import asyncio
from collections.abc import Iterable
import json
from pathlib import Path
import shutil
from types import MappingProxyType

from homeassistant import bootstrap, runner
from homeassistant.auth import auth_manager_from_config
from homeassistant.auth.const import GROUP_ID_ADMIN
from homeassistant.auth.providers import homeassistant as hass_auth
from homeassistant.components import onboarding, webhook
from homeassistant.components.http import config as http_config
from homeassistant.components.lovelace import dashboard as lovelace_dashboard
from homeassistant.components.onboarding.const import STEPS
from homeassistant.config_entries import (
    SOURCE_USER,
    STORAGE_KEY as CONFIG_ENTRIES_KEY,
    STORAGE_VERSION as CONFIG_ENTRIES_VERSION,
    STORAGE_VERSION_MINOR as CONFIG_ENTRIES_MINOR_VERSION,
    ConfigEntries,
    ConfigEntry,
)
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.storage import Store
from homeassistant.util.package import is_installed
from homeassistant.util.yaml import load_yaml_dict

from custom_components.synway_ippbx.api.address import parse_address
from custom_components.synway_ippbx.api.credentials import password_digest
from custom_components.synway_ippbx.config_flow import SynwayConfigFlow
from custom_components.synway_ippbx.const import (
    CONF_VERIFY_SSL,
    CONF_WEBHOOK_ID,
    DOMAIN,
)

DASHBOARD = Path(__file__).parent.parent / "dashboards" / "synway_ippbx.yaml"
DEMO_NAME = "Demo"
DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-synway"  # noqa: S105 - a documented throwaway demo login

# Integrations the demo configuration.yaml sets up besides Home Assistant's defaults.
CONFIGURED = (
    "automation",
    "config",
    "conversation",
    "frontend",
    "history",
    "logbook",
    "recorder",
    "scene",
    "script",
    DOMAIN,
)
# Files the UI's automation, script and scene editors save to, as a fresh install has.
UI_FILES = {"automations.yaml": "[]\n", "scripts.yaml": "", "scenes.yaml": "[]\n"}
REPO = Path(__file__).resolve().parent.parent

CONFIGURATION_YAML = """\
# Written by scripts/develop (scripts/develop_bootstrap.py); a throwaway demo setup.
# Delete .develop/ (scripts/develop --reset) to start over.
homeassistant:
  name: Synway IPPBX demo
  unit_system: metric
  time_zone: UTC
  country: CN
  # The simulator posts its reports to this address (the integration's default report URL).
  internal_url: http://127.0.0.1:{ha_port}

frontend:
config:
conversation:
history:
logbook:
recorder:
  purge_keep_days: 2
# What the UI's editors save, so that automations made from the blueprints work.
automation: !include automations.yaml
script: !include scripts.yaml
scene: !include scenes.yaml

logger:
  default: warning
  logs:
    custom_components.synway_ippbx: info
    homeassistant.components.http: info
    # Optional media helpers Home Assistant's default integrations probe for; not needed here.
    haffmpeg: critical
    homeassistant.components.camera.img_util: critical
    aiohttp_fast_zlib: error
"""


def write_configuration(config_dir: Path, ha_port: int) -> None:
    """Write configuration.yaml, the UI editors' files, blueprints and sentences.

    The Assist sentences are linked, so the demo always runs the repository's own files.
    The blueprints are copied at every start: Home Assistant's blueprint listing does
    not follow a linked folder, so a link would leave the Blueprints page empty.
    """
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "configuration.yaml").write_text(
        CONFIGURATION_YAML.format(ha_port=ha_port), encoding="utf-8"
    )
    for name, content in UI_FILES.items():
        if not (config_dir / name).exists():
            (config_dir / name).write_text(content, encoding="utf-8")
    blueprints = config_dir / "blueprints" / "automation" / DOMAIN
    if blueprints.is_symlink():  # what earlier versions of this script made
        blueprints.unlink()
    blueprints.mkdir(parents=True, exist_ok=True)
    for source in (REPO / "custom_components" / DOMAIN / "blueprints").glob("*.yaml"):
        shutil.copyfile(source, blueprints / source.name)
    sentences = config_dir / "custom_sentences"
    if not sentences.exists() and not sentences.is_symlink():
        sentences.symlink_to(REPO / "custom_sentences", target_is_directory=True)


def _manifest(components: Path, domain: str) -> dict[str, list[str]]:
    """The requirements and dependencies of a built-in integration (empty if not built in)."""
    path = components / domain / "manifest.json"
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        key: list(data.get(key, []))
        for key in ("requirements", "dependencies", "after_dependencies")
    }


def missing_requirements(domains: Iterable[str]) -> list[str]:
    """Pinned requirements of the domains and all they depend on, not installed yet."""
    components = Path(onboarding.__file__).parent.parent
    seen: set[str] = set()
    todo = list(domains)
    requirements: list[str] = []
    while todo:
        domain = todo.pop()
        if domain in seen:
            continue
        seen.add(domain)
        manifest = _manifest(components, domain)
        requirements.extend(manifest.get("requirements", []))
        todo.extend(manifest.get("dependencies", []))
    return sorted(
        {requirement for requirement in requirements if not is_installed(requirement)}
    )


def dashboard() -> dict[str, object]:
    """The Overview dashboard: the one shipped in dashboards/ for real installs."""
    return load_yaml_dict(str(DASHBOARD))


async def _async_save_entry(hass: HomeAssistant, pbx_host: str) -> None:
    """Store the config entry the user flow would create against the simulator."""
    address = parse_address(pbx_host)
    entry = ConfigEntry(
        data={
            CONF_HOST: pbx_host,
            CONF_USERNAME: "api",
            CONF_PASSWORD: password_digest("synway"),
            CONF_VERIFY_SSL: False,
            CONF_WEBHOOK_ID: webhook.async_generate_id(),
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
    entries_store: Store[dict[str, list[dict[str, object]]]] = Store(
        hass,
        CONFIG_ENTRIES_VERSION,
        CONFIG_ENTRIES_KEY,
        minor_version=CONFIG_ENTRIES_MINOR_VERSION,
    )
    await entries_store.async_save({"entries": [dict(entry.as_dict())]})


async def _async_init(
    config_dir: Path,
    ha_host: str,
    ha_port: int,
    pbx_host: str,
    *,
    with_entry: bool = True,
) -> None:
    """Write the demo state into config_dir (configuration.yaml is already there)."""
    hass = HomeAssistant(str(config_dir))
    # What ``hass --script auth`` sets up: the auth store reads the device registry,
    # whose migration waits for the config entries.
    hass.config_entries = ConfigEntries(hass, {})
    await hass.config_entries.async_initialize()
    dr.async_setup(hass)
    await asyncio.gather(dr.async_load(hass), er.async_load(hass))

    # The owner: what the onboarding "user" step does.
    hass.auth = await auth_manager_from_config(hass, [{"type": "homeassistant"}], [])
    provider = hass.auth.auth_providers[0]
    if not isinstance(provider, hass_auth.HassAuthProvider):
        raise TypeError(f"Unexpected auth provider {provider!r}")
    await provider.async_initialize()
    await provider.async_add_auth(DEMO_USERNAME, DEMO_PASSWORD)
    user = await hass.auth.async_create_user(DEMO_NAME, group_ids=[GROUP_ID_ADMIN])
    credentials = await provider.async_get_or_create_credentials(
        {"username": DEMO_USERNAME}
    )
    await hass.auth.async_link_user(user, credentials)
    if not user.is_owner:
        raise RuntimeError(f"{config_dir} already has an owner; use --reset")

    # Every onboarding step done, so the UI opens on the login page.
    onboarding_store: Store[dict[str, list[str]]] = Store(
        hass,
        onboarding.STORAGE_VERSION,
        onboarding.STORAGE_KEY,
        private=True,
    )
    await onboarding_store.async_save({"done": list(STEPS)})

    # HTTP settings now live in storage (YAML is migrated once, then deprecated): save
    # them as the confirmed ("stable") configuration, so no trial revert is scheduled.
    http_store = http_config.HTTPConfigStore(hass)
    await http_store.async_migrate_yaml(
        {"server_host": [ha_host], "server_port": ha_port}
    )
    if http_store.pending is not None:
        await http_store.async_promote_pending()

    # The config entry the user flow would create against the simulator (the browser
    # tests leave it out: they add the integration through the UI).
    if with_entry:
        await _async_save_entry(hass, pbx_host)

    lovelace_store: Store[dict[str, object]] = Store(
        hass,
        lovelace_dashboard.CONFIG_STORAGE_VERSION,
        lovelace_dashboard.CONFIG_STORAGE_KEY_DEFAULT,
    )
    await lovelace_store.async_save({"config": dashboard()})

    # The auth store saves with a delay; stopping writes it out (force: this instance
    # never "started", and a not-running instance otherwise ignores the stop).
    await hass.async_stop(force=True)


def main() -> None:
    """Parse the command line and run the command."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("requirements", help="print missing requirements")
    init = commands.add_parser("init", help="write the demo config dir")
    init.add_argument("config_dir", type=Path)
    init.add_argument("--ha-host", default="127.0.0.1")
    init.add_argument("--ha-port", type=int, default=8123)
    init.add_argument("--pbx-host", default="127.0.0.1:8443")
    init.add_argument("--extensions", type=int, default=20, help="(unused; kept)")
    init.add_argument("--queues", type=int, default=2, help="(unused; kept)")
    init.add_argument(
        "--no-entry", action="store_true", help="leave the integration to be added"
    )
    args = parser.parse_args()

    if args.command == "requirements":
        for requirement in missing_requirements(
            [*bootstrap.DEFAULT_INTEGRATIONS, *CONFIGURED]
        ):
            print(requirement)
        return
    write_configuration(args.config_dir, args.ha_port)
    asyncio.run(
        _async_init(
            args.config_dir,
            args.ha_host,
            args.ha_port,
            args.pbx_host,
            with_entry=not args.no_entry,
        ),
        loop_factory=runner.create_event_loop,
    )
    print(f"Wrote {args.config_dir} (user {DEMO_USERNAME} / {DEMO_PASSWORD})")


if __name__ == "__main__":
    main()
