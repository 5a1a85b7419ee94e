"""The one family of errors lscp raises on purpose.

Every message is written for the officer: it names the file (and line, where there is one) and
says what to do. The CLI turns any `LscpError` into that message on stderr and exit code 1.
Messages never quote a case's personal content (summaries, notes, initials), so they are safe
to paste into a support ticket or a log.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

# A part of a message said one way on the command line and another to a script: see `said`.
_TWO_WAYS = re.compile(r"\u00ab([^|\u00bb]*)\|([^\u00bb]*)\u00bb")


def said(command_line: str, script: str) -> str:
    """A part of a message that names an option or a command: `--agency NAME` on the command
    line, `agencies=("NAME",)` to a script calling `Casebook.record`. The library's own
    message (`str(error)`) gives the script's words; the command line shows `command_line()`.
    """
    return f"\u00ab{command_line}|{script}\u00bb"


def script_words(text: str) -> str:
    """`text` (which may hold `said` parts) as a script reads it: `agency="NAME"`."""
    return _TWO_WAYS.sub(r"\2", text)


def command_line_words(text: str) -> str:
    """`text` (which may hold `said` parts) as the command line says it: `--agency NAME`."""
    return _TWO_WAYS.sub(r"\1", text)


class LscpError(Exception):
    """A problem with the data or the request that the officer can fix."""

    def __init__(self, *args: object) -> None:
        template = str(args[0]) if args else ""
        self.template = template
        if _TWO_WAYS.search(template):
            args = (script_words(template), *args[1:])
        super().__init__(*args)

    def command_line(self) -> str:
        """The message as the command line says it: options as flags (`--agency NAME`)."""
        if not _TWO_WAYS.search(self.template):
            return str(self)
        return command_line_words(self.template)


class CasebookError(LscpError):
    """The casebook folder or its `lscp.toml` is missing or unusable."""


class SettingsError(CasebookError):
    """`lscp.toml` is not valid."""


class CaseNotFound(LscpError):
    """No case file with that id exists in the casebook."""


class CaseNotYet(LscpError):
    """A case asked about as of a date before the local authority became aware of it."""


class InvalidCaseId(LscpError):
    """A case id given on the command line does not match the id pattern."""


class InvalidDate(LscpError):
    """Text typed as a date could not be read as one, or is impossible."""


class DateOutOfRange(InvalidDate):
    """A date outside the years lscp can count working days for (or a case may hold)."""


class LockTimeout(LscpError):
    """Another lscp process held a lock for too long."""


class FileBusy(LscpError):
    """A file could not be replaced because another program (Word, OneDrive, antivirus) holds it."""


class ConcurrentEdit(LscpError):
    """A case file changed on disk while it was being edited."""


class TemplateError(LscpError):
    """A letter template is missing, invalid, or uses a field the case lacks."""


class AgencyRequired(TemplateError):
    """A letter written to one agency was asked for without naming the agency."""


class LetterRefused(TemplateError):
    """The letter does not fit the case (e.g. a family CSPR letter without a CSPR decision)."""


class ActionRequired(TemplateError):
    """A letter about one action was asked for without `--action N`, or with a number the case
    does not have."""


class DraftOptionError(TemplateError):
    """An option of `lscp draft` does not fit the case or the letter: `--agency` naming no
    recorded agency (or several), `--event` no planned practitioner event, `--due` a past day."""


class NotFinal(TemplateError):
    """`--final` was asked for a draft that still holds `[placeholders]` (or the word DRAFT)."""

    def __init__(self, message: str, placeholders: list[str] | None = None) -> None:
        super().__init__(message)
        self.placeholders = placeholders or []


class TemplateLimit(TemplateError):
    """A template ran too long, produced too much, or asked for a huge value."""


class InvalidEvent(LscpError):
    """An event cannot be recorded as asked (missing option, unknown agency or action)."""


class InvalidIncident(LscpError):
    """A new incident that would not make a valid case file; nothing is written."""


class AlreadyRecorded(InvalidEvent):
    """`record` would change a step already recorded without `--correct --reason`."""


class CaseClosed(InvalidEvent):
    """`record` of a new step on a closed case (reopen it first)."""


class OrderRefused(InvalidEvent):
    """`record` would put the case's steps in an impossible order (order.py)."""


class FileExists(LscpError, FileExistsError):
    """The output file exists and overwriting was not asked for."""


class Problem:
    """One thing wrong with a file: where it is and what to do about it.

    `message` and `str()` are a script's words; `command_line()` the command line's (a
    message built with `said` names a flag only there); `template` holds both."""

    __slots__ = ("path", "line", "message", "field", "template")

    def __init__(
        self, path: Path | str, line: int | None, message: str, field: str | None = None
    ) -> None:
        self.path = Path(path)
        self.line = line
        self.template = message
        self.message = script_words(message)
        self.field = field

    def __str__(self) -> str:
        return self.where + self.message

    @property
    def where(self) -> str:
        """`FILE:LINE: ` (or `FILE: `), as every message about a file starts."""
        return f"{self.path}:{self.line}: " if self.line else f"{self.path}: "

    def command_line(self) -> str:
        return self.where + command_line_words(self.template)

    def __repr__(self) -> str:
        return f"Problem({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


class InvalidFile(LscpError):
    """A file (case file or `lscp.toml`) has one or more problems."""

    # Whether the reports still count the file's case (only `CaseInDoubt`): a report that
    # could not count a file exits 1 after its output; one counted in doubt does not.
    counted = False

    def __init__(self, path: Path | str, problems: list[Problem]) -> None:
        self.path = Path(path)
        self.problems = problems
        super().__init__("\n".join(p.where + p.template for p in problems))


class InvalidCaseFile(InvalidFile):
    """A case file cannot be read or does not follow schema 1."""


class CaseInDoubt(InvalidCaseFile):
    """A case file that reads and is counted, but records its steps in an impossible order
    (order.py; typed by hand: a Rapid Review sent with no decision). Reports count it as
    recorded and say that those figures may be wrong; `lscp check` says what to fix."""

    counted = True


class CaseNotCounted(InvalidCaseFile):
    """A case file that reads, but dated so that no report can count it: the date the local
    authority became aware is in the future (a typo: 2062 for 2026). Its deadlines cannot be
    worked out, so reports name it (`field`) beside the files that could not be read."""

    def __init__(self, path: Path | str, problems: list[Problem], field: str, *,
                 case: Any = None) -> None:
        super().__init__(path, problems)
        self.field = field
        self.case = case  # the case as read (model.case.Case), for `lscp list`


# Not `LscpError`s: raised while reading a file and turned into a `Problem` by `fileguard`.
class NotRegularFile(OSError):
    """A case file that is a FIFO, a device, a socket or a folder."""


class LinkOutside(OSError):
    """A link that leads out of the casebook."""


class FileTooLarge(OSError):
    """A file far larger than lscp's files ever are (`size` bytes, more than `limit`)."""

    def __init__(self, size: int = 0, limit: int = 0) -> None:
        super().__init__(f"{size} bytes, more than {limit}")
        self.size = size
        self.limit = limit


class FrozenInstanceError(AttributeError):
    """A field of a frozen record (base/records.py) was assigned or deleted: a bug in lscp or
    a script, never an officer's mistake (as dataclasses' error of the same name)."""
