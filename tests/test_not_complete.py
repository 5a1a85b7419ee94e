"""A report never looks complete when it is not (issue 17): with one damaged case file among
good ones, every report says on its own output how many case files it could not read and
names them (file names only, never contents): the table's last lines, the Excel sheet, the
calendar feed and the board report page; on stderr beside JSON and CSV (and in the stats
JSON object); exit code 1 after the output, as before."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from tests.test_cli_report import Page

Run = Callable[..., Result]
TODAY = {"LSCP_TODAY": "2025-03-03"}
BROKEN = "LSCP-2025-009"
# The damaged file holds text that must never reach a report: only its name may.
BROKEN_TEXT = 'schema = 1\nid = "LSCP-2025-009"\nsummary = "SECRET-WORDS"\n[incident\n'
NOTICE = "NOT COMPLETE: 1 case file could not be read and is not in this report: " \
         "LSCP-2025-009.toml"


def lscp(run: Run, *args: str) -> Result:
    return run(*args, env=TODAY)


@pytest.fixture
def damaged(run: Run, write_case: Callable[..., Path]) -> list[str]:
    """Two good cases (one with an overdue Panel notification, one with an action) and one
    damaged case file."""
    made = []
    for aware in ("06/01/2025", "24/02/2025"):
        result = lscp(run, "new-incident", "--no-input", "--type", "serious-harm", "--aware",
                      aware, "--abuse-or-neglect", "suspected", "--child-initials", "A.B.")
        assert result.exit_code == 0, result.output
        made.append(result.stdout.strip())
    added = lscp(run, "record", made[1], "action-added", "--text", "Audit", "--owner",
                 "Police", "--due", "31/03/2025")
    assert added.exit_code == 0, added.output
    write_case(BROKEN_TEXT, BROKEN)
    return made


def refused_with_notice_on_stderr(result: Result) -> None:
    assert result.exit_code == 1
    assert NOTICE in result.stderr
    assert "SECRET-WORDS" not in result.stdout + result.stderr


@pytest.mark.parametrize("command", [["deadlines"], ["deadlines", "--all"], ["list"],
                                     ["actions"], ["stats"]])
def test_a_table_says_it_is_not_complete_on_its_own_output(
        run: Run, damaged: list[str], command: list[str]) -> None:
    result = lscp(run, *command)
    assert result.exit_code == 1
    # On stdout, where the officer reads the table (and what a redirect to a file keeps).
    assert NOTICE in result.stdout.replace("\n", " ")
    assert "SECRET-WORDS" not in result.stdout + result.stderr


def test_nothing_due_is_never_an_all_clear_with_a_file_not_read(
        run: Run, write_case: Callable[..., Path]) -> None:
    write_case(BROKEN_TEXT, BROKEN)
    result = lscp(run, "deadlines")
    assert result.exit_code == 1
    assert "Nothing due: no open deadlines" not in result.stdout
    assert "Nothing due in the cases read: no open deadlines." in result.stdout
    assert NOTICE in result.stdout.replace("\n", " ")


@pytest.mark.parametrize("command", [["deadlines"], ["list"], ["actions"]])
def test_json_lists_stay_lists_and_stderr_names_the_file(
        run: Run, damaged: list[str], command: list[str]) -> None:
    result = lscp(run, *command, "--format", "json")
    refused_with_notice_on_stderr(result)
    assert isinstance(json.loads(result.stdout), list)


@pytest.mark.parametrize("command", [["deadlines"], ["list"], ["actions"], ["stats"]])
def test_csv_stays_parseable_and_stderr_names_the_file(
        run: Run, damaged: list[str], command: list[str]) -> None:
    result = lscp(run, *command, "--format", "csv")
    refused_with_notice_on_stderr(result)
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert all(BROKEN not in cell for row in rows for cell in row)
    assert len({len(row) for row in rows}) == 1  # no stray line among the rows


def test_stats_json_names_the_files_not_counted(run: Run, damaged: list[str]) -> None:
    result = lscp(run, "stats", "--format", "json")
    refused_with_notice_on_stderr(result)
    figures = json.loads(result.stdout)
    assert figures["incidents"] == 2
    assert figures["case_files_not_counted"] == [
        {"file": "LSCP-2025-009.toml", "problem": "could not be read"}]


def test_stats_json_of_a_whole_casebook_says_nothing_is_left_out(run: Run,
                                                                 damaged: list[str],
                                                                 casebook_dir: Path) -> None:
    (casebook_dir / "cases" / f"{BROKEN}.toml").unlink()
    result = lscp(run, "stats", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["case_files_not_counted"] == []
    assert "NOT COMPLETE" not in result.stdout + result.stderr


@pytest.mark.parametrize("command", [["deadlines"], ["list"], ["actions"], ["stats"]])
def test_an_excel_listing_carries_the_notice_below_its_rows(
        run: Run, damaged: list[str], command: list[str], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "out.xlsx"
    result = lscp(run, *command, "-o", str(target))
    assert result.exit_code == 1
    sheet = load_workbook(target).active
    assert sheet is not None
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    notice = [c for c in cells if c.startswith("NOT COMPLETE")]
    assert len(notice) == 1 and NOTICE in notice[0]
    assert "SECRET-WORDS" not in " ".join(cells)
    # Outside the filtered range: sorting the rows never moves it among them.
    last_filtered = int(sheet.auto_filter.ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    row_of_notice = next(c.row for row in sheet.iter_rows() for c in row
                         if str(c.value).startswith("NOT COMPLETE"))
    assert row_of_notice > last_filtered


def test_the_calendar_feed_says_so_in_outlook(run: Run, damaged: list[str]) -> None:
    from icalendar import Calendar

    result = lscp(run, "deadlines", "--format", "ics")
    refused_with_notice_on_stderr(result)
    feed = Calendar.from_ical(result.stdout)
    assert NOTICE in str(feed["X-WR-CALDESC"])
    assert NOTICE in str(feed["X-LSCP-NOT-COMPLETE"])
    notes = [e for e in feed.walk("VEVENT") if "NOT COMPLETE" in str(e["SUMMARY"])]
    assert len(notes) == 1
    assert NOTICE in str(notes[0]["DESCRIPTION"])
    assert notes[0]["DTSTART"].dt.isoformat() == "2025-03-03"  # the day of the export
    assert str(notes[0]["UID"]) == "not-complete-20250303@lscp"
    # The good cases' deadlines are all there.
    assert {str(e["SUMMARY"]).split(":")[0] for e in feed.walk("VEVENT")} >= set(damaged)


def test_a_complete_calendar_feed_has_no_such_event(run: Run, damaged: list[str],
                                                    casebook_dir: Path) -> None:
    (casebook_dir / "cases" / f"{BROKEN}.toml").unlink()
    result = lscp(run, "deadlines", "--format", "ics")
    assert result.exit_code == 0
    assert "NOT COMPLETE" not in result.stdout + result.stderr


def test_the_board_report_page_says_it_is_not_complete(run: Run, damaged: list[str]) -> None:
    result = lscp(run, "report", "-o", "-")
    refused_with_notice_on_stderr(result)
    html = result.stdout
    page = Page(html)
    assert page.numbers["incidents"] == "2"
    assert 'data-not-counted="1"' in html
    assert "This report is NOT COMPLETE." in html
    assert '<li data-file="LSCP-2025-009.toml">LSCP-2025-009.toml: could not be read</li>' in html
    assert "not counting 1 case file" in html
    assert NOTICE in html  # and in the footer, on the last page
    assert "SECRET-WORDS" not in html


def test_a_complete_board_report_says_nothing_of_the_kind(run: Run, damaged: list[str],
                                                         casebook_dir: Path) -> None:
    (casebook_dir / "cases" / f"{BROKEN}.toml").unlink()
    result = lscp(run, "report", "-o", "-")
    assert result.exit_code == 0
    assert "NOT COMPLETE" not in result.stdout and "not-counted" not in result.stdout


def test_a_report_written_to_a_file_carries_the_notice(run: Run, damaged: list[str],
                                                       tmp_path: Path) -> None:
    target = tmp_path / "board.html"
    result = lscp(run, "report", "-o", str(target))
    assert result.exit_code == 1
    assert NOTICE in result.stderr
    assert "This report is NOT COMPLETE." in target.read_text(encoding="utf-8")


def test_several_files_are_counted_and_named(run: Run, damaged: list[str],
                                             write_case: Callable[..., Path]) -> None:
    write_case("not toml at all [", "LSCP-2025-010")
    result = lscp(run, "deadlines", "--format", "json")
    assert result.exit_code == 1
    assert ("NOT COMPLETE: 2 case files could not be read and are not in this report: "
            "LSCP-2025-009.toml, LSCP-2025-010.toml") in result.stderr


# A file typed by hand with the Rapid Review sent but no decision and no Panel notification
# (an impossible order: `record` refuses it, `check` reports it). Counted as recorded, its
# Rapid Review in doubt (never "met"): every report says those figures may be wrong.
IMPOSSIBLE_TEXT = """\
schema = 1
id = "LSCP-2025-009"

