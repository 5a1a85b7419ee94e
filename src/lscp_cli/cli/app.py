"""The `lscp` command group: global options, the casebook it works on, and error handling.

Commands live in sibling modules (cases.py, deadlines.py, drafts.py, workdays.py) and attach
themselves to `cli`. They stay thin: parse arguments, call one domain function, render.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import io
import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from lscp_cli import __version__
from lscp_cli.base import portable
from lscp_cli.base.safefile import atomic_write
from lscp_cli.casebook import Casebook
from lscp_cli.cli import console
from lscp_cli.cli.running import (
    ALL_CLEARS,
    REPORTS,
    UNANSWERED,
    collector_paused,
    failure_status,
    open_casebook,
)
from lscp_cli.errors import InvalidDate
from lscp_cli.model.dates import parse_date

FC = TypeVar("FC", bound=Callable[..., Any])

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
# Help laid out by hand (a `\b` block, which click does not wrap) is this wide at most: with
# click's indent of 2, every `-h` fits an 80-column window.
HELP_BLOCK_WIDTH = 78


class AppContext:
    """What every command shares: where the casebook is, opened on first use."""

    def __init__(self, dir_option: Path | None) -> None:
        self.dir_option = dir_option
        self._casebook: Casebook | None = None

    @property
    def casebook(self) -> Casebook:
        if self._casebook is None:
            command = click.get_current_context(silent=True)
            name = command.info_name if command is not None else None
            self._casebook = open_casebook(self.dir_option, report=name in REPORTS,
                                           check=name in ALL_CLEARS)
        return self._casebook

    def set_dir(self, value: Path) -> None:
        """`--dir` given after the command name (`lscp list --dir X`)."""
        if self.dir_option is not None and self.dir_option != value:
            raise click.UsageError(f"--dir is given twice ({self.dir_option} before the "
                                   f"command, {value} after it); give it once")
        self.dir_option = value


pass_app = click.make_pass_decorator(AppContext)


class DateParam(click.ParamType):  # type: ignore[type-arg,unused-ignore]
    """A date typed the UK way or ISO; `today` and `yesterday` welcome."""
    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_date(str(value))
        except InvalidDate as exc:
            self.fail(str(exc), param, ctx)


DATE = DateParam()


class Choice(click.Choice):  # type: ignore[type-arg,unused-ignore]
    """One of a few words, typed in any case (`--outcome CSPR`), with "did you mean" for a
    near miss (`rag-meting`)."""

    def __init__(self, choices: Sequence[str], case_sensitive: bool = False) -> None:
        super().__init__(choices, case_sensitive=case_sensitive)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            import difflib  # only for a mistyped choice

            words = [str(choice) for choice in self.choices]
            close = difflib.get_close_matches(str(value).lower(), words, n=1, cutoff=0.6)
            known = ", ".join(repr(word) for word in words)
            if close:
                self.fail(f"{value!r}: did you mean {close[0]!r}? (one of {known})", param, ctx)
            self.fail(f"{value!r} is not one of {known}", param, ctx)


class WholeNumber(click.IntRange):
    """A count or a year: anything else is refused saying what is wanted, with an example.

    click's own message ("'fifteen' is not a valid integer range") tells an officer nothing.
    """

    def __init__(self, what: str, minimum: int | None = None, maximum: int | None = None, *,
                 unit: str = "") -> None:
        super().__init__(minimum, maximum)
        self.what = what
        self.unit = unit

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        name = _param_name(param)
        text = str(value).strip()
        if not re.fullmatch(r"[+-]?[0-9]+", text):
            raise click.UsageError(f"{name} must be {self.what}", ctx)
        number = int(text)
        low, high = self.min, self.max
        if (low is not None and number < low) or (high is not None and number > high):
            unit = f" {self.unit}" if self.unit else ""
            if high is None:
                allowed = f"{low} or more{unit}"
            elif low is None:
                allowed = f"{high} or less{unit}"
            else:
                allowed = f"between {low} and {high}{unit}"
            raise click.UsageError(f"{name} must be {allowed}", ctx)
        return number


def _param_name(param: click.Parameter | None) -> str:
    if isinstance(param, click.Option):
        return param.opts[0]
    if param is not None:
        return param.human_readable_name
    return "the number"


def format_option(
    choices: tuple[str, ...] = console.FORMATS,
) -> Callable[[FC], FC]:
    """`--format`, and `-o FILE` (its extension picks the format: .csv for Excel, .xlsx, .json)
    with `--force`: every listing can be written to a file as well as shown."""
    extensions = {ext: fmt for ext, fmt in console.LISTING_EXTENSIONS.items()
                  if fmt in choices or fmt == "xlsx"}
    named = ", ".join(extensions)

    def decorate(command: FC) -> FC:
        @functools.wraps(command)
        def run(*args: Any, fmt: str | None, output: Path | None, force: bool,
                **kwargs: Any) -> Any:
            chosen = listing_format(fmt, output, extensions)
            if output is None:
                return command(*args, fmt=chosen, **kwargs)
            return write_listing(output, chosen, force,
                                 lambda: command(*args, fmt=chosen, **kwargs))

        for option in reversed([
            click.option("--format", "fmt", type=Choice(choices), default=None,
                         help="Output format: a table for people (the default), json or csv "
                         "for Excel and scripts. With -o the file's extension decides."),
            click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                         help=f"Write to this file instead; its extension ({named}) picks the "
                         "format. CSV files are UTF-8 with a byte-order mark, for Excel."),
            click.option("--force", is_flag=True, help="Overwrite the -o file if it exists."),
        ]):
            run = option(run)
        return run  # type: ignore[return-value]

    return decorate


def listing_format(fmt: str | None, output: Path | None, extensions: dict[str, str]) -> str:
    """The format asked for: `--format`, else the extension of `-o FILE`, else a table."""
    if output is None:
        if fmt == "xlsx":
            raise click.UsageError("an Excel workbook cannot go to the terminal; use -o "
                                   "FILE.xlsx")
        return fmt or "table"
    implied = extensions.get(output.suffix.lower())
    if fmt is not None and implied is not None and implied != fmt:
        raise click.UsageError(
            f"--format {fmt} but {output.name!r} is a {output.suffix.lower()} file: drop "
            f"--format (the extension decides) or name the file .{fmt}")
    return fmt or implied or "table"


def write_listing(output: Path, fmt: str, force: bool, produce: Callable[[], Any]) -> Any:
    """Run `produce` with stdout going to `output` (written whole, never over an existing file
    without --force); print the file's name. CSV gets a byte-order mark so Excel reads UTF-8."""
    if problem := portable.windows_name_problem(output.name):
        raise click.BadParameter(f"{output.name!r} {problem}; choose another file name",
                                 param_hint="-o")
    if output.exists() and not force:
        raise click.UsageError(f"{output} already exists; use --force to overwrite it, or -o "
                               "to choose another file")
    raw = io.BytesIO()
    target = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    failed: BaseException | None = None
    with contextlib.redirect_stdout(target):
        try:
            returned = produce()
        except SystemExit as exc:  # the listing was made; some case files were not read
            failed = exc
    target.flush()
    data = raw.getvalue()
    if fmt == "csv":
        data = "\ufeff".encode() + data
    atomic_write(output, data, overwrite=force)
    console.result(str(output))
    if failed is not None:
        raise failed
    return returned


