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

from lscp_cli.model.ages import duty_facts
from lscp_cli.model.eventnotes import timeline_notes
from lscp_cli.model.steps import STEPS, Step, planned_steps
from lscp_cli.process.rules import not_applicable
from lscp_cli.process.ruleset import Rule


def _is_date(value: Any) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def notification_only(data: Mapping[str, Any], rules: Sequence[Rule]) -> str | None:
    """Why the case needs no Rapid Review under the casebook's `rules`, or None when it does."""
    rapid = [rule for rule in rules if rule.id == "rapid-review"]
    return next((why for _, why in not_applicable(data, rapid)), None)


def stage_of(data: Mapping[str, Any], rules: Sequence[Rule]) -> str:
    """Where the case is in the process, in words an officer uses (which steps it needs at
    all: the casebook's `rules`)."""
    if "closed" in data:
        return "closed"
    if "withdrawn" in data:
        reason = data.get("withdrawn_reason")
        if isinstance(reason, str) and reason.strip():  # as typed, never a reason assumed
            return f"withdrawn: {' '.join(reason.split())}"
        return "withdrawn"
    notification = data.get("notification", {})
    rapid = data.get("rapid_review", {})
    cspr = data.get("cspr", {})
    actions = data.get("actions", [])
    if not duty_facts(data)["duty.notifiable"]:
        return "not notifiable on the recorded facts"
    if "panel" not in notification:
        care_leaver = data.get("incident", {}).get("type") == "care-leaver-death"
        return "awaiting notification" if care_leaver else "awaiting Panel notification"
    if notification_only(data, rules):
        return "notified (no Rapid Review)"
    if "submitted" not in rapid:
        if "decision" in rapid:
            return "Rapid Review: decision made, to submit"
        if "recommendation" in rapid or "meeting" in rapid:
            return "Rapid Review: awaiting Executive decision"
        return "Rapid Review: gathering information"
    if rapid.get("decision") == "cspr":
        if "commissioned" not in cspr:
            return "CSPR: to commission"
        if "published" not in cspr and "improvements_published" not in cspr:
            if cspr.get("not_published_reason"):
                return "CSPR: withheld, improvements information to publish"
            return "CSPR: in progress"
    if any("completed" not in a for a in actions):
        return "action plan"
    return "learning and closure"


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
    return not any(other.only_for and other.recorded_by == step.recorded_by
                   and _holds(data, other.only_for) for other in STEPS)


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
