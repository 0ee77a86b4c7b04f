"""The client's PyPI package (client/) is built from the integration's api/ folder: one source."""

import ast
from pathlib import Path
import tomllib

import custom_components.synway_ippbx.api as api_package

ROOT = Path(__file__).parent.parent
CLIENT = ROOT / "client"
API_DIR = Path(api_package.__file__).parent
PYPROJECT = tomllib.loads((CLIENT / "pyproject.toml").read_text(encoding="utf-8"))


def _from_client(path: str) -> Path:
    return (CLIENT / path).resolve()


def test_the_wheel_maps_the_integration_api_folder() -> None:
    """The wheel's only content is api/, under the import name synway_ippbx_api."""
    wheel = PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]
    mapped = {
        _from_client(source): target
        for source, target in wheel["force-include"].items()
    }
    assert mapped == {API_DIR.resolve(): "synway_ippbx_api"}
    # Nothing of client/ itself is packaged as code.
    assert wheel["only-include"] == ["_nothing_"]
    assert not list(CLIENT.rglob("*.py"))


def test_version_is_the_clients_own() -> None:
    """The package version is read from the module that sends it as the User-Agent."""
    assert "version" in PYPROJECT["project"]["dynamic"]
    path = _from_client(PYPROJECT["tool"]["hatch"]["version"]["path"])
    assert path == (API_DIR / "transport.py").resolve()
    assert f"python-synway-ippbx/{api_package.__version__}" == api_package.USER_AGENT
    changelog = (CLIENT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {api_package.__version__}" in changelog


def test_package_metadata() -> None:
    """Name, licence, typing and dependencies: what PyPI shows and installs."""
    project = PYPROJECT["project"]
    assert project["name"] == "synway-ippbx-api"
    assert project["license"] == "Apache-2.0"
    assert (CLIENT / "LICENSE").resolve() == (ROOT / "LICENSE").resolve()
    assert "Typing :: Typed" in project["classifiers"]
    assert (API_DIR / "py.typed").exists()
    assert {dep.split(">")[0] for dep in project["dependencies"]} == {
        "aiohttp",
        "orjson",
    }
    assert (CLIENT / project["readme"]).exists()


def test_the_client_imports_itself_only_relatively() -> None:
    """Under either name (the integration's api or synway_ippbx_api) every import resolves."""
    for path in sorted(API_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and not node.level and node.module:
                assert not node.module.startswith(
                    ("custom_components", "synway_ippbx_api")
                ), f"{path.name}: {node.module}"


def test_the_gate_builds_and_tests_the_wheel() -> None:
    """scripts/test runs client/test-wheel, which runs tests/api against the installed wheel."""
    gate = (ROOT / "scripts" / "test").read_text(encoding="utf-8")
    assert "client/test-wheel" in gate
    script = (CLIENT / "test-wheel").read_text(encoding="utf-8")
    assert "uv build" in script
    assert "uv venv" in script
    assert "cp -r tests/api" in script
