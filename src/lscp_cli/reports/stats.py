"""The partnership's figures for a period: how many incidents, how timely, what is owed.

The figures follow a cohort: the incidents the local authority became aware of in the period
(`incident.aware`), and everything that has happened on them as of a date. That is how the
yearly report reads ("of the incidents in 2025/26, how many were notified on time?"), and it
gives the same answer whenever it is run after the cases are settled. A withdrawn incident
(not a case after all, or a duplicate) is left out of every figure.

Timeliness comes from the deadline rules (`rules.toml`, with the partnership's numbers), so a
figure and `lscp deadlines` never disagree. Each `{on_time, late, pending}` counts a step done
by its due date as `on_time`; done after it, or not done and already past it, as `late`; not
done and not yet due as `pending`; recorded as done by a step in an impossible order (typed by
hand, `lscp check` says so) as `in_doubt` (a key there only when there is one), never on time.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from lscp_cli.base.records import dataclass
from lscp_cli.errors import InvalidFile
from lscp_cli.model.casefields import INCIDENT_TYPES
from lscp_cli.model.steps import OUTCOMES
from lscp_cli.process.rules import Deadline, Doubts, Status, case_deadlines, is_withdrawn
from lscp_cli.process.ruleset import Rule
from lscp_cli.process.workdays import WorkCalendar


@dataclass(frozen=True)
class Period:
    """The awareness dates a report covers, both ends included; None is open-ended."""

    start: date | None = None
    end: date | None = None
    label: str = "all dates"

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), f"calendar year {year}")

    @classmethod
    def financial_year(cls, year: int) -> Period:
        """1 April `year` to 31 March the year after: the partnership's yearly report."""
        return cls(date(year, 4, 1), date(year + 1, 3, 31),
                   f"financial year {year}/{str(year + 1)[-2:]}")

    @classmethod
    def between(cls, start: date | None, end: date | None) -> Period:
        if start and end:
            label = f"{start.isoformat()} to {end.isoformat()}"
        elif start:
            label = f"from {start.isoformat()}"
        elif end:
            label = f"up to {end.isoformat()}"
        else:
            return cls()
        return cls(start, end, label)

    def contains(self, day: Any) -> bool:
        if not isinstance(day, date):
            return False
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Figures:
    """`lscp stats`: the figures (the JSON), as table rows, their period, the files not read."""

    figures: dict[str, Any]
    rows: list[dict[str, Any]]
    period: Period
    problems: list[InvalidFile]


def in_period(cases: Iterable[Mapping[str, Any]], period: Period) -> list[Mapping[str, Any]]:
    """The cohort: incidents the local authority became aware of in `period`, not withdrawn."""
    return [
        case for case in cases
        if not is_withdrawn(case) and period.contains(_get(case, "incident", "aware"))
    ]


def _get(case: Mapping[str, Any], table: str, key: str) -> Any:
    value = case.get(table)
    return value.get(key) if isinstance(value, Mapping) else None


def _timeliness(deadlines: Iterable[Deadline], *, lapsing: bool = False) -> dict[str, int]:
    """On time, late (done late, or not done and past due), not yet due; with `lapsing`, also
    lapsed: never done, and no longer owed (an agency's return after the Rapid Review). A
    closed case's deadline never met is late once its date has passed (closing the case did
    not do it), else not yet due. Met by a step in doubt: `in_doubt`, only when there is one."""
    counts = {"on_time": 0, "late": 0, "pending": 0}
    if lapsing:
        counts["lapsed"] = 0
    for deadline in deadlines:
        if deadline.status == Status.IN_DOUBT:
            counts["in_doubt"] = counts.get("in_doubt", 0) + 1
        elif deadline.status == Status.MET:
            counts["on_time"] += 1
        elif deadline.status in (Status.MET_LATE, Status.OVERDUE, Status.MISSED) or (
                deadline.status == Status.CLOSED and deadline.working_days_left < 0):
            counts["late"] += 1
        elif deadline.status == Status.LAPSED and lapsing:
            counts["lapsed"] += 1
        else:
            counts["pending"] += 1
    return counts


def _median(values: list[int]) -> float | int | None:
    if not values:
        return None
    middle = statistics.median(values)
    return int(middle) if float(middle).is_integer() else float(middle)


