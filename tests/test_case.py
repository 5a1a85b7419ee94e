"""The case model: validation of every field kind, with file, line and field in each message."""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path

import pytest

from conftest import CASE_TEXT
from lscp_cli.errors import InvalidCaseFile
from lscp_cli.process import casecheck
from lscp_cli.process.progress import stage_of, timeline
from lscp_cli.process.ruleset import default_rules

# Every check of a case file, under the shipped rules (storage reads each through this).
parse_case = partial(casecheck.parse_case, rules=default_rules())

PATH = Path("cases/LSCP-2025-001.toml")


def problems_of(text: str) -> list[str]:
    with pytest.raises(InvalidCaseFile) as info:
        parse_case(text, PATH, expected_id="LSCP-2025-001")
    return [str(p) for p in info.value.problems]


def test_valid_case_parses() -> None:
    case = parse_case(CASE_TEXT, PATH, expected_id="LSCP-2025-001")
    assert case.id == "LSCP-2025-001"
    assert case.data["incident"]["aware"] == date(2025, 1, 3)
    assert case.children_initials == ["A.B."]
    assert case.warnings == []


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        ('aware = 2025-01-03', 'aware = "3rd Jan"',
         "LSCP-2025-001.toml:9: 'incident.aware' is not a date (got '3rd Jan' in quotes); "
         "write it as 2025-01-06 without quotes"),
        ('aware = 2025-01-03', 'aware = 2025-01-03T10:00:00',
         ":9: 'incident.aware' must be a date without a time"),
        ('type = "serious-harm"', 'type = "harm"',
         ":7: 'incident.type' must be one of 'death', 'serious-harm', 'care-leaver-death' "
         "(got 'harm')"),
        ('in_area = true', 'in_area = "yes"', ":11: 'incident.in_area' must be true or false"),
        ('abuse_or_neglect = "suspected"', 'abuse_or_neglect = "maybe"',
         ":12: 'incident.abuse_or_neglect' must be one of"),
        ('initials = "A.B."', 'initials = "Jane"',
         ":16: 'children[1].initials' must be the child's initials only"),
        ('initials = "A.B."', 'initials = 12',
         ":16: 'children[1].initials' must be text in quotes"),
        ('looked_after = false', 'looked_after = "no"',
         ":18: 'children[1].looked_after' must be true or false"),
        ('location = "Leeds"', 'location = 3', ":10: 'incident.location' must be text"),
        ('id = "LSCP-2025-001"', 'id = "LSCP-2025-002"',
         ":3: 'id' is 'LSCP-2025-002' but the file is named LSCP-2025-001.toml"),
        ('schema = 1', 'schema = 2', ":2: schema 2 is not supported"),
        ('aware = 2025-01-03\n', '', "'incident.aware' is missing"),
        ('type = "serious-harm"  # officer\'s comment on the type\n', '',
         "'incident.type' is missing"),
    ],
)
def test_field_problems(replace: str, by: str, expected: str) -> None:
    assert replace in CASE_TEXT
    problems = problems_of(CASE_TEXT.replace(replace, by, 1))
    assert any(expected in p for p in problems), problems


def test_problem_lines_point_at_the_field() -> None:
    text = CASE_TEXT + '\n[[agencies]]\nname = "Police"\nrequested = "06/01/2025"\n'
    [problem] = problems_of(text)
    assert problem.startswith(f"{PATH}:22: 'agencies[1].requested' is not a date")


def test_all_problems_reported_at_once() -> None:
    text = CASE_TEXT.replace("2025-01-03", '"x"').replace('"A.B."', '"Anna"')
    assert len(problems_of(text)) == 2


def test_toml_syntax_error_names_line() -> None:
    text = CASE_TEXT.replace('location = "Leeds"', 'location = "Leeds')
    [problem] = problems_of(text)
    assert ":10:" in problem and "not valid TOML" in problem


def test_no_child_and_too_many_children() -> None:
    no_child = CASE_TEXT.split("[[children]]")[0]
    assert any("no child recorded" in p for p in problems_of(no_child))
    five = no_child + "".join(f'[[children]]\ninitials = "{c}."\n' for c in "ABCDE")
    assert any("at most 4" in p for p in problems_of(five))


def test_duplicate_agency_and_missing_names() -> None:
    text = CASE_TEXT + '[[agencies]]\nname = "Police"\n[[agencies]]\nname = "police "\n'
    text += "[[actions]]\nowner = \"LSCP\"\n"
    problems = problems_of(text)
    assert any("same name as entry 1" in p for p in problems)
    assert any("'actions' entry 1 has no 'text'" in p for p in problems)


def test_unknown_fields_warn_not_fail() -> None:
    text = CASE_TEXT.replace("location =", "locaton =") + "\n[extra]\nx = 1\n"
    case = parse_case(text, PATH, expected_id="LSCP-2025-001")
    messages = [str(w) for w in case.warnings]
    assert any(":10: unknown field 'incident.locaton'" in m for m in messages)
    assert any("unknown field 'extra'" in m for m in messages)
    assert case.data["incident"]["locaton"] == "Leeds"  # kept, not dropped


def test_messages_never_quote_free_text() -> None:
    secret = "Jane Smith lives at 1 High Street"  # noqa: S105  (fictional)
    text = CASE_TEXT.replace('location = "Leeds"', f'location = 5\nsummary2 = "{secret}"')
    text = text.replace('initials = "A.B."', f'initials = "{secret}"')
    with pytest.raises(InvalidCaseFile) as info:
        parse_case(text, PATH, expected_id="LSCP-2025-001")
    assert "Jane" not in str(info.value)


def test_order_warnings() -> None:
    text = CASE_TEXT.replace("occurred = 2025-01-02", "occurred = 2025-02-02")
    case = parse_case(text, PATH)
    assert any("before 'incident.occurred'" in str(w) for w in case.warnings)


def test_stage_and_timeline() -> None:
    case = parse_case(CASE_TEXT, PATH)
    assert stage_of(case.data, default_rules()) == "awaiting Panel notification"
    data = dict(case.data)
    data["notification"] = {"panel": date(2025, 1, 6), "panel_reference": "SI-1"}
    assert stage_of(data, default_rules()) == "Rapid Review: gathering information"
    data["rapid_review"] = {"decision": "cspr", "decision_date": date(2025, 1, 20),
                            "submitted": date(2025, 1, 22)}
    assert stage_of(data, default_rules()) == "CSPR: to commission"
    data["closed"] = date(2025, 12, 1)
    assert stage_of(data, default_rules()) == "closed"
    events = timeline(data)
    assert events[0] == (date(2025, 1, 2), "Incident occurred")
    assert (date(2025, 1, 6), "National Panel notified (reference SI-1)") in events
    assert events[-1] == (date(2025, 12, 1), "Case closed")
