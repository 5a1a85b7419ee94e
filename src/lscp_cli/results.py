"""What the casebook's methods return: the typed rows a script reads (`lscp_cli` exports them).

Plain data: a `Found` list of rows with the files that could not be read, and one frozen
dataclass per kind of answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TypeVar

from lscp_cli.base.audit import Change
from lscp_cli.base.records import dataclass, field
from lscp_cli.errors import InvalidFile, Problem, command_line_words, script_words
from lscp_cli.model.case import Case
from lscp_cli.process.rules import Deadline

T = TypeVar("T")


class Found(list[T]):
    """Rows gathered across the casebook, plus the case files that could not be read.

    A list, so a script iterates it (and compares it) like one. `problems` names each bad
    file: one bad case file never hides the others, and is never silently dropped either. A
    `CaseNotCounted` is a case read but left out (its awareness is in the future); a
    `CaseInDoubt` (`counted` true) is a case counted as recorded though its steps are in an
    impossible order; `reports.incomplete.notice(problems)` is the sentence the reports print.
    `cases` holds the cases the rows came from, by id.
    """

    def __init__(self, rows: Iterable[T] = (), *, problems: Iterable[InvalidFile] = (),
                 cases: Iterable[Case] = ()) -> None:
        super().__init__(rows)
        self.problems = list(problems)
        self.cases = {case.id: case for case in cases}
        # `deadlines`: open actions with no due date (case id, action number), which no
        # deadline covers, and planned steps dated ahead (date, case id, what): both shown.
        self.undated: list[tuple[str, int]] = []
        self.upcoming: list[tuple[date, str, str]] = []


@dataclass(frozen=True)
class CaseSummary:
    """One line of `lscp list`: a case, its stage and its next deadline."""

    id: str
    opened: date | None
    children: list[str]
    type: str | None
    stage: str
    next_deadline: Deadline | None
    closed: date | None


@dataclass(frozen=True)
class CaseView:
    """What `lscp show` shows: the case, what happened when, every deadline with its status."""

    case: Case
    stage: str
    timeline: list[tuple[date, str]]
    deadlines: list[Deadline]
    # Milestones the case's facts rule out (id, label, why): a care leaver's death has no
    # Rapid Review. `lscp show` says why, so a missing deadline is never a mystery.
    not_needed: list[tuple[str, str, str]] = field(default_factory=list)
    # What the file holds dated after the day shown: planned steps, or (with an earlier
    # `as_of`) what happened later; not yet done as of that day.
    later: list[tuple[date, str]] = field(default_factory=list)
    as_of: date | None = None


@dataclass(frozen=True)
class CalendarFeed:
    """`lscp deadlines --format ics`: the file, what it carries, and the files not read."""

    ics: bytes
    deadlines: list[Deadline]
    cancelled: set[str]  # keys of the deadlines exported as cancelled
    problems: list[InvalidFile]


@dataclass(frozen=True)
class Checked:
    """What `lscp check` found: problems to fix (exit 1), and warnings worth a look."""

    problems: list[Problem]
    warnings: list[Problem]


@dataclass(frozen=True)
class Recorded:
    """What `record` did: the case as saved, the fields changed (none if already recorded)."""

    case: Case
    changes: list[Change]
    warnings: list[str]  # in a script's words; `command_line_warnings()` as the CLI says them
    said: list[str] = field(default_factory=list, repr=False)  # both ways (errors.said)

    @classmethod
    def said_both_ways(cls, case: Case, changes: list[Change], said: list[str]) -> Recorded:
        """From warnings that may hold `said` parts: a script's words in `warnings`."""
        return cls(case, changes, [script_words(text) for text in said], list(said))

    def command_line_warnings(self) -> list[str]:
        return [command_line_words(text) for text in self.said] or self.warnings
