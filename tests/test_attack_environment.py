"""Faults found by the attack (issue 12): ordinary environment errors are named, never
"unexpected": a read-only casebook, a full disk, `ulimit -f`, non-UTF-8 bytes in an option,
LSCP_TODAY=garbage, a TOML time or nan in an unknown field with --format json."""

from __future__ import annotations

import errno
import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from tests.conftest import CASE_TEXT

Run = Callable[..., Result]

NEW = ("new-incident", "--no-input", "--type", "serious-harm", "--aware", "03/01/2025",
       "--child-initials", "A.B.", "--abuse-or-neglect", "suspected")


@pytest.mark.parametrize(
    ("code", "expected"),
    [(errno.EROFS, "read-only"), (errno.EACCES, "permission"), (errno.ENOSPC, "disk is full"),
     (errno.EDQUOT, "disk is full"), (errno.EFBIG, "file size limit")],
)
def test_a_failed_write_is_named(run: Run, write_case: Callable[..., Path],
                                 monkeypatch: pytest.MonkeyPatch, code: int,
                                 expected: str) -> None:
    path = write_case()
    before = path.read_bytes()
    real_open = os.open

    def failing_open(file: str | os.PathLike[str], flags: int, *args: int, **kw: int) -> int:
        if flags & os.O_CREAT:
            raise OSError(code, os.strerror(code), str(file))
        return real_open(file, flags, *args, **kw)

    monkeypatch.setattr(os, "open", failing_open)
    for args in (("record", "LSCP-2025-001", "panel-notified", "2025-01-06"), NEW):
        result = run(*args)
        assert result.exit_code == 1, result.output
        assert "unexpected" not in result.output
        assert expected in result.output.lower(), result.output
        assert str(path.parent) in result.output or str(path.parent.parent) in result.output
    assert path.read_bytes() == before


def test_ulimit_f_is_named_and_writes_nothing_partial(tmp_path: Path) -> None:
    casebook = tmp_path / "casebook"
    env = {**os.environ, "LSCP_DIR": str(casebook), "NO_COLOR": "1"}

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    result = subprocess.run(
        [sys.executable, "-m", "lscp_cli", *NEW, "--summary", "x" * 5000],
        capture_output=True, text=True, env=env, preexec_fn=limit, timeout=60, check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "unexpected" not in result.stderr
    assert "file size limit" in result.stderr
    assert not list((casebook / "cases").glob("*.toml"))


def test_non_utf8_bytes_in_an_option_are_named(run: Run, write_case: Callable[..., Path]
                                               ) -> None:
    write_case()
    for args in (("record", "LSCP-2025-001", "agency-requested", "2025-01-06", "--agency",
                  "Po\udcfflice"), ("show", "\udcff")):
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert "unexpected" not in result.output
        assert "not UTF-8" in result.output
        assert "\udcff" not in result.output


def test_lscp_today_garbage_is_named(run: Run, write_case: Callable[..., Path]) -> None:
    write_case()
    result = run("list", env={"LSCP_TODAY": "garbage"})
    assert result.exit_code == 1
    assert "unexpected" not in result.output
    assert "LSCP_TODAY" in result.output


def test_times_and_nan_in_unknown_fields_make_valid_json(
        run: Run, write_case: Callable[..., Path]) -> None:
    write_case("when = 07:32:00\nratio = nan\nbig = inf\nat = 2025-01-03T10:00:00\n"
               + CASE_TEXT)
    result = run("show", "LSCP-2025-001", "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout, parse_constant=lambda c: pytest.fail(c))
    assert payload["case"]["when"] == "07:32:00"
    assert payload["case"]["ratio"] == "nan"
    assert payload["case"]["big"] == "inf"
