"""The options of the features: entity families, inbound screening, queue passwords.

Screening's settings have a step of their own, shown only when screening is switched on
in the first one; switching it off drops them.
"""

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.helpers.selector import (
    BooleanSelector,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio as vol

from .agents import CONF_AGENT_PASSWORDS, parse_agent_passwords
from .entity_families import (
    CONF_ENTITY_FAMILIES,
    EntityFamily,
    chosen_families,
    parse_families,
)
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

# A form-only switch: whether the screening step follows (nothing stored under it).
CONF_SCREEN_CALLS: Final = "screen_calls"

# One caller a line: a plain text box has no "Add Blocked callers" button to word.
_PATTERNS = TextSelector(TextSelectorConfig(multiline=True, autocomplete="off"))

FEATURE_OPTIONS_SCHEMA: dict[Any, Any] = {
    vol.Optional(CONF_ENTITY_FAMILIES): SelectSelector(
        SelectSelectorConfig(
            options=[family.value for family in EntityFamily],
            translation_key=CONF_ENTITY_FAMILIES,
            multiple=True,
            mode=SelectSelectorMode.LIST,
        )
    ),
    vol.Optional(CONF_SCREEN_CALLS, default=False): BooleanSelector(),
    vol.Optional(CONF_AGENT_PASSWORDS): TextSelector(
        TextSelectorConfig(
            multiple=True, type=TextSelectorType.PASSWORD, autocomplete="off"
        )
    ),
}

SCREENING_SCHEMA: dict[Any, Any] = {
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
}

_SCREENING_KEYS: Final = (
    CONF_SCREEN_BLOCK,
    CONF_SCREEN_ALLOW,
    CONF_SCREEN_DEFAULT,
    CONF_SCREEN_FALLBACK,
)


def feature_suggestions(options: Mapping[str, Any]) -> dict[str, Any]:
    """What the feature fields show for stored options (lists as one entry a line)."""
    suggested: dict[str, Any] = {
        CONF_ENTITY_FAMILIES: [
            family.value for family in sorted(chosen_families(options))
        ],
        CONF_SCREEN_CALLS: any(key in options for key in _SCREENING_KEYS),
    }
    for key in (CONF_SCREEN_BLOCK, CONF_SCREEN_ALLOW):
        if patterns := parse_patterns(options.get(key)):
            suggested[key] = "\n".join(patterns)
    return suggested


def feature_options(
    user_input: Mapping[str, Any], current: Mapping[str, Any]
) -> dict[str, Any]:
    """The options of the first step to store, cleaned (empty ones left out).

    Families not submitted stay as they are (``current``); the empty choice is kept.
    """
    options: dict[str, Any] = {}
    if (families := user_input.get(CONF_ENTITY_FAMILIES)) is not None:
        options[CONF_ENTITY_FAMILIES] = [f.value for f in parse_families(families)]
    elif CONF_ENTITY_FAMILIES in current:
        options[CONF_ENTITY_FAMILIES] = list(current[CONF_ENTITY_FAMILIES])
    if passwords := parse_agent_passwords(user_input.get(CONF_AGENT_PASSWORDS)):
        options[CONF_AGENT_PASSWORDS] = [f"{q}={p}" for q, p in passwords.items()]
    return options


def screening_options(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """The screening options to store, cleaned (empty ones and defaults left out)."""
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
    return options
