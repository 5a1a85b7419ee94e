"""Faults found by the attack (issue 12): a FIFO named like a case, links out of the casebook,
stale temp files, reused ids, and a change saved without its audit line."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from tests.conftest import CASE_TEXT

from lscp_cli.base import safefile
from lscp_cli.errors import LockTimeout

Run = Callable[..., Result]
RECORD = ("record", "LSCP-2025-001", "panel-notified", "2025-01-06", "--reference", "SI-1")
NEW = ("new-incident", "--no-input", "--type", "serious-harm", "--aware", "03/01/2025",
       "--child-initials", "A.B.", "--abuse-or-neglect", "suspected")


def _audit_lines(casebook: Path) -> list[dict[str, object]]:
    log = casebook / "audit.log"
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_named_like_a_case_is_named_not_read(run: Run, write_case: Callable[..., Path],
                                                   casebook_dir: Path) -> None:
    write_case()
    os.mkfifo(casebook_dir / "cases" / "LSCP-2025-002.toml")
    for command in (("list",), ("check",), ("deadlines",), ("show", "LSCP-2025-002")):
        result = run(*command)  # would block forever reading the FIFO
        assert "LSCP-2025-002.toml: is not a regular file" in result.output, command
        if command[0] != "show":
            assert "LSCP-2025-001" in result.output or command == ("check",)


def test_a_case_linked_from_outside_is_refused(run: Run, write_case: Callable[..., Path],
                                               casebook_dir: Path, tmp_path: Path) -> None:
    write_case()
    outside = tmp_path / "elsewhere.toml"
    outside.write_text(CASE_TEXT.replace("LSCP-2025-001", "LSCP-2025-002"), encoding="utf-8")
    (casebook_dir / "cases" / "LSCP-2025-002.toml").symlink_to(outside)
    for command in (("list",), ("check",), ("show", "LSCP-2025-002"),
                    ("record", "LSCP-2025-002", "panel-notified", "2025-01-06")):
        result = run(*command)
        assert "LSCP-2025-002.toml: is a link to a file outside the casebook" in result.output
    assert "panel" not in outside.read_text(encoding="utf-8")


def test_a_link_inside_the_casebook_is_fine(run: Run, write_case: Callable[..., Path],
                                            casebook_dir: Path) -> None:
    write_case()
    (casebook_dir / "kept").mkdir()
    target = casebook_dir / "kept" / "LSCP-2025-002.toml"
    target.write_text(CASE_TEXT.replace("LSCP-2025-001", "LSCP-2025-002"), encoding="utf-8")
    (casebook_dir / "cases" / "LSCP-2025-002.toml").symlink_to(target)
    result = run("list")
    assert "LSCP-2025-002" in result.output and "outside" not in result.output


def test_check_reports_every_link_out_of_the_casebook(run: Run, write_case: Callable[..., Path],
                                                      casebook_dir: Path,
                                                      tmp_path: Path) -> None:
    write_case()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "audit.log").write_text("", encoding="utf-8")
    (casebook_dir / "audit.log").symlink_to(elsewhere / "audit.log")
    (casebook_dir / "templates").mkdir()
    (elsewhere / "x.md.j2").write_text("hello", encoding="utf-8")
    (casebook_dir / "templates" / "panel-notification.md.j2").symlink_to(elsewhere / "x.md.j2")
    result = run("check")
    assert result.exit_code == 1
    assert "audit.log: is a link to outside the casebook" in result.output
    assert "panel-notification.md.j2: is a link to outside the casebook" in result.output
    recorded = run(*RECORD)
    assert recorded.exit_code == 1
    assert "audit.log is a link to a file outside the casebook" in recorded.output
    assert (elsewhere / "audit.log").read_text(encoding="utf-8") == ""
    assert "panel" not in (casebook_dir / "cases" / "LSCP-2025-001.toml").read_text()


def test_stale_temp_files_are_reported_then_cleaned(run: Run, write_case: Callable[..., Path],
                                                    casebook_dir: Path) -> None:
    write_case()
    cases = casebook_dir / "cases"
    stale = cases / ".LSCP-2025-001.toml.k2j3h4g5.tmp"
    fresh = cases / ".LSCP-2025-001.toml.a1b2c3d4.tmp"
    for path in (stale, fresh):
        path.write_text(CASE_TEXT, encoding="utf-8")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    checked = run("check")
    assert checked.exit_code == 1
    assert f"{stale}: is a temporary file left by an interrupted write" in checked.output
    assert str(fresh) not in checked.output  # may belong to a write in progress
    assert run(*NEW).exit_code == 0
    assert not stale.exists() and fresh.exists()
    assert run("check").exit_code == 0


def test_ids_are_never_reused_after_the_highest_case_leaves(run: Run, casebook_dir: Path
                                                            ) -> None:
    first = run(*NEW).stdout.strip()
    year = first.split("-")[1]
    second = run(*NEW).stdout.strip()
    assert (first, second) == (f"LSCP-{year}-001", f"LSCP-{year}-002")
    (casebook_dir / "cases" / f"{second}.toml").rename(casebook_dir / "archived.toml")
    assert run(*NEW).stdout.strip() == f"LSCP-{year}-003"
    # Without the counter (deleted, or a casebook from before it) the audit log still knows.
    (casebook_dir / "cases" / ".ids").unlink()
    (casebook_dir / "cases" / f"LSCP-{year}-003.toml").unlink()
    assert run(*NEW).stdout.strip() == f"LSCP-{year}-004"


def test_a_failed_audit_leaves_the_case_unchanged(run: Run, write_case: Callable[..., Path],
                                                  casebook_dir: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_case()
    before = path.read_bytes()
    (casebook_dir / "audit.log").mkdir()  # the audit step cannot write
    result = run(*RECORD)
    assert result.exit_code == 1 and "unexpected" not in result.output
    assert path.read_bytes() == before
    (casebook_dir / "audit.log").rmdir()
    retry = run(*RECORD)
    assert retry.exit_code == 0 and "already recorded" not in retry.output
    assert any(line["field"] == "notification.panel" for line in _audit_lines(casebook_dir))


def test_an_audit_lock_held_too_long_leaves_the_case_unchanged(
        run: Run, write_case: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_case()
    before = path.read_bytes()
    real_locked = safefile.locked

    def audit_lock_busy(lock_path: Path, what: str):  # type: ignore[no-untyped-def]
        if lock_path.name == ".audit.lock":
            raise LockTimeout(f"{what} is locked by another lscp command")
        return real_locked(lock_path, what)

    monkeypatch.setattr("lscp_cli.storage.auditlog.locked", audit_lock_busy)
    result = run(*RECORD)
    assert result.exit_code == 1 and "audit log is locked" in result.output
    assert path.read_bytes() == before


def test_a_failed_case_write_takes_its_audit_lines_back(
        run: Run, write_case: Callable[..., Path], casebook_dir: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_case()
    run("record", "LSCP-2025-001", "partners-notified", "2025-01-06")
    audit_before = (casebook_dir / "audit.log").read_bytes()
    before = path.read_bytes()

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr("lscp_cli.storage.casefiles.atomic_write", disk_full)
    result = run(*RECORD)
    assert result.exit_code == 1 and "disk is full" in result.output
    assert path.read_bytes() == before
    assert (casebook_dir / "audit.log").read_bytes() == audit_before
    for command in (NEW,):
        assert run(*command).exit_code == 1
        assert (casebook_dir / "audit.log").read_bytes() == audit_before


def test_every_saved_change_has_its_audit_line(run: Run, write_case: Callable[..., Path],
                                               casebook_dir: Path) -> None:
    write_case()
    assert run(*RECORD).exit_code == 0
    lines = _audit_lines(casebook_dir)
    assert [line["field"] for line in lines] == ["notification.panel",
                                                 "notification.panel_reference"]


def test_a_waiter_stays_in_a_moving_queue_and_gives_up_on_a_stuck_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lock starvation (issue 12): the 30 s count from the last change of holder."""
    import threading

    from filelock import Timeout

    monkeypatch.setattr(safefile, "LOCK_TIMEOUT_SECONDS", 0.6)
    monkeypatch.setattr(safefile, "LOCK_POLL_SECONDS", 0.05)
    holder = tmp_path / ".case.lock.holder"

    class BusyLock:
        """Taken by others until `free_at` (each `acquire` attempt loses until then)."""

        def __init__(self, free_at: float) -> None:
            self.free_at = free_at

        def acquire(self, timeout: float) -> None:
            time.sleep(timeout)
            if time.monotonic() < self.free_at:
                raise Timeout(str(holder))

    def relay(turns: int, each: float) -> None:  # the lock changes hands every `each` s
        for turn in range(turns):
            holder.write_text(json.dumps({"pid": turn, "turn": str(turn)}), encoding="utf-8")
            time.sleep(each)

    # Busy for 2 s, more than the 0.6 s limit, but changing hands every 0.3 s: waits it out.
    holder.write_text(json.dumps({"pid": -1, "turn": "first"}), encoding="utf-8")
    queue = threading.Thread(target=relay, args=(7, 0.3))
    queue.start()
    started = time.monotonic()
    assert safefile._wait_while_progressing(BusyLock(started + 2.0), holder)
    assert time.monotonic() - started >= 2.0
    queue.join()

    # Busy for 5 s by one holder that never lets go: gives up after about 0.6 s.
    holder.write_text(json.dumps({"pid": 1, "turn": "stuck"}), encoding="utf-8")
    started = time.monotonic()
    assert not safefile._wait_while_progressing(BusyLock(started + 5.0), holder)
    assert 0.6 <= time.monotonic() - started < 4.0


