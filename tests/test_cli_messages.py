"""One error form and one warning form on stderr, whoever reports it (issue 20): click's own
usage errors, lscp's errors, the operating system's, an unexpected exception and an unanswered
question all say `error: ...` (never click's `Error: ...`); every warning says `warning: ...`,
a file's with its place first (`warning: FILE:LINE: ...`). Exit codes stay: 2 bad usage,
1 a problem with the data or the request."""

from __future__ import annotations

import errno
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import CASE_TEXT

Run = Callable[..., Result]
ID = "LSCP-2025-001"

USAGE = [  # (arguments, what the message says): click's parser and value types, and lscp's
    (["nosuch"], "no such command 'nosuch'"),
    (["--bogus"], "no such option '--bogus'"),
    (["list", "--bogus"], "no such option '--bogus'"),
    (["show"], "missing argument 'ID'"),
    (["deadlines", "--as-of", "nope"], "'nope' is not a date"),
    (["deadlines", "--within", "ten"], "--within must be a whole number"),
    (["workdays", "add", "2025-01-03", "five"], "error: N must be a whole number"),
    (["record", ID, "lunch"], "'lunch' is not one of"),
    (["list", "--format", "xlsx"], "'xlsx' is not one of"),
    (["actions", "-o", "CON.csv"], "choose another file name"),
    (["record", ID, "publication-planned"], "needs the planned DATE"),
]


def _error_lines(result: Result) -> list[str]:
    lines = result.stderr.splitlines()
    assert not any(line.startswith(("Error", "ERROR", "Aborted")) for line in lines), lines
    return [line for line in lines if line.startswith("error: ")]


@pytest.mark.parametrize(("args", "says"), USAGE, ids=lambda v: " ".join(v) if isinstance(
    v, list) else None)
def test_bad_usage_says_error_the_lscp_way(run: Run, write_case, args: list[str], says: str
                                           ) -> None:
    write_case()
    result = run(*args)
    assert result.exit_code == 2, result.output
    errors = _error_lines(result)
    assert len(errors) == 1 and says in errors[0], result.stderr
    assert result.stderr.startswith("Usage: ")  # click's usage and hint stay
    assert "-h' for help." in result.stderr


def test_data_errors_say_error_and_exit_1(run: Run, write_case, casebook_dir: Path) -> None:
    write_case()
    missing = run("show", "LSCP-2025-999")  # an LscpError
    assert missing.exit_code == 1
    assert _error_lines(missing)[0].startswith("error: no case LSCP-2025-999")
    bad_id = run("show", "../../etc/passwd")
    assert bad_id.exit_code in (1, 2) and _error_lines(bad_id)


def test_os_errors_and_unexpected_exceptions_say_error(run: Run, write_case, monkeypatch
                                                        ) -> None:
    write_case()

    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", "cases/LSCP-2025-001.toml")

    monkeypatch.setattr("lscp_cli.casebook.timeline", refused)
    result = run("show", ID)
    assert result.exit_code == 1
    assert _error_lines(result) == [line for line in result.stderr.splitlines()
                                    if line and not line.startswith("casebook: ")]
    assert "permission denied" in result.stderr

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("A.B. private")

    monkeypatch.setattr("lscp_cli.casebook.timeline", explode)
    result = run("show", ID)
    assert result.exit_code == 1
    assert _error_lines(result)[0].startswith("error: unexpected RuntimeError")


def test_an_unanswered_question_says_error(run: Run) -> None:
    """Ctrl-D (or the end of piped answers) at a question: click would print "Aborted!"."""
    result = run("new-incident", input="serious-harm\n", env={"LSCP_PROMPT": "1"})
    assert result.exit_code in (1, 2)
    errors = _error_lines(result)
    assert len(errors) == 1 and "unexpected" not in errors[0]
    assert "nothing was saved" in errors[0]
    assert not list((Path.cwd() / "casebook").glob("cases/*.toml"))  # nothing was saved


def test_warnings_have_one_form(run: Run, write_case, casebook_dir: Path) -> None:
    write_case(CASE_TEXT.replace("[incident]\n", "[incident]\nlocaton = \"Leeds\"\n", 1))
    for args in (["check"], ["show", ID]):
        result = run(*args)
        warned = [line for line in result.stderr.splitlines() if "warning:" in line.lower()]
        assert warned, args
        for line in warned:
            assert line.startswith("warning: ") and ".toml:" in line, line
            assert ": warning:" not in line
    late = run("record", ID, "panel-notified", "20/01/2025", "--reference", "SI-1")
    assert late.exit_code == 0
    assert late.stderr.startswith("warning: panel-notified on Monday 20 January 2025 is late")
    (casebook_dir / "lscp.toml").write_text("[partnership\n", encoding="utf-8")
    result = run("workdays", "add", "2025-01-03", "5")
    assert result.exit_code == 0
    assert result.stderr.startswith("warning: ")


def test_a_real_run_says_error_too(tmp_path: Path) -> None:
    """Through the installed entry point (not CliRunner): what an officer's terminal shows."""
    out = subprocess.run([sys.executable, "-m", "lscp_cli", "--dir", str(tmp_path), "nosuch"],
                         capture_output=True, text=True, check=False)
    assert out.returncode == 2
    assert out.stderr.splitlines()[-1] == "error: no such command 'nosuch'."