def _not_utf8(args: list[str]) -> int | None:
    """The position of the first argument holding bytes that are not UTF-8 text, if any."""
    for position, arg in enumerate(args, start=1):
        if any("\udc80" <= ch <= "\udcff" for ch in arg):
            return position
    return None


# Each command, by name: the module that defines it and its name there. A command's module is
# imported only when that command runs, so `lscp deadlines` does not pay for loading letters,
# reports and every other command (click's LazyGroup pattern); `lscp -h` loads none of them.
COMMANDS = {
    "init": "lscp_cli.cli.intake.init",
    "new-incident": "lscp_cli.cli.intake.new_incident",
    "list": "lscp_cli.cli.cases.list_cases",
    "show": "lscp_cli.cli.cases.show",
    "record": "lscp_cli.cli.changes.record",
    "set": "lscp_cli.cli.changes.set_detail",
    "edit": "lscp_cli.cli.changes.edit",
    "check": "lscp_cli.cli.changes.check",
    "deadlines": "lscp_cli.cli.deadlines.deadlines",
    "actions": "lscp_cli.cli.reports.actions",
    "stats": "lscp_cli.cli.reports.stats",
    "report": "lscp_cli.cli.reports.report",
    "draft": "lscp_cli.cli.drafts.draft",
    "templates": "lscp_cli.cli.drafts.templates",
    "log": "lscp_cli.cli.history.log",
    "verify": "lscp_cli.cli.history.verify",
    "workdays": "lscp_cli.cli.workdays.workdays",
}

