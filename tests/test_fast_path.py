"""`lscp deadlines` without click (cli/fast.py) says exactly what click's command says.

Each form is run as the officer runs it (`python -m lscp_cli ...`, through `main`), and again
through click's group alone; stdout, stderr and the exit status must be the same, byte for
byte. Forms the fast path leaves to click (help, -o, ics, a bad value, a repeated option...)
are checked to be left (`parse` gives None), and to still work through `main`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from lscp_cli.cli import fast
from lscp_cli.model.dates import parse_date

CLICK_ONLY = ("import sys; from lscp_cli.base import portable; portable.utf8_streams(); "
              "from lscp_cli.cli.app import cli; cli.main(sys.argv[1:], prog_name='lscp')")


def lscp(*args: str, click_only: bool = False, cwd: Path | None = None
         ) -> subprocess.CompletedProcess[bytes]:
    code = CLICK_ONLY if click_only else "from lscp_cli.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                          cwd=cwd, env={**os.environ, "LSCP_TODAY": "2026-01-15"}, check=False)


def both_ways(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    fast_run = lscp(*args, cwd=cwd)
    click_run = lscp(*args, click_only=True, cwd=cwd)
    assert (fast_run.returncode, fast_run.stdout.decode(), fast_run.stderr.decode()) == (
        click_run.returncode, click_run.stdout.decode(), click_run.stderr.decode())
    return fast_run


@pytest.fixture
def book(casebook_with: Callable[..., Path]) -> Path:
    return casebook_with("notified", "new-death", "closed", "full")


FORMS = [
    ("deadlines",),
    ("deadlines", "--format", "json"),
    ("deadlines", "--format=csv"),
    ("deadlines", "--all", "--basis"),
    ("deadlines", "--overdue"),
    ("deadlines", "--within", "10"),
    ("deadlines", "--within=+3", "--format", "csv"),
    ("deadlines", "--as-of", "2025-02-03"),
    ("deadlines", "--as-of", "03/02/2025", "--all"),
    ("deadlines", "--case", "LSCP-2025-001"),
    ("deadlines", "--case", "LSCP-2025-099"),  # no such case: an error, exit 1
    ("deadlines", "--case", "LSCP-2025-001", "--as-of", "2020-01-01"),  # not yet known
]


@pytest.mark.parametrize("args", FORMS, ids=" ".join)
def test_the_fast_path_says_what_click_says(book: Path, args: tuple[str, ...]) -> None:
    assert fast.parse(list(args)) is not None  # this form runs without click
    both_ways(*args)


def test_dir_before_and_after_the_command(book: Path, tmp_path: Path) -> None:
    assert both_ways("--dir", str(book), "deadlines").returncode == 0
    assert both_ways("deadlines", "--dir", str(book), "--format", "json").returncode == 0
    assert both_ways("--dir=" + str(book), "deadlines").stderr.startswith(b"casebook: ")
    missing = tmp_path / "nowhere"
    assert both_ways("--dir", str(missing), "deadlines").returncode == 1


def test_a_bad_case_file_named_and_exit_1(book: Path) -> None:
    (book / "cases" / "LSCP-2025-050.toml").write_text("id = [", encoding="utf-8")
    for fmt in ("table", "json", "csv"):
        result = both_ways("deadlines", "--format", fmt)
        assert result.returncode == 1
        assert b"LSCP-2025-050.toml" in result.stderr


def test_no_casebook_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LSCP_DIR")
    empty = tmp_path / "empty"
    empty.mkdir()
    result = both_ways("deadlines", cwd=empty)
    assert result.returncode == 1
    assert b"no casebook found" in result.stderr


def test_an_unexpected_error_said_without_its_text(book: Path) -> None:
    code = ("import sys; from lscp_cli.process import rules; "
            "rules.select_deadlines = lambda *a, **k: 1 / 0; "
            "from lscp_cli.cli import main; main()")
    result = subprocess.run([sys.executable, "-c", code, "deadlines"], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 1
    assert "unexpected ZeroDivisionError in lscp" in result.stderr


LEFT_TO_CLICK = [
    (),
    ("--help",),
    ("--version",),
    ("deadlines", "--help"),
    ("deadlines", "-h"),
    ("list",),
    ("deadlines", "--format", "ics"),
    ("deadlines", "--format", "JSON"),  # click's Choice folds the case: its value, not ours
    ("deadlines", "--format", "xml"),
    ("deadlines", "-o", "out.csv"),
    ("deadlines", "--output=out.csv"),
    ("deadlines", "--force"),
    ("deadlines", "--as-of", "31/02/2025"),
    ("deadlines", "--as-of", ""),
    ("deadlines", "--within", "-1"),
    ("deadlines", "--within", "ten"),
    ("deadlines", "--within"),
    ("deadlines", "--case", "--all"),
    ("deadlines", "--all", "--all"),
    ("deadlines", "--all=yes"),
    ("deadlines", "--overdu"),
    ("deadlines", "extra"),
    ("deadlines", "--"),
    ("--dir", "a", "deadlines", "--dir", "b"),
    ("--dir", "deadlines"),
    ("--verbose", "deadlines"),
    ("deadlines", "caf\udcc3"),
]


@pytest.mark.parametrize("args", LEFT_TO_CLICK, ids=repr)
def test_every_other_form_is_left_to_click(args: tuple[str, ...]) -> None:
    assert fast.parse(list(args)) is None


def test_a_dir_click_refuses_is_left_to_it(tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("", encoding="utf-8")
    assert fast.parse(["--dir", str(a_file), "deadlines"]) is None
    assert fast.parse(["deadlines", "--dir", str(a_file)]) is None
    assert fast.parse(["--dir", str(tmp_path / "missing"), "deadlines"]) is not None


def test_completion_and_windows_wildcards_are_left_to_click(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_LSCP_COMPLETE", "bash_complete")
    assert fast.parse(["deadlines"]) is None
    monkeypatch.delenv("_LSCP_COMPLETE")
    monkeypatch.setattr(os, "name", "nt")
    assert fast.parse(["deadlines", "--case", "LSCP-*"]) is None
    assert fast.parse(["deadlines", "--case", "LSCP-2025-001"]) is not None


@pytest.mark.parametrize("args", [("deadlines", "--help"), ("deadlines", "--format", "xml"),
                                  ("deadlines", "--as-of", "31/02/2025"),
                                  ("deadlines", "--format", "JSON")], ids=" ".join)
def test_what_is_left_to_click_still_runs_through_main(book: Path, args: tuple[str, ...]
                                                       ) -> None:
    both_ways(*args)


def test_the_options_as_the_command_takes_them() -> None:
    assert fast.parse(["--dir", "x", "deadlines", "--within", " 07 ", "--as-of", "2025-01-06",
                       "--overdue", "--case", "LSCP-2025-001", "--basis"]) == {
        "dir": Path("x"), "as_of": parse_date("2025-01-06"), "within": 7,
        "overdue_only": True, "case_id": "LSCP-2025-001", "include_all": False,
        "show_basis": True, "fmt": "table"}


def test_json_from_the_fast_path_parses(book: Path) -> None:
    result = lscp("deadlines", "--format", "json", "--all")
    assert result.returncode == 0
    assert json.loads(result.stdout)
