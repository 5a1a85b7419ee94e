"""The deadlines as an iCalendar feed for Outlook: one all-day event per deadline.

Each event carries a reminder (VALARM) a number of working days before its due date, set in
`lscp.toml` `[calendar] reminder_working_days`. UIDs are stable (case, milestone, agency or
action), so importing a newer export updates the events instead of duplicating them; a
deadline that has been met, or whose case was withdrawn (or closed, except its open actions),
is exported again with `STATUS:CANCELLED` under the same UID, so the re-import removes it.
One met by a step in an impossible order (`in-doubt`) stays, flagged in its title.
Child initials stay out: calendars get shared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from lscp_cli.model.dates import today
from lscp_cli.process.rules import (
    Deadline,
    Doubts,
    case_deadlines,
    is_closed,
    is_withdrawn,
    report_order,
    wanted,
)
from lscp_cli.process.ruleset import Rule
from lscp_cli.process.workdays import WorkCalendar

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
    doubts: Doubts | None = None,
) -> tuple[list[Deadline], set[str]]:
    """The deadlines a calendar feed carries, and the keys of those to cancel.

    Live: the unmet deadlines of open cases, and the open actions of closed cases (they stay
    work to do until completed), filtered by `overdue_only` and `within`; and, unfiltered,
    those in doubt (met by a step in an impossible order: flagged, never cancelled as met).
    Cancelled: met deadlines, lapsed ones (an agency's return after the Rapid Review),
    everything of a withdrawn case, and the rest of a closed case's deadlines, due no longer
    ago than `CANCELLATIONS_KEPT`, whatever the filters (a filter must not leave an event
    someone already imported standing). `doubts`: the steps in doubt (rules.py).
    """
    selected: list[Deadline] = []
    cancelled: set[str] = set()
    oldest = as_of - CANCELLATIONS_KEPT
    for case in cases:
        withdrawn, closed = is_withdrawn(case), is_closed(case)
        for deadline in case_deadlines(case, calendar, rules, as_of, doubts=doubts):
            # One in doubt (met by a step in an impossible order) is neither done nor gone: it
            # stays in the calendar, flagged, until `lscp check`'s problem is put right.
            live = deadline.status.is_open or deadline.is_in_doubt
            if not live or withdrawn or (closed and deadline.milestone != "action"):
                if deadline.due >= oldest:
                    selected.append(deadline)
                    cancelled.add(deadline.key)
                continue
            if wanted(deadline, overdue_only=overdue_only, within=within):
                selected.append(deadline)
    selected.sort(key=report_order)
    return selected, cancelled


def reminder_trigger(due: date, working_days_before: int, calendar: WorkCalendar) -> timedelta:
    """How long before the start of the all-day event on `due` the reminder goes off."""
    day = calendar.add(due, -working_days_before) if working_days_before else due
    return (day - due) + timedelta(hours=REMINDER_HOUR)


def _text(value: str) -> str:
    """An iCalendar TEXT value (RFC 5545 3.3.11): backslash, ; , and newlines escaped."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _fold(line: str) -> str:
    """Lines longer than 75 octets folded (RFC 5545 3.1), never inside a UTF-8 character."""
    if line.isascii():  # nearly every line: one octet a character, so slices will do
        if len(line) <= 75:
            return line + "\r\n"
        return "\r\n ".join([line[:75], *(line[i:i + 74] for i in range(75, len(line), 74))]
                              ) + "\r\n"
    parts: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, 74  # continuation lines start with a space
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts) + "\r\n"


def _duration(delta: timedelta) -> str:
    """An iCalendar DURATION such as -P2DT15H (RFC 5545 3.3.6)."""
    sign = "-" if delta < timedelta(0) else ""
    delta = abs(delta)
    hours, rest = divmod(delta.seconds, 3600)
    minutes = rest // 60
    time = (f"T{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if time and not time.startswith("T"):
        time = "T" + time
    days = f"{delta.days}D" if delta.days or not time else ""
    return f"{sign}P{days}{time}"


def _notice_summary(notice: str) -> str:
    if notice.startswith("NOT COMPLETE"):
        return "lscp: this calendar is NOT COMPLETE (case files not read)"
    return "lscp: CHECK THE FIGURES (case files in doubt)"


def render_ics(
    deadlines: Sequence[Deadline],
    partnership: str,
    calendar: WorkCalendar,
    *,
    reminder_working_days: int = DEFAULT_REMINDER_WORKING_DAYS,
    cancelled: Callable[[Deadline], bool] = lambda deadline: deadline.is_met,
    incomplete: str | None = None,
    as_of: date | None = None,
) -> bytes:
    """An iCalendar file with one all-day event per deadline, importable into Outlook.

    `cancelled` says which deadlines no longer need doing (met, withdrawn): they keep their
    UID and get `STATUS:CANCELLED`, a higher `SEQUENCE` and no reminder. Written directly
    rather than through the icalendar package: its serialiser took 2 s for the 3,000 events
    of a 500-case casebook, against the 0.3 s a command may take (the tests read the file
    back with icalendar).

    `incomplete` (reports/incomplete.py: case files not read) goes in the calendar's own
    description and as an all-day event on `as_of` (one UID a day), so Outlook shows that the
    feed is not complete where the deadlines are seen.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//lscp//deadlines//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_text(f'{partnership} deadlines')}",
    ]
    if incomplete:
        day = as_of or today()
        lines += [
            f"X-WR-CALDESC:{_text(incomplete)}",
            f"X-LSCP-NOT-COMPLETE:{_text(incomplete)}",
            "BEGIN:VEVENT",
            f"UID:not-complete-{day.strftime('%Y%m%d')}@lscp",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(day + timedelta(days=1)).strftime('%Y%m%d')}",
            f"SUMMARY:{_text(_notice_summary(incomplete))}",
            f"DESCRIPTION:{_text(incomplete)}",
            "CATEGORIES:lscp,not-complete",
            "TRANSP:TRANSPARENT",
            "STATUS:CONFIRMED",
            "SEQUENCE:0",
            "END:VEVENT",
        ]
    for deadline in deadlines:
        provisional = " (provisional)" if deadline.provisional else ""
        doubt = "IN DOUBT (lscp check): " if deadline.is_in_doubt else ""
        due = deadline.due
        description = f"Due: {deadline.basis}.\nSource: {deadline.source}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_text(deadline.key)}@lscp",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{due.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(due + timedelta(days=1)).strftime('%Y%m%d')}",
            f"SUMMARY:{_text(f'{doubt}{deadline.case}: {deadline.label}{provisional}')}",
            f"DESCRIPTION:{_text(description)}",
            f"CATEGORIES:lscp,{_text(deadline.milestone)}",
            "TRANSP:TRANSPARENT",
        ]
        if cancelled(deadline):
            lines += ["STATUS:CANCELLED", "SEQUENCE:1"]
        elif deadline.is_in_doubt:  # a flag to put right, not a countdown: no reminder
            lines += ["STATUS:CONFIRMED", "SEQUENCE:0"]
        else:
            trigger = reminder_trigger(due, reminder_working_days, calendar)
            when = f"{due.strftime('%A')} {due.day} {due.strftime('%B %Y')}"
            lines += [
                "STATUS:CONFIRMED",
                "SEQUENCE:0",
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                f"DESCRIPTION:{_text(f'{deadline.case}: {deadline.label} due {when}')}",
                f"TRIGGER:{_duration(trigger)}",
                "END:VALARM",
            ]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) for line in lines).encode("utf-8")
