"""No hang, no follow (issue 19): every file lscp reads is opened without blocking and only if
it is an ordinary file; templates and drafts are never reached through a link out of the
casebook; a case file far larger than any case is named, not parsed for half a minute.

The FIFO tests run lscp in a child process with a timeout: a hang fails the test instead of
stopping the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from tests.conftest import CASE_TEXT

Run = Callable[..., Result]
NEW = ("new-incident", "--no-input", "--type", "serious-harm", "--aware", "03/01/2025",
       "--child-initials", "A.B.", "--abuse-or-neglect", "suspected")
RECORD = ("record", "LSCP-2025-001", "panel-notified", "2025-01-06", "--reference", "SI-1")
DRAFT = ("draft", "LSCP-2025-001", "panel-notification", "--stdout")
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


def _lscp(casebook: Path, *args: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LSCP_DIR": str(casebook), "NO_COLOR": "1",
           "HOME": str(casebook.parent / "home")}
    try:
        return subprocess.run([sys.executable, "-m", "lscp_cli", *args], env=env,
                              capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"lscp {' '.join(args)} hung on a FIFO")


# (file made a FIFO, the commands that read it, what the message must say)
FIFO_PLACES = [
    ("audit.log", [RECORD, NEW, ("log",)], "is not a regular file (a pipe, device or folder)"),
    ("cases/.ids", [NEW], ".ids (the case-number counter) is not a regular file"),
    ("cases/.LSCP-2025-001.lock.holder", [RECORD], None),
    ("cases/.new-case.lock.holder", [NEW], None),
    ("templates/panel-notification.md.j2", [DRAFT, ("check",)],
     "panel-notification.md.j2: is not a regular file"),
    ("templates/_letter.md.j2", [DRAFT], "_letter.md.j2: is not a regular file"),
    ("lscp.toml", [("list",), ("check",)], "lscp.toml: is not a regular file"),
    ("home/.cache/lscp/casebooks/CACHE", [("list",)], None),
    ("home/.cache/lscp/key", [("list",)], None),
]


@needs_fifo
@pytest.mark.parametrize(("place", "commands", "message"), FIFO_PLACES,
                         ids=[p[0] for p in FIFO_PLACES])
def test_a_fifo_anywhere_lscp_reads_never_hangs(write_case: Callable[..., Path],
                                                casebook_dir: Path, place: str,
                                                commands: list[tuple[str, ...]],
                                                message: str | None) -> None:
    write_case()
    (casebook_dir / "templates").mkdir()
    from lscp_cli.storage.casecache import cache_path

    fifo = casebook_dir / place
    if place.startswith("home/"):
        fifo = cache_path(casebook_dir) if place.endswith("CACHE") else (
            casebook_dir.parent / place)
    if place != "lscp.toml":
        fifo.parent.mkdir(parents=True, exist_ok=True)
    else:
        fifo.unlink()
    os.mkfifo(fifo)
    for args in commands:
        result = _lscp(casebook_dir, *args)
        assert "unexpected" not in result.stderr, (args, result.stderr)
        if message is None:  # advice only (a lock's holder, the cache): the command works
            assert result.returncode == 0, (args, result.stderr)
        else:
            assert result.returncode == 1, (args, result.stderr)
            assert message in result.stderr + result.stdout, (args, result.stderr)


def test_a_template_linked_out_of_the_casebook_is_refused(run: Run, write_case: Callable[..., Path],
                                                          casebook_dir: Path,
                                                          tmp_path: Path) -> None:
    write_case()
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT", encoding="utf-8")
    folder = casebook_dir / "templates"
    folder.mkdir()
    (folder / "panel-notification.md.j2").symlink_to(secret)
    result = run(*DRAFT)
    assert result.exit_code == 1
    assert "SECRET-CONTENT" not in result.output
    assert "panel-notification.md.j2: is a link to a file outside the casebook" in result.output
    # Through `include` too (Jinja's own loader would follow it).
    (folder / "panel-notification.md.j2").unlink()
    (folder / "panel-notification.md.j2").write_text('{% include "part.md.j2" %}',
                                                     encoding="utf-8")
    (folder / "part.md.j2").symlink_to(secret)
    result = run(*DRAFT)
    assert result.exit_code == 1 and "SECRET-CONTENT" not in result.output
    assert "part.md.j2: is a link to a file outside the casebook" in result.output
    assert "part.md.j2: is a link" in run("check").output


def test_a_template_linked_inside_the_casebook_is_read(run: Run, write_case: Callable[..., Path],
                                                       casebook_dir: Path) -> None:
    write_case()
    folder = casebook_dir / "templates"
    folder.mkdir()
    (casebook_dir / "shared.md.j2").write_text("Shared letter {{ case.id }}\n", encoding="utf-8")
    (folder / "panel-notification.md.j2").symlink_to(casebook_dir / "shared.md.j2")
    result = run(*DRAFT)
    assert result.exit_code == 0, result.output
    assert "Shared letter LSCP-2025-001" in result.output


def test_a_reference_document_linked_out_is_refused(run: Run, write_case: Callable[..., Path],
                                                    casebook_dir: Path, tmp_path: Path) -> None:
    write_case()
    (casebook_dir / "templates").mkdir()
    outside = tmp_path / "styles.docx"
    outside.write_bytes(b"PK")
    (casebook_dir / "templates" / "reference.docx").symlink_to(outside)
    result = run("draft", "LSCP-2025-001", "panel-notification", "--format", "docx")
    assert result.exit_code == 1
    assert "reference.docx: is a link to a file outside the casebook" in result.output


def test_drafts_are_not_written_through_a_link_out(run: Run, write_case: Callable[..., Path],
                                                   casebook_dir: Path, tmp_path: Path) -> None:
    write_case()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (casebook_dir / "drafts").symlink_to(outside)
    result = run("draft", "LSCP-2025-001", "panel-notification")
    assert result.exit_code == 1
    assert "outside the casebook" in result.output
    assert list(outside.iterdir()) == []


def test_a_huge_case_file_is_named_quickly(run: Run, write_case: Callable[..., Path],
                                           casebook_dir: Path) -> None:
    write_case()
    huge = CASE_TEXT.replace("LSCP-2025-001", "LSCP-2025-002") + "\n".join(
        f'# {"x" * 100}' for _ in range(120_000))  # 12 MB
    big = write_case(huge, "LSCP-2025-002")
    assert big.stat().st_size > 12_000_000
    started = time.monotonic()
    shown = run("show", "LSCP-2025-002")
    listed = run("list")
    assert time.monotonic() - started < 5
    assert shown.exit_code == 1
    assert "LSCP-2025-002.toml: is 11.8 MB" in shown.output
    assert "at most 1.0 MB" in shown.output
    assert "LSCP-2025-001" in listed.output and "LSCP-2025-002.toml: is 11.8 MB" in listed.output
