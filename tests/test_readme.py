"""The README is the user's manual: its action examples must be valid calls."""

from pathlib import Path
import re
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
import yaml

from custom_components.synway_ippbx.const import DOMAIN

README = Path(__file__).parent.parent / "README.md"


def _examples() -> list[dict[str, Any]]:
    """Every YAML document of the README's Actions section that calls an action."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Actions", 1)[1].split("\n## ", 1)[0]
    calls: list[dict[str, Any]] = []
    for block in re.findall(r"```yaml\n(.*?)```", section, re.DOTALL):
        for document in yaml.safe_load_all(block):
            if "action" in document:
                calls.append(document)
            calls.extend(document.get("actions", []))
    return calls


EXAMPLES = _examples()


def test_every_action_has_an_example() -> None:
    """The README shows each action of services.yaml at least once."""
    services = yaml.safe_load(
        (
            Path(__file__).parent.parent
            / "custom_components/synway_ippbx/services.yaml"
        ).read_text(encoding="utf-8")
    )
    shown = {example["action"].removeprefix(f"{DOMAIN}.") for example in EXAMPLES}
    text = README.read_text(encoding="utf-8")
    for name in services:
        assert name in shown or f"{DOMAIN}.{name} takes the same fields" in text, name


@pytest.mark.parametrize(
    "example", EXAMPLES, ids=[example["action"] for example in EXAMPLES]
)
async def test_example_matches_the_action_schema(
    hass: HomeAssistant, example: dict[str, Any]
) -> None:
    """Each example passes the action's schema (templates aside)."""
    assert await async_setup_component(hass, DOMAIN, {})
    domain, name = example["action"].split(".")
    assert domain == DOMAIN
    registered = hass.services.async_services_for_domain(DOMAIN)
    assert name in registered
    data = {
        key: value
        for key, value in (example.get("data") or {}).items()
        if not (isinstance(value, str) and "{{" in value)
    }
    if "call_id" in example.get("data", {}) and "call_id" not in data:
        data["call_id"] = "a-leg-id"
    schema = registered[name].schema
    assert schema is not None
    schema(data)
