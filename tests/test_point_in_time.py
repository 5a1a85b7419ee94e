"""Point in time (issue 9): as of a date, anything dated after it is not yet done.

Every report reads the case as it stood that day (`asof.case_as_of`): `deadlines --as-of`,
`list --as-of`, `show --as-of`, `actions --as-of`, `stats --as-of`, `report --as-of`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from lscp_cli.process.asof import case_as_of

# Aware Monday 6 January 2025; Panel notified and the police asked on the 8th (return due
# the 15th, received late on the 24th); RAG on the 17th; decision the 22nd; Rapid Review
# submitted the 27th (due the 29th); the one action, due the 10th, done 3 February; closed
# 10 February.
CASE = """\
schema = 1
id = "LSCP-2025-001"
opened = 2025-01-06
closed = 2025-02-10

[incident]
type = "serious-harm"
aware = 2025-01-06

[[children]]
initials = "A.B."

[notification]
panel = 2025-01-08
panel_reference = "SI-1"
partners = 2025-01-08

[[agencies]]
name = "West Yorkshire Police"
requested = 2025-01-08
received = 2025-01-24

[[agencies]]
name = "Leeds Community Healthcare"
requested = 2025-01-21

[rapid_review]
meeting = 2025-01-17
recommendation = "cspr"
decision = "cspr"
decision_date = 2025-01-22
submitted = 2025-01-27

