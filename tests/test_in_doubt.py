"""A step recorded in an impossible order never makes a deadline "met" (issue 17).

`record` refuses such a step; a file typed by hand can still hold one (a Rapid Review sent
with no decision, an agency's information back before it was asked for, an action completed
before it was added). `lscp check` reports it; every report counts the case and says CHECK
THE FIGURES; and the deadline it would meet has the status `in-doubt`, with the recorded date
in `met` and the reason in the basis: never a plain `met`, never counted on time, and not open
work either. Driven only through `lscp` commands (the fast path of `lscp deadlines` too).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from tests.test_not_complete import BROKEN as DOUBTFUL
from tests.test_not_complete import IMPOSSIBLE_TEXT

Run = Callable[..., Result]
TODAY = {"LSCP_TODAY": "2025-03-03"}
# The Rapid Review sent with no decision (test_not_complete's file), with the Panel and the
# partners notified in time, and two more steps out of order.
DOUBTFUL_TEXT = IMPOSSIBLE_TEXT + """
[notification]
panel = 2025-01-07
partners = 2025-01-07

[[agencies]]
name = "West Yorkshire Police"
requested = 2025-01-10
received = 2025-01-08

[[actions]]
text = "Audit the referrals"
owner = "Police"
added = 2025-02-10
due = 2025-03-31
completed = 2025-02-01
"""
IN_DOUBT = {"rapid-review": "2025-01-24", "agency-return": "2025-01-08", "action": "2025-02-01"}


def lscp(run: Run, *args: str) -> Result:
    return run(*args, env=TODAY)


@pytest.fixture
def casebook(run: Run, write_case: Callable[..., Path]) -> str:
    """The hand-typed case in doubt, and a sound case driven through `record` (its Rapid
    Review met: the control)."""
    made = lscp(run, "new-incident", "--no-input", "--type", "serious-harm", "--aware",
                "06/01/2025", "--abuse-or-neglect", "suspected", "--child-initials", "C.D.")
    assert made.exit_code == 0, made.output
    sound = made.stdout.strip()
    for step in (["panel-notified", "07/01/2025", "--reference", "SI-1"],
                 ["partners-notified", "07/01/2025"], ["rag-meeting", "14/01/2025"],
                 ["decision", "15/01/2025", "--outcome", "no-cspr"],
                 ["rapid-review-submitted", "20/01/2025"]):
        done = lscp(run, "record", sound, *step)
        assert done.exit_code == 0, done.output
    write_case(DOUBTFUL_TEXT, DOUBTFUL)
    return sound


def by_milestone(rows: list[dict[str, object]], case: str) -> dict[str, dict[str, object]]:
    return {str(row["milestone"]): row for row in rows if row["case"] == case}


def test_check_reports_each_step_in_doubt(run: Run, casebook: str) -> None:
    result = lscp(run, "check")
    assert result.exit_code == 1
    for field in ("'rapid_review.submitted' is recorded but 'rapid_review.decision' is not",
                  "'agencies[1].received' (2025-01-08) is before 'agencies[1].requested'",
                  "'actions[1].completed' (2025-02-01) is before 'actions[1].added'"):
        assert field in result.output


def test_deadlines_json_says_in_doubt_never_met(run: Run, casebook: str) -> None:
    result = lscp(run, "deadlines", "--all", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    doubtful = by_milestone(rows, DOUBTFUL)
    for milestone, met in IN_DOUBT.items():
        row = doubtful[milestone]
        assert row["status"] == "in-doubt", row
        assert row["met"] == met  # the date as recorded, still there to see
        assert "in doubt, not counted as met" in str(row["basis"])
        assert "`lscp check` says what is wrong" in str(row["basis"])
    # The steps in order are what they are: met.
    assert doubtful["panel-notification"]["status"] == "met"
    assert by_milestone(rows, casebook)["rapid-review"]["status"] == "met"
    assert "CHECK THE FIGURES" in result.stderr


def test_deadlines_table_and_the_plain_report(run: Run, casebook: str) -> None:
    table = lscp(run, "deadlines", "--all").stdout
    rapid = [line for line in table.splitlines()
             if DOUBTFUL in line and "Rapid Review" in line]
    assert len(rapid) == 1 and re.search(r"\bin-doubt\b", rapid[0]), rapid
    assert not re.search(r"\bmet\b", rapid[0])
    assert "CHECK THE FIGURES" in table
    # The plain report (what is due) shows each one too, never "Nothing due" beside it, but
    # counts none of them overdue: it is not known whether it was done.
    plain = lscp(run, "deadlines", "--format", "json")
    assert sorted(row["milestone"] for row in json.loads(plain.stdout)
                  if row["case"] == DOUBTFUL) == sorted(IN_DOUBT)
    assert {row["status"] for row in json.loads(plain.stdout)
            if row["case"] == DOUBTFUL} == {"in-doubt"}
    summary = " ".join(lscp(run, "deadlines").stdout.split())
    assert "0 overdue, 0 due within 3 working days, 3 in doubt (lscp check)" in summary
    assert "Nothing due" not in summary
    for only in (["--overdue"], ["--within", "10"]):  # neither overdue nor due soon
        rows = json.loads(lscp(run, "deadlines", *only, "--format", "json").stdout)
        assert [row for row in rows if row["status"] == "in-doubt"] == []


def test_the_fast_path_says_the_same(run: Run, casebook: str, casebook_dir: Path) -> None:
    """`lscp deadlines` as an officer runs it takes cli/fast.py's path, not click's."""
    for args in (["deadlines", "--all"], ["deadlines", "--all", "--format", "json"]):
        installed = subprocess.run(
            [sys.executable, "-m", "lscp_cli", "--dir", str(casebook_dir), *args],
            capture_output=True, text=True, check=False, env={**os.environ, **TODAY})
        assert installed.returncode == 0, installed.stderr
        assert installed.stdout == lscp(run, *args).stdout
        assert "in-doubt" in installed.stdout


def test_show_and_list(run: Run, casebook: str) -> None:
    shown = lscp(run, "show", DOUBTFUL)
    assert shown.exit_code == 0, shown.output
    assert "(steps in doubt: lscp check)" in shown.stdout.splitlines()[0]
    rapid = next(line for line in shown.stdout.splitlines() if "Rapid Review to" in line)
    assert "in-doubt" in rapid and not re.search(r"\bmet\b", rapid)
    listed = json.loads(lscp(run, "list", "--format", "json").stdout)
    stages = {row["id"]: row["stage"] for row in listed}
    assert stages[DOUBTFUL].endswith("(steps in doubt: lscp check)")
    assert "doubt" not in stages[casebook]


def test_stats_count_it_neither_on_time_nor_in_a_median(run: Run, casebook: str) -> None:
    figures = json.loads(lscp(run, "stats", "--format", "json").stdout)
    assert figures["rapid_reviews_on_time"] == {"on_time": 1, "late": 0, "pending": 0,
                                                "in_doubt": 1}
    assert figures["agency_returns_on_time"]["in_doubt"] == 1
    assert figures["agency_returns_on_time"]["on_time"] == 0
    assert figures["actions"]["completed_in_doubt"] == 1
    assert figures["actions"]["completed_on_time"] == 0
    # Only the sound case's 9 working days (7 to 20 January) count.
    assert figures["median_working_days"]["notification_to_rapid_review"] == 9
    table = lscp(run, "stats").stdout
    assert re.search(r"recorded in an impossible order: in doubt \(lscp check\) +1", table)
    # A clean casebook's figures keep their shape: no in_doubt key where there is none.
    assert "in_doubt" not in figures["panel_notified_on_time"]


def test_actions_report(run: Run, casebook: str) -> None:
    rows = json.loads(lscp(run, "actions", "--format", "json").stdout)
    assert [(row["case"], row["status"]) for row in rows] == [(DOUBTFUL, "in-doubt")]


def test_the_board_report(run: Run, casebook: str) -> None:
    html = lscp(run, "report", "-o", "-").stdout
    markers = dict(re.findall(r'data-status="([a-z-]+)"><title>Rapid Review to the National '
                              r"Panel: due ([0-9-]+)", html))
    assert markers.get("in-doubt") == "2025-01-28"  # 15 working days after 7 January
    assert "(steps in doubt: lscp check)" in html
    assert "Check the figures." in html


def test_the_calendar_feed_keeps_it_flagged_never_cancelled_as_met(run: Run,
                                                                   casebook: str) -> None:
    """Outlook removes a cancelled event: one in doubt stays, flagged, with no reminder; the
    sound case's met Rapid Review is cancelled as before."""
    from icalendar import Calendar

    feed = Calendar.from_ical(lscp(run, "deadlines", "--format", "ics").stdout_bytes)
    events = {str(event["UID"]): event for event in feed.walk("VEVENT")}
    doubtful = events[f"{DOUBTFUL}/rapid-review@lscp"]
    assert str(doubtful["STATUS"]) == "CONFIRMED"
    assert str(doubtful["SUMMARY"]).startswith("IN DOUBT (lscp check): ")
    assert not doubtful.walk("VALARM")
    assert str(events[f"{casebook}/rapid-review@lscp"]["STATUS"]) == "CANCELLED"
    filtered = lscp(run, "deadlines", "--overdue", "--format", "ics").stdout
    assert f"{DOUBTFUL}/rapid-review@lscp" not in filtered  # never cancelled by a filter


def test_as_of_before_the_step_it_is_not_recorded_yet(run: Run, casebook: str) -> None:
    """As of a day before the step in doubt, it is not done yet: the usual statuses."""
    rows = json.loads(lscp(run, "deadlines", "--all", "--as-of", "2025-01-20", "--format",
                           "json").stdout)
    assert by_milestone(rows, DOUBTFUL)["rapid-review"]["status"] == "pending"
