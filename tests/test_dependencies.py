"""Runtime dependencies are what lscp's own code imports (issue 16, item 6: `tomli-w` was
installed for nothing, `icalendar` for the tests only): each one in pyproject.toml's
`dependencies` is imported by src/, and what only tests use sits in the `test` extra."""

from __future__ import annotations

import ast
import importlib.metadata
import re
from pathlib import Path

import tomli

ROOT = Path(__file__).parent.parent
PROJECT = tomli.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _top_level_imports(folder: Path) -> set[str]:
    found: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return found


def _modules_of(distribution: str) -> set[str]:
    return {module for module, owners in importlib.metadata.packages_distributions().items()
            if distribution in {_name(owner) for owner in owners}}


def unused_runtime_dependencies(dependencies: list[str], imported: set[str]) -> list[str]:
    return [name for name in map(_name, dependencies) if not _modules_of(name) & imported]


def test_every_runtime_dependency_is_imported_by_lscp() -> None:
    imported = _top_level_imports(ROOT / "src" / "lscp_cli")
    assert unused_runtime_dependencies(PROJECT["dependencies"], imported) == []


def test_the_check_sees_a_dependency_nothing_imports() -> None:
    assert unused_runtime_dependencies(["click>=8", "icalendar>=5"], {"click"}) == ["icalendar"]


def test_what_only_the_tests_use_is_in_the_test_extra() -> None:
    runtime = {_name(r) for r in PROJECT["dependencies"]}
    test_extra = {_name(r) for r in PROJECT["optional-dependencies"]["test"]}
    assert "icalendar" in test_extra and "icalendar" not in runtime
    assert "tomli-w" not in runtime | test_extra
