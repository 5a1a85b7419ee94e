"""The listing renderer: alignment, wrapping within a width, colour only when asked."""

from __future__ import annotations

import pytest

from lscp_cli.cli import console
from lscp_cli.cli.console import Column, format_table

RECORDS = [
    {"id": "LSCP-2025-001", "label": "Information return: Leeds Teaching Hospitals NHS Trust",
     "left": -2, "status": "overdue"},
    {"id": "LSCP-2025-002", "label": "Notify the Panel", "left": 13, "status": "pending"},
]
COLUMNS = [
    Column("id", "Case", no_wrap=True),
    Column("label", "Milestone"),
    Column("left", "WD left", justify="right", no_wrap=True),
    Column("status", "Status", style=lambda v, r: "bold red" if v == "overdue" else None),
]


def test_unlimited_width_keeps_lines_whole() -> None:
    lines = format_table(RECORDS, COLUMNS, width=None, colour=False)
    assert lines[0] == ("Case           Milestone" + " " * 47 + "WD left  Status")
    assert lines[1].startswith("-------------  -----")
    assert lines[2] == ("LSCP-2025-001  Information return: Leeds Teaching Hospitals NHS Trust"
                        "       -2  overdue")
    assert lines[3].endswith("     13  pending")


def test_narrow_width_wraps_text_not_ids() -> None:
    lines = format_table(RECORDS, COLUMNS, width=60, colour=False)
    assert all(len(line) <= 60 for line in lines)
    assert lines[2].startswith("LSCP-2025-001  ")
    assert len(lines) > 4  # the long milestone wrapped onto a second line
    assert "Hospitals NHS Trust" in " ".join(line.strip() for line in lines)


@pytest.mark.parametrize("colour", [True, False])
def test_colour_only_when_asked(colour: bool) -> None:
    text = "\n".join(format_table(RECORDS, COLUMNS, width=None, colour=colour))
    assert ("\x1b[1;31moverdue" in text) is colour
    assert ("\x1b" in text) is colour


def test_no_colour_when_no_color_set_even_on_a_terminal(monkeypatch) -> None:
    import sys

    from lscp_cli.cli import console

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    assert console.use_colour() is False
    monkeypatch.delenv("NO_COLOR")
    assert console.use_colour() is True


def test_every_deadline_status_has_a_colour() -> None:
    from lscp_cli.process.rules import Status

    assert set(console.STATUS_STYLE) == set(Status)
    assert console.status_style(Status.OVERDUE) == "bold red"
    assert console.status_style("due-soon") == "bold yellow"  # a CSV/JSON value reads the same
