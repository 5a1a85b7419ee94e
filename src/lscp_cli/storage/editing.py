"""Editing a case file by hand, like visudo: a copy is edited, checked, and saved only if valid.

The officer's copy lives in the casebook's `edits/` folder, never among the cases: a copy left
behind (an edit that was not valid, or a case that changed meanwhile) is found there by the
next `lscp edit` of that case, which offers to resume it. Each copy's name carries a
fingerprint of the case file it started from, so a copy of an older version is never saved
over changes made since. Retention: a kept copy is deleted when an edit of its case is saved
(then it is of an older version) or when the officer discards it (`lscp edit ID --discard`).
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from lscp_cli.base.portable import set_private_mode
from lscp_cli.base.records import dataclass
from lscp_cli.base.safefile import file_mode, private_dir
from lscp_cli.base.tomllines import line_of
from lscp_cli.errors import ConcurrentEdit, InvalidCaseFile, InvalidFile, Problem, said
from lscp_cli.model.case import Case
from lscp_cli.model.dates import today
from lscp_cli.process.order import IMPOSSIBLE
from lscp_cli.process.pastdates import future_dates, future_message
from lscp_cli.storage.casefiles import decode, digest, normalise_text

if TYPE_CHECKING:
    from lscp_cli.base.audit import Change
    from lscp_cli.storage.casefiles import CaseFiles

EDITS_DIR = "edits"
_FINGERPRINT = 16  # hex digits of the case file's sha256 in a copy's name


@dataclass(frozen=True)
class KeptEdit:
    """An officer's copy left in `edits/` by an edit that was not saved."""

    path: Path
    saved: datetime  # when the copy was last written (the PC's local time)
    current: bool  # the case file is still the version the copy started from


class EditSession:
    """One edit of a case file: begin, the officer edits the text, check, save.

        session = casebook.edit("LSCP-2025-001")      # reads the file as it is now
        text = session.text.replace("Leeds", "Bradford")
        session.problems(text)                         # [] when valid
        case, changes = session.save(text)             # refused if the file changed meanwhile

    The file need not be valid to begin: mending a broken file is what editing is for. For an
    editor program, `write_copy()` puts the file's own bytes (CRLF stays CRLF) in an
    owner-only copy in `edits/`, `read_copy()` reads the officer's edit back, and
    `kept_copies()` finds copies an earlier edit left there, to `resume()` one.
    """

    def __init__(self, files: CaseFiles, case_id: str) -> None:
        self.files = files
        self.path = files.case_path(case_id)
        self.case_id = self.path.stem
        raw = files._read(self.path, missing_hint=True)
        self.raw = raw
        self.text = decode(raw, self.path)
        self.copy: Path | None = None

    @property
    def edits_dir(self) -> Path:
        return self.files.root / EDITS_DIR

    def changed(self, text: str) -> bool:
        return normalise_text(text) != self.text

    def problems(self, text: str) -> list[Problem]:
        """What is wrong with `text` as this case file (empty when it can be saved).

        Steps put in an impossible order (order.py) are refused as `record` refuses them, and
        so is a date typed in the future where only a past one makes sense (pastdates.py:
        `record` refuses those too); one the file already had is `check`'s to report, not a
        reason to refuse this edit."""
        text = normalise_text(text)
        try:
            edited = self.files.parse(text, self.path, expected_id=self.case_id)
        except InvalidFile as exc:
            return list(exc.problems)
        now = today()
        try:
            original = self.files.parse(self.text, self.path)
            known = {w.message for w in original.warnings}
            known_future = {(name, day) for _, name, day in future_dates(original.data, now)}
        except InvalidFile:
            known, known_future = set(), set()
        found = [Problem(w.path, w.line, w.template.removeprefix(IMPOSSIBLE), w.field)
                 for w in edited.warnings
                 if w.message.startswith(IMPOSSIBLE) and w.message not in known]
        found += [Problem(self.path, line_of(text, keys),
                          future_message(name, day, self.case_id), name)
                  for keys, name, day in future_dates(edited.data, now)
                  if (name, day) not in known_future]
        return found

    def save(self, text: str, *, action: str = "edit") -> tuple[Case, list[Change]]:
        """Validate and replace the file (`InvalidCaseFile`, `ConcurrentEdit` if refused)."""
        if problems := self.problems(text):
            raise InvalidCaseFile(self.path, problems)
        return self.files.replace_text(self.case_id, text, expected_digest=digest(self.raw),
                                       action=action)

    # -- the officer's copy ------------------------------------------------------------------
    def write_copy(self) -> Path:
        """A new owner-only copy of the file, as it is, in `edits/` (for an editor program)."""
        folder = private_dir(self.edits_dir)
        fingerprint = digest(self.raw)[:_FINGERPRINT]
        fd, name = tempfile.mkstemp(prefix=f"{self.case_id}.edit-{fingerprint}-",
                                    suffix=".toml", dir=folder)
        self.copy = Path(name)
        with os.fdopen(fd, "wb") as handle:
            set_private_mode(self.copy, file_mode(), fd=handle.fileno())
            handle.write(self.raw)  # the editor sees the file's own line ends and byte-order mark
        return self.copy

    def kept_copies(self) -> list[KeptEdit]:
        """Copies an earlier edit of this case left in `edits/`, the latest first."""
        if not self.edits_dir.is_dir():
            return []
        pattern = re.compile(rf"^{re.escape(self.case_id)}\.edit-([0-9a-f]{{{_FINGERPRINT}}})"
                             r"-[^/\\]*\.toml$")
        fingerprint = digest(self.raw)[:_FINGERPRINT]
        kept = []
        for path in self.edits_dir.iterdir():
            match = pattern.match(path.name)
            if match is None or path == self.copy:
                continue
            try:
                saved = datetime.fromtimestamp(path.stat().st_mtime)  # noqa: DTZ006 (local)
            except FileNotFoundError:
                continue
            kept.append(KeptEdit(path, saved, match.group(1) == fingerprint))
        return sorted(kept, key=lambda k: (k.saved, k.path.name), reverse=True)

    def resume(self, kept: KeptEdit) -> Path:
        """Carry on with a kept copy; refused if the case changed since it was made (saving
        it would undo those changes without a word)."""
        if not kept.current:
            raise ConcurrentEdit(
                f"{self.path} changed since your edit kept in {kept.path} was begun; resuming "
                f"it would undo those changes. Run `lscp edit {self.case_id}` without resuming "
                f"and copy what you need from {kept.path} (saving deletes it), or "
                + said(f"`lscp edit {self.case_id} --discard`", "discard_kept()")
            )
        self.copy = kept.path
        return kept.path

    def read_copy(self) -> str:
        if self.copy is None:
            raise RuntimeError("write_copy() first")
        return decode(self.copy.read_bytes(), self.copy)

    def discard_copy(self) -> None:
        if self.copy is not None:
            self.copy.unlink(missing_ok=True)

    def discard_kept(self) -> list[Path]:
        """Delete the copies earlier edits of this case left in `edits/` (not this edit's own
        copy): after a save they are of an older version, which can never be resumed."""
        gone = []
        for kept in self.kept_copies():
            kept.path.unlink(missing_ok=True)
            gone.append(kept.path)
        return gone
