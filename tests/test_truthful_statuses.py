"""Statuses that tell the truth (issue 17): an agency's return that never came "lapses" once the
Rapid Review has gone; a withdrawn case's unmet deadlines are "withdrawn", never overdue; the
reason a case was withdrawn (a duplicate) is shown as typed. Driven through `lscp` commands."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import Result
from tests.test_cli_report import Page

Run = Callable[..., Result]
TODAY = {"LSCP_TODAY": "2025-03-03"}


def lscp(run: Run, *args: str) -> Result:
    result = run(*args, env=TODAY)
    assert result.exit_code == 0, result.output
    return result


def as_json(result: Result) -> Any:
    return json.loads(result.stdout)


def new_case(run: Run, aware: str) -> str:
    made = lscp(run, "new-incident", "--no-input", "--type", "serious-harm", "--aware", aware,
                "--abuse-or-neglect", "suspected", "--child-initials", "A.B.")
    return made.stdout.strip()


@pytest.fixture
def reviewed(run: Run) -> str:
    """Aware 6 January 2025; the Panel and partners told on the 8th; Police and Health asked on
    the 8th (due the 15th); Police answered, Health never; the Rapid Review went on the 24th."""
    case = new_case(run, "06/01/2025")
    lscp(run, "record", case, "panel-notified", "08/01/2025", "--reference", "SI-1")
    lscp(run, "record", case, "partners-notified", "08/01/2025")
    lscp(run, "record", case, "agency-requested", "08/01/2025", "--agency", "Police",
         "--agency", "Health")
    lscp(run, "record", case, "agency-returned", "14/01/2025", "--agency", "Police")
    lscp(run, "record", case, "rag-meeting", "20/01/2025")
    lscp(run, "record", case, "decision", "22/01/2025", "--outcome", "no-cspr")
    lscp(run, "record", case, "rapid-review-submitted", "24/01/2025")
    return case


def test_an_unanswered_request_lapses_once_the_rapid_review_has_gone(run: Run,
                                                                    reviewed: str) -> None:
    rows = as_json(lscp(run, "deadlines", "--all", "--format", "json"))
    health = next(r for r in rows if r["agency"] == "Health")
    assert health["status"] == "lapsed"
    assert health["basis"].endswith("lapsed: the Rapid Review went to the Panel without it on "
                                    "2025-01-24")
    # Not what is due: not in the report, not the case's next deadline, not overdue anywhere.
    assert as_json(lscp(run, "deadlines", "--format", "json")) == []
    assert "Nothing due" in lscp(run, "deadlines").stdout
    listed = as_json(lscp(run, "list", "--format", "json"))[0]
    assert listed["next_deadline"] is None and listed["next_status"] is None
    assert "0 overdue" in lscp(run, "deadlines", "--all").stdout
    shown = as_json(lscp(run, "show", reviewed, "--format", "json"))
    assert {d["agency"]: d["status"] for d in shown["deadlines"] if d["agency"]} == {
        "Police": "met", "Health": "lapsed"}
    assert as_json(lscp(run, "stats", "--format", "json"))["agency_returns_on_time"] == {
        "on_time": 1, "late": 0, "pending": 0, "lapsed": 1}
    page = Page(lscp(run, "report", "-o", "-").stdout)
    assert page.counts["overdue"] == "0" and not page.case_rows.get("overdue")
    # Outlook: the reminder someone imported is cancelled, not left standing.
    from icalendar import Calendar

    events = Calendar.from_ical(lscp(run, "deadlines", "--format", "ics").stdout).walk("VEVENT")
    health = [e for e in events if "Health" in str(e["SUMMARY"])]
    assert [str(e["STATUS"]) for e in health] == ["CANCELLED"]


def test_before_the_rapid_review_went_it_was_overdue(run: Run, reviewed: str) -> None:
    rows = as_json(lscp(run, "deadlines", "--as-of", "2025-01-20", "--format", "json"))
    assert [(r["agency"], r["status"]) for r in rows if r["agency"]] == [("Health", "overdue")]


def test_a_closed_case_lapses_an_unanswered_request(run: Run) -> None:
    case = new_case(run, "06/01/2025")
    lscp(run, "record", case, "agency-requested", "08/01/2025", "--agency", "Health")
    lscp(run, "record", case, "closed", "10/02/2025", "--force")
    rows = as_json(lscp(run, "deadlines", "--all", "--format", "json"))
    assert next(r for r in rows if r["agency"] == "Health")["status"] == "lapsed"


def test_a_closed_case_is_never_overdue(run: Run) -> None:
    """Closed on 10 February 2025 with the partners never told (due 13 January), the Rapid
    Review never sent and an action still open: closing is refused without --force (it would
    hide them); with it, the deadlines due by then are "missed", never overdue or met, in every
    report, the open action stays owed, and stats count both as late (never done)."""
    case = new_case(run, "06/01/2025")
    lscp(run, "record", case, "panel-notified", "08/01/2025", "--reference", "SI-1")
    lscp(run, "record", case, "agency-requested", "08/01/2025", "--agency", "Health")
    refused = run("record", case, "closed", "10/02/2025", env=TODAY)
    said = " ".join(refused.stderr.split())
    assert refused.exit_code == 1 and "still owes 2 deadline(s)" in said, said
    assert "Report to the safeguarding partners (overdue since 2025-01-13)" in said
    assert "--force" in said and "closed" not in as_json(lscp(run, "show", case, "--format",
                                                              "json"))["case"]
    lscp(run, "record", case, "action-added", "03/02/2025", "--text", "Audit", "--owner",
         "Police", "--due", "30/04/2025")
    lscp(run, "record", case, "closed", "10/02/2025", "--force")
    rows = as_json(lscp(run, "deadlines", "--all", "--format", "json"))
    assert {(r["milestone"], r["status"]) for r in rows} == {
        ("panel-notification", "met"), ("partners-notification", "missed"),
        ("rapid-review", "missed"), ("agency-return", "lapsed"), ("action", "pending")}
    partners = next(r for r in rows if r["milestone"] == "partners-notification")
    assert partners["basis"].endswith("; the case was closed on 2025-02-10 without it (missed "
                                      "if it was due by then, else no longer owed)")
    assert "0 overdue," in lscp(run, "deadlines", "--all").stdout
    # What is due: only the open action, still owed; the case's next deadline is that action.
    assert [r["milestone"] for r in as_json(lscp(run, "deadlines", "--format", "json"))] == [
        "action"]
    assert as_json(lscp(run, "list", "--format", "json"))[0]["next_deadline"] == "Action 1: Audit"
    figures = as_json(lscp(run, "stats", "--format", "json"))
    assert figures["partners_notified_on_time"] == {"on_time": 0, "late": 1, "pending": 0}
    assert figures["rapid_reviews_on_time"] == {"on_time": 0, "late": 1, "pending": 0}
    page = Page(lscp(run, "report", "-o", "-").stdout)
    assert page.counts["overdue"] == "0" and not page.case_rows.get("overdue")
    shown = as_json(lscp(run, "show", case, "--format", "json"))
    assert {d["milestone"]: d["status"] for d in shown["deadlines"]}["rapid-review"] == "missed"
    # Before it was closed, the same deadlines were overdue.
    before = as_json(lscp(run, "deadlines", "--as-of", "2025-02-07", "--format", "json"))
    assert {r["milestone"]: r["status"] for r in before}["partners-notification"] == "overdue"


@pytest.fixture
def duplicate(run: Run) -> tuple[str, str]:
    first = new_case(run, "06/01/2025")
    second = new_case(run, "07/01/2025")
    lscp(run, "record", second, "agency-requested", "07/01/2025", "--agency", "Police")
    lscp(run, "record", second, "withdrawn", "09/01/2025", "--duplicate-of", first)
    return first, second


def test_a_withdrawn_case_is_never_overdue(run: Run, duplicate: tuple[str, str]) -> None:
    first, second = duplicate
    rows = as_json(lscp(run, "deadlines", "--all", "--format", "json"))
    statuses = {(r["milestone"], r["status"]) for r in rows if r["case"] == second}
    assert statuses == {("panel-notification", "withdrawn"),
                        ("partners-notification", "withdrawn"),
                        ("rapid-review", "withdrawn"), ("agency-return", "lapsed")}
    # Counted: only the first case's three overdue deadlines.
    assert "3 overdue," in lscp(run, "deadlines", "--all").stdout
    assert {r["case"] for r in as_json(lscp(run, "deadlines", "--format", "json"))} == {first}


def test_stats_count_a_withdrawn_case_apart(run: Run, duplicate: tuple[str, str]) -> None:
    """Left out of every figure, never out of sight: stats say how many were withdrawn."""
    figures = as_json(lscp(run, "stats", "--year", "2025", "--format", "json"))
    assert figures["incidents"] == 1
    assert figures["withdrawn"] == {"total": 1, "duplicates": 1}
    table = " ".join(lscp(run, "stats", "--year", "2025").stdout.split())
    assert "Withdrawn (not in any figure here) 1" in table
    assert "duplicates of another case 1" in table


def test_a_duplicate_is_withdrawn_as_one_and_shown_so(run: Run,
                                                      duplicate: tuple[str, str]) -> None:
    first, second = duplicate
    listed = {r["id"]: r for r in as_json(lscp(run, "list", "--format", "json"))}
    assert listed[second]["stage"] == f"withdrawn: a duplicate of {first}"
    assert [r["id"] for r in as_json(lscp(run, "list", "--open", "--format", "json"))] == [first]
    shown = lscp(run, "show", second).stdout
    assert f"withdrawn: a duplicate of {first}" in shown
    assert f"Withdrawn: a duplicate of {first}" in shown
    for text in (shown, lscp(run, "list").stdout):
        assert "criteria" not in text


def test_a_reason_is_shown_as_typed(run: Run) -> None:
    case = new_case(run, "06/01/2025")
    lscp(run, "record", case, "withdrawn", "09/01/2025", "--reason", "injury found accidental")
    assert as_json(lscp(run, "list", "--format", "json"))[0]["stage"] == (
        "withdrawn: injury found accidental")
    assert "Withdrawn: injury found accidental" in lscp(run, "show", case).stdout


@pytest.mark.parametrize(("other", "message"), [
    ("LSCP-2025-001", "--duplicate-of names the case itself (LSCP-2025-001)"),
    ("LSCP-2025-009", "--duplicate-of LSCP-2025-009: there is no such case"),
    ("../x", "is not a case id"),
])
def test_duplicate_of_must_be_another_case(run: Run, other: str, message: str) -> None:
    case = new_case(run, "06/01/2025")
    result = run("record", case, "withdrawn", "09/01/2025", "--duplicate-of", other, env=TODAY)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "withdrawn" not in as_json(lscp(run, "show", case, "--format", "json"))["stage"]


def test_new_incident_suggests_withdrawing_a_duplicate_as_one(run: Run) -> None:
    first = new_case(run, "06/01/2025")
    made = run("new-incident", "--no-input", "--type", "serious-harm", "--aware", "07/01/2025",
               "--abuse-or-neglect", "suspected", "--child-initials", "A.B.", env=TODAY)
    second = made.stdout.strip()
    assert f"`lscp record {second} withdrawn --duplicate-of {first}`" in made.stderr


def test_no_casebook_is_never_an_all_clear(run: Run, monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Any) -> None:
    monkeypatch.delenv("LSCP_DIR")
    monkeypatch.chdir(tmp_path / "home")  # no lscp.toml here or above, no ~/lscp yet
    for command in (("deadlines",), ("list",), ("report", "-o", "-"), ("stats",), ("check",)):
        result = run(*command, env=TODAY)
        assert result.exit_code == 1, result.output
        said = " ".join(result.stderr.split())
        assert "Nothing due" not in result.output
        assert "no casebook found" in said and "lscp init" in said and "--dir" in said
        assert str(tmp_path / "home" / "lscp") in said
    made = run("new-incident", "--no-input", "--type", "serious-harm", "--aware", "06/01/2025",
               "--abuse-or-neglect", "suspected", "--child-initials", "A.B.", env=TODAY)
    assert made.exit_code == 0, made.output
    said = " ".join(made.stderr.split())
    assert f"creating the casebook {tmp_path / 'home' / 'lscp'} (the per-user default" in said
    assert said.index("creating the casebook") < said.index("Saved in")
    assert run("deadlines", env=TODAY).exit_code == 0
    assert run("check", env=TODAY).exit_code == 0


def test_an_agency_request_never_asks_for_a_date_after_the_meeting_that_needs_it(
        run: Run) -> None:
    """QA: the letter asked for a reply by Friday 7 March and, in the same letter, said the
    RAG needed it before its meeting on Wednesday 5 March. With the meeting first, it asks for
    what the agency can send before the meeting, and the rest by the date."""
    case = new_case(run, "24/02/2025")
    lscp(run, "record", case, "agency-requested", "28/02/2025", "--agency", "Health")
    lscp(run, "record", case, "rag-meeting", "05/03/2025")
    letter = " ".join(lscp(run, "draft", case, "agency-request", "--agency", "Health",
                           "--stdout").stdout.split())
    due = re.search(r"Please reply by \*\*(\w+ \d+ \w+ \d{4})\*\*", letter)
    assert due is not None and "March 2025" in due[1]
    assert "needs your information before its meeting planned for" not in letter
    assert "meets on Wednesday 5 March 2025, before that date: please send what you can " \
           "before the meeting, and the rest by the date above" in letter
