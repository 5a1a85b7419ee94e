"""`lscp workdays add|between|holidays` through the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Run = Callable[..., Result]


@pytest.mark.parametrize(
    ("args", "stdout"),
    [
        (["add", "2025-01-03", "5"], "2025-01-10 (Friday 10 January 2025)"),
        (["add", "03/01/2025", "15"], "2025-01-24 (Friday 24 January 2025)"),
        (["add", "15/07/2025", "-7"], "2025-07-04 (Friday 4 July 2025)"),
        (["add", "2026-12-24", "1"], "2026-12-29 (Tuesday 29 December 2026)"),
        (["add", "2023-05-05", "1"], "2023-05-09 (Tuesday 9 May 2023)"),
        (["between", "2025-01-03", "2025-01-10"], "5"),
        (["between", "2025-01-10", "2025-01-03"], "-5"),
        (["between", "2024-12-20", "31/12/2024"], "5"),
    ],
)
def test_calculator(run: Run, args: list[str], stdout: str) -> None:
    result = run("workdays", *args)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == stdout


def test_weekend_start_is_explained_on_stderr(run: Run) -> None:
    result = run("workdays", "add", "2025-01-04", "5")
    assert result.stdout.strip() == "2025-01-10 (Friday 10 January 2025)"
    assert result.stderr.strip() == (
        "Saturday 4 January 2025 is not a working day: counting from Monday 6 January 2025 as day 1"
    )


def test_lscp_toml_calendar_is_respected(run: Run, casebook_dir: Path) -> None:
    (casebook_dir / "lscp.toml").write_text(
        "[calendar]\nclosed = [2025-12-29, 2025-12-30, 2025-12-31]\n"
        "extra_bank_holidays = [2025-06-06]\n",
        encoding="utf-8",
    )
    assert run("workdays", "add", "2025-12-22", "5").stdout.startswith("2026-01-06")
    assert run("workdays", "between", "2025-12-24", "2026-01-02").stdout.strip() == "1"
    listed = json.loads(run("workdays", "holidays", "2025", "--format", "json").stdout)
    reasons = {row["date"]: row["reason"] for row in listed}
    assert reasons["2025-12-29"] == "office closed (lscp.toml)"
    assert reasons["2025-06-06"] == "bank holiday (lscp.toml extra_bank_holidays)"


def test_no_casebook_uses_the_defaults(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("LSCP_DIR")
    result = run("workdays", "add", "2025-01-03", "5")
    assert result.stdout.startswith("2025-01-10")
    assert not (tmp_path / "home" / "lscp").exists()  # nothing written


def test_holidays_table(run: Run) -> None:
    result = run("workdays", "holidays", "2026", env={"COLUMNS": "120"})
    assert result.exit_code == 0
    assert "Non-working weekdays in 2026" in result.stdout
    # Dates the UK way in a table (issue 20); ISO in CSV and JSON.
    assert "Mon 28 Dec 2026  Boxing Day (substitute day)" in result.stdout
    assert "26 Dec 2026" not in result.stdout  # a Saturday: not listed


def test_holidays_csv(run: Run) -> None:
    result = run("workdays", "holidays", "2023", "--format", "csv")
    assert result.stdout.splitlines()[0] == "date,weekday,reason"
    assert "2023-05-08,Monday,Coronation of King Charles III" in result.stdout


def test_holidays_default_to_this_year(run: Run) -> None:
    result = run("workdays", "holidays", "--format", "json", env={"LSCP_TODAY": "2022-06-01"})
    days = [row["date"] for row in json.loads(result.stdout)]
    assert "2022-06-03" in days and "2022-09-19" in days


@pytest.mark.parametrize(
    "args",
    [
        ["add", "01/13/2025", "5"],  # month first: never guessed
        ["add", "2025-01-03", "five"],
        ["between", "2025-01-03"],
    ],
)
def test_bad_usage_exits_2(run: Run, args: list[str]) -> None:
    assert run("workdays", *args).exit_code == 2


@pytest.mark.parametrize("command", [[], ["add"], ["between"], ["holidays"]])
def test_help_has_an_example(run: Run, command: list[str]) -> None:
    result = run("workdays", *command, "--help")
    assert result.exit_code == 0
    assert "lscp workdays " in result.stdout.split("Example", 1)[1]


def test_national_counts_without_office_closures(run: Run, casebook_dir: Path) -> None:
    (casebook_dir / "lscp.toml").write_text(
        "[calendar]\nclosed = [2025-12-29, 2025-12-30, 2025-12-31]\n", encoding="utf-8")
    local = run("workdays", "add", "22/12/2025", "5")
    assert local.stdout.strip() == "2026-01-06 (Tuesday 6 January 2026)"
    assert "national deadlines (Panel notification, partners' report, Rapid Review) ignore " \
           "them: add --national" in local.stderr
    national = run("workdays", "add", "22/12/2025", "5", "--national")
    assert national.stdout.strip() == "2025-12-31 (Wednesday 31 December 2025)"
    assert "--national" not in national.stderr
    assert run("workdays", "between", "22/12/2025", "31/12/2025", "--national"
               ).stdout.strip() == "5"
    assert run("workdays", "between", "22/12/2025", "31/12/2025").stdout.strip() == "2"
