"""Warnings of a step that is possible but unusual: said on stderr, the step still recorded.

- A meeting, a decision or a letter (steps.py `working_day`) dated on a weekend, a bank
  holiday or an office closure day: most likely a typo in the date.
- A step recorded after the due date it answers (steps.py `late_against`): the Panel
  notification said to be late, with why asked for (`late_reason`: the note is kept where the
  notification letter reads it, and stats count it); a planned publication beyond the aim.
Messages name steps, dates and rules, never free text from the case.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from lscp_cli.base.records import dataclass
from lscp_cli.errors import said
from lscp_cli.model.dates import long_date
from lscp_cli.model.steps import Step
from lscp_cli.process.rules import Deadline, case_deadlines
from lscp_cli.process.ruleset import Rule, rules_meeting
from lscp_cli.process.workdays import WorkCalendar


@dataclass(frozen=True)
class Checks:
    """What the warnings need from the casebook: its calendar, its rules, and today."""

    calendar: WorkCalendar
    rules: Sequence[Rule]
    today: date


def day_off(calendar: WorkCalendar, day: date) -> str | None:
    """`Saturday 18 January 2025 is not a working day (a weekend)`, or None on a working day."""
    if calendar.is_working_day(day):
        return None
    why = "a weekend" if day.weekday() >= 5 else dict(calendar.holidays(day.year)).get(
        day, "not a working day in this casebook's calendar")
    return f"{long_date(day)} is not a working day ({why})"


def late_against(step: Step, when: date, data: Mapping[str, Any],
                 checks: Checks) -> Deadline | None:
    """The deadline `step` answers, if `when` is after its due date."""
    if step.late_against is None:
        return None
    for deadline in case_deadlines(data, checks.calendar, checks.rules, when):
        if (deadline.milestone == step.late_against and not deadline.provisional
                and when > deadline.due):
            return deadline
    return None


def _calendar_of(step: Step, checks: Checks) -> WorkCalendar:
    """The working days a step is dated in: a step meeting only national deadlines (the Panel
    notified, the partners told) counts an office closure as a working day, as they do."""
    met = rules_meeting(step, checks.rules)
    return (checks.calendar.national if met and all(rule.national for rule in met)
            else checks.calendar)


def unusual(step: Step, when: date, late: Deadline | None, checks: Checks, *,
            reason_kept: bool) -> list[str]:
    """The warnings for `step` recorded on `when` (`late`: the deadline it is after)."""
    warnings = []
    if step.working_day and (off := day_off(_calendar_of(step, checks), when)):
        warnings.append(f"{step.name}: {off}; check the date (dates are read day first: "
                        "06/01/2025)")
    if late is not None and step.is_plan:
        warnings.append(f"{step.name}: {long_date(when)} is beyond the aim: {late.label} by "
                        f"{long_date(late.due)} ({late.basis}); the reasons for the delay "
                        "belong in the case notes")
    elif late is not None:
        late_words = (f"{step.name} on {long_date(when)} is late: the {step.label} was due "
                      f"by {long_date(late.due)} ({late.basis})")
        if reason_kept:
            warnings.append(f"{late_words}; the reason given is kept as '{step.late_reason}'")
        elif step.late_reason:
            warnings.append(f"{late_words}. Say why: "
                            + said('run the same command again with --note "..."',
                                   'record it again with note="..."')
                            + f"; it is kept as '{step.late_reason}', which the notification "
                            "letter reads and `lscp stats` counts")
        else:
            warnings.append(late_words)
    return warnings
