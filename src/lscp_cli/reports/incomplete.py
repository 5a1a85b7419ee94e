"""What a report says on its own face when it is not complete: the case files it could not
count, by name and count, so a damaged file never makes a report look like an all-clear.

Only file names and field names: never a case's contents (reports are printed and shared).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from lscp_cli.base.records import dataclass
from lscp_cli.errors import CaseInDoubt, CaseNotCounted, InvalidFile, Problem
from lscp_cli.model.case import Case
from lscp_cli.process.order import IMPOSSIBLE
from lscp_cli.process.pastdates import aware_in_future, future_message

CHECK = "`lscp check` says what is wrong and how to fix it"
IMPOSSIBLE_ORDER = "steps in an impossible order, counted as recorded"


@dataclass(frozen=True)
class LeftOut:
    """One case file a report could not count: its name, and why in a few words."""

    file: str
    problem: str
    counted: bool = False  # counted as recorded, in doubt (an impossible order)

    def to_json(self) -> dict[str, str]:
        return {"file": self.file, "problem": self.problem}


def left_out(problems: Iterable[InvalidFile]) -> list[LeftOut]:
    """Each case file behind `problems` once, in name order."""
    found: dict[str, LeftOut] = {}
    for error in problems:
        if isinstance(error, CaseNotCounted):
            why = f"{error.field} is in the future"
        elif isinstance(error, CaseInDoubt):
            why = IMPOSSIBLE_ORDER
        else:
            why = "could not be read"
        found.setdefault(error.path.name, LeftOut(error.path.name, why, error.counted))
    return sorted(found.values(), key=lambda one: one.file)


def _files(count: int) -> str:
    return "1 case file" if count == 1 else f"{count} case files"


def notice(problems: Iterable[InvalidFile] | Sequence[LeftOut]) -> str | None:
    """The sentence a report carries when it is not complete or counts a case in doubt (None
    when neither): how many case files, and their names."""
    items = list(problems)
    files = [one for one in items if isinstance(one, LeftOut)] + left_out(
        one for one in items if isinstance(one, InvalidFile))
    if not files:
        return None
    unread = [one.file for one in files if one.problem == "could not be read"]
    doubtful = [one.file for one in files if one.counted]
    future = [one for one in files if one.problem != "could not be read" and not one.counted]
    parts = []
    if unread:
        verb = "is" if len(unread) == 1 else "are"
        parts.append(f"{_files(len(unread))} could not be read and {verb} not in this "
                     "report: " + ", ".join(unread))
    if future:
        its = "its" if len(future) == 1 else "their"
        parts.append(f"{_files(len(future))} with a date in the future that must be past, so "
                     f"{its} deadlines cannot be worked out and are not in this report: "
                     + ", ".join(f"{one.file} ({one.problem})" for one in future))
    if doubtful:
        verb = "is" if len(doubtful) == 1 else "are"
        parts.append(f"{_files(len(doubtful))} with steps in an impossible order {verb} "
                     "counted as recorded, which may be wrong: " + ", ".join(doubtful))
    prefix = "NOT COMPLETE: " if unread or future else "CHECK THE FIGURES: "
    return prefix + "; ".join(parts) + f". {CHECK}."


def doubts(cases: Iterable[Case]) -> dict[str, frozenset[str]]:
    """The recorded steps in doubt (`rules.Doubts`): by case id, the fields whose order is
    impossible (typed by hand), so a deadline they meet is `in-doubt`, never a plain met."""
    found = {}
    for one in cases:
        if one.warnings:
            fields = frozenset(w.field for w in one.warnings
                               if w.field and w.message.startswith(IMPOSSIBLE))
            if fields:
                found[one.id] = fields
    return found


def stage_in_doubt(stage: str) -> str:
    """A case's stage when some of its steps are in doubt: worked out from them, so not sure."""
    return f"{stage} (steps in doubt: lscp check)"


def not_counted(problems: Iterable[InvalidFile]) -> list[InvalidFile]:
    """The files a report could not count at all (a report with any exits 1)."""
    return [one for one in problems if not one.counted]


def counted_cases(cases: Iterable[Case], problems: list[InvalidFile], today: date
                  ) -> tuple[list[Case], list[InvalidFile]]:
    """The cases a report can count, and `problems` with those it cannot or counts in doubt.

    A case whose awareness is in the future cannot be counted on any day (its deadlines would
    all be decades ahead, and `--as-of` would leave it out): it joins the bad files as a
    `CaseNotCounted`, so every report names it instead of dropping it silently. One whose steps
    are in an impossible order (typed by hand) is counted as recorded and named too, as a
    `CaseInDoubt`.
    """
    counted = []
    problems = list(problems)
    for one in cases:
        aware = aware_in_future(one.data, today)
        if aware is not None:
            problems.append(CaseNotCounted(one.path, [Problem(
                one.path, None, future_message("incident.aware", aware, one.id))],
                "incident.aware", case=one))
            continue
        counted.append(one)
        impossible = [w for w in one.warnings if w.message.startswith(IMPOSSIBLE)]
        if impossible:
            problems.append(CaseInDoubt(one.path, [Problem(
                w.path, w.line, w.message.removeprefix(IMPOSSIBLE) + "; fix it with `lscp edit`",
                w.field) for w in impossible]))
    return counted, problems
