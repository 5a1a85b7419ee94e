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

import itertools
import re
import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

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
    r"will|aim to|aims to|planned for|plan to|reply by|send [^.:;]*? by|must be \w+|expect)\b"
    r"[^.:;]*?\**(" + LONG_DATE + r")",
    re.IGNORECASE,
)


def as_date(text: str) -> date:
    return datetime.strptime(text, "%A %d %B %Y").date()


def step_dates(case: dict[str, Any]) -> set[date]:
    """The dates of the case's steps: the Panel notification, the RAG meeting, publication ..."""
    days: set[date] = set()
    for table in ("notification", "rapid_review", "cspr"):
        for value in (case.get(table) or {}).values():
            days |= {v for v in (value if isinstance(value, list) else [value])
                     if isinstance(v, date)}
    return days


def letter_dates(casebook: Casebook, case: dict[str, Any]) -> list[date]:
    """The day before and after each of the case's deadlines, the day of each of its steps (a
    RAG meeting's own day, once its recommendation is recorded), and the examples' day."""
    days = {d.due for d in case_deadlines(case, casebook.calendar, casebook.rules, TODAY)
            if d.milestone not in ("agency-return", "action")}
    return sorted({TODAY} | {day + timedelta(days=step) for day in days for step in (-1, 1)}
                  | step_dates(case))


class Drawn(NamedTuple):
    """A letter drafted on a date, and the case as it stood then."""

    case_id: str
    day: date
    template: str
    text: str
    case: dict[str, Any]


def drafts_in_time(casebook_dir: Path) -> list[Drawn]:
    """Every letter that fits each example case on each of its dates."""
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
                drawn.append(Drawn(case["id"], day, template, text, then))
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


# A care leaver's death (FICTIONAL): notified to the Secretary of State and Ofsted only.
CARE_LEAVER = """schema = 1
id = "LSCP-2025-091"
opened = 2025-02-03

[incident]
type = "care-leaver-death"
aware = 2025-02-03
location = "Leeds"
in_area = true
abuse_or_neglect = "not-suspected"

[[children]]
initials = "C.L."
date_of_birth = 2004-03-01
looked_after = false

[notification]
panel = 2025-02-05
panel_reference = "CL-EX-0091"
"""

# A CSPR whose report the partners withhold (FICTIONAL): the internal reason names a sibling
# and a school, which no letter may quote; one action done, one open.
INTERNAL_REASON = "Sibling C.D. at Example Primary School would be identified"
WITHHELD = f"""schema = 1
id = "LSCP-2025-092"
opened = 2025-03-03

[incident]
type = "serious-harm"
occurred = 2025-03-01
aware = 2025-03-03
location = "Leeds"
in_area = true
abuse_or_neglect = "known"

[[children]]
initials = "E.F."
date_of_birth = 2016-01-09

[notification]
panel = 2025-03-05
panel_reference = "SI-EX-0092"
partners = 2025-03-05

[rapid_review]
meeting = 2025-03-19
recommendation = "cspr"
decision = "cspr"
decision_date = 2025-03-21
submitted = 2025-03-24

[cspr]
commissioned = 2025-04-07
author = "Fictional Reviewer"
family_informed = 2025-04-09
not_published_reason = "{INTERNAL_REASON}"
publication_planned = 2025-09-10
improvements_published = 2025-09-12

[[actions]]
text = "Share the learning with schools"
owner = "LSCP Business Unit"
due = 2025-08-29
completed = 2025-08-20

[[actions]]
text = "Audit the use of the neglect toolkit"
owner = "Children's Social Work Service"
due = 2025-12-19
"""

# A CSPR published with no planned date recorded and no report sent to the Panel (FICTIONAL):
# the final report was due 7 working days before the publication itself.
UNPLANNED = """schema = 1
id = "LSCP-2025-093"
opened = 2025-04-01

[incident]
type = "death"
occurred = 2025-03-28
aware = 2025-04-01
location = "Leeds"
in_area = true
abuse_or_neglect = "suspected"

[[children]]
initials = "G.H."
date_of_birth = 2024-11-02

[notification]
panel = 2025-04-03
partners = 2025-04-03

[rapid_review]
meeting = 2025-04-16
recommendation = "cspr"
decision = "cspr"
decision_date = 2025-04-17
submitted = 2025-04-23

[cspr]
commissioned = 2025-05-06
published = 2025-10-01
"""


