"""`lscp deadlines`: its options and help (what it shows: deadline_listing.py)."""

from __future__ import annotations

import textwrap
from datetime import date

import click

from lscp_cli.cli.app import (
    DATE,
    HELP_BLOCK_WIDTH,
    AppContext,
    WholeNumber,
    format_option,
    pass_app,
)
from lscp_cli.cli.deadline_listing import FORMATS, show
from lscp_cli.process.rules import DUE_SOON_DAYS
from lscp_cli.process.ruleset import default_rules
from lscp_cli.process.settings import CalendarSettings


def _help() -> str:
    """`lscp deadlines --help`, its rules and numbers read from rules.toml and the defaults."""
    rules = "\n".join(
        f"  {label}\n" + textwrap.fill(when, width=HELP_BLOCK_WIDTH, initial_indent=" " * 6,
                                       subsequent_indent=" " * 6, break_on_hyphens=False)
        for label, when in (rule.describe() for rule in default_rules())
    )
    reminder = CalendarSettings().reminder_working_days
    return f"""\
What is due and overdue across all cases, in working days, overdue first.

Working days are Monday to Friday except bank holidays in England and Wales; the office
closure days in lscp.toml [calendar] count for local deadlines only (agency returns, actions),
never for a national one. The event's date is day 0 and the first working day after it is
day 1, also for an event on a weekend or bank holiday (--basis says how each date was
counted). A deadline is due-soon with {DUE_SOON_DAYS} working days or fewer left. The rules
(change a number in lscp.toml [rules]):

\b
{rules}

--format ics is a calendar feed for Outlook: an all-day event per deadline with a reminder
lscp.toml [calendar] reminder_working_days (default {reminder}) working days before it. Met
deadlines, and those of withdrawn or closed cases (but a closed case's open actions), are
exported as cancelled under the same UID, so importing the new file removes them.

\b
Examples:
  lscp deadlines
  lscp deadlines --within 10 --basis
  lscp deadlines --case LSCP-2025-001 --all
  lscp deadlines --format ics > deadlines.ics
  lscp deadlines --as-of 2025-01-13 --format csv > deadlines.csv
"""


@click.command(help=_help())
@click.option("--as-of", type=DATE, help="Work out statuses as of this date (default today).")
@click.option(
    "--within",
    type=WholeNumber("a whole number of working days, e.g. 10", 0, unit="working days"),
    metavar="N",
    help="Only deadlines due within N working days (overdue ones included).",
)
@click.option("--overdue", "overdue_only", is_flag=True, help="Only overdue deadlines.")
@click.option("--case", "case_id", metavar="ID", help="Only this case.")
@click.option(
    "--all",
    "include_all",
    is_flag=True,
    help="Also met deadlines, and those of closed cases (by default only open work).",
)
@click.option("--basis", "show_basis", is_flag=True, help="Show how each due date was counted.")
@format_option(FORMATS)
@pass_app
def deadlines(
    app: AppContext,
    as_of: date | None,
    within: int | None,
    overdue_only: bool,
    case_id: str | None,
    include_all: bool,
    show_basis: bool,
    fmt: str,
) -> None:
    """What is due and overdue across all cases (the full help: `_help()`)."""
    show(app.casebook, as_of=as_of, within=within, overdue_only=overdue_only, case_id=case_id,
         include_all=include_all, show_basis=show_basis, fmt=fmt)
