"""Where a case is in the process (`stage_of`) and what has happened so far (`timeline`).

Both read a case as tomllib parsed it (a plain dict in which anything may be missing). Which
steps a case needs at all comes from the casebook's rules (`rules.not_applicable`): a care
leaver's death and a looked-after child's death without known or suspected abuse or neglect
are notified only, with no Rapid Review.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from lscp_cli.base.records import dataclass
from lscp_cli.model.ages import duty_facts
from lscp_cli.model.eventnotes import timeline_notes
from lscp_cli.model.step_tables import planned_steps
from lscp_cli.model.steps import (
    EXCLUSION_WORDS,
    LAST_STAGE,
    NOT_NOTIFIABLE_STAGE,
    STEPS,
    Step,
)
from lscp_cli.process.rules import not_applicable
from lscp_cli.process.ruleset import Rule


def _is_date(value: Any) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def notification_only(data: Mapping[str, Any], rules: Sequence[Rule]) -> str | None:
    """Why the case needs no Rapid Review under the casebook's `rules`, or None when it does."""
    rapid = [rule for rule in rules if rule.id == "rapid-review"]
    return next((why for _, why in not_applicable(data, rapid)), None)


@dataclass(frozen=True)
class _Milestone:
    """Steps with the same `awaiting` words (steps.py): one milestone, worked out once."""

    awaiting: str
    members: tuple[Step, ...]
    since: tuple[Step, ...]  # steps since the milestone before with `reached`, latest first
    excluded_with: str | None  # the rule whose duties, ruled out, end the walk here


def _milestones() -> tuple[_Milestone, ...]:
    found: list[_Milestone] = []
    start = 0
    for awaiting in dict.fromkeys(step.awaiting for step in STEPS if step.awaiting):
        members = tuple(step for step in STEPS if step.awaiting == awaiting)
        end = max(STEPS.index(step) for step in members) + 1
        since = tuple(step for step in reversed(STEPS[start:end])
                      if step.reached and step not in members)
        excluded = next((step.excluded_with for step in members if step.excluded_with), None)
        found.append(_Milestone(awaiting, members, since, excluded))
        start = end
    return tuple(found)


MILESTONES = _milestones()
ENDS = tuple(step for step in reversed(STEPS) if step.ends)  # `closed` before `withdrawn`


def _mark(step: Step) -> tuple[str | None, str, str]:
    """Where `recorded_by` is: (the list of entries or None, the table or "", the key)."""
    path = str(step.recorded_by)
    if "[]." in path:
        name, _, key = path.partition("[].")
        return name, "", key
    table, _, key = path.rpartition(".")
    return None, table, key


_MARKS = {step.name: _mark(step) for step in STEPS}


def _recorded(step: Step, data: Mapping[str, Any]) -> bool:
    """Whether `step` is recorded; a step of a list's entries, in each of them."""
    entries, table, key = _MARKS[step.name]
    if entries is not None:
        found = data.get(entries)
        return all(entry.get(key) not in (None, "") for entry in
                   (found if isinstance(found, list) else []) if isinstance(entry, dict))
    scope = data.get(table) if table else data
    return isinstance(scope, dict) and scope.get(key) not in (None, "")


def _ended(step: Step, data: Mapping[str, Any]) -> str:
    """An `ends` stage, with the reason recorded with it as typed (never one assumed)."""
    field, wording = step.extras[0] if step.extras else ("", "")
    reason = _scope(data, str(step.recorded_by)).get(field) if field else None
    if isinstance(reason, str) and reason.strip():
        return str(step.ends) + wording.format(" ".join(reason.split()))
    return str(step.ends)


def stage_of(data: Mapping[str, Any], rules: Sequence[Rule]) -> str:
    """Where the case is in the process, in words an officer uses: the steps' own words
    (steps.py `awaiting`, `reached`, `ends`); which steps it needs at all is the casebook's
    `rules`' to say (a milestone its duties rule out ends the walk: "notified (no Rapid
    Review)")."""
    for step in ENDS:
        if _recorded(step, data):
            return _ended(step, data)
    if not duty_facts(data)["duty.notifiable"]:
        return NOT_NOTIFIABLE_STAGE
    passed: Step | None = None
    for milestone in MILESTONES:
        members = [step for step in milestone.members
                   if (not step.stage_when or _holds(data, step.stage_when))
                   and _worded_for(step, data)]
        if not members:
            continue
        rule = milestone.excluded_with
        if passed is not None and rule is not None and not_applicable(
                data, [r for r in rules if r.id == rule]):
            return f"{passed.reached or passed.label} ({EXCLUSION_WORDS[rule]})"
        done = next((step for step in members if _recorded(step, data)), None)
        if done is None:
            reached = next((step.reached for step in milestone.since
                            if _recorded(step, data)), None)
            return reached or milestone.awaiting
        passed = done
    return LAST_STAGE


