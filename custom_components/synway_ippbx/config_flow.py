"""Config flow: add a Synway IPPBX, reauthenticate, reconfigure and set options."""

import asyncio
from collections.abc import Mapping
import datetime as dt
import ipaddress
import socket
from typing import Any, override

from homeassistant.components import webhook
from homeassistant.config_entries import (
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import CONF_HOST, CONF_NAME, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    BooleanSelector,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.util import dt as dt_util
import probatio as vol

from .api import (
    PbxAddress,
    SynwayAuthenticationError,
    SynwayClient,
    SynwayError,
    SynwayRedirectError,
    SynwayWrongProtocolError,
    parse_address,
    password_candidates,
)
from .const import (
    CONF_ASSIST_EXTENSION,
    CONF_REPORT_URL,
    CONF_TRUSTED_SENDERS,
    CONF_VERIFY_SSL,
    CONF_WEBHOOK_ID,
    DEFAULT_TITLE,
    DOMAIN,
    LOGGER,
    MAX_TRUSTED_SENDERS,
)
from .coordinator import SynwayConfigEntry
from .entity_families import CONF_ENTITY_FAMILIES, DEFAULT_FAMILIES
from .feature_options import (
    CONF_SCREEN_CALLS,
    FEATURE_OPTIONS_SCHEMA,
    SCREENING_SCHEMA,
    feature_options,
    feature_suggestions,
    screening_options,
)
from .setup_errors import error_key, lockout_minutes

# Seconds a test login may take before the form says the PBX does not answer.
_LOGIN_TIMEOUT = 10.0

_PASSWORD_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
_TEXT_SELECTOR = TextSelector(TextSelectorConfig(autocomplete="off"))
_ADDRESS_LIST_SELECTOR = TextSelector(
    TextSelectorConfig(autocomplete="off", multiple=True)
)


async def _async_try_login(
    hass: HomeAssistant,
    host: str,
    username: str,
    digest: str,
    verify_ssl: bool,
    rejections: list[dt.datetime],
    inventory: set[str] | None = None,
) -> str | None:
    """Log in once (and out again, the PBX caps API clients); return an error key.

    With ``inventory``, what the PBX holds is read into it while logged in (see
    ``_inventory``); a PBX that cannot list them leaves it empty. ``rejections`` gets
    the time of a rejected login, and is emptied by one that works (the PBX's count).
    """
    if not username:
        # The client refuses an empty username; the PBX would refuse it anyway.
        return "invalid_auth"
    client = SynwayClient(
        host,
        username,
        digest,
        session=async_get_clientsession(hass, verify_ssl=verify_ssl),
        verify_ssl=verify_ssl,
        request_timeout=_LOGIN_TIMEOUT,
    )
    try:
        await client.login()
    except SynwayAuthenticationError:
        rejections.append(dt_util.utcnow())
        return "invalid_auth"
    except (SynwayRedirectError, SynwayWrongProtocolError) as err:
        # Where a redirect pointed (never followed: it would carry the password digest
        # to another host) is in the log only.
        LOGGER.info("Cannot log in to %s: %s", host, err)
        return error_key(err)
    except SynwayError as err:
        LOGGER.debug("Cannot log in to %s: %s", host, err)
        return error_key(err)
    except Exception:  # noqa: BLE001 - a config flow must never show a traceback
        LOGGER.exception("Unexpected error logging in to %s", host)
        return "unknown"
    rejections.clear()
    if inventory is not None:
        try:
            extensions, trunks = await asyncio.gather(
                client.ext_status_all(), client.trunk_list()
            )
        except SynwayError as err:
            LOGGER.debug("Cannot list what %s holds: %s", host, err)
        else:
            inventory.update(f"extension_{e.extension}" for e in extensions)
            inventory.update(f"trunk_{trunk.name}" for trunk in trunks)
    try:
        await client.logout()
    except SynwayError as err:
        # The credentials are proven; the PBX drops the unused token after 30 minutes.
        LOGGER.debug("Logging out of %s after the test login failed: %s", host, err)
    return None


async def _async_login_typed(
    hass: HomeAssistant,
    host: str,
    username: str,
    password: str,
    verify_ssl: bool,
    rejections: list[dt.datetime],
    inventory: set[str] | None = None,
) -> tuple[str | None, str]:
    """Check a typed password; return the error key and the digest that worked."""
    candidates = password_candidates(password)
    for digest in candidates:
        error = await _async_try_login(
            hass, host, username, digest, verify_ssl, rejections, inventory
        )
        if error != "invalid_auth":
            return error, digest
    return "invalid_auth", candidates[-1]


def _normalised_host(host: str) -> tuple[str, PbxAddress] | None:
    """Return the host as typed (stripped) and its parsed address, or None if unusable."""
    host = host.strip()
    try:
        return host, parse_address(host)
    except ValueError:
        return None


# How long a name lookup may take before the address is compared as written.
_RESOLVE_TIMEOUT = 10


async def _async_resolve(address: PbxAddress) -> frozenset[str]:
    """The IP addresses a PBX address reaches (its host as written if it does not resolve)."""
    try:
        async with asyncio.timeout(_RESOLVE_TIMEOUT):
            infos = await asyncio.get_running_loop().getaddrinfo(
                address.host, address.port, type=socket.SOCK_STREAM
            )
    except (OSError, TimeoutError) as err:
        LOGGER.debug("Cannot resolve %s: %s", address.host, err)
        return frozenset({address.host})
    return frozenset(str(info[4][0]) for info in infos) | {address.host}


async def _async_already_configured(
    hass: HomeAssistant, address: PbxAddress, exclude_entry_id: str | None = None
) -> bool:
    """Whether another entry reaches the same PBX, under this name or another one.

    ``127.0.0.1:8443`` and ``localhost:8443`` are one PBX: the names are resolved and
    an entry on the same port sharing an address is the same machine.
    """
    others: list[PbxAddress] = []
    for entry in hass.config_entries.async_entries(DOMAIN, include_ignore=False):
        if entry.entry_id == exclude_entry_id:
            continue
        if entry.unique_id == address.unique_id:
            return True
        try:
            other = parse_address(entry.data[CONF_HOST])
        except KeyError, ValueError:
            continue
        if other.port == address.port:
            others.append(other)
    if not others:
        return False
    mine = await _async_resolve(address)
    for other in others:
        if mine & await _async_resolve(other):
            return True
    return False


class SynwayConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up a Synway IPPBX from the UI."""

    # Version 2: entity and device identifiers come from the entry id, not host:port.
    # Minor 2: the poll interval is no longer an option (the integration polls every 30 s).
    VERSION = 2
    MINOR_VERSION = 2

    def __init__(self) -> None:
        """Start with no rejected logins seen (the PBX's lockout is counted from them)."""
        self._rejections: list[dt.datetime] = []

    def _explained(self, error: str) -> tuple[str, dict[str, str]]:
        """The error to show and its placeholders: a rejection may be the PBX's lock."""
        if error == "invalid_auth" and (
            minutes := lockout_minutes(self._rejections, dt_util.utcnow())
        ):
            return "locked_out", {"minutes": str(minutes)}
        return error, {}

    @override
    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the PBX address and API credentials, and log in to check them."""
        errors: dict[str, str] = {}
        titles = {
            entry.title
            for entry in self.hass.config_entries.async_entries(
                DOMAIN, include_ignore=False
            )
        }
        name: str | None = None
        placeholders: dict[str, str] = {}
        if user_input is not None:
            if titles:
                name = user_input.get(CONF_NAME, "").strip() or _free_title(titles)
                if name in titles:
                    errors[CONF_NAME] = "name_in_use"
            if (parsed := _normalised_host(user_input[CONF_HOST])) is None:
                errors[CONF_HOST] = "invalid_host"
            elif not errors:
                host, address = parsed
                if await _async_already_configured(self.hass, address):
                    return self.async_abort(reason="already_configured")
                username = user_input[CONF_USERNAME].strip()
                verify_ssl = user_input[CONF_VERIFY_SSL]
                error, digest = await _async_login_typed(
                    self.hass,
                    host,
                    username,
                    user_input[CONF_PASSWORD],
                    verify_ssl,
                    self._rejections,
                )
                if not error:
                    # Only now: an attempt abandoned before a login worked must not
                    # block the next one with "already in progress".
                    await self.async_set_unique_id(
                        address.unique_id, raise_on_progress=False
                    )
                    self._abort_if_unique_id_configured()
                    data = {
                        CONF_HOST: host,
                        CONF_USERNAME: username,
                        CONF_PASSWORD: digest,
                        CONF_VERIFY_SSL: verify_ssl,
                        CONF_WEBHOOK_ID: webhook.async_generate_id(),
                    }
                    if name is not None:
                        data[CONF_NAME] = name
                    return self.async_create_entry(
                        title=name or DEFAULT_TITLE,
                        data=data,
                        # A new PBX starts with the few entities most people want.
                        options={
                            CONF_ENTITY_FAMILIES: [f.value for f in DEFAULT_FAMILIES]
                        },
                    )
                errors["base"], placeholders = self._explained(error)

        # Only beside another PBX: its entity ids must differ from the first one's.
        named: dict[Any, Any] = (
            {vol.Required(CONF_NAME, default=_free_title(titles)): _TEXT_SELECTOR}
            if titles
            else {}
        )
        schema = vol.Schema(
            {
                **named,
                vol.Required(CONF_HOST): _TEXT_SELECTOR,
                vol.Required(CONF_USERNAME): _TEXT_SELECTOR,
                vol.Required(CONF_PASSWORD): _PASSWORD_SELECTOR,
                vol.Required(CONF_VERIFY_SSL, default=False): BooleanSelector(),
            }
        )
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(
                schema, _without_password(user_input)
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start reauthentication when the PBX rejects the stored credentials."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the new API password."""
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        entry = self._get_reauth_entry()
        if user_input is not None:
            error, digest = await _async_login_typed(
                self.hass,
                entry.data[CONF_HOST],
                entry.data[CONF_USERNAME],
                user_input[CONF_PASSWORD],
                entry.data[CONF_VERIFY_SSL],
                self._rejections,
            )
            if not error:
                return self.async_update_reload_and_abort(
                    entry, data_updates={CONF_PASSWORD: digest}
                )
            errors["base"], placeholders = self._explained(error)
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema({vol.Required(CONF_PASSWORD): _PASSWORD_SELECTOR}),
            description_placeholders={
                "host": entry.data[CONF_HOST],
                "username": entry.data[CONF_USERNAME],
                **placeholders,
            },
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change address, credentials or certificate checking.

        Entities and devices are kept: their identifiers come from the entry id.
        """
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        entry = self._get_reconfigure_entry()
        if user_input is not None:
            if (parsed := _normalised_host(user_input[CONF_HOST])) is None:
                errors[CONF_HOST] = "invalid_host"
            else:
                host, address = parsed
                if await _async_already_configured(
                    self.hass, address, exclude_entry_id=entry.entry_id
                ):
                    return self.async_abort(reason="already_configured")
                username = user_input[CONF_USERNAME].strip()
                verify_ssl = user_input[CONF_VERIFY_SSL]
                found: set[str] = set()
                if password := user_input.get(CONF_PASSWORD):
                    error, digest = await _async_login_typed(
                        self.hass,
                        host,
                        username,
                        password,
                        verify_ssl,
                        self._rejections,
                        found,
                    )
                else:
                    digest = entry.data[CONF_PASSWORD]
                    error = await _async_try_login(
                        self.hass,
                        host,
                        username,
                        digest,
                        verify_ssl,
                        self._rejections,
                        found,
                    )
                if not error and not _same_pbx(
                    _known_inventory(self.hass, entry), found
                ):
                    error = "different_pbx"
                if not error:
                    return self.async_update_reload_and_abort(
                        entry,
                        unique_id=address.unique_id,
                        data_updates={
                            CONF_HOST: host,
                            CONF_USERNAME: username,
                            CONF_PASSWORD: digest,
                            CONF_VERIFY_SSL: verify_ssl,
                        },
                    )
                errors["base"], placeholders = self._explained(error)

        schema = vol.Schema(
            {
                vol.Required(CONF_HOST): _TEXT_SELECTOR,
                vol.Required(CONF_USERNAME): _TEXT_SELECTOR,
                vol.Optional(CONF_PASSWORD): _PASSWORD_SELECTOR,
                vol.Required(CONF_VERIFY_SSL): BooleanSelector(),
            }
        )
        suggested = _without_password(user_input) or {
            key: entry.data[key] for key in (CONF_HOST, CONF_USERNAME, CONF_VERIFY_SSL)
        }
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            errors=errors,
            description_placeholders=placeholders,
        )

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: SynwayConfigEntry) -> SynwayOptionsFlow:
        """Return the options flow."""
        return SynwayOptionsFlow()


# Below this share of extensions and trunks in common, a PBX is another one. The PBX
# exposes no serial number or model: what it holds is all it can tell about itself.
_SAME_PBX_OVERLAP = 0.5


def _known_inventory(hass: HomeAssistant, entry: SynwayConfigEntry) -> set[str]:
    """The extensions and trunks the entry's devices stand for (``extension_1001``)."""
    prefix = f"{entry.entry_id}_"
    return {
        identifier.removeprefix(prefix)
        for device in dr.async_entries_for_config_entry(
            dr.async_get(hass), entry.entry_id
        )
        for domain, identifier in device.identifiers
        if domain == DOMAIN
        and identifier.startswith((f"{prefix}extension_", f"{prefix}trunk_"))
    }


def _same_pbx(known: set[str], found: set[str]) -> bool:
    """Whether two inventories are one PBX (Jaccard overlap); unknown ones are."""
    if not known or not found:
        return True
    return len(known & found) / len(known | found) >= _SAME_PBX_OVERLAP


def _free_title(titles: set[str]) -> str:
    """The first of "Synway IPPBX 2", "Synway IPPBX 3", … that no entry is called."""
    number = 2
    while f"{DEFAULT_TITLE} {number}" in titles:
        number += 1
    return f"{DEFAULT_TITLE} {number}"


def _is_ip(text: str) -> bool:
    """Whether ``text`` is one IPv4 or IPv6 address (a trusted report sender)."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _without_password(user_input: Mapping[str, Any] | None) -> dict[str, Any]:
    """Return what the user typed, minus the password (never echoed back)."""
    return {k: v for k, v in (user_input or {}).items() if k != CONF_PASSWORD}


class SynwayOptionsFlow(OptionsFlowWithReload):
    """The options: report address, voice extension, entity families, senders, screening.

    Screening's settings follow in a second step, only when screening is on. Not the poll interval: the integration chooses it (reports keep entities live); a
    user who wants fresher state calls homeassistant.update_entity.
    """

    def __init__(self) -> None:
        """Start with nothing chosen: the first step's options wait for screening's."""
        self._options: dict[str, Any] = {}

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show and store the options; the entry reloads when they change."""
        errors: dict[str, str] = {}
        if user_input is not None:
            report_url = user_input.get(CONF_REPORT_URL, "").strip()
            trusted = [
                text.strip()
                for text in user_input.get(CONF_TRUSTED_SENDERS, [])
                if text.strip()
            ]
            if report_url and any(char.isspace() for char in report_url):
                errors[CONF_REPORT_URL] = "invalid_report_url"
            if len(trusted) > MAX_TRUSTED_SENDERS or not all(map(_is_ip, trusted)):
                errors[CONF_TRUSTED_SENDERS] = "invalid_trusted_sender"
            if not errors:
                options: dict[str, Any] = {}
                if report_url:
                    options[CONF_REPORT_URL] = report_url
                if extension := user_input.get(CONF_ASSIST_EXTENSION, "").strip():
                    options[CONF_ASSIST_EXTENSION] = extension
                options |= feature_options(user_input, self.config_entry.options)
                if trusted:
                    options[CONF_TRUSTED_SENDERS] = list(dict.fromkeys(trusted))
                if user_input.get(CONF_SCREEN_CALLS):
                    self._options = options
                    return await self.async_step_screening()
                return self.async_create_entry(data=options)

        schema = vol.Schema(
            {
                vol.Optional(CONF_REPORT_URL): _TEXT_SELECTOR,
                vol.Optional(CONF_ASSIST_EXTENSION): self._extension_selector(),
                **FEATURE_OPTIONS_SCHEMA,
                vol.Optional(CONF_TRUSTED_SENDERS): _ADDRESS_LIST_SELECTOR,
            }
        )
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                schema, user_input or self._suggestions()
            ),
            errors=errors,
        )

    async def async_step_screening(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Screening's lists and choices: only when screening was switched on."""
        if user_input is not None:
            return self.async_create_entry(
                data=self._options | screening_options(user_input)
            )
        return self.async_show_form(
            step_id="screening",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema(SCREENING_SCHEMA), self._suggestions()
            ),
        )

    def _suggestions(self) -> dict[str, Any]:
        options = self.config_entry.options
        return dict(options) | feature_suggestions(options)

    def _extension_selector(self) -> SelectSelector | TextSelector:
        """Offer the PBX's extensions when the entry is loaded, else free text."""
        if self.config_entry.state is not ConfigEntryState.LOADED:
            return _TEXT_SELECTOR
        store = self.config_entry.runtime_data.coordinator.data
        return SelectSelector(
            SelectSelectorConfig(
                options=[
                    SelectOptionDict(
                        value=ext.number,
                        label=(
                            f"{ext.number} — {ext.name}"
                            if ext.name and ext.name != ext.number
                            else ext.number
                        ),
                    )
                    for ext in store.extensions.values()
                ],
                custom_value=True,
                mode=SelectSelectorMode.DROPDOWN,
                sort=True,
            )
        )
