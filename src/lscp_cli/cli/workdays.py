"""`lscp workdays`: the working-day calculator officers check deadlines with by hand."""

from __future__ import annotations

from datetime import date

import click

from lscp_cli.cli import console
from lscp_cli.cli.app import (
    DATE,
    AppContext,
    SummaryGroup,
    WholeNumber,
    format_option,
    pass_app,
)
from lscp_cli.errors import LscpError
from lscp_cli.model.dates import long_date, today
from lscp_cli.process.workdays import WorkCalendar

# About 100 years either way: far beyond any deadline, short of the calendar's limits.
MAX_DAYS = 25_000


def _calendar(app: AppContext) -> WorkCalendar:
    """The casebook's lscp.toml [calendar] when there is one; England's defaults otherwise.

    The calculator must work without a casebook, or with a broken lscp.toml (the officer may
    be checking a date while fixing it), so a problem there is a warning, not an error.
    """
    try:
        calendar: WorkCalendar = app.casebook.calendar
    except LscpError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        console.warning(f"{first}")
        console.warning("counting with bank holidays only (no lscp.toml closures); "
                        "`lscp check` lists what to fix")
        return WorkCalendar()
    return calendar


def _counted(app: AppContext, national: bool) -> WorkCalendar:
    calendar = _calendar(app)
    return calendar.national if national else calendar


def _closures_note(calendar: WorkCalendar, national: bool, a: date, b: date) -> None:
    """Say when office closures fall between the two dates: they count for local deadlines
    only, so a national deadline is checked with --national."""
    low, high = min(a, b), max(a, b)
    if national or not any(low <= d <= high for d in calendar.closed):
        return
    console.info("counted with the office closures in lscp.toml [calendar] closed, as local "
                 "deadlines are (agency returns, actions); national deadlines (Panel "
                 "notification, partners' report, Rapid Review) ignore them: add --national")


NATIONAL = click.option(
    "--national", is_flag=True,
    help="Count as a national deadline does: office closures (lscp.toml [calendar] closed) "
         "are working days.")


@click.group(cls=SummaryGroup)
def workdays() -> None:
    """The working-day calculator: bank holidays in England and Wales, plus lscp.toml closures.

    A working day is Monday to Friday, except bank holidays in England and Wales and the
    casebook's lscp.toml [calendar] closed days (its open days are working days). Office
    closures count for local deadlines only (agency returns, actions): --national counts as
    the national deadlines do, without them.

    \b
    Examples:
      lscp workdays add 2025-01-03 5
      lscp workdays between 2025-01-03 2025-01-10
      lscp workdays holidays 2026
    """


# Negative N ("-7") must reach the argument rather than be read as an option.
@workdays.command("add", context_settings={"ignore_unknown_options": True})
@click.argument("start", metavar="DATE", type=DATE)
@click.argument("n", type=WholeNumber(
    "a whole number of working days, e.g. 15 (or -15 to count back)", -MAX_DAYS, MAX_DAYS,
    unit="working days"))
@NATIONAL
@pass_app
def add(app: AppContext, start: date, n: int, national: bool) -> None:
    """The date N working days after DATE (before it when N is negative).

    DATE is day 0 and the first working day after it is day 1, also when DATE is a weekend
    or bank holiday, as deadlines count (lscp.toml [calendar] non_working_day_event may make
    that next working day day 0). With event_day_is_day_one = true, DATE counts as day 1.

    \b
    Examples:
      lscp workdays add 2025-01-03 5        # Friday 10 January 2025
      lscp workdays add 15/07/2025 -7       # 7 working days before 15 July 2025
      lscp workdays add 22/12/2025 5 --national
    """
    calendar = _counted(app, national)
    if n >= 0 and not calendar.is_working_day(start):
        first = calendar.next_working_day(start)
        day_zero = n == 0 or (calendar.non_working_day_is_day_zero
                              and not calendar.event_day_is_day_one)
        day = "day 0" if day_zero else "day 1"
        console.info(
            f"{long_date(start)} is not a working day: counting from {long_date(first)} as {day}"
        )
    due = calendar.add(start, n)
    _closures_note(calendar, national, start, due)
    console.result(f"{due.isoformat()} ({long_date(due)})")


@workdays.command()
@click.argument("a", metavar="A", type=DATE)
@click.argument("b", metavar="B", type=DATE)
@NATIONAL
@pass_app
def between(app: AppContext, a: date, b: date, national: bool) -> None:
    """The number of working days after A up to and including B (negative if B is before A).

    This is how a deadline's "working days left" is counted: A is today, B the due date.

    \b
    Examples:
      lscp workdays between 2025-01-03 2025-01-10    # 5
      lscp workdays between today 31/03/2026
    """
    calendar = _counted(app, national)
    _closures_note(calendar, national, a, b)
    console.result(str(calendar.between(a, b)))


@workdays.command()
@click.argument("year", required=False, type=WholeNumber(
    "a year such as 2025", 1900, 2200))
@format_option()
@pass_app
def holidays(app: AppContext, year: int | None, fmt: str) -> None:
    """The weekdays of YEAR (default this year) that are not working days, and why.

    \b
    Examples:
      lscp workdays holidays
      lscp workdays holidays 2026 --format csv
    """
    year = year or today().year
    records = [
        {"date": day, "weekday": f"{day:%A}", "reason": reason}
        for day, reason in _calendar(app).holidays(year)
    ]
    columns = [
        console.Column("date", "Date", no_wrap=True),
        console.Column("weekday", "Day", table=False),  # the date says it
        console.Column("reason", "Why not a working day"),
    ]
    console.render_records(records, columns, fmt, title=f"Non-working weekdays in {year}")
