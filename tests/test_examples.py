"""The fictional example casebook stays valid and shows every kind of deadline status."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    copy = tmp_path / "examples"
    shutil.copytree(EXAMPLES, copy, ignore=shutil.ignore_patterns(".lscp-cache", "drafts",
                                                                   "audit.log", ".*.lock"))
    return copy


def test_every_example_is_marked_fictional() -> None:
    for path in [EXAMPLES / "lscp.toml", *sorted((EXAMPLES / "cases").glob("*.toml"))]:
        assert "FICTIONAL" in path.read_text(encoding="utf-8").splitlines()[0], path


def test_examples_check_clean(run, examples: Path) -> None:
    result = run("--dir", str(examples), "check")
    assert result.exit_code == 0 and result.output == ""


def test_examples_deadline_report(run, examples: Path) -> None:
    result = run("--dir", str(examples), "deadlines", "--as-of", "27/11/2026", "--format",
                 "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    statuses = {d["status"] for d in found}
    assert {"overdue", "due-soon", "pending"} <= statuses
    # LSCP-2026-005, a looked-after child's death without suspected abuse or neglect, is
    # notified only: no Rapid Review (issue 8).
    assert not any(d["case"] == "LSCP-2026-005" and d["milestone"] == "rapid-review"
                   for d in found)
    by_key = {(d["case"], d["milestone"], d["agency"] or d["action"]): d for d in found}
    notify = by_key[("LSCP-2026-005", "panel-notification", None)]
    assert (notify["due"], notify["working_days_left"]) == ("2026-12-02", 3)
    rapid = by_key[("LSCP-2026-004", "rapid-review", None)]
    assert (rapid["due"], rapid["status"]) == ("2026-12-09", "pending")


def test_examples_list_and_show(run, examples: Path) -> None:
    records = json.loads(run("--dir", str(examples), "list", "--format", "json",
                             "--as-of", "27/11/2026").stdout)
    assert len(records) == 6
    assert {r["stage"] for r in records} >= {"closed", "action plan", "CSPR: in progress",
                                             "awaiting Panel notification"}
    for record in records:
        assert run("--dir", str(examples), "show", record["id"]).exit_code == 0


def test_examples_reports(run, examples: Path) -> None:
    as_of = ["--as-of", "27/11/2026"]
    actions = json.loads(run("--dir", str(examples), "actions", "--overdue", "--format", "json",
                             *as_of).stdout)
    assert [(a["case"], a["action"], a["progress_date"]) for a in actions] == [
        ("LSCP-2026-001", 2, "2026-11-16")]
    stats = json.loads(run("--dir", str(examples), "stats", "--format", "json", *as_of).stdout)
    assert stats["incidents"] == 6
    report = run("--dir", str(examples), "report", "-o", "-", *as_of)
    assert report.exit_code == 0 and "LSCP-2026-005" in report.stdout