def test_cases_folder_and_settings_linked_from_outside(run: Run, casebook_dir: Path,
                                                       tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "cases").mkdir(parents=True)
    (elsewhere / "cases" / "LSCP-2025-001.toml").write_text(CASE_TEXT, encoding="utf-8")
    (elsewhere / "lscp.toml").write_text("", encoding="utf-8")
    (casebook_dir / "cases").symlink_to(elsewhere / "cases")
    (casebook_dir / "lscp.toml").unlink(missing_ok=True)
    (casebook_dir / "lscp.toml").symlink_to(elsewhere / "lscp.toml")
    listed = run("list")
    assert "cases: is a link to a folder outside the casebook" in listed.output
    assert "LSCP-2025-001  " not in listed.output
    checked = run("check")
    assert checked.exit_code == 1
    assert "lscp.toml: is a link to outside the casebook" in checked.output
    recorded = run(*RECORD)
    assert recorded.exit_code == 1 and "outside the casebook" in recorded.output
    created = run(*NEW)
    assert created.exit_code == 1 and "outside the casebook" in created.output
    assert [p.name for p in (elsewhere / "cases").iterdir()] == ["LSCP-2025-001.toml"]
    assert "panel" not in (elsewhere / "cases" / "LSCP-2025-001.toml").read_text()
