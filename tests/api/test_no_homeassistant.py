"""The client must stay publishable on its own: no Home Assistant imports anywhere in api/."""

import ast
from pathlib import Path

import custom_components.synway_ippbx.api as api_package

API_DIR = Path(api_package.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: must stay inside the package
                depth = len(path.relative_to(API_DIR).parts)  # 1 for api/x.py
                assert node.level <= depth, f"{path.name} reaches outside api/"
            elif node.module:
                modules.add(node.module)
    return modules


def test_api_package_imports_no_home_assistant() -> None:
    files = sorted(API_DIR.rglob("*.py"))
    assert len(files) >= 8
    for path in files:
        for module in _imported_modules(path):
            root = module.split(".")[0]
            assert root != "homeassistant", f"{path.name} imports {module}"
            assert not module.startswith("custom_components"), (
                f"{path.name} imports {module}"
            )


def test_only_allowed_third_party_imports() -> None:
    # aiohttp for HTTP; orjson decodes reports on the fast path (Home Assistant ships it).
    allowed_third_party = {"aiohttp", "orjson"}
    import sys

    stdlib = set(sys.stdlib_module_names)
    for path in sorted(API_DIR.rglob("*.py")):
        for module in _imported_modules(path):
            root = module.split(".")[0]
            assert root in stdlib or root in allowed_third_party, (
                f"{path.name}: {module}"
            )


def test_package_is_typed() -> None:
    assert (API_DIR / "py.typed").exists()


def test_public_names_are_exported() -> None:
    for name in api_package.__all__:
        assert hasattr(api_package, name), name


def test_every_module_stays_readable() -> None:
    """No module of the client grows past ~500 lines: split by concern instead."""
    long = {
        path.name: lines
        for path in sorted(API_DIR.rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert long == {}
