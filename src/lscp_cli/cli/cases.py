"""Commands that look at cases: list and show."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from lscp_cli.base.audit import flatten
from lscp_cli.base.records import replace
from lscp_cli.cli import console
from lscp_cli.cli.app import DATE, AppContext, format_option, pass_app
from lscp_cli.model import ages
from lscp_cli.model.case import Case
from lscp_cli.model.dates import long_date, short_date, today
from lscp_cli.model.fieldlabels import value_words
from lscp_cli.model.values import to_plain, to_text
from lscp_cli.process.rules import Deadline, Status
from lscp_cli.reports.incomplete import notice

if TYPE_CHECKING:
    from rich.table import Table

    from lscp_cli.model.schema import (
        ActionData,
        CaseData,
        ChildData,
        CsprData,
        IncidentData,
        NotificationData,
        RapidReviewData,
    )


# -- list ------------------------------------------------------------------------------------
@click.command("list")
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
    found = app.casebook.list_cases(as_of, open_only=only_open)
    records = [
        {
            "id": row.id,
            "opened": row.opened,
            "children": row.children,
            "type": row.type,
            "stage": row.stage,
            "next_deadline": row.next_deadline.label if row.next_deadline else None,
            "next_due": row.next_deadline.due if row.next_deadline else None,
            "next_status": row.next_deadline.status if row.next_deadline else None,
            "closed": row.closed,
        }
        for row in found
    ]
    columns = [
        console.Column("id", "Case", no_wrap=True),
        console.Column("opened", "Opened", table=False),
        console.Column("children", "Children", no_wrap=True, drop=1),
        console.Column("type", "Type", no_wrap=True, drop=2),
        console.Column("stage", "Stage", min_width=14),
        console.Column("next_deadline", "Next deadline", min_width=20),
        console.Column("next_due", "Due", no_wrap=True),
        console.Column("next_status", "Status", no_wrap=True,
                       style=console.status_style),
        console.Column("closed", "Closed", table=False),
    ]
    empty = ("No open cases: `lscp list` shows the closed ones too." if only_open
             else "No cases yet: `lscp new-incident` opens one.")
    console.render_records(records, columns, fmt, empty=empty,
                           incomplete=notice(found.problems))
    console.file_problems(found.problems)


# -- show ------------------------------------------------------------------------------------
@click.command()
@click.argument("case_id", metavar="ID")
@click.option("--as-of", type=DATE, help="The case as it stood on this date: steps dated later "
              "are not yet done (default today).")
@format_option()
@pass_app
def show(app: AppContext, case_id: str, as_of: date | None, fmt: str) -> None:
    """One case: facts, the timeline of what happened, and every deadline with its status.

    With --as-of, the case as it stood on that day: anything dated after it is not yet
    done (listed apart), so deadlines met later are open or overdue again.

    \b
    Example:
      lscp show LSCP-2025-001
      lscp show 2025-001 --format json
      lscp show 2025-001 --as-of 2025-01-20
    """
    view = app.casebook.show(case_id, as_of)
    case, events, deadlines = view.case, view.timeline, view.deadlines
    later = view.later
    if fmt != "json":  # JSON escapes control characters itself; a terminal must not see them

        case = replace(case, data=console.visible_data(case.data))
        events = [(when, console.visible(what)) for when, what in events]
        later = [(when, console.visible(what)) for when, what in later]
        deadlines = [replace(d, label=console.visible(d.label)) for d in deadlines]
    for warning in case.warnings:
        console.warning(warning.command_line())
    if fmt == "json":
        payload = {
            "case": to_plain(case.data),
            "stage": view.stage,
            "duties": ages.duty_summary(case.data),
            "ages": ages.ages(case.data),
            "timeline": [{"date": d.isoformat(), "event": e} for d, e in events],
            "deadlines": [d.to_json() for d in deadlines],
            "not_needed": [{"milestone": m, "label": label, "why": why}
                           for m, label, why in view.not_needed],
            "as_of": view.as_of.isoformat() if view.as_of else None,
            "later": [{"date": d.isoformat(), "event": e} for d, e in later],
        }
        click.echo(json.dumps(payload, indent=2))
        return
    if fmt in ("csv", "xlsx"):
        rows = [{"field": k, "value": v} for k, v in flatten(case.data)]
        console.render_records(rows, [console.Column("field", "Field"),
                                      console.Column("value", "Value")], fmt)
        return
    if as_of is not None and as_of < today():
        heading = f"Recorded after {long_date(as_of)} (not yet done as of that day)"
    else:
        heading = "Upcoming"
    _show_table(case, console.visible(view.stage), events, deadlines, later=later,
                later_heading=heading, as_of=as_of)
    if view.not_needed:
        from rich.text import Text

        out = console.stdout()
        out.print(Text("\nNot needed for this case", style="bold"))
        for _, label, why in view.not_needed:
            out.print(Text(f"  {label}: {why}"))


def _show_table(case: Case, stage: str, events: list[tuple[date, str]],
                deadlines: list[Deadline], *, later: list[tuple[date, str]], later_heading: str,
                as_of: date | None) -> None:
    from rich.text import Text

    out = console.stdout()
    as_of_text = f", as of {long_date(as_of)}" if as_of is not None else ""
    out.print(Text(f"{case.id}  ({stage}{as_of_text})", style="bold"))
    out.print(_facts(case.typed))
    out.print(Text("\nTimeline", style="bold"))
    _print_dated(events, empty="nothing recorded yet")
    if later:
        out.print(Text(f"\n{later_heading}", style="bold"))
        _print_dated(later)
    out.print(Text("\nDeadlines", style="bold"))
    if deadlines:
        out.print(_deadline_table(deadlines))
    elif not ages.duty_facts(case.data)["duty.notifiable"]:
        out.print(Text("  none: the recorded facts do not meet the notification criteria"))
    else:
        out.print(Text("  none yet"))
    _print_actions(case.typed.get("actions", []))


def _facts(data: CaseData) -> Table:
    """The case's facts, a label and a value a line; a fact not recorded is left out."""
    from rich.table import Table
    from rich.text import Text

    incident: IncidentData = data.get("incident", {})
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()

    def fact(label: str, value: Any) -> None:
        text = short_date(value) if isinstance(value, date) else to_text(value)
        if text:
            facts.add_row(label, Text(text))

    fact("Type", incident.get("type"))
    fact("Occurred", incident.get("occurred"))
    fact("LA aware", incident.get("aware"))
    fact("Location", incident.get("location"))
    if "in_area" in incident:
        fact("In area", value_words("incident.in_area", incident["in_area"]))
    fact("Abuse/neglect", incident.get("abuse_or_neglect"))
    _, named = ages.incident_day(data)
    for number, (child, age) in enumerate(zip(data.get("children", []), ages.ages(data),
                                              strict=False), start=1):
        said = (f"aged {age} on {named.split(' (')[0]}" if age is not None
                else "age not checked: no date of birth")
        fact(f"Child {number}", f"{_child_details(child)}; {said}")
    fact("Duties", ages.duty_summary(data))
    notification: NotificationData = data.get("notification", {})
    # A care leaver's death is notified to the Secretary of State and Ofsted, not the Panel.
    fact("Notification ref." if incident.get("type") == "care-leaver-death" else "Panel ref.",
         notification.get("panel_reference"))
    rapid: RapidReviewData = data.get("rapid_review", {})
    fact("RAG", value_words("rapid_review.recommendation", rapid.get("recommendation")))
    fact("Decision", value_words("rapid_review.decision", rapid.get("decision")))
    cspr: CsprData = data.get("cspr", {})
    fact("CSPR author", cspr.get("author"))
    fact("Published at", cspr.get("published_url"))
    fact("Summary", incident.get("summary"))
    return facts


