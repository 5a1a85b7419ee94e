"""`lscp deadlines --format ics`: reminders in working days, cancellations under the same UID."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

Run = Callable[..., Result]
WriteCase = Callable[..., Path]

# Fictional. Aware Friday 3 January 2025: Panel and partners due Friday 10 January. The Panel
# was notified on Monday 6th (met); the partners never were; one agency request is open and
# due Monday 13 January; one action is due Monday 3 March 2025.
CASE = """\
schema = 1
id = "LSCP-2025-001"

[incident]
type = "serious-harm"
aware = 2025-01-03

[[children]]
initials = "A.B."

[notification]
panel = 2025-01-06

[[agencies]]
name = "West Yorkshire Police"
requested = 2025-01-06

[[actions]]
text = "Refresh the bruising protocol"
owner = "LSCP Business Unit"
due = 2025-03-03
"""

# Withdrawn by the first --as-of below (a report as of a date reads the case as it stood then).
WITHDRAWN = """\
schema = 1
id = "LSCP-2025-002"
withdrawn = 2025-01-07
withdrawn_reason = "Did not meet the criteria"

[incident]
type = "death"
aware = 2025-01-06

[[children]]
initials = "C.D."
"""


def events(result: Result) -> dict[str, Any]:
    from icalendar import Calendar

    assert result.exit_code == 0, result.output
    return {str(e["UID"]): e for e in Calendar.from_ical(result.stdout).walk("VEVENT")}


def test_reminder_three_working_days_before_by_default(run: Run, write_case: WriteCase) -> None:
    write_case(CASE)
    found = events(run("deadlines", "--as-of", "2025-01-07", "--format", "ics"))
    partners = found["LSCP-2025-001/partners-notification@lscp"]
    assert str(partners["STATUS"]) == "CONFIRMED"
    (alarm,) = partners.walk("VALARM")
    # Due Friday 10 January; 3 working days before is Tuesday 7 January, 09:00.
    assert alarm["TRIGGER"].dt == -timedelta(days=3) + timedelta(hours=9)
    assert str(alarm["ACTION"]) == "DISPLAY"
    # Due Monday 13 January: 3 working days before is Wednesday 8th, across the weekend.
    agency = found["LSCP-2025-001/agency-return/west-yorkshire-police@lscp"]
    (alarm,) = agency.walk("VALARM")
    assert alarm["TRIGGER"].dt == -timedelta(days=5) + timedelta(hours=9)


def test_reminder_days_come_from_lscp_toml_and_skip_bank_holidays(
    run: Run, write_case: WriteCase, casebook_dir: Path
) -> None:
    write_case(CASE)
    (casebook_dir / "lscp.toml").write_text(
        "[calendar]\nreminder_working_days = 1\nclosed = [2025-02-28]\n", encoding="utf-8")
    found = events(run("deadlines", "--as-of", "2025-01-07", "--format", "ics"))
    (alarm,) = found["LSCP-2025-001/action/1@lscp"].walk("VALARM")
    # Due Monday 3 March; Friday 28 February is an office closure: Thursday 27th, 09:00.
    assert alarm["TRIGGER"].dt == -timedelta(days=4) + timedelta(hours=9)
    (casebook_dir / "lscp.toml").write_text("[calendar]\nreminder_working_days = -1\n",
                                           encoding="utf-8")
    refused = run("deadlines", "--format", "ics")
    assert refused.exit_code == 1
    assert "reminder_working_days" in refused.stderr and "0 to 30" in refused.stderr


def test_met_and_withdrawn_deadlines_are_cancelled_under_the_same_uid(
    run: Run, write_case: WriteCase
) -> None:
    write_case(CASE)
    write_case(WITHDRAWN, "LSCP-2025-002")
    before = events(run("deadlines", "--as-of", "2025-01-07", "--format", "ics"))
    agency_uid = "LSCP-2025-001/agency-return/west-yorkshire-police@lscp"
    assert str(before[agency_uid]["STATUS"]) == "CONFIRMED"
    panel = before["LSCP-2025-001/panel-notification@lscp"]
    assert str(panel["STATUS"]) == "CANCELLED"  # met on the 6th
    assert not panel.walk("VALARM")
    withdrawn = [e for uid, e in before.items() if uid.startswith("LSCP-2025-002/")]
    assert withdrawn and all(str(e["STATUS"]) == "CANCELLED" for e in withdrawn)

    result = run("record", "LSCP-2025-001", "agency-returned", "2025-01-08",
                 "--agency", "west yorkshire police")
    assert result.exit_code == 0, result.output
    after = events(run("deadlines", "--as-of", "2025-01-09", "--format", "ics"))
    assert set(after) == set(before)  # same UIDs: re-importing updates, never duplicates
    assert str(after[agency_uid]["STATUS"]) == "CANCELLED"
    assert int(after[agency_uid]["SEQUENCE"]) > int(before[agency_uid]["SEQUENCE"])


def test_filters_never_drop_a_cancellation(run: Run, write_case: WriteCase) -> None:
    write_case(CASE)
    found = events(run("deadlines", "--as-of", "2025-01-14", "--overdue", "--format", "ics"))
    live = {uid for uid, e in found.items() if str(e["STATUS"]) != "CANCELLED"}
    assert live == {"LSCP-2025-001/partners-notification@lscp",
                    "LSCP-2025-001/agency-return/west-yorkshire-police@lscp"}
    assert str(found["LSCP-2025-001/panel-notification@lscp"]["STATUS"]) == "CANCELLED"


def test_text_is_escaped_and_long_lines_folded_so_outlook_reads_it_back(
    run: Run, write_case: WriteCase
) -> None:
    name = "Leeds Teaching Hospitals; Paediatrics, Café \\ Ward 3 " + "é" * 60
    write_case(CASE.replace("West Yorkshire Police", name.replace("\\", "\\\\")))
    result = run("deadlines", "--as-of", "2025-01-07", "--format", "ics")
    raw = result.stdout_bytes
    assert raw.endswith(b"END:VCALENDAR\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded, in octets
    raw.decode("utf-8")  # never cut inside a character
    unfolded = raw.replace(b"\r\n ", b"").decode("utf-8")
    assert "Teaching Hospitals\\; Paediatrics\\, Café \\\\ Ward" in unfolded
    found = events(result)
    agency = next(e for uid, e in found.items() if "/agency-return/" in uid)
    assert str(agency["SUMMARY"]) == f"LSCP-2025-001: Information return: {name}"
    rows = json.loads(run("deadlines", "--as-of", "2025-01-07", "--format", "json").stdout)
    row = next(r for r in rows if r["milestone"] == "agency-return")
    assert len(row["source"]) > 75  # a long ASCII line, folded and read back whole
    assert str(agency["DESCRIPTION"]) == f"Due: {row['basis']}.\nSource: {row['source']}"


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(hours=9), "PT9H"),
        (-timedelta(days=3) + timedelta(hours=9), "-P2DT15H"),
        (-timedelta(days=5), "-P5D"),
        (timedelta(0), "P0D"),
        (timedelta(minutes=30), "PT30M"),
    ],
)
def test_durations(delta: timedelta, text: str) -> None:
    from lscp_cli.reports.calendar_feed import _duration

    assert _duration(delta) == text
