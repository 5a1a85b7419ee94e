"""Fuzz the history (issue 19): rewritten audit logs, forged caches, and FIFOs and links in
every place lscp opens (see mutate.py for the budget and the seed).

What must hold:
* every single-line edit, deletion and reordering of a 200-line audit log is reported by
  `lscp verify` (the hash chain, and the case files' stamps for the last line);
* no cache file, however forged, changes what the casebook reads (cases, deadlines);
* a FIFO, a link out of the casebook, a dangling link or a folder in any place lscp opens
  never hangs a command, never crashes it, and never shows or changes a file outside.
"""

from __future__ import annotations

import json
import os
import pickle
import random
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import CASE_TEXT

from lscp_cli.base.audit import Change
from lscp_cli.casebook import Casebook
from lscp_cli.storage import casecache

from .mutate import SEED, Tally, budget, mutate, wanted

LOG_LINES = 200
AS_OF = date(2025, 6, 2)


# -- audit-log rewriting ---------------------------------------------------------------------
def _two_hundred_lines(casebook_dir: Path, write_case: Callable[..., Path]) -> Casebook:
    """A chained log of exactly 200 lines, the last written by a change to a case file (so
    its stamp vouches for the last line)."""
    write_case()
    book = Casebook(casebook_dir)
    for number in range(LOG_LINES - 2):  # lines with no case file saved
        with book.audit_log.recording("LSCP-2025-001", "action-progress", [Change(
                f"actions[1].progress[{number + 1}]", None,
                {"date": "2025-02-01", "note": f"step {number}"})]):
            pass
    book.record("LSCP-2025-001", "panel-notified", date(2025, 1, 6), reference="SI-1")
    assert len(book.audit_path.read_bytes().splitlines()) == LOG_LINES
    assert book.verify().problems == []
    return book


def _edits(line: bytes, rng: random.Random) -> list[bytes]:
    """Ways one line can be edited: a value, a name, the time, spacing only (the same JSON),
    the link itself, and a random byte-level mutation."""
    record = json.loads(line)
    changed = dict(record, new=f"{record['new']}x", user="someone.else",
                   time="2025-01-01T00:00:00+00:00")
    respaced = json.dumps(record, indent=None, separators=(",", ":")).encode()
    relinked = dict(record, prev="0" * 64)
    out = [json.dumps(dict(record, new=changed["new"])).encode(),
           json.dumps(dict(record, user=changed["user"])).encode(),
           json.dumps(dict(record, time=changed["time"])).encode(),
           respaced, json.dumps(relinked).encode(), mutate(line, rng).replace(b"\n", b" ")]
    return [edit for edit in out if edit != line]


def test_fuzz_every_rewrite_of_a_200_line_log_is_seen(
        casebook_dir: Path, write_case: Callable[..., Path],
        capsys: pytest.CaptureFixture[str]) -> None:
    rng = random.Random(SEED + 7)
    book = _two_hundred_lines(casebook_dir, write_case)
    log = book.audit_path
    original = log.read_bytes()
    lines = original.splitlines()
    tally = Tally("audit-log rewrites", capsys)

    def seen(content: list[bytes], label: str) -> None:
        tally.tried += 1
        log.write_bytes(b"".join(line + b"\n" for line in content))
        if not book.verify().problems:
            tally.failed(f"{label} (seed {SEED + 7}) was not seen")

    for index in range(LOG_LINES):
        if not wanted(index):
            continue
        for kind, edit in enumerate(_edits(lines[index], rng)):
            seen([*lines[:index], edit, *lines[index + 1:]], f"edit {kind} of line {index + 1}")
        seen([*lines[:index], *lines[index + 1:]], f"deletion of line {index + 1}")
        if index + 1 < LOG_LINES:
            swapped = list(lines)
            swapped[index], swapped[index + 1] = swapped[index + 1], swapped[index]
            seen(swapped, f"swap of lines {index + 1} and {index + 2}")
        moved = list(lines)
        line = moved.pop(index)
        target = rng.choice([n for n in range(LOG_LINES) if n != index])
        moved.insert(target, line)
        seen(moved, f"line {index + 1} moved to {target + 1}")
    for extra in range(budget(20)):
        duplicated = list(lines)
        at = rng.randrange(LOG_LINES)
        duplicated.insert(rng.randrange(LOG_LINES), lines[at])
        seen(duplicated, f"line {at + 1} repeated (input {extra})")
    log.write_bytes(original)
    assert book.verify().problems == []
    tally.report()


