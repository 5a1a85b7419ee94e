"""`audit.log` on disk: appending chained lines, and checking the chain against the case files.

The chain itself (what a line holds, how links and stamps are checked) is
`lscp_cli.base.auditchain`; this module does the file work, under the audit lock the
casebook takes for every change.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lscp_cli.base import auditchain, fileguard
from lscp_cli.base.audit import Change
from lscp_cli.base.portable import claimed_user, user_name
from lscp_cli.base.records import dataclass, field
from lscp_cli.base.safefile import append_line, locked, read_tail
from lscp_cli.errors import CasebookError, Problem
from lscp_cli.model.values import to_plain

TAIL_BYTES = 64 * 1024  # an audit line is a few hundred bytes; a long summary a few KB


@dataclass
class Verified:
    """What `AuditLog.verify` found: the chain, and every problem with it or the case files."""

    chain: auditchain.Chain
    raw: bytes  # the log as read
    problems: list[Problem] = field(default_factory=list)
    # Lines the case files' stamps contradict (their last change wrote another line there).
    contradicted: set[int] = field(default_factory=set)
    cases: int = 0  # case files compared with their last audit line

    @property
    def suspect(self) -> set[int]:
        return self.chain.suspect | self.contradicted


class AuditLog:
    """The casebook's `audit.log` (DESIGN.md section 8: every change appended to it)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / "audit.log"

    # -- reading -------------------------------------------------------------------------------
    def read(self) -> bytes:
        """The whole log (b"" if there is none yet); a FIFO or a link out is refused."""
        try:
            return fileguard.read_regular(self.path, self.root)
        except FileNotFoundError:
            return b""
        except OSError as exc:
            why = fileguard.refused(exc) or f"cannot be read ({exc.strerror})"
            raise CasebookError(f"{self.path} {why}") from None

    def _tail(self) -> auditchain.Tail:
        try:
            end = read_tail(self.path, TAIL_BYTES)
        except FileNotFoundError:
            return auditchain.Tail(0, auditchain.prefix_hash(b""), upgrade=False)
        except OSError:
            end = None
        if end is not None and end.endswith(b"\n"):
            lines = end[:-1].rsplit(b"\n", 1)
            if len(lines) == 2 or len(end) < TAIL_BYTES:
                found = auditchain.tail_of(lines[-1])
                if found is not None:
                    return found
        whole = self.read()
        tail = auditchain.tail_of(None, whole)
        assert tail is not None  # noqa: S101  (given the whole log, it always answers)
        return tail

    # -- writing -------------------------------------------------------------------------------
    @contextlib.contextmanager
    def recording(self, case_id: str, action: str, changes: list[Change],
                  content: bytes | None = None) -> Iterator[bytes | None]:
        """Append the chained lines of one change, then run the block (which saves the case
        file, `content` with its stamp as yielded); if the block fails, the lines are taken
        back. A saved change always has its lines: a change whose audit step fails is not
        saved, and nothing else appends in between (the audit lock is held throughout). A
        kill between the two leaves lines for an unsaved change at worst (`lscp verify` then
        says the case file differs from its last line), never a change without one."""
        fileguard.check_writable_inside(self.path, self.root, "the audit log")
        body = auditchain.split_stamp(content)[0] if content is not None else None
        with locked(self.root / ".audit.lock", "The audit log"):
            tail = self._tail()
            records = self._records(case_id, action, changes, body)
            if tail.upgrade:
                records.insert(0, self._started(tail.count))
            lines = auditchain.chained(records, tail)
            try:
                size = self.path.stat().st_size
            except FileNotFoundError:
                size = 0
            try:
                if size and not self._ends_with_newline():
                    append_line(self.path, "")  # a line cut short stays a line of its own
                for line in lines:
                    append_line(self.path, line.decode("utf-8"))
                last = tail.count + len(lines)
                yield (None if body is None else
                       auditchain.with_stamp(body, last, auditchain.line_hash(lines[-1])))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.truncate(self.path, size)
                raise

    def _ends_with_newline(self) -> bool:
        try:
            return read_tail(self.path, 1) in (b"\n", b"")
        except OSError:
            return True

    @staticmethod
    def _who(now: str) -> dict[str, Any]:
        user = user_name()
        claimed = claimed_user()
        return {"time": now, "user": user,
                **({"claimed_user": claimed} if claimed and claimed != user else {})}

    def _records(self, case_id: str, action: str, changes: list[Change],
                 body: bytes | None) -> list[dict[str, Any]]:
        who = self._who(datetime.now(UTC).isoformat(timespec="seconds"))
        file = {"file": auditchain.body_digest(body)} if body is not None else {}
        return [
            {**who, "case": case_id, "action": action, "field": change.field,
             "old": to_plain(change.old), "new": to_plain(change.new),
             **({"reason": change.reason} if change.reason else {}), **file}
            for change in changes
        ]

    def _started(self, count: int) -> dict[str, Any]:
        who = self._who(datetime.now(UTC).isoformat(timespec="seconds"))
        return {**who, "case": "", "action": auditchain.START_ACTION, "field": "",
                "old": None, "new": f"the {count} earlier lines sealed: from here each line "
                "carries the hash of the line before it"}

    def unrecorded(self, case_id: str, raw: bytes, content: bytes,
                   fields_changed: bool) -> list[Change]:
        """What an edit saves that its field changes do not show, as changes to record: the
        file changed outside lscp since its last audit line (taken in by this edit, so
        `lscp verify` stops reporting it), and comments or layout changed alone."""
        extra: list[Change] = []
        was = auditchain.content_digest(raw)
        audited = self.last_file_digest(case_id)
        if audited is not None and audited != was:
            extra.append(Change("(file)", f"sha256 {audited[:16]}… as audit.log last recorded",
                                f"sha256 {was[:16]}…, changed outside lscp",
                                reason="taken in by lscp edit"))
        if not (fields_changed or extra) and \
                auditchain.split_stamp(content)[0] != auditchain.split_stamp(raw)[0]:
            extra.append(Change("(comments or layout)", None, "changed"))
        return extra

    def last_file_digest(self, case_id: str) -> str | None:
        """The case file's content hash as the last chained audit line of the case says."""
        key = f'"case": "{case_id}"'.encode()
        found = None
        for line in auditchain.split_lines(self.read()):
            if key in line:
                record = auditchain.parse_line(line)
                if record is not None and isinstance(record.get("file"), str):
                    found = record["file"]
        return found

    # -- verifying -----------------------------------------------------------------------------
    def verify(self, case_files: Iterable[Path]) -> Verified:
        """Every link of the chain, and each case file against its stamp and last audit line."""
        try:
            raw = self.read()
        except CasebookError as exc:  # a FIFO or a link out: nothing to check it against
            return Verified(auditchain.Chain(), b"", [Problem(self.path, None, str(exc)
                                                              .removeprefix(f"{self.path} "))])
        chain = auditchain.verify(raw)
        found = Verified(chain, raw)
        if chain.breaks:
            first = chain.breaks[0]
            more = len(chain.breaks) - 1
            found.problems.append(Problem(self.path, first.line, (
                f"the audit trail is broken here: this line {first.message}"
                + (f"; {more} more broken link{'s' if more > 1 else ''} below" if more else "")
                + "; `lscp log` marks the lines that are not proven history. Restore audit.log "
                "from a backup, or keep it as evidence and ask whoever can write to the "
                "casebook what changed")))
        last_file: dict[str, tuple[int, str]] = {}
        for number, record in enumerate(chain.records, start=1):
            if record is not None and isinstance(record.get("file"), str) \
                    and "prev" in record and number not in chain.suspect:
                last_file[str(record.get("case", "")).upper()] = (number, record["file"])
        for path in case_files:
            try:
                raw_case = fileguard.read_regular(path, self.root,
                                                  limit=fileguard.MAX_CASE_BYTES)
            except OSError:
                continue  # load_all names it
            found.cases += 1
            body, stamp = auditchain.split_stamp(raw_case)
            if stamp is not None:
                self._check_stamp(path, stamp, chain, found)
            audited = last_file.get(path.stem.upper())
            if audited is not None and \
                    auditchain.body_digest(body) != audited[1]:
                found.problems.append(Problem(path, None, (
                    f"differs from what audit.log line {audited[0]} says it became: it was "
                    "changed outside lscp (by hand, a restored backup, or a forged change). If "
                    f"the change was meant, open it with `lscp edit {path.stem}` and save: "
                    "the audit log then records it")))
        return found

    def _check_stamp(self, path: Path, stamp: auditchain.Stamp, chain: auditchain.Chain,
                     found: Verified) -> None:
        if stamp.line > chain.count:
            found.problems.append(Problem(path, None, (
                f"was last changed by lscp at audit.log line {stamp.line}, but audit.log has "
                f"{chain.count} line{'s' if chain.count != 1 else ''}: lines were removed from "
                "its end, or it was replaced or emptied. Restore audit.log from a backup")))
        elif chain.hashes[stamp.line - 1][:auditchain.STAMP_HASH_CHARS] != stamp.hash:
            found.contradicted.add(stamp.line)
            found.problems.append(Problem(path, None, (
                f"was last changed by lscp at audit.log line {stamp.line}, but that line is "
                "not the one its change wrote: the log was rewritten there. Restore audit.log "
                "from a backup")))
