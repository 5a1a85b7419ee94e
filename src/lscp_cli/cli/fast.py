"""`lscp deadlines` without loading click: the read-only command run most, started fast.

Importing click costs about as much as starting Python itself (its types, inspect, uuid,
typing), which alone would put `lscp deadlines` past its budget (3x `python -c pass`,
benchmarks/bench_startup.py). So `main` first offers the arguments to `run`, which takes only
the plain forms of `lscp [--dir DIR] deadlines [OPTIONS]`: each option at most once, every
value one click would accept as it is. It then does what click would have done: the same
casebook (running.open_casebook), the same listing (deadline_listing.show), the same failure
messages and exit statuses (running.failure_status), with the cycle collector paused.

Anything else (help, --version, -o FILE, --format ics, a value click would refuse or
convert, a repeated option, `--`, completion, an unusual argument on Windows) returns None
and click parses the command line as ever: its messages are click's own.
tests/test_fast_path.py runs each form both ways and compares the output byte for byte.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from stat import S_ISREG
from typing import Any

from lscp_cli.errors import InvalidDate

COMMAND = "deadlines"
FLAGS = {"--overdue": "overdue_only", "--all": "include_all", "--basis": "show_basis"}
VALUES = {"--as-of": "as_of", "--within": "within", "--case": "case_id", "--format": "fmt"}
FORMATS = ("table", "json", "csv")  # ics and xlsx (-o only) are click's
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")  # as cli/app.py's WholeNumber reads --within
_GLOB_OR_VARIABLE = re.compile(r"[*?\[~$%]")  # what click expands in a Windows argument


def run(args: list[str]) -> int | None:
    """The exit status of `lscp ARGS` when ARGS is a plain `deadlines`, run here; else None
    (nothing printed, nothing read): click is to run it."""
    options = parse(args)
    if options is None:
        return None
    from lscp_cli.cli.deadline_listing import show
    from lscp_cli.cli.running import collector_paused, failure_status, open_casebook

    dir_option = options.pop("dir")
    try:
        with collector_paused():
            show(open_casebook(dir_option, report=True), **options)
    except (Exception, KeyboardInterrupt) as exc:
        return failure_status(exc)
    return 0


def parse(args: list[str]) -> dict[str, Any] | None:
    """The options of a plain `[--dir DIR] deadlines [OPTIONS]`, as click would give them to
    the command (and its --dir), or None for anything else."""
    if "_LSCP_COMPLETE" in os.environ:  # shell completion: click's
        return None
    if os.name == "nt" and any(_GLOB_OR_VARIABLE.search(arg) for arg in args):
        return None  # click expands wildcards, ~ and variables in Windows arguments
    if any("\udc80" <= ch <= "\udcff" for arg in args for ch in arg):
        return None  # bytes that are not UTF-8: click's group says so
    before: list[str] = []
    rest = list(args)
    while rest and rest[0] != COMMAND:
        before.append(rest.pop(0))
    if not rest:
        return None
    given = _options(before, {"--dir": "dir"}, {})
    after = _options(rest[1:], {**VALUES, "--dir": "dir"}, FLAGS)
    if given is None or after is None or ("dir" in given and "dir" in after):
        return None
    given.update(after)
    return _converted(given)


def _options(args: list[str], values: dict[str, str], flags: dict[str, str]
             ) -> dict[str, str | bool] | None:
    """`--name VALUE`, `--name=VALUE` and flags, each once; None for anything else."""
    found: dict[str, str | bool] = {}
    position = 0
    while position < len(args):
        arg = args[position]
        position += 1
        name, equals, value = arg.partition("=")
        given: str | bool
        if name in flags and not equals:
            key, given = flags[name], True
        elif name in values:
            if not equals:
                if position == len(args):
                    return None
                value = args[position]
                position += 1
            if not value or value.startswith("-"):
                return None
            key, given = values[name], value
        else:
            return None
        if key in found:
            return None
        found[key] = given
    return found


def _folder_click_takes(path: str) -> bool:
    """Whether click.Path(file_okay=False) takes `path` as it is: missing, or there and
    readable, and not a file."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return True
    return not S_ISREG(mode) and os.access(path, os.R_OK)


def _converted(given: dict[str, str | bool]) -> dict[str, Any] | None:
    """The values as the command's parameters take them, or None where click would refuse
    or change one (its message is then click's)."""
    from lscp_cli.model.dates import parse_date

    fmt = given.get("fmt", "table")
    if fmt not in FORMATS:
        return None
    directory = given.get("dir")
    if isinstance(directory, str) and not _folder_click_takes(directory):
        return None
    as_of: date | None = None
    if isinstance(text := given.get("as_of"), str):
        try:
            as_of = parse_date(text)
        except InvalidDate:
            return None
    within: int | None = None
    if isinstance(text := given.get("within"), str):
        if not _WHOLE_NUMBER.fullmatch(text.strip()) or int(text) < 0:
            return None
        within = int(text)
    case_id = given.get("case_id")
    return {
        "dir": Path(directory) if isinstance(directory, str) else None,
        "as_of": as_of,
        "within": within,
        "overdue_only": bool(given.get("overdue_only", False)),
        "case_id": case_id if isinstance(case_id, str) else None,
        "include_all": bool(given.get("include_all", False)),
        "show_basis": bool(given.get("show_basis", False)),
        "fmt": fmt,
    }
