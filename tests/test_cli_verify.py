"""`lscp log` shows every kind of value a line can hold, and `lscp verify` every answer it
can give (issue 19: branch coverage of cli/history at or above the rest)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Run = Callable[..., Result]
RECORD = ("record", "LSCP-2025-001", "panel-notified", "2025-01-06", "--reference", "SI-1")


def _line(**fields: object) -> bytes:
    record = {"time": "2025-01-06T10:00:00+00:00", "user": "jo", "case": "LSCP-2025-001",
              "action": "edit", "field": "f", "old": None, "new": None, **fields}
    return json.dumps(record).encode() + b"\n"


def test_log_shows_each_kind_of_value(run: Run, casebook_dir: Path) -> None:
    (casebook_dir / "audit.log").write_bytes(b"".join([
        _line(field="a", old={"name": "WYP", "received": "2025-01-09"}, new=None),
        _line(field="b", old=[1, [2, 3]], new=True),
        _line(field="c", old=False, new="x", time="not a time"),
        _line(field="d", old="1", new="2", time="2025-01-06T10:00:00"),  # no zone
    ]))
    result = run("log", env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "name WYP, received Thu 9 Jan 2025 → (removed)" in out
    assert "1; 2; 3 → yes" in out
    assert "no → x" in out and "not a time" in out
    assert "Mon 6 Jan 2025 10:00" in out


@pytest.fixture
def recorded(run: Run, write_case: Callable[..., Path]) -> str:
    write_case()
    assert run(*RECORD).exit_code == 0
    return run("verify").stdout.split("Head: line 2, ")[1].strip()


def test_verify_on_an_empty_casebook(run: Run) -> None:
    result = run("verify")
    assert result.exit_code == 0
    assert result.stdout == ("audit.log: 0 lines, every link holds; 0 case files agree with "
                             "their last audit lines.\n")


def test_verify_counts_one_line_and_one_case(run: Run, recorded: str,
                                            casebook_dir: Path) -> None:
    log = casebook_dir / "audit.log"
    log.write_bytes(log.read_bytes().splitlines(keepends=True)[0])
    for path in (casebook_dir / "cases").iterdir():
        path.unlink()
    result = run("verify")
    assert result.stdout.startswith("audit.log: 1 line, every link holds; 0 case files")


@pytest.mark.parametrize("head", ["xyz", "3f2a", "G" * 16])
def test_verify_head_must_look_like_a_hash(run: Run, recorded: str, head: str) -> None:
    result = run("verify", "--head", head)
    assert result.exit_code == 2
    assert "first 16 characters of the head hash" in result.output


def test_verify_head_in_a_broken_stretch(run: Run, recorded: str, casebook_dir: Path) -> None:
    log = casebook_dir / "audit.log"
    first, second = log.read_bytes().splitlines(keepends=True)
    assert b"notification.panel\"" in first
    log.write_bytes(first.replace(b'"2025-01-06"', b'"2025-01-05"') + second)
    result = run("verify", "--head", recorded.upper())  # line 2, as noted: still there
    assert result.exit_code == 1
    assert f"{log}:2: holds the head hash noted earlier, but the chain around it is " \
           "broken" in result.output


def test_verify_when_the_log_is_not_a_file(run: Run, casebook_dir: Path) -> None:
    (casebook_dir / "audit.log").mkdir()
    result = run("verify")
    assert result.exit_code == 1
    assert "audit.log: is not a regular file" in result.output


def test_verify_fits_an_80_column_window(run: Run, recorded: str) -> None:
    # (Its verdict was one 84-column line, which the terminal broke mid-word.)
    result = run("verify", env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= 80, result.stdout
    assert "every link holds; 1 case file agrees with its last audit line." in " ".join(
        result.stdout.split())
    assert f"Head: line 2, {recorded}" in result.stdout  # the hash whole, on one line
    piped = run("verify", env={"COLUMNS": ""})  # piped: one line each, for scripts
    assert len(piped.stdout.splitlines()) == 2
