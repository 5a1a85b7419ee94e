"""The print tests on a machine without the real clients (issue 20): skipped there, saying what
to install, and failed under LSCP_REQUIRE_PRINT_TOOLS=1, as .ci/run sets it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PRINT_TESTS = [
    "tests/test_cli_report.py::test_chromium_prints_it_on_a4_with_every_case_and_no_console_error",
    "tests/test_word_print.py::test_a_long_letter_runs_over_several_pages",
]


def _pytest(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    empty = tmp_path / "bin"  # a PATH with no chromium, soffice or poppler on it
    empty.mkdir(exist_ok=True)
    environ = {k: v for k, v in os.environ.items() if k != "LSCP_REQUIRE_PRINT_TOOLS"}
    environ.update(PATH=str(empty), **env)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           *PRINT_TESTS], cwd=ROOT, env=environ, capture_output=True,
                          text=True, timeout=120, check=False)


def test_without_the_tools_print_tests_are_skipped_saying_what_to_install(
    tmp_path: Path,
) -> None:
    done = _pytest(tmp_path)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "2 skipped" in done.stdout
    assert "apt-get install chromium" in done.stdout  # -rs: the reason is in the summary
    assert "apt-get install libreoffice-writer-nogui" in done.stdout
    assert "poppler-utils" in done.stdout
    assert "winget install" in done.stdout


def test_under_the_ci_variable_a_missing_tool_fails(tmp_path: Path) -> None:
    done = _pytest(tmp_path, LSCP_REQUIRE_PRINT_TOOLS="1")
    assert done.returncode == 1, done.stdout[-3000:]
    assert "skipped" not in done.stdout
    assert "2 error" in done.stdout
    assert "LSCP_REQUIRE_PRINT_TOOLS is set and this print test needs chromium" in done.stdout


def test_ci_sets_the_variable_and_installs_what_the_print_tests_use() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "LSCP_REQUIRE_PRINT_TOOLS=1" in script
    for package in ("chromium", "poppler-utils", "libreoffice-writer-nogui", "fonts-liberation"):
        assert package in script


@pytest.mark.parametrize("runner", [["pytest"], ["-m", "pytest"]])
def test_pytest_and_python_m_pytest_both_collect_every_test(runner: list[str]) -> None:
    # `pytest` alone did not put the repository root on sys.path: `from tests.conftest import`
    # failed to collect (pyproject's pythonpath fixes it).
    script = shutil.which("pytest", path=str(Path(sys.executable).parent))
    command = [str(script)] if runner == ["pytest"] else [sys.executable, "-m", "pytest"]
    done = subprocess.run([*command, "--collect-only", "-q", "-p", "no:cacheprovider"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "error" not in done.stdout.splitlines()[-1]
