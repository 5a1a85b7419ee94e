"""`lscp log`: the audit trail, readable: when, who, which field, old and new, and why."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Any

import click

from lscp_cli.base.audit import AuditEntry
from lscp_cli.cli import console
from lscp_cli.cli.app import AppContext, format_option, pass_app


def _local_time(text: str) -> str:
    """The log's UTC time as the PC's local time, to the minute: `2025-01-20 14:03`."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _excel_time(text: str) -> str:
    """The log's UTC time as Excel reads a date and time: `2025-01-20 14:03:09` (UTC)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return ", ".join(f"{k} {_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _change(entry: AuditEntry) -> str:
    if entry.old is None:
        return f"(none) → {_value(entry.new)}"
    if entry.new is None:
        return f"{_value(entry.old)} → (removed)"
    return f"{_value(entry.old)} → {_value(entry.new)}"


@click.command("log")
@click.argument("case_id", metavar="[ID]", required=False)
@format_option()
@pass_app
def log(app: AppContext, case_id: str | None, fmt: str) -> None:
    """The audit trail: every change to the cases, oldest first (of one case with ID).

    When (the PC's local time), who (the computer user), what was done (the event, `edit`,
    `new-incident`), which field, the old and the new value, and the reason given for a
    correction. JSON, CSV and Excel (-o FILE.xlsx) carry the log's own time in UTC (in CSV and
Excel as `2025-01-20 14:03:09`, a time Excel reads) and the values as recorded.

    \b
    Examples:
      lscp log LSCP-2025-001
      lscp log --format csv > audit.csv
    """
    found = app.casebook.log(case_id)
    if fmt == "table":
        records = [{"when": _local_time(e.time), "user": e.user, "case": e.case,
                    "action": e.action, "field": e.field, "change": _change(e),
                    "reason": e.reason or ""} for e in found]
        columns = [
            console.Column("when", "When", no_wrap=True),
            console.Column("user", "Who", no_wrap=True),
            console.Column("case", "Case", no_wrap=True, table=case_id is None),
            console.Column("action", "What", no_wrap=True),
            console.Column("field", "Field", no_wrap=True),
            console.Column("change", "Old → new"),
            console.Column("reason", "Reason"),
        ]
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
                   ("time", "user", "case", "action", "field", "old", "new", "reason")]
        title = None
    empty = (f"No changes recorded for {app.casebook.normalise_id(case_id)}." if case_id
             else "No changes recorded yet.")
    console.render_records(records, columns, fmt, title=title, empty=empty)
    for error in found.problems:
        for line in str(error).splitlines():
            console.error(line)
    if found.problems:
        sys.exit(1)
