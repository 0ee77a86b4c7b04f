"""The options of the features: inbound screening and queue agent passwords."""

from typing import Any

from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio as vol

from .features import CONF_AGENT_PASSWORDS, parse_agent_passwords
from .screening import (
    CONF_SCREEN_ALLOW,
    CONF_SCREEN_BLOCK,
    CONF_SCREEN_DEFAULT,
    CONF_SCREEN_FALLBACK,
    DEFAULT_ACCEPT,
    DEFAULT_PBX,
    SCREEN_DEFAULTS,
    SCREEN_FALLBACKS,
    parse_patterns,
)

_PATTERNS = TextSelector(TextSelectorConfig(multiple=True, autocomplete="off"))

FEATURE_OPTIONS_SCHEMA: dict[Any, Any] = {
    vol.Optional(CONF_SCREEN_BLOCK): _PATTERNS,
    vol.Optional(CONF_SCREEN_ALLOW): _PATTERNS,
    vol.Optional(CONF_SCREEN_DEFAULT, default=DEFAULT_PBX): SelectSelector(
        SelectSelectorConfig(
            options=list(SCREEN_DEFAULTS),
            translation_key="screen_default",
            mode=SelectSelectorMode.DROPDOWN,
        )
    ),
    vol.Optional(CONF_SCREEN_FALLBACK, default=DEFAULT_ACCEPT): SelectSelector(
        SelectSelectorConfig(
            options=list(SCREEN_FALLBACKS),
            translation_key="screen_fallback",
            mode=SelectSelectorMode.DROPDOWN,
        )
    ),
    vol.Optional(CONF_AGENT_PASSWORDS): TextSelector(
        TextSelectorConfig(
            multiple=True, type=TextSelectorType.PASSWORD, autocomplete="off"
        )
    ),
}


def feature_options(user_input: dict[str, Any]) -> dict[str, Any]:
    """The feature options to store, cleaned (empty ones left out)."""
    options: dict[str, Any] = {}
    for key in (CONF_SCREEN_BLOCK, CONF_SCREEN_ALLOW):
        if patterns := parse_patterns(user_input.get(key)):
            options[key] = patterns
    default = user_input.get(CONF_SCREEN_DEFAULT, DEFAULT_PBX)
    if default in SCREEN_DEFAULTS and default != DEFAULT_PBX:
        options[CONF_SCREEN_DEFAULT] = default
    fallback = user_input.get(CONF_SCREEN_FALLBACK, DEFAULT_ACCEPT)
    if fallback in SCREEN_FALLBACKS and fallback != DEFAULT_ACCEPT:
        options[CONF_SCREEN_FALLBACK] = fallback
    if passwords := parse_agent_passwords(user_input.get(CONF_AGENT_PASSWORDS)):
        options[CONF_AGENT_PASSWORDS] = [f"{q}={p}" for q, p in passwords.items()]
    return options
