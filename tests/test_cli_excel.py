"""Listings for Excel (issue 20): `-o FILE.csv` as Excel reads it (UTF-8 with a byte-order mark,
values whole, ISO dates and times), and `-o FILE.xlsx` on every listing, read back with
openpyxl and opened in LibreOffice Calc. All case data is FICTIONAL."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from click.testing import Result

from conftest import CASE_TEXT
from print_tools import find

Run = Callable[..., Result]
AS_OF = "2025-11-14"
LONG = ("Refresh multi-agency training on bruising in non-mobile babies, including the "
        "protocol for referral to the paediatric team and the escalation policy")
CASE = CASE_TEXT + f"""
[[actions]]
text = "{LONG}"
owner = "West Yorkshire Police"
due = 2025-11-07

[[actions]]
text = "=HYPERLINK(\\"http://example.invalid\\",\\"click\\")"
owner = "@Agency"
due = 2025-12-01
"""

# Every listing, with the columns holding dates (header as the workbook names it).
LISTINGS = {
    "list": (["list"], ["Opened"]),
    "deadlines": (["deadlines", "--as-of", AS_OF, "--all"], ["Due"]),
    "actions": (["actions", "--as-of", AS_OF], ["Due"]),
    "log": (["log"], ["time (UTC)"]),
    "templates": (["templates"], []),
    "stats": (["stats", "--as-of", AS_OF], []),
    "show": (["show", "LSCP-2025-001"], []),
    "holidays": (["workdays", "holidays", "2026"], ["Date"]),
}


@pytest.fixture
def casebook(write_case: Callable[..., Path], run: Run) -> None:
    write_case(CASE)
    result = run("record", "LSCP-2025-001", "panel-notified", "2025-01-06", "--reference", "SI-1")
    assert result.exit_code == 0, result.output


@pytest.mark.usefixtures("casebook")
def test_csv_to_a_file_has_a_byte_order_mark_and_the_same_rows(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "deadlines.csv"
    result = run("deadlines", "--as-of", AS_OF, "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(target)  # the file's name, as draft and report say it
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the mark
    piped = run("deadlines", "--as-of", AS_OF, "--format", "csv").stdout
    assert not piped.startswith("\ufeff")  # a pipe to a script gets plain UTF-8
    assert data.decode("utf-8-sig") == piped


@pytest.mark.usefixtures("casebook")
def test_an_existing_file_is_kept_without_force(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "cases.xlsx"
    target.write_bytes(b"keep me")
    result = run("list", "-o", str(target))
    assert result.exit_code == 2
    assert "already exists; use --force" in result.stderr
    assert target.read_bytes() == b"keep me"
    assert run("list", "-o", str(target), "--force").exit_code == 0
    assert target.read_bytes().startswith(b"PK")  # a zip: the workbook


@pytest.mark.usefixtures("casebook")
def test_the_extension_and_format_must_agree(run: Run, tmp_path: Path) -> None:
    result = run("list", "--format", "json", "-o", str(tmp_path / "cases.csv"))
    assert result.exit_code == 2
    assert "--format json but 'cases.csv' is a .csv file" in result.stderr
    assert run("list", "-o", str(tmp_path / "cases.json")).exit_code == 0
    assert json.loads((tmp_path / "cases.json").read_text())[0]["id"] == "LSCP-2025-001"


@pytest.mark.usefixtures("casebook")
@pytest.mark.parametrize("command", [["deadlines", "--as-of", AS_OF], ["actions", "--as-of",
                                                                       AS_OF]])
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_values_are_whole_never_cut(run: Run, command: list[str], fmt: str) -> None:
    out = run(*command, "--format", fmt).stdout
    assert "…" not in out
    assert f"Action 1: {LONG}" in out or command[0] == "actions"
    assert LONG in out


@pytest.mark.usefixtures("casebook")
def test_the_log_in_csv_has_times_excel_reads(run: Run) -> None:
    rows = list(csv.DictReader(io.StringIO(run("log", "--format", "csv").stdout)))
    assert rows
    for row in rows:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", row["time"]), row["time"]
    # JSON keeps the log's own ISO time with its zone.
    assert json.loads(run("log", "--format", "json").stdout)[0]["time"].endswith("+00:00")


@pytest.mark.usefixtures("casebook")
@pytest.mark.parametrize("name", LISTINGS)
def test_every_listing_as_a_workbook(run: Run, tmp_path: Path, name: str) -> None:
    command, date_columns = LISTINGS[name]
    target = tmp_path / f"{name}.xlsx"
    result = run(*command, "-o", str(target))
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    headers = [cell.value for cell in sheet[1]]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(headers)).column_letter}" \
        f"{sheet.max_row}"
    assert sheet.max_row >= 2
    for letter, dimension in sheet.column_dimensions.items():
        assert dimension.width and dimension.width >= 4, letter
    for header in date_columns:
        column = headers.index(header) + 1
        cells = [sheet.cell(row, column) for row in range(2, sheet.max_row + 1)
                 if sheet.cell(row, column).value is not None]
        assert cells and all(cell.is_date for cell in cells), header


@pytest.mark.usefixtures("casebook")
def test_a_workbook_holds_text_never_a_formula(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "actions.xlsx"
    assert run("actions", "--as-of", AS_OF, "-o", str(target)).exit_code == 0
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    texts = {cell.value: cell.data_type for row in sheet.iter_rows(min_row=2) for cell in row
             if isinstance(cell.value, str)}
    formula = '=HYPERLINK("http://example.invalid","click")'
    assert texts[formula] == "s"
    assert texts["@Agency"] == "s"
    assert texts[LONG] == "s"  # whole


def test_a_workbook_cannot_go_to_the_terminal(run: Run) -> None:
    result = run("list", "--format", "xlsx")
    assert result.exit_code == 2


@pytest.mark.print("libreoffice")
@pytest.mark.usefixtures("casebook")
def test_libreoffice_calc_opens_the_workbook(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "deadlines.xlsx"
    assert run("deadlines", "--as-of", AS_OF, "--all", "-o", str(target)).exit_code == 0
    soffice = find("soffice", "libreoffice")
    assert soffice
    out = tmp_path / "out"
    done = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "csv", "--outdir", str(out), str(target)],
        capture_output=True, text=True, timeout=180, check=False)
    converted = out / "deadlines.csv"
    assert converted.is_file(), done.stderr[-2000:]
    rows = list(csv.DictReader(io.StringIO(converted.read_text(encoding="utf-8"))))
    expected = json.loads(run("deadlines", "--as-of", AS_OF, "--all", "--format",
                              "json").stdout)
    assert len(rows) == len(expected)
    for row, deadline in zip(rows, expected, strict=True):
        # Calc shows the date cell in the workbook's ISO format, and the label whole.
        assert (row["Due"], row["Case"], row["Milestone"]) == (
            deadline["due"], deadline["case"], deadline["label"])
        assert row["WD left"] == str(deadline["working_days_left"])
