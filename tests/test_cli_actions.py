"""`lscp actions` and `record ... action-progress`: who owes what, by when, and how it goes."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Run = Callable[..., Result]
WriteCase = Callable[..., Path]

LONG_TEXT = ("Refresh multi-agency training on bruising in non-mobile babies, including the "
             "protocol for referral to the paediatric team and the escalation policy")

# Fictional. Action 1 overdue as of 2025-11-14 (due Friday 7 November), action 2 done late,
# action 3 open with no due date.
OPEN_CASE = f"""\
schema = 1
id = "LSCP-2025-001"

[incident]
type = "serious-harm"
aware = 2025-01-03

[[children]]
initials = "A.B."

[[actions]]
text = "{LONG_TEXT}"
owner = "West Yorkshire Police"
due = 2025-11-07

[[actions]]
text = "Audit the use of the neglect toolkit"
owner = "Leeds Community Healthcare"
due = 2025-10-31
completed = 2025-11-03

[[actions]]
text = "Brief the GP leads"
owner = "west yorkshire  POLICE"
"""

# Closed with one action still open (due Friday 21 November): still owed, still listed.
CLOSED_CASE = """\
schema = 1
id = "LSCP-2024-007"
closed = 2025-06-30

[incident]
type = "death"
aware = 2024-11-04

[[children]]
initials = "F.G."

[[actions]]
text = "Publish the seven-minute briefing"
owner = "LSCP Business Unit"
due = 2025-11-21
"""

WITHDRAWN_CASE = """\
schema = 1
id = "LSCP-2025-002"
withdrawn = 2025-02-01

[incident]
type = "death"
aware = 2025-01-20

[[children]]
initials = "C.D."

