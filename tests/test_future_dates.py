"""A case is never hidden (issue 17): a date in the future where only the past makes sense
(incident.aware typed as 2062 for 2026) is refused by `lscp edit`, flagged by `lscp check`,
and a case whose awareness is in the future is shown by every report with the problem, not
dropped: `list` lists it, marked; the others name it as not counted."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from tests.test_cli_edit import editor
from tests.test_cli_report import Page

Run = Callable[..., Result]
TODAY = {"LSCP_TODAY": "2025-03-03"}
# An officer's lscp on a PC whose clock says 2063: the way a file from before this check (or
# from a wrong clock) comes to hold an awareness date that is in the future today.
LATER = {"LSCP_TODAY": "2063-01-01"}


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def new_case(run: Run, aware: str = "06/01/2025") -> str:
    return ok(run("new-incident", "--no-input", "--type", "serious-harm", "--aware", aware,
                  "--abuse-or-neglect", "suspected", "--child-initials", "A.B.",
                  env=TODAY)).stdout.strip()


def replace_in_editor(tmp_path: Path, old: str, new: str, name: str = "editor") -> str:
    return editor(tmp_path, f"p.write_text(p.read_text().replace({old!r}, {new!r}))", name)


@pytest.fixture
def future(run: Run, tmp_path: Path) -> tuple[str, str]:
    """One good case, and one whose incident.aware was edited to 2062-05-01 (through `lscp
    edit`, on a PC whose clock said 2063): today, 3 March 2025, that date is in the future."""
    good, typo = new_case(run), new_case(run, "10/02/2025")
    ok(run("edit", typo, env={**LATER, "EDITOR": replace_in_editor(
        tmp_path, "aware = 2025-02-10", "aware = 2062-05-01")}))
    return good, typo


def test_edit_refuses_a_past_only_date_typed_in_the_future(run: Run, tmp_path: Path,
                                                         casebook_dir: Path) -> None:
    case = new_case(run)
    path = casebook_dir / "cases" / f"{case}.toml"
    before = path.read_bytes()
    result = run("edit", case, input="n\n", env={**TODAY, "EDITOR": replace_in_editor(
        tmp_path, "aware = 2025-01-06", "aware = 2062-01-06")})
    assert result.exit_code == 1
    refusal = next(line for line in result.stderr.splitlines() if "2062-01-06" in line)
    assert "'incident.aware' is 2062-01-06, in the future" in refusal
    assert ".toml:" in refusal  # the file (the officer's copy) and the line
    assert path.read_bytes() == before


def test_edit_still_takes_a_plan_dated_ahead(run: Run, tmp_path: Path) -> None:
    case = new_case(run)
    ok(run("edit", case, env={**TODAY, "EDITOR": replace_in_editor(
        tmp_path, "aware = 2025-01-06", "aware = 2025-01-06\n\n[rapid_review]\n"
        "meeting = 2025-04-01")}))
    assert run("check", env=TODAY).exit_code == 0


def test_check_flags_the_date_with_its_line(run: Run, future: tuple[str, str]) -> None:
    _, typo = future
    result = run("check", env=TODAY)
    assert result.exit_code == 1
    assert (f"cases/{typo}.toml:" in result.output
            and "'incident.aware' is 2062-05-01, in the future: only a date that has passed "
                "makes sense here" in result.output)
    line = next(text for text in result.output.splitlines() if "2062-05-01" in text)
    number = int(line.split(".toml:")[1].split(":")[0])
    assert (Path("casebook/cases") / f"{typo}.toml").read_text().splitlines()[number - 1] \
        .startswith("aware = 2062-05-01")
    # On the PC whose clock says 2063 the date has passed: nothing to say.
    assert run("check", env=LATER).exit_code == 0


def test_check_flags_a_step_dated_in_the_future(run: Run, tmp_path: Path) -> None:
    case = new_case(run)
    ok(run("edit", case, env={**LATER, "EDITOR": replace_in_editor(
        tmp_path, "aware = 2025-01-06",
        "aware = 2025-01-06\n\n[notification]\npanel = 2026-01-08")}))
    result = run("check", env=TODAY)
    assert result.exit_code == 1
    assert "'notification.panel' is 2026-01-08, in the future" in result.output


def test_list_shows_the_case_marked(run: Run, future: tuple[str, str]) -> None:
    good, typo = future
    result = run("list", "--format", "json", env=TODAY)
    assert result.exit_code == 1
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert set(rows) == {good, typo}
    assert rows[typo]["stage"] == "not counted: incident.aware is in the future (lscp check)"
    assert rows[typo]["next_deadline"] is None
    assert f"{typo}.toml (incident.aware is in the future)" in result.stderr
    table = run("list", env={**TODAY, "COLUMNS": "200"})
    assert typo in table.stdout and "not counted: incident.aware is in the future" in \
        table.stdout
    assert typo in run("list", "--open", env=TODAY).stdout


@pytest.mark.parametrize("args", [["deadlines"], ["deadlines", "--format", "json"],
                                  ["deadlines", "--format", "ics"], ["actions"],
                                  ["stats", "--format", "json"], ["report", "-o", "-"]])
def test_every_report_names_the_case(run: Run, future: tuple[str, str],
                                     args: list[str]) -> None:
    good, typo = future
    result = run(*args, env=TODAY)
    assert result.exit_code == 1
    said = (f"1 case file with a date in the future that must be past, so its deadlines "
            f"cannot be worked out and are not in this report: {typo}.toml "
            "(incident.aware is in the future)")
    # On the output itself (a table, the calendar, the page), on stderr beside JSON.
    output = result.stdout.replace("\n", " ")
    if "ics" in args:
        from icalendar import Calendar

        # An X- property is kept as written: TEXT with its commas escaped.
        output = str(Calendar.from_ical(result.stdout)["X-WR-CALDESC"]).replace("\\,", ",")
    assert said in (result.stderr if args[-1] == "json" else output)
    if args[0] == "stats":
        figures = json.loads(result.stdout)
        assert figures["case_files_not_counted"] == [
            {"file": f"{typo}.toml", "problem": "incident.aware is in the future"}]
    if args[0] == "report":
        assert f"{typo}.toml: incident.aware is in the future" in result.stdout
        assert Page(result.stdout).numbers["incidents"] == "1"
    if args == ["deadlines", "--format", "json"]:
        assert {row["case"] for row in json.loads(result.stdout)} == {good}


def test_show_says_the_date_is_in_the_future(run: Run, future: tuple[str, str]) -> None:
    _, typo = future
    result = run("show", typo, env=TODAY)
    assert result.exit_code == 1
    assert "'incident.aware' is 2062-05-01, in the future" in result.stderr
    assert "did not exist yet" not in result.stderr


def test_a_past_as_of_still_leaves_out_a_case_not_known_then(run: Run) -> None:
    """Not a typo: aware in February, the report as of January rightly leaves it out."""
    new_case(run, "10/02/2025")
    result = run("deadlines", "--as-of", "2025-01-20", "--format", "json", env=TODAY)
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    assert "NOT COMPLETE" not in result.stderr


@pytest.mark.parametrize(("field", "path"), [("occurred", "incident.occurred"),
                                             ("date_of_birth", "children[1].date_of_birth")])
def test_set_refuses_a_fact_dated_in_the_future(run: Run, casebook_dir: Path, field: str,
                                                path: str) -> None:
    case = new_case(run)
    file = casebook_dir / "cases" / f"{case}.toml"
    before = file.read_bytes()
    result = run("set", case, field, "01/01/2062", env=TODAY)
    assert result.exit_code == 2  # a value the field does not take, as `set` says of others
    assert f"{path} 2062-01-01 is in the future" in result.stderr
    assert file.read_bytes() == before
    ok(run("set", case, field, "03/01/2025", env=TODAY))  # a date that has passed: taken
    assert run("check", env=TODAY).exit_code == 0


def test_a_child_with_a_date_of_birth_does_not_hide_the_future_date(
        run: Run, casebook_dir: Path) -> None:
    """With the child's date of birth recorded, awareness typed by hand as 2062 made the
    child 47: the file was refused as an adult's case ("check the date of birth and the
    type"), the wrong fix, and `list` left it out. The age is not checked on a day still to
    come: `check` names the future date, and `list` shows the case marked, as it does without
    a date of birth."""
    case = ok(run("new-incident", "--no-input", "--type", "serious-harm", "--aware",
                  "10/02/2025", "--abuse-or-neglect", "suspected", "--child-initials", "A.B.",
                  "--child-dob", "01/02/2015", env=TODAY)).stdout.strip()
    path = casebook_dir / "cases" / f"{case}.toml"
    path.write_text(path.read_text().replace("aware = 2025-02-10", "aware = 2062-05-01"))
    checked = run("check", env=TODAY)
    assert checked.exit_code == 1
    assert "'incident.aware' is 2062-05-01, in the future" in checked.output
    assert "was 47" not in checked.output
    rows = {row["id"]: row for row in json.loads(run("list", "--format", "json",
                                                     env=TODAY).stdout)}
    assert rows[case]["stage"] == "not counted: incident.aware is in the future (lscp check)"
    shown = run("show", case, env=TODAY)
    assert "'incident.aware' is 2062-05-01, in the future" in shown.stderr
    # Once the day has come, the age is checked: 47 then, not a child's case.
    assert "was 47" in run("check", env=LATER).output
