"""Commands that change or check case files: record, edit, check."""

from __future__ import annotations

import sys
import textwrap
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from lscp_cli.base import portable
from lscp_cli.cli import console
from lscp_cli.cli.app import DATE, HELP_BLOCK_WIDTH, AppContext, Choice, pass_app
from lscp_cli.cli.cases import say_next_deadlines
from lscp_cli.cli.history import officer_value
from lscp_cli.cli.prompts import confirm
from lscp_cli.errors import InvalidEvent, LscpError, command_line_words
from lscp_cli.model.dates import today
from lscp_cli.model.event_options import OPTIONS, EventOptions
from lscp_cli.model.events import EVENTS, check_options, planned_events
from lscp_cli.model.fieldlabels import field_label
from lscp_cli.storage.editing import EditSession

# -- record ----------------------------------------------------------------------------------
# Every event and option is declared in lscp_cli.model.events; the command is built from them.


def _event_help() -> str:
    """Each event and what it records, wrapped under its own column to fit 80 columns."""
    width = max(len(n) for n in EVENTS)
    hanging = " " * (width + 4)
    return "\n".join(
        textwrap.fill(spec.help, HELP_BLOCK_WIDTH, initial_indent=f"  {name.ljust(width)}  ",
                      subsequent_indent=hanging, break_on_hyphens=False)
        for name, spec in EVENTS.items())


def _event_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """A click option for each of `events.OPTIONS`, its help naming the events that use it."""
    for option in reversed(OPTIONS.values()):
        users = ", ".join(name for name, spec in EVENTS.items() if option.name in spec.options)
        kind: Any = {
            "date": DATE,
            "number": int,
            "text": (Choice(option.choices) if option.choices
                     else None),
            "flag": None,
        }[option.kind]
        flag: dict[str, Any] = {"is_flag": True, "default": None} if option.kind == "flag" else {
            "type": kind, "metavar": option.metavar, "multiple": option.repeatable}
        command = click.option(
            f"--{option.name}", option.field,
            help=f"{option.help} ({users})" if users else option.help, **flag,
        )(command)
    return command


@click.command(epilog="\b\nEvents:\n" + _event_help())
@click.argument("case_id", metavar="ID")
@click.argument("event", type=Choice(list(EVENTS)), metavar="EVENT")
@click.argument("when", metavar="[DATE]", type=DATE, required=False)
@_event_options
@pass_app
def record(app: AppContext, /, case_id: str, event: str, when: date | None, **options: Any) -> None:
    """Record a step in a case. DATE defaults to today (ISO or day first: 06/01/2025).

    \b
    Examples:
      lscp record LSCP-2025-001 panel-notified 06/01/2025 --reference SI-12345
      lscp record LSCP-2025-003 care-leaver-notified 06/01/2025 --reference N-1
      lscp record LSCP-2025-001 agency-requested --agency "West Yorkshire Police"
      lscp record LSCP-2025-001 decision 22/01/2025 --outcome cspr
      lscp record LSCP-2025-001 action-completed --action 2
      lscp record LSCP-2025-001 panel-notified 07/01/2025 --correct --reason typo
      lscp record LSCP-2025-001 rag-meeting 27/01/2025 --reschedule
      lscp record LSCP-2025-001 decision --undo --reason "on the wrong case"
      lscp record LSCP-2025-001 not-published --correct \\
        --reason "wrong sibling named" \\
        --new-reason "publishing would identify a sibling"

    A step already recorded is changed only with --correct --reason (with --correct,
    --reason is why; a recorded reason's new text is --new-reason); a closed case takes
    new steps once reopened (`reopened --reason`); steps in an impossible order, or that the
    case's duties exclude (no Rapid Review for a care leaver's death), are refused. A planned
    date moves with --reschedule; a step recorded by mistake goes with --undo --reason.
    Unusual steps (a meeting on a bank holiday, a late notification) are warned.
    """
    spec = EVENTS[event]
    event_options = EventOptions(**options)
    try:
        check_options(event, event_options)
    except InvalidEvent as exc:
        raise click.UsageError(exc.command_line()) from None
    now = today()
    if when is None and not event_options.undo:
        if spec.needs_date:
            raise click.UsageError(f"{event} needs the planned DATE, e.g. "
                                   f"`lscp record ID {event} 15/07/2025`")
        when = now
    if when is not None and when > now and not spec.future_ok:
        planned = ", ".join(planned_events())
        raise click.BadParameter(
            f"{when.isoformat()} is in the future; record {event} on or after the day it "
            f"happens (only planned steps may be dated ahead: {planned}). Dates are read "
            "day first: 06/01/2025 is 6 January", param_hint="DATE")
    recorded = app.casebook.record(case_id, event, when, event_options)
    case, changes = recorded.case, recorded.changes
    for warning in recorded.command_line_warnings():
        console.warning(warning)
    if not changes:
        console.result(f"{case.id}: already recorded; nothing changed")
        return
    why = (" (undone; reason in audit.log)" if event_options.undo
           else " (rescheduled)" if event_options.reschedule
           else " (correction; reason in audit.log)")
    # As `lscp log` says it: the field's label and the values in words, dates the UK way.
    for change in changes:
        was = (f" (was {officer_value(change.old, change.field)})" if change.old is not None
               else "")
        new = ("removed" if change.new is None
               else f"= {officer_value(change.new, change.field)}")
        console.result(f"{case.id}: {field_label(change.field, case.data)} {new}{was}"
                       + (why if change.reason or event_options.reschedule else ""))
    say_next_deadlines(app, case, limit=1)


