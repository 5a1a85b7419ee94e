"""How every command runs, with click (cli/app.py's group) or without (cli/fast.py): the
casebook a report reads, named on stderr; the cycle collector paused; a failure said as one
`error: ...` line with its exit status.

No click here (nor anything a listing does not need): the fast path loads only this.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
from collections.abc import Iterator
from pathlib import Path

from lscp_cli import __version__
from lscp_cli.casebook import Casebook
from lscp_cli.cli import console
from lscp_cli.errors import CasebookError, LscpError

# Commands that report on the casebook: each names the folder it read, on stderr (so JSON and
# CSV on stdout stay as they are), so a wrong --dir or LSCP_DIR never passes unnoticed.
REPORTS = frozenset({"list", "show", "deadlines", "actions", "stats", "report", "log",
                     "verify"})
# Commands whose silence or success is an all-clear: they refuse a casebook that does not exist.
ALL_CLEARS = REPORTS | {"check"}


def source_words(casebook: Casebook) -> str:
    how = casebook.source  # how it was chosen, as the command line says it: "from --dir"
    return {casebook.GIVEN: "from --dir", "LSCP_DIR": "from LSCP_DIR"}.get(how, how)


def no_casebook(default: Path, what: str = "report") -> str:
    """Why a report (or check) has nothing to read: never an all-clear for a casebook that
    does not exist. Says where lscp looked and how to fix it."""
    return (f"no casebook found, so nothing to {what} (not an all-clear): lscp looked for "
            f"--dir (not given), the LSCP_DIR environment variable (not set), a folder "
            f"holding lscp.toml at or above {Path.cwd()}, and the per-user default "
            f"{default} (not created yet). Create one with `lscp init {default}` (or "
            "`lscp init PATH`), or name yours with --dir PATH or LSCP_DIR")


def open_casebook(dir_option: Path | None, *, report: bool, check: bool = False) -> Casebook:
    """The casebook a command works on (`--dir`, else where `Casebook.locate` finds it). A
    report or check refuses a casebook that does not exist (never an all-clear); a report
    names the folder it reads on stderr, so a wrong --dir or LSCP_DIR never passes unnoticed."""
    casebook = Casebook.locate(dir_option)
    if (report or check) and casebook.is_default and not casebook.settings_path.is_file():
        raise CasebookError(no_casebook(casebook.root, "report" if report else "check"))
    if report:
        console.info(f"casebook: {casebook.root.absolute()} ({source_words(casebook)})")
    return casebook


# What an officer can do about the operating system refusing a read or a write.
_OS_ADVICE = {
    errno.EROFS: "the disk or share is read-only; work on a writable copy of the casebook",
    errno.EACCES: "permission denied; the casebook's folders and files must be yours and "
    "writable (ask IT to check the folder's permissions)",
    errno.EPERM: "permission denied (operation not permitted); ask IT to check the folder",
    errno.ENOSPC: "the disk is full; free some space and run the command again",
    getattr(errno, "EDQUOT", -1): "the disk is full (your disk quota is used up); free some "
    "space and run the command again",
    errno.EFBIG: "the file size limit was reached (`ulimit -f`); raise the limit and run "
    "the command again",
    errno.EMFILE: "too many files open; close other programs and run the command again",
}


def os_error_message(exc: OSError) -> str:
    """The file and what to do, for an operating-system error (never case contents)."""
    where = exc.filename or "the casebook"
    advice = _OS_ADVICE.get(exc.errno or 0)
    if advice is None:
        advice = f"{exc.strerror or type(exc).__name__}; check the file and its folder"
    return f"{where}: {advice}. Nothing was half-written: each file is the old or the new one"


UNANSWERED = "stopped before every question was answered; nothing was saved"


def failure_status(exc: BaseException) -> int:
    """Say why a command failed (`exc`, an `Exception` or `KeyboardInterrupt`) as one
    `error: ...` line, never quoting a case's contents; its exit status."""
    if isinstance(exc, LscpError):
        for line in exc.command_line().splitlines() or [exc.__class__.__name__]:
            console.error(line)
        return 1
    if isinstance(exc, EOFError):  # a question left unanswered (Ctrl-D, or input ended)
        console.error(UNANSWERED)
        return 1
    if isinstance(exc, KeyboardInterrupt):
        console.error("interrupted; nothing half-written was saved")
        return 130
    if isinstance(exc, OSError):
        console.error(os_error_message(exc))
        return 1
    if os.environ.get("LSCP_DEBUG"):
        import traceback

        traceback.print_exception(exc)
    else:
        # Only the exception's type: its text may quote a case's personal content.
        console.error(f"unexpected {type(exc).__name__} in lscp {__version__}; run again with "
                      "LSCP_DEBUG=1 to see the details, and report it without the case data")
    return 1


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a command runs, then as it was.

    A command reads every case into trees of dicts, lists and dates that cannot form a cycle
    and are freed (by their reference counts) when it ends; meanwhile each 700 new containers
    set the collector walking the young ones again, and now and then every object alive: on
    10,000 cases about a tenth of a cold `lscp deadlines`, for nothing to collect. What a
    command leaves that only the collector can free is collected once it is back on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
