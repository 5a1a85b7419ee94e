"""The history and the case read by an officer (issue 20): fields by the names an officer knows,
outcomes in words, dates the UK way in tables (ISO stays in JSON, CSV and Excel).
All case data is FICTIONAL."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import CASE_TEXT
from lscp_cli.model.fieldlabels import field_label, value_words

Run = Callable[..., Result]
CASE = {"incident": {"type": "serious-harm"},
        "agencies": [{"name": "Leeds City Council"}, {"name": "West Yorkshire Police"}]}


@pytest.mark.parametrize("path, label", [
    ("children[2].date_of_birth", "Child 2: date of birth"),
    ("children[1].looked_after", "Child 1: looked after"),
    ("agencies[2].received", "Information received from West Yorkshire Police"),
    ("agencies[1].requested", "Information requested from Leeds City Council"),
    ("agencies[2]", "Agency 2 (West Yorkshire Police)"),
    ("event_notes[1]", "Note 1 on a step"),
    ("schema", "Case file format version"),
    ("notification.panel", "National Panel notified"),
    ("rapid_review.recommendation", "RAG recommendation"),
    ("actions[3].completed", "Action 3: completed"),
    # written by `record action-progress` (the log said "actions[1].progress[2]")
    ("actions[1].progress[2]", "Action 1: progress note 2"),
    ("incident.aware", "Local authority became aware"),
])
def test_fields_have_the_officers_names(path: str, label: str) -> None:
    assert field_label(path, CASE) == label


def _every_field() -> list[str]:
    from lscp_cli.model import casefields
    fields = [*casefields.TOP_FIELDS]
    fields += [f"{table}.{key}" for table, keys in casefields.TABLES.items() for key in keys]
    fields += [f"{name}[1].{key}" for name, keys in casefields.ARRAYS.items() for key in keys]
    return fields


@pytest.mark.parametrize("path", _every_field())
def test_every_field_a_case_file_can_hold_has_an_officers_name(path: str) -> None:
    """A field added to the schema (or written by a step in the registry) without a label
    would show in `lscp log` as its internal name ("rapid_review.decision_reasons")."""
    label = field_label(path, CASE)
    assert label != path and "_" not in label and "[" not in label, label


def test_a_step_added_to_the_registry_alone_has_officers_words_for_its_fields(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding a step is the registry, a rule and tests (issue 16): the log names its fields in
    the step's own words, with no entry in fieldlabels.py's tables."""
    from lscp_cli.model import fieldlabels, steps

    extra = steps.Step("made-up-step", "a step no registry has", "made-up step",
                       "rapid_review.made_up", sets=(("reply-note", "rapid_review.made_up_note"),))
    monkeypatch.setattr(steps, "STEPS", (*steps.STEPS, extra))
    fieldlabels._step_field_label.cache_clear()
    try:
        assert field_label("rapid_review.made_up") == "Made-up step"
        assert field_label("rapid_review.made_up_note") == "Made-up step: reply note"
        assert field_label("rapid_review.something_else") == "rapid_review.something_else"
    finally:
        fieldlabels._step_field_label.cache_clear()


def test_an_unknown_field_keeps_its_own_name_and_an_agency_without_a_case_its_number() -> None:
    assert field_label("something.new") == "something.new"
    assert field_label("agencies[3].received") == "Information received from agency 3"
    care_leaver = {"incident": {"type": "care-leaver-death"}}
    assert field_label("notification.panel", care_leaver) == \
        "Secretary of State and Ofsted notified"


def test_outcomes_in_words() -> None:
    assert value_words("rapid_review.recommendation", "cspr") == "a CSPR"
    assert value_words("rapid_review.decision", "no-cspr") == "no CSPR"
    assert value_words("incident.type", "cspr") == "cspr"


@pytest.fixture
def history(write_case: Callable[..., Path], run: Run) -> None:
    write_case(CASE_TEXT)
    for args in (
        ("record", "LSCP-2025-001", "agency-requested", "06/01/2025", "--agency",
         "West Yorkshire Police"),
        ("record", "LSCP-2025-001", "agency-returned", "09/01/2025", "--agency",
         "West Yorkshire Police", "--note", "full chronology"),
        ("record", "LSCP-2025-001", "rag-meeting", "13/01/2025"),
        ("record", "LSCP-2025-001", "recommendation", "13/01/2025", "--outcome", "cspr"),
    ):
        result = run(*args)
        assert result.exit_code == 0, result.output


