"""`lscp actions`, `lscp stats`, `lscp report`: what happens after the Rapid Review, reported.

Thin: each command selects the cases, calls one function of `lscp_cli.reports`, and renders.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from lscp_cli.base.safefile import atomic_write
from lscp_cli.cli import console
from lscp_cli.cli.app import DATE, AppContext, WholeNumber, format_option, pass_app
from lscp_cli.errors import InvalidFile
from lscp_cli.model.dates import long_date, today
from lscp_cli.process.rules import Status
from lscp_cli.reports.actions import ActionRow, by_owner
from lscp_cli.reports.incomplete import left_out, notice
from lscp_cli.reports.stats import Period

FC = TypeVar("FC", bound=Callable[..., Any])


def _report_errors(errors: list[InvalidFile]) -> None:
    """The cases that could not be read: named on stderr, exit 1 after the rest is shown
    (a case counted in doubt: a warning)."""
    console.file_problems(errors)


# -- actions ---------------------------------------------------------------------------------
def _action_columns(fmt: str) -> list[console.Column]:
    columns = [
        console.Column("case", "Case", no_wrap=True),
        console.Column("action", "No.", justify="right", no_wrap=True),
        console.Column("text", "Action", min_width=28),
        console.Column("owner", "Owner", table=False),
        console.Column("due", "Due", no_wrap=True),
        console.Column("completed", "Completed", no_wrap=True, drop=2),
        console.Column("status", "Status", style=console.status_style, no_wrap=True),
        console.Column("working_days_left", "WD left", justify="right", no_wrap=True, drop=3),
        console.Column("progress", "Latest progress", drop=1, min_width=16),
        console.Column("progress_date", "Progress date", table=False),
        console.Column("progress_note", "Progress note", table=False),
    ]
    # The table shows the latest note as one column; CSV and Excel keep its date and text apart.
    return [c for c in columns if c.key != ("progress" if fmt in ("csv", "xlsx") else "")]


@click.command()
@click.option("--owner", metavar="TEXT",
              help="Only actions whose owner contains TEXT (any case, spacing ignored).")
@click.option("--case", "case_id", metavar="ID", help="Only this case's action plan.")
@click.option("--open", "open_only", is_flag=True, help="Only actions not yet completed.")
@click.option("--overdue", "overdue_only", is_flag=True, help="Only overdue actions.")
@click.option("--as-of", type=DATE, help="Work out statuses as of this date (default today).")
@format_option()
@pass_app
def actions(
    app: AppContext,
    owner: str | None,
    case_id: str | None,
    open_only: bool,
    overdue_only: bool,
    as_of: date | None,
    fmt: str,
) -> None:
    """Every action of every case's action plan: who owes what, and by when.

    The table groups the actions by owner, overdue first; JSON and CSV carry the whole text
    of each action and its latest progress note (record one with `lscp record ID
    action-progress --action N --note TEXT`). Statuses are the deadlines' (overdue, due-soon,
    pending, met, met-late; in-doubt: completed in an impossible order, see `lscp check`). A
    closed case's open actions stay here until completed.

    \b
    Examples:
      lscp actions --open
      lscp actions --owner police --overdue
      lscp actions --case LSCP-2025-001 --format csv > actions.csv
    """

    if open_only and overdue_only:
        raise click.UsageError("use --open or --overdue, not both (overdue actions are open)")
    as_of = as_of or today()
    rows = app.casebook.actions(as_of, owner=owner, case=case_id, open_only=open_only,
                                overdue_only=overdue_only)
    records = [_action_record(row) for row in rows]
    columns = _action_columns(fmt)
    incomplete = notice(rows.problems)
    if fmt != "table":
        console.render_records(records, columns, fmt, incomplete=incomplete)
    elif not rows:
        console.render_records([], columns, fmt, title=f"Actions as of {long_date(as_of)}",
                               empty="No actions to show.", incomplete=incomplete)
    else:
        console.result(f"Actions as of {long_date(as_of)}", "bold")
        for name, group in by_owner(rows):
            open_count = sum(row.is_open for row in group)
            overdue = sum(row.status == Status.OVERDUE for row in group)
            console.render_records(
                [_action_record(row) for row in group], columns, fmt,
                title=f"\n{name}: {open_count} open, {overdue} overdue",
            )
        console.result(_actions_summary(rows))
        if incomplete:
            console.result(incomplete, "bold red")
    _report_errors(rows.problems)


def _action_record(row: ActionRow) -> dict[str, Any]:
    record = row.to_json()
    if row.progress_date:
        record["progress"] = f"{row.progress_date.isoformat()}: {row.progress_note}"
    return record


def _actions_summary(rows: list[ActionRow]) -> str:
    open_count = sum(row.is_open for row in rows)
    overdue = sum(row.status == Status.OVERDUE for row in rows)
    return f"\n{len(rows)} action(s): {open_count} open, {overdue} overdue"


# -- stats -----------------------------------------------------------------------------------
def period_options(command: FC) -> FC:
    """`--from/--to`, `--year`, `--financial-year`: which incidents (by awareness date)."""
    for option in reversed([
        click.option("--from", "start", type=DATE, help="Incidents the local authority became "
                     "aware of on or after this date."),
        click.option("--to", "end", type=DATE, help="... and on or before this date."),
        click.option("--year", type=WholeNumber("a year such as 2025", 1900, 2199), metavar="YYYY",
                     help="Incidents of calendar year YYYY (January to December)."),
        click.option("--financial-year", type=WholeNumber(
                     "the year it starts, such as 2025 (for April 2025 to March 2026)", 1900,
                     2199), metavar="YYYY",
                     help="Incidents of 1 April YYYY to 31 March YYYY+1 (the yearly report)."),
    ]):
        command = option(command)
    return command


def _period(start: date | None, end: date | None, year: int | None,
            financial_year: int | None) -> Period:

    chosen = [name for name, value in (("--from/--to", start or end), ("--year", year),
                                       ("--financial-year", financial_year)) if value]
    if len(chosen) > 1:
        raise click.UsageError(f"choose one period: {' or '.join(chosen)}")
    if start and end and end < start:
        raise click.BadParameter(f"--to {end.isoformat()} is before --from "
                                 f"{start.isoformat()}", param_hint="--to")
    if year:
        return Period.year(year)
    if financial_year:
        return Period.financial_year(financial_year)
    return Period.between(start, end)


@click.command()
@period_options
@click.option("--as-of", type=DATE, help="Count what had happened by this date (default today).")
@format_option()
@pass_app
def stats(
    app: AppContext,
    start: date | None,
    end: date | None,
    year: int | None,
    financial_year: int | None,
    as_of: date | None,
    fmt: str,
) -> None:
    """The partnership's figures: how many incidents, how timely, what is owed.

    The incidents are those the local authority became aware of in the period (all of them
    without a period option); every figure follows them as of --as-of: notifications and Rapid
    Reviews on time, late (done late, or not done and past due) or not yet due, decisions,
    CSPRs commissioned and published, median working days, agency returns, actions. A
    withdrawn incident is left out. The table gives percentages of each line's total.

    \b
    Examples:
      lscp stats --financial-year 2025
      lscp stats --from 01/04/2025 --to 30/09/2025
      lscp stats --year 2025 --format json
    """
    period = _period(start, end, year, financial_year)
    as_of = as_of or today()
    found = app.casebook.stats(as_of, period)
    incomplete = notice(found.problems)
    if fmt == "json":
        # An object has room for it: the files not counted, by name (empty when complete),
        # and those counted as recorded though their steps are in an impossible order.
        files = left_out(found.problems)
        figures = {**found.figures,
                   "case_files_not_counted": [one.to_json() for one in files if not one.counted],
                   "case_files_in_doubt": [one.to_json() for one in files if one.counted]}
        if incomplete:
            console.warning(incomplete)
        sys.stdout.write(json.dumps(figures, indent=2) + "\n")
    else:
        columns = [
            console.Column("measure", "Measure"),
            console.Column("number", "Number", justify="right", no_wrap=True),
            console.Column("percent", "%", justify="right", no_wrap=True),
            console.Column("key", "Key", table=False),
        ]
        console.render_records(
            found.rows, columns, fmt,
            title=f"{app.casebook.settings.name}: figures for {period.label} "
                  f"(as of {long_date(as_of)})",
            incomplete=incomplete,
        )
    _report_errors(found.problems)


# -- report ----------------------------------------------------------------------------------
@click.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write ('-' for stdout). Default: "
                   "reports/board-report-DATE.html in the casebook.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@click.option("--as-of", type=DATE, help="The position as of this date (default today).")
@period_options
@pass_app
def report(
    app: AppContext,
    output: Path | None,
    force: bool,
    as_of: date | None,
    start: date | None,
    end: date | None,
    year: int | None,
    financial_year: int | None,
) -> None:
    """The board report for the RAG and the Executive: one printable HTML page.

    The figures for the period (as `lscp stats`), the open cases with their stage and next
    deadline, everything overdue, the open actions by owner, and a timeline of each open case
    from awareness against its deadlines with today marked. Self-contained (no network, inline
    CSS and SVG), A4 when printed, with the protective marking from lscp.toml on every page.

    \b
    Examples:
      lscp report --financial-year 2025
      lscp report --as-of 31/03/2026 -o board-march.html
      lscp report -o - > board.html
    """

    period = _period(start, end, year, financial_year)
    casebook = app.casebook
    as_of = as_of or today()
    found = casebook.board_report(as_of, period)
    errors, html = found.problems, found[0]
    if output is not None and str(output) == "-":
        sys.stdout.write(console.visible(html))
    else:
        target = output or casebook.root / "reports" / f"board-report-{as_of.isoformat()}.html"
        # As every writer: an existing file (last week's report) is kept without --force.
        atomic_write(target, html.encode("utf-8"), overwrite=force)
        console.result(str(target))
    if errors:
        console.warning(notice(errors) or "")
    _report_errors(errors)
