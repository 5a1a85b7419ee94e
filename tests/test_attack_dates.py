"""Faults found by the attack (issue 12): dates a case holds, arithmetic that never overflows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result
from tests.conftest import CASE_TEXT

from lscp_cli.errors import DateOutOfRange
from lscp_cli.process.workdays import CALENDAR_FIRST, CALENDAR_LAST, WorkCalendar

Run = Callable[..., Result]


def test_a_far_date_is_a_named_problem_and_hides_no_other_case(
    run: Run, write_case: Callable[..., Path]
) -> None:
    write_case()
    write_case(CASE_TEXT.replace("LSCP-2025-001", "LSCP-2025-002")
               .replace("aware = 2025-01-03", "aware = 9999-12-31"), "LSCP-2025-002")
    checked = run("check")
    assert checked.exit_code == 1
    assert "LSCP-2025-002.toml:9: 'incident.aware' 9999-12-31 is outside" in checked.output
    for command in (("list",), ("deadlines", "--as-of", "2025-01-06")):
        result = run(*command)
        assert "unexpected" not in result.output
        assert "LSCP-2025-001" in result.output  # the good case is still listed
        assert "LSCP-2025-002.toml" in result.output  # the bad one is named
    shown = run("show", "LSCP-2025-002")
    assert shown.exit_code == 1 and "unexpected" not in shown.output
    assert "is outside" in shown.output


@pytest.mark.parametrize("value", ["0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31"])
def test_every_case_date_has_a_range(run: Run, write_case: Callable[..., Path],
                                      value: str) -> None:
    write_case(CASE_TEXT.replace("date_of_birth = 2024-04-02", f"date_of_birth = {value}"))
    result = run("check")
    assert result.exit_code == 1
    assert f"'children[1].date_of_birth' {value} is outside" in result.output


def test_dates_at_the_edges_of_the_range_are_fine(run: Run,
                                                  write_case: Callable[..., Path]) -> None:
    # The incident a year after the birth: a child (an age the type rules out is refused).
    write_case(CASE_TEXT.replace("date_of_birth = 2024-04-02", "date_of_birth = 1900-01-01")
               .replace("occurred = 2025-01-02", "occurred = 1901-01-02")
               .replace("aware = 2025-01-03", "aware = 1901-01-03")
               .replace("opened = 2025-01-06", "opened = 2199-12-31"))
    assert "outside" not in run("check").output
    assert run("deadlines", "--as-of", "2199-12-31", "--format", "json").exit_code == 0


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (("add", "9999-12-30", "5"), "9999-12-30"),
        (("add", "0001-01-01", "5"), "0001-01-01"),
        (("add", "0001-01-05", "-2"), "0001-01-05"),
        (("add", "2399-12-20", "25000"), "2399-12-20"),
        (("between", "0001-01-01", "2025-01-01"), "0001-01-01"),
    ],
)
def test_workdays_outside_the_calendar_is_a_clear_error(run: Run, args: tuple[str, ...],
                                                        shown: str) -> None:
    result = run("workdays", *args)
    assert result.exit_code == 1
    assert "unexpected" not in result.output
    assert "working days are counted only from 1800 to 2399" in result.output


@pytest.mark.parametrize(
    ("start", "n"),
    [(date(9999, 12, 30), 5), (date(1, 1, 1), 5), (date(1, 1, 5), -2), (date.max, 0),
     (date.min, 0), (CALENDAR_LAST, 1), (CALENDAR_FIRST, -1)],
)
def test_arithmetic_never_overflows_nor_answers_wrongly(start: date, n: int) -> None:
    with pytest.raises(DateOutOfRange):
        WorkCalendar().add(start, n)


def test_months_never_overflow() -> None:
    with pytest.raises(DateOutOfRange):
        WorkCalendar().add_months(date(9999, 12, 30), 6)
    with pytest.raises(DateOutOfRange):
        WorkCalendar().add_months(date(2399, 12, 30), 6)
    with pytest.raises(DateOutOfRange):
        WorkCalendar().between(date(1, 1, 1), date(2025, 1, 1))


def test_the_edges_of_the_calendar_still_count() -> None:
    calendar = WorkCalendar()
    first = calendar.add(CALENDAR_FIRST, 0)
    assert first.year == CALENDAR_FIRST.year
    assert calendar.add(calendar.add(first, 10), -10) == first
    last = calendar.add(CALENDAR_LAST, -1)
    assert last.year == CALENDAR_LAST.year
    assert calendar.between(first, last) > 150_000


DEEP_ARRAY = "x = " + "[" * 500 + "]" * 500 + "\n"
DEEP_TABLE = "[" + ".".join(["a"] * 1000) + "]\nb = 1\n"
DEEP_INLINE = "y = " + "{a = " * 300 + "1" + "}" * 300 + "\n"


@pytest.mark.parametrize("deep", [DEEP_ARRAY, DEEP_TABLE, DEEP_INLINE])
def test_deep_nesting_makes_one_named_bad_file(run: Run, write_case: Callable[..., Path],
                                               deep: str) -> None:
    write_case()
    bad = CASE_TEXT.replace("LSCP-2025-001", "LSCP-2025-002")
    write_case(bad.replace("[incident]", deep + "[incident]") if "x =" in deep or "y =" in deep
               else bad + deep, "LSCP-2025-002")
    for command in (("check",), ("list",), ("deadlines", "--as-of", "2025-01-06"),
                    ("list", "--format", "json"), ("show", "LSCP-2025-002", "--format", "json")):
        result = run(*command)
        assert "unexpected" not in result.output, command
        assert "LSCP-2025-002.toml" in result.output, command
        assert "nested" in result.output, command
        if command[0] != "show":
            assert result.output.count("LSCP-2025-001") >= (0 if command == ("check",) else 1)
