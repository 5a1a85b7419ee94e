"""Guards on the casebook's files against what the attack of issue 12 found.

* Only regular files are read as cases: a FIFO named like a case would block every report
  forever, a device would never end.
* Links are not followed out of the casebook (a case, `cases/`, `audit.log`, `lscp.toml`, a
  template): a link to another folder would read, or append to, a file lscp does not own.
* Temporary files left by a killed write hold whole case text: removed after an hour, under
  the lock that creates cases, and reported by `lscp check` meanwhile.
* Case ids come from a counter that only grows (`cases/.ids`), not from the folder listing
  alone: archiving the highest-numbered case must not hand its id to the next incident.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import time
from pathlib import Path

from lscp_cli.base.safefile import atomic_write, read_file
from lscp_cli.errors import (
    CasebookError,
    FileTooLarge,
    LinkOutside,
    NotRegularFile,
    Problem,
)

STALE_SECONDS = 3600.0
# Names lscp's own writes give their temporary files (safefile.atomic_write).
TEMP_FILE = re.compile(r"^\..+\.[A-Za-z0-9_]{6,}\.tmp$")
COUNTER_FILE = ".ids"


def inside(path: Path | str, root: Path | str) -> bool:
    """Whether `path`, links resolved, is `root` or within it (links resolved too)."""
    real = os.path.realpath(path)
    base = os.path.realpath(root)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


# A real case file is a few kilobytes; the longest example is under 10. Far past this one is
# not a case (pasted attachments, a log written into cases/) and would take minutes to parse.
MAX_CASE_BYTES = 1 << 20


def read_regular(path: Path, root: Path, *, limit: int | None = None) -> bytes:
    """The bytes of the regular file `path` (`safefile.read_file`: never blocking on a FIFO,
    `FileTooLarge` past `limit`), and `LinkOutside` for a link out of the casebook."""
    if (os.path.islink(path) or os.path.islink(path.parent)) and not inside(path, root):
        raise LinkOutside(f"{path} links outside the casebook")
    return read_file(path, limit=limit)


def refusal(exc: OSError) -> str | None:
    """The officer's message for a case file `read_regular` refused, or None for other errors."""
    return refused(exc, case=True)


def refused(exc: OSError, *, case: bool = False) -> str | None:
    """The officer's message for a file lscp refused to read (a case file: `case`), or None."""
    if isinstance(exc, NotRegularFile):
        return ("is not a regular file (a pipe, device or folder"
                + (" named like a case" if case else "") + "); lscp reads only ordinary "
                "files: " + ("remove it or move it out of cases/" if case else "move it away"))
    if isinstance(exc, LinkOutside):
        return ("is a link to a file outside the casebook; lscp does not follow it: "
                + ("copy the file into cases/ instead of linking to it" if case
                   else "replace the link with the file itself"))
    if isinstance(exc, FileTooLarge) and case:
        return (f"is {_size(exc.size)}, and lscp reads case files of at most "
                f"{_size(exc.limit)} (a case is a few KB): open it in a text editor and move "
                "out whatever was pasted into it (an attachment, a log), or move the file "
                "out of cases/ if it is not a case")
    if isinstance(exc, FileTooLarge):
        return (f"is {_size(exc.size)}, far larger than such a file ever is (lscp reads at "
                f"most {_size(exc.limit)}): look for what was pasted into it")
    return None


def _size(count: int) -> str:
    return f"{count / (1 << 20):.1f} MB" if count >= 1 << 20 else f"{count / 1024:.0f} KB"


def kind_problem(path: Path, mode: int, root: Path) -> str | None:
    """What is wrong with a case-file entry whose `lstat` mode is `mode` (None if fine)."""
    if stat.S_ISLNK(mode):
        if not inside(path, root):
            return refusal(LinkOutside())
        try:
            mode = os.stat(path).st_mode
        except OSError:
            return "is a link to nothing (its target was removed); delete the link"
    if not stat.S_ISREG(mode):
        return refusal(NotRegularFile())
    return None


def check_writable_inside(path: Path, root: Path, what: str) -> None:
    """Refuse to write through a link that leads out of the casebook (e.g. `audit.log`)."""
    if os.path.islink(path) and not inside(path, root):
        raise CasebookError(
            f"{path} is a link to a file outside the casebook; lscp does not write through it "
            f"({what}): replace the link with the file itself"
        )