def casebook_with_bare_case(tmp_path: Path) -> Path:
    copy = examples_copy(tmp_path)
    (copy / "cases" / "LSCP-2025-090.toml").write_text(BARE, encoding="utf-8")
    for number, text in (("091", CARE_LEAVER), ("092", WITHHELD), ("093", UNPLANNED)):
        (copy / "cases" / f"LSCP-2025-{number}.toml").write_text(text, encoding="utf-8")
    return copy


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> list[Drawn]:
    return drafts_in_time(casebook_with_bare_case(tmp_path_factory.mktemp("tense")))


def test_no_letter_says_a_past_date_is_still_to_come(
        drawn: list[Drawn]) -> None:
    wrong: dict[str, str] = {}
    checked = 0
    for case_id, day, template, text, _ in drawn:
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
              "West Yorkshire Police", "--new-agency", "--stdout"],
        env={"LSCP_TODAY": "2025-01-16"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "is to notify" not in text
    assert ("was due to notify the Child Safeguarding Practice Review Panel of a serious child "
            "safeguarding incident by Friday 10 January 2025") in text
    before = CliRunner().invoke(
        cli, ["--dir", str(copy), "draft", "LSCP-2025-090", "agency-request", "--agency",
              "West Yorkshire Police", "--new-agency", "--stdout"],
        env={"LSCP_TODAY": "2025-01-08"})
    assert "is to notify the Child Safeguarding Practice Review Panel" in before.output
    later = CliRunner().invoke(
        cli, ["--dir", str(copy), "draft", "LSCP-2025-090", "agency-request", "--agency",
              "West Yorkshire Police", "--new-agency", "--stdout"],
        env={"LSCP_TODAY": "2025-01-28"})
    text = " ".join(later.output.split())
    assert ("which was due with the National Panel by Friday 24 January 2025 (counted from the "
            "date the local authority became aware, as the Panel is not yet notified) and is "
            "now overdue") in text
    assert "provisional" not in text


# What the partnership thinks of its own rules (an unverified figure, a working assumption) is
# for `lscp deadlines --basis` and the officer's view, never for a letter sent out.
INTERNAL = re.compile(r"working assumption|not confirmed|unverified|UNVERIFIED|is recorded\)|"
                      r"notification is recorded|lscp\.toml|lscp (?:record|edit)", re.IGNORECASE)


def test_no_letter_carries_an_internal_remark(drawn: list[Drawn]) -> None:
    wrong = {}
    for case_id, day, template, text, _ in drawn:
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


# -- what each letter may say on its date (issue 18) -------------------------------------------


def wrong_letters(drawn: list[Drawn], template: str | None, check: Any) -> list[str]:
    """`case on day template: problem` for each letter whose text fails `check`."""
    wrong = {}
    for letter in drawn:
        if template is not None and letter.template != template:
            continue
        problem = check(letter, " ".join(letter.text.split()))
        if problem:
            wrong.setdefault((letter.template, problem),
                             f"{letter.case_id} on {letter.day} {letter.template}: {problem}")
    return sorted(wrong.values())


def test_the_rag_is_never_still_to_meet_once_its_recommendation_is_recorded(
        drawn: list[Drawn]) -> None:
    def check(letter: Drawn, text: str) -> str | None:
        rapid = letter.case.get("rapid_review") or {}
        if rapid.get("recommendation") and rapid.get("meeting", letter.day) <= letter.day:
            for said in ("will consider", "meeting planned for", "due to meet",
                         "who will represent your agency at the Rapid Review"):
                if said in text:
                    return said
        return None

    assert not wrong_letters(drawn, None, check)
    on_the_day = {letter.template for letter in drawn
                  if (letter.case.get("rapid_review") or {}).get("meeting") == letter.day}
    assert "panel-outcome" in on_the_day  # the sweep does draft letters on a RAG meeting's day


def test_a_partners_notification_is_not_drafted_after_it_was_sent(drawn: list[Drawn]) -> None:
    sent = [letter for letter in drawn if letter.template == "partners-notification"
            and (letter.case.get("notification") or {}).get("partners", letter.day) < letter.day]
    assert not sent, [(letter.case_id, letter.day) for letter in sent]


def test_publication_notice_says_only_what_is_true_to_the_panel(drawn: list[Drawn]) -> None:
    def check(letter: Drawn, text: str) -> str | None:
        cspr = letter.case.get("cspr") or {}
        if "due with you" in text:
            return "tells the Panel and the Secretary of State a date it is 'due with' them"
        if "I enclose" in text and "was sent to you on" in text:
            return "both encloses the report and says it was sent"
        if cspr.get("published") and re.search(r"\b(?:plan|planned) to publish", text):
            return "speaks of the plan after publication"
        for action in letter.case.get("actions") or []:
            if action.get("completed") and f"{action['text']} |" in letter.text:
                row = next(line for line in letter.text.splitlines() if action["text"] in line)
                if "Completed on" not in row:
                    return "lists a completed action as open"
        if INTERNAL_REASON in text:
            return "quotes the internal reason for not publishing"
        return None

    assert not wrong_letters(drawn, "publication-notice", check)
    withheld = [letter for letter in drawn if letter.template == "publication-notice"
                and letter.case_id == "LSCP-2025-092"]
    assert withheld  # the sweep does draft the withheld report's notice


def test_no_letter_quotes_the_internal_reason_for_not_publishing(drawn: list[Drawn]) -> None:
    assert not [letter.template for letter in drawn if INTERNAL_REASON in letter.text]


def test_family_letters_name_no_gap_promise_nothing_and_say_when_the_review_ends(
        drawn: list[Drawn]) -> None:
    def check(letter: Drawn, text: str) -> str | None:
        if "child's name" in text:
            return "leaves a [child's name] gap"
        if re.search(r"will not (?:use|name|identify)", text):
            return "promises that no one will be named"
        if (letter.template == "family-cspr-letter" and "We expect the review to finish" not in
                text and "[Say when you expect the review to finish.]" not in text):
            return "gives no expected end date"
        return None

    family = [letter for letter in drawn if letter.template.startswith("family-")]
    assert {letter.case_id for letter in family} >= {"LSCP-2026-003"}  # two children
    assert not wrong_letters(family, None, check)
    two = next(letter for letter in family if letter.case_id == "LSCP-2026-003")
    assert "your children" in two.text


def test_a_care_leavers_letters_never_speak_of_a_looked_after_child(drawn: list[Drawn]) -> None:
    letters = [letter for letter in drawn if letter.case_id == "LSCP-2025-091"]
    assert letters
    assert not [letter.template for letter in letters if "looked-after" in letter.text]


def test_a_looked_after_childs_death_goes_to_the_child_death_review(drawn: list[Drawn]) -> None:
    partners = [letter for letter in drawn if letter.case_id == "LSCP-2026-005"
                and letter.template == "partners-notification"]
    assert partners
    for letter in partners:
        assert "child death review" in letter.text
        assert "Child Death Overview Panel" in letter.text


def test_letters_cite_the_current_guidance_and_the_partnerships_own_aim(
        drawn: list[Drawn]) -> None:
    def check(letter: Drawn, text: str) -> str | None:
        if "Report a serious child safeguarding incident" in text:
            return "cites the gov.uk page by its old title"
        if re.search(r"Working Together(?:'s)? expectation", text):
            return "credits the 6-month aim to Working Together"
        return None

    assert not wrong_letters(drawn, None, check)
    cited = [letter for letter in drawn
             if "Report the death or serious harm of a child or care leaver" in letter.text]
    assert cited


def draft_text(copy: Path, case_id: str, *args: str, today: str) -> str:
    result = CliRunner().invoke(cli, ["--dir", str(copy), "draft", case_id, *args, "--stdout"],
                                env={"LSCP_TODAY": today})
    assert result.exit_code == 0, result.output
    return " ".join(result.stdout.split())


def test_partners_letter_on_the_rag_day_after_the_recommendation_says_it_met(
        tmp_path: Path) -> None:
    copy = casebook_with_bare_case(tmp_path)
    case = copy / "cases" / "LSCP-2025-090.toml"
    case.write_text(BARE.replace("[[children]]", """[notification]
panel = 2025-01-06

[[agencies]]
name = "West Yorkshire Police"
requested = 2025-01-06
received = 2025-01-08

[rapid_review]
meeting = 2025-01-10

[[children]]"""), encoding="utf-8")
    before = draft_text(copy, "LSCP-2025-090", "partners-notification", today="2025-01-10")
    assert ("will consider that information at its meeting planned for Friday 10 January 2025"
            in before)
    assert "who will represent your agency at the Rapid Review" in before
    case.write_text(case.read_text(encoding="utf-8").replace(
        "meeting = 2025-01-10", 'meeting = 2025-01-10\nrecommendation = "cspr"'),
        encoding="utf-8")
    after = draft_text(copy, "LSCP-2025-090", "partners-notification", today="2025-01-10")
    assert ("The Review Advisory Group met on Friday 10 January 2025 to consider that "
            "information and recommended a Child Safeguarding Practice Review (CSPR).") in after
    assert "will consider" not in after and "planned for" not in after
    assert "who will represent your agency" not in after


def test_a_late_partners_letter_does_not_say_they_must_be_notified_by_a_past_day(
        tmp_path: Path) -> None:
    copy = casebook_with_bare_case(tmp_path)
    late = draft_text(copy, "LSCP-2025-090", "partners-notification", today="2025-01-20")
    assert ("Safeguarding partners were to be notified within 5 working days, that is by Friday "
            "10 January 2025: I am sorry that this notification is late.") in late
    assert "must be notified" not in late
    result = CliRunner().invoke(cli, ["--dir", str(copy), "draft", "LSCP-2026-001",
                                      "partners-notification", "--stdout"],
                                env={"LSCP_TODAY": "2026-11-27"})
    assert result.exit_code == 1
    assert "were notified on 2026-01-13" in result.stderr


def test_a_withheld_report_quotes_the_letter_reason_and_shows_it_to_the_officer(
        tmp_path: Path) -> None:
    copy = casebook_with_bare_case(tmp_path)
    gap = draft_text(copy, "LSCP-2025-092", "publication-notice", today="2025-09-08")
    assert INTERNAL_REASON not in gap
    assert "[Their reason, in a sentence or two for the Panel and the Secretary of State" in gap
    case = copy / "cases" / "LSCP-2025-092.toml"
    case.write_text(case.read_text(encoding="utf-8").replace(
        "publication_planned =", 'not_published_letter_reason = "Publishing the report would '
        'identify a child living in the family."\npublication_planned =').replace(
        "improvements_published = 2025-09-12\n", ""), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--dir", str(copy), "draft", "LSCP-2025-092",
                                      "publication-notice", "--stdout"],
                                env={"LSCP_TODAY": "2025-09-08"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert ("Their reason: Publishing the report would identify a child living in the family."
            in text)
    assert INTERNAL_REASON not in text and "due with you" not in text
    assert ('The letter quotes the reason for the letter: "Publishing the report would identify '
            'a child living in the family."') in " ".join(result.stderr.split())
    assert "They plan to publish it on Wednesday 10 September 2025" in text


def test_every_heading_stands_on_its_own_line(drawn: list[Drawn]) -> None:
    """A heading glued to the paragraph before it prints as text ("...forward.] ## The
    reasons") in Word, HTML and PDF: every `#` heading has a blank line before it."""
    wrong = set()
    for letter in drawn:
        lines = letter.text.splitlines()
        for before, line in itertools.pairwise(lines):
            if re.match(r"#{1,6} ", line) and before.strip():
                wrong.add(f"{letter.case_id} {letter.template}: {line[:50]!r}")
            if re.search(r"\S ##+ ", line):
                wrong.add(f"{letter.case_id} {letter.template}: heading mid-line {line[-50:]!r}")
    assert not wrong, "\n".join(sorted(wrong))
