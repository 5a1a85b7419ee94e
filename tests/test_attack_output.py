"""Faults found by the attack (issue 12): CSV formula injection and terminal escape injection."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from tests.conftest import CASE_TEXT

from lscp_cli.cli import console

Run = Callable[..., Result]

HOSTILE = [
    "=HYPERLINK(1)",
    "+SUM(1,2)",
    "-2+3+cmd|/C calc!A0",
    "@SUM(A1:A2)",
    "\\tTabbed=1+1",
]

AGENCIES = "".join(
    f'\n[[agencies]]\nname = "{name}"\nrequested = 2025-01-06\n' for name in HOSTILE
)
ACTION = '\n[[actions]]\ntext = "=1+1"\nowner = "@owner"\ndue = 2025-01-20\n'


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _text_cells(rows: list[list[str]]) -> list[str]:
    return [cell for row in rows[1:] for cell in row]


@pytest.mark.parametrize(
    "command",
    [("deadlines", "--as-of", "2025-01-07", "--format", "csv"),
     ("show", "LSCP-2025-001", "--as-of", "2025-01-07", "--format", "csv"),
     ("list", "--format", "csv")],
)
def test_csv_cells_never_start_a_formula(run: Run, write_case: Callable[..., Path],
                                         command: tuple[str, ...]) -> None:
    write_case(CASE_TEXT.replace('location = "Leeds"', 'location = "=cmd"')
               + AGENCIES + ACTION)
    result = run(*command)
    assert result.exit_code == 0, result.output
    cells = _text_cells(_csv_rows(result.stdout))
    assert cells
    for cell in cells:
        assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
        assert not cell.startswith("-") or cell.lstrip("-").isdigit(), cell
    if command[0] != "list":
        assert any(cell.startswith("'=HYPERLINK") for cell in cells)
        assert any(cell.startswith("'@") for cell in cells)


def test_csv_numbers_stay_numbers() -> None:
    assert console.csv_cell(-3) == "-3"
    assert console.csv_cell("-3") == "'-3"
    assert console.csv_cell(["=a", "b"]) == "'=a; b"
    assert console.csv_cell("plain") == "plain"


ESCAPES = "\\u202e\\u001b]0;owned\\u0007\\u001b[2J\\u001b]8;;http://evil.example\\u001b\\\\x\\u009b31m"


def _hostile_case(write_case: Callable[..., Path]) -> None:
    write_case(
        CASE_TEXT.replace('summary = """Fictional outline for tests."""',
                          f'summary = "Outline {ESCAPES}"')
        .replace('location = "Leeds"', f'location = "Leeds{ESCAPES}"')
        + f'\n[[agencies]]\nname = "Police{ESCAPES}"\nrequested = 2025-01-06\n'
        + f'\n[[actions]]\ntext = "Train {ESCAPES}"\ndue = 2025-01-20\n'
    )


@pytest.mark.parametrize(
    "command",
    [("show", "LSCP-2025-001", "--as-of", "2025-01-07"),
     ("show", "LSCP-2025-001", "--as-of", "2025-01-07", "--format", "csv"),
     ("deadlines", "--as-of", "2025-01-07"),
     ("deadlines", "--as-of", "2025-01-07", "--format", "csv"),
     ("list",),
     ("draft", "LSCP-2025-001", "panel-notification", "--stdout"),
     ("check",)],
)
def test_no_control_character_reaches_the_terminal(run: Run, write_case: Callable[..., Path],
                                                   command: tuple[str, ...]) -> None:
    _hostile_case(write_case)
    result = run(*command)
    assert "unexpected" not in result.output
    for bad in ("\x1b", "\x07", "\x9b"):
        assert bad not in result.output, (command, result.output)
    if command[0] in ("show", "draft"):
        assert "\u241b" in result.output  # shown, not hidden: the officer sees something odd


def test_check_warns_about_control_characters(run: Run,
                                              write_case: Callable[..., Path]) -> None:
    _hostile_case(write_case)
    result = run("check")
    assert result.exit_code == 0  # a warning, not an error: the file is still valid
    for field in ("incident.summary", "incident.location", "agencies[1].name",
                  "actions[1].text"):
        assert f"'{field}' holds control characters" in result.output
    assert re.search(r"^warning: \S*LSCP-2025-001.toml:13: 'incident.summary' holds",
                     result.output, re.MULTILINE)


def test_a_plain_case_has_no_control_warning(run: Run,
                                             write_case: Callable[..., Path]) -> None:
    write_case(CASE_TEXT.replace("Fictional outline", "Tab\\tand newline\\nare fine"))
    assert "control characters" not in run("check").output


def test_a_file_name_with_an_escape_is_shown_safely(run: Run, casebook_dir: Path) -> None:
    cases = casebook_dir / "cases"
    cases.mkdir()
    (cases / "x\x1b]0;owned\x07.toml").write_text("x = 1\n", encoding="utf-8")
    result = run("check")
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\u241b" in result.output


@pytest.mark.parametrize(
    "command",
    [("deadlines", "--as-of", "2025-01-07", "--format", "json"),
     ("deadlines", "--as-of", "2025-01-07", "--format", "ics"),
     ("report", "-o", "-", "--as-of", "2025-01-07"),
     ("actions", "--as-of", "2025-01-07"),
     ("actions", "--as-of", "2025-01-07", "--format", "csv")],
)
def test_every_other_output_is_terminal_safe(run: Run, write_case: Callable[..., Path],
                                             command: tuple[str, ...]) -> None:
    _hostile_case(write_case)
    result = run(*command)
    assert result.exit_code == 0, result.output[-300:]
    for bad in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert bad not in result.stdout, (command, bad)
    if "json" in command:
        import json

        rows = json.loads(result.stdout)
        assert any("\x9b" in value for row in rows for value in row.values()
                   if isinstance(value, str))  # the value itself is unchanged


def test_templates_show_is_terminal_safe(run: Run, casebook_dir: Path) -> None:
    (casebook_dir / "templates").mkdir()
    (casebook_dir / "templates" / "panel-notification.md.j2").write_text(
        "Hello \x1b]0;owned\x07 there\n", encoding="utf-8")
    result = run("templates", "show", "panel-notification")
    assert "\x1b" not in result.stdout and "\u241b" in result.stdout