[[actions]]
text = "Refresh the training"
due = 2025-01-10
completed = 2025-02-03
"""

AS_OF = "2025-01-20"


@pytest.fixture
def case_file(write_case: Callable[..., Path]) -> Path:
    return write_case(CASE)


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _by_milestone(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["milestone"] + (f"/{row['agency']}" if row.get("agency") else ""): row
            for row in rows}


def test_deadlines_as_of_a_date_treat_later_steps_as_not_done(case_file: Path,
                                                                run: Callable[..., Result]
                                                                ) -> None:
    before = case_file.read_bytes()
    rows = _by_milestone(_json(run("deadlines", "--as-of", AS_OF, "--format", "json")))
    # The case was open on the 20th (closed in February), so its work shows.
    rapid = rows["rapid-review"]
    assert (rapid["met"], rapid["status"], rapid["due"]) == (None, "pending", "2025-01-29")
    police = rows["agency-return/West Yorkshire Police"]
    assert (police["met"], police["status"], police["due"]) == (None, "overdue", "2025-01-15")
    # Asked on the 21st: not asked yet on the 20th, so nothing is due from it.
    assert "agency-return/Leeds Community Healthcare" not in rows
    assert rows["action"]["status"] == "overdue"
    assert "panel-notification" not in rows  # met on the 8th: done by then
    assert case_file.read_bytes() == before


def test_overdue_as_of_a_date_lists_a_return_received_later(case_file: Path,
                                                            run: Callable[..., Result]) -> None:
    rows = _json(run("deadlines", "--as-of", AS_OF, "--overdue", "--format", "json"))
    assert {(r["milestone"], r["agency"]) for r in rows} == {
        ("agency-return", "West Yorkshire Police"), ("action", None)}


def test_all_deadlines_as_of_a_date(case_file: Path, run: Callable[..., Result]) -> None:
    rows = _by_milestone(_json(run("deadlines", "--as-of", AS_OF, "--all", "--format",
                                   "json")))
    assert rows["panel-notification"]["status"] == "met"
    assert rows["rapid-review"]["met"] is None
    assert "cspr-publication" not in rows  # the decision was only made on the 22nd


def test_today_the_same_case_is_closed_and_done(case_file: Path,
                                                run: Callable[..., Result]) -> None:
    assert _json(run("deadlines", "--format", "json")) == []
    rows = _by_milestone(_json(run("deadlines", "--as-of", "2025-02-28", "--all", "--format",
                                   "json")))
    assert rows["rapid-review"]["met"] == "2025-01-27"
    assert rows["agency-return/West Yorkshire Police"]["status"] == "met-late"


def test_list_as_of_a_date(case_file: Path, run: Callable[..., Result]) -> None:
    [row] = _json(run("list", "--as-of", AS_OF, "--format", "json"))
    assert row["closed"] is None
    assert row["stage"] == "Rapid Review: awaiting Executive decision"
    assert (row["next_deadline"], row["next_status"]) == ("Action 1: Refresh the training",
                                                          "overdue")
    [row] = _json(run("list", "--open", "--as-of", AS_OF, "--format", "json"))
    assert row["id"] == "LSCP-2025-001"
    assert _json(run("list", "--open", "--format", "json")) == []


def test_list_as_of_a_date_before_a_case_was_known_leaves_it_out(
        case_file: Path, run: Callable[..., Result]) -> None:
    assert _json(run("list", "--as-of", "2025-01-05", "--format", "json")) == []
    assert _json(run("deadlines", "--as-of", "2025-01-05", "--all", "--format", "json")) == []


def test_show_as_of_a_date(case_file: Path, run: Callable[..., Result]) -> None:
    view = _json(run("show", "LSCP-2025-001", "--as-of", AS_OF, "--format", "json"))
    assert view["as_of"] == AS_OF
    events = [e["event"] for e in view["timeline"]]
    assert "Rapid Review submitted to the National Panel" not in events
    assert "Review Advisory Group met" in events
    assert {e["date"]: e["event"] for e in view["later"]}["2025-01-27"] == (
        "Rapid Review submitted to the National Panel")
    rows = _by_milestone(view["deadlines"])
    assert rows["rapid-review"]["met"] is None
    assert rows["agency-return/West Yorkshire Police"]["status"] == "overdue"
    assert "decision" not in view["case"]["rapid_review"]
    assert "closed" not in view["case"]

    table = run("show", "LSCP-2025-001", "--as-of", AS_OF)
    assert table.exit_code == 0, table.output
    text = table.stdout
    assert "as of Monday 20 January 2025" in text
    timeline, later = text.split("Recorded after Monday 20 January 2025")
    assert "Rapid Review submitted" not in timeline.split("Timeline")[1]
    assert "Mon 27 Jan 2025  Rapid Review submitted to the National Panel" in later
    assert "Case closed" in later


def test_show_as_of_a_date_before_the_case_existed_is_refused(
        case_file: Path, run: Callable[..., Result]) -> None:
    result = run("show", "LSCP-2025-001", "--as-of", "2025-01-03")
    assert result.exit_code == 1
    assert "did not exist yet on 2025-01-03" in result.output
    assert "became aware on 2025-01-06" in result.output


@pytest.mark.parametrize("command", ["deadlines", "actions"])
def test_one_case_as_of_a_date_before_it_existed_is_refused(
        command: str, case_file: Path, run: Callable[..., Result]) -> None:
    result = run(command, "--case", "LSCP-2025-001", "--as-of", "2025-01-03")
    assert result.exit_code == 1
    assert "LSCP-2025-001 did not exist yet on 2025-01-03" in result.stderr


def test_actions_as_of_a_date(case_file: Path, run: Callable[..., Result]) -> None:
    [row] = _json(run("actions", "--as-of", AS_OF, "--format", "json"))
    assert (row["completed"], row["status"]) == (None, "overdue")
    [row] = _json(run("actions", "--format", "json"))
    assert (row["completed"], row["status"]) == ("2025-02-03", "met-late")


def test_stats_as_of_a_date(case_file: Path, run: Callable[..., Result]) -> None:
    figures = _json(run("stats", "--as-of", AS_OF, "--format", "json"))
    assert figures["rapid_reviews_on_time"] == {"on_time": 0, "late": 0, "pending": 1}
    assert figures["decisions"]["cspr"] == 0
    assert figures["actions"]["open"] == 1
    figures = _json(run("stats", "--format", "json"))
    assert figures["rapid_reviews_on_time"] == {"on_time": 1, "late": 0, "pending": 0}
    assert figures["decisions"]["cspr"] == 1


def test_report_as_of_a_date_shows_the_open_case(case_file: Path, run: Callable[..., Result],
                                                 tmp_path: Path) -> None:
    out = tmp_path / "board.html"
    result = run("report", "--as-of", AS_OF, "-o", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Information return: West Yorkshire Police" in html


# -- the view itself ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Nothing later: the very same dict, not a copy.
        ("2025-03-01", "same"),
        ("2025-01-05", None),
        ("2025-01-08", {"notification": {"panel": date(2025, 1, 8), "panel_reference": "SI-1",
                                         "partners": date(2025, 1, 8)},
                        "agencies": [{"name": "West Yorkshire Police",
                                      "requested": date(2025, 1, 8)}],
                        "rapid_review": {}, "actions": [{"text": "Refresh the training",
                                                         "due": date(2025, 1, 10)}]}),
        ("2025-01-07", {"notification": {}, "agencies": [], "rapid_review": {},
                        "actions": [{"text": "Refresh the training",
                                     "due": date(2025, 1, 10)}]}),
        ("2025-01-22", {"rapid_review": {"meeting": date(2025, 1, 17),
                                         "recommendation": "cspr", "decision": "cspr",
                                         "decision_date": date(2025, 1, 22)}}),
    ],
)
def test_case_as_of(day: str, expected: Any) -> None:
    import tomllib

    data = tomllib.loads(CASE)
    view = case_as_of(data, date.fromisoformat(day))
    if expected == "same":
        assert view is data
        return
    if expected is None:
        assert view is None
        return
    assert view is not None
    assert "closed" not in view
    for key, value in expected.items():
        assert view[key] == value
    assert data == tomllib.loads(CASE)  # the case read from the file is untouched


def test_plans_due_dates_and_later_entries() -> None:
    data = {
        "id": "LSCP-2025-002",
        "incident": {"type": "death", "aware": date(2025, 1, 6),
                     "occurred": date(2025, 1, 1)},
        "children": [{"initials": "C.D.", "date_of_birth": date(2030, 1, 1)}],
        "agencies": [{"name": "Police", "requested": date(2025, 1, 7),
                      "due": date(2025, 2, 1)}],
        "cspr": {"commissioned": date(2025, 3, 1), "author": "X",
                 "publication_planned": date(2025, 9, 1),
                 "practitioner_events": [date(2025, 1, 9), date(2025, 4, 1)]},
        "actions": [{"text": "a", "added": date(2025, 1, 8), "due": date(2025, 5, 1),
                     "progress": [{"date": date(2025, 1, 9), "note": "x"},
                                  {"date": date(2025, 2, 9), "note": "y"}]},
                    {"text": "b", "added": date(2025, 2, 1)}],
        "learning": [{"channel": "briefing", "date": date(2025, 6, 1)}],
        "withdrawn": date(2025, 2, 1), "withdrawn_reason": "accidental",
    }
    view = case_as_of(data, date(2025, 1, 10))
    assert view is not None
    assert view["cspr"] == {"publication_planned": date(2025, 9, 1),
                            "practitioner_events": [date(2025, 1, 9)]}
    assert view["agencies"][0]["due"] == date(2025, 2, 1)
    assert view["children"][0]["date_of_birth"] == date(2030, 1, 1)
    assert view["actions"] == [{"text": "a", "added": date(2025, 1, 8), "due": date(2025, 5, 1),
                                "progress": [{"date": date(2025, 1, 9), "note": "x"}]}]
    assert view["learning"] == []
    assert "withdrawn" not in view and "withdrawn_reason" not in view
