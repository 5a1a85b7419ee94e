"""The one place that prints. Results go to stdout, diagnostics to stderr.

Colour only on a terminal, `NO_COLOR` respected (rich does both); markup and highlighting are
off so brackets and numbers in case text print exactly as typed.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
import textwrap
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from lscp_cli.base import portable
from lscp_cli.base.hostile import CONTROL
from lscp_cli.base.records import dataclass
from lscp_cli.errors import InvalidFile
from lscp_cli.model.dates import short_date
from lscp_cli.model.values import to_plain, to_text
from lscp_cli.process.rules import Status

if TYPE_CHECKING:
    import click
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
    Status.CLOSED: "dim",
    Status.MISSED: "red",
    Status.IN_DOUBT: "bold magenta",
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
                   width=table_width() or 160)  # piped: not squeezed to rich's 80


def _to_stderr(label: str, style: str, message: str) -> None:
    colour = use_colour(sys.stderr)
    sys.stderr.write(f"{_paint(label, style, colour)}{visible(message)}\n")


def error(message: str) -> None:
    """`error: message` on stderr: the one form of every error lscp and click report."""
    _to_stderr("error: ", "bold red", message)


def warning(message: str) -> None:
    """`warning: message` on stderr (a file's warning: `warning: FILE:LINE: message`)."""
    _to_stderr("warning: ", "yellow", message)


def click_error(exc: click.ClickException) -> None:
    """click's own error (bad usage, a bad value) said as lscp says errors: the usage and
    the hint as click gives them, then `error: ...` where click would say `Error: ...`."""
    import click  # loaded already: only click's errors come here (the fast path has none)

    if isinstance(exc, click.exceptions.NoArgsIsHelpError):
        exc.show()  # the help itself, not an error
        return
    ctx = exc.ctx if isinstance(exc, click.UsageError) else None
    if ctx is not None:
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = f"Try '{ctx.command_path} {ctx.help_option_names[0]}' for help.\n"
        click.echo(f"{ctx.get_usage()}\n{hint}", err=True, color=ctx.color)
    message = exc.format_message()
    if re.match(r"[A-Z][a-z]", message):  # click's "No such option" (not "N must ..."): lscp's
        # messages start in lower case
        message = message[0].lower() + message[1:]
    error(message)


def file_problems(errors: Sequence[InvalidFile]) -> None:
    """What is wrong with the case files behind a report, on stderr after its output: an
    error for each file it could not count (then exit 1), a warning for one counted in doubt
    (`CaseInDoubt`: steps in an impossible order)."""
    for bad in errors:
        say = warning if bad.counted else error
        for problem in bad.problems:
            say(problem.command_line())
    if any(not bad.counted for bad in errors):
        sys.exit(1)


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
    # In a window too narrow for every column: the highest `drop` is left out first (the
    # whole value stays in JSON, CSV and Excel); 0: never left out.
    drop: int = 0
    min_width: int = 10  # wrapped text is not squeezed narrower (unless it is shorter)


def _cell(value: Any) -> str:
    """A CSV cell: the value as text (dates ISO), control characters made visible."""
    return visible(to_text(value))


_ISO_DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d)")


def people_date(text: str) -> str:
    """An ISO date (`2026-11-27`) as a table for people shows it: `Fri 27 Nov 2026`."""
    if (match := _ISO_DATE.fullmatch(text)) is None:
        return text
    try:
        return short_date(date(*map(int, match.groups())))
    except ValueError:
        return text


def _table_cell(value: Any) -> str:
    """A table cell: as in CSV, but a date the UK way (`Fri 27 Nov 2026`)."""
    if isinstance(value, date):
        return short_date(value)
    return people_date(_cell(value))


_ANSI = {"bold": "1", "dim": "2", "italic": "3", "underline": "4", "red": "31",
         "green": "32", "yellow": "33", "blue": "34", "magenta": "35", "cyan": "36"}


def on_terminal() -> bool:
    """stdout is a terminal (a person reads it), not a pipe or file (a script does)."""
    return bool(getattr(sys.stdout, "isatty", lambda: False)())


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