def link_problems(root: Path) -> list[Problem]:
    """`lscp check`: every link in the casebook that leads outside it."""
    candidates = [root / "lscp.toml", root / "cases", root / "audit.log", root / "templates"]
    for folder in (root / "templates", root / "cases"):
        with contextlib.suppress(OSError):
            candidates.extend(folder.iterdir())
    return [
        Problem(path, None, "is a link to outside the casebook; lscp does not follow it: "
                "replace the link with the file or folder itself")
        for path in candidates
        if os.path.islink(path) and not inside(path, root)
    ]


def stale_temp_files(folder: Path, *, older_than: float = STALE_SECONDS) -> list[Path]:
    """Temporary files of lscp's writes in `folder` untouched for `older_than` seconds."""
    now = time.time()
    found = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if TEMP_FILE.match(entry.name):
                with contextlib.suppress(OSError):
                    if now - entry.stat(follow_symlinks=False).st_mtime > older_than:
                        found.append(Path(entry.path))
    return sorted(found)


def remove_stale_temp_files(*folders: Path) -> None:
    """Delete temporary files left by killed writes; call it under a lock. A write takes
    well under a second and a lock is given up after 30, so an hour-old one is abandoned."""
    for folder in folders:
        for path in stale_temp_files(folder):
            with contextlib.suppress(OSError):
                path.unlink()


def temp_file_problems(*folders: Path) -> list[Problem]:
    """`lscp check`: abandoned temporary files (they hold case text)."""
    return [
        Problem(path, None, "is a temporary file left by an interrupted write more than an "
                "hour ago and holds case text; lscp removes it when a case is next created, "
                "or delete it now")
        for folder in folders
        for path in stale_temp_files(folder)
    ]


# Case numbers have 3 to 6 digits (casefiles.CASE_ID).
HIGHEST_NUMBER = 999_999


class IdCounter:
    """The case numbers of `prefix`-`year`: the next one is above every number ever used.

    Use it under the lock that creates cases. `take()` records the number in the counter file
    (`cases/.ids`) before the case is written, so a number is never handed out twice even if
    the case is deleted, archived or the write is killed; `give_back()` puts the counter back
    when the case was not written after all (the number was never used). Without a counter
    file (a casebook from before it, or the file deleted), the audit log says which ids were
    ever used.
    """

    def __init__(self, cases_dir: Path, audit_log: Path, prefix: str, year: int) -> None:
        self.path = cases_dir / COUNTER_FILE
        self.cases_dir = cases_dir
        self.audit_log = audit_log
        self.prefix = prefix
        self.year = year
        self.key = f"{prefix.upper()}-{year}"
        self._before: bytes | None = None

    def _read(self) -> dict[str, int]:
        try:
            self._before = read_regular(self.path, self.cases_dir.parent)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise CasebookError(
                f"{self.path} (the case-number counter) {refusal(exc) or exc.strerror}"
            ) from None
        try:
            loaded = json.loads(self._before.decode("utf-8"))
        except ValueError:  # damaged: the folder and the audit log say what was used
            return {}
        if not isinstance(loaded, dict):
            return {}
        return {str(k): v for k, v in loaded.items() if type(v) is int}

    def take(self) -> int:
        counters = self._read()
        highest = counters.get(self.key, 0)
        pattern = re.compile(rf"^{re.escape(self.prefix)}-{self.year}-(\d+)\.toml$",
                             re.IGNORECASE)
        with contextlib.suppress(OSError):
            for name in os.listdir(self.cases_dir):
                if m := pattern.match(name):
                    highest = max(highest, int(m.group(1)))
        if self.key not in counters:
            highest = max(highest, _highest_in_audit(self.audit_log, self.prefix, self.year))
        if highest >= HIGHEST_NUMBER:
            raise CasebookError(
                f"{self.path} (the case-number counter) says {self.key} numbers are used up "
                f"to {highest}, and a case number has at most 6 digits. If that is a mistake, "
                f'set "{self.key}" in it to the highest number really used (`lscp list` shows '
                "the cases), or delete the file: lscp then works it out from cases/ and "
                "audit.log"
            )
        counters[self.key] = highest + 1
        atomic_write(self.path, (json.dumps(counters, sort_keys=True) + "\n").encode())
        return highest + 1

    def give_back(self) -> None:
        """Put the counter file back as it was before `take()`."""
        with contextlib.suppress(OSError):
            if self._before is None:
                self.path.unlink()
            else:
                atomic_write(self.path, self._before)


def _highest_in_audit(audit_log: Path, prefix: str, year: int) -> int:
    pattern = re.compile(rf'"case": ?"{re.escape(prefix)}-{year}-(\d+)"'.encode(),
                         re.IGNORECASE)
    try:
        raw = read_regular(audit_log, audit_log.parent)
    except OSError:
        return 0
    return max((int(m.group(1)) for m in pattern.finditer(raw)), default=0)
