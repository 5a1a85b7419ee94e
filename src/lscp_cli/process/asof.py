"""A case as it stood on a date: every step dated after it is not yet done.

`case_as_of(data, day)` is the one point-in-time view every report uses (`deadlines --as-of`,
`list`, `show --as-of`, `actions`, `stats`, `report`): as of 2025-01-20 a Rapid Review
submitted on 2025-01-27 is not submitted, so its deadline is open (or overdue), and an
agency's return received later is outstanding. A case the local authority only became aware
of after the date did not exist yet (None).

What counts as a step is a date in the case file, with the fields that came with it (the
decision's outcome goes with its date, the Panel's reference with the notification). Dates
that are not steps stay: a plan (`publication_planned`), a due date, a date of birth, when the
incident happened. A list entry whose own date is later did not exist yet (an agency asked
later, an action added later, learning shared later, a later progress note).

Pure data: no files, no click. The view is a new dict; the case read from the file is never
changed, and a case with nothing after the date is returned as it is (no copy).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from lscp_cli.model.step_tables import list_entry_dates, plans_and_dates, with_step

# Dates that are not steps, so never "not yet done": plans, due dates, facts (steps.py).
NOT_STEPS = plans_and_dates()

# A step's date, and the fields recorded with it (gone with it when it is later than the day).
WITH_STEP: dict[str, tuple[str, ...]] = with_step()

# A list entry that did not exist before its own date: the list and that date's key (the
# steps that make entries, and the notes: `--note`'s and an action's progress notes).
ENTRY_DATE: dict[str, str] = {**list_entry_dates(), "event_notes": "date", "progress": "date"}


def _is_date(value: Any) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def latest_date(data: Mapping[str, Any]) -> date | None:
    """The latest date anywhere in a case (None if it holds none)."""
    # A loop over a stack, not recursion: every report asks this of every case.
    latest: date | None = None
    stack: list[Any] = [data]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is dict:
            stack.extend(value.values())
        elif kind is list:
            stack.extend(value)
        elif kind is date and (latest is None or value > latest):
            latest = value
    return latest


def existed(data: Mapping[str, Any], day: date) -> bool:
    """Whether the case existed on `day`: the local authority was aware of it by then."""
    incident = data.get("incident")
    aware = incident.get("aware") if isinstance(incident, dict) else None
    if not _is_date(aware):
        aware = data.get("opened")
    return not isinstance(aware, date) or aware <= day


def case_as_of(data: Mapping[str, Any], day: date) -> dict[str, Any] | None:
    """The case as it stood at the end of `day`, or None if it did not exist yet.

    Returns `data` itself when nothing in it is dated after `day`.
    """
    if not existed(data, day):
        return None
    latest = latest_date(data)
    if latest is None or latest <= day:
        return data if isinstance(data, dict) else dict(data)
    return _table(data, "", day)


def _later(value: Any, day: date) -> bool:
    return _is_date(value) and value > day


def _table(table: Mapping[str, Any], prefix: str, day: date) -> dict[str, Any]:
    """A copy of a table without its steps dated after `day` (and what came with them)."""
    gone: set[str] = set()
    for key, value in table.items():
        name = f"{prefix}{key}"
        if name in NOT_STEPS or not _later(value, day):
            continue
        gone.add(key)
        gone.update(WITH_STEP.get(name, ()))
    view: dict[str, Any] = {}
    for key, value in table.items():
        if key in gone:
            continue
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            view[key] = _table(value, f"{name}.", day)
        elif isinstance(value, list):
            view[key] = _list(value, key, name, day)
        else:
            view[key] = value
    return view


def _list(items: list[Any], key: str, name: str, day: date) -> list[Any]:
    if all(_is_date(item) for item in items):  # practitioner_events = [dates]
        return [item for item in items if item <= day]
    entry_date = ENTRY_DATE.get(key)
    kept = []
    for item in items:
        if not isinstance(item, dict):
            kept.append(item)
            continue
        if entry_date is not None and _later(item.get(entry_date), day):
            continue  # it did not exist yet
        # Entries of a top-level list are named by the list ("agencies.received").
        kept.append(_table(item, f"{name}.", day))
    return kept
