"""The house's shape: no import circle (simulator, integration, client), no overlong module.

Imports are read from the source with ``ast``. Those under ``if TYPE_CHECKING:`` do not
run, but they count all the same: a circle only the type checker walks still makes the
modules inseparable for a reader (issue 20).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(
    tree: ast.AST, *, type_checking: bool = False
) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement; those only a type checker sees if asked."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if (
            not type_checking
            and isinstance(node, ast.If)
            and _is_type_checking(node.test)
        ):
            for branch in node.orelse:
                visit(branch)
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _module_name(path: Path, package_dir: Path, package: str) -> str:
    parts = list(path.relative_to(package_dir).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([package, *parts])


def import_graph(
    package_dir: Path, package: str, *, type_checking: bool = False
) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (when it runs, by default)."""
    modules = {
        _module_name(path, package_dir, package): path
        for path in package_dir.rglob("*.py")
    }
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        here = name.split(".") if is_package else name.split(".")[:-1]
        for node in _runtime_imports(
            ast.parse(path.read_text(encoding="utf-8")), type_checking=type_checking
        ):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:
                    base = here[: len(here) - node.level + 1]
                    stem = ".".join(base + ([node.module] if node.module else []))
                else:
                    stem = node.module or ""
                # "from . import api" names a module; "from .x import y" may too.
                targets = [stem] + [f"{stem}.{alias.name}" for alias in node.names]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                # A module importing its own package's __init__ is not an edge
                # worth a cycle: Python has run the package first.
                if target and target != name and not name.startswith(f"{target}."):
                    graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle, as a path that returns to its start, or None."""
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> list[str] | None:
        if node in visiting:
            return [*visiting[visiting.index(node) :], node]
        if node in done:
            return None
        visiting.append(node)
        for nxt in sorted(graph[node]):
            if cycle := visit(nxt):
                return cycle
        visiting.pop()
        done.add(node)
        return None

    for start in sorted(graph):
        if cycle := visit(start):
            return cycle
    return None


PACKAGES = [
    (ROOT / "simulator", "simulator"),
    (ROOT / "custom_components" / "synway_ippbx", "custom_components.synway_ippbx"),
    (
        ROOT / "custom_components" / "synway_ippbx" / "api",
        "custom_components.synway_ippbx.api",
    ),
]


@pytest.mark.parametrize("type_checking", [False, True], ids=["runtime", "typing"])
@pytest.mark.parametrize(("package_dir", "package"), PACKAGES)
def test_no_import_cycle(package_dir: Path, package: str, type_checking: bool) -> None:
    """A circle makes import order matter and the modules inseparable."""
    graph = import_graph(package_dir, package, type_checking=type_checking)
    assert len(graph) > 5
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_simulator_has_no_circle_even_for_the_type_checker() -> None:
    """The handlers are typed against ``context`` protocols, not ``server.Simulator``.

    Before, ``api``, ``control`` and ``traffic`` imported ``server`` under
    TYPE_CHECKING while ``server`` imported them: a circle mypy had to untangle
    and a reader could not split.
    """
    graph = import_graph(ROOT / "simulator", "simulator", type_checking=True)
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_the_check_sees_a_cycle_and_ignores_type_checking(tmp_path: Path) -> None:
    """The checker itself: a real circle is found, a TYPE_CHECKING one is not."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from .b import B\n")
    (pkg / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import A\nB = 1\n"
    )
    assert find_cycle(import_graph(pkg, "pkg")) is None
    (pkg / "b.py").write_text("from . import a\nB = 1\n")
    assert find_cycle(import_graph(pkg, "pkg")) == ["pkg.a", "pkg.b", "pkg.a"]
