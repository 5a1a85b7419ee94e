"""Faults found by the attack (issue 12): a bad lscp.toml, and `workdays` without a casebook."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Run = Callable[..., Result]

BAD_SETTINGS = {
    "non-utf8": (b'[partnership]\nname = "Le\xffeds"\n', "lscp.toml:2: is not UTF-8 text"),
    "deep-array": (b"[rules]\n\nx = " + b"[" * 600 + b"]" * 600 + b"\n",
                   "lscp.toml:3: is nested too deeply"),
    "deep-inline": (b"[calendar]\ny = " + b"{a = " * 300 + b"1" + b"}" * 300 + b"\n",
                    "lscp.toml:2: is nested too deeply"),
    "deep-header": (b"# a comment\n[" + b".".join([b"a"] * 1000) + b"]\nb = 1\n",
                    "lscp.toml:2: is nested too deeply"),
}


@pytest.mark.parametrize("name", BAD_SETTINGS)
def test_a_bad_lscp_toml_is_named_with_its_line(run: Run, casebook_dir: Path,
                                                write_case: Callable[..., Path],
                                                name: str) -> None:
    write_case()
    content, expected = BAD_SETTINGS[name]
    (casebook_dir / "lscp.toml").write_bytes(content)
    for command in (("check",), ("list",), ("deadlines",)):
        result = run(*command)
        assert result.exit_code == 1, (command, result.output)
        assert "unexpected" not in result.output, command
        assert expected in result.output, (command, result.output)


@pytest.mark.parametrize("name", BAD_SETTINGS)
def test_workdays_does_not_need_a_valid_casebook(run: Run, casebook_dir: Path,
                                                 name: str) -> None:
    (casebook_dir / "lscp.toml").write_bytes(BAD_SETTINGS[name][0])
    result = run("workdays", "add", "2025-01-03", "5")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("2025-01-10")
    assert "lscp.toml" in result.stderr and "bank holidays only" in result.stderr


def test_workdays_needs_no_casebook_at_all(run: Run, tmp_path: Path) -> None:
    result = run("workdays", "between", "2025-01-03", "2025-01-10",
                 env={"LSCP_DIR": str(tmp_path / "nowhere")})
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "5"


def test_workdays_still_uses_a_good_casebook_calendar(run: Run, casebook_dir: Path) -> None:
    (casebook_dir / "lscp.toml").write_text("[calendar]\nclosed = [2025-01-06]\n",
                                            encoding="utf-8")
    result = run("workdays", "add", "2025-01-03", "5")
    assert result.stdout.startswith("2025-01-13")
    # Only the note that closures count for local deadlines only: no warning about the file.
    assert result.stderr.startswith("counted with the office closures in lscp.toml")
    assert len(result.stderr.splitlines()) == 1