def figures(
    cases: Iterable[Mapping[str, Any]],
    calendar: WorkCalendar,
    rules: Sequence[Rule],
    as_of: date,
    period: Period = Period(),  # noqa: B008 (a frozen record)
    *,
    known: Mapping[str, Sequence[Deadline]] | None = None,
    doubts: Doubts | None = None,
) -> dict[str, Any]:
    """The figures of `lscp stats` (the JSON keys of issue 10), for the cohort in `period`.

    `known`: each case's deadlines as of `as_of` by case id, when the caller has them already;
    `doubts`: the recorded steps in doubt (rules.py), counted neither on time nor in a median.
    """
    cohort = in_period(cases, period)
    by_milestone: dict[str, list[Deadline]] = {}
    for case in cohort:
        case_id = str(case.get("id", ""))
        found = (known[case_id] if known is not None and case_id in known
                 else case_deadlines(case, calendar, rules, as_of, doubts=doubts))
        for deadline in found:
            by_milestone.setdefault(deadline.milestone, []).append(deadline)

    by_type = dict.fromkeys(INCIDENT_TYPES, 0)
    decisions = dict.fromkeys(OUTCOMES, 0)
    to_notification: list[int] = []
    to_rapid_review: list[int] = []
    commissioned = published = published_in_time = 0
    publication_due = {d.case: d.due for d in by_milestone.get("cspr-publication", [])}
    for case in cohort:
        kind = str(_get(case, "incident", "type"))
        by_type[kind] = by_type.get(kind, 0) + 1
        decision = _get(case, "rapid_review", "decision")
        if isinstance(decision, str):
            decisions[decision] = decisions.get(decision, 0) + 1
        aware = _get(case, "incident", "aware")
        notified = _get(case, "notification", "panel")
        submitted = _get(case, "rapid_review", "submitted")
        doubtful = doubts.get(str(case.get("id", "")), ()) if doubts else ()
        if "notification.panel" in doubtful:
            notified = None
        if "rapid_review.submitted" in doubtful:
            submitted = None
        if isinstance(aware, date) and isinstance(notified, date):
            to_notification.append(calendar.national.between(aware, notified))
        if isinstance(notified, date) and isinstance(submitted, date):
            to_rapid_review.append(calendar.national.between(notified, submitted))
        if isinstance(_get(case, "cspr", "commissioned"), date):
            commissioned += 1
        when = _get(case, "cspr", "published")
        if isinstance(when, date):
            published += 1
            due = publication_due.get(str(case.get("id", "")))
            if due is not None and when <= due:
                published_in_time += 1

    actions = {"open": 0, "overdue": 0, "completed_on_time": 0, "completed_late": 0}
    action_status = {(d.case, d.action): d.status for d in by_milestone.get("action", [])}
    for case in cohort:
        for number, action in enumerate(case.get("actions") or [], start=1):
            if not isinstance(action, Mapping):
                continue
            status = action_status.get((str(case.get("id", "")), number))
            if status == Status.IN_DOUBT:
                actions["completed_in_doubt"] = actions.get("completed_in_doubt", 0) + 1
            elif isinstance(action.get("completed"), date):
                actions["completed_late" if status == Status.MET_LATE else "completed_on_time"] += 1
            else:
                actions["open"] += 1
                actions["overdue"] += status == Status.OVERDUE

    # The late Panel notifications, told apart: made late with why recorded (`record ...
    # panel-notified --note`, kept as notification.late_reason), made late without it, and
    # not made at all though due. The three add up to the "late" figure.
    reasons = {str(case.get("id", "")): _get(case, "notification", "late_reason")
               for case in cohort}
    late_notifications = {"notified_with_reason": 0, "notified_without_reason": 0,
                          "not_notified": 0}
    for deadline in by_milestone.get("panel-notification", []):
        if deadline.status == Status.MET_LATE:
            reason = reasons.get(deadline.case)
            with_reason = isinstance(reason, str) and bool(reason.strip())
            late_notifications["notified_with_reason" if with_reason
                               else "notified_without_reason"] += 1
        elif deadline.status == Status.MISSED or deadline.status in (
                Status.OVERDUE, Status.CLOSED) and deadline.working_days_left < 0:
            late_notifications["not_notified"] += 1

    return {
        "incidents": len(cohort),
        # Left out of every figure, but said: withdrawn in the period (a duplicate apart).
        "withdrawn": _withdrawn(cases, period),
        "by_type": by_type,
        "panel_notified_on_time": _timeliness(by_milestone.get("panel-notification", [])),
        "panel_notified_late": late_notifications,
        "partners_notified_on_time": _timeliness(by_milestone.get("partners-notification", [])),
        # A care leaver's death: its own notice, late or not, counted apart from the Panel's.
        "care_leaver_notified_on_time": _timeliness(
            by_milestone.get("care-leaver-notification", [])),
        "rapid_reviews_on_time": _timeliness(by_milestone.get("rapid-review", [])),
        "decisions": decisions,
        "cspr_commissioned": commissioned,
        "cspr_published": published,
        # Named by what it measures: within the publication aim, whatever its months are.
        "cspr_published_within_aim": published_in_time,
        "cspr_publication_aim_months": _aim_months(rules),
        "median_working_days": {
            "awareness_to_notification": _median(to_notification),
            "notification_to_rapid_review": _median(to_rapid_review),
        },
        "agency_returns_on_time": _timeliness(by_milestone.get("agency-return", []),
                                              lapsing=True),
        "actions": actions,
    }


def _withdrawn(cases: Iterable[Mapping[str, Any]], period: Period) -> dict[str, int]:
    gone = [case for case in cases
            if is_withdrawn(case) and period.contains(_get(case, "incident", "aware"))]
    duplicates = sum(str(case.get("withdrawn_reason", "")).startswith("a duplicate of ")
                     for case in gone)
    return {"total": len(gone), "duplicates": duplicates}


