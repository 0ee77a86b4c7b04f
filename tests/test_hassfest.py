"""What hassfest and HACS check, reproduced so a broken key fails here first.

Home Assistant's test harness does not check translations of custom integrations: a
missing key silently shows the raw key to users. These tests close that gap.
"""

import ast
import json
from pathlib import Path
import re
from typing import Any

from homeassistant.util.yaml import load_yaml_dict
import pytest

from custom_components.synway_ippbx.binary_sensor import BINARY_SENSORS
from custom_components.synway_ippbx.button import BUTTONS
from custom_components.synway_ippbx.event import EVENTS
from custom_components.synway_ippbx.sensor import SENSORS

ROOT = Path(__file__).parent.parent
INTEGRATION = ROOT / "custom_components" / "synway_ippbx"
TRANSLATION_KEY = re.compile(r"^(?!.+[_-]{2})(?![_-])[a-z0-9-_]+(?<![_-])$")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
PLATFORMS = ("binary_sensor", "button", "event", "sensor")


def load(name: str) -> dict[str, Any]:
    """A JSON file of the integration."""
    data: dict[str, Any] = json.loads((INTEGRATION / name).read_text(encoding="utf-8"))
    return data


def strings(node: dict[str, Any], trail: tuple[str, ...] = ()) -> dict[str, str]:
    """Every string of a nested translation file, keyed by its dotted path."""
    found: dict[str, str] = {}
    for key, value in node.items():
        if isinstance(value, dict):
            found |= strings(value, (*trail, key))
        else:
            found[".".join((*trail, key))] = value
    return found


EN = load("translations/en.json")
SERVICES = load_yaml_dict(str(INTEGRATION / "services.yaml"))


def test_manifest_is_valid_for_hassfest_and_hacs() -> None:
    """Keys ordered domain, name, then alphabetically; HACS's required keys present."""
    manifest = load("manifest.json")
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    for key in ("codeowners", "documentation", "issue_tracker", "version"):
        assert manifest[key]
    assert manifest["iot_class"] == "local_push"
    assert manifest["integration_type"] == "hub"
    assert manifest["requirements"] == []
    hacs = json.loads((ROOT / "hacs.json").read_text())
    assert set(hacs) <= {"name", "homeassistant", "render_readme", "hacs", "country"}
    assert (INTEGRATION / "brand" / "icon.png").exists()


def test_translation_strings_are_clean() -> None:
    """No stray whitespace, HTML, core-only references or quoted placeholders."""
    for path, text in strings(EN).items():
        assert text == text.strip(), path
        assert "[%key:" not in text, path
        assert not re.search(r"<[a-z/][^>]*>", text), path
        assert not re.search(r"'\{\w+\}'", text), path


def test_flow_descriptions_match_fields() -> None:
    """Every described field exists in the step."""
    for flow in ("config", "options"):
        for step_id, step in EN[flow]["step"].items():
            assert set(step.get("data_description", {})) <= set(step["data"]), step_id


def test_entity_translations_cover_descriptions() -> None:
    """Each entity description has a name, and enum sensors have every state."""
    descriptions = {
        "sensor": SENSORS,
        "binary_sensor": BINARY_SENSORS,
        "button": BUTTONS,
        "event": EVENTS,
    }
    for platform, items in descriptions.items():
        for description in items:
            key = description.translation_key
            assert isinstance(key, str)
            assert TRANSLATION_KEY.match(key)
            entry = EN["entity"][platform][key]
            assert entry["name"]
            for option in getattr(description, "options", None) or ():
                assert option in entry["state"], f"{platform}.{key}.{option}"
            for event_type in getattr(description, "event_types", None) or ():
                states = entry["state_attributes"]["event_type"]["state"]
                assert event_type in states, f"{key}.{event_type}"


def _literal_translation_keys() -> set[str]:
    """Every translation_key="..." literal in the integration's code."""
    keys: set[str] = set()
    for file in INTEGRATION.rglob("*.py"):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.keyword)
                and node.arg == "translation_key"
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                keys.add(node.value.value)
    return keys


