"""The options `lscp record` takes, declared as data: each event names the ones it uses.

`lscp record` builds its click options and help from `OPTIONS`; `events.check_options`
refuses an option the event does not take. Split from events.py to keep each module short.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from lscp_cli.base.records import dataclass, field
from lscp_cli.errors import said
from lscp_cli.model.steps import OUTCOMES


@dataclass
class EventOptions:
    """The options given with an event, by `Option.field`; unset ones are None (or empty)."""

    reference: str | None = None
    agencies: tuple[str, ...] = ()
    outcome: str | None = None
    author: str | None = None
    url: str | None = None
    reason: str | None = None
    new_reason: str | None = None  # with --correct: the recorded reason's new text
    letter_reason: str | None = None  # not-published: the reason the letters may quote
    text: str | None = None
    owner: str | None = None
    due: date | None = None
    action: int | None = None
    channel: str | None = None
    note: str | None = None
    national_review: bool | None = None
    duplicate_of: str | None = None  # withdrawn: the case that already holds this incident
    authority: str | None = None  # other-authority-notified: the authority that notified
    correct: bool = False  # change a step already recorded (with --reason)
    force: bool = False  # close a case whose action plan is not finished
    reschedule: bool = False  # move a planned step to another date (not a correction)
    undo: bool = False  # remove a step recorded by mistake (with --reason)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Option:
    """One `lscp record` option: `--name`, filling `EventOptions.<field>`."""

    name: str
    field: str
    help: str
    kind: Literal["text", "date", "number", "flag"] = "text"
    metavar: str = "TEXT"
    choices: tuple[str, ...] = ()
    repeatable: bool = False


OPTIONS: dict[str, Option] = {
    option.name: option
    for option in [
        Option("reference", "reference", "The notification reference (the online system "
               "gives it).", metavar="REF"),
        Option("agency", "agencies", "Agency name; repeat it for several.", metavar="NAME",
               repeatable=True),
        Option("outcome", "outcome", "The outcome: " + ", ".join(OUTCOMES) + ".",
               metavar="OUTCOME", choices=OUTCOMES),
        Option("author", "author", "Independent author.", metavar="NAME"),
        Option("url", "url", "Where the report is published (https://...).", metavar="URL"),
        Option("reason", "reason", "Why: the report is not published, the case is withdrawn "
               "or reopened; with --correct, why the recorded step is corrected (audit.log).",
               metavar="TEXT"),
        Option("new-reason", "new_reason", "With --correct: the corrected text of the "
               "recorded reason (--reason then says why it is corrected).", metavar="TEXT"),
        Option("letter-reason", "letter_reason", "not-published: the reason in a sentence "
               "or two for the Panel and the Secretary of State, with no names (the "
               "publication notice quotes it; --reason stays in the case file).",
               metavar="TEXT"),
        Option("text", "text", "What the action is (action-added); the learning or the "
               "immediate action (rr-learning, immediate-action); the reasons for the "
               "decision (decision).", metavar="TEXT"),
        Option("owner", "owner", "Who owns the action.", metavar="NAME"),
        Option("due", "due", "Due date.", kind="date", metavar="DATE"),
        Option("action", "action", "The action's number in `lscp show`.", kind="number",
               metavar="N"),
        Option("channel", "channel", "briefing, training, website...", metavar="WORD"),
        Option("note", "note", "A short note on the step, shown in the timeline.", metavar="TEXT"),
        Option("national-review", "national_review", "The partners think the case may need a "
               "national review by the Panel.", kind="flag", metavar=""),
        Option("duplicate-of", "duplicate_of", "withdrawn: this incident is already held in "
               "another case (its id); recorded as the reason.", metavar="ID"),
        Option("authority", "authority", "The local authority where the incident happened, "
               "which notified the Panel.", metavar="NAME"),
        Option("correct", "correct", "Change a step already recorded (any event); needs "
               "--reason, which goes to audit.log.", kind="flag", metavar=""),
        Option("force", "force", "Close the case although actions are open (they stay in "
               "every report until completed) or deadlines are owed (those due by then show "
               "as missed).", kind="flag", metavar=""),
        Option("reschedule", "reschedule", "Move a planned step (a RAG meeting, the planned "
               "publication) to DATE; audited, not a correction.", kind="flag", metavar=""),
        Option("undo", "undo", "Remove a step recorded by mistake, with what was recorded "
               "with it; needs --reason (audit.log). DATE, if given, must be its date.",
               kind="flag", metavar=""),
    ]
}


def option_named(name: str, value: str = "") -> str:
    """An option as a message names it: `--agency NAME` on the command line, `agencies=NAME`
    to a script calling `Casebook.record` (errors.said)."""
    spec = OPTIONS[name]
    script = f"{spec.field}=True" if spec.kind == "flag" else f"{spec.field}={value or '...'}"
    return said(f"--{name}" + (f" {value}" if value else ""), script)