def _child_details(child: ChildData) -> str:
    details = [child.get("initials", "?")]
    if child.get("date_of_birth"):
        details.append(f"born {_day(child['date_of_birth'])}")
    for flag, label in (("looked_after", "looked after"),
                        ("child_protection_plan", "CP plan"),
                        ("child_in_need_plan", "CIN plan")):
        value = child.get(flag)
        if value is True or value == "unknown":
            details.append(label if value is True else f"{label}: not known")
    return ", ".join(str(d) for d in details)


def _print_dated(rows: list[tuple[date, str]], *, empty: str = "") -> None:
    from rich.text import Text

    out = console.stdout()
    for when, what in rows:
        out.print(Text(f"  {short_date(when)}  {what}"))
    if not rows and empty:
        out.print(Text(f"  {empty}"))


def _deadline_table(deadlines: list[Deadline]) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for header in ("Due", "Milestone", "Met", "WD left", "Status"):
        table.add_column(header)
    for d in sorted(deadlines, key=lambda d: (d.due, d.milestone)):
        label = d.label + (" (provisional)" if d.provisional else "")
        table.add_row(
            short_date(d.due), Text(label), short_date(d.met) if d.met else "",
            str(d.working_days_left) if d.status.is_open else "",
            Text(d.status, style=console.status_style(d.status) or ""),
        )
    return table


def _print_actions(actions: list[ActionData]) -> None:
    from rich.text import Text

    if not actions:
        return
    out = console.stdout()
    out.print(Text("\nAction plan", style="bold"))
    for number, action in enumerate(actions, start=1):
        done = f"done {_day(action['completed'])}" if action.get("completed") else (
            f"due {_day(action['due'])}" if action.get("due") else "no due date")
        owner = f" ({action['owner']})" if action.get("owner") else ""
        out.print(Text(f"  {number}. {action.get('text', '')}{owner}: {done}"))
        for note in action.get("progress", []):
            out.print(Text(f"       {_day(note.get('date'))} progress: "
                           f"{note.get('note', '')}"))


def _day(value: Any) -> str:
    return short_date(value) if isinstance(value, date) else to_text(value)


def say_next_deadlines(app: AppContext, case: Case, *, limit: int) -> None:
    """The next open deadlines of a case, on stderr, after a change (stdout stays for data)."""
    for deadline in app.casebook.next_deadlines(case)[:limit]:
        late = " (already overdue)" if deadline.status == Status.OVERDUE else ""
        provisional = " (provisional)" if deadline.provisional else ""
        console.info(f"  next: {deadline.label}{provisional} by {long_date(deadline.due)}{late}")
