"""The PBX core (pbx/) knows nothing of Home Assistant, as api/ does not.

It may read the client (api/) and the integration's plain constants (const.py), nothing else
of the integration: what a report means is decided without a hass object, so it can be
tested, benchmarked and read alone.
"""

import ast
from pathlib import Path

import custom_components.synway_ippbx.pbx as pbx_package

PBX_DIR = Path(pbx_package.__file__).parent
# What pbx/ may import from its parent package (relative, level 2).
ALLOWED_PARENTS = {"api", "const"}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((0, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
    return found


def test_pbx_package_imports_no_home_assistant() -> None:
    files = sorted(PBX_DIR.rglob("*.py"))
    assert len(files) >= 9
    for path in files:
        for level, module in _imports(path):
            root = module.split(".")[0]
            assert root not in {"homeassistant", "custom_components"}, (
                f"{path.name} imports {module}"
            )
            if level == 2:
                assert root in ALLOWED_PARENTS, f"{path.name} imports ..{module}"
            assert level <= 2, f"{path.name} reaches outside the integration"


def test_const_stays_free_of_home_assistant() -> None:
    """pbx/ reads const.py, so const.py must not bring Home Assistant in either."""
    const = PBX_DIR.parent / "const.py"
    for _level, module in _imports(const):
        assert module.split(".")[0] != "homeassistant", module
