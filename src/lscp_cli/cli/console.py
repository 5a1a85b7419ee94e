"""The one place that prints. Results go to stdout, diagnostics to stderr.

Colour only on a terminal, `NO_COLOR` respected (rich does both); markup and highlighting are
off so brackets and numbers in case text print exactly as typed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from lscp_cli.base import portable
from lscp_cli.base.hostile import CONTROL
from lscp_cli.model.values import to_plain, to_text
from lscp_cli.process.rules import Status

if TYPE_CHECKING:
    from rich.console import Console

FORMATS = ("table", "json", "csv")

# What `-o FILE` writes, by the file's extension (a listing; `deadlines` also takes .ics).
LISTING_EXTENSIONS = {".csv": "csv", ".json": "json", ".xlsx": "xlsx", ".ics": "ics"}

# Deadline statuses in red, amber and green, wherever they are shown.
STATUS_STYLE: dict[str, str] = {
    Status.OVERDUE: "bold red",
    Status.DUE_SOON: "bold yellow",
    Status.PENDING: "green",
    Status.MET: "green",
    Status.MET_LATE: "yellow",
    Status.LAPSED: "dim",
    Status.WITHDRAWN: "dim",
}


def status_style(value: Any, record: dict[str, Any] | None = None) -> str | None:
    """A `Column.style` for a deadline status column."""
    return STATUS_STYLE.get(str(value))


def _stand_in(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ESC shows as ␛
    if code == 0x7F:
        return "\u2421"
    return f"<U+{code:04X}>"


def visible(text: str) -> str:
    """`text` with every control character made visible, safe to print to a terminal."""
    return text if text.isprintable() else CONTROL.sub(_stand_in, text)


# JSON escapes C0 characters itself; these it would write as they are when not ASCII-only.
_JSON_ESCAPES = {code: f"\\u{code:04x}" for code in
                 (0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def json_safe(text: str) -> str:
    """JSON text with DEL, C1 codes and bidi overrides written as \\u escapes (same value)."""
    return text if text.isascii() else text.translate(_JSON_ESCAPES)


def visible_data(value: Any) -> Any:
    """A copy of parsed case data with `visible` applied to every string."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {visible(str(k)): visible_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [visible_data(v) for v in value]
    return value


# OWASP's rule against CSV formula injection: a cell of text that Excel or LibreOffice would
# read as a formula (or that hides one behind a tab or carriage return) gets a leading '.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A CSV cell: `value` as text, neutralised if text that a spreadsheet runs as a formula."""
    text = _cell(value)
    if isinstance(value, int | float | date) or value is None:
        return text  # numbers (negative working days) stay numbers
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def stdout() -> Console:
    # Built per call so tests that swap sys.stdout (CliRunner) are honoured. Imported here:
    # rich costs ~25 ms to import, and listings (the commands run most) do not need it.
    from rich.console import Console

    return Console(file=sys.stdout, markup=False, highlight=False, soft_wrap=False,
                   width=_table_width() or 160)  # piped: not squeezed to rich's 80


def _to_stderr(label: str, style: str, message: str) -> None:
    colour = use_colour(sys.stderr)
    sys.stderr.write(f"{_paint(label, style, colour)}{visible(message)}\n")


def error(message: str) -> None:
    _to_stderr("error: ", "bold red", message)


def warning(message: str) -> None:
    _to_stderr("warning: ", "yellow", message)


def info(message: str) -> None:
    sys.stderr.write(f"{visible(message)}\n")


def result(message: str, style: str | None = None) -> None:
    """One line of result to stdout (e.g. the id of a new case), never wrapped."""
    sys.stdout.write(_paint(visible(message), style, use_colour()) + "\n")


@dataclass(frozen=True)
class Column:
    """One column of a listing: the record key, its header, and how a table shows it."""

    key: str
    header: str
    style: Callable[[Any, dict[str, Any]], str | None] | None = None
    justify: str = "left"
    table: bool = True  # False: only in json/csv
    no_wrap: bool = False  # ids and dates are useless when cut


def _cell(value: Any) -> str:
    """A table or CSV cell: the value as text, control characters made visible."""
    return visible(to_text(value))


_ANSI = {"bold": "1", "dim": "2", "italic": "3", "underline": "4", "red": "31",
         "green": "32", "yellow": "33", "blue": "34", "magenta": "35", "cyan": "36"}