def timeline(data: Mapping[str, Any], today: date | None = None) -> list[tuple[date, str]]:
    """What happened, in date order, as one line each (the steps' `past` wording, steps.py).

    With `today`, a planned step dated after it (a RAG meeting or practitioner event booked
    ahead) is worded as planned ("Review Advisory Group meeting (planned)"), never as done.
    """
    events: list[tuple[date, str]] = []
    incident = _section(data, "incident")
    for value, text in ((incident.get("occurred"), "Incident occurred"),
                        (incident.get("aware"), "Local authority became aware"),
                        (data.get("opened"), "Case opened in lscp")):
        if isinstance(value, date) and _is_date(value):
            events.append((value, text))
    lists: set[str] = set()
    for step in STEPS:
        if step.past is None or step.date is None or not _worded_for(step, data):
            continue
        if "[]." not in step.date:
            events.extend(_lines(step, _scope(data, step.date), data, today))
            continue
        # The steps of a list, entry by entry: an agency's request, then its return.
        name = step.date.split("[]", 1)[0]
        if name in lists:
            continue
        lists.add(name)
        group = [s for s in STEPS if s.past and s.date and s.date.startswith(f"{name}[].")]
        entries = data.get(name)
        for number, entry in enumerate(entries if isinstance(entries, list) else [], start=1):
            if isinstance(entry, dict):
                for one in group:
                    events.extend(_lines(one, entry, data, today, number))
    events.extend(timeline_notes(data))  # after the steps of their day (the sort is stable)
    events.sort(key=lambda e: e[0])
    return events


def _section(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = data.get(name)
    return value if isinstance(value, dict) else {}


def _scope(data: Mapping[str, Any], path: str) -> Mapping[str, Any]:
    """The table holding a step's field: `rapid_review` for "rapid_review.meeting"."""
    table = path.rpartition(".")[0]
    return _section(data, table) if table else data


def _holds(data: Mapping[str, Any], facts: tuple[tuple[str, str], ...]) -> bool:
    return all(_scope(data, path).get(path.rpartition(".")[2]) == value for path, value in facts)


def _worded_for(step: Step, data: Mapping[str, Any]) -> bool:
    """Whether the timeline words this case's step as `step`: a step only for some cases
    (a care leaver's death notified) words it for those; the general step for the others."""
    if step.only_for:
        return _holds(data, step.only_for)
    special = _SPECIAL[step.name]
    return not special or not any(_holds(data, facts) for facts in special)


# For each step, the facts of the steps recorded in its field only for some cases.
_SPECIAL: dict[str, tuple[tuple[tuple[str, str], ...], ...]] = {
    step.name: tuple(other.only_for for other in STEPS
                     if other.only_for and other.recorded_by == step.recorded_by)
    for step in STEPS
}


def _lines(step: Step, scope: Mapping[str, Any], data: Mapping[str, Any], today: date | None,
           number: int | None = None) -> list[tuple[date, str]]:
    """The timeline lines of one step recorded in `scope` (its table or list entry)."""
    key = (step.date or "").rpartition(".")[2]
    marker = step.marker.rpartition(".")[2] if step.marker else key
    if marker not in scope:
        return []
    values = scope.get(key)
    if not step.repeats:
        values = [values]
    elif not isinstance(values, list):
        return []
    fields = {**dict(step.defaults), **scope, "number": number}
    from lscp_cli.model.fieldlabels import value_words  # `show` only, not `deadlines`

    table = (step.date or "").rpartition(".")[0]  # an outcome in words: "a CSPR", not "cspr"
    fields = {name: value_words(f"{table}.{name}", value) for name, value in fields.items()}
    text = step.past.format_map(fields) if step.past else ""
    for field, wording in step.extras:
        value = scope.get(field)
        if value is True:
            text += wording
        elif value and not isinstance(value, bool) and str(value).strip():
            text += wording.format(value)
    lines = []
    for when in values:
        if _is_date(when):
            ahead = step.planned is not None and today is not None and when > today
            lines.append((when, step.planned if ahead and step.planned else text))
    return lines


# Steps that may be dated ahead (`record` takes a future date for them): the meetings a
# partnership plans, and the publication date; (table, key, label).
PLANNED: tuple[tuple[str, str, str], ...] = tuple(
    (step.date.partition(".")[0], step.date.partition(".")[2], step.label)
    for step in planned_steps() if step.date
)


def planned_after(data: Mapping[str, Any], day: date) -> list[tuple[date, str]]:
    """The planned steps dated after `day` (upcoming), soonest first."""
    found: list[tuple[date, str]] = []
    for table, key, label in PLANNED:
        section = data.get(table)
        value = section.get(key) if isinstance(section, dict) else None
        for when in value if isinstance(value, list) else [value]:
            if isinstance(when, date) and _is_date(when) and when > day:
                found.append((when, label))
    return sorted(found)


def undated_actions(data: Mapping[str, Any]) -> list[int]:
    """The numbers of the open actions with no due date: no deadline can say they are late."""
    actions = data.get("actions")
    if not isinstance(actions, list):
        return []
    return [number for number, action in enumerate(actions, start=1)
            if isinstance(action, dict) and "completed" not in action
            and not _is_date(action.get("due"))]
