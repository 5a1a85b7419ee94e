"""The package's import graph: no module imports another that (through others) imports it,
and no layer imports a layer above it (LAYERS, lowest first: the folders show the layers).

Every `import` statement counts, wherever it is: at the top, inside a function, or under
`if TYPE_CHECKING:` (mypy follows those, and a circle there is still a circle in the design).
A package's own `__init__` importing its submodules is not counted as an edge back from them.
"""

from __future__ import annotations

import ast
import importlib
import re
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
                if base == PACKAGE and alias.name == "__version__":
                    continue  # a constant of the package's face, not an import of the library
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
        "if TYPE_CHECKING:\n    from lscp_cli.process.settings import Settings\n"
        "def f():\n    from lscp_cli.process import rules\n"
    )
    assert imported_modules("lscp_cli.process.workdays", tree) == {
        "lscp_cli.process.settings", "lscp_cli.process.rules"}


# The domain: what a script uses without the command line. It never imports click or rich.
CLI_ONLY = ("lscp_cli.cli", "lscp_cli.cli.console", "lscp_cli.__main__")


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


# The layers, lowest first. A module may import its own layer and those below, never one above.
# Each entry names modules or packages (a package stands for everything in it).
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("errors", ("lscp_cli.errors",)),
    ("base", ("lscp_cli.base",)),  # paths, safe writes, locks, audit line, TOML, hostile text
    ("model", ("lscp_cli.model",)),  # the case, its fields and validation, dates, values
    ("process", ("lscp_cli.process",)),  # working days, settings, rules, duties, order, progress
    ("storage", ("lscp_cli.storage",)),  # case files on disk, their cache, edits
    ("outputs", ("lscp_cli.formats", "lscp_cli.printing", "lscp_cli.drafts", "lscp_cli.reports")),
    ("casebook", ("lscp_cli.results", "lscp_cli.casebook")),  # the library's front door
    ("cli", ("lscp_cli.cli", "lscp_cli.__main__")),
    ("face", ("lscp_cli",)),  # lscp_cli/__init__: what `import lscp_cli` offers a script
]

def layer_of(name: str) -> int:
    for index, (_, members) in enumerate(LAYERS):
        if any(name == m or name.startswith(m + ".") for m in members if m != PACKAGE):
            return index
    assert name == PACKAGE, f"{name} is in no layer: add it to LAYERS in tests/test_layering.py"
    return len(LAYERS) - 1


