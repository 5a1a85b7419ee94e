"""The officer's Windows laptop, simulated: the daily round under Windows' `os`, in an awkward
OneDrive path; Notepad; the console; file names; a lock left by a PC that went to sleep."""

from __future__ import annotations

import json
import os
import stat
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CASE_TEXT, WindowsSimulation
from lscp_cli.base import portable
from lscp_cli.cli import cli

# C:\Users\Jo O'Brien\OneDrive – Leeds City Council\lscp
AWKWARD = ("Jo O'Brien", "OneDrive – Leeds City Council", "lscp")
NEW = ["new-incident", "--no-input", "--type", "serious-harm", "--aware", "03/01/2025",
       "--occurred", "02/01/2025", "--location", "Leeds", "--in-area", "--child-initials", "a.b.",
       "--child-dob", "02/04/2024", "--abuse-or-neglect", "suspected",
       "--summary", "Fictional outline – for tests → only"]
AGENCY = 'Leeds: "Children\'s" Services?'  # every character Windows refuses, in one name


@pytest.fixture
def notepad(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `notepad` on PATH that does what an officer does in Notepad, keeping CRLF and the BOM
    as Notepad does, and logs the file it was given."""
    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "notepad.log"
    script = folder / "notepad"
    script.write_text(
        f"#!{sys.executable}\n"
        "import pathlib, sys\n"
        f"pathlib.Path({str(log)!r}).write_text(sys.argv[-1], encoding='utf-8')\n"
        "p = pathlib.Path(sys.argv[-1])\n"
        "raw = p.read_bytes()\n"
        "p.write_bytes(raw.replace(b'location = \"Leeds\"', b'location = \"Leeds \\xe2\\x80\\x93 "
        "Chapeltown\"'))\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return log


def test_daily_round_under_windows_in_an_awkward_path(
    windows: WindowsSimulation, run, tmp_path: Path, notepad: Path, monkeypatch
) -> None:
    book = tmp_path.joinpath(*AWKWARD)
    monkeypatch.setenv("LSCP_DIR", str(book))

    result = run("init", str(book))
    assert result.exit_code == 0, result.output
    assert "access control" in result.stderr
    assert f'`lscp --dir "{book}" new-incident`' in result.stderr  # pastes into PowerShell

    result = run(*NEW)
    assert result.exit_code == 0, result.output
    case_id = result.stdout.strip()
    case = book / "cases" / f"{case_id}.toml"
    assert case.is_file()
    # A second case gets the next id, never the same one, though links are refused.
    second = run(*NEW)
    assert second.exit_code == 0 and second.stdout.strip() != case_id

    # The officer once saved the case in Notepad: a byte-order mark and CRLF line ends.
    case.write_bytes(b"\xef\xbb\xbf" + case.read_bytes().replace(b"\n", b"\r\n"))

    result = run("record", case_id, "panel-notified", "--reference", "SI-12345")
    assert result.exit_code == 0, result.output
    result = run("record", case_id, "agency-requested", "--agency", AGENCY)
    assert result.exit_code == 0, result.output
    raw = case.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\n" not in raw.replace(b"\r\n", b"")
    assert b'reference = "SI-12345"' in raw

    result = run("edit", case_id)  # no EDITOR set: Notepad
    assert result.exit_code == 0, result.output
    assert "saved (1 field(s) changed)" in result.stdout
    assert Path(notepad.read_text(encoding="utf-8")).parent == book / "edits"
    raw = case.read_bytes()
    assert 'location = "Leeds – Chapeltown"' in raw.decode("utf-8")
    assert raw.startswith(b"\xef\xbb\xbf") and b"\n" not in raw.replace(b"\r\n", b"")

    assert run("check").exit_code == 0
    result = run("deadlines", "--all")
    assert result.exit_code == 0 and case_id in result.stdout
    result = run("list")
    assert result.exit_code == 0 and case_id in result.stdout
    result = run("show", case_id)
    assert result.exit_code == 0 and "Chapeltown" in result.stdout

    result = run("draft", case_id, "panel-notification", "--format", "docx")
    assert result.exit_code == 0, result.output
    letter = Path(result.stdout.strip())
    assert letter.parent == book / "drafts" / case_id
    assert zipfile.is_zipfile(letter)
    result = run("draft", case_id, "agency-request", "--agency", AGENCY, "--format", "docx")
    assert result.exit_code == 0, result.output
    letter = Path(result.stdout.strip())
    assert letter.name == "agency-request-leeds-children-s-services.docx"
    assert zipfile.is_zipfile(letter)

    audit = [json.loads(line) for line in (book / "audit.log").read_text("utf-8").splitlines()]
    assert {line["user"] for line in audit} == {"jo.obrien"}
    assert {line["action"] for line in audit} >= {"new-incident", "panel-notified",
                                                  "agency-requested", "edit"}
    assert all(line["case"] in (case_id, second.stdout.strip()) for line in audit)

    # Every Windows-only failure was met and got past, and nothing was left behind.
    assert windows.link_refused >= 3 and windows.replace_failed >= 10
    every = [p.name for p in book.rglob("*")]
    assert not [n for n in every if n.endswith(".tmp") or ".edit-" in n], every
    assert all(portable.windows_name_problem(name) is None for name in every), every


def test_replace_held_too_long_names_the_file_and_keeps_the_case(
    windows: WindowsSimulation, run, write_case, monkeypatch
) -> None:
    path = write_case()
    monkeypatch.setattr(portable, "REPLACE_DELAYS", (0.001,))  # gives up after two tries
    result = run("record", "LSCP-2025-001", "panel-notified", "--reference", "SI-1")
    assert result.exit_code == 1
    assert f"could not save {path}" in result.stderr and "another program" in result.stderr
    assert "unexpected" not in result.stderr
    assert path.read_text(encoding="utf-8") == CASE_TEXT
    assert [p.name for p in path.parent.iterdir() if p.suffix == ".tmp"] == []


def test_init_says_folder_access_control_protects_files_on_windows(
    windows: WindowsSimulation, run, tmp_path: Path
) -> None:
    result = run("init", str(tmp_path / "book"))
    assert result.exit_code == 0 and "folder's access control" in result.stderr


def test_init_on_posix_sets_modes_and_says_nothing_of_access_control(run, tmp_path) -> None:
    result = run("init", str(tmp_path / "book"))
    assert result.exit_code == 0 and "access control" not in result.stderr
    assert stat.S_IMODE((tmp_path / "book").stat().st_mode) == 0o700


def test_edit_waits_when_windows_11_notepad_returns_at_once(
    windows: WindowsSimulation, run, write_case, tmp_path: Path, monkeypatch
) -> None:
    """Notepad opened in a tab of a running window returns at once; lscp waits for a key."""
    path = write_case()
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "notepad").write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    (folder / "notepad").chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr("lscp_cli.cli.changes._interactive", lambda: True)

    def officer_saves(*args: object, **kwargs: object) -> None:
        work = next((path.parent.parent / "edits").glob("LSCP-2025-001.edit-*.toml"))
        work.write_text(work.read_text().replace('"Leeds"', '"Wakefield"'))

    monkeypatch.setattr("click.pause", officer_saves)
    result = run("edit", "LSCP-2025-001", env={"LSCP_DEBUG": "1"})
    assert result.exit_code == 0, result.output
    assert 'location = "Wakefield"' in path.read_text(encoding="utf-8")


def test_output_in_a_code_page_console_is_utf8(run, write_case) -> None:
    place = 'location = "Leeds – Chapeltown → Harehills"'
    write_case(CASE_TEXT.replace('location = "Leeds"', place))
    result = CliRunner(charset="cp1252").invoke(cli, ["show", "LSCP-2025-001"])
    assert result.exit_code == 0, result.output
    assert "Leeds – Chapeltown → Harehills" in result.stdout_bytes.decode("utf-8")


def test_no_colour_codes_where_the_windows_console_cannot_show_them(monkeypatch) -> None:
    from lscp_cli.cli import console

    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("WT_SESSION", raising=False)
    monkeypatch.delenv("TERM_PROGRAM", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert console.use_colour(Terminal())
    monkeypatch.setattr(portable, "on_windows", lambda: True)
    assert not console.use_colour(Terminal())  # old cmd.exe: would print ←[1;31m
    monkeypatch.setenv("WT_SESSION", "some-guid")
    assert console.use_colour(Terminal())  # Windows Terminal


@pytest.mark.parametrize("name", ["letter: final.docx", "CON.docx", "what?.md", "nul"])
def test_draft_output_name_windows_refuses(run, write_case, name: str) -> None:
    write_case()
    result = run("draft", "LSCP-2025-001", "panel-notification", "-o", name)
    assert result.exit_code == 2
    assert "choose another file name" in result.stderr


@pytest.mark.parametrize("name", ["con", "aux", "com1", "lpt3"])
def test_template_names_windows_reserves_are_refused(run, name: str) -> None:
    result = run("templates", "copy", name)
    assert result.exit_code == 1 and "a name Windows keeps for a device" in result.stderr


def test_lock_left_by_a_sleeping_pc_names_holder_and_age(
    windows: WindowsSimulation, run, write_case, monkeypatch
) -> None:
    """A lock a PC took and kept when it went to sleep: the team is told at once whose it is
    and how old, and the case is untouched."""
    from filelock import SoftFileLock

    path = write_case()
    lock_path = path.parent / ".LSCP-2025-001.lock"
    held = SoftFileLock(str(lock_path))
    held.acquire()
    since = datetime.now(UTC) - timedelta(hours=3, minutes=5)
    (path.parent / ".LSCP-2025-001.lock.holder").write_text(json.dumps(
        {"user": "sam.patel", "host": "LEEDS-PC-04", "pid": 4242,
         "since": since.isoformat(timespec="seconds")}))
    try:
        started = datetime.now(UTC)
        result = run("record", "LSCP-2025-001", "panel-notified", "--reference", "SI-9")
        waited = (datetime.now(UTC) - started).total_seconds()
    finally:
        held.release()
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert "locked by sam.patel on LEEDS-PC-04" in message and "3 h 5 min ago" in message
    assert "went to sleep" in message and str(lock_path) in message
    assert waited < 5  # told at once, not after the 30 s wait
    assert path.read_text(encoding="utf-8") == CASE_TEXT
    # Once that PC lets go (woken, restarted, or its file closed by IT), work goes on.
    result = run("record", "LSCP-2025-001", "panel-notified", "--reference", "SI-9")
    assert result.exit_code == 0, result.output
    assert not (path.parent / ".LSCP-2025-001.lock.holder").exists()


def test_the_lock_holder_is_recorded_while_held(
    windows: WindowsSimulation, tmp_path: Path, monkeypatch
) -> None:
    from lscp_cli.base import safefile
    from lscp_cli.errors import LockTimeout

    lock_path = tmp_path / "cases" / ".LSCP-2025-001.lock"
    holder = lock_path.with_name(lock_path.name + ".holder")
    monkeypatch.setattr(safefile, "LOCK_TIMEOUT_SECONDS", 0.2)
    with safefile.locked(lock_path, "Case LSCP-2025-001"):
        record = safefile.read_holder(holder)
        assert record is not None
        assert record["user"] == "jo.obrien" and record["pid"] == os.getpid()
        assert record["host"] == portable.host_name()
        # A second command meanwhile waits, then is told whose it is: recent, so just wait.
        with pytest.raises(LockTimeout) as caught:
            with safefile.locked(lock_path, "Case LSCP-2025-001"):
                pass
        message = str(caught.value)
        assert "locked by jo.obrien on" in message and "Wait a moment" in message
    assert not holder.exists()


def test_every_other_command_under_windows(
    windows: WindowsSimulation, run, casebook_with, tmp_path: Path
) -> None:
    """The commands outside the daily round, under the same simulation (issue 13: every
    command works on Windows)."""
    casebook_with("intake", "notified")
    for args in (
        ["list", "--format", "csv"], ["show", "LSCP-2025-001", "--format", "json"],
        ["deadlines", "--format", "ics"], ["deadlines", "--format", "json"],
        ["actions"], ["stats", "--year", "2025"], ["templates"],
        ["templates", "show", "panel-notification"], ["templates", "copy", "panel-notification"],
        ["workdays", "add", "06/01/2025", "15"], ["workdays", "between", "06/01/2025",
                                                   "27/01/2025"], ["workdays", "holidays", "2026"],
        ["draft", "LSCP-2025-001", "rapid-review-summary", "--format", "html"],
        ["report", "--year", "2025"], ["check"],
    ):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        assert "unexpected" not in result.stderr, (args, result.stderr)


def test_init_warns_of_a_casebook_path_too_long_for_windows(
    windows: WindowsSimulation, run, tmp_path: Path
) -> None:
    deep = tmp_path.joinpath(*AWKWARD, "Safeguarding Partnership Business Unit",
                             "Serious Child Safeguarding Incidents and Reviews", "casebook")
    result = run("init", str(deep))
    assert result.exit_code == 0 and (deep / "lscp.toml").is_file()
    assert "260-character limit" in result.stderr and str(deep) in " ".join(
        result.stderr.split())
    short = run("init", str(tmp_path / "lscp"))
    assert "260-character" not in short.stderr


def test_no_casebook_message_quotes_the_path_for_powershell(
    windows: WindowsSimulation, run, tmp_path: Path, monkeypatch
) -> None:
    missing = tmp_path.joinpath(*AWKWARD)
    monkeypatch.setenv("LSCP_DIR", str(missing))
    result = run("list")
    assert result.exit_code == 1
    assert f'`lscp init "{missing}"`' in result.stderr


class _Explorer:
    """A faked `ctypes.windll.kernel32`: file attributes by path, and what was hidden."""

    def __init__(self) -> None:
        self.hidden: list[str] = []
        self.refuse = False

    def GetFileAttributesW(self, path: str) -> int:  # noqa: N802
        if self.refuse or not os.path.exists(path):
            return -1  # INVALID_FILE_ATTRIBUTES, as ctypes' default signed int shows it
        return 0x2 if path in self.hidden else 0x80  # FILE_ATTRIBUTE_NORMAL

    def SetFileAttributesW(self, path: str, attributes: int) -> int:  # noqa: N802
        assert attributes & 0x2
        self.hidden.append(path)
        return 1


@pytest.fixture
def explorer(monkeypatch: pytest.MonkeyPatch) -> _Explorer:
    import ctypes
    import types

    kernel = _Explorer()
    monkeypatch.setattr(ctypes, "windll", types.SimpleNamespace(kernel32=kernel),
                        raising=False)
    return kernel


def test_lscps_dot_files_are_hidden_in_explorer(windows: WindowsSimulation, explorer: _Explorer,
                                                run, tmp_path: Path, monkeypatch) -> None:
    """On Windows a leading dot hides nothing: `cases/.ids`, the lock files and their holders
    are marked hidden as they are made (issue 20); the officer's own files never are."""
    book = tmp_path.joinpath(*AWKWARD)
    monkeypatch.setenv("LSCP_DIR", str(book))
    assert run("init", str(book)).exit_code == 0
    assert run(*NEW).exit_code == 0
    [case] = (book / "cases").glob("LSCP-*.toml")
    result = run("record", case.stem, "panel-notified", "06/01/2025", "--reference", "SI-1")
    assert result.exit_code == 0, result.output
    names = {Path(path).name for path in explorer.hidden}
    assert {".ids", ".new-case.lock", ".new-case.lock.holder", f".{case.stem}.lock",
            f".{case.stem}.lock.holder", ".audit.lock", ".audit.lock.holder"} <= names
    assert all(name.startswith(".") for name in names), names
    assert str(book / "cases" / ".ids") in explorer.hidden
    # A second case rewrites .ids: the new file is hidden again (a replace drops the flag).
    before = explorer.hidden.count(str(book / "cases" / ".ids"))
    explorer.hidden = [p for p in explorer.hidden if not p.endswith(".ids")]
    assert run(*NEW).exit_code == 0
    assert str(book / "cases" / ".ids") in explorer.hidden and before == 1


def test_hiding_never_fails_a_command(windows: WindowsSimulation, explorer: _Explorer,
                                      tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / ".ids"
    path.write_text("{}")
    explorer.refuse = True  # a share that does not answer: nothing is hidden, nothing raised
    portable.hide(path)
    assert explorer.hidden == []
    explorer.refuse = False
    portable.hide(path)
    portable.hide(path)  # already hidden: not set again
    assert explorer.hidden == [str(path)]
    import ctypes

    monkeypatch.delattr(ctypes, "windll")  # no windll at all
    portable.hide(path)
    monkeypatch.setattr(portable, "on_windows", lambda: False)
    monkeypatch.setattr(ctypes, "windll", explorer, raising=False)
    portable.hide(tmp_path / ".other")  # POSIX: the dot is enough
    assert explorer.hidden == [str(path)]