[[actions]]
text = "Never owed"
owner = "West Yorkshire Police"
due = 2025-03-01
"""


@pytest.fixture(autouse=True)
def cases(write_case: WriteCase) -> None:
    write_case(OPEN_CASE, "LSCP-2025-001")
    write_case(CLOSED_CASE, "LSCP-2024-007")
    write_case(WITHDRAWN_CASE, "LSCP-2025-002")


def rows(result: Result) -> list[dict[str, object]]:
    assert result.exit_code == 0, result.output
    data: list[dict[str, object]] = json.loads(result.stdout)
    return data


def test_json_carries_every_action_whole_with_its_status(run: Run) -> None:
    found = rows(run("actions", "--as-of", "2025-11-14", "--format", "json"))
    assert [(r["case"], r["action"], r["status"]) for r in found] == [
        # Grouped by owner; "west yorkshire  POLICE" is the same owner as the police.
        ("LSCP-2025-001", 2, "met-late"),  # Leeds Community Healthcare
        ("LSCP-2024-007", 1, "pending"),  # LSCP Business Unit (closed case, still owed)
        ("LSCP-2025-001", 1, "overdue"),  # West Yorkshire Police: overdue first
        ("LSCP-2025-001", 3, "pending"),  # no due date
    ]
    first = found[2]
    assert first["text"] == LONG_TEXT  # never cut
    assert (first["owner"], first["due"], first["working_days_left"]) == (
        "West Yorkshire Police", "2025-11-07", -5)
    assert found[3]["due"] is None and found[3]["working_days_left"] is None
    assert not any(r["case"] == "LSCP-2025-002" for r in found)  # withdrawn: nothing owed


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--owner", "YORKSHIRE police"], [("LSCP-2025-001", 1), ("LSCP-2025-001", 3)]),
        (["--owner", "community   health"], [("LSCP-2025-001", 2)]),
        (["--open"], [("LSCP-2024-007", 1), ("LSCP-2025-001", 1), ("LSCP-2025-001", 3)]),
        (["--overdue"], [("LSCP-2025-001", 1)]),
        (["--case", "2024-7"], [("LSCP-2024-007", 1)]),
        (["--owner", "nobody"], []),
    ],
)
def test_filters(run: Run, options: list[str], expected: list[tuple[str, int]]) -> None:
    found = rows(run("actions", "--as-of", "2025-11-14", "--format", "json", *options))
    assert [(r["case"], r["action"]) for r in found] == expected


def test_open_and_overdue_together_is_bad_usage(run: Run) -> None:
    result = run("actions", "--open", "--overdue")
    assert result.exit_code == 2
    assert "not both" in result.stderr


def test_progress_notes_in_show_actions_and_csv(run: Run, casebook_dir: Path) -> None:
    for day, note in [("2025-11-10", "Trainer booked"), ("2025-11-12", "Dates: 3 and 10 Dec")]:
        result = run("record", "LSCP-2025-001", "action-progress", day, "--action", "1",
                     "--note", note)
        assert result.exit_code == 0, result.output
    assert ("Action 1: progress note 2 = date Wed 12 Nov 2025, note Dates: 3 and 10 Dec"
            in result.stdout)
    again = run("record", "LSCP-2025-001", "action-progress", "2025-11-12", "--action", "1",
                "--note", "Dates: 3 and 10 Dec")
    assert "nothing changed" in again.stdout
    audit = [json.loads(line) for line in (casebook_dir / "audit.log").read_text().splitlines()]
    assert [a["field"] for a in audit] == ["actions[1].progress[1]", "actions[1].progress[2]"]

    shown = run("show", "LSCP-2025-001", env={"COLUMNS": "200"})
    assert "Mon 10 Nov 2025 progress: Trainer booked" in shown.stdout
    assert "Wed 12 Nov 2025 progress: Dates: 3 and 10 Dec" in shown.stdout

    table = run("actions", "--as-of", "2025-11-14", env={"COLUMNS": "250"})
    assert table.exit_code == 0, table.output
    assert "2025-11-12: Dates: 3 and 10 Dec" in table.stdout
    assert "Trainer booked" not in table.stdout  # only the latest note
    assert "West Yorkshire Police: 2 open, 1 overdue" in table.stdout
    assert table.stdout.rstrip().endswith("4 action(s): 3 open, 1 overdue")

    exported = list(csv.DictReader(io.StringIO(
        run("actions", "--as-of", "2025-11-14", "--format", "csv", "--overdue").stdout)))
    assert exported == [{
        "case": "LSCP-2025-001", "action": "1", "text": LONG_TEXT,
        "owner": "West Yorkshire Police", "due": "2025-11-07", "completed": "",
        "status": "overdue", "working_days_left": "-5", "progress_date": "2025-11-12",
        "progress_note": "Dates: 3 and 10 Dec",
    }]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--action", "1"], "needs --note"),
        (["--action", "9", "--note", "x"], "there is no action 9 in this case (it has 3)"),
        (["--note", "x"], "needs --action N"),
    ],
)
def test_progress_refused_without_what_it_needs(
    run: Run, options: list[str], message: str
) -> None:
    result = run("record", "LSCP-2025-001", "action-progress", "2025-11-10", *options)
    assert result.exit_code == 1
    assert message in result.stderr


def test_a_hand_written_progress_list_is_checked(run: Run, write_case: WriteCase) -> None:
    write_case(OPEN_CASE + 'progress = [{ date = "10/11/2025", note = "typed" }]\n')
    result = run("check")
    assert result.exit_code == 1
    assert "'actions[3].progress' must be a list of notes" in result.stdout


def test_deadlines_json_and_csv_carry_the_whole_action_and_owner(run: Run) -> None:
    found = rows(run("deadlines", "--as-of", "2025-11-14", "--format", "json"))
    assert not any(r["case"] == "LSCP-2025-002" for r in found)  # withdrawn: nothing due
    action = next(r for r in found if r["milestone"] == "action")
    assert (action["action_text"], action["owner"]) == (LONG_TEXT, "West Yorkshire Police")
    # Whole in JSON and CSV (issue 20: Excel users saw labels cut short); the table shortens.
    assert action["label"] == f"Action {action['action']}: {' '.join(LONG_TEXT.split())}"
    table = run("deadlines", "--as-of", "2025-11-14").stdout
    assert "…" in table and LONG_TEXT not in " ".join(table.split())
    exported = list(csv.DictReader(io.StringIO(
        run("deadlines", "--as-of", "2025-11-14", "--format", "csv").stdout)))
    row = next(r for r in exported if r["milestone"] == "action")
    assert (row["action_text"], row["owner"]) == (LONG_TEXT, "West Yorkshire Police")
