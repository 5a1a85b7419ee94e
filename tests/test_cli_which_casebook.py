"""The right casebook (issue 9): every report names the folder it read; a folder that is not a
casebook is refused with the fix, never reported on as all clear; `--dir` after the command;
a broken lscp.toml is never "fixed" by `lscp init`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import CASE_TEXT, every_command
from lscp_cli.cli import cli

Run = Callable[..., Result]
NEW = ("new-incident", "--no-input", "--type", "serious-harm", "--aware", "03/01/2025",
       "--child-initials", "A.B.", "--abuse-or-neglect", "suspected")

REPORTS = [
    ("list",),
    ("list", "--format", "json"),
    ("show", "LSCP-2025-001"),
    ("show", "LSCP-2025-001", "--format", "json"),
    ("deadlines",),
    ("deadlines", "--format", "json"),
    ("deadlines", "--format", "csv"),
    ("actions", "--format", "json"),
    ("stats", "--format", "json"),
    ("report", "-o", "-"),
    ("log", "--format", "json"),
]


@pytest.mark.parametrize("args", REPORTS, ids=" ".join)
def test_every_report_names_the_casebook_it_read(args: tuple[str, ...], run: Run,
                                                 write_case: Callable[..., Path],
                                                 casebook_dir: Path) -> None:
    write_case()
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert f"casebook: {casebook_dir} (from LSCP_DIR)\n" in result.stderr
    assert str(casebook_dir) not in result.stdout
    if "json" in args:
        parsed = json.loads(result.stdout)  # the path is not in the JSON: it stays as it was
        assert isinstance(parsed, dict if args[0] in ("show", "stats") else list)
    result = run(*args, "--dir", str(casebook_dir))
    assert f"casebook: {casebook_dir} (from --dir)\n" in result.stderr


def test_the_casebook_found_above_and_the_default_are_named(
        run: Run, write_case: Callable[..., Path], casebook_dir: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    write_case()
    monkeypatch.delenv("LSCP_DIR")
    monkeypatch.chdir(casebook_dir / "cases")
    result = run("deadlines")
    assert f"casebook: {casebook_dir} (the nearest folder holding lscp.toml)" in result.stderr
    monkeypatch.chdir(tmp_path)
    result = run("list")
    # the per-user default does not exist yet: no all-clear, it says where lscp looked
    assert result.exit_code == 1
    assert "no casebook found" in result.stderr and "not an all-clear" in result.stderr
    assert str(Path.home() / "lscp") in result.stderr and "lscp init" in result.stderr
    assert not (Path.home() / "lscp").exists()  # a report never creates it


def test_writes_and_checks_do_not_name_it(run: Run, write_case: Callable[..., Path]) -> None:
    write_case()
    result = run("check")
    assert (result.exit_code, result.output) == (0, "")  # check stays silent when all is well


# -- a folder that is not a casebook -----------------------------------------------------
@pytest.mark.parametrize("args", [*REPORTS, ("check",), NEW,
                                  ("record", "LSCP-2025-001", "closed")], ids=" ".join)
def test_a_folder_without_lscp_toml_is_refused(args: tuple[str, ...], run: Run,
                                               write_case: Callable[..., Path],
                                               casebook_dir: Path) -> None:
    write_case()
    wrong = casebook_dir / "cases"  # an officer pointing at the cases folder
    before = sorted(p.name for p in wrong.iterdir())
    result = run(*args, env={"LSCP_DIR": str(wrong)})
    assert result.exit_code == 1, result.output
    assert (f"{wrong} (from LSCP_DIR) is not a casebook: it has no lscp.toml; did you mean "
            f"the folder above, {casebook_dir}? (LSCP_DIR={casebook_dir})") in result.stderr
    assert "Nothing due" not in result.output and "No cases" not in result.output
    assert sorted(p.name for p in wrong.iterdir()) == before  # nothing written there
    assert (casebook_dir / "cases" / "LSCP-2025-001.toml").read_text() == CASE_TEXT


def test_a_folder_without_lscp_toml_and_none_above(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "somewhere"
    folder.mkdir()
    result = run("--dir", str(folder), "deadlines")
    assert result.exit_code == 1
    assert (f"{folder} (from --dir) is not a casebook: it has no lscp.toml; to make this "
            f"folder a casebook: `lscp init {folder}`") in result.stderr
    assert list(folder.iterdir()) == []
    assert run("init", str(folder)).exit_code == 0
    assert run("--dir", str(folder), "deadlines").exit_code == 0


def test_the_default_is_still_created_on_the_first_write(run: Run, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    monkeypatch.delenv("LSCP_DIR")
    home_book = Path.home() / "lscp"
    assert run("deadlines").exit_code == 1  # refuses: never "nothing due" for no casebook
    assert not home_book.exists()
    result = run(*NEW)
    assert result.exit_code == 0, result.output
    assert f"creating the casebook {home_book}" in result.stderr
    assert (home_book / "lscp.toml").is_file()
    assert run("deadlines").exit_code == 0  # now it exists, the default is read


# -- global options after the command ----------------------------------------------------
@pytest.mark.parametrize("command", every_command(cli), ids=" ".join)
def test_every_command_takes_dir_after_its_name(command: tuple[str, ...], run: Run,
                                                casebook_dir: Path) -> None:
    result = run(*command, "--dir", str(casebook_dir), "--help")
    assert result.exit_code == 0, result.output
    assert "--dir DIRECTORY" in result.stdout


def test_list_dir_after_the_command(run: Run, write_case: Callable[..., Path],
                                   casebook_dir: Path) -> None:
    write_case()
    env = {"LSCP_DIR": None}
    [row] = json.loads(run("list", "--dir", str(casebook_dir), "--format", "json",
                           env=env).stdout)
    assert row["id"] == "LSCP-2025-001"
    result = run("record", "LSCP-2025-001", "partners-notified", "2025-01-06", "--dir",
                 str(casebook_dir), env=env)
    assert result.exit_code == 0, result.output
    assert "partners = 2025-01-06" in (casebook_dir / "cases" / "LSCP-2025-001.toml").read_text()
    result = run("workdays", "add", "2025-01-03", "5", "--dir", str(casebook_dir), env=env)
    assert result.exit_code == 0 and "2025-01-10" in result.stdout


def test_dir_twice_with_two_folders_is_refused(run: Run, casebook_dir: Path,
                                               tmp_path: Path) -> None:
    result = run("--dir", str(casebook_dir), "list", "--dir", str(tmp_path))
    assert result.exit_code == 2
    assert "--dir is given twice" in result.stderr
    assert run("--dir", str(casebook_dir), "list", "--dir", str(casebook_dir)).exit_code == 0


# -- a broken lscp.toml --------------------------------------------------------------------
def test_a_broken_lscp_toml_is_not_sent_to_init(run: Run, write_case: Callable[..., Path],
                                                casebook_dir: Path) -> None:
    write_case()
    settings = casebook_dir / "lscp.toml"
    settings.write_text('[partnership]\nname = "Leeds\n', encoding="utf-8")
    before = settings.read_bytes()
    for args in (("deadlines",), ("list",), ("check",), ("record", "LSCP-2025-001", "closed")):
        result = run(*args)
        assert result.exit_code == 1, args
        assert f"{settings}:2: not valid TOML" in result.output
        assert "lscp init" not in result.output, args
        assert "fix that line" in result.output
    result = run("init")
    assert result.exit_code == 0
    assert f"warning: {settings}:2: not valid TOML" in result.stderr
    assert "init never changes an existing lscp.toml: fix it by hand" in result.stderr
    assert settings.read_bytes() == before
