"""`lscp edit` (issue 9): a rejected edit is kept outside cases/ and offered back; a Notepad
file's byte-order mark does not make every field look new; unknown keys are warned about."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import CASE_TEXT

Run = Callable[..., Result]
BAD = "p.write_text(p.read_text().replace('aware = 2025-01-03', 'aware = tomorrow'))"
FIX = "p.write_text(p.read_text().replace('aware = tomorrow', 'aware = 2025-01-04'))"


def editor(tmp_path: Path, script: str, name: str = "editor") -> str:
    """A fake $EDITOR: Python that edits the file it is given (`p`), as an officer would."""
    path = tmp_path / f"{name}.py"
    path.write_text(f"import sys, pathlib\np = pathlib.Path(sys.argv[-1])\n"
                    f"pathlib.Path({str(tmp_path / (name + '.seen'))!r}).write_text(str(p))\n"
                    f"{script}\n")
    return f"{sys.executable} {path}"


def kept(casebook: Path) -> list[Path]:
    return sorted((casebook / "edits").glob("LSCP-2025-001.edit-*.toml"))


@pytest.fixture
def rejected(run: Run, write_case: Callable[..., Path], tmp_path: Path,
             casebook_dir: Path) -> Path:
    """An edit that was not valid, so not saved: the officer's copy is kept."""
    path = write_case()
    result = run("edit", "LSCP-2025-001", env={"EDITOR": editor(tmp_path, BAD)})
    assert result.exit_code == 1
    assert path.read_text(encoding="utf-8") == CASE_TEXT
    return path


def test_a_rejected_edit_is_kept_outside_cases(rejected: Path, casebook_dir: Path,
                                               run: Run) -> None:
    [copy] = kept(casebook_dir)
    assert "aware = tomorrow" in copy.read_text(encoding="utf-8")
    assert copy.parent == casebook_dir / "edits"
    assert [p.name for p in (casebook_dir / "cases").iterdir() if "edit" in p.name] == []
    assert oct(copy.stat().st_mode & 0o777) == "0o600"
    assert oct((casebook_dir / "edits").stat().st_mode & 0o777) == "0o700"
    # A kept copy is not a case: reports and check do not see it.
    assert run("check").exit_code == 0
    [row] = json.loads(run("list", "--format", "json").stdout)
    assert row["id"] == "LSCP-2025-001"


