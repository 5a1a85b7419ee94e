"""The package's import graph: no module imports another that (through others) imports it.

Every `import` statement counts, wherever it is: at the top, inside a function, or under
`if TYPE_CHECKING:` (mypy follows those, and a circle there is still a circle in the design).
A package's own `__init__` importing its submodules is not counted as an edge back from them.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import lscp_cli

SRC = Path(lscp_cli.__file__).parent
PACKAGE = "lscp_cli"


def module_name(path: Path) -> str:
    parts = [PACKAGE, *path.relative_to(SRC).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(SRC.rglob("*.py"))}


def imported_modules(name: str, tree: ast.AST) -> set[str]:
    """The lscp_cli modules `tree` imports (submodules when `from package import submodule`)."""
    found: set[str] = set()
    is_package = MODULES[name].name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in MODULES else base)
    return {module for module in found if module in MODULES and module != name}


def import_graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in MODULES.items():
        edges = imported_modules(name, ast.parse(path.read_text(encoding="utf-8")))
        # `import lscp_cli.x` runs lscp_cli/__init__.py first; that is Python's doing, not an
        # edge of the design (it would make every package and its submodules a circle).
        graph[name] = {m for m in edges if not name.startswith(m + ".")}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as [a, b, ..., a], or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_no_import_circle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_graph_sees_function_level_and_type_checking_imports() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from lscp_cli.settings import Settings\n"
        "def f():\n    from lscp_cli import rules\n"
    )
    assert imported_modules("lscp_cli.workdays", tree) == {"lscp_cli.settings", "lscp_cli.rules"}


# The domain: what a script uses without the command line. It never imports click or rich.
CLI_ONLY = ("lscp_cli.cli", "lscp_cli.console", "lscp_cli.__main__")


@pytest.mark.parametrize("name", [m for m in sorted(MODULES) if not m.endswith("__main__")])
def test_every_module_imports(name: str) -> None:
    importlib.import_module(name)


@pytest.mark.parametrize(
    "name", [m for m in sorted(MODULES) if not m.startswith(CLI_ONLY)]
)
def test_domain_modules_never_import_click_or_rich(name: str) -> None:
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = (
            [alias.name for alias in node.names] if isinstance(node, ast.Import)
            else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level
            else []
        )
        for imported in names:
            assert imported.split(".")[0] not in ("click", "rich"), f"{name} imports {imported}"


def function_level_imports() -> list[tuple[str, int, str]]:
    """(module, line, imported) for each import inside a function of the package."""
    found = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import):
                    found += [(name, node.lineno, alias.name) for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level:
                    found.append((name, node.lineno, node.module or ""))
    return found


def test_function_level_imports_buy_start_up_time() -> None:
    """An import inside a function is there to keep `lscp` quick to start; one of a module
    that every start loads anyway only hides a dependency, so it goes at the top."""
    code = "import sys, lscp_cli.cli; print(' '.join(sorted(sys.modules)))"
    loaded = set(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                text=True).stdout.split())
    pointless = [f"{module}:{line} imports {imported}"
                 for module, line, imported in function_level_imports() if imported in loaded]
    assert pointless == []


def test_every_error_class_is_in_errors_py() -> None:
    """One family in one module (STYLE.md); a private signal (`_OutOfTime`) may stay local."""
    elsewhere = []
    for name in MODULES:
        if name.endswith("__main__"):
            continue
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if (isinstance(value, type) and issubclass(value, BaseException)
                    and value.__module__ == name != "lscp_cli.errors"
                    and not attr.startswith("_")):
                elsewhere.append(f"{name}.{attr}")
    assert elsewhere == []


def test_the_command_line_takes_its_value_lists_from_the_domain() -> None:
    """`click.Choice(["death", ...])` in cli/ would be a second copy of a domain list."""
    literal_choices = []
    for name, path in MODULES.items():
        if not name.startswith("lscp_cli.cli"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "Choice" and node.args
                    and isinstance(node.args[0], ast.List | ast.Tuple | ast.Set)):
                literal_choices.append(f"{name}:{node.lineno}")
    assert literal_choices == []


MAX_LINES = 500  # issue 7: a module that grows past this is split by job


def test_no_module_is_over_500_lines() -> None:
    long = {name: n for name, path in MODULES.items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"split these modules (over {MAX_LINES} lines): {long}"
