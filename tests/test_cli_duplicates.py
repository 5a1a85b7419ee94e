"""`new-incident` warns of a possible duplicate (issue 9): the same child's initials and date of
birth, or the same initials and awareness within 30 days, in another case. Exit 0: a warning."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result

from conftest import CASE_TEXT
from lscp_cli.model.intake import NewChild, NewIncident, duplicate_reason

Run = Callable[..., Result]
# CASE_TEXT: LSCP-2025-001, child A.B. born 2024-04-02, aware 2025-01-03.


def new(*extra: str, aware: str = "10/03/2025", initials: str = "A.B.") -> tuple[str, ...]:
    return ("new-incident", "--no-input", "--type", "serious-harm", "--aware", aware,
            "--child-initials", initials, "--abuse-or-neglect", "suspected", *extra)


@pytest.mark.parametrize(
    ("args", "why"),
    [
        (new("--child-dob", "02/04/2024"), "same child initials and date of birth"),
        (new(aware="20/01/2025"), "same child initials, aware 2025-01-03, within 30 days"),
        (new(aware="02/02/2025", initials="a.b."),
         "same child initials, aware 2025-01-03, within 30 days"),
    ],
)
def test_new_incident_warns_of_a_possible_duplicate(args: tuple[str, ...], why: str, run: Run,
                                                    write_case: Callable[..., Path]) -> None:
    existing = write_case()
    before = existing.read_bytes()
    result = run(*args)
    assert result.exit_code == 0, result.output
    new_id = result.stdout.strip()
    assert new_id.startswith("LSCP-") and new_id != "LSCP-2025-001"
    assert (f"warning: {new_id} is a possible duplicate of LSCP-2025-001 ({why})"
            in result.stderr)
    assert "A.B." not in result.stderr  # the warning names no child
    assert existing.read_bytes() == before


@pytest.mark.parametrize(
    "args",
    [
        new("--child-dob", "03/04/2024", aware="10/03/2025"),  # same initials, other child
        new(aware="03/02/2025"),  # 31 days after: another incident
        new(aware="20/01/2025", initials="C.D."),
    ],
)
def test_no_warning_for_another_incident(args: tuple[str, ...], run: Run,
                                         write_case: Callable[..., Path]) -> None:
    write_case()
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert "duplicate" not in result.stderr


def test_any_child_of_either_case_matches(run: Run, write_case: Callable[..., Path]) -> None:
    write_case(CASE_TEXT + '\n[[children]]\ninitials = "E.F."\ndate_of_birth = 2020-05-05\n')
    result = run(*new("--child-dob", "01/01/2021", initials="X.Y."),
                 "--child-initials", "e.f.", "--child-dob", "05/05/2020")
    assert result.exit_code == 0, result.output
    assert ("possible duplicate of LSCP-2025-001 (same child initials and date of birth)"
            in result.stderr)


def test_duplicate_reason_directly() -> None:
    case = {"incident": {"aware": date(2025, 1, 3)},
            "children": [{"initials": "A.B.", "date_of_birth": date(2024, 4, 2)},
                         {"initials": "E.F.", "date_of_birth": date(2020, 5, 5)}]}
    twin = NewIncident("death", date(2026, 1, 1),
                       children=[NewChild("X.Y."), NewChild("E.F.", date(2020, 5, 5))])
    assert duplicate_reason(twin, case) == "same child initials and date of birth"
    soon = NewIncident("death", date(2025, 2, 2), children=[NewChild("AB")])
    assert duplicate_reason(soon, case) == ("same child initials, aware 2025-01-03, within "
                                            "30 days")
    later = NewIncident("death", date(2025, 2, 3), children=[NewChild("A.B.")])
    assert duplicate_reason(later, case) is None
    assert duplicate_reason(soon, {"children": "broken"}) is None
