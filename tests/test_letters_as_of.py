"""A letter drafted "as of" a past date (`draft --date`) says only what was true that day
(issue 18): steps recorded with later dates, and what came with them, are left out, as
`deadlines --as-of` leaves them out; a meeting or event booked ahead stays, written as planned.
The case is FICTIONAL (tests/fixtures/cases/full.toml); the officer's today is after it all."""

from __future__ import annotations

from conftest import case_text

CASE = "LSCP-2025-001"
TODAY = {"LSCP_TODAY": "2025-12-01"}


def _draft(run, template: str, day: str, *extra: str) -> str:
    result = run("draft", CASE, template, "--stdout", "--date", day, *extra, env=TODAY)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_letter_dated_before_a_step_does_not_state_it(run, write_case) -> None:
    write_case(case_text("full"))
    before = _draft(run, "partners-notification", "2025-01-05")
    assert "notified the Child Safeguarding Practice Review Panel on" not in before
    assert "SI-12345" not in before  # the reference came with the notification
    assert "is to notify the Child Safeguarding Practice Review Panel" in before
    agency = ("--agency", "Leeds Community Healthcare")
    asked_before = _draft(run, "agency-request", "2025-01-05", *agency, "--new-agency")
    assert "notified the Child Safeguarding Practice Review Panel" not in asked_before
    assert "SI-12345" not in asked_before
    asked_after = _draft(run, "agency-request", "2025-01-07", *agency)
    assert ("notified the Child Safeguarding Practice Review Panel of a serious child "
            "safeguarding incident on Monday 6 January 2025") in asked_after
    assert "SI-12345" in asked_after


def test_the_rapid_review_summary_before_the_decision_has_no_decision(run, write_case) -> None:
    write_case(case_text("full"))
    summary = _draft(run, "rapid-review-summary", "2025-01-21")
    assert "Wednesday 22 January 2025" not in summary  # the decision's date
    assert "commission a Child Safeguarding Practice Review" not in summary
    held = _draft(run, "rapid-review-summary", "2025-01-23")
    assert "Wednesday 22 January 2025" in held


def test_a_letter_before_a_booked_meeting_writes_it_as_planned(run, write_case) -> None:
    write_case(case_text("full"))
    letter = _draft(run, "author-commission", "2025-04-05")
    assert "Practitioner events: Thursday 3 April 2025; Thursday 10 April 2025 (planned)." in (
        letter)


def test_no_letter_before_the_local_authority_knew(run, write_case) -> None:
    write_case(case_text("full"))
    result = run("draft", CASE, "partners-notification", "--stdout", "--date", "2025-01-02",
                 env=TODAY)
    assert result.exit_code == 1
    assert "became aware of this incident after 2025-01-02" in result.output
