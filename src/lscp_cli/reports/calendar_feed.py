"""The deadlines as an iCalendar feed for Outlook: one all-day event per deadline.

Each event carries a reminder (VALARM) a number of working days before its due date, set in
`lscp.toml` `[calendar] reminder_working_days`. UIDs are stable (case, milestone, agency or
action), so importing a newer export updates the events instead of duplicating them; a
deadline that has been met, or whose case was withdrawn (or closed, except its open actions),
is exported again with `STATUS:CANCELLED` under the same UID, so the re-import removes it.
Child initials stay out: calendars get shared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from lscp_cli.rules import (
    Deadline,
    Rule,
    Status,
    case_deadlines,
    is_closed,
    is_withdrawn,
    report_order,
)
from lscp_cli.workdays import WorkCalendar

# The reminder goes off at this hour of the reminder day (floating local time, as Outlook
# reads an all-day event).
REMINDER_HOUR = 9
DEFAULT_REMINDER_WORKING_DAYS = 3
# Cancellations are exported for deadlines due this long ago or later: older events have long
# gone from anyone's calendar, and a feed that grows for ever makes Outlook's import slow.
CANCELLATIONS_KEPT = timedelta(days=366)


def feed_deadlines(
    cases: Iterable[Mapping[str, Any]],
    calendar: WorkCalendar,
    rules: Sequence[Rule],
    as_of: date,
    *,
    overdue_only: bool = False,
    within: int | None = None,
) -> tuple[list[Deadline], set[str]]:
    """The deadlines a calendar feed carries, and the keys of those to cancel.

    Live: the unmet deadlines of open cases, and the open actions of closed cases (they stay
    work to do until completed), filtered by `overdue_only` and `within`. Cancelled: met
    deadlines, everything of a withdrawn case, and the rest of a closed case's deadlines, due
    no longer ago than `CANCELLATIONS_KEPT`, whatever the filters (a filter must not leave an
    event someone already imported standing).
    """
    selected: list[Deadline] = []
    cancelled: set[str] = set()
    oldest = as_of - CANCELLATIONS_KEPT
    for case in cases:
        withdrawn, closed = is_withdrawn(case), is_closed(case)
        for deadline in case_deadlines(case, calendar, rules, as_of):
            if (deadline.is_met or withdrawn
                    or (closed and deadline.milestone != "action")):
                if deadline.due >= oldest:
                    selected.append(deadline)
                    cancelled.add(deadline.key)
                continue
            if overdue_only and deadline.status != Status.OVERDUE:
                continue
            if within is not None and deadline.working_days_left > within:
                continue
            selected.append(deadline)
    selected.sort(key=report_order)
    return selected, cancelled


def reminder_trigger(due: date, working_days_before: int, calendar: WorkCalendar) -> timedelta:
    """How long before the start of the all-day event on `due` the reminder goes off."""
    day = calendar.add(due, -working_days_before) if working_days_before else due
    return (day - due) + timedelta(hours=REMINDER_HOUR)


def render_ics(
    deadlines: Sequence[Deadline],
    partnership: str,
    calendar: WorkCalendar,
    *,
    reminder_working_days: int = DEFAULT_REMINDER_WORKING_DAYS,
    cancelled: Callable[[Deadline], bool] = lambda deadline: deadline.is_met,
) -> bytes:
    """An iCalendar file with one all-day event per deadline, importable into Outlook.

    `cancelled` says which deadlines no longer need doing (met, withdrawn): they keep their
    UID and get `STATUS:CANCELLED`, a higher `SEQUENCE` and no reminder.
    """
    # icalendar costs about 80 ms to import; only this format needs it.
    from icalendar import Alarm, Calendar, Event

    feed = Calendar()
    feed.add("prodid", "-//lscp//deadlines//EN")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", f"{partnership} deadlines")
    stamp = datetime.now(UTC).replace(microsecond=0)
    for deadline in deadlines:
        is_cancelled = cancelled(deadline)
        event = Event()
        event.add("uid", f"{deadline.key}@lscp")
        event.add("dtstamp", stamp)
        event.add("dtstart", deadline.due)
        event.add("dtend", deadline.due + timedelta(days=1))
        provisional = " (provisional)" if deadline.provisional else ""
        event.add("summary", f"{deadline.case}: {deadline.label}{provisional}")
        event.add("description", f"Due: {deadline.basis}.\nSource: {deadline.source}")
        event.add("categories", ["lscp", deadline.milestone])
        event.add("transp", "TRANSPARENT")
        if is_cancelled:
            event.add("status", "CANCELLED")
            event.add("sequence", 1)
        else:
            event.add("status", "CONFIRMED")
            event.add("sequence", 0)
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"{deadline.case}: {deadline.label} due "
                      f"{deadline.due.strftime('%A')} {deadline.due.day} "
                      f"{deadline.due.strftime('%B %Y')}")
            alarm.add("trigger", reminder_trigger(deadline.due, reminder_working_days, calendar))
            event.add_component(alarm)
        feed.add_component(event)
    return bytes(feed.to_ical())
