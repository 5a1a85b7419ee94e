"""`lscp log`: the audit trail, readable: when, who, which field, old and new, and why."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, tzinfo
from typing import Any

import click

from lscp_cli.base.audit import AuditEntry
from lscp_cli.cli import console
from lscp_cli.cli.app import AppContext, format_option, pass_app
from lscp_cli.errors import Problem
from lscp_cli.model.dates import short_date
from lscp_cli.model.fieldlabels import field_label, value_words


def _local_time(text: str) -> str:
    """The log's UTC time as the PC's local time, to the minute: `Mon 20 Jan 2025 14:03`."""
    moment = _moment(text, None)
    return text if moment is None else f"{short_date(moment.date())} {moment:%H:%M}"


def _excel_time(text: str) -> str:
    """The log's UTC time as Excel reads a date and time: `2025-01-20 14:03:09` (UTC)."""
    moment = _moment(text, UTC)
    return text if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S")


def _moment(text: str, zone: tzinfo | None) -> datetime | None:
    """The log's time in `zone` (None: the PC's own), or None if it is not a time."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.astimezone(zone) if moment.tzinfo is not None else moment


def officer_value(value: Any, field: str = "") -> str:
    """A value as an officer reads it: dates the UK way, outcomes in words, yes and no."""
    value = value_words(field, value)
    if value is None:
        return ""
    if isinstance(value, dict):
        if "event" in value and set(value) <= {"date", "event", "note"}:  # `record --note`
            return f"{value.get('event', 'step')} on {officer_value(value.get('date'))}: " \
                   f"{officer_value(value.get('note'))}"
        return ", ".join(f"{k.replace('_', ' ')} {officer_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(officer_value(v) for v in value) or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return console.people_date(str(value))


def _change(entry: AuditEntry) -> str:
    if entry.old is None:
        return f"(none) → {officer_value(entry.new, entry.field)}"
    if entry.new is None:
        return f"{officer_value(entry.old, entry.field)} → (removed)"
    return (f"{officer_value(entry.old, entry.field)} → "
            f"{officer_value(entry.new, entry.field)}")


# Under this many columns (or when its table will not fit) the log is stacked: a line per
# change, not a table of 7 columns.
STACK_BELOW = 100


def _stacked(records: list[dict[str, Any]], *, with_case: bool, width: int) -> list[str]:
    """Each change (or run of changes made by one command) as a block: when, case, what and
    who on one line, then each field's change, and the reason, indented."""
    lines: list[str] = []
    previous: tuple[str, ...] | None = None
    for record in records:
        head = (record["when"], record["case"], record["action"], record["user"])
        if head != previous:
            case = f"  {record['case']}" if with_case else ""
            lines.extend(console.fold(f"{record['when']}{case}  {record['action']}  "
                                      f"({record['user']})", width, "  "))
            previous = head
        lines.extend(console.fold(f"  {record['field']}: {record['change']}", width, "  "))
        if record["reason"]:
            lines.extend(console.fold(f"    Reason: {record['reason']}", width, "  "))
    return lines


def _who(entry: AuditEntry) -> str:
    if entry.claimed_user and entry.claimed_user != entry.user:
        return f"{entry.user} (claimed {entry.claimed_user})"
    return entry.user