def table_width() -> int | None:
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 20:
        return int(columns)
    if sys.stdout.isatty():
        import shutil  # only on a terminal (with its archive modules, 2 ms a start)

        return shutil.get_terminal_size((100, 24)).columns
    return None  # piped: never wrap, so grep and Excel see whole lines


# A "word" longer than this folds at the column's edge rather than widening the column (a URL).
LONGEST_WORD = 16


# A date (and time) as tables show it, kept on one line when text wraps.
_PEOPLE_DATE = re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4}"
                          r"(?: \d\d:\d\d)?")
_NBSP = "\u00a0"  # textwrap breaks only at ASCII white space


def _longest_word(text: str) -> int:
    """The longest run a column must fit to wrap `text` only at spaces: a word (up to
    LONGEST_WORD: a longer one folds), or a date with what clings to it (`Thu 26 Nov 2026:`)."""
    if " " in text and _PEOPLE_DATE.search(text):
        joined = _PEOPLE_DATE.sub(lambda m: m.group().replace(" ", _NBSP), text)
        dates = [len(word) for word in joined.split(" ") if _NBSP in word]
        return max([min(_longest_word(_PEOPLE_DATE.sub("", text)), LONGEST_WORD), *dates])
    return min(max(map(len, text.split()), default=0), LONGEST_WORD)


def _fit(headers: list[str], cells: list[list[str]], columns: Sequence[Column], width: int
         ) -> tuple[list[int], list[int]]:
    """Which columns to show (their indexes) and how wide, to fit `width`: ids and dates
    (no_wrap) whole, text no narrower than its longest word, so it wraps only at spaces;
    while even that is too wide, the column with the highest `drop` is left out."""
    gap = 2
    natural = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)]
    floor = []
    for i, column in enumerate(columns):
        header_word = _longest_word(headers[i])
        if column.no_wrap:
            floor.append(max([header_word, *(len(row[i]) for row in cells)]))
        else:
            word = max([header_word, *(_longest_word(row[i]) for row in cells)])
            floor.append(min(natural[i], max(word, column.min_width)))
    shown = list(range(len(columns)))

    def needed(indexes: list[int], sizes: list[int]) -> int:
        return sum(sizes[i] for i in indexes) + gap * (len(indexes) - 1)

    while needed(shown, floor) > width:
        droppable = [i for i in shown if columns[i].drop > 0]
        if not droppable:
            break  # nothing left to leave out: the terminal wraps the longest lines
        shown.remove(max(droppable, key=lambda i: (columns[i].drop, i)))
    widths = list(natural)
    excess = needed(shown, widths) - width
    while excess > 0:
        shrinkable = [i for i in shown if widths[i] > floor[i]]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i] - floor[i])
        widths[widest] -= 1
        excess -= 1
    return shown, widths


def table_fits(records: Sequence[dict[str, Any]], columns: Sequence[Column], width: int
               ) -> bool:
    """Whether `format_table` shows `records` within `width` columns, ids and dates whole and
    text wrapped only at spaces (once the columns that may be are left out)."""
    table = [c for c in columns if c.table]
    cells = [[_table_cell(record.get(c.key)) for c in table] for record in records]
    shown, widths = _fit([c.header for c in table], cells, table, width)
    return sum(widths[i] for i in shown) + 2 * (len(shown) - 1) <= width


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    """`text` in lines of `width`, broken only at spaces (never at a hyphen: case ids and
    event names stay whole, nor inside a date)."""
    if len(text) <= width:
        return [text]
    if " " in text and _PEOPLE_DATE.search(text):
        text = _PEOPLE_DATE.sub(lambda m: m.group().replace(" ", _NBSP), text)
        return [line.replace(_NBSP, " ") for line in _wrap(text, width, indent)]
    lead = text[: len(text) - len(text.lstrip())]
    return textwrap.wrap(text, width, break_on_hyphens=False,
                         subsequent_indent=lead + indent) or [""]