# `lscp -h` lists the commands in the order of the work, under headings, each with its summary
# (the first sentence of its help, written here so help imports no command module;
# tests/test_cli_help.py holds the two equal).
SECTIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Start here", (
        ("init", "Create a casebook folder with a commented lscp.toml."),
        ("new-incident", "Open a case for a serious child safeguarding incident and print "
                         "its id."),
    )),
    ("A case, step by step", (
        ("record", "Record a step in a case."),
        ("set", "Set a detail the Panel's form asks for, such as a child's sex (not a step)."),
        ("show", "One case: facts, the timeline of what happened, and every deadline with "
                 "its status."),
        ("draft", "Draft a letter or summary for case ID from TEMPLATE (see `lscp "
                  "templates`)."),
        ("templates", "List the letter templates, what each is for, and which your casebook "
                      "overrides."),
        ("edit", "Open a case file in $EDITOR (Notepad on Windows); it replaces the file only "
                 "if valid."),
    )),
    ("What is due", (
        ("list", "Cases with their stage and next deadline."),
        ("deadlines", "What is due and overdue across all cases, in working days, overdue "
                      "first."),
        ("actions", "Every action of every case's action plan: who owes what, and by when."),
    )),
    ("For the board", (
        ("report", "The board report for the RAG and the Executive: one printable HTML page."),
        ("stats", "The partnership's figures: how many incidents, how timely, what is owed."),
    )),
    ("Keeping the casebook right", (
        ("check", "Validate lscp.toml, every case file and your templates."),
        ("log", "The audit trail: every change to the cases, oldest first (of one case with "
                "ID)."),
        ("verify", "Check the audit trail: every link of its hash chain, and each case file "
                   "against it."),
        ("workdays", "The working-day calculator: bank holidays in England and Wales, plus "
                     "lscp.toml closures."),
    )),
)


def whole_summaries(group: click.Group, ctx: click.Context, formatter: click.HelpFormatter,
                    names: list[str], heading: str = "Commands") -> None:
    """The commands `names` of `group`, each with its summary whole (click cuts it at "...")."""
    rows = [(name, command.get_short_help_str(limit=1000)) for name in names
            if (command := group.get_command(ctx, name)) is not None and not command.hidden]
    if rows:
        with formatter.section(heading):
            formatter.write_dl(rows)


