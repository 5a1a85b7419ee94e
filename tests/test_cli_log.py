"""`lscp log`: the audit trail, readable (issue 9): when, who, which field, old -> new, why."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import CASE_TEXT

Run = Callable[..., Result]


@pytest.fixture
def history(write_case: Callable[..., Path], run: Run, casebook_dir: Path,
            monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two cases; the first notified, its date corrected, and an agency asked."""
    from lscp_cli.base import portable

    # The account the operating system says lscp runs as (the environment's claim matches).
    monkeypatch.setattr(portable, "_os_account", lambda: "officer1")
    monkeypatch.setenv("USER", "officer1")
    monkeypatch.setenv("LOGNAME", "officer1")
    monkeypatch.setenv("USERNAME", "officer1")
    monkeypatch.setenv("COLUMNS", "200")  # one line a change
    write_case()
    write_case(CASE_TEXT.replace("LSCP-2025-001", "LSCP-2025-002"), "LSCP-2025-002")
    for args in (
        ("record", "LSCP-2025-001", "panel-notified", "2025-01-06", "--reference", "SI-1"),
        ("record", "LSCP-2025-001", "panel-notified", "2025-01-07", "--correct", "--reason",
         "the form was sent on the 7th"),
        ("record", "LSCP-2025-001", "agency-requested", "2025-01-07", "--agency",
         "West Yorkshire Police"),
        ("record", "LSCP-2025-002", "partners-notified", "2025-01-08"),
    ):
        result = run(*args)
        assert result.exit_code == 0, result.output
    return casebook_dir / "audit.log"


def test_log_of_one_case_as_a_table(history: Path, run: Run) -> None:
    result = run("log", "LSCP-2025-001")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Changes to LSCP-2025-001"
    assert lines[1].split() == ["When", "Who", "What", "Field", "Old", "→", "new", "Reason"]
    rows = [line for line in lines[3:] if line.strip()]
    assert len(rows) == 4 and "LSCP-2025-002" not in result.stdout
    # Dates the UK way and fields by the officer's names (issue 20).
    correction = next(line for line in rows if "Mon 6 Jan 2025 → Tue 7 Jan 2025" in line)
    assert re.match(r"^[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d  officer1  "
                    r"panel-notified +National Panel notified ", correction), correction
    assert correction.rstrip().endswith("the form was sent on the 7th")
    assert any("Panel reference" in line and "(none) → SI-1" in line for line in rows)
    assert any("Agency 1 (West Yorkshire Police)" in line and "requested Tue 7 Jan 2025" in line
               for line in rows)


def test_log_shows_the_local_time(history: Path, run: Run,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    entry = json.loads(history.read_text(encoding="utf-8").splitlines()[0])
    monkeypatch.setenv("TZ", "Asia/Kolkata")  # UTC+05:30 all year: no daylight saving
    time.tzset()
    try:
        table = run("log", "2025-1").stdout
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    from datetime import datetime, timedelta

    utc = datetime.fromisoformat(entry["time"])
    local = utc + timedelta(hours=5, minutes=30)
    # The UK way (issue 20): `Fri 27 Nov 2026 14:03`; JSON and CSV keep the UTC ISO time.
    assert f"{local:%a} {local.day} {local:%b %Y %H:%M}" in table


def test_log_of_every_case_names_the_case(history: Path, run: Run) -> None:
    result = run("log")
    assert result.exit_code == 0, result.output
    assert "Case" in result.stdout.splitlines()[0]
    # The officer's name for the field (issue 20), not `notification.partners`.
    assert "LSCP-2025-002" in result.stdout and "Safeguarding partners notified" in result.stdout
    assert "notification.partners" not in result.stdout


def test_log_as_json_and_csv(history: Path, run: Run) -> None:
    entries = json.loads(run("log", "LSCP-2025-001", "--format", "json").stdout)
    assert [e["field"] for e in entries] == ["notification.panel",
                                             "notification.panel_reference",
                                             "notification.panel", "agencies[1]"]
    correction = entries[2]
    assert (correction["old"], correction["new"], correction["reason"], correction["user"]) == (
        "2025-01-06", "2025-01-07", "the form was sent on the 7th", "officer1")
    assert entries[0]["reason"] is None
    assert set(correction) == {"time", "user", "case", "action", "field", "old", "new",
                               "reason", "line", "verified", "claimed_user"}
    assert correction["verified"] is True and correction["claimed_user"] is None

    rows = list(csv.DictReader(io.StringIO(run("log", "--format", "csv").stdout)))
    assert len(rows) == 5
    assert rows[2]["reason"] == "the form was sent on the 7th"
    added = json.loads(rows[3]["new"])
    assert (added["name"], added["requested"]) == ("West Yorkshire Police", "2025-01-07")


def test_empty_log(run: Run, write_case: Callable[..., Path]) -> None:
    result = run("log")
    assert (result.exit_code, result.stdout) == (0, "No changes recorded yet.\n")
    write_case()
    result = run("log", "2025-001")
    assert (result.exit_code, result.stdout) == (0, "No changes recorded for LSCP-2025-001.\n")
    assert run("log", "--format", "json").stdout == "[]\n"


def test_a_damaged_line_is_named_and_hides_nothing(history: Path, run: Run) -> None:
    lines = history.read_text(encoding="utf-8").splitlines()
    lines.insert(1, '{"time": "2025-01-06T10:00:00+00:00", "case": "LSCP-2025-001", "fie')
    lines.insert(3, '{"time": "x"}')
    history.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = history.read_bytes()
    result = run("log", "LSCP-2025-001", "--format", "json")
    assert result.exit_code == 1
    assert len(json.loads(result.stdout)) == 4
    assert f"{history}:2: is not a JSON record" in result.stderr
    assert f"{history}:4: has no user, case, action, field, old, new" in result.stderr
    assert "LSCP-2025-001\", \"fie" not in result.stderr  # never quotes the line
    assert history.read_bytes() == before


def test_a_bad_case_id_is_refused(run: Run) -> None:
    result = run("log", "../secrets")
    assert result.exit_code == 1
    assert "is not a case id" in result.stderr
