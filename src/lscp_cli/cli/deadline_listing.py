"""What `lscp deadlines` shows: every case's deadlines in working days, as a table, JSON, CSV
or calendar. No click here: the read-only fast path (fast.py) runs it as deadlines.py does.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import date
from typing import Any

from lscp_cli.casebook import Casebook
from lscp_cli.cli import console
from lscp_cli.model.dates import long_date, today
from lscp_cli.process.rules import DUE_SOON_DAYS, Deadline, Status
from lscp_cli.reports.incomplete import notice

# Red, amber, green: what needs doing now, soon, and what is on track or done.

# ics: one all-day event per deadline for Outlook, with a reminder; met ones cancelled.
FORMATS = (*console.FORMATS, "ics")


def _columns(show_basis: bool, show_met: bool = False) -> list[console.Column]:
    return [
        console.Column("due", "Due", no_wrap=True),
        console.Column("case", "Case", no_wrap=True),
        console.Column("children", "Child", no_wrap=True, drop=3),
        console.Column("label", "Milestone", min_width=18),
        console.Column("working_days_left", "WD left", justify="right", no_wrap=True, drop=2),
        console.Column("status", "Status", style=console.status_style, no_wrap=True),
        console.Column("basis", "Basis", table=show_basis),
        console.Column("milestone", "Milestone id", table=False),
        console.Column("met", "Met", table=show_met, no_wrap=True, drop=1),
        console.Column("provisional", "Provisional", table=False),
        console.Column("agency", "Agency", table=False),
        console.Column("action", "Action", table=False),
        console.Column("action_text", "Action text", table=False),
        console.Column("owner", "Owner", table=False),
        console.Column("source", "Source", table=False),
    ]


def _summary(deadlines: Sequence[Deadline], as_of: date) -> str:
    overdue = sum(d.status == Status.OVERDUE for d in deadlines)
    soon = sum(d.status == Status.DUE_SOON for d in deadlines)
    doubt = sum(d.is_in_doubt for d in deadlines)  # said only when there is one
    return (
        f"{overdue} overdue, {soon} due within {DUE_SOON_DAYS} working days"
        + (f", {doubt} in doubt (lscp check)" if doubt else "")
        + f" (as of {long_date(as_of)})"
    )


def _record(deadline: Deadline, initials: dict[str, list[str]], fmt: str) -> dict[str, Any]:
    record = deadline.to_json()
    record["children"] = initials.get(deadline.case, [])
    if fmt == "table":
        record["label"] = deadline.label  # an action's text shortened; JSON and CSV: whole
        if deadline.provisional:
            # CSV has its own provisional column; a table has no room for one.
            record["label"] = f"{deadline.label} (provisional)"
        if not deadline.status.is_open:
            # Counting down to a deadline met, lapsed or withdrawn is noise.
            record["working_days_left"] = None
            if deadline.is_met and deadline.met is None:
                record["met"] = "settled"  # e.g. a CSPR not published, with the reason
    return record


def _empty_message(include_all: bool, overdue_only: bool, within: int | None,
                   case_id: str | None, complete: bool = True) -> str:
    """What an empty table says: only what the filters show, never more (and with case
    files not read, only of the cases that were)."""
    where = f" in {case_id}" if case_id else "" if complete else " in the cases read"
    if overdue_only:
        return f"Nothing overdue{where}."
    if within is not None:
        days = "working day" if within == 1 else "working days"
        return f"Nothing due within {within} {days}{where}."
    if include_all:
        return f"No deadlines to show{where}."
    return f"Nothing due{where}: no open deadlines."


def show(casebook: Casebook, *, as_of: date | None, within: int | None, overdue_only: bool,
         case_id: str | None, include_all: bool, show_basis: bool, fmt: str) -> None:
    """Print the deadlines (`lscp deadlines`); exit 1 after them if a case file was bad."""
    as_of = as_of or today()
    found = casebook.deadlines(as_of, case=case_id, include_met=include_all,
                               overdue_only=overdue_only, within=within)
    incomplete = notice(found.problems)

    if fmt == "ics":
        feed = casebook.calendar_feed(as_of, case=case_id, overdue_only=overdue_only,
                                      within=within)
        # Bytes as written (CRLF line ends, RFC 5545): a text stream would translate them.
        sys.stdout.flush()
        if incomplete:
            console.warning(incomplete)
        ics_lines = feed.ics.decode("utf-8").split("\r\n")  # ICS lines end CRLF: keep those
        sys.stdout.buffer.write("\r\n".join(map(console.visible, ics_lines)).encode("utf-8"))
        sys.stdout.buffer.flush()
    elif fmt == "json":
        # One deadline a line: json's C encoder only runs without indent, and at 10,000 cases
        # the pure-Python indenting encoder costs more than working out the deadlines.
        # One encoder for all (json.dumps with an option builds a new one for every call).
        if incomplete:
            console.warning(incomplete)
        encode = json.JSONEncoder(ensure_ascii=False).encode
        lines = ",\n".join(encode(d.to_json()) for d in found)
        sys.stdout.write(console.json_safe(f"[\n{lines}\n]\n") if lines else "[]\n")
    else:
        initials = {cid: case.children_initials for cid, case in found.cases.items()}
        console.render_records(
            [_record(d, initials, fmt) for d in found],
            _columns(show_basis, show_met=include_all),
            fmt,
            title=f"Deadlines as of {long_date(as_of)}",
            empty=_empty_message(include_all, overdue_only, within, case_id,
                                 complete=incomplete is None),
            footer=_summary(found, as_of),
            incomplete=incomplete,
        )

    if fmt == "table" and found.upcoming:
        console.result("\nUpcoming (planned, not deadlines):")
        for when, upcoming_case, what in found.upcoming:
            console.result(f"  {long_date(when)}  {upcoming_case}  {what}")
    for undated_case, number in found.undated:
        # An action with no due date has no deadline: say so, never drop it silently.
        console.warning(f"{undated_case} action {number} has no due date, so no deadline is "
                        f"tracked for it; add one with `lscp edit {undated_case}`")
    console.file_problems(found.problems)
