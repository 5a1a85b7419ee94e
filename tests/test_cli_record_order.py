"""The order of steps tells the truth (issue 17, "The order of steps"), built on the registry.

Impossible steps are refused (nothing written): a Rapid Review sent before the decision (or
before the Panel notification a case's duties require), a case closed before it was reopened,
a withdrawal before the local authority became aware, a decision before the RAG meeting; and
`check` reports such a file typed by hand. Unusual steps are warned (stderr, exit 0): a
meeting, decision or letter on a weekend or bank holiday, a late Panel notification (asking
why, kept for the notification letter), a planned publication beyond the aim. A planned date
is moved with --reschedule; a step recorded by mistake is removed with --undo --reason.
Every case here is FICTIONAL.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import CASE_TEXT
from test_cli_record_guards import DECIDED, ID, audit, refused

Run = Callable[..., Result]

# Aware Friday 3 January 2025; the Panel notified, the RAG met, no decision yet.
NOTIFIED = CASE_TEXT + """
[notification]
panel = 2025-01-06

[rapid_review]
meeting = 2025-01-20
"""
# Decided, but the Panel never notified.
NOT_NOTIFIED = CASE_TEXT + """
[rapid_review]
meeting = 2025-01-20
decision = "cspr"
decision_date = 2025-01-22
"""


# -- refused: impossible ---------------------------------------------------------------------
@pytest.mark.parametrize(("text", "missing", "first"), [
    (NOTIFIED, "rapid_review.decision", "decision"),
    (NOT_NOTIFIED, "notification.panel", "panel-notified"),
])
def test_a_rapid_review_is_not_sent_before_the_decision_and_the_notification(
        run: Run, write_case, casebook_dir: Path, text: str, missing: str, first: str) -> None:
    path = write_case(text)
    result = refused(run, path, casebook_dir, "rapid-review-submitted", "24/01/2025")
    assert "rapid-review-submitted refused, nothing was written" in result.stderr
    assert f"'{missing}' is not" in result.stderr
    assert f"record {first} first" in result.stderr
    assert "Check the date" not in result.stderr  # no date is wrong: a step is missing


def test_once_decided_and_notified_the_rapid_review_is_accepted(run: Run, write_case) -> None:
    write_case(DECIDED)
    result = run("record", ID, "rapid-review-submitted", "24/01/2025")
    assert result.exit_code == 0, result.output


def test_check_reports_a_rapid_review_typed_by_hand_without_a_decision(run: Run,
                                                                      write_case) -> None:
    path = write_case(NOTIFIED.replace("meeting = 2025-01-20\n",
                                       "meeting = 2025-01-20\nsubmitted = 2025-01-24\n"))
    result = run("check")
    assert result.exit_code == 1
    line = path.read_text().splitlines().index("submitted = 2025-01-24") + 1
    assert f"{path}:{line}: 'rapid_review.submitted' is recorded but 'rapid_review.decision'" \
        in result.stdout


def test_the_decision_cannot_be_undone_while_the_rapid_review_stands(run: Run, write_case,
                                                                     casebook_dir) -> None:
    path = write_case(DECIDED + "submitted = 2025-01-24\n")
    result = refused(run, path, casebook_dir, "decision", "--undo", "--reason", "wrong case")
    assert "record decision first" in result.stderr or "'rapid_review.decision' is not" \
        in result.stderr


@pytest.mark.parametrize(("text", "args", "rule"), [
    (CASE_TEXT.replace("\nopened = 2025-01-06\n", "\nopened = 2025-01-06\nreopened = "
                       "2025-03-10\nreopened_reason = \"new information\"\n"),
     ("closed", "07/03/2025"), "a case cannot be closed before it was reopened"),
    (CASE_TEXT, ("withdrawn", "02/01/2025", "--reason", "accidental"),
     "an incident cannot be withdrawn before the local authority became aware"),
    (NOTIFIED, ("decision", "17/01/2025", "--outcome", "cspr"),
     "the Executive decides on the RAG's recommendation, so not before the RAG met"),
])
def test_impossible_dates_are_refused(run: Run, write_case, casebook_dir, text: str,
                                      args: tuple[str, ...], rule: str) -> None:
    path = write_case(text)
    result = refused(run, path, casebook_dir, *args)
    assert rule in result.stderr
    assert "Check the date (day first" in result.stderr


# -- warned: unusual, not impossible -----------------------------------------------------------
@pytest.mark.parametrize(("args", "said"), [
    (("rag-meeting", "18/01/2025"), "Saturday 18 January 2025 is not a working day (a weekend)"),
    (("decision", "26/05/2025", "--outcome", "no-cspr"),
     "Monday 26 May 2025 is not a working day (Spring Bank Holiday)"),
    (("agency-requested", "05/01/2025", "--agency", "Police"),
     "Sunday 5 January 2025 is not a working day (a weekend)"),
])
def test_a_meeting_decision_or_letter_on_a_day_off_is_warned(run: Run, write_case,
                                                            args: tuple[str, ...],
                                                            said: str) -> None:
    path = write_case(CASE_TEXT + "\n[notification]\npanel = 2025-01-06\n")
    result = run("record", ID, *args)
    assert result.exit_code == 0, result.output
    assert said in result.stderr
    assert "check the date" in result.stderr
    assert args[1][:2] in path.read_text() or "2025-" in path.read_text()


def test_a_step_on_a_working_day_is_not_warned(run: Run, write_case) -> None:
    write_case(CASE_TEXT)
    result = run("record", ID, "rag-meeting", "20/01/2025")
    assert result.exit_code == 0 and "working day" not in result.stderr


def test_a_late_panel_notification_is_said_to_be_late_and_asks_why(run: Run,
                                                                  write_case) -> None:
    path = write_case(CASE_TEXT)
    result = run("record", ID, "panel-notified", "13/01/2025")
    assert result.exit_code == 0, result.output
    assert "late" in result.stderr and "due by Friday 10 January 2025" in result.stderr
    assert "--note" in result.stderr
    assert "late_reason" not in path.read_text()
    # Given the note, it is kept where the notification letter and the stats read it.
    result = run("record", ID, "panel-notified", "13/01/2025", "--note", "told on the Friday")
    assert result.exit_code == 0, result.output
    assert 'late_reason = "told on the Friday"' in path.read_text()
    assert "event_notes" not in path.read_text()
    assert "--note" not in result.stderr


def test_a_notification_on_time_keeps_its_note_as_a_note(run: Run, write_case) -> None:
    path = write_case(CASE_TEXT)
    result = run("record", ID, "panel-notified", "10/01/2025", "--note", "by phone first")
    assert result.exit_code == 0 and "late" not in result.stderr
    assert "late_reason" not in path.read_text() and "event_notes" in path.read_text()


def test_a_planned_publication_beyond_the_aim_is_warned(run: Run, write_case,
                                                        monkeypatch) -> None:
    monkeypatch.setenv("LSCP_TODAY", "2025-03-03")
    write_case(DECIDED + "\n[cspr]\ncommissioned = 2025-02-10\n")
    result = run("record", ID, "publication-planned", "15/09/2025")
    assert result.exit_code == 0, result.output
    assert "beyond" in result.stderr and "Tuesday 22 July 2025" in result.stderr
    within = run("record", ID, "publication-planned", "15/07/2025", "--correct", "--reason",
                 "typo")
    assert within.exit_code == 0 and "beyond" not in within.stderr


# -- moving a planned meeting; undoing a step ----------------------------------------------------
def test_a_planned_meeting_is_rescheduled_not_corrected(run: Run, write_case, casebook_dir,
                                                        monkeypatch) -> None:
    monkeypatch.setenv("LSCP_TODAY", "2025-01-10")
    path = write_case(CASE_TEXT)
    assert run("record", ID, "rag-meeting", "20/01/2025").exit_code == 0
    result = run("record", ID, "rag-meeting", "27/01/2025", "--reschedule")
    assert result.exit_code == 0, result.output
    assert "Review Advisory Group meeting = Mon 27 Jan 2025 (was Mon 20 Jan 2025)" in result.stdout
    assert "correct" not in result.output.lower()
    assert "meeting = 2025-01-27" in path.read_text()
    last = audit(casebook_dir)[-1]
    assert last["action"] == "rag-meeting rescheduled"
    assert (last["old"], last["new"]) == ("2025-01-20", "2025-01-27")
    assert "correct" not in json.dumps(last)


def test_moving_a_planned_meeting_without_reschedule_points_to_it(run: Run, write_case,
                                                                  casebook_dir,
                                                                  monkeypatch) -> None:
    """The refusal of a new date for a meeting still ahead says --reschedule moves it; it
    does not send the officer to --correct as if the plan had been a mistake."""
    monkeypatch.setenv("LSCP_TODAY", "2025-01-10")
    path = write_case(CASE_TEXT)
    assert run("record", ID, "rag-meeting", "20/01/2025").exit_code == 0
    before = path.read_bytes()
    result = run("record", ID, "rag-meeting", "27/01/2025")
    assert result.exit_code == 1
    said = " ".join(result.stderr.split())
    assert "a planned date still ahead: to move it, run the same command with --reschedule" \
        in said
    assert path.read_bytes() == before
    # A meeting already held is not moved: there the correction is the way.
    monkeypatch.setenv("LSCP_TODAY", "2025-01-21")
    held = " ".join(run("record", ID, "rag-meeting", "27/01/2025").stderr.split())
    assert "--reschedule" not in held and "--correct" in held


@pytest.mark.parametrize(("text", "args", "said"), [
    (CASE_TEXT, ("decision", "09/01/2025", "--outcome", "cspr", "--reschedule"),
     "only a planned step is rescheduled"),
    (CASE_TEXT, ("rag-meeting", "27/01/2025", "--reschedule"), "no rag-meeting is planned"),
    (CASE_TEXT + "\n[rapid_review]\nmeeting = 2025-01-08\n",
     ("rag-meeting", "27/01/2025", "--reschedule"), "has already happened"),
])
def test_reschedule_is_refused_where_there_is_no_plan_to_move(run: Run, write_case, casebook_dir,
                                                             monkeypatch, text, args,
                                                             said) -> None:
    monkeypatch.setenv("LSCP_TODAY", "2025-01-10")
    path = write_case(text)
    before = path.read_bytes()
    result = run("record", ID, *args)
    assert result.exit_code in (1, 2)
    assert said in result.output
    assert path.read_bytes() == before and audit(casebook_dir) == []


def test_a_step_recorded_by_mistake_is_undone_with_a_reason(run: Run, write_case,
                                                           casebook_dir) -> None:
    path = write_case(CASE_TEXT)
    assert run("record", ID, "panel-notified", "06/01/2025", "--reference", "SI-1"
               ).exit_code == 0
    result = run("record", ID, "panel-notified", "--undo", "--reason", "wrong case")
    assert result.exit_code == 0, result.output
    assert "National Panel notified removed (was Mon 6 Jan 2025)" in result.stdout
    assert "Panel reference removed (was SI-1)" in result.stdout
    assert "panel = " not in path.read_text() and "SI-1" not in path.read_text()
    undone = [e for e in audit(casebook_dir) if e["action"] == "panel-notified undone"]
    assert [(e["field"], e["new"], e["reason"]) for e in undone] == [
        ("notification.panel", None, "wrong case"),
        ("notification.panel_reference", None, "wrong case")]
    assert "Panel notification" in run("show", ID).stdout  # the deadline is open again


@pytest.mark.parametrize(("text", "args", "said"), [
    (CASE_TEXT, ("panel-notified", "--undo"), "--undo needs --reason"),
    (CASE_TEXT, ("panel-notified", "--undo", "--reason", "x"), "no panel-notified is recorded"),
    (NOTIFIED, ("panel-notified", "07/01/2025", "--undo", "--reason", "x"),
     "recorded on 2025-01-06, not 2025-01-07"),
    (NOTIFIED, ("panel-notified", "--undo", "--reschedule", "--reason", "x"),
     "not both"),
])
def test_undo_is_refused_where_it_would_guess(run: Run, write_case, casebook_dir, text, args,
                                              said) -> None:
    path = write_case(text)
    before = path.read_bytes()
    result = run("record", ID, *args)
    assert result.exit_code in (1, 2)
    assert said in result.output
    assert path.read_bytes() == before and audit(casebook_dir) == []


@pytest.mark.parametrize(("text", "args", "gone", "kept"), [
    (DECIDED + "recommendation = \"cspr\"\n", ("recommendation", "--undo", "--reason", "x"),
     "recommendation = ", "meeting = 2025-01-20"),
    (DECIDED.replace("requested = 2025-01-07\n", "requested = 2025-01-07\nreceived = "
                     "2025-01-10\n"),
     ("agency-returned", "--agency", "west yorkshire police", "--undo", "--reason", "x"),
     "received = ", "requested = 2025-01-07"),
    (DECIDED, ("agency-requested", "--agency", "West Yorkshire Police", "--undo", "--reason",
               "x"), "West Yorkshire Police", "meeting = 2025-01-20"),
    (DECIDED + "\n[cspr]\npractitioner_events = [2025-04-03, 2025-05-01]\n",
     ("practitioner-event", "03/04/2025", "--undo", "--reason", "x"),
     "2025-04-03", "practitioner_events = [2025-05-01]"),
])
def test_undo_removes_only_what_the_step_recorded(run: Run, write_case, text, args, gone,
                                                  kept) -> None:
    path = write_case(text)
    result = run("record", ID, *args)
    assert result.exit_code == 0, result.output
    assert gone not in path.read_text() and kept in path.read_text()


def test_an_office_closure_is_a_working_day_for_a_national_step_only(
        run: Run, write_case, casebook_dir: Path) -> None:
    """Closures move local deadlines only (issue 17): the Panel notified or the partners told
    on a closure day is on a working day for the national deadline, and not warned; a RAG
    meeting that day (local) is."""
    from conftest import DEFAULT_SETTINGS_TOML

    (casebook_dir / "lscp.toml").write_text(
        DEFAULT_SETTINGS_TOML.replace("closed = []", "closed = [2025-01-08]"), encoding="utf-8")
    write_case(CASE_TEXT)
    for args in (("panel-notified", "08/01/2025", "--reference", "SI-1"),
                 ("partners-notified", "08/01/2025")):
        result = run("record", ID, *args)
        assert result.exit_code == 0, result.output
        assert "not a working day" not in result.stderr, args
    result = run("record", ID, "rag-meeting", "08/01/2025")
    assert result.exit_code == 0, result.output
    assert "Wednesday 8 January 2025 is not a working day" in result.stderr