def wrong_way_edges(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    return {(name, target) for name, targets in graph.items() for target in targets
            if layer_of(target) > layer_of(name)}


def test_every_module_is_in_a_layer() -> None:
    for name in MODULES:
        layer_of(name)


def test_no_layer_imports_a_layer_above_it() -> None:
    """No exceptions: the last wrong-way edges (model.case -> process.order and
    process.progress) were cut by passing the process's checks into the model (issue 16)."""
    upward = wrong_way_edges(import_graph())
    assert not upward, "lower layer imports a higher one: " + ", ".join(
        f"{a} ({LAYERS[layer_of(a)][0]}) -> {b} ({LAYERS[layer_of(b)][0]})"
        for a, b in sorted(upward))


def test_the_layer_check_sees_an_upward_import() -> None:
    graph = {"lscp_cli.model.case": {"lscp_cli.cli.app", "lscp_cli.base.audit"},
             "lscp_cli.cli.app": {"lscp_cli.model.case"}}
    assert wrong_way_edges(graph) == {("lscp_cli.model.case", "lscp_cli.cli.app")}


ROOT_MODULES = {"lscp_cli", "lscp_cli.__main__", "lscp_cli.casebook", "lscp_cli.errors",
                "lscp_cli.formats", "lscp_cli.printing", "lscp_cli.results"}


def test_the_root_holds_only_the_face_and_a_handful() -> None:
    """A new module goes into the folder of its layer, not beside `casebook.py`."""
    root = {name for name, path in MODULES.items() if path.parent == SRC}
    assert root <= ROOT_MODULES, f"move into a layer's folder: {sorted(root - ROOT_MODULES)}"


FLAG = re.compile(r"(^|[\s`(\"'])--?[a-zA-Z]")  # `--agency`, `-o`
# Calls whose text arguments are the command line's own help (`lscp record --help`), and
# names whose text is a file an officer reads (lscp.toml's template): they may name flags.
HELP_TEXT_CALLS = ("Step", "Option")


def _flags_outside_said(tree: ast.AST) -> list[int]:
    """Lines of text naming a command-line flag (`--x`) outside `said(command_line, script)`:
    in a `raise`, and anywhere else a message may be built from (an argument, a name, a
    table), except docstrings and the command line's help texts (`HELP_TEXT_CALLS`)."""
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (getattr(node.func, "id", "") == "said"
                                           or getattr(node.func, "id", "") in HELP_TEXT_CALLS):
            allowed.update(id(sub) for sub in ast.walk(node))
        elif (isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef) and node.body
              and isinstance(node.body[0], ast.Expr)):
            allowed.add(id(node.body[0].value))  # a docstring
        elif isinstance(node, ast.Assign) and any(
                getattr(target, "id", "").endswith("_TOML") for target in node.targets):
            allowed.update(id(sub) for sub in ast.walk(node.value))
    return sorted({node.lineno for node in ast.walk(tree)
                   if isinstance(node, ast.Constant) and isinstance(node.value, str)
                   and FLAG.search(node.value) and id(node) not in allowed})


# Library text still naming a flag outside said(), each to be made two-way (its own issue).
# A warning or a `Problem` may use said() too (`Problem.command_line()`, `Recorded.said`).
# This list may only shrink.
KNOWN_FLAG_TEXT: set[str] = set()  # the last, stats' "why recorded (--note)", is words now
LIBRARY = [m for m in sorted(MODULES) if not m.startswith(CLI_ONLY)
           and not m.endswith("drafts.pandoc")]  # pandoc's own flags, to pandoc


@pytest.mark.parametrize("name", LIBRARY)
def test_library_errors_do_not_speak_in_command_line_flags(name: str) -> None:
    """A script calling the library gets its own words (`agency="NAME"`); the command line
    shows the flag (`--agency NAME`) through `said` and `LscpError.command_line()`."""
    lines = _flags_outside_said(ast.parse(MODULES[name].read_text(encoding="utf-8")))
    if name in KNOWN_FLAG_TEXT:
        assert lines, f"{name} names no --flag outside said() now: take it off KNOWN_FLAG_TEXT"
        return
    assert lines == [], f"{name}: text names a --flag outside said(): lines {lines}"


def test_the_flag_check_sees_a_flag_and_lets_said_through() -> None:
    bad = ast.parse('raise E(f"{x} needs --agency NAME")')
    good = ast.parse('raise E(f"{x} needs " + said("--agency NAME", "agency=NAME"))')
    assert _flags_outside_said(bad) == [1] and _flags_outside_said(good) == []


def test_the_flag_check_sees_a_flag_passed_on_to_a_raise() -> None:
    """`(from --dir)`: the flag reaches the message through an argument and a name."""
    passed = ast.parse('def locate(p):\n    return explicit(p, "--dir")\n'
                       'def explicit(p, source):\n    raise E(f"{p} (from {source})")\n')
    named = ast.parse('use = f"--dir {above}"\nraise E(f"did you mean {above}? ({use})")\n')
    short = ast.parse('raise E("or give the file to write with -o")')
    assert _flags_outside_said(short) == [1]
    helped = ast.parse('"""Docs: --dir."""\nS = Step("x", "with --text")\nA_TOML = "# --help"\n')
    assert _flags_outside_said(passed) == [2] and _flags_outside_said(named) == [1]
    assert _flags_outside_said(helped) == []