def _aim_months(rules: Sequence[Rule]) -> int | None:
    """The months the CSPR publication aim allows (6 unless `[rules]` says otherwise)."""
    return next((rule.offset for rule in rules if rule.id == "cspr-publication"), None)


# -- as a table --------------------------------------------------------------------------------
_TIMELINESS_ROWS = (("on_time", "on time"), ("late", "late"), ("pending", "not yet due"),
                    ("lapsed", "never returned: lapsed once the Rapid Review went"),
                    ("in_doubt", "recorded in an impossible order: in doubt (lscp check)"))
# The late Panel notifications told apart (they add up to the "late" line).
_LATE_ROWS = (("notified_with_reason", "notified late, reason recorded"),
              ("notified_without_reason", "notified late, no reason recorded"),
              ("not_notified", "not notified, past due"))
# Each timeliness figure, the rule it counts, and its words ({n}: the rule's number).
_SECTIONS = (
    ("panel_notified_on_time", "panel-notification",
     "National Panel notified within {n} working days"),
    ("partners_notified_on_time", "partners-notification",
     "Safeguarding partners notified within {n} working days"),
    ("care_leaver_notified_on_time", "care-leaver-notification",
     "Care leaver's death: Secretary of State and Ofsted notified within {n} working days"),
    ("rapid_reviews_on_time", "rapid-review", "Rapid Review sent within {n} working days"),
    ("agency_returns_on_time", "agency-return", "Agency information returned on time"),
)


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else ""


def figure_rows(data: Mapping[str, Any], rules: Sequence[Rule]) -> list[dict[str, Any]]:
    """The figures as rows (measure, number, percentage, key), ready to paste into a report.

    Percentages are of the line's own total (the incidents, the decisions made, the steps
    counted, the actions), rounded to whole numbers; `key` is the JSON path of the number.
    """
    rows: list[dict[str, Any]] = []
    numbers = {rule.id: rule.offset for rule in rules}

    def row(measure: str, number: Any, whole: int | None, key: str, level: int = 0) -> None:
        percent = _percent(number, whole) if whole is not None and number is not None else ""
        rows.append({"measure": "  " * level + measure, "number": number, "percent": percent,
                     "key": key})

    incidents = int(data["incidents"])
    row("Incidents (by date the local authority became aware)", incidents, None, "incidents")
    for kind, count in data["by_type"].items():
        row(kind, count, incidents, f"by_type.{kind}", 1)
    if "withdrawn" in data:
        withdrawn = data["withdrawn"]
        row("Withdrawn (not in any figure here)", withdrawn["total"], None, "withdrawn.total")
        row("duplicates of another case", withdrawn["duplicates"], withdrawn["total"],
            "withdrawn.duplicates", 1)
    for key, milestone, label in _SECTIONS:
        counts = data[key]
        total = sum(counts.values())
        row(label.format(n=numbers.get(milestone, "?")), total, None, key)
        for part, words in _TIMELINESS_ROWS:
            if part in counts:
                row(words, counts[part], total, f"{key}.{part}", 1)
            if key == "panel_notified_on_time" and part == "late" and "panel_notified_late" in data:
                late = data["panel_notified_late"]
                for reason, said in _LATE_ROWS:
                    row(said, late[reason], counts["late"], f"panel_notified_late.{reason}", 2)
    decided = sum(data["decisions"].values())
    row("Executive decisions", decided, None, "decisions")
    for outcome, count in data["decisions"].items():
        row(outcome, count, decided, f"decisions.{outcome}", 1)
    commissioned = int(data["cspr_commissioned"])
    row("CSPRs commissioned", commissioned, None, "cspr_commissioned")
    row("published", data["cspr_published"], commissioned, "cspr_published", 1)
    row(f"published within {data['cspr_publication_aim_months']} months of the decision "
        "(the aim)", data["cspr_published_within_aim"], commissioned,
        "cspr_published_within_aim", 1)
    medians = data["median_working_days"]
    row("Median working days: awareness to Panel notification",
        medians["awareness_to_notification"], None, "median_working_days.awareness_to_notification")
    row("Median working days: Panel notification to Rapid Review",
        medians["notification_to_rapid_review"], None,
        "median_working_days.notification_to_rapid_review")
    actions = data["actions"]
    total_actions = (actions["open"] + actions["completed_on_time"] + actions["completed_late"]
                     + actions.get("completed_in_doubt", 0))
    row("Actions", total_actions, None, "actions.total")
    row("completed on time", actions["completed_on_time"], total_actions,
        "actions.completed_on_time", 1)
    row("completed late", actions["completed_late"], total_actions, "actions.completed_late", 1)
    if "completed_in_doubt" in actions:
        row("completed in an impossible order: in doubt (lscp check)",
            actions["completed_in_doubt"], total_actions, "actions.completed_in_doubt", 1)
    row("open", actions["open"], total_actions, "actions.open", 1)
    row("of which overdue", actions["overdue"], total_actions, "actions.overdue", 2)
    return rows
