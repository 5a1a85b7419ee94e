"""The one place that prints. Results go to stdout, diagnostics to stderr.

Colour only on a terminal, `NO_COLOR` respected (rich does both); markup and highlighting are
off so brackets and numbers in case text print exactly as typed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

FORMATS = ("table", "json", "csv")


def _width() -> int | None:
    # Piped into a file or another program, a table should not be squeezed to 80 columns.
    if os.environ.get("COLUMNS") or sys.stdout.isatty():
        return None
    return 160


def stdout() -> Console:
    # Built per call so tests that swap sys.stdout (CliRunner) are honoured.
    return Console(file=sys.stdout, markup=False, highlight=False, soft_wrap=False,
                   width=_width())


def stderr() -> Console:
    return Console(file=sys.stderr, markup=False, highlight=False, soft_wrap=True)


def error(message: str) -> None:
    stderr().print(Text("error: ", style="bold red") + Text(message))


def warning(message: str) -> None:
    stderr().print(Text("warning: ", style="yellow") + Text(message))


def info(message: str) -> None:
    stderr().print(Text(message))


def result(message: str, style: str | None = None) -> None:
    """One line of result to stdout (e.g. the id of a new case), never wrapped."""
    stdout().print(Text(message, style=style or ""), soft_wrap=True)


@dataclass(frozen=True)
class Column:
    """One column of a listing: the record key, its header, and how a table shows it."""

    key: str
    header: str
    style: Callable[[Any, dict[str, Any]], str | None] | None = None
    justify: str = "left"
    table: bool = True  # False: only in json/csv
    no_wrap: bool = False  # ids and dates are useless when cut


def to_plain(value: Any) -> Any:
    """JSON-ready value: dates as ISO, tuples as lists."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    return str(value)


def render_records(
    records: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    fmt: str,
    *,
    title: str | None = None,
    empty: str = "Nothing to show.",
    footer: str | None = None,
) -> None:
    """Print a listing as a rich table, JSON (all fields) or CSV (the columns)."""
    out = stdout()
    if fmt == "json":
        out.file.write(json.dumps([to_plain(r) for r in records], indent=2) + "\n")
        return
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([c.key for c in columns])
        for record in records:
            writer.writerow([_cell(record.get(c.key)) for c in columns])
        out.file.write(buffer.getvalue())
        return
    if not records:
        out.print(Text(empty))
        if footer:
            out.print(Text(footer))
        return
    table = Table(title=title, title_justify="left", show_lines=False, header_style="bold")
    shown = [c for c in columns if c.table]
    for column in shown:
        table.add_column(
            column.header,
            justify=column.justify,  # type: ignore[arg-type]
            no_wrap=column.no_wrap,
            min_width=len(column.header) if column.no_wrap else None,
        )
    for record in records:
        cells = []
        for column in shown:
            value = record.get(column.key)
            style = column.style(value, record) if column.style else None
            cells.append(Text(_cell(value), style=style or ""))
        table.add_row(*cells)
    out.print(table)
    if footer:
        out.print(Text(footer))


def print_lines(lines: Iterable[str]) -> None:
    out = stdout()
    for line in lines:
        out.print(Text(line))
