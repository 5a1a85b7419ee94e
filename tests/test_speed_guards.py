"""What the speed-ups of a report must never change (the figures are benchmarks/'s).

- The cycle collector is off while a command runs (cases are trees it would walk for nothing)
  and back as it was afterwards, also when the command fails.
- The case files are read in the order sorting their paths gives.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result

from lscp_cli.casebook import Casebook
from lscp_cli.storage.casefiles import CaseFiles

Run = Callable[..., Result]


@pytest.fixture
def collector_seen(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether the collector was on each time `Casebook.deadlines` ran."""
    seen: list[bool] = []
    real = Casebook.deadlines

    def spy(self: Casebook, *args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Casebook, "deadlines", spy)
    return seen


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_collector_off_while_a_command_runs_and_back_after(
        run: Run, casebook_with: Callable[..., Path], collector_seen: list[bool]) -> None:
    casebook_with("notified")
    result = run("deadlines")
    assert result.exit_code == 0, result.output
    assert collector_seen == [False]
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_collector_back_on_after_a_command_that_fails(
        run: Run, casebook_dir: Path, collector_seen: list[bool]) -> None:
    (casebook_dir / "cases").mkdir(exist_ok=True)
    (casebook_dir / "cases" / "LSCP-2025-001.toml").write_text("id = [", encoding="utf-8")
    result = run("deadlines")
    assert result.exit_code == 1
    assert collector_seen == [False]
    assert gc.isenabled()


def test_collector_left_off_when_it_was_off(
        run: Run, casebook_with: Callable[..., Path], collector_seen: list[bool]) -> None:
    casebook_with("notified")
    was = gc.isenabled()
    gc.disable()
    try:
        assert run("deadlines").exit_code == 0
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()
    assert collector_seen == [False]


def test_case_files_in_the_order_of_their_paths(casebook_dir: Path) -> None:
    names = ["LSCP-2025-010.toml", "LSCP-2025-002.toml", "LSCP-2024-999.toml",
             "LSCP-2025-1000.toml", "LSCP-2025-001.toml", "notes.toml", "ABC-2025-001.toml",
             "LSCP-2025-001-copy.toml", "lscp-2025-003.toml"]
    (casebook_dir / "cases").mkdir(exist_ok=True)
    for name in names:
        (casebook_dir / "cases" / name).write_text("", encoding="utf-8")
    (casebook_dir / "cases" / ".hidden.toml").write_text("", encoding="utf-8")
    (casebook_dir / "cases" / "readme.txt").write_text("", encoding="utf-8")
    found = CaseFiles(casebook_dir).case_paths()
    assert found == sorted(casebook_dir / "cases" / name for name in names)
    # A name whose stem another begins with sorts by the whole name ("-" before ".").
    assert [p.name for p in found][:4] == ["ABC-2025-001.toml", "LSCP-2024-999.toml",
                                           "LSCP-2025-001-copy.toml", "LSCP-2025-001.toml"]
