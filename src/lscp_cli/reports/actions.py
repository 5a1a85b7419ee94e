"""The action tracker: every action of every case's action plan, with its status and progress.

An action's status is its deadline's (DESIGN.md section 5: `overdue`, `due-soon`, `pending`,
`met`, `met-late`; `in-doubt` when completed in an impossible order, typed by hand), worked
out by the same `action` rule as `lscp deadlines`. An action with no
due date has no deadline: `pending` while open, `met` once completed. A closed case's open
actions stay on the tracker until they are completed (they are still owed); a withdrawn
case's are not (not a case after all, or a duplicate).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from lscp_cli.base.records import dataclass
from lscp_cli.model.agencies import agency_key, tidy_name
from lscp_cli.process.rules import (
    Deadline,
    Doubts,
    Status,
    case_deadlines,
    is_closed,
    is_withdrawn,
)
from lscp_cli.process.ruleset import Rule
from lscp_cli.process.workdays import WorkCalendar

NO_OWNER = "(no owner recorded)"


@dataclass(frozen=True)
class ActionRow:
    """One action of one case, as of a date."""

    case: str
    number: int  # its number in `lscp show`, 1-based
    text: str
    owner: str | None
    due: date | None
    completed: date | None
    status: Status
    working_days_left: int | None  # None: completed, or no due date
    progress_date: date | None  # the latest progress note
    progress_note: str | None
    case_closed: bool

    @property
    def is_open(self) -> bool:
        return self.completed is None

    @property
    def owner_group(self) -> str:
        return tidy_name(self.owner) if self.owner else NO_OWNER

    def to_json(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "action": self.number,
            "text": self.text,
            "owner": self.owner,
            "due": self.due.isoformat() if self.due else None,
            "completed": self.completed.isoformat() if self.completed else None,
            "status": self.status.value,
            "working_days_left": self.working_days_left,
            "progress_date": self.progress_date.isoformat() if self.progress_date else None,
            "progress_note": self.progress_note,
            "case_closed": self.case_closed,
        }


def _date(value: Any) -> date | None:
    return value if isinstance(value, date) else None


def _latest_progress(action: Mapping[str, Any]) -> tuple[date | None, str | None]:
    notes = [
        (item["date"], str(item.get("note", "")))
        for item in action.get("progress") or []
        if isinstance(item, Mapping) and isinstance(item.get("date"), date)
    ]
    if not notes:
        return None, None
    # The latest date wins; on the same day, the one recorded last.
    latest = max(enumerate(notes), key=lambda pair: (pair[1][0], pair[0]))[1]
    return latest


def case_actions(
    case: Mapping[str, Any],
    calendar: WorkCalendar,
    rules: Sequence[Rule],
    as_of: date,
    known: Sequence[Deadline] | None = None,
    doubts: Doubts | None = None,
) -> list[ActionRow]:
    """Every action of one case (a parsed case file), in its order.

    `known`: the case's deadlines as of `as_of`, when the caller has worked them out already;
    `doubts`: the recorded steps in doubt (rules.py): an action completed in an impossible
    order is `in-doubt`, never met.
    """
    actions = case.get("actions")
    if not isinstance(actions, list):
        return []
    if known is None:
        known = case_deadlines(case, calendar, [r for r in rules if r.each == "actions"], as_of,
                               doubts=doubts)
    deadlines = {d.action: d for d in known if d.action is not None and d.milestone == "action"}
    case_id = str(case.get("id", ""))
    doubtful = doubts.get(case_id, ()) if doubts else ()
    closed = is_closed(case)
    rows: list[ActionRow] = []
    for number, action in enumerate(actions, start=1):
        if not isinstance(action, Mapping):
            continue
        completed = _date(action.get("completed"))
        deadline = deadlines.get(number)
        if deadline is not None:
            status = deadline.status
            left = deadline.working_days_left if deadline.status.is_open else None
        else:
            status = (Status.PENDING if not completed
                      else Status.IN_DOUBT if f"actions[{number}].completed" in doubtful
                      else Status.MET)
            left = None
        progress_date, progress_note = _latest_progress(action)
        owner = action.get("owner")
        rows.append(ActionRow(
            case=case_id,
            number=number,
            text=str(action.get("text") or ""),
            owner=str(owner) if owner else None,
            due=_date(action.get("due")),
            completed=completed,
            status=status,
            working_days_left=left,
            progress_date=progress_date,
            progress_note=progress_note,
            case_closed=closed,
        ))
    return rows


def owner_matches(owner: str | None, wanted: str) -> bool:
    """`--owner`: part of the owner's name, ignoring case and runs of spaces."""
    return owner is not None and agency_key(wanted) in agency_key(owner)


def _order(row: ActionRow) -> tuple[str, bool, date, str, int]:
    # By owner (the table groups by it), then overdue first, then by due date.
    return (agency_key(row.owner_group) if row.owner else "\uffff", row.status != Status.OVERDUE,
            row.due or date.max, row.case, row.number)


def select_actions(
    cases: Iterable[Mapping[str, Any]],
    calendar: WorkCalendar,
    rules: Sequence[Rule],
    as_of: date,
    *,
    owner: str | None = None,
    case_id: str | None = None,
    open_only: bool = False,
    overdue_only: bool = False,
    known: Mapping[str, Sequence[Deadline]] | None = None,
    doubts: Doubts | None = None,
) -> list[ActionRow]:
    """The action tracker across cases, grouped by owner, overdue first within each owner.

    `known`: each case's deadlines as of `as_of` by case id, when the caller has them already;
    `doubts`: the recorded steps in doubt (rules.py).
    """
    rows: list[ActionRow] = []
    for case in cases:
        if is_withdrawn(case) or (case_id is not None and case.get("id") != case_id):
            continue
        own = known.get(str(case.get("id", ""))) if known is not None else None
        for row in case_actions(case, calendar, rules, as_of, own, doubts):
            if open_only and not row.is_open:
                continue
            if overdue_only and row.status != Status.OVERDUE:
                continue
            if owner is not None and not owner_matches(row.owner, owner):
                continue
            rows.append(row)
    rows.sort(key=_order)
    return rows


def by_owner(rows: Iterable[ActionRow]) -> list[tuple[str, list[ActionRow]]]:
    """Rows grouped by owner (as `select_actions` orders them), owners matched like agencies."""
    groups: dict[str, tuple[str, list[ActionRow]]] = {}
    for row in rows:
        key = agency_key(row.owner) if row.owner else ""
        groups.setdefault(key, (row.owner_group, []))[1].append(row)
    return list(groups.values())