@click.command("log")
@click.argument("case_id", metavar="[ID]", required=False)
@format_option()
@pass_app
def log(app: AppContext, case_id: str | None, fmt: str) -> None:
    """The audit trail: every change to the cases, oldest first (of one case with ID).

    When (the PC's local time), who (the computer account lscp ran as; a different name the
    environment claimed is shown beside it), what was done (the event, `edit`,
    `new-incident`), which field, the old and the new value, and the reason given for a
    correction. Fields by the names an officer knows ("Child 2: date of birth"); in a window
under 100 columns (or too narrow for the table's longest words) each change is a block of
lines instead of a table. JSON, CSV and Excel
(-o FILE.xlsx) carry the field's own name, the log's own time in UTC (in CSV and Excel as
`2025-01-20 14:03:09`, a time Excel reads) and the values as recorded.

    A line the audit log's hash chain does not prove (changed, inserted, or next to a
    deleted line: see `lscp verify`) is shown with NOT VERIFIED, never as history.

    \b
    Examples:
      lscp log LSCP-2025-001
      lscp log --format csv > audit.csv
    """
    found = app.casebook.log(case_id)
    if fmt == "table":
        cases = {case.id: case.data for case in app.casebook.load_all()[0]} if found else {}
        records = [{"when": _local_time(e.time), "user": _who(e), "case": e.case,
                    "action": e.action if e.verified else f"NOT VERIFIED: {e.action}",
                    "field": field_label(e.field, cases.get(e.case)),
                    "change": _change(e), "reason": e.reason or ""} for e in found]
        columns = [
            console.Column("when", "When", no_wrap=True),
            console.Column("user", "Who", no_wrap=True, drop=1),
            console.Column("case", "Case", no_wrap=True, table=case_id is None),
            console.Column("action", "What", no_wrap=True),
            console.Column("field", "Field", min_width=14),
            console.Column("change", "Old → new", min_width=14),
            console.Column("reason", "Reason"),
        ]
        width = console.table_width()
        if records and width is not None and (
                width < STACK_BELOW or not console.table_fits(records, columns, width)):
            if case_id:
                console.result(f"Changes to {app.casebook.normalise_id(case_id)}", "bold")
            for line in _stacked(records, with_case=case_id is None, width=width):
                console.result(line)
            _report(found.problems)
            return
        title = f"Changes to {app.casebook.normalise_id(case_id)}" if case_id and found else None
    else:
        records = [e.to_json() for e in found]
        if fmt in ("csv", "xlsx"):  # a list or table in one cell: as JSON, as the log holds it
            for record in records:
                record["time"] = _excel_time(record["time"])
                for key in ("old", "new"):
                    if isinstance(record[key], dict | list):
                        record[key] = json.dumps(record[key], ensure_ascii=False)
        columns = [console.Column(key, "time (UTC)" if key == "time" else key) for key in
                   ("time", "user", "case", "action", "field", "old", "new", "reason",
                    "line", "verified", "claimed_user")]
        title = None
    empty = (f"No changes recorded for {app.casebook.normalise_id(case_id)}." if case_id
             else "No changes recorded yet.")
    console.render_records(records, columns, fmt, title=title, empty=empty)
    _report(found.problems)


def _report(problems: list[Any]) -> None:
    for error in problems:
        for line in error.command_line().splitlines():
            console.error(line)
    if problems:
        sys.exit(1)


@click.command("verify")
@click.option("--head", "head", metavar="HASH",
              help="A head hash noted earlier (e.g. in the Executive's minutes): check that "
                   "the log still holds that line, so it was not rebuilt since.")
@pass_app
def verify(app: AppContext, head: str | None) -> None:
    """Check the audit trail: every link of its hash chain, and each case file against it.

    Each audit.log line carries the hash of the line before it, and each case file the
    line number and hash of its last change's audit line. This reports the first broken
    link (a line changed, deleted, inserted or reordered), lines removed from the end, and
    any case file that differs from what its last audit line says it became (changed
    outside lscp). When all is well it prints the head: the last line's number and hash.
    Note the head where whoever can write to the casebook cannot reach (the Executive's
    minutes, an email): `lscp verify --head HASH` later proves the log up to it unchanged.

    \b
    Examples:
      lscp verify
      lscp verify --head 3f2a9c0b7d1e4a55
    """
    found = app.casebook.verify()
    problems = list(found.problems)
    chain = found.chain
    if head is not None:
        wanted = head.strip().lower()
        if len(wanted) < 16 or any(c not in "0123456789abcdef" for c in wanted):
            raise click.BadParameter("give at least the first 16 characters of the head hash "
                                     "as `lscp verify` printed it", param_hint="--head")
        where = next((n for n, h in enumerate(chain.hashes, 1) if h.startswith(wanted)), None)
        if where is None:
            problems.append(Problem(app.casebook.audit_path, None, (
                f"holds no line with the head hash {wanted[:16]}…: the log was rewritten or "
                "replaced since that head was noted, or the hash was mistyped")))
        elif where in found.suspect:
            problems.append(Problem(app.casebook.audit_path, where, (
                "holds the head hash noted earlier, but the chain around it is broken")))
        else:
            console.result(f"The head noted earlier is line {where}: the log up to it is as it "
                        "was then.")
    for problem in problems:
        console.error(problem.command_line())
    if problems:
        sys.exit(1)
    for line in console.fold(_all_well(chain.count, found.cases), console.table_width(), "  "):
        console.result(line)
    # The head, noted where the casebook's writers cannot reach, proves the log later.
    # (`--head` above.)
    if chain.head is not None:
        console.result(f"Head: line {chain.count}, {chain.head}")


def _all_well(count: int, cases: int) -> str:
    files = ("1 case file agrees with its last audit line" if cases == 1
             else f"{cases} case files agree with their last audit lines")
    return f"audit.log: {count} line{'s' if count != 1 else ''}, every link holds; {files}."
