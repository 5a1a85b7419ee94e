"""Boundaries of the storage layer (issue 19): each test here kills a mutant the rest of the
suite let live (a `>` for a `>=`, a check removed); the mutant is named in the test.

Not tested, and why (a mutant there survives every test): removing an `os.fsync` (of a temp
file, the audit log, or a folder) changes nothing a test can see without pulling the power;
the `S_ISREG` check before writing a lock's holder (a FIFO there already fails to open without
a reader, so only a device could reach it, and making one needs root and a real device); the
cache's stat key (size, time, inode) in front of its content hash, which only saves hashing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result

from lscp_cli.base import fileguard, safefile
from lscp_cli.casebook import Casebook
from lscp_cli.errors import FileTooLarge

Run = Callable[..., Result]
NEW = ("new-incident", "--no-input", "--type", "serious-harm", "--aware", "03/01/2025",
       "--child-initials", "A.B.", "--abuse-or-neglect", "suspected")


def test_a_file_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    """Mutant: `st_size > limit` -> `st_size >= limit`."""
    path = tmp_path / "f"
    path.write_bytes(b"x" * 100)
    assert safefile.read_file(path, limit=100) == b"x" * 100
    with pytest.raises(FileTooLarge):
        safefile.read_file(path, limit=99)


def test_private_dir_is_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    """Mutant: the chmod after mkdir removed (mkdir's mode is filtered by the umask)."""
    old = os.umask(0o277)  # a umask that would leave the owner without write and search
    try:
        made = safefile.private_dir(tmp_path / "a" / "b")
    finally:
        os.umask(old)
    for folder in (made, made.parent):
        assert folder.stat().st_mode & 0o777 == 0o700


def test_a_sibling_folder_with_the_same_prefix_is_outside(tmp_path: Path) -> None:
    """Mutant: `startswith(base + os.sep)` -> `startswith(base)`: `book-old` would count as
    inside `book`."""
    root = tmp_path / "book"
    root.mkdir()
    sibling = tmp_path / "book-old"
    sibling.mkdir()
    assert fileguard.inside(root / "cases", root)
    assert fileguard.inside(root, root)
    assert not fileguard.inside(sibling / "x.toml", root)


def test_a_case_linked_to_a_sibling_casebook_is_refused(run: Run, write_case: Callable[..., Path],
                                                        casebook_dir: Path) -> None:
    write_case()
    sibling = casebook_dir.parent / f"{casebook_dir.name}-old"
    sibling.mkdir()
    (sibling / "x.toml").write_text("id = 1\n", encoding="utf-8")
    (casebook_dir / "cases" / "LSCP-2025-002.toml").symlink_to(sibling / "x.toml")
    assert "LSCP-2025-002.toml: is a link to a file outside the casebook" in run("list").output


def test_a_true_in_the_counter_is_not_a_number(run: Run, casebook_dir: Path) -> None:
    """Mutant: `type(v) is int` -> `isinstance(v, int)` (True would count as 1, and a case
    numbered 2 given while 1 is free... or the next id skipped)."""
    (casebook_dir / "cases").mkdir()
    year = date.today().year
    (casebook_dir / "cases" / ".ids").write_text(json.dumps({f"LSCP-{year}": True}),
                                                 encoding="utf-8")
    assert f"LSCP-{year}-001" in run(*NEW).output


def test_a_failed_first_case_leaves_no_counter(run: Run, casebook_dir: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Mutant: `give_back` without the branch that removes a counter it created."""
    import lscp_cli.storage.casefiles as casefiles

    real = casefiles.atomic_write

    def disk_full(path: Path, data: bytes, **kwargs: object) -> None:
        if path.suffix == ".toml" and path.parent.name == "cases":
            raise OSError(28, "No space left on device", str(path))
        real(path, data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(casefiles, "atomic_write", disk_full)
    assert run(*NEW).exit_code == 1
    assert not (casebook_dir / "cases" / ".ids").exists()


def test_a_last_audit_line_longer_than_the_tail_read_still_links(
        write_case: Callable[..., Path], casebook_dir: Path) -> None:
    """Mutant: the tail read trusted when it holds no whole line (a line over 64 KB): the next
    line would link to a piece of the last one."""
    write_case()
    book = Casebook(casebook_dir)
    book.record("LSCP-2025-001", "panel-notified", date(2025, 1, 6),
                reference="SI-" + "9" * 70_000)
    book.record("LSCP-2025-001", "partners-notified", date(2025, 1, 6))
    assert book.verify().problems == []


def test_a_log_cut_short_keeps_its_next_line_whole(write_case: Callable[..., Path],
                                                   casebook_dir: Path) -> None:
    """Mutant: no line end added before appending to a log whose last line was cut short:
    the next line would be glued to it and lost."""
    write_case()
    book = Casebook(casebook_dir)
    book.record("LSCP-2025-001", "panel-notified", date(2025, 1, 6), reference="SI-1")
    log = book.audit_path
    log.write_bytes(log.read_bytes() + b'{"time": "2025-')  # a full disk, once
    book.record("LSCP-2025-001", "partners-notified", date(2025, 1, 6))
    lines = log.read_bytes().splitlines()
    assert lines[-2] == b'{"time": "2025-'
    assert json.loads(lines[-1])["field"] == "notification.partners"
    problems = [str(p) for p in book.verify().problems]
    assert len(problems) == 1 and f"{log}:3: the audit trail is broken" in problems[0]
