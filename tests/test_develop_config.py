"""The demo's configuration.yaml loads what the UI saves, and the project's files."""

import importlib.util
from pathlib import Path
from types import ModuleType

from homeassistant.config import load_yaml_config_file

SCRIPT = Path(__file__).parent.parent / "scripts" / "develop_bootstrap.py"


def _bootstrap() -> ModuleType:
    spec = importlib.util.spec_from_file_location("develop_bootstrap", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_demo_loads_ui_automations_scripts_and_scenes(tmp_path: Path) -> None:
    """UI-made automations, scripts and scenes load; blueprints and sentences are there."""
    bootstrap = _bootstrap()
    bootstrap.write_configuration(tmp_path, 8123)
    config = load_yaml_config_file(str(tmp_path / "configuration.yaml"))
    assert not config["automation"]
    assert not config["scene"]
    assert not config["script"]
    assert "conversation" in config
    assert {"automation", "script", "scene", "conversation"} <= set(
        bootstrap.CONFIGURED
    )
    blueprints = tmp_path / "blueprints/automation/synway_ippbx"
    # Copies, not a link: Home Assistant's blueprint listing does not follow links.
    assert not blueprints.is_symlink()
    assert sorted(path.name for path in blueprints.iterdir()) == [
        "doorbell_intercom.yaml",
        "flash_light_while_ringing.yaml",
        "missed_call_notify.yaml",
    ]
    assert not any(path.is_symlink() for path in blueprints.iterdir())
    assert (tmp_path / "custom_sentences/en/synway_ippbx.yaml").is_file()
    # Running it again keeps what the user saved.
    (tmp_path / "automations.yaml").write_text("- id: mine\n", encoding="utf-8")
    bootstrap.write_configuration(tmp_path, 8123)
    assert (tmp_path / "automations.yaml").read_text(encoding="utf-8") == "- id: mine\n"


def test_demo_replaces_a_linked_blueprint_folder(tmp_path: Path) -> None:
    """A demo set up by the linking version gets real copies on its next start."""
    linked = tmp_path / "blueprints/automation/synway_ippbx"
    linked.parent.mkdir(parents=True)
    linked.symlink_to(tmp_path, target_is_directory=True)
    _bootstrap().write_configuration(tmp_path, 8123)
    assert not linked.is_symlink()
    assert (linked / "missed_call_notify.yaml").is_file()
