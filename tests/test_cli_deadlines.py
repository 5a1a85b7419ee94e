"""`lscp deadlines` through the command line: filters, formats, bad files, lscp.toml."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import case_text

Run = Callable[..., Result]
WriteCase = Callable[..., Path]

# Fictional cases shared by the tests (tests/fixtures/cases/, described in the README there).
OPEN_CASE = case_text("notified")
NEW_CASE = case_text("new-death")
CLOSED_CASE = case_text("closed")


@pytest.fixture
def casebook(casebook_with: Callable[..., Path]) -> None:
    casebook_with("notified", "new-death", "closed")


def as_json(result: Result) -> list[dict[str, object]]:
    assert result.exit_code == 0, result.output
    data: list[dict[str, object]] = json.loads(result.stdout)
    return data


@pytest.mark.usefixtures("casebook")
def test_table_overdue_first_with_summary(run: Run) -> None:
    result = run("deadlines", "--as-of", "14/01/2025", env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    rows = [line for line in lines if "LSCP-" in line]
    # Overdue: partners (due 10th, never recorded) then the health return (due 13th).
    assert "Report to the safeguarding partners" in rows[0] and "overdue" in rows[0]
    assert "Leeds Community Healthcare" in rows[1] and "overdue" in rows[1]
    assert "A.B." in rows[0]
    assert "C.D.; E.D." in result.stdout
    assert "(provisional)" in result.stdout
    assert "LSCP-2024-007" not in result.stdout  # closed: its unmet deadlines are not work
    assert "West Yorkshire Police" not in result.stdout  # met
    assert lines[-1] == "2 overdue, 2 due within 3 working days (as of Tuesday 14 January 2025)"
    assert "Basis" not in result.stdout


@pytest.mark.usefixtures("casebook")
def test_json_fields_exactly_as_design(run: Run) -> None:
    rows = as_json(run("deadlines", "--as-of", "2025-01-14", "--format", "json"))
    review = next(
        r for r in rows if r["case"] == "LSCP-2025-002" and r["milestone"] == "rapid-review"
    )
    assert review == {
        "case": "LSCP-2025-002",
        "milestone": "rapid-review",
        "label": "Rapid Review to the National Panel",
        "due": "2025-01-29",
        "met": None,
        "status": "pending",
        "working_days_left": 11,
        "provisional": True,
        "basis": "15 working days after the local authority became aware on 2025-01-08; "
        "provisional until the Panel notification is recorded",
        "agency": None,
        "action": None,
        "source": review["source"],
        "action_text": None,
        "owner": None,
    }
    health = next(r for r in rows if r["agency"] == "Leeds Community Healthcare")
    assert (health["due"], health["status"], health["working_days_left"]) == (
        "2025-01-13",
        "overdue",
        -1,
    )


@pytest.mark.usefixtures("casebook")
def test_all_includes_met_and_closed_cases(run: Run) -> None:
    rows = as_json(run("deadlines", "--as-of", "2025-01-14", "--all", "--format", "json"))
    police = next(r for r in rows if r["agency"] == "West Yorkshire Police")
    assert (police["met"], police["status"]) == ("2025-01-10", "met")
    closed = [r for r in rows if r["case"] == "LSCP-2024-007"]
    assert {r["milestone"] for r in closed} == {
        "panel-notification",
        "partners-notification",
        "rapid-review",
    }


@pytest.mark.usefixtures("casebook")
@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            ["--overdue"],
            {("LSCP-2025-001", "partners-notification"), ("LSCP-2025-001", "agency-return")},
        ),
        (
            ["--within", "2"],
            {
                ("LSCP-2025-001", "partners-notification"),
                ("LSCP-2025-001", "agency-return"),
                ("LSCP-2025-002", "panel-notification"),
                ("LSCP-2025-002", "partners-notification"),
            },
        ),
        (
            ["--case", "LSCP-2025-002"],
            {
                ("LSCP-2025-002", "panel-notification"),
                ("LSCP-2025-002", "partners-notification"),
                ("LSCP-2025-002", "rapid-review"),
            },
        ),
        (["--case", "2025-002", "--overdue"], set()),
    ],
)
def test_filters(run: Run, options: list[str], expected: set[tuple[str, str]]) -> None:
    rows = as_json(run("deadlines", "--as-of", "2025-01-14", "--format", "json", *options))
    assert {(r["case"], r["milestone"]) for r in rows} == expected


@pytest.mark.usefixtures("casebook")
def test_sorted_by_due_date_after_the_overdue(run: Run) -> None:
    rows = as_json(run("deadlines", "--as-of", "2025-01-14", "--all", "--format", "json"))
    overdue = [r for r in rows if r["status"] == "overdue"]
    assert rows[: len(overdue)] == overdue
    rest = [str(r["due"]) for r in rows[len(overdue) :]]
    assert rest == sorted(rest)


@pytest.mark.usefixtures("casebook")
def test_csv_for_excel(run: Run) -> None:
    result = run("deadlines", "--as-of", "2025-01-14", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0])[:6] == ["due", "case", "children", "label", "working_days_left", "status"]
    assert {"basis", "milestone", "met", "provisional", "agency", "action"} <= set(rows[0])
    assert rows[0]["status"] == "overdue"
    assert any(r["provisional"] == "yes" and "(provisional)" not in r["label"] for r in rows)


@pytest.mark.usefixtures("casebook")
def test_basis_on_request(run: Run) -> None:
    result = run(
        "deadlines",
        "--as-of",
        "2025-01-14",
        "--basis",
        "--case",
        "LSCP-2025-001",
        env={"COLUMNS": "250"},
    )
    assert "Basis" in result.stdout
    assert "5 working days after the request" in result.stdout


@pytest.mark.usefixtures("casebook")
def test_ics_all_day_events_with_stable_uids(run: Run) -> None:
    from icalendar import Calendar

    first = run("deadlines", "--as-of", "2025-01-14", "--all", "--format", "ics")
    assert first.exit_code == 0
    assert "DTSTART;VALUE=DATE:20250113" in first.stdout
    events = Calendar.from_ical(first.stdout).walk("VEVENT")
    uids = sorted(str(e["UID"]) for e in events)
    assert "LSCP-2025-001/agency-return/leeds-community-healthcare@lscp" in uids
    police = [e for e in events if "west-yorkshire-police" in str(e["UID"])]
    assert [str(e["STATUS"]) for e in police] == ["CANCELLED"]  # met: cancelled, same UID
    assert all("A.B." not in str(e["SUMMARY"]) for e in events)  # no initials in calendars
    second = run("deadlines", "--as-of", "2025-01-20", "--all", "--format", "ics")
    assert sorted(str(e["UID"]) for e in Calendar.from_ical(second.stdout).walk("VEVENT")) == uids


@pytest.mark.usefixtures("casebook")
def test_a_malformed_case_is_named_and_the_rest_still_shown(
    run: Run, write_case: WriteCase
) -> None:
    write_case('schema = 1\nid = "LSCP-2025-003"\n[incident\n', "LSCP-2025-003")
    result = run("deadlines", "--as-of", "2025-01-14", "--format", "json")
    assert result.exit_code == 1
    assert "LSCP-2025-003.toml:3" in result.stderr
    assert {r["case"] for r in json.loads(result.stdout)} == {"LSCP-2025-001", "LSCP-2025-002"}


def test_lscp_toml_closures_and_rule_overrides(
    run: Run, write_case: WriteCase, casebook_dir: Path
) -> None:
    write_case(NEW_CASE, "LSCP-2025-002")
    (casebook_dir / "lscp.toml").write_text(
        "[calendar]\nclosed = [2025-01-13]\n[rules]\npanel_notification_days = 3\n",
        encoding="utf-8",
    )
    rows = as_json(run("deadlines", "--as-of", "2025-01-08", "--format", "json"))
    due = {r["milestone"]: r["due"] for r in rows}
    # Aware Wednesday 8th: Thu 9, Fri 10, Mon 13 is the 3rd working day: the office closure
    # on Monday 13th does not move a national deadline.
    assert due["panel-notification"] == "2025-01-13"
    assert due["partners-notification"] == "2025-01-15"  # 5 days, the closure counted


def test_closures_in_lscp_toml_never_move_a_national_deadline(
    run: Run, casebook_dir: Path
) -> None:
    (casebook_dir / "lscp.toml").write_text(
        "[calendar]\nclosed = [2025-12-29, 2025-12-30, 2025-12-31]\n", encoding="utf-8")
    made = run("new-incident", "--no-input", "--type", "serious-harm", "--aware", "22/12/2025",
               "--abuse-or-neglect", "suspected", "--child-initials", "A.B.",
               env={"LSCP_TODAY": "2025-12-23"})
    assert made.exit_code == 0, made.stderr
    case_id = made.stdout.strip()
    asked = run("record", case_id, "agency-requested", "23/12/2025", "--agency", "Police",
                env={"LSCP_TODAY": "2025-12-23"})
    assert asked.exit_code == 0, asked.stderr
    rows = as_json(run("deadlines", "--as-of", "2025-12-23", "--format", "json"))
    due = {r["milestone"]: (r["due"], r["basis"]) for r in rows}
    assert due["panel-notification"][0] == "2025-12-31"  # not 6 January 2026
    assert due["partners-notification"][0] == "2025-12-31"
    assert "do not move a national deadline (counting them would give 2026-01-06)" in \
        due["panel-notification"][1]
    assert due["agency-return"] == (
        "2026-01-07", "5 working days after the request on 2025-12-23; moved from 2026-01-02 "
        "by the office closures in lscp.toml [calendar] closed (2025-12-29, 2025-12-30, "
        "2025-12-31)")
    table = run("deadlines", "--as-of", "2025-12-23", "--basis", env={"COLUMNS": "400"})
    assert "moved from 2026-01-02 by the office closures" in table.stdout


def test_bad_rule_override_is_an_error_naming_lscp_toml(
    run: Run, write_case: WriteCase, casebook_dir: Path
) -> None:
    write_case(NEW_CASE, "LSCP-2025-002")
    (casebook_dir / "lscp.toml").write_text("[rules]\nagency_return = 5\n", encoding="utf-8")
    result = run("deadlines")
    assert result.exit_code == 1
    assert "lscp.toml:2" in result.stderr
    assert "did you mean 'agency_return_days'?" in result.stderr


def test_empty_casebook(run: Run) -> None:
    result = run("deadlines")
    assert result.exit_code == 0
    assert "Nothing due" in result.stdout


def test_help_has_examples(run: Run) -> None:
    result = run("deadlines", "--help")
    assert result.exit_code == 0
    assert "lscp deadlines --within 10" in result.stdout
    assert "agency_return_days" in result.stdout


def test_help_numbers_come_from_rules_toml(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from lscp_cli.base.records import replace
    from lscp_cli.cli import deadlines as command
    from lscp_cli.process.ruleset import default_rules

    text = " ".join(run("deadlines", "--help").stdout.split())
    for rule in default_rules():
        label, when = rule.describe()
        assert f"{label} {when}" in text
    assert "Rapid Review to the National Panel 15 working days after the Panel notification" in text
    assert "6 months after the decision to commission a CSPR" in text
    # Change a number in the rules and the help follows.
    changed = tuple(replace(r, offset=11) if r.id == "rapid-review" else r
                    for r in default_rules())
    monkeypatch.setattr(command, "default_rules", lambda: changed)
    assert "11 working days after the Panel notification" in " ".join(command._help().split())


def test_json_report_does_not_import_slow_libraries(write_case: WriteCase) -> None:
    write_case(OPEN_CASE, "LSCP-2025-001")
    code = (
        "import sys; from lscp_cli.cli import main; sys.argv = ['lscp', 'deadlines', "
        "'--format', 'json'];\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('workalendar', 'icalendar') if m in sys.modules), "
        "file=sys.stderr)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stderr.strip().endswith("[]"), out.stderr
