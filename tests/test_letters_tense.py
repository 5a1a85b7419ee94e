"""Every letter, drafted at many points in a case's life, says a past step as past.

A step recorded is said as done (with its date); a step not recorded whose due date is before
the letter's date is said as overdue or left out; only a step still to come is "due" or "is
to" happen. Found by the acceptance pass: a panel-outcome drafted after the Rapid Review was
sent said it "is due with you by 27 January"; an agency request drafted after the Panel
notification deadline said the council "is to notify" the Panel by a date already gone.

Each example case (FICTIONAL) is drafted as it stood the day before and the day after each of
its deadlines and steps (`case_as_of`), and every letter that fits is searched.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lscp_cli.casebook import Casebook
from lscp_cli.cli import cli
from lscp_cli.drafts.context import with_agency_requested
from lscp_cli.drafts.draft import render
from lscp_cli.errors import LetterRefused
from lscp_cli.process.asof import case_as_of
from lscp_cli.process.rules import case_deadlines
from test_letters_settings import TODAY, examples_copy, letters, options_for

LONG_DATE = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d{1,2} \w+ \d{4}"
# Words that put a step in the future, then (in the same clause) the date it is due by.
FUTURE = re.compile(
    r"\b(?:is due|are due|(?<!was )(?<!were )due with (?:you|the \w+(?: \w+)?) by|is to|are to|"
    r"will|aim to|planned for|reply by|send [^.:;]*? by)\b[^.:;]*?\**(" + LONG_DATE + r")",
    re.IGNORECASE,
)


def as_date(text: str) -> date:
    return datetime.strptime(text, "%A %d %B %Y").date()


def letter_dates(casebook: Casebook, case: dict[str, Any]) -> list[date]:
    """The day before and after each of the case's deadlines, and the examples' day."""
    days = {d.due for d in case_deadlines(case, casebook.calendar, casebook.rules, TODAY)
            if d.milestone not in ("agency-return", "action")}
    return sorted({TODAY} | {day + timedelta(days=step) for day in days for step in (-1, 1)})


def drafts_in_time(casebook_dir: Path) -> list[tuple[str, date, str, str]]:
    """(case id, letter date, template, Markdown) for every letter that fits on each date."""
    casebook = Casebook.locate(casebook_dir)
    drawn = []
    for path in sorted((casebook_dir / "cases").glob("*.toml")):
        case = tomllib.loads(path.read_text(encoding="utf-8"))
        for day in letter_dates(casebook, case):
            then = case_as_of(case, day)
            if then is None:
                continue
            for template in letters(casebook):
                options = options_for(template, then)
                if template == "action-update-request" and not options:
                    continue
                data = then
                if "agency" in options:
                    data, _ = with_agency_requested(then, options["agency"], day)
                deadlines = case_deadlines(data, casebook.calendar, casebook.rules, day)
                try:
                    text = render(template, data, casebook.settings, deadlines, today=day,
                                  templates=casebook.templates, rules=casebook.rules,
                                  **options).markdown
                except LetterRefused:
                    continue
                drawn.append((case["id"], day, template, text))
    return drawn


# A case with nothing recorded but the incident (FICTIONAL): aware Friday 3 January 2025, so
# the Panel notification is due Friday 10 January 2025.
BARE = """schema = 1
id = "LSCP-2025-090"
opened = 2025-01-03

[incident]
type = "serious-harm"
aware = 2025-01-03
location = "Leeds"
in_area = true
abuse_or_neglect = "suspected"

[[children]]
initials = "A.B."
date_of_birth = 2015-06-03
"""


def casebook_with_bare_case(tmp_path: Path) -> Path:
    copy = examples_copy(tmp_path)
    (copy / "cases" / "LSCP-2025-090.toml").write_text(BARE, encoding="utf-8")
    return copy


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, date, str, str]]:
    return drafts_in_time(casebook_with_bare_case(tmp_path_factory.mktemp("tense")))


def test_no_letter_says_a_past_date_is_still_to_come(
        drawn: list[tuple[str, date, str, str]]) -> None:
    wrong: dict[str, str] = {}
    checked = 0
    for case_id, day, template, text in drawn:
        for sentence in re.split(r"(?<=[.!?])\s+|\n", text):
            for found in FUTURE.finditer(sentence):
                checked += 1
                if as_date(found.group(1)) < day:
                    shape = re.sub(LONG_DATE, "DATE", sentence.strip())
                    wrong.setdefault(template + shape,
                                     f"{template}: {shape} (e.g. {case_id} on {day})")
    assert not wrong, "\n".join(sorted(wrong.values()))
    assert len(drawn) > 150  # many cases, many dates, every letter
    assert checked > 100  # the search does find future steps with dates


def test_a_late_agency_request_says_the_notification_is_overdue(tmp_path: Path) -> None:
    copy = casebook_with_bare_case(tmp_path)
    result = CliRunner().invoke(
        cli, ["--dir", str(copy), "draft", "LSCP-2025-090", "agency-request", "--agency",
              "West Yorkshire Police", "--stdout"], env={"LSCP_TODAY": "2025-01-16"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "is to notify" not in text
    assert ("was due to notify the Child Safeguarding Practice Review Panel of a serious child "
            "safeguarding incident by Friday 10 January 2025") in text
    before = CliRunner().invoke(
        cli, ["--dir", str(copy), "draft", "LSCP-2025-090", "agency-request", "--agency",
              "West Yorkshire Police", "--stdout"], env={"LSCP_TODAY": "2025-01-08"})
    assert "is to notify the Child Safeguarding Practice Review Panel" in before.output
    later = CliRunner().invoke(
        cli, ["--dir", str(copy), "draft", "LSCP-2025-090", "agency-request", "--agency",
              "West Yorkshire Police", "--stdout"], env={"LSCP_TODAY": "2025-01-28"})
    text = " ".join(later.output.split())
    assert ("which was due with the National Panel by Friday 24 January 2025 (counted from the "
            "date the local authority became aware, as the Panel is not yet notified) and is "
            "now overdue") in text
    assert "provisional" not in text


# What the partnership thinks of its own rules (an unverified figure, a working assumption) is
# for `lscp deadlines --basis` and the officer's view, never for a letter sent out.
INTERNAL = re.compile(r"working assumption|not confirmed|unverified|UNVERIFIED|is recorded\)|"
                      r"notification is recorded|lscp\.toml|lscp (?:record|edit)", re.IGNORECASE)


def test_no_letter_carries_an_internal_remark(drawn: list[tuple[str, date, str, str]]) -> None:
    wrong = {}
    for case_id, day, template, text in drawn:
        outside_brackets = text
        while "[" in outside_brackets:  # placeholders (they block --final), nested ones too
            shorter = re.sub(r"\[[^\[\]]*\]", "", outside_brackets)
            if shorter == outside_brackets:
                break
            outside_brackets = shorter
        for found in INTERNAL.finditer(outside_brackets):
            wrong.setdefault((template, found.group(0)), f"{case_id} {day} {template}: "
                             f"{outside_brackets[max(0, found.start() - 80):found.end() + 40]}")
    assert not wrong, "\n".join(wrong.values())
