"""The one agency-name matcher: case and runs of spaces never matter, anything else does."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from conftest import CASE_TEXT
from lscp_cli.errors import InvalidCaseFile
from lscp_cli.model.agencies import agency_index, agency_key, find_agency, same_agency, tidy_name
from lscp_cli.process import casecheck
from lscp_cli.process.ruleset import default_rules

# Every check of a case file, under the shipped rules (storage reads each through this).
parse_case = partial(casecheck.parse_case, rules=default_rules())

ROWS = [{"name": "Leeds Teaching Hospitals"}, {"name": "West Yorkshire Police"}]


@pytest.mark.parametrize(
    ("typed", "stored", "same"),
    [
        ("West Yorkshire Police", "West Yorkshire Police", True),
        ("west  yorkshire POLICE", "West Yorkshire Police", True),
        ("  WEST YORKSHIRE POLICE ", "West Yorkshire Police", True),
        ("West\tYorkshire\nPolice", "West Yorkshire Police", True),
        ("West Yorkshire Police", "West  Yorkshire  Police", True),
        ("West Yorkshire", "West Yorkshire Police", False),
        ("WestYorkshire Police", "West Yorkshire Police", False),
        ("West Yorkshire Police.", "West Yorkshire Police", False),
    ],
)
def test_same_agency_ignores_case_and_spacing_only(typed: str, stored: str, same: bool) -> None:
    assert same_agency(typed, stored) is same
    assert same_agency(stored, typed) is same


def test_find_agency_returns_the_stored_row_whatever_the_spelling() -> None:
    assert find_agency(ROWS, "west  yorkshire POLICE") is ROWS[1]
    assert agency_index(ROWS, "LEEDS teaching   hospitals") == 0
    assert find_agency(ROWS, "Leeds City Council") is None
    assert find_agency(None, "West Yorkshire Police") is None
    assert agency_index([{"text": "not an agency"}, "junk", ROWS[1]], "west yorkshire police") == 2


def test_tidy_name_keeps_capitals_and_single_spaces() -> None:
    assert tidy_name("  West   Yorkshire\tPolice ") == "West Yorkshire Police"
    assert agency_key(None) == ""
    assert agency_key("ÉCOLE  Straße") == agency_key("école strasse")


def test_a_case_cannot_list_the_same_agency_twice_in_another_spelling() -> None:
    text = CASE_TEXT + (
        '[[agencies]]\nname = "West Yorkshire Police"\n'
        '[[agencies]]\nname = "west  yorkshire POLICE"\n'
    )
    with pytest.raises(InvalidCaseFile) as info:
        parse_case(text, Path("cases/LSCP-2025-001.toml"), expected_id="LSCP-2025-001")
    assert any("same name as entry 1" in str(p) for p in info.value.problems)