# -- forged caches ---------------------------------------------------------------------------
def test_fuzz_forged_caches_change_nothing(casebook_dir: Path, write_case: Callable[..., Path],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    rng = random.Random(SEED + 8)
    write_case()
    write_case(CASE_TEXT.replace("LSCP-2025-001", "LSCP-2025-002"), "LSCP-2025-002")
    book = Casebook(casebook_dir)
    truth_cases = sorted((c.id, repr(c.data)) for c in book.load_all()[0])
    truth_due = [(d.case, d.milestone, d.due, d.status) for d in book.deadlines(AS_OF)]
    path = casecache.cache_path(casebook_dir)
    sealed = path.read_bytes()
    start = len(casecache.MAGIC) + casecache.SEAL_BYTES
    payload = pickle.loads(sealed[start:])  # noqa: S301  the test's own cache
    tally = Tally("forged caches", capsys)
    for number in range(budget(60)):
        forged = _forged(payload, rng)
        way = number % 4
        if way == 0:  # the old seal kept
            blob = sealed[:start] + forged
        elif way == 1:  # a seal of a key of the forger's own
            blob = casecache.MAGIC + casecache._seal(rng.randbytes(32), casebook_dir,
                                                     forged) + forged
        elif way == 2:  # the real cache, one byte changed
            spot = rng.randrange(len(sealed))
            blob = sealed[:spot] + bytes([sealed[spot] ^ 0xFF]) + sealed[spot + 1:]
        else:  # bytes mutated at random
            blob = mutate(sealed, rng)
        if not wanted(number):
            continue
        tally.tried += 1
        path.write_bytes(blob)
        try:
            cases = sorted((c.id, repr(c.data)) for c in Casebook(casebook_dir).load_all()[0])
            due = [(d.case, d.milestone, d.due, d.status)
                   for d in Casebook(casebook_dir).deadlines(AS_OF)]
        except Exception as exc:  # noqa: BLE001  the finding itself
            tally.failed(f"input {number} (seed {SEED + 8}): {type(exc).__name__}: {exc}")
            continue
        if (cases, due) != (truth_cases, truth_due):
            tally.failed(f"input {number} (seed {SEED + 8}): the forged cache was believed")
    tally.report()


def _forged(payload: dict[str, Any], rng: random.Random) -> bytes:
    copy = pickle.loads(pickle.dumps(payload))  # noqa: S301  the test's own
    name = rng.choice(sorted(copy["entries"]))
    data = copy["entries"][name][2]
    change = rng.randrange(4)
    if change == 0:
        data["closed"] = date(2025, 1, 4)
    elif change == 1:
        data["incident"]["aware"] = date(2030, 1, 1)
    elif change == 2:
        data["withdrawn"] = date(2025, 1, 4)
    else:
        copy["entries"][name.replace("001", "009")] = copy["entries"].pop(name)
    return pickle.dumps(copy)


# -- FIFOs and links wherever lscp opens a file --------------------------------------------
# (a place in the casebook, relative to it, and the commands that open it)
RECORD = ["record", "LSCP-2025-001", "panel-notified", "2025-01-06", "--reference", "SI-1"]
NEW = ["new-incident", "--no-input", "--type", "serious-harm", "--aware", "03/01/2025",
       "--child-initials", "A.B.", "--abuse-or-neglect", "suspected"]
DRAFT = ["draft", "LSCP-2025-001", "panel-notification", "--stdout"]
PLACES = {
    "audit.log": [RECORD, ["log"], ["verify"]],
    "cases/.ids": [NEW],
    "cases/LSCP-2025-002.toml": [["list"], ["show", "LSCP-2025-002"], ["check"]],
    "cases/.LSCP-2025-001.lock.holder": [RECORD],
    "cases/.new-case.lock.holder": [NEW],
    "templates/panel-notification.md.j2": [DRAFT, ["check"]],
    "templates/_letter.md.j2": [DRAFT],
    "templates/reference.docx": [["draft", "LSCP-2025-001", "panel-notification",
                                  "--format", "docx", "-o", "out.docx"]],
    "lscp.toml": [["list"]],
    "drafts/LSCP-2025-001": [["draft", "LSCP-2025-001", "panel-notification"]],
    "CACHE": [["list"]],
    "KEY": [["list"]],
}
KINDS = ("fifo", "link-out", "dangling", "folder")
OUTSIDE_TEXT = "OUTSIDE-SECRET-TEXT"

DRIVER = """
import sys
from click.testing import CliRunner
from lscp_cli.cli import cli
for args in __import__("json").loads(sys.argv[1]):
    result = CliRunner().invoke(cli, args, catch_exceptions=True)
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    print(__import__("json").dumps([args, result.exit_code, crashed, result.output]))
"""


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fuzz_fifos_and_links_in_every_place(tmp_path: Path, casebook_dir: Path,
                                             write_case: Callable[..., Path],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    rng = random.Random(SEED + 9)
    tally = Tally("FIFOs and links", capsys)
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret"
    for number, place in enumerate(PLACES):
        # Every place gets a FIFO and a link out; one of the other kinds at random.
        for kind in ("fifo", "link-out", rng.choice(KINDS[2:])):
            if not wanted(number):
                continue
            tally.tried += 1
            secret.write_text(OUTSIDE_TEXT, encoding="utf-8")
            book = tmp_path / f"book-{number}-{kind}"
            _fresh_casebook(book, casebook_dir)
            target = _place(book, place, tmp_path)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists() or target.is_symlink():
                if target.is_dir() and not target.is_symlink():
                    target.rmdir()
                else:
                    target.unlink()
            _make(target, kind, secret)
            label = f"{place} as {kind} (seed {SEED + 9})"
            for line in _drive(book, tmp_path, PLACES[place], tally, label):
                args, code, crashed, output = json.loads(line)
                if crashed or code not in (0, 1) or "unexpected" in output:
                    tally.failed(f"{label}: lscp {' '.join(args)} exit {code}: {output[-200:]}")
                if OUTSIDE_TEXT in output:
                    tally.failed(f"{label}: lscp {' '.join(args)} showed a file outside")
            if secret.read_text(encoding="utf-8") != OUTSIDE_TEXT:
                tally.failed(f"{label}: a file outside the casebook was changed")
    tally.report()


def _fresh_casebook(book: Path, template: Path) -> None:
    (book / "cases").mkdir(parents=True)
    (book / "templates").mkdir()
    (book / "lscp.toml").write_bytes((template / "lscp.toml").read_bytes())
    for case_id in ("LSCP-2025-001", "LSCP-2025-002"):
        (book / "cases" / f"{case_id}.toml").write_text(
            CASE_TEXT.replace("LSCP-2025-001", case_id), encoding="utf-8")


def _place(book: Path, place: str, tmp_path: Path) -> Path:
    home = tmp_path / f"home-{book.name}"
    if place == "CACHE":
        return _with_home(home, lambda: casecache.cache_path(book))
    if place == "KEY":
        return home / ".cache" / "lscp" / casecache.KEY_FILE
    return book / place


def _with_home(home: Path, make: Callable[[], Path]) -> Path:
    before = os.environ.get("HOME")
    os.environ["HOME"] = str(home)
    try:
        return make()
    finally:
        if before is not None:
            os.environ["HOME"] = before


def _make(target: Path, kind: str, secret: Path) -> None:
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "link-out":  # to a file outside, or a folder outside for a folder's place
        target.symlink_to(secret.parent if target.parent.name == "drafts" else secret)
    elif kind == "dangling":
        target.symlink_to(secret.parent / "gone")
    else:
        target.mkdir()


def _drive(book: Path, tmp_path: Path, commands: list[list[str]], tally: Tally,
           label: str) -> list[str]:
    env = {**os.environ, "LSCP_DIR": str(book), "NO_COLOR": "1",
           "HOME": str(tmp_path / f"home-{book.name}")}
    try:
        done = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(commands)], env=env,
                              cwd=book, capture_output=True, text=True, timeout=60,
                              check=False)
    except subprocess.TimeoutExpired:
        tally.failed(f"{label}: lscp hung")
        return []
    if done.returncode != 0:
        tally.failed(f"{label}: the driver failed: {done.stderr[-300:]}")
    return [line for line in done.stdout.splitlines() if line.startswith("[[")]
