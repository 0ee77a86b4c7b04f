"""The options of issue 13's features: screening lists and choices, queue passwords."""

from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.translation import async_get_translations
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.synway_ippbx.agents import CONF_AGENT_PASSWORDS
from custom_components.synway_ippbx.const import (
    CONF_REPORT_URL,
    CONF_TRUSTED_SENDERS,
    DOMAIN,
)
from custom_components.synway_ippbx.feature_options import CONF_SCREEN_CALLS
from custom_components.synway_ippbx.screening import (
    CONF_SCREEN_ALLOW,
    CONF_SCREEN_BLOCK,
    CONF_SCREEN_DEFAULT,
    CONF_SCREEN_FALLBACK,
)


@pytest.fixture(autouse=True)
async def diagnostics_component(hass: HomeAssistant) -> None:
    """Set diagnostics up before the HTTP router freezes."""
    assert await async_setup_component(hass, "diagnostics", {})


_SCREENING = (
    CONF_SCREEN_BLOCK,
    CONF_SCREEN_ALLOW,
    CONF_SCREEN_DEFAULT,
    CONF_SCREEN_FALLBACK,
)


async def _submit(
    hass: HomeAssistant, entry: MockConfigEntry, values: dict[str, Any]
) -> None:
    """Fill the first step, and screening's step when any screening value is given."""
    screening = {k: v for k, v in values.items() if k in _SCREENING}
    first = {k: v for k, v in values.items() if k not in _SCREENING}
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_REPORT_URL: entry.options[CONF_REPORT_URL],
            CONF_SCREEN_CALLS: bool(screening),
            **first,
        },
    )
    if screening:
        assert result["type"] is FlowResultType.FORM
        assert result["step_id"] == "screening"
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], screening
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


async def test_screening_and_password_options_are_stored_clean(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """Lists are trimmed, choices kept, passwords kept as queue=password."""
    await _submit(
        hass,
        init_integration,
        {
            CONF_SCREEN_BLOCK: " 0900* \n\n5550100, 5550101",
            CONF_SCREEN_ALLOW: "+44*",
            CONF_SCREEN_DEFAULT: "automation",
            CONF_SCREEN_FALLBACK: "refuse",
            CONF_AGENT_PASSWORDS: ["6700 = 123456", "nonsense"],
        },
    )
    options = dict(init_integration.options)
    assert options[CONF_SCREEN_BLOCK] == ["0900*", "5550100", "5550101"]
    assert options[CONF_SCREEN_ALLOW] == ["+44*"]
    assert options[CONF_SCREEN_DEFAULT] == "automation"
    assert options[CONF_SCREEN_FALLBACK] == "refuse"
    assert options[CONF_AGENT_PASSWORDS] == ["6700=123456"]
    features = init_integration.runtime_data.features
    assert features is not None
    assert features.screener.rules.default == "automation"
    assert features.agents.passwords == {"6700": "123456"}

    # Diagnostics show neither the passwords nor the screened numbers.
    diagnostics = await get_diagnostics_for_config_entry(
        hass, hass_client, init_integration
    )
    assert isinstance(diagnostics, dict)
    entry = diagnostics["entry"]
    assert isinstance(entry, dict)
    shown = entry["options"]
    assert isinstance(shown, dict)
    for key in (CONF_AGENT_PASSWORDS, CONF_SCREEN_BLOCK, CONF_SCREEN_ALLOW):
        assert shown[key] == "**REDACTED**"


async def test_default_choices_are_not_stored(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """No screening and accept-as-fallback are the defaults: nothing is stored for them."""
    await _submit(
        hass,
        init_integration,
        {CONF_SCREEN_DEFAULT: "pbx", CONF_SCREEN_FALLBACK: "accept"},
    )
    assert set(init_integration.options) == {CONF_REPORT_URL}


def _field(result: Any, key: str) -> Any:
    """The schema key of a field of a form (for its suggested value)."""
    schema = result["data_schema"]
    assert schema is not None
    for field in schema.schema:
        if str(field) == key:
            return field
    raise AssertionError(f"{key} is not on the form")


async def test_screening_settings_only_when_screening_is_on(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The first step has no screening settings; they follow only when switched on."""
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    schema = result["data_schema"]
    assert schema is not None
    fields = {str(field) for field in schema.schema}
    assert CONF_SCREEN_CALLS in fields
    assert not fields & set(_SCREENING)
    assert _field(result, CONF_SCREEN_CALLS).description == {"suggested_value": False}
    hass.config_entries.options.async_abort(result["flow_id"])

    await _submit(hass, init_integration, {CONF_SCREEN_BLOCK: "0900*\n5550100"})
    assert init_integration.options[CONF_SCREEN_BLOCK] == ["0900*", "5550100"]

    # Open again: screening shows as on, its lists one caller a line.
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    assert _field(result, CONF_SCREEN_CALLS).description == {"suggested_value": True}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_REPORT_URL: init_integration.options[CONF_REPORT_URL],
            CONF_SCREEN_CALLS: True,
        },
    )
    assert result["step_id"] == "screening"
    assert _field(result, CONF_SCREEN_BLOCK).description == {
        "suggested_value": "0900*\n5550100"
    }
    hass.config_entries.options.async_abort(result["flow_id"])

    # Switched off, screening's settings go.
    await _submit(hass, init_integration, {})
    assert CONF_SCREEN_BLOCK not in init_integration.options


async def test_list_buttons_read_as_sentences(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The frontend words a list field's button "Add {label}": "Add a queue password".

    The queue passwords stay a list of masked boxes (a text box would show them in
    clear), so the label itself is the noun phrase the button needs (issue 23.5).
    """
    result = await hass.config_entries.options.async_init(init_integration.entry_id)
    strings = await async_get_translations(hass, "en", "options", {DOMAIN})
    schema = result["data_schema"]
    assert schema is not None
    buttons = {}
    for key in (CONF_AGENT_PASSWORDS, CONF_TRUSTED_SENDERS):
        selector = next(
            value for marker, value in schema.schema.items() if marker == key
        )
        assert selector.config["multiple"] is True
        label = strings[f"component.{DOMAIN}.options.step.init.data.{key}"]
        buttons[key] = f"Add {label}"
    assert buttons == {
        CONF_AGENT_PASSWORDS: "Add a queue password",
        CONF_TRUSTED_SENDERS: "Add a trusted report sender",
    }
    hass.config_entries.options.async_abort(result["flow_id"])
