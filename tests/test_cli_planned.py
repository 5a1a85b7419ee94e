"""Follow-ups to planned steps and corrections (issue 9): a correction's reason is not the
recorded reason; planned steps read as planned in `show`, `deadlines` and every letter."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import CASE_TEXT

Run = Callable[..., Result]
ID = "LSCP-2025-001"

DECIDED = CASE_TEXT + """
[notification]
panel = 2025-01-06

[rapid_review]
meeting = 2025-01-20
decision = "cspr"
decision_date = 2025-01-22
"""
WITHHELD = DECIDED + """
[cspr]
commissioned = 2025-02-10
not_published_reason = "FICTIONAL: it would identify a sibling"
"""


def audit(casebook: Path) -> list[dict[str, object]]:
    log = casebook / "audit.log"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


# -- a correction's reason is not the recorded reason ----------------------------------------
def test_not_published_reason_is_corrected_with_its_own_reason_for_the_audit(
        run: Run, write_case, casebook_dir: Path) -> None:
    path = write_case(WITHHELD)
    result = run("record", ID, "not-published", "--correct", "--reason",
                 "the first text named the wrong sibling", "--new-reason",
                 "FICTIONAL: it would identify a cousin")
    assert result.exit_code == 0, result.output
    assert 'not_published_reason = "FICTIONAL: it would identify a cousin"' in path.read_text()
    last = audit(casebook_dir)[-1]
    assert (last["field"], last["new"], last["reason"]) == (
        "cspr.not_published_reason", "FICTIONAL: it would identify a cousin",
        "the first text named the wrong sibling")


def test_not_published_correct_without_the_new_reason_is_refused(
        run: Run, write_case, casebook_dir: Path) -> None:
    """--reason with --correct is why it is corrected: never written as the recorded reason."""
    path = write_case(WITHHELD)
    before = path.read_bytes()
    result = run("record", ID, "not-published", "--correct", "--reason", "typo")
    assert result.exit_code != 0
    assert "--new-reason" in result.output
    assert path.read_bytes() == before and audit(casebook_dir) == []


def test_withdrawn_date_corrected_keeps_the_recorded_reason(
        run: Run, write_case, casebook_dir: Path) -> None:
    path = write_case()
    assert run("record", ID, "withdrawn", "09/01/2025", "--reason", "accidental").exit_code == 0
    result = run("record", ID, "withdrawn", "10/01/2025", "--correct", "--reason",
                 "typo in the date")
    assert result.exit_code == 0, result.output
    text = path.read_text()
    assert "withdrawn = 2025-01-10" in text and 'withdrawn_reason = "accidental"' in text
    assert [entry["field"] for entry in audit(casebook_dir)][-1:] == ["withdrawn"]
    assert audit(casebook_dir)[-1]["reason"] == "typo in the date"
    result = run("record", ID, "withdrawn", "10/01/2025", "--correct", "--reason",
                 "the reason was incomplete", "--new-reason", "accidental, per the CP medical")
    assert result.exit_code == 0, result.output
    assert 'withdrawn_reason = "accidental, per the CP medical"' in path.read_text()
    assert audit(casebook_dir)[-1]["reason"] == "the reason was incomplete"


def test_new_reason_without_correct_is_refused(run: Run, write_case) -> None:
    path = write_case(DECIDED + "\n[cspr]\ncommissioned = 2025-02-10\n")
    before = path.read_bytes()
    result = run("record", ID, "not-published", "--new-reason", "x")
    assert result.exit_code == 2
    assert "--new-reason" in result.output and "--correct" in result.output
    assert path.read_bytes() == before
    result = run("record", ID, "partners-notified", "06/01/2025", "--correct", "--reason",
                 "x", "--new-reason", "y")
    assert result.exit_code == 2 and "does not use --new-reason" in result.output


def test_record_help_and_readme_say_how_to_correct_a_recorded_reason(run: Run) -> None:
    help_text = run("record", "--help").stdout
    assert "--new-reason TEXT" in help_text and "--new-reason" in help_text.split("Options:")[0]
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert "`--new-reason`" in readme


# -- show and deadlines: a planned step reads as planned -------------------------------------
NOTIFIED = CASE_TEXT + "\n[notification]\npanel = 2025-01-06\n"


def test_show_words_a_planned_meeting_as_planned_not_as_done(
        run: Run, write_case, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LSCP_TODAY", "2025-01-10")
    write_case(NOTIFIED)
    assert run("record", ID, "rag-meeting", "20/01/2025").exit_code == 0
    shown = run("show", ID).stdout
    upcoming = shown[shown.index("\nUpcoming"):shown.index("\nDeadlines")]
    assert "Mon 20 Jan 2025  Review Advisory Group meeting (planned)" in upcoming
    assert "met" not in upcoming
    later = json.loads(run("show", ID, "--format", "json").stdout)["later"]
    assert later == [{"date": "2025-01-20", "event": "Review Advisory Group meeting (planned)"}]
    # Once the day has passed, it is what happened.
    monkeypatch.setenv("LSCP_TODAY", "2025-01-21")
    shown = run("show", ID).stdout
    assert "Mon 20 Jan 2025  Review Advisory Group met" in shown


def test_show_as_of_the_past_keeps_done_steps_done_and_planned_ones_planned(
        run: Run, write_case, monkeypatch: pytest.MonkeyPatch) -> None:
    """As of a past day, a step that has since happened is past; one still ahead is planned."""
    monkeypatch.setenv("LSCP_TODAY", "2025-03-03")
    write_case(DECIDED + "\n[cspr]\ncommissioned = 2025-02-10\n"
               "practitioner_events = [2025-02-20, 2025-04-03]\n")
    shown = run("show", ID, "--as-of", "2025-01-15").stdout
    later = shown[shown.index("\nRecorded after"):shown.index("\nDeadlines")]
    assert "Mon 20 Jan 2025  Review Advisory Group met" in later
    assert "Thu 20 Feb 2025  Practitioner event\n" in later
    assert "Thu 3 Apr 2025  Practitioner event (planned)" in later
    # As of a day still ahead, a planned step is not written as done either.
    shown = run("show", ID, "--as-of", "2025-05-01").stdout
    assert "Thu 3 Apr 2025  Practitioner event (planned)" in shown