def test_the_next_edit_offers_to_resume_it(rejected: Path, casebook_dir: Path, run: Run,
                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    monkeypatch.setattr("lscp_cli.cli.changes._interactive", lambda: True)
    [copy] = kept(casebook_dir)
    result = run("edit", "LSCP-2025-001", input="y\n",
                 env={"EDITOR": editor(tmp_path, FIX, "fixer")})
    assert result.exit_code == 0, result.output
    assert f"An edit of LSCP-2025-001 you did not save is kept in {copy}" in result.stderr
    assert "Resume it?" in result.output
    # The editor was given the kept copy, with the officer's earlier work in it.
    assert (tmp_path / "fixer.seen").read_text() == str(copy)
    assert "aware = 2025-01-04" in rejected.read_text(encoding="utf-8")
    assert kept(casebook_dir) == []  # saved: nothing left behind


def test_declining_starts_from_the_case_file_and_keeps_the_copy(
        rejected: Path, casebook_dir: Path, run: Run, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("lscp_cli.cli.changes._interactive", lambda: True)
    [copy] = kept(casebook_dir)
    script = "p.write_text(p.read_text().replace('Leeds', 'Bradford'))"
    result = run("edit", "LSCP-2025-001", input="n\n",
                 env={"EDITOR": editor(tmp_path, script, "fresh")})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "fresh.seen").read_text() != str(copy)
    text = rejected.read_text(encoding="utf-8")
    assert 'location = "Bradford"' in text and "aware = 2025-01-03" in text
    assert "--resume" in result.stderr
    # Retention (issue 20): the kept copy stayed while the fresh edit was open, and went when
    # it was saved (a copy of the older version can never be resumed); said on declining.
    assert "stays until an edit of LSCP-2025-001 is saved" in result.stderr
    assert f"deleted {copy}" in result.stderr
    assert kept(casebook_dir) == []


def test_declining_and_changing_nothing_keeps_the_copy(
        rejected: Path, casebook_dir: Path, run: Run, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("lscp_cli.cli.changes._interactive", lambda: True)
    [copy] = kept(casebook_dir)
    result = run("edit", "LSCP-2025-001", input="n\n",
                 env={"EDITOR": editor(tmp_path, "pass", "look")})
    assert result.exit_code == 0, result.output
    assert "no changes" in result.stdout
    assert kept(casebook_dir) == [copy]
    assert "--discard" in result.stderr


def test_discard_deletes_the_kept_copies_and_edits_nothing(
        rejected: Path, casebook_dir: Path, run: Run, tmp_path: Path) -> None:
    assert "`--discard` deletes it" in run("edit", "LSCP-2025-001", env={
        "EDITOR": editor(tmp_path, BAD, "again")}).stderr  # said when a copy is kept
    assert len(kept(casebook_dir)) == 2
    result = run("edit", "LSCP-2025-001", "--discard",
                 env={"EDITOR": editor(tmp_path, FIX, "never")})
    assert result.exit_code == 0, result.output
    assert result.stdout == "LSCP-2025-001: discarded 2 unsaved edits\n"
    assert kept(casebook_dir) == [] and not (tmp_path / "never.seen").exists()
    assert rejected.read_text(encoding="utf-8") == CASE_TEXT
    again = run("edit", "LSCP-2025-001", "--discard")
    assert again.stdout == "LSCP-2025-001: no unsaved edit is kept\n"
    both = run("edit", "LSCP-2025-001", "--discard", "--resume")
    assert both.exit_code == 2 and "error: --resume or --discard, not both" in both.stderr


def test_without_a_terminal_resume_is_asked_for_with_resume(
        rejected: Path, casebook_dir: Path, run: Run, tmp_path: Path) -> None:
    [copy] = kept(casebook_dir)
    result = run("edit", "LSCP-2025-001", env={"EDITOR": editor(tmp_path, "pass", "look")})
    assert result.exit_code == 0, result.output
    assert "lscp edit LSCP-2025-001 --resume" in result.stderr
    assert kept(casebook_dir) == [copy]
    result = run("edit", "LSCP-2025-001", "--resume",
                 env={"EDITOR": editor(tmp_path, FIX, "fixer")})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "fixer.seen").read_text() == str(copy)
    assert "aware = 2025-01-04" in rejected.read_text(encoding="utf-8")
    assert kept(casebook_dir) == []


def test_a_kept_copy_of_an_older_version_is_not_resumed(
        rejected: Path, casebook_dir: Path, run: Run, tmp_path: Path) -> None:
    result = run("record", "LSCP-2025-001", "partners-notified", "2025-01-06")
    assert result.exit_code == 0, result.output
    before = rejected.read_bytes()
    [copy] = kept(casebook_dir)
    result = run("edit", "LSCP-2025-001", "--resume",
                 env={"EDITOR": editor(tmp_path, FIX, "fixer")})
    assert result.exit_code == 1
    assert "changed since your edit kept in" in result.stderr
    assert "would undo those changes" in result.stderr
    assert "`lscp edit LSCP-2025-001 --discard`" in result.stderr  # how to be rid of it
    assert not (tmp_path / "fixer.seen").exists()
    assert rejected.read_bytes() == before
    assert kept(casebook_dir) == [copy]


def test_resume_with_nothing_kept(run: Run, write_case: Callable[..., Path],
                                  tmp_path: Path) -> None:
    path = write_case()
    result = run("edit", "LSCP-2025-001", "--resume",
                 env={"EDITOR": editor(tmp_path, FIX, "fixer")})
    assert result.exit_code == 1 and "no unsaved edit of LSCP-2025-001" in result.stderr
    assert path.read_text(encoding="utf-8") == CASE_TEXT


@pytest.mark.parametrize(("file_bom", "editor_bom"), [(True, True), (True, False),
                                                      (False, True)])
def test_a_byte_order_mark_does_not_make_every_field_new(
        run: Run, write_case: Callable[..., Path], tmp_path: Path, casebook_dir: Path,
        file_bom: bool, editor_bom: bool) -> None:
    path = write_case()
    if file_bom:
        path.write_bytes(b"\xef\xbb\xbf" + CASE_TEXT.replace("\n", "\r\n").encode())
    prefix = "b'\\xef\\xbb\\xbf'" if editor_bom else "b''"
    script = (f"raw = p.read_bytes().removeprefix(b'\\xef\\xbb\\xbf')\n"
              f"p.write_bytes({prefix} + raw.replace(b'Leeds', b'Bradford'))")
    result = run("edit", "LSCP-2025-001", env={"EDITOR": editor(tmp_path, script)})
    assert result.exit_code == 0, result.output
    assert "saved (1 field(s) changed)" in result.stdout
    [entry] = [json.loads(line) for line in
               (casebook_dir / "audit.log").read_text(encoding="utf-8").splitlines()]
    assert (entry["field"], entry["old"], entry["new"]) == ("incident.location", "Leeds",
                                                             "Bradford")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") == file_bom


def test_edit_warns_at_save_about_an_unknown_key(run: Run, write_case: Callable[..., Path],
                                                 tmp_path: Path) -> None:
    path = write_case()
    script = "p.write_text(p.read_text().replace('location =', 'locaton ='))"
    result = run("edit", "LSCP-2025-001", env={"EDITOR": editor(tmp_path, script)})
    assert result.exit_code == 0, result.output
    assert "locaton" in path.read_text(encoding="utf-8")
    assert f"warning: {path}:10: unknown field 'incident.locaton'" in result.stderr
    assert "check the spelling" in result.stderr