def test_every_translation_key_in_code_exists() -> None:
    """A translation key used in code has a string (else users see the raw key)."""
    known = (
        set(EN.get("exceptions", {}))
        | set(EN.get("issues", {}))
        | set(EN.get("device", {}))
        | set(EN.get("selector", {}))
        | {key for platform in EN["entity"].values() for key in platform}
    )
    missing = _literal_translation_keys() - known
    assert not missing


def test_exception_and_issue_strings_have_messages() -> None:
    """Exceptions have a message, issues a title and description."""
    for key, value in EN["exceptions"].items():
        assert value["message"], key
    for key, value in EN["issues"].items():
        assert value["title"], key
        # A fixable issue explains itself in its fix flow instead (hassfest: exclusive).
        assert value.get("description") or value["fix_flow"]["step"], key


def test_every_action_is_described_and_translated() -> None:
    """Actions and their fields have names, descriptions and icons."""
    icons = load("icons.json")
    for name, service in SERVICES.items():
        translation = EN["services"][name]
        assert translation["name"], name
        assert translation["description"], name
        fields: dict[str, Any] = {}
        for field, spec in (service or {}).get("fields", {}).items():
            if "fields" in spec:  # a section
                fields |= spec["fields"]
                assert field in translation.get("sections", {}), f"{name}: {field}"
            else:
                fields[field] = spec
        for field in fields:
            assert translation["fields"][field]["name"], f"{name}.{field}"
            assert translation["fields"][field]["description"], f"{name}.{field}"
        assert icons["services"][name]["service"].startswith("mdi:"), name


def test_icons_are_mdi_and_not_the_default_twice() -> None:
    """Icons start with mdi:, and a state icon never repeats the default."""
    icons = load("icons.json")
    for path, icon in strings(icons).items():
        assert icon.startswith("mdi:"), path
    for platform in icons["entity"].values():
        for key, entry in platform.items():
            for state, icon in entry.get("state", {}).items():
                assert icon != entry["default"], f"{key}.{state}"


# Binary sensors whose icons say more than their device class's generic ones (see
# icon-translations in quality_scale.yaml): which phone or line is connected or failing.
ICONS_BEYOND_DEVICE_CLASS = {"registered", "trunk_problem"}


def test_device_class_icons_are_not_overridden_without_reason() -> None:
    """A binary sensor with a device class keeps that class's icons unless listed."""
    icons = load("icons.json")["entity"]["binary_sensor"]
    overridden = {
        description.translation_key
        for description in BINARY_SENSORS
        if description.device_class is not None and description.translation_key in icons
    }
    assert overridden == ICONS_BEYOND_DEVICE_CLASS
    assert "event_stream" not in icons


@pytest.mark.parametrize("platform", PLATFORMS)
def test_platform_modules_follow_the_rules(platform: str) -> None:
    """PARALLEL_UPDATES is set, entities have entity names."""
    tree = ast.parse((INTEGRATION / f"{platform}.py").read_text(encoding="utf-8"))
    assigned = {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert "PARALLEL_UPDATES" in assigned
    entity_source = (INTEGRATION / "entity.py").read_text(encoding="utf-8")
    assert "_attr_has_entity_name = True" in entity_source


def test_actions_are_not_registered_per_entry() -> None:
    """Actions are registered in async_setup, never in async_setup_entry."""
    registering = {
        "async_register_admin_service",
        "async_register_entity_service",
        "async_register_platform_entity_service",
    }
    for file in INTEGRATION.rglob("*.py"):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.AsyncFunctionDef)
                and node.name == "async_setup_entry"
            ):
                continue
            for call in ast.walk(node):
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
                    name = call.func.attr
                    owner = ast.unparse(call.func.value)
                    assert name not in registering, file.name
                    assert not (name == "async_register" and "services" in owner), (
                        file.name
                    )


# hassfest's strict-typing check (quality_scale_validation/runtime_data.py): the entry
# argument of these functions, at this position, is annotated with a typed alias.
TYPED_ENTRY = re.compile(r"^[A-Za-z]+ConfigEntry$")
ENTRY_FUNCTIONS: dict[str, dict[str, int]] = {
    "__init__": {
        "async_migrate_entry": 2,
        "async_remove_config_entry_device": 2,
        "async_remove_entry": 2,
        "async_setup_entry": 2,
        "async_unload_entry": 2,
    },
    "diagnostics": {
        "async_get_config_entry_diagnostics": 2,
        "async_get_device_diagnostics": 2,
    },
} | {platform: {"async_setup_entry": 2} for platform in PLATFORMS}


