"""`lscp record` never changes a statutory record silently (issue 9, "Changes are never silent"
and "Impossible order is refused when it is typed"). Every refusal leaves the case file
byte-for-byte as it was and writes nothing to audit.log."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import CASE_TEXT

Run = Callable[..., Result]
ID = "LSCP-2025-001"

# Aware Friday 3 January 2025 (intake fixture); notified, asked, decided CSPR.
DECIDED = CASE_TEXT + """
[notification]
panel = 2025-01-06

[[agencies]]
name = "West Yorkshire Police"
requested = 2025-01-07

[rapid_review]
meeting = 2025-01-20
decision = "cspr"
decision_date = 2025-01-22
"""


def audit(casebook: Path) -> list[dict[str, object]]:
    log = casebook / "audit.log"
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]


def refused(run: Run, path: Path, casebook: Path, *args: str) -> Result:
    """Run `lscp record ID ARGS`; assert exit 1 and that nothing was written anywhere."""
    before, logged = path.read_bytes(), audit(casebook)
    result = run("record", ID, *args)
    assert result.exit_code == 1, result.output
    assert path.read_bytes() == before
    assert audit(casebook) == logged
    return result


# -- a step already recorded -----------------------------------------------------------------
def test_the_same_command_twice_changes_nothing(run, write_case, casebook_dir) -> None:
    path = write_case()
    command = ("panel-notified", "06/01/2025", "--reference", "SI-1")
    assert run("record", ID, *command).exit_code == 0
    after_first, logged = path.read_bytes(), audit(casebook_dir)
    result = run("record", ID, *command)
    assert result.exit_code == 0
    assert "already recorded; nothing changed" in result.stdout
    assert path.read_bytes() == after_first and audit(casebook_dir) == logged


def test_a_rerun_from_history_on_another_day_does_not_rewrite_the_date(
        run, write_case, casebook_dir, monkeypatch: pytest.MonkeyPatch) -> None:
    """`lscp record ID partners-notified` (no DATE: today) run again a week later."""
    path = write_case()
    monkeypatch.setenv("LSCP_TODAY", "2025-01-06")
    assert run("record", ID, "partners-notified").exit_code == 0
    monkeypatch.setenv("LSCP_TODAY", "2025-01-13")
    result = refused(run, path, casebook_dir, "partners-notified")
    assert ("'notification.partners' is already recorded as 2025-01-06 (you gave "
            "2025-01-13)") in result.stderr
    assert "--correct --reason" in result.stderr
    assert "partners = 2025-01-06" in path.read_text()


@pytest.mark.parametrize(("first", "second", "message"), [
    (("panel-notified", "06/01/2025"), ("panel-notified", "07/01/2025"),
     "'notification.panel' is already recorded as 2025-01-06 (you gave 2025-01-07)"),
    (("panel-notified", "06/01/2025", "--reference", "SI-1"),
     ("panel-notified", "06/01/2025", "--reference", "SI-2"),
     "'notification.panel_reference' is already recorded, with different text"),
    (("agency-requested", "06/01/2025", "--agency", "Police"),
     ("agency-requested", "08/01/2025", "--agency", "police"),
     "'agencies[1].requested' is already recorded as 2025-01-06 (you gave 2025-01-08)"),
    (("decision", "22/01/2025", "--outcome", "cspr"),
     ("decision", "22/01/2025", "--outcome", "no-cspr"),
     "'rapid_review.decision' is already recorded as 'cspr' (you gave 'no-cspr')"),
    (("closed", "06/01/2025", "--force"), ("closed", "07/01/2025", "--correct"),
     "needs --reason"),
    (("closed", "06/01/2025", "--force"), ("closed", "07/01/2025"),
     "'closed' is already recorded as 2025-01-06 (you gave 2025-01-07)"),
])
def test_a_different_value_is_refused_and_says_how_to_correct(
        run, write_case, casebook_dir, first, second, message) -> None:
    path = write_case()
    assert run("record", ID, *first).exit_code == 0
    result = refused(run, path, casebook_dir, *second)
    assert message in result.stderr


def test_a_correction_with_its_reason_goes_to_the_audit_log(run, write_case,
                                                            casebook_dir) -> None:
    path = write_case()
    assert run("record", ID, "panel-notified", "06/01/2025").exit_code == 0
    result = run("record", ID, "panel-notified", "07/01/2025", "--correct", "--reason",
                 "typo: the form was sent on the 7th")
    assert result.exit_code == 0, result.output
    assert "National Panel notified = Tue 7 Jan 2025 (was Mon 6 Jan 2025)" in result.stdout
    assert "panel = 2025-01-07" in path.read_text()
    last = audit(casebook_dir)[-1]
    assert (last["field"], last["old"], last["new"], last["reason"]) == (
        "notification.panel", "2025-01-06", "2025-01-07", "typo: the form was sent on the 7th")
    assert "reason" not in audit(casebook_dir)[0]


def test_correct_on_a_step_not_recorded_is_refused(run, write_case, casebook_dir) -> None:
    path = write_case()
    result = refused(run, path, casebook_dir, "partners-notified", "06/01/2025", "--correct",
                     "--reason", "x")
    assert "not recorded yet (it would be added, not changed)" in result.stderr
    # A list (practitioner events): another date is a new entry, not a correction.
    path = write_case(DECIDED + "\n[cspr]\ncommissioned = 2025-02-10\n"
                      "practitioner_events = [2025-03-03]\n")
    result = refused(run, path, casebook_dir, "practitioner-event", "04/03/2025", "--correct",
                     "--reason", "x")
    assert f"changed with `lscp edit {ID}`" in result.stderr


def test_reason_without_correct_is_refused_where_the_event_takes_none(run, write_case) -> None:
    path = write_case()
    result = run("record", ID, "partners-notified", "06/01/2025", "--reason", "x")
    assert result.exit_code == 2 and "does not use --reason" in result.output
    assert path.read_text() == CASE_TEXT


# -- closed cases ------------------------------------------------------------------------------
def test_a_closed_case_refuses_new_steps_and_says_how_to_reopen(run, write_case,
                                                                casebook_dir) -> None:
    path = write_case()
    assert run("record", ID, "closed", "10/01/2025", "--force").exit_code == 0
    assert "already recorded; nothing changed" in run("record", ID, "closed",
                                                      "10/01/2025").stdout
    result = refused(run, path, casebook_dir, "partners-notified", "10/01/2025")
    assert f"{ID} was closed on 2025-01-10" in result.stderr
    assert f"lscp record {ID} reopened --reason" in result.stderr
    result = run("record", ID, "reopened", "13/01/2025", "--reason", "new information")
    assert result.exit_code == 0, result.output
    assert "Case closed removed (was Fri 10 Jan 2025)" in result.stdout
    assert run("record", ID, "partners-notified", "13/01/2025").exit_code == 0
    text = path.read_text()
    assert "closed =" not in text and "reopened = 2025-01-13" in text
    assert any(a["field"] == "closed" and a["new"] is None for a in audit(casebook_dir))


def test_reopening_needs_a_reason_and_a_closed_case(run, write_case, casebook_dir) -> None:
    path = write_case()
    assert "not closed" in refused(run, path, casebook_dir, "reopened", "10/01/2025",
                                   "--reason", "x").stderr
    assert run("record", ID, "closed", "10/01/2025", "--force").exit_code == 0
    assert "needs --reason" in refused(run, path, casebook_dir, "reopened", "13/01/2025").stderr
    assert "before the case was closed" in refused(run, path, casebook_dir, "reopened",
                                                   "09/01/2025", "--reason", "x").stderr


def test_closing_with_open_actions_is_refused_with_the_list(run, write_case,
                                                            casebook_dir) -> None:
    path = write_case()
    run("record", ID, "action-added", "06/01/2025", "--text", "Train", "--owner", "Police",
        "--due", "31/10/2025")
    run("record", ID, "action-added", "06/01/2025", "--text", "Audit")
    run("record", ID, "action-added", "06/01/2025", "--text", "Done", "--due", "01/02/2025")
    run("record", ID, "action-completed", "07/01/2025", "--action", "3")
    result = refused(run, path, casebook_dir, "closed", "10/01/2025")
    assert (f"{ID} has 2 open action(s): action 1 (Police, due 2025-10-31); action 2 "
            "(no due date)") in result.stderr
    assert "--force" in result.stderr
    assert run("record", ID, "closed", "10/01/2025", "--force").exit_code == 0
    # Its open actions can still be completed; other steps need the case reopened.
    assert run("record", ID, "action-completed", "11/01/2025", "--action", "1").exit_code == 0
    assert run("record", ID, "partners-notified", "11/01/2025").exit_code == 1


# -- withdrawn ---------------------------------------------------------------------------------
def test_withdrawn_needs_a_reason_and_is_recorded(run, write_case, casebook_dir) -> None:
    path = write_case()
    assert "needs --reason" in refused(run, path, casebook_dir, "withdrawn",
                                       "09/01/2025").stderr
    result = run("record", ID, "withdrawn", "09/01/2025", "--reason", "accidental injury")
    assert result.exit_code == 0, result.output
    text = path.read_text()
    assert "withdrawn = 2025-01-09" in text and 'withdrawn_reason = "accidental injury"' in text


# -- impossible order --------------------------------------------------------------------------
ORDER = [
    # (case text, record args, the rule, the dates named)
    (CASE_TEXT, ("panel-notified", "02/01/2025"),
     "the Panel cannot be notified before the local authority became aware",
     ("2025-01-02", "2025-01-03")),
    (CASE_TEXT, ("partners-notified", "02/01/2025"),
     "the partners cannot be notified before", ("2025-01-02", "2025-01-03")),
    (CASE_TEXT, ("agency-requested", "01/01/2025", "--agency", "Police"),
     "information cannot be requested before", ("2025-01-01", "2025-01-03")),
    (CASE_TEXT, ("decision", "02/01/2025", "--outcome", "no-cspr"),
     "the Executive cannot decide before", ("2025-01-02", "2025-01-03")),
    (DECIDED, ("agency-returned", "06/01/2025", "--agency", "West Yorkshire Police"),
     "an agency's information cannot come back before it was requested",
     ("2025-01-06", "2025-01-07")),
    (DECIDED, ("agency-requested", "07/01/2025", "--agency", "Health", "--due", "06/01/2025"),
     "an agency's return cannot be due before it was requested", ("2025-01-06", "2025-01-07")),
    (DECIDED, ("rapid-review-submitted", "17/01/2025"),
     "the Rapid Review cannot be sent before the RAG met", ("2025-01-17", "2025-01-20")),
    (DECIDED, ("rapid-review-submitted", "21/01/2025"),
     "the Rapid Review goes with the Executive's decision", ("2025-01-21", "2025-01-22")),
    (CASE_TEXT, ("cspr-commissioned", "10/02/2025"),
     "a CSPR follows a decision to hold one", ("no decision is recorded",)),
    (DECIDED.replace('decision = "cspr"', 'decision = "no-cspr"'),
     ("family-informed", "10/02/2025"), "a CSPR follows a decision to hold one",
     ("the Executive's decision is 'no-cspr'",)),
    (DECIDED + "\n[cspr]\ncommissioned = 2025-02-10\npublished = 2025-07-15\n",
     ("not-published", "16/07/2025", "--reason", "risk"),
     "a report is either published or withheld", ()),
    (DECIDED + "\n[cspr]\ncommissioned = 2025-02-10\n", ("published", "07/02/2025"),
     "a CSPR cannot be published before it was commissioned", ("2025-02-07", "2025-02-10")),
    (DECIDED + "\n[cspr]\ncommissioned = 2025-02-10\n", ("cspr-commissioned", "21/01/2025",
                                                         "--correct", "--reason", "typo"),
     "a CSPR cannot be commissioned before the decision", ("2025-01-21", "2025-01-22")),
    (CASE_TEXT + '\n[[actions]]\ntext = "A"\nadded = 2025-03-01\n',
     ("action-completed", "28/02/2025", "--action", "1"),
     "an action cannot be completed before it was added", ("2025-02-28", "2025-03-01")),
]


@pytest.mark.parametrize(("text", "args", "rule", "dates"), ORDER,
                         ids=[f"{row[1][0]}-{n}" for n, row in enumerate(ORDER)])
def test_impossible_order_is_refused_when_typed(run, write_case, casebook_dir, text, args,
                                                rule, dates) -> None:
    path = write_case(text)
    result = refused(run, path, casebook_dir, *args)
    assert f"{args[0]} refused, nothing was written" in result.stderr
    # The date hint only where two dates are in the wrong order.
    two_dates = bool(dates) and dates[0].startswith("20")
    assert ("Check the date (day first" in result.stderr) == two_dates
    assert rule in result.stderr
    for date in dates:
        assert date in result.stderr


def test_a_case_already_out_of_order_still_takes_unrelated_steps(run, write_case) -> None:
    """A hand-edited file breaking a rule is `check`'s to report; `record` refuses only what
    the step itself would break."""
    write_case(CASE_TEXT + "\n[notification]\npanel = 2025-01-02\n")
    assert run("record", ID, "partners-notified", "06/01/2025").exit_code == 0


HAND_EDITED = CASE_TEXT + """
[notification]
panel = 2025-01-02