# -- set -------------------------------------------------------------------------------------
def _settable_epilog() -> str:
    from lscp_cli.model.details import settable_list

    return "\b\nFields:\n" + command_line_words(settable_list())


@click.command("set", epilog=_settable_epilog())
@click.argument("case_id", metavar="ID")
@click.argument("field", metavar="FIELD")
@click.argument("values", metavar="VALUE...", nargs=-1, required=True)
@click.option("--child", type=click.IntRange(1, 4), metavar="N",
              help="The child whose detail it is (1 to 4; needed when the case has several).")
@click.option("--reason", metavar="TEXT", help="Why it changed (goes to audit.log).")
@pass_app
def set_detail(app: AppContext, case_id: str, field: str, values: tuple[str, ...],
               child: int | None, reason: str | None) -> None:
    """Set a detail the Panel's form asks for, such as a child's sex (not a step).

    The details are facts about the incident and each child; steps are recorded with
    `lscp record`.

    Checked as `lscp check` checks a case file, and audited (`lscp log`). A status the
    officer does not know yet is recorded as `unknown` (letters say "Not known"). A list
    (documents, known to) takes each item as one VALUE, or `none`.

    \b
    Examples:
      lscp set LSCP-2025-001 sex female
      lscp set LSCP-2025-001 looked-after no --child 2
      lscp set LSCP-2025-001 "children[2].ethnicity" "White British"
      lscp set LSCP-2025-001 in_area unknown
      lscp set LSCP-2025-001 documents "Chronology" "Strategy discussion record"
      lscp set LSCP-2025-001 action_taken "Siblings placed with their grandmother"
    """
    from lscp_cli.model.details import find_target, shown
    from lscp_cli.process.order import impossible_problems

    try:
        recorded = app.casebook.set_detail(case_id, field, values, child=child, reason=reason)
    except InvalidEvent as exc:
        raise click.UsageError(exc.command_line()) from None
    case = recorded.case
    if not recorded.changes:
        console.result(f"{case.id}: already recorded; nothing changed")
        return
    target = find_target(field, child, case.data, case.id)
    for change in recorded.changes:
        was = f" (was {shown(target, change.old)})" if change.old is not None else ""
        console.result(f"{case.id}: {field_label(change.field, case.data)} = "
                       f"{shown(target, change.new)}{was}")
    # A fact changed may leave a recorded step impossible (the Panel notified by this
    # authority, the incident now elsewhere in England): saved, as the fact is what happened,
    # and said as `lscp check` says it.
    for problem in impossible_problems(case.warnings):
        console.warning(problem.command_line())


# -- edit ------------------------------------------------------------------------------------
@click.command()
@click.argument("case_id", metavar="ID")
@click.option("--resume", is_flag=True,
              help="Carry on with the copy an earlier edit of this case left unsaved.")
@click.option("--discard", is_flag=True,
              help="Delete the copies earlier edits of this case left unsaved; edit nothing.")
