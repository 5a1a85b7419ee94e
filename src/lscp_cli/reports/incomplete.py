"""What a report says on its own face when it is not complete: the case files it could not
count, by name and count, so a damaged file never makes a report look like an all-clear.

Only file names and field names: never a case's contents (reports are printed and shared).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lscp_cli.errors import CaseNotCounted, InvalidFile

CHECK = "`lscp check` says what is wrong and how to fix it"


@dataclass(frozen=True)
class LeftOut:
    """One case file a report could not count: its name, and why in a few words."""

    file: str
    problem: str

    def to_json(self) -> dict[str, str]:
        return {"file": self.file, "problem": self.problem}


def left_out(problems: Iterable[InvalidFile]) -> list[LeftOut]:
    """Each case file behind `problems` once, in name order."""
    found: dict[str, LeftOut] = {}
    for error in problems:
        if isinstance(error, CaseNotCounted):
            why = f"{error.field} is in the future"
        else:
            why = "could not be read"
        found.setdefault(error.path.name, LeftOut(error.path.name, why))
    return sorted(found.values(), key=lambda one: one.file)


def _files(count: int) -> str:
    return "1 case file" if count == 1 else f"{count} case files"


def notice(problems: Iterable[InvalidFile] | Sequence[LeftOut]) -> str | None:
    """The sentence a report carries when it is not complete (None when it is): how many case
    files could not be counted, and their names."""
    items = list(problems)
    files = [one for one in items if isinstance(one, LeftOut)] + left_out(
        one for one in items if isinstance(one, InvalidFile))
    if not files:
        return None
    unread = [one.file for one in files if one.problem == "could not be read"]
    future = [one for one in files if one.problem != "could not be read"]
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
    return "NOT COMPLETE: " + "; ".join(parts) + f". {CHECK}."
