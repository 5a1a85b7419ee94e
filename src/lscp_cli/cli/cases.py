"""Commands that open and keep cases: init, new-incident, list, show, record, edit, check."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from lscp_cli import console
from lscp_cli.cli.app import DATE, AppContext, cli, format_option, pass_app
from lscp_cli.dates import today
from lscp_cli.errors import InvalidFile, LscpError

STATUS_STYLE = {
    "overdue": "bold red",
    "due-soon": "yellow",
    "pending": "",
    "met": "green",
    "met-late": "green",
}


def _next_deadlines(app: AppContext, cases: list[Any], as_of: date) -> dict[str, Any]:
    """The first unmet deadline of each open case."""
    from lscp_cli.rules import case_deadlines, load_rules

    casebook = app.casebook
    rules = load_rules(casebook.settings.rules)
    calendar = casebook.calendar
    found: dict[str, Any] = {}
    for case in cases:
        if not case.is_open:
            continue
        unmet = case_deadlines(case.data, calendar, rules, as_of, unmet_only=True)
        if unmet:
            found[case.id] = min(unmet, key=lambda d: (d.due, d.milestone))
    return found


def _report_bad_files(errors: list[InvalidFile]) -> None:
    for error in errors:
        for problem in error.problems:
            console.error(str(problem))


# -- init ------------------------------------------------------------------------------------
@cli.command()
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
@pass_app
def init(app: AppContext, path: Path | None) -> None:
    """Create a casebook folder with a commented lscp.toml.

    PATH defaults to --dir, then $LSCP_DIR, then ~/lscp. An existing casebook is left as it
    is (its lscp.toml is never overwritten).

    \b
    Example:
      lscp init ~/Documents/lscp-casebook
    """
    from lscp_cli.casebook import Casebook, default_dir

    target = path or app.dir_option or (
        Path(os.environ["LSCP_DIR"]).expanduser() if os.environ.get("LSCP_DIR") else None
    ) or default_dir()
    if target.exists() and not target.is_dir():
        raise LscpError(f"{target} is a file; choose a folder for the casebook")
    created = Casebook(target).init()
    if created:
        console.result(f"Created casebook in {target}")
        console.info(f"Edit {target / 'lscp.toml'} for your partnership, then run "
                     f"`lscp --dir {target} new-incident` (or set LSCP_DIR).")
    else:
        console.result(f"Casebook already set up in {target}; nothing changed")


# -- new-incident ----------------------------------------------------------------------------
def _initials(value: str) -> str:
    from lscp_cli.case import INITIALS
    from lscp_cli.intake import normalise_initials

    initials = normalise_initials(value)
    letters = sum(c.isalpha() for c in initials)
    if not INITIALS.match(initials) or letters > 4:
        raise click.BadParameter(
            f"give the child's initials only, 1 to 4 letters such as A.B. (got {letters} "
            "letters); never type a name"
        )
    return initials


def _not_future(value: date | None, what: str) -> date | None:
    if value is not None and value > today():
        raise click.BadParameter(f"{what} {value.isoformat()} is in the future; dates are read "
                                 "day first (06/01/2025 is 6 January)")
    return value


def _prompt_date(text: str, *, required: bool) -> date | None:
    while True:
        answer = click.prompt(text, default="" if not required else None, show_default=False,
                              type=DATE if required else str)
        if not required and not str(answer).strip():
            return None
        try:
            value = DATE.convert(answer, None, None)
            return _not_future(value, "that date")
        except click.BadParameter as exc:
            console.error(exc.message)


def _prompt_initials(number: int) -> str:
    while True:
        value = click.prompt(f"Child {number}: initials (not a name), e.g. A.B.")
        try:
            return _initials(value)
        except click.BadParameter as exc:
            console.error(exc.message)


@cli.command("new-incident")
@click.option("--type", "incident_type", type=click.Choice(["death", "serious-harm"]),
              help="What happened to the child.")
@click.option("--occurred", type=DATE, help="Date of the incident, if known.")
@click.option("--aware", type=DATE,
              help="Date the local authority became aware (deadlines count from here).")
@click.option("--location", help="Where it happened, e.g. Leeds.")
@click.option("--in-area/--out-of-area", "in_area", default=None,
              help="Out of area: a Leeds-resident child harmed outside England.")
@click.option("--abuse-or-neglect", type=click.Choice(["known", "suspected", "not-suspected"]),
              help="'not-suspected' only for the death of a looked-after child.")
@click.option("--summary", help="Case outline as it would go in the notification (no names).")
@click.option("--child-initials", multiple=True, help="A child's initials (repeat, up to 4).")
@click.option("--child-dob", type=DATE, multiple=True,
              help="Date of birth, in the same order as --child-initials.")
@click.option("--looked-after", is_flag=True, default=None,
              help="The child (every child given) is looked after.")
@click.option("--no-input", is_flag=True, help="Never prompt: fail if something is missing.")
@pass_app
def new_incident(app: AppContext, incident_type: str | None, occurred: date | None,
                 aware: date | None, location: str | None, in_area: bool | None,
                 abuse_or_neglect: str | None, summary: str | None,
                 child_initials: tuple[str, ...], child_dob: tuple[date, ...],
                 looked_after: bool | None, no_input: bool) -> None:
    """Open a case for a serious child safeguarding incident and print its id.

    Asks for what is missing, or with --no-input takes everything from the options.

    \b
    Example:
      lscp new-incident --no-input --type serious-harm --aware 03/01/2025 \\
          --child-initials A.B. --child-dob 02/04/2019 --abuse-or-neglect suspected
    """
    from lscp_cli.intake import NewChild, NewIncident, case_text

    _not_future(aware, "--aware")
    _not_future(occurred, "--occurred")
    initials = [_initials(i) for i in child_initials]
    if len(initials) > 4:
        raise click.BadParameter("one notification covers at most 4 children; open a "
                                 "separate case for the others", param_hint="--child-initials")
    if len(child_dob) > len(initials):
        raise click.BadParameter("more dates of birth than children; give --child-initials "
                                 "for each child, in the same order", param_hint="--child-dob")
    children = [
        NewChild(initials=i, date_of_birth=_not_future(child_dob[n], "--child-dob")
                 if n < len(child_dob) else None, looked_after=looked_after)
        for n, i in enumerate(initials)
    ]

    interactive = not no_input and sys.stdin.isatty() or (not no_input and _forced_prompts())
    if no_input or not interactive:
        missing = [flag for flag, value in (("--type", incident_type), ("--aware", aware))
                   if value is None]
        if not children:
            missing.append("--child-initials")
        if missing:
            raise click.UsageError(f"missing {', '.join(missing)} (with --no-input, or when "
                                   "not run at a terminal, give them as options)")
    else:
        if incident_type is None:
            incident_type = click.prompt("Type of incident", type=click.Choice(
                ["death", "serious-harm"]), default="serious-harm")
        if occurred is None:
            occurred = _prompt_date("Date of the incident (blank if not known)", required=False)
        if aware is None:
            aware = _prompt_date("Date the local authority became aware (e.g. 06/01/2025, "
                                 "today)", required=True)
        if location is None:
            location = click.prompt("Location", default="Leeds")
        if in_area is None:
            in_area = click.confirm("Did it happen in the area (not outside England)?",
                                    default=True)
        if not children:
            while len(children) < 4:
                number = len(children) + 1
                child = NewChild(initials=_prompt_initials(number))
                child.date_of_birth = _prompt_date(f"Child {number}: date of birth (blank if "
                                                   "not known)", required=False)
                child.looked_after = click.confirm(f"Child {number}: looked after?",
                                                   default=False)
                children.append(child)
                if len(children) == 4 or not click.confirm("Another child in this incident?",
                                                           default=False):
                    break
        if abuse_or_neglect is None:
            looked_after_death = incident_type == "death" and any(c.looked_after
                                                                   for c in children)
            choices = ["known", "suspected"] + (["not-suspected"] if looked_after_death else [])
            abuse_or_neglect = click.prompt("Abuse or neglect", type=click.Choice(choices),
                                            default="suspected")
        if summary is None:
            summary = click.prompt("Case outline (initials only, no names; blank to add "
                                   "later)", default="", show_default=False) or None

    assert incident_type is not None and aware is not None  # noqa: S101  (checked above)
    if abuse_or_neglect == "not-suspected" and not (
        incident_type == "death" and any(c.looked_after for c in children)
    ):
        console.warning("'not-suspected' is meant for the death of a looked-after child; "
                        "check whether this is a serious child safeguarding incident")
    incident = NewIncident(type=incident_type, aware=aware, occurred=occurred,
                           location=location, in_area=in_area,
                           abuse_or_neglect=abuse_or_neglect, summary=summary,
                           children=children)
    opened = today()
    case_id = app.casebook.create_case(lambda cid: case_text(cid, incident, opened),
                                       opened=opened, action="new-incident")
    console.result(case_id)
    if app.casebook.is_default:
        console.info(f"Saved in {app.casebook.cases_dir}")


def _forced_prompts() -> bool:
    # Tests (and officers piping answers in) can ask for prompts without a terminal.
    return os.environ.get("LSCP_PROMPT") == "1"


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
    upcoming = _next_deadlines(app, cases, as_of)
    records = []
    for case in cases:
        deadline = upcoming.get(case.id)
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
                       style=lambda v, r: STATUS_STYLE.get(str(v))),
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
        from lscp_cli.casebook import _flatten

        rows = [{"field": k, "value": v} for k, v in _flatten(case.data)]
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
                Text(d.status, style=STATUS_STYLE.get(d.status, "")),
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


# -- record ----------------------------------------------------------------------------------
def _event_help() -> str:
    from lscp_cli.events import EVENTS

    width = max(len(n) for n in EVENTS)
    return "\n".join(f"  {name.ljust(width)}  {spec.help}" for name, spec in EVENTS.items())


def _event_names() -> list[str]:
    from lscp_cli.events import EVENTS

    return list(EVENTS)


@cli.command(epilog="\b\nEvents:\n" + _event_help())
@click.argument("case_id", metavar="ID")
@click.argument("event", type=click.Choice(_event_names()), metavar="EVENT")
@click.argument("when", metavar="[DATE]", type=DATE, required=False)
@click.option("--reference", help="Panel notification reference (panel-notified).")
@click.option("--agency", "agencies", multiple=True,
              help="Agency name (agency-requested, agency-returned; repeatable).")
@click.option("--outcome", type=click.Choice(["cspr", "no-cspr", "other-review"]),
              help="recommendation / decision outcome.")
@click.option("--author", help="Independent author (cspr-commissioned).")
@click.option("--url", help="Where the report is published (published).")
@click.option("--reason", help="Why the report is not published (not-published).")
@click.option("--text", help="What the action is (action-added).")
@click.option("--owner", help="Who owns the action (action-added).")
@click.option("--due", type=DATE, help="Due date (action-added, agency-requested).")
@click.option("--action", "action_number", type=int, help="Action number (action-completed).")
@click.option("--channel", help="briefing, training, website... (learning-shared).")
@click.option("--note", help="A short note (learning-shared).")
@pass_app
def record(app: AppContext, /, case_id: str, event: str, when: date | None, **options: Any) -> None:
    """Record a step in a case. DATE defaults to today (ISO or day first: 06/01/2025).

    \b
    Examples:
      lscp record LSCP-2025-001 panel-notified 06/01/2025 --reference SI-12345
      lscp record LSCP-2025-001 agency-requested --agency "West Yorkshire Police"
      lscp record LSCP-2025-001 decision 22/01/2025 --outcome cspr
      lscp record LSCP-2025-001 action-completed --action 2
    """
    from lscp_cli.events import EVENTS, EventOptions, apply_event

    spec = EVENTS[event]
    now = today()
    if when is None:
        if event == "publication-planned":
            raise click.UsageError("publication-planned needs the planned DATE, e.g. "
                                   "`lscp record ID publication-planned 15/07/2025`")
        when = now
    if when > now and not spec.future_ok:
        raise click.BadParameter(
            f"{when.isoformat()} is in the future; record a step on or after the day it "
            "happens (dates are read day first: 06/01/2025 is 6 January)", param_hint="DATE")
    event_options = EventOptions(
        reference=options["reference"], agencies=options["agencies"],
        outcome=options["outcome"], author=options["author"], url=options["url"],
        reason=options["reason"], text=options["text"], owner=options["owner"],
        due=options["due"], action=options["action_number"], channel=options["channel"],
        note=options["note"],
    )
    case, changes = app.casebook.update(
        case_id, event, lambda document: apply_event(document, event, when, event_options))
    for warning in event_options.warnings:
        console.warning(warning)
    if not changes:
        console.result(f"{case.id}: already recorded; nothing changed")
        return
    for change in changes:
        console.result(f"{case.id}: {change.field} = {_describe(change.new)}"
                       + (f" (was {_describe(change.old)})" if change.old is not None else ""))


def _describe(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return ", ".join(f"{k} {_describe(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "[" + ", ".join(_describe(v) for v in value) + "]"
    return str(value)


# -- edit ------------------------------------------------------------------------------------
@cli.command()
@click.argument("case_id", metavar="ID")
@pass_app
def edit(app: AppContext, case_id: str) -> None:
    """Open a case file in $EDITOR; it replaces the file only if it is valid.

    Like visudo: a copy is edited, checked, and saved only if nobody changed the case
    meanwhile. An invalid edit can be edited again; nothing is lost.

    \b
    Example:
      EDITOR=nano lscp edit LSCP-2025-001
    """
    import tempfile

    from lscp_cli.case import parse_case
    from lscp_cli.casebook import digest
    from lscp_cli.safefile import FILE_MODE

    casebook = app.casebook
    path = casebook.case_path(case_id)
    if not path.is_file():
        from lscp_cli.errors import CaseNotFound

        raise CaseNotFound(f"no case {path.stem} in {casebook.cases_dir}; `lscp list` shows "
                           "the cases there are")
    # Not loaded first: a broken file is exactly what an officer needs to edit.
    original = path.read_text(encoding="utf-8")
    expected = digest(original)
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.edit-", suffix=".toml", dir=path.parent)
    os.fchmod(fd, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(original)
    work = Path(name)
    keep_work = False
    try:
        while True:
            click.edit(filename=str(work), extension=".toml")
            edited = work.read_text(encoding="utf-8")
            if edited == original:
                console.result(f"{path.stem}: no changes")
                return
            try:
                parse_case(edited, path, expected_id=path.stem)
            except InvalidFile as exc:
                for problem in exc.problems:
                    console.error(str(problem).replace(str(path), str(work), 1))
                if sys.stdin.isatty() and click.confirm("Edit again?", default=True):
                    continue
                keep_work = True
                raise LscpError(f"{path} was not changed; your edit is kept in {work} "
                                "(fix it and copy it over, or run `lscp edit` again)") from None
            break
        try:
            _, changes = casebook.replace_text(path.stem, edited, expected_digest=expected)
        except LscpError:
            keep_work = True
            console.error(f"your edit is kept in {work}")
            raise
        console.result(f"{path.stem}: saved ({len(changes)} field(s) changed)")
    finally:
        if not keep_work:
            work.unlink(missing_ok=True)


# -- check -----------------------------------------------------------------------------------
@cli.command()
@pass_app
def check(app: AppContext) -> None:
    """Validate lscp.toml and every case file; silent when all is well.

    Prints FILE:LINE: what is wrong and how to fix it, for every problem; exit 1 if any.

    \b
    Example:
      lscp check && echo "all good"
    """
    from lscp_cli.settings import load_settings

    casebook = app.casebook
    failed = False
    try:
        load_settings(casebook.settings_path)
    except InvalidFile as exc:
        failed = True
        for problem in exc.problems:
            click.echo(str(problem))
    cases, errors = casebook.load_all()
    for error in errors:
        failed = True
        for problem in error.problems:
            click.echo(str(problem))
    for case in cases:
        for warning in case.warnings:
            click.echo(f"{warning.path}:{warning.line or ''}: warning: {warning.message}"
                       .replace(":: ", ": "), err=True)
    if failed:
        sys.exit(1)