def use_colour(stream: Any = None) -> bool:
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    if not getattr(stream, "isatty", lambda: False)():
        return False

    return portable.colour_supported(stream)  # the old Windows console shows codes, not colour


def _paint(text: str, style: str | None, colour: bool) -> str:
    if not colour or not style:
        return text
    codes = [_ANSI[word] for word in style.split() if word in _ANSI]
    return f"\x1b[{';'.join(codes)}m{text}\x1b[0m" if codes else text


def _table_width() -> int | None:
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 20:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size((100, 24)).columns
    return None  # piped: never wrap, so grep and Excel see whole lines


def format_table(
    records: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    *,
    width: int | None,
    colour: bool,
) -> list[str]:
    """Aligned columns with a rule under the header; long text wraps within its column.

    Hand-rolled rather than rich's Table: a 500-row listing must print in a few milliseconds
    (DESIGN.md section 9), and rich takes a third of a second.
    """
    gap = "  "
    headers = [c.header for c in columns]
    cells = [[_cell(record.get(c.key)) for c in columns] for record in records]
    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)]
    if width is not None:
        floor = [len(h) if c.no_wrap else max(len(h), 10) for h, c in zip(headers, columns,
                                                                               strict=True)]
        floor = [max(f, widths[i]) if columns[i].no_wrap else f for i, f in enumerate(floor)]
        excess = sum(widths) + len(gap) * (len(widths) - 1) - width
        while excess > 0:
            shrinkable = [i for i, w in enumerate(widths) if w > floor[i]]
            if not shrinkable:
                break
            widest = max(shrinkable, key=lambda i: widths[i])
            widths[widest] -= 1
            excess -= 1

    right = [c.justify == "right" for c in columns]

    def line(parts: list[str], styles: list[str | None]) -> str:
        padded = [
            _paint(
                part.rjust(widths[i]) if right[i]
                else part.ljust(widths[i]) if i < len(parts) - 1 else part,
                styles[i], colour,
            )
            for i, part in enumerate(parts)
        ]
        return gap.join(padded).rstrip()

    out = [line(headers, ["bold"] * len(headers)),
           line(["-" * w for w in widths], [None] * len(widths))]
    for record, row in zip(records, cells, strict=True):
        styles = [c.style(record.get(c.key), dict(record)) if c.style else None
                  for c in columns]
        wrapped = [
            textwrap.wrap(text, widths[i], break_long_words=True) or [""]
            if len(text) > widths[i] else [text]
            for i, text in enumerate(row)
        ]
        for depth in range(max(len(w) for w in wrapped)):
            out.append(line([w[depth] if depth < len(w) else "" for w in wrapped], styles))
    return out


def render_records(
    records: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    fmt: str,
    *,
    title: str | None = None,
    empty: str = "Nothing to show.",
    footer: str | None = None,
) -> None:
    """Print a listing as an aligned table, JSON (all fields) or CSV (the columns)."""
    write = sys.stdout.write
    if fmt == "xlsx":
        _write_workbook(records, columns)
        return
    if fmt == "json":
        write(json.dumps([to_plain(r) for r in records], indent=2) + "\n")
        return
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([c.key for c in columns])
        for record in records:
            writer.writerow([csv_cell(record.get(c.key)) for c in columns])
        write(buffer.getvalue())
        return
    colour = use_colour()
    lines: list[str] = []
    if title:
        lines.append(_paint(title, "bold", colour))
    if records:
        lines.extend(format_table(records, [c for c in columns if c.table],
                                  width=_table_width(), colour=colour))
    else:
        lines.append(empty)
    if footer:
        lines.append(footer)
    write("\n".join(lines) + "\n")



def _xlsx_value(value: Any) -> Any:
    """A spreadsheet cell's value: dates, numbers and blanks as they are, the rest as text."""
    if isinstance(value, date | int | float) and not isinstance(value, bool) or value is None:
        return value
    return _cell(value)


def _write_workbook(records: Sequence[dict[str, Any]], columns: Sequence[Column]) -> None:
    """The listing as .xlsx bytes on stdout (only ever a file: `-o FILE.xlsx`)."""
    from lscp_cli.cli.spreadsheet import workbook

    context = click.get_current_context(silent=True)
    sheet = context.info_name if context is not None and context.info_name else "lscp"
    data = workbook([c.header for c in columns],
                    [[_xlsx_value(record.get(c.key)) for c in columns] for record in records],
                    sheet)
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
