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
    ("incident.aware", "Local authority became aware"),
])
def test_fields_have_the_officers_names(path: str, label: str) -> None:
    assert field_label(path, CASE) == label


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