@pass_app
def edit(app: AppContext, case_id: str, resume: bool, discard: bool) -> None:
    """Open a case file in $EDITOR (Notepad on Windows); it replaces the file only if valid.

    Like visudo: a copy is edited, checked, and saved only if nobody changed the case
    meanwhile. An invalid edit can be edited again; nothing is lost: the copy is kept in the
    casebook's edits/ folder and the next `lscp edit` of the case offers to resume it. A kept
    copy is deleted when an edit of the case is saved, or with --discard. A file saved by
    Notepad keeps its byte-order mark and CRLF line ends. Fields lscp does not know (a
    misspelt name) are saved, with a warning, as `lscp check` gives.

    \b
    Example:
      EDITOR=nano lscp edit LSCP-2025-001
      lscp edit LSCP-2025-001 --resume
      lscp edit LSCP-2025-001 --discard
    """
    if resume and discard:
        raise click.UsageError("--resume or --discard, not both")
    session = app.casebook.edit(case_id)
    if discard:
        gone = session.discard_kept()
        edits = "edit" if len(gone) == 1 else "edits"
        console.result(f"{session.case_id}: discarded {len(gone)} unsaved {edits}" if gone
                       else f"{session.case_id}: no unsaved edit is kept")
        return
    # Not loaded first: a broken file is exactly what an officer needs to edit.
    path = session.path
    work = _resumed(session, resume) or session.write_copy()
    editor = portable.default_editor()
    keep_work = False
    try:
        while True:
            started = time.monotonic()
            before = work.read_bytes()
            click.edit(filename=str(work), editor=editor, extension=".toml")
            if work.read_bytes() == before and _notepad_returned_early(editor, started):
                # Windows 11 Notepad opens the file in a tab of a window already open and
                # returns at once: wait for the officer rather than report "no changes".
                click.pause("Notepad has the case open in a tab. Save it there, then press "
                            "any key here to check and save it ...", err=True)
            edited = session.read_copy()
            if not session.changed(edited):
                console.result(f"{session.case_id}: no changes")
                return
            if problems := session.problems(edited):
                for problem in problems:
                    console.error(problem.command_line().replace(str(path), str(work), 1))
                if _interactive() and confirm("Edit again?", default=True):
                    continue
                keep_work = True
                raise LscpError(f"{path} was not changed; your edit is kept in {work}: "
                                f"`lscp edit {session.case_id}` offers to resume it "
                                f"(`--discard` deletes it)")
            break
        try:
            case, changes = session.save(edited)
        except LscpError:
            keep_work = True
            console.error(f"your edit is kept in {work}")
            raise
        for warning in case.warnings:
            console.warning(warning.command_line())
        console.result(f"{session.case_id}: saved ({len(changes)} field(s) changed)")
        for older in session.discard_kept():
            console.info(f"deleted {older}: an unsaved edit of the case as it was before")
    finally:
        if not keep_work:
            session.discard_copy()


def _resumed(session: EditSession, resume: bool) -> Path | None:
    """The kept copy of an earlier edit to carry on with, if the officer wants it."""
    kept = session.kept_copies()
    if not kept:
        if resume:
            raise LscpError(f"no unsaved edit of {session.case_id} is kept; run "
                            f"`lscp edit {session.case_id}` without --resume")
        return None
    latest = kept[0]
    when = latest.saved.strftime("%d/%m/%Y %H:%M")
    console.info(f"An edit of {session.case_id} you did not save is kept in {latest.path} "
                 f"(last changed {when}).")
    if not resume and _interactive():
        resume = confirm("Resume it?", default=True, err=True)
    if not resume:
        console.info(f"Starting from the case file as it is. The kept copy stays until an edit "
                     f"of {session.case_id} is saved (copy what you need from it before "
                     f"saving), or `lscp edit {session.case_id} --discard` deletes it; "
                     f"`lscp edit {session.case_id} --resume` carries on with it.")
        return None
    return session.resume(latest)


def _notepad_returned_early(editor: str | None, started: float) -> bool:
    name = Path((editor or "").strip().strip('"')).name.lower()
    return (portable.on_windows() and name in ("notepad", "notepad.exe")
            and time.monotonic() - started < 2.0 and _interactive())


def _interactive() -> bool:
    return sys.stdin.isatty()


# -- check -----------------------------------------------------------------------------------
@click.command()
@pass_app
def check(app: AppContext) -> None:
    """Validate lscp.toml, every case file and your templates.

    At a terminal, all well says "all N cases valid"; piped (for scripts) it says nothing.

    Prints FILE:LINE: what is wrong and how to fix it, for every problem; exit 1 if any.

    \b
    Example:
      lscp check && echo "all good"
    """
    checked = app.casebook.check()
    for problem in checked.problems:
        click.echo(console.visible(problem.command_line()))
    for warning in checked.warnings:
        console.warning(warning.command_line())
    if checked.problems:
        sys.exit(1)
    from lscp_cli.cli.intake import sharing_note

    if note := sharing_note(app.casebook):
        console.info(note)
    if console.on_terminal():
        count = len(app.casebook.load_all()[0])
        console.result(f"all {count} case{'' if count == 1 else 's'} valid (lscp.toml and "
                       "templates too)")