[[agencies]]
name = "Police"
requested = 2025-01-06
received = 2025-01-05

[rapid_review]
meeting = 2025-01-20
decision = "no-cspr"
decision_date = 2025-01-22
submitted = 2025-01-21

[cspr]
commissioned = 2025-02-10
published = 2025-02-01
not_published_reason = "Fictional risk"

[[actions]]
text = "A"
added = 2025-03-01
completed = 2025-02-28
"""


def test_check_reports_the_same_rules_with_file_and_line(run, write_case) -> None:
    write_case(HAND_EDITED)
    result = run("check")
    assert result.exit_code == 1
    where = "cases/LSCP-2025-001.toml"
    expected = [
        (21, "'notification.panel' (2025-01-02) is before 'incident.aware' (2025-01-03)"),
        (26, "'agencies[1].received' (2025-01-05) is before 'agencies[1].requested' "
             "(2025-01-06)"),
        (32, "'rapid_review.submitted' (2025-01-21) is before 'rapid_review.decision_date' "
             "(2025-01-22)"),
        (36, "'cspr.published' (2025-02-01) is before 'cspr.commissioned' (2025-02-10)"),
        (42, "'actions[1].completed' (2025-02-28) is before 'actions[1].added' (2025-03-01)"),
        (35, "a CSPR step ('cspr.commissioned') is recorded but the Executive's decision is "
             "'no-cspr'"),
        (37, "'cspr.published' and 'cspr.not_published_reason' are both recorded"),
    ]
    for line, message in expected:
        assert f"{where}:{line}: {message}" in result.stdout, (line, message)
    assert result.stdout.count("fix it with `lscp edit`") == len(expected)
    assert "impossible order" not in result.output


# -- closed with open actions, actions without a due date ----------------------------------------
def test_open_actions_of_a_force_closed_case_stay_in_every_report(
        run, write_case, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LSCP_TODAY", "2025-02-03")
    write_case()
    run("record", ID, "action-added", "06/01/2025", "--text", "Train", "--owner", "Police",
        "--due", "31/01/2025")
    assert run("record", ID, "closed", "03/02/2025", "--force").exit_code == 0
    deadlines = run("deadlines", "--format", "json")
    rows = json.loads(deadlines.stdout)
    assert [(r["case"], r["milestone"], r["action"], r["status"]) for r in rows] == [
        (ID, "action", 1, "overdue")]
    assert run("deadlines", "--overdue", "--format", "json").stdout == deadlines.stdout
    listed = json.loads(run("list", "--format", "json").stdout)
    assert listed[0]["stage"] == "closed" and listed[0]["next_status"] == "overdue"
    assert "Action 1" in listed[0]["next_deadline"]
    actions = json.loads(run("actions", "--open", "--format", "json").stdout)
    assert [(a["case"], a["action"], a["case_closed"]) for a in actions] == [(ID, 1, True)]
    # Completed: gone from every report.
    assert run("record", ID, "action-completed", "03/02/2025", "--action", "1").exit_code == 0
    assert json.loads(run("deadlines", "--format", "json").stdout) == []
    assert json.loads(run("list", "--format", "json").stdout)[0]["next_deadline"] is None
    assert json.loads(run("actions", "--open", "--format", "json").stdout) == []


def test_an_action_with_no_due_date_is_reported_not_dropped(run, write_case) -> None:
    write_case()
    run("record", ID, "action-added", "06/01/2025", "--text", "Audit")
    run("record", ID, "action-added", "06/01/2025", "--text", "Dated", "--due", "31/10/2025")
    check = run("check")
    assert check.exit_code == 0  # worth a look, not an error
    assert re.search(r"^warning: \S*cases/LSCP-2025-001.toml:20: action 1 has no due date, so "
                     "no deadline is tracked for it", check.stderr, re.MULTILINE)
    assert "action 2" not in check.stderr
    for fmt in ("table", "json", "csv"):
        result = run("deadlines", "--format", fmt)
        assert result.exit_code == 0
        assert f"{ID} action 1 has no due date, so no deadline is tracked" in result.stderr
        assert "action 2 has no due date" not in result.stderr


# -- withdrawn: nothing stays due ----------------------------------------------------------------
def test_a_withdrawn_incident_leaves_nothing_due(run, write_case,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LSCP_TODAY", "2025-02-03")  # everything long overdue
    write_case()
    run("record", ID, "agency-requested", "06/01/2025", "--agency", "Police")
    run("record", ID, "action-added", "06/01/2025", "--text", "Audit", "--due", "31/01/2025")
    run("record", ID, "action-added", "06/01/2025", "--text", "No date")
    assert json.loads(run("deadlines", "--format", "json").stdout)  # overdue before
    assert run("record", ID, "withdrawn", "09/01/2025", "--reason", "accidental").exit_code == 0
    assert json.loads(run("deadlines", "--format", "json").stdout) == []
    result = run("deadlines")
    assert "Nothing due" in result.stdout and "no due date" not in result.stderr
    listed = json.loads(run("list", "--format", "json").stdout)
    assert listed[0]["stage"].startswith("withdrawn") and listed[0]["next_deadline"] is None
    shown = json.loads(run("show", ID, "--format", "json").stdout)
    # Every deadline it had is shown, none as work: "withdrawn" (the agency's return "lapsed").
    assert {d["status"] for d in shown["deadlines"]} == {"withdrawn", "lapsed"}
    assert shown["stage"].startswith("withdrawn")
    assert any(e["event"].startswith("Withdrawn") for e in shown["timeline"])
    assert json.loads(run("actions", "--format", "json").stdout) == []
    assert "no due date" not in run("check").stderr


# -- planned steps may be dated ahead ------------------------------------------------------------
def test_planned_steps_take_a_future_date_and_show_as_upcoming(
        run, write_case, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LSCP_TODAY", "2025-01-10")
    write_case(DECIDED.replace("meeting = 2025-01-20\n", "").replace(
        'decision = "cspr"\ndecision_date = 2025-01-22\n', ""))
    assert run("record", ID, "rag-meeting", "20/01/2025").exit_code == 0
    result = run("deadlines")
    assert "Upcoming (planned, not deadlines):" in result.stdout
    assert "Monday 20 January 2025  LSCP-2025-001  RAG meeting" in result.stdout
    shown = run("show", ID).stdout
    upcoming = shown[shown.index("\nUpcoming"):shown.index("\nDeadlines")]
    assert "Mon 20 Jan 2025  Review Advisory Group meeting (planned)" in upcoming
    assert "2025-01-20" not in shown[shown.index("\nTimeline"):shown.index("\nUpcoming")]
    # As of the day after, it is no longer upcoming.
    assert "Upcoming" not in run("deadlines", "--as-of", "2025-01-21").stdout


def test_a_practitioner_event_may_be_planned(run, write_case,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LSCP_TODAY", "2025-03-03")
    write_case(DECIDED + "\n[cspr]\ncommissioned = 2025-02-10\n")
    assert run("record", ID, "practitioner-event", "03/04/2025").exit_code == 0
    assert "Thursday 3 April 2025  LSCP-2025-001  practitioner event" in run(
        "deadlines").stdout


@pytest.mark.parametrize("args", [
    ("partners-notified", "2025-01-13"),
    ("decision", "13/01/2025", "--outcome", "cspr"),
    ("action-added", "13/01/2025", "--text", "A", "--due", "31/10/2025"),
    ("closed", "13/01/2025"),
])
def test_other_steps_refuse_a_future_date(run, write_case, casebook_dir, args,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LSCP_TODAY", "2025-01-10")
    path = write_case()
    result = run("record", ID, *args)
    assert result.exit_code == 2
    assert "is in the future" in result.output
    assert ("only planned steps may be dated ahead: rag-meeting, practitioner-event, "
            "publication-planned") in result.output
    assert path.read_text() == CASE_TEXT and audit(casebook_dir) == []


def test_edit_refuses_an_impossible_order_it_introduces(run, write_case, tmp_path: Path,
                                                        casebook_dir) -> None:
    """`lscp edit` is checked like `record`: the same rules (order.py) before it saves."""
    from test_cli_cases import write_editor

    path = write_case(DECIDED)
    editor = write_editor(tmp_path, "p.write_text(p.read_text().replace("
                                    "'panel = 2025-01-06', 'panel = 2025-01-02'))")
    result = run("edit", ID, env={"EDITOR": editor})
    assert result.exit_code == 1
    assert ("'notification.panel' (2025-01-02) is before 'incident.aware' (2025-01-03): the "
            "Panel cannot be notified before the local authority became aware") in result.stderr
    assert path.read_text() == DECIDED and audit(casebook_dir) == []
    # A rule the file already broke does not block an unrelated edit.
    path.write_text(DECIDED.replace("panel = 2025-01-06", "panel = 2025-01-02"))
    editor = write_editor(tmp_path, "p.write_text(p.read_text().replace('Leeds', 'Bradford'))")
    assert run("edit", ID, env={"EDITOR": editor}).exit_code == 0
    assert 'location = "Bradford"' in path.read_text()


def test_the_closing_date_can_be_corrected(run, write_case, casebook_dir) -> None:
    path = write_case()
    assert run("record", ID, "closed", "10/01/2025", "--force").exit_code == 0
    result = run("record", ID, "closed", "09/01/2025", "--correct", "--reason", "typo")
    assert result.exit_code == 0, result.output
    assert "closed = 2025-01-09" in path.read_text()
    assert audit(casebook_dir)[-1]["reason"] == "typo"
