"""A team casebook on a POSIX share (issue 20): `[casebook] shared = true` in lscp.toml makes
new files 0660 and new folders 2770 (setgid: they keep the casebook's group), and init and
check say so; without it every file stays owner-only (0600, folders 0700)."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from lscp_cli.base import safefile

Run = Callable[..., Result]
NEW = ["new-incident", "--no-input", "--type", "serious-harm", "--aware", "06/01/2025",
       "--child-initials", "A.B.", "--abuse-or-neglect", "suspected"]
TODAY = {"LSCP_TODAY": "2025-01-08"}


@pytest.fixture(autouse=True)
def _owner_only_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safefile, "_group_shared", [False])  # the process-wide choice


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _work(run: Run) -> None:
    for args in (NEW, ["record", "LSCP-2025-001", "panel-notified", "06/01/2025",
                       "--reference", "SI-1"],
                 ["draft", "LSCP-2025-001", "partners-notification", "--format", "md"]):
        result = run(*args, env=TODAY)
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("shared", "file", "folder"), [(False, 0o600, 0o700),
                                                        (True, 0o660, 0o2770)])
def test_new_files_and_folders_take_the_casebooks_sharing(
        run: Run, casebook_dir: Path, shared: bool, file: int, folder: int) -> None:
    if shared:
        with (casebook_dir / "lscp.toml").open("a", encoding="utf-8") as settings:
            settings.write("\n[casebook]\nshared = true\n")
    _work(run)
    for path in (casebook_dir / "cases" / "LSCP-2025-001.toml", casebook_dir / "cases" / ".ids",
                 casebook_dir / "audit.log",
                 casebook_dir / "drafts" / "LSCP-2025-001" / "partners-notification.md"):
        assert oct(_mode(path)) == oct(file), path
    for path in (casebook_dir / "cases", casebook_dir / "drafts",
                 casebook_dir / "drafts" / "LSCP-2025-001"):
        assert oct(_mode(path)) == oct(folder), path
    said = run("check").stderr
    assert ("shared with group" in said) is shared
    if shared:
        assert "new files are 0660 and new folders 2770" in said and "chmod -R g+rwX" in said


def test_init_of_a_shared_casebook_says_so(run: Run, casebook_dir: Path) -> None:
    assert "shared with group" not in run("init", str(casebook_dir)).stderr
    with (casebook_dir / "lscp.toml").open("a", encoding="utf-8") as settings:
        settings.write("\n[casebook]\nshared = true\n")
    assert "shared with group" in run("init", str(casebook_dir)).stderr


@pytest.mark.parametrize(("text", "says"), [
    ('[casebook]\nshared = "yes"\n', "'shared' must be true or false"),
    ("[casebook]\nshare = true\n", "unknown key 'share' in [casebook]"),
])
def test_a_bad_sharing_setting_is_named(run: Run, casebook_dir: Path, text: str, says: str
                                        ) -> None:
    (casebook_dir / "lscp.toml").write_text(text, encoding="utf-8")
    result = run("check")
    assert result.exit_code == 1 and says in result.output


def test_init_beside_a_shared_lscp_toml_makes_its_folders_shared(run: Run, tmp_path: Path
                                                                 ) -> None:
    # A team's lscp.toml put in place first (IT's copy), then `lscp init`: the folders init
    # makes are the team's at once (they were 0700, leaving the chmod to do by hand).
    book = tmp_path / "team"
    book.mkdir()
    (book / "lscp.toml").write_text("[casebook]\nshared = true\n", encoding="utf-8")
    result = run("init", str(book))
    assert result.exit_code == 0, result.output
    for folder in ("cases", "templates", "drafts"):
        assert oct(_mode(book / folder)) == oct(0o2770), folder