@pytest.mark.usefixtures("history")
@pytest.mark.parametrize("width", ["80", "160"])
def test_the_log_speaks_the_officers_language(run: Run, width: str) -> None:
    table = run("log", "LSCP-2025-001", env={"COLUMNS": width}).stdout
    flat = " ".join(table.split())
    assert "Information received from West Yorkshire Police" in flat
    assert "RAG recommendation" in flat and "a CSPR" in flat
    assert "Thu 9 Jan 2025" in flat  # the UK way
    for internal in ("agencies[1]", "event_notes[1]", "rapid_review.", "2025-01-09", "cspr"):
        assert internal not in table, internal
    # JSON keeps the field's own name and ISO dates, for scripts.
    entries = json.loads(run("log", "--format", "json").stdout)
    assert {"agencies[1].received", "event_notes[1]"} <= {e["field"] for e in entries}
    assert "2025-01-09" in [e["new"] for e in entries]


@pytest.mark.usefixtures("history")
def test_show_says_the_recommendation_in_words_and_dates_the_uk_way(run: Run) -> None:
    shown = run("show", "LSCP-2025-001", env={"COLUMNS": "100"}).stdout
    assert "Mon 13 Jan 2025  RAG recommendation: a CSPR" in shown
    assert "RAG recommendation: cspr" not in shown
    assert "2025-01-13" not in shown


@pytest.mark.parametrize("typed, meant", [
    ("19 May", (2026, 5, 19)), ("Tue 19 May", (2026, 5, 19)), ("2026/05/19", (2026, 5, 19)),
    ("2025/1/6", (2025, 1, 6)),
])
def test_dates_typed_as_officers_type_them(typed: str, meant: tuple[int, int, int]) -> None:
    from datetime import date

    from lscp_cli.model.dates import parse_date

    assert parse_date(typed, today=date(2026, 11, 27)) == date(*meant)


@pytest.mark.parametrize("typed, said", [
    ("Fri 5 Nov", "'Fri 5 Nov' does not agree with itself: 5 November 2026 is a Thursday, not "
                  "a Friday; check the day and the date"),
    ("Monday 6 January 2025", "6 January 2025 is a Monday"),  # agrees: no message
    ("3/11", "give the year too, e.g. 03/11/2026 (day first)"),
])
def test_a_date_that_disagrees_with_its_weekday_or_lacks_its_year_is_refused_with_the_fix(
        typed: str, said: str) -> None:
    """QA: "Fri 5 Nov" was stored as Thursday 5 November without a word; "3/11" was refused
    without saying what to type."""
    from datetime import date

    from lscp_cli.errors import InvalidDate
    from lscp_cli.model.dates import parse_date

    if "agree" not in said and "year" not in said:
        assert parse_date(typed, today=date(2026, 11, 27)) == date(2025, 1, 6)
        return
    with pytest.raises(InvalidDate) as refused:
        parse_date(typed, today=date(2026, 11, 27))
    assert said in str(refused.value)


def test_check_says_all_is_well_at_a_terminal_and_nothing_when_piped(
    run: Run, write_case: Callable[..., Path], monkeypatch: pytest.MonkeyPatch,
) -> None:
    from lscp_cli.cli import console

    write_case(CASE_TEXT)
    write_case(CASE_TEXT.replace("LSCP-2025-001", "LSCP-2025-002"), "LSCP-2025-002")
    piped = run("check")
    assert (piped.exit_code, piped.stdout) == (0, "")
    monkeypatch.setattr(console, "on_terminal", lambda: True)
    shown = run("check")
    assert shown.exit_code == 0
    assert shown.stdout.startswith("all 2 cases valid")


def test_the_board_reports_timeline_labels_months_with_the_whole_year() -> None:
    from datetime import date

    from lscp_cli.reports.board import timeline_charts

    case = {"id": "LSCP-2026-001", "incident": {"aware": date(2026, 10, 1)}}
    charts = timeline_charts([case], {}, date(2026, 12, 15))
    labels = [tick.label for chart in charts for tick in chart.ticks]
    assert "Dec 2026" in labels and "Oct 2026" in labels
    assert not any(label.endswith(" 26") for label in labels)  # read as the 26th


def test_report_keeps_an_existing_file_without_force(run: Run, write_case: Callable[..., Path],
                                                    tmp_path: Path) -> None:
    write_case(CASE_TEXT)
    target = tmp_path / "board.html"
    target.write_text("last week's", encoding="utf-8")
    result = run("report", "-o", str(target))
    assert result.exit_code == 1
    assert "already exists; use --force" in result.stderr
    assert target.read_text(encoding="utf-8") == "last week's"
    assert run("report", "-o", str(target), "--force").exit_code == 0
    assert "<html" in target.read_text(encoding="utf-8").lower()