def _typed(argument: ast.arg) -> bool:
    annotation = argument.annotation
    return isinstance(annotation, ast.Name) and bool(TYPED_ENTRY.match(annotation.id))


def test_config_entries_use_the_typed_alias() -> None:
    """Every config entry parameter is a SynwayConfigEntry, as strict typing asks.

    hassfest checks the protocol functions and async_get_options_flow; this checks
    those by position and, beyond them, every parameter named entry or config_entry.
    """
    untyped: list[str] = []
    # Below the coordinator (which defines the alias) a module cannot import it without
    # an import circle; these bind tasks to the entry's lifetime and read no runtime data.
    lower = {"statistics.py: __init__(entry)"}
    for file in sorted(INTEGRATION.rglob("*.py")):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        top_level = file.parent == INTEGRATION
        positions = dict(ENTRY_FUNCTIONS.get(file.stem, {}) if top_level else {})
        if top_level and file.stem == "config_flow":
            positions["async_get_options_flow"] = 1
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            arguments = [
                *node.args.posonlyargs,
                *node.args.args,
                *node.args.kwonlyargs,
            ]
            if (position := positions.get(node.name)) is not None:
                assert len(node.args.args) >= position, node.name
                if not _typed(node.args.args[position - 1]):
                    untyped.append(f"{file.name}: {node.name}")
            untyped.extend(
                f"{file.name}: {node.name}({argument.arg})"
                for argument in arguments
                if argument.arg in ("entry", "config_entry") and not _typed(argument)
            )
    assert sorted(set(untyped) - lower) == []


def test_quality_scale_is_backed_line_by_line() -> None:
    """Each of the 54 rules has a status and a comment; every test it names exists."""
    rules = load_yaml_dict(str(INTEGRATION / "quality_scale.yaml"))["rules"]
    assert len(rules) == 54
    defined = {
        match.group(1)
        for file in (ROOT / "tests").rglob("test_*.py")
        for match in re.finditer(
            r"^(?:async )?def (test_\w+)",
            file.read_text(encoding="utf-8"),
            re.MULTILINE,
        )
    }
    for rule, entry in rules.items():
        assert isinstance(entry, dict), f"{rule}: no comment"
        assert entry["status"] in ("done", "exempt", "todo"), rule
        assert entry["comment"].strip(), rule
        comment = entry["comment"]
        named = set(re.findall(r"\b(test_\w+)\b(?!::)", comment))
        assert named <= defined, f"{rule}: {named - defined}"
        for module, test in re.findall(r"\b(test_\w+)::(test_\w+)", comment):
            path = ROOT / "tests" / f"{module}.py"
            assert path.exists(), f"{rule}: {module}"
            # module::test names the module the test is in, not just any module.
            assert re.search(
                rf"^(?:async )?def {test}\(",
                path.read_text(encoding="utf-8"),
                re.MULTILINE,
            ), f"{rule}: {module}::{test}"
    assert rules["dependency-transparency"]["status"] == "exempt"


def test_repository_files() -> None:
    """Licence, and the CI that every HACS integration ships."""
    assert "Apache License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    workflows = "".join(
        file.read_text(encoding="utf-8")
        for file in (ROOT / ".github" / "workflows").glob("*.yml")
    )
    for step in ("home-assistant/actions/hassfest", "hacs/action", "scripts/test"):
        assert step in workflows, step


@pytest.mark.parametrize("language", ["zh-Hans"])
def test_other_languages_match_english(language: str) -> None:
    """Other languages have exactly English's keys and placeholders."""
    path = INTEGRATION / "translations" / f"{language}.json"
    other = strings(json.loads(path.read_text(encoding="utf-8")))
    english = strings(EN)
    assert set(other) == set(english)
    for key, text in english.items():
        assert set(PLACEHOLDER.findall(other[key])) == set(PLACEHOLDER.findall(text)), (
            key
        )
