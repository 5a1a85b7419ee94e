"""Case ids are never wasted or lied about (issue 19): a refused incident uses up no id and
names no file; a counter no case can follow is named with its fix."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from lscp_cli.base import safefile

Run = Callable[..., Result]
NEW = ("new-incident", "--no-input", "--type", "serious-harm", "--child-initials", "A.B.",
       "--abuse-or-neglect", "suspected")


def _new(run: Run, aware: str = "03/01/2025") -> Result:
    return run(*NEW, "--aware", aware)


def test_a_refused_incident_uses_no_id_and_names_no_file(run: Run, casebook_dir: Path) -> None:
    refused = _new(run, "01/01/1850")
    assert refused.exit_code == 1
    assert "outside the dates lscp works with" in refused.output
    assert ".toml" not in refused.output  # no file was written, none is named
    assert "nothing was written" in refused.output
    assert not (casebook_dir / "cases" / ".ids").exists()
    assert not (casebook_dir / "audit.log").exists()
    first = _new(run)
    second = _new(run)
    year = first.output.split("LSCP-")[1][:4]
    assert f"LSCP-{year}-001" in first.output and f"LSCP-{year}-002" in second.output


def test_a_failed_case_write_gives_its_id_back(run: Run, casebook_dir: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    assert _new(run).exit_code == 0
    real = safefile.atomic_write

    def disk_full(path: Path, data: bytes, **kwargs: object) -> None:
        if path.suffix == ".toml" and path.parent.name == "cases":
            raise OSError(28, "No space left on device", str(path))
        real(path, data, **kwargs)  # type: ignore[arg-type]

    import lscp_cli.storage.casefiles

    monkeypatch.setattr(lscp_cli.storage.casefiles, "atomic_write", disk_full)
    assert _new(run).exit_code == 1
    monkeypatch.setattr(lscp_cli.storage.casefiles, "atomic_write", real)
    counter = json.loads((casebook_dir / "cases" / ".ids").read_text(encoding="utf-8"))
    assert list(counter.values()) == [1]
    result = _new(run)
    assert "-002" in result.output, result.output


@pytest.mark.parametrize("value", [10**30, 999_999])
def test_a_huge_counter_names_the_file_and_the_fix(run: Run, casebook_dir: Path,
                                                   value: int) -> None:
    assert _new(run).exit_code == 0
    counter = casebook_dir / "cases" / ".ids"
    key = next(iter(json.loads(counter.read_text(encoding="utf-8"))))
    counter.write_text(json.dumps({key: value}), encoding="utf-8")
    result = _new(run)
    assert result.exit_code == 1
    assert f"{counter}" in result.output
    assert "delete the file" in result.output and "at most 6 digits" in result.output
    counter.unlink()
    assert "-002" in _new(run).output  # the fix works: the folder and audit.log say 001


def test_a_counter_temp_file_of_a_killed_new_incident_is_cleaned(run: Run,
                                                                 casebook_dir: Path) -> None:
    assert _new(run).exit_code == 0
    left = casebook_dir / "cases" / "..ids.k2j3h4ab.tmp"
    left.write_text('{"LSCP-2025": 7}\n', encoding="utf-8")
    old = time.time() - 2 * 3600
    os.utime(left, (old, old))
    assert f"{left}: is a temporary file" in run("check").output
    assert _new(run).exit_code == 0
    assert not left.exists()