def format_table(
    records: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    *,
    width: int | None,
    colour: bool,
) -> list[str]:
    """Aligned columns with a rule under the header; long text wraps at spaces within its
    column; in a narrow window less important columns are left out (`Column.drop`).

    Hand-rolled rather than rich's Table: a 500-row listing must print in a few milliseconds
    (DESIGN.md section 9), and rich takes a third of a second.
    """
    gap = "  "
    headers = [c.header for c in columns]
    cells = [[_table_cell(record.get(c.key)) for c in columns] for record in records]
    if width is None:
        shown = list(range(len(columns)))
        widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)]
    else:
        shown, widths = _fit(headers, cells, columns, width)
    last = shown[-1] if shown else -1
    right = [c.justify == "right" for c in columns]

    def line(parts: list[str], styles: list[str | None]) -> str:
        padded = [
            _paint(
                parts[i].rjust(widths[i]) if right[i]
                else parts[i].ljust(widths[i]) if i != last else parts[i],
                styles[i], colour,
            )
            for i in shown
        ]
        return gap.join(padded).rstrip()

    def block(texts: list[str], styles: list[str | None]) -> list[str]:
        wrapped = [_wrap(text, widths[i]) if i in shown else [""]
                   for i, text in enumerate(texts)]
        return [line([w[depth] if depth < len(w) else "" for w in wrapped], styles)
                for depth in range(max(len(w) for w in wrapped))]

    out = block(headers, ["bold"] * len(headers))
    out.append(line(["-" * w for w in widths], [None] * len(widths)))
    for record, row in zip(records, cells, strict=True):
        styles = [c.style(record.get(c.key), dict(record)) if c.style else None
                  for c in columns]
        out.extend(block(row, styles))
    return out


def render_records(
    records: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    fmt: str,
    *,
    title: str | None = None,
    empty: str = "Nothing to show.",
    footer: str | None = None,
    incomplete: str | None = None,
) -> None:
    """Print a listing as an aligned table, JSON (all fields) or CSV (the columns).

    `incomplete` (reports/incomplete.py: the case files not counted) goes on the output
    itself where its format has room (the table's last lines, a row below an Excel sheet's
    data) and to stderr where a line would break a parser (JSON, CSV)."""
    write = sys.stdout.write
    if incomplete and fmt in ("json", "csv"):
        warning(incomplete)
    if fmt == "xlsx":
        _write_workbook(records, columns, incomplete)
        return
    if fmt == "json":
        write(json.dumps([to_plain(r) for r in records], indent=2) + "\n")
        return
    if fmt == "csv":
        import csv

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([c.key for c in columns])
        for record in records:
            writer.writerow([csv_cell(record.get(c.key)) for c in columns])
        write(buffer.getvalue())
        return
    colour = use_colour()
    width = table_width()
    lines: list[str] = []
    if title:
        lines.extend(_paint(line, "bold", colour) for line in fold(title, width))
    if records:
        lines.extend(format_table(records, [c for c in columns if c.table],
                                  width=width, colour=colour))
    else:
        lines.extend(fold(empty, width))
    if footer:
        lines.extend(fold(footer, width))
    if incomplete:
        lines.extend(_paint(line, "bold red", colour) for line in fold(incomplete, width))
    write("\n".join(lines) + "\n")


def fold(text: str, width: int | None, indent: str = "") -> list[str]:
    """Lines of `text` (its own line breaks kept) wrapped at spaces to `width`, if any;
    continuation lines indented by `indent`."""
    if width is None:
        return text.split("\n")
    return [part for line in text.split("\n") for part in (_wrap(line, width, indent)
                                                            if line.strip() else [line])]


def _xlsx_value(value: Any) -> Any:
    """A spreadsheet cell's value: dates, numbers and blanks as they are, the rest as text."""
    if isinstance(value, date | int | float) and not isinstance(value, bool) or value is None:
        return value
    return _cell(value)


def _write_workbook(records: Sequence[dict[str, Any]], columns: Sequence[Column],
                    incomplete: str | None = None) -> None:
    """The listing as .xlsx bytes on stdout (only ever a file: `-o FILE.xlsx`)."""
    import click  # only -o FILE.xlsx, which the fast path leaves to click

    from lscp_cli.cli.spreadsheet import workbook

    context = click.get_current_context(silent=True)
    sheet = context.info_name if context is not None and context.info_name else "lscp"
    data = workbook([c.header for c in columns],
                    [[_xlsx_value(record.get(c.key)) for c in columns] for record in records],
                    sheet, notice=incomplete)
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
