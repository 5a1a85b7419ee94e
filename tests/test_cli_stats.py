"""`lscp stats`: the partnership's figures, worked out by hand for a fictional lifecycle."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from tests.lifecycle import WITHDRAWN_CASE, walk_late, walk_on_time

from lscp_cli.model.casefields import INCIDENT_TYPES

Run = Callable[..., Result]
AS_OF = "2026-06-30"  # a Tuesday: the late case's council action (due 29 May) is overdue


@pytest.fixture
def lifecycle(run: Run, write_case: Callable[..., Path]) -> tuple[str, str]:
    write_case(WITHDRAWN_CASE, "LSCP-2025-099")  # left out of every figure
    return walk_on_time(run), walk_late(run)


def figures(run: Run, *options: str) -> dict[str, object]:
    result = run("stats", "--as-of", AS_OF, "--format", "json", *options)
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def by_type(**counts: int) -> dict[str, int]:
    return {**dict.fromkeys(INCIDENT_TYPES, 0), **counts}


@pytest.mark.usefixtures("lifecycle")
def test_both_cases_figures_by_hand(run: Run) -> None:
    assert figures(run) == {
        "incidents": 2,
        # LSCP-2025-099, withdrawn: in no figure, but counted apart (not a duplicate)
        "withdrawn": {"total": 1, "duplicates": 0},
        "by_type": by_type(death=1, **{"serious-harm": 1}),
        # On time: notified on 5 March, due 10 March. Late: notified 11 June, due 9 June.
        "panel_notified_on_time": {"on_time": 1, "late": 1, "pending": 0},
        # The late one was notified late with no --note: no reason recorded.
        "panel_notified_late": {"notified_with_reason": 0, "notified_without_reason": 1,
                                "not_notified": 0},
        # Late case: partners told 10 June, due 9 June.
        "partners_notified_on_time": {"on_time": 1, "late": 1, "pending": 0},
        # No care leaver's death among them.
        "care_leaver_notified_on_time": {"on_time": 0, "late": 0, "pending": 0},
        # 20 March (due 26 March) on time; 11 July (due 2 July) late.
        "rapid_reviews_on_time": {"on_time": 1, "late": 1, "pending": 0},
        "decisions": {"cspr": 2, "no-cspr": 0, "other-review": 0},
        "cspr_commissioned": 2,
        "cspr_published": 2,
        # 10 September 2025 by 18 September: yes; 16 February 2026 by 9 January: no.
        "cspr_published_within_aim": 1,
        "cspr_publication_aim_months": 6,
        # Awareness to Panel: 2 and 7 working days; Panel to Rapid Review: 11 and 22.
        "median_working_days": {"awareness_to_notification": 4.5,
                                "notification_to_rapid_review": 16.5},
        # On time: 2 + police. Late: health (20 June, due 18th). Education never returned:
        # lapsed when the Rapid Review went on 11 July, not late.
        "agency_returns_on_time": {"on_time": 3, "late": 1, "pending": 0, "lapsed": 1},
        # On time case: 2 completed on time. Late case: police 14 April (due 31 March) late;
        # council due 29 May open and overdue; health due 18 December open.
        "actions": {"open": 2, "overdue": 1, "completed_on_time": 2, "completed_late": 1},
        # Every case file read: none left out of the figures (test_not_complete).
        "case_files_not_counted": [],
        "case_files_in_doubt": [],
    }


@pytest.mark.usefixtures("lifecycle")
def test_financial_year_runs_april_to_march(run: Run) -> None:
    # 2025/26 is 1 April 2025 to 31 March 2026: only the late case (aware 2 June 2025).
    late_only = figures(run, "--financial-year", "2025")
    assert late_only["incidents"] == 1
    assert late_only["by_type"] == by_type(death=1)
    assert late_only["panel_notified_on_time"] == {"on_time": 0, "late": 1, "pending": 0}
    assert late_only["median_working_days"] == {"awareness_to_notification": 7,
                                                "notification_to_rapid_review": 22}
    # 2024/25 ends 31 March 2025: the on-time case (aware 3 March 2025).
    on_time = figures(run, "--financial-year", "2024")
    assert on_time["incidents"] == 1 and on_time["cspr_published_within_aim"] == 1
    assert on_time["actions"] == {"open": 0, "overdue": 0, "completed_on_time": 2,
                                  "completed_late": 0}
    assert figures(run, "--year", "2025")["incidents"] == 2
    assert figures(run, "--year", "2024")["incidents"] == 0
    assert figures(run, "--from", "03/03/2025", "--to", "01/06/2025")["incidents"] == 1
    assert figures(run, "--from", "04/03/2025")["incidents"] == 1


def test_a_step_not_yet_due_is_pending_and_past_due_is_late(run: Run) -> None:
    from tests.lifecycle import open_case

    open_case(run, "serious-harm", "2025-03-03", "A.B.")  # Panel due Monday 10 March
    before = figures(run, "--as-of", "2025-03-10")["panel_notified_on_time"]
    after = figures(run, "--as-of", "2025-03-11")["panel_notified_on_time"]
    assert before == {"on_time": 0, "late": 0, "pending": 1}
    assert after == {"on_time": 0, "late": 1, "pending": 0}


def test_a_care_leavers_late_notification_shows_as_late(run: Run) -> None:
    """A care leaver's death (aged 20) notified to the Secretary of State and Ofsted late:
    counted late on its own line, in the JSON, the table and the board report (it was in no
    figure before)."""
    from tests.test_cli_report import Page

    made = run("new-incident", "--no-input", "--type", "care-leaver-death", "--aware",
               "03/03/2025", "--child-initials", "A.B.", "--child-dob", "01/01/2005",
               env={"LSCP_TODAY": "2025-03-03"})
    assert made.exit_code == 0, made.output
    late = run("record", made.stdout.strip(), "care-leaver-notified", "2025-03-12",
               "--reference", "CL-1", env={"LSCP_TODAY": "2025-03-12"})
    assert late.exit_code == 0 and "is late" in late.stderr, late.output
    data = figures(run, "--as-of", "2025-03-12")
    assert data["care_leaver_notified_on_time"] == {"on_time": 0, "late": 1, "pending": 0}
    assert data["panel_notified_on_time"] == {"on_time": 0, "late": 0, "pending": 0}
    table = run("stats", "--as-of", "2025-03-12").stdout
    assert ("Care leaver's death: Secretary of State and Ofsted notified within 5 working "
            "days") in " ".join(table.split())
    page = Page(run("report", "-o", "-", "--as-of", "2025-03-12").stdout)
    assert page.numbers["care_leaver_notified_on_time.late"] == "1"


def test_late_notifications_are_told_apart_by_the_reason_recorded(run: Run) -> None:
    """Of four notifications due Monday 10 March 2025: one made late with why (--note), one
    late with why added by running the command again, one late without, one never made. The
    late line counts 4; its three parts say which is which (issue 17: the --note asked for
    when a notification is late)."""
    from tests.lifecycle import open_case

    at = {"LSCP_TODAY": "2025-03-12"}
    with_note, noted_after, without, never = (
        open_case(run, "serious-harm", "2025-03-03", initials)
        for initials in ("A.B.", "C.D.", "E.F.", "G.H."))
    notify = ("panel-notified", "2025-03-12", "--reference", "SI-1")
    note = ("--note", "the referral reached us by post")
    for case, extra in ((with_note, note), (noted_after, ()), (without, ())):
        made = run("record", case, *notify, *extra, env=at)
        assert made.exit_code == 0, made.output
        assert "is late" in made.stderr
        if not extra:  # the warning says how to give the reason now
            assert "run the same command again with --note" in " ".join(made.stderr.split())
    again = run("record", noted_after, *notify, *note, env=at)
    assert again.exit_code == 0, again.output
    assert "Why the Panel was notified late = the referral reached us by post" in again.stdout
    data = figures(run, "--as-of", "2025-03-12")
    assert data["panel_notified_on_time"] == {"on_time": 0, "late": 4, "pending": 0}
    assert data["panel_notified_late"] == {"notified_with_reason": 2,
                                           "notified_without_reason": 1, "not_notified": 1}
    table = run("stats", "--as-of", "2025-03-12").stdout.splitlines()
    late = next(i for i, line in enumerate(table) if line.split()[:1] == ["late"])
    assert [" ".join(line.split()) for line in table[late + 1:late + 4]] == [
        "notified late, reason recorded 2 50%",
        "notified late, no reason recorded 1 25%",
        "not notified, past due 1 25%"]
    assert never


@pytest.mark.usefixtures("lifecycle")
def test_table_and_csv_give_percentages(run: Run) -> None:
    table = run("stats", "--as-of", AS_OF, "--financial-year", "2025")
    assert table.exit_code == 0, table.output
    assert "figures for financial year 2025/26" in table.stdout
    lines = table.stdout.splitlines()
    panel = lines.index(next(x for x in lines if x.startswith("National Panel notified within "
                                                               "5 working days")))
    assert lines[panel + 2].split() == ["late", "1", "100%"]
    exported = {row["key"]: row for row in csv.DictReader(io.StringIO(
        run("stats", "--as-of", AS_OF, "--format", "csv").stdout))}
    assert exported["agency_returns_on_time.on_time"]["number"] == "3"
    assert exported["agency_returns_on_time.on_time"]["percent"] == "60%"
    assert exported["actions.overdue"]["percent"] == "20%"  # 1 of 5 actions
    assert exported["median_working_days.notification_to_rapid_review"]["number"] == "16.5"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--year", "2025", "--financial-year", "2025"], "choose one period"),
        (["--from", "2025-01-01", "--year", "2025"], "choose one period"),
        (["--from", "2025-02-01", "--to", "2025-01-01"], "is before --from"),
    ],
)
def test_period_options_refused_together(run: Run, options: list[str], message: str) -> None:
    result = run("stats", *options)
    assert result.exit_code == 2
    assert message in result.stderr


@pytest.mark.parametrize(
    ("day", "inside"),
    [("2025-03-31", False), ("2025-04-01", True), ("2026-03-31", True), ("2026-04-01", False)],
)
def test_financial_year_boundaries(day: str, inside: bool) -> None:
    from datetime import date

    from lscp_cli.reports.stats import Period

    period = Period.financial_year(2025)
    assert period.contains(date.fromisoformat(day)) is inside
    assert period.label == "financial year 2025/26"


def test_a_script_asks_the_casebook_without_the_cli(
    lifecycle: tuple[str, str], casebook_dir: Path
) -> None:
    from datetime import date

    from lscp_cli import Casebook
    from lscp_cli.reports.stats import Period

    casebook = Casebook.locate(casebook_dir)
    as_of = date.fromisoformat(AS_OF)
    found = casebook.stats(as_of, Period.financial_year(2025))
    assert found.figures["incidents"] == 1 and found.problems == []
    overdue = casebook.actions(as_of, overdue_only=True)
    assert [(row.case, row.number, row.owner) for row in overdue] == [
        (lifecycle[1], 2, "Leeds City Council")]
    assert casebook.actions(as_of, owner="POLICE", case=lifecycle[1])[0].status == "met-late"
    (html,) = casebook.board_report(as_of)
    assert html.startswith("<!DOCTYPE html>") and lifecycle[1] in html


def test_working_days_to_the_notification_count_office_closures_as_working_days() -> None:
    from datetime import date

    from lscp_cli.process.ruleset import load_rules
    from lscp_cli.process.workdays import WorkCalendar
    from lscp_cli.reports.stats import figures as compute

    closed = WorkCalendar(closed=[date(2025, 12, 29), date(2025, 12, 30), date(2025, 12, 31)])
    case = {"id": "LSCP-2025-001",
            "incident": {"type": "serious-harm", "aware": date(2025, 12, 22),
                         "abuse_or_neglect": "suspected"},
            "notification": {"panel": date(2025, 12, 31)}}
    data = compute([case], closed, load_rules(), date(2026, 1, 5))
    # The national count: 23, 24, 29, 30, 31 December are working days 1 to 5.
    assert data["median_working_days"]["awareness_to_notification"] == 5


@pytest.mark.usefixtures("lifecycle")
def test_the_publication_figure_is_named_by_its_aim_with_the_months_beside_it(
        run: Run, casebook_dir: Path) -> None:
    """Issue 19: the key said "6 months" whatever [rules] set; now it says what it measures."""
    settings = casebook_dir / "lscp.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "[rules]", "[rules]\ncspr_publication_months = 9", 1), encoding="utf-8")
    data = figures(run)
    assert not any("6_months" in key for key in data)
    # 16 February 2026 is within 9 months of the decision: both count now.
    assert (data["cspr_published_within_aim"], data["cspr_publication_aim_months"]) == (2, 9)
    table = run("stats", "--as-of", AS_OF).stdout
    assert "published within 9 months of the decision (the aim)" in table