class SummaryGroup(click.Group):
    """A group of subcommands (`lscp workdays`) whose help gives each summary whole."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        whole_summaries(self, ctx, formatter, self.list_commands(ctx))


class LscpGroup(click.Group):
    """Turns `LscpError` into a message and exit 1; anything unexpected into one line.

    Loads its commands lazily, from `lazy_subcommands` (name: "module.attribute")."""

    def __init__(self, *args: Any, lazy_subcommands: dict[str, str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_subcommands = lazy_subcommands or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        """In the order of the work (`SECTIONS`), then any other command by name."""
        ordered = [name for _, rows in SECTIONS for name, _ in rows]
        known = {*super().list_commands(ctx), *self.lazy_subcommands}
        return ([name for name in ordered if name in known]
                + sorted(known - set(ordered)))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each command's summary whole (click cuts it at "..."), under headings in the order
        of the work, without importing any command's module."""
        listed: set[str] = set()
        align = max(len(name) for _, rows in SECTIONS for name, _ in rows)  # one column
        for heading, rows in SECTIONS:
            shown = [(name.ljust(align), summary) for name, summary in rows
                     if name in self.lazy_subcommands or name in self.commands]
            listed.update(name.strip() for name, _ in shown)
            if shown:
                with formatter.section(heading):
                    formatter.write_dl(shown)
        others = [name for name in sorted(self.commands) if name not in listed]
        whole_summaries(self, ctx, formatter, others, "Other commands")

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_subcommands and cmd_name not in self.commands:
            self.add_command(self._load(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def _load(self, name: str) -> click.Command:
        module, attribute = self.lazy_subcommands[name].rsplit(".", 1)
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.lazy_subcommands[name]} is not a click command")
        accept_global_options(command)
        return command

    def all_commands(self) -> dict[str, click.Command]:
        """Every command, loaded (for help and tests; a command run loads only itself)."""
        ctx = click.Context(self)
        return {name: command for name in self.list_commands(ctx)
                if (command := self.get_command(ctx, name)) is not None}

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            position = _not_utf8(args)
            if position is not None:
                raise click.UsageError(
                    f"argument {position} holds bytes that are not UTF-8 text (a terminal or "
                    "script in another encoding); type it again, or set the terminal to UTF-8",
                    ctx,
                )
            return super().parse_args(ctx, args)
        except click.ClickException as exc:  # `lscp --bogus`: said as every error is
            console.click_error(exc)
            raise click.exceptions.Exit(exc.exit_code) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with collector_paused():
                return super().invoke(ctx)
        except click.exceptions.Exit:
            raise
        except click.ClickException as exc:
            console.click_error(exc)
            ctx.exit(exc.exit_code)
        except click.Abort:  # a question left unanswered (Ctrl-D, or input ended)
            console.error(UNANSWERED)
            ctx.exit(1)
        except (Exception, KeyboardInterrupt) as exc:  # said as the fast path says it
            ctx.exit(failure_status(exc))


DIR_HELP = ("The casebook folder. Default: $LSCP_DIR, else the nearest folder at or above this "
            "one holding lscp.toml, else ~/lscp.")


def _dir_after_command(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.ensure_object(AppContext).set_dir(value)


def accept_global_options(command: click.Command) -> None:
    """Let `--dir` also follow the command name (`lscp list --dir X`), in every command."""
    if not any(param.name == "dir_after" for param in command.params):
        command.params.append(click.Option(
            ["--dir", "dir_after"], type=click.Path(file_okay=False, path_type=Path),
            expose_value=False, is_eager=True, callback=_dir_after_command, help=DIR_HELP))
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            accept_global_options(sub)


@click.group(cls=LscpGroup, lazy_subcommands=COMMANDS, context_settings=CONTEXT_SETTINGS)
@click.option("--dir", "dir_option", type=click.Path(file_okay=False, path_type=Path),
              help=DIR_HELP)
@click.version_option(__version__, "--version", prog_name="lscp")
@click.pass_context
def cli(ctx: click.Context, dir_option: Path | None) -> None:
    """Serious child safeguarding incidents: case files, deadlines in working days, letters.

    \b
    For example:
      lscp new-incident            open a case (asks for what it needs)
      lscp deadlines               what is due and overdue, across all cases
      lscp record LSCP-2025-001 panel-notified --reference SI-12345
      lscp draft LSCP-2025-001 panel-notification
    """

    portable.utf8_streams()  # the old cmd.exe's code page cannot write dates' en dashes or arrows
    ctx.obj = AppContext(dir_option)


