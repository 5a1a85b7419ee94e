"""Commands that look at cases: list and show."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

import click

from lscp_cli import console
from lscp_cli.cli.app import DATE, AppContext, cli, format_option, pass_app
from lscp_cli.dates import today
from lscp_cli.errors import InvalidFile


def _upcoming(app: AppContext, cases: list[Any], as_of: date) -> dict[str, list[Any]]:
    """The unmet deadlines of each open case, soonest first."""
    from lscp_cli.rules import case_deadlines, load_rules

    casebook = app.casebook
    rules = load_rules(casebook.settings.rules)
    calendar = casebook.calendar
    return {
        case.id: sorted(case_deadlines(case.data, calendar, rules, as_of, unmet_only=True),
                        key=lambda d: (d.due, d.milestone))
        for case in cases
        if case.is_open
    }


def _report_bad_files(errors: list[InvalidFile]) -> None:
    for error in errors:
        for problem in error.problems:
            console.error(str(problem))


# -- list ------------------------------------------------------------------------------------
@cli.command("list")
@click.option("--open", "only_open", is_flag=True, help="Only cases not yet closed.")
@click.option("--as-of", type=DATE, help="Work out next deadlines as of this date (default "
              "today).")
@format_option()
@pass_app
def list_cases(app: AppContext, only_open: bool, as_of: date | None, fmt: str) -> None:
    """Cases with their stage and next deadline.

    \b
    Example:
      lscp list --open
      lscp list --format csv > cases.csv
    """
    as_of = as_of or today()
    cases, errors = app.casebook.load_all()
    if only_open:
        cases = [c for c in cases if c.is_open]
    upcoming = _upcoming(app, cases, as_of)
    records = []
    for case in cases:
        deadline = next(iter(upcoming.get(case.id, [])), None)
        records.append({
            "id": case.id,
            "opened": case.data.get("opened"),
            "children": case.children_initials,
            "type": case.data.get("incident", {}).get("type"),
            "stage": case.stage,
            "next_deadline": deadline.label if deadline else None,
            "next_due": deadline.due if deadline else None,
            "next_status": deadline.status if deadline else None,
            "closed": case.data.get("closed"),
        })
    columns = [
        console.Column("id", "Case", no_wrap=True),
        console.Column("opened", "Opened", table=False),
        console.Column("children", "Children", no_wrap=True),
        console.Column("type", "Type", no_wrap=True),
        console.Column("stage", "Stage"),
        console.Column("next_deadline", "Next deadline"),
        console.Column("next_due", "Due", no_wrap=True),
        console.Column("next_status", "Status", no_wrap=True,
                       style=console.status_style),
        console.Column("closed", "Closed", table=False),
    ]
    console.render_records(records, columns, fmt, empty="No cases yet: `lscp new-incident` "
                           "opens one.")
    _report_bad_files(errors)
    if errors:
        sys.exit(1)


# -- show ------------------------------------------------------------------------------------
@cli.command()
@click.argument("case_id", metavar="ID")
@click.option("--as-of", type=DATE, help="Deadline status as of this date (default today).")
@format_option()
@pass_app
def show(app: AppContext, case_id: str, as_of: date | None, fmt: str) -> None:
    """One case: facts, the timeline of what happened, and every deadline with its status.

    \b
    Example:
      lscp show LSCP-2025-001
      lscp show 2025-001 --format json
    """
    from lscp_cli.case import timeline
    from lscp_cli.rules import case_deadlines, load_rules

    as_of = as_of or today()
    casebook = app.casebook
    case = casebook.load(case_id)
    deadlines = case_deadlines(case.data, casebook.calendar, load_rules(casebook.settings.rules),
                               as_of)
    events = timeline(case.data)
    for warning in case.warnings:
        console.warning(str(warning))
    if fmt == "json":
        import json

        payload = {
            "case": console.to_plain(case.data),
            "stage": case.stage,
            "timeline": [{"date": d.isoformat(), "event": e} for d, e in events],
            "deadlines": [d.to_json() for d in deadlines],
        }
        click.echo(json.dumps(payload, indent=2))
        return
    if fmt == "csv":
        from lscp_cli.audit import flatten

        rows = [{"field": k, "value": v} for k, v in flatten(case.data)]
        console.render_records(rows, [console.Column("field", "Field"),
                                      console.Column("value", "Value")], "csv")
        return
    _show_table(case, events, deadlines)


def _show_table(case: Any, events: list[tuple[date, str]], deadlines: list[Any]) -> None:
    from rich.table import Table
    from rich.text import Text

    out = console.stdout()
    data = case.data
    incident = data.get("incident", {})
    out.print(Text(f"{case.id}  ({case.stage})", style="bold"))
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()

    def fact(label: str, value: Any) -> None:
        if value is None or value == "" or value == []:
            return
        if isinstance(value, bool):
            value = "yes" if value else "no"
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        facts.add_row(label, Text(str(value)))

    fact("Type", incident.get("type"))
    fact("Occurred", incident.get("occurred"))
    fact("LA aware", incident.get("aware"))
    fact("Location", incident.get("location"))
    if "in_area" in incident:
        fact("In area", incident["in_area"])
    fact("Abuse/neglect", incident.get("abuse_or_neglect"))
    for number, child in enumerate(data.get("children", []), start=1):
        details = [child.get("initials", "?")]
        if child.get("date_of_birth"):
            details.append(f"born {child['date_of_birth']}")
        for flag, label in (("looked_after", "looked after"),
                            ("child_protection_plan", "CP plan"),
                            ("child_in_need_plan", "CIN plan")):
            if child.get(flag):
                details.append(label)
        fact(f"Child {number}", ", ".join(str(d) for d in details))
    notification = data.get("notification", {})
    fact("Panel ref.", notification.get("panel_reference"))
    rapid = data.get("rapid_review", {})
    fact("RAG", rapid.get("recommendation"))
    fact("Decision", rapid.get("decision"))
    cspr = data.get("cspr", {})
    fact("CSPR author", cspr.get("author"))
    fact("Published at", cspr.get("published_url"))
    fact("Summary", incident.get("summary"))
    out.print(facts)

    out.print(Text("\nTimeline", style="bold"))
    if events:
        for when, what in events:
            out.print(Text(f"  {when.isoformat()}  {what}"))
    else:
        out.print(Text("  nothing recorded yet"))

    out.print(Text("\nDeadlines", style="bold"))
    if deadlines:
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        for header in ("Due", "Milestone", "Met", "WD left", "Status"):
            table.add_column(header)
        for d in sorted(deadlines, key=lambda d: (d.due, d.milestone)):
            label = d.label + (" (provisional)" if d.provisional else "")
            table.add_row(
                d.due.isoformat(), Text(label), d.met.isoformat() if d.met else "",
                "" if d.is_met else str(d.working_days_left),
                Text(d.status, style=console.status_style(d.status) or ""),
            )
        out.print(table)
    else:
        out.print(Text("  none yet"))

    actions = data.get("actions", [])
    if actions:
        out.print(Text("\nAction plan", style="bold"))
        for number, action in enumerate(actions, start=1):
            done = f"done {action['completed']}" if action.get("completed") else (
                f"due {action['due']}" if action.get("due") else "no due date")
            owner = f" ({action['owner']})" if action.get("owner") else ""
            out.print(Text(f"  {number}. {action.get('text', '')}{owner}: {done}"))


def say_next_deadlines(app: AppContext, case: Any, *, limit: int) -> None:
    """The next open deadlines of a case, on stderr, after a change (stdout stays for data)."""
    from lscp_cli.dates import long_date

    for deadline in _upcoming(app, [case], today()).get(case.id, [])[:limit]:
        late = " (already overdue)" if deadline.status == "overdue" else ""
        provisional = " (provisional)" if deadline.provisional else ""
        console.info(f"  next: {deadline.label}{provisional} by {long_date(deadline.due)}{late}")
