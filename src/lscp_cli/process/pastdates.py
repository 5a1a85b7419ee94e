"""Dates that only the past makes sense for: none of them may be in the future.

A step that happened (the Panel notified, a decision, the case closed), the facts (the date of
birth, the incident, the day the local authority became aware, the day the case was opened):
dated after today, each is a typo (2062 for 2026). Plans may be ahead (steps.py `ahead`: a RAG
meeting, a practitioner event, the planned publication) and so may due dates.
`record` refuses such a date when typed (guards.py); `check` and `edit` report one in a file,
and the reports name a case whose awareness is in the future instead of leaving it out (its
deadlines cannot be worked out; `Casebook`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

from lscp_cli.base.tomllines import Key, dotted
from lscp_cli.model.steps import AWARE, FACT_DATES, STEPS

# Dotted paths, `[]` for each entry of a list. The progress notes of an action are dated as
# they are written; the step registry names only their list.
PAST_ONLY: tuple[str, ...] = tuple(dict.fromkeys((
    AWARE, *FACT_DATES, "opened",
    *(step.date for step in STEPS
      if step.date and not step.ahead and step.date != "actions[].progress"
      and not any(other.ahead and other.date == step.date for other in STEPS)),
    "actions[].progress[].date",
)))


def _dates(value: Any, keys: Key, rest: list[str]) -> Iterator[tuple[Key, date]]:
    """Each date at the dotted `rest` under `value`, with its keys."""
    if not rest:
        if isinstance(value, date) and not isinstance(value, datetime):
            yield keys, value
        return
    head, *tail = rest
    many = head.endswith("[]")
    child = value.get(head.removesuffix("[]")) if isinstance(value, Mapping) else None
    if child is None:
        return
    if many:
        if isinstance(child, list):
            for index, entry in enumerate(child):
                yield from _dates(entry, (*keys, head[:-2], index), tail)
        return
    yield from _dates(child, (*keys, head), tail)


def future_dates(data: Mapping[str, Any], today: date) -> list[tuple[Key, str, date]]:
    """Every past-only date of a case that is after `today`: (keys, field, date)."""
    found = []
    for path in PAST_ONLY:
        for keys, day in _dates(data, (), path.split(".")):
            if day > today:
                found.append((keys, dotted(keys), day))
    return found


def aware_in_future(data: Mapping[str, Any], today: date) -> date | None:
    """The date the local authority became aware, if it is after `today` (a typo)."""
    incident = data.get("incident")
    aware = incident.get("aware") if isinstance(incident, Mapping) else None
    if isinstance(aware, date) and not isinstance(aware, datetime) and aware > today:
        return aware
    return None


def future_message(field: str, day: date, case_id: str) -> str:
    """What `check` and `edit` say about one past-only date in the future."""
    return (f"'{field}' is {day.isoformat()}, in the future: only a date that has passed "
            f"makes sense here (a planned date goes in its own field); correct it with "
            f"`lscp edit {case_id}`")