[incident]
type = "serious-harm"
aware = 2025-01-06
abuse_or_neglect = "suspected"

[[children]]
initials = "A.B."

[rapid_review]
submitted = 2025-01-24
"""
DOUBT = ("CHECK THE FIGURES: 1 case file with steps in an impossible order is counted as "
         "recorded, which may be wrong: LSCP-2025-009.toml")


@pytest.fixture
def in_doubt(run: Run, write_case: Callable[..., Path]) -> str:
    good = lscp(run, "new-incident", "--no-input", "--type", "serious-harm", "--aware",
                "24/02/2025", "--abuse-or-neglect", "suspected", "--child-initials", "C.D.")
    assert good.exit_code == 0, good.output
    write_case(IMPOSSIBLE_TEXT, BROKEN)
    return good.stdout.strip()


def test_a_case_in_an_impossible_order_is_counted_and_said_to_be_in_doubt(
        run: Run, in_doubt: str) -> None:
    result = lscp(run, "stats", "--format", "json")
    assert result.exit_code == 0, result.output  # counted: the report is complete
    figures = json.loads(result.stdout)
    assert figures["incidents"] == 2
    # Counted, but its Rapid Review (sent with no decision) is in doubt, never on time.
    assert figures["rapid_reviews_on_time"]["on_time"] == 0
    assert figures["rapid_reviews_on_time"]["in_doubt"] == 1
    assert figures["case_files_not_counted"] == []
    assert figures["case_files_in_doubt"] == [
        {"file": "LSCP-2025-009.toml", "problem": "steps in an impossible order, counted as "
         "recorded"}]
    assert DOUBT in result.stderr
    assert "warning: " in result.stderr and "error: " not in result.stderr
    assert "'rapid_review.submitted' is recorded but 'rapid_review.decision' is not" in \
        result.stderr


@pytest.mark.parametrize("command", [["deadlines", "--all"], ["list"], ["stats"]])
def test_a_table_says_which_figures_are_in_doubt(run: Run, in_doubt: str,
                                                 command: list[str]) -> None:
    result = lscp(run, *command)
    assert result.exit_code == 0, result.output
    assert DOUBT in result.stdout.replace("\n", " ")
    assert "NOT COMPLETE" not in result.stdout


def test_the_board_report_and_the_calendar_say_so(run: Run, in_doubt: str) -> None:
    from icalendar import Calendar

    html = lscp(run, "report", "-o", "-").stdout
    assert 'data-not-counted="0" data-in-doubt="1"' in html
    assert "<strong>Check the figures.</strong> 1 case file records steps in an impossible " \
           "order and is counted as recorded, which may be wrong:" in html
    assert "NOT COMPLETE" not in html and "not counting" not in html
    assert Page(html).numbers["incidents"] == "2"
    feed = Calendar.from_ical(lscp(run, "deadlines", "--format", "ics").stdout)
    notes = [str(e["SUMMARY"]) for e in feed.walk("VEVENT")
             if "lscp:" in str(e["SUMMARY"])]
    assert notes == ["lscp: CHECK THE FIGURES (case files in doubt)"]


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_the_installed_command_says_so_too(damaged: list[str], casebook_dir: Path,
                                           fmt: str) -> None:
    """`lscp deadlines` as an officer runs it (the entry point, which takes a quicker path
    than click for plain forms: cli/fast.py), not only through click's test runner."""
    import os
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "lscp_cli", "--dir", str(casebook_dir), "deadlines",
         "--format", fmt], capture_output=True, text=True, check=False,
        env={**os.environ, **TODAY})
    assert result.returncode == 1
    where = result.stderr if fmt == "json" else result.stdout
    assert NOTICE in where.replace("\n", " ")
    assert "SECRET-WORDS" not in result.stdout + result.stderr
