"""A listing as an Excel workbook (`-o FILE.xlsx`): real date cells, a header row with filters,
column widths to fit, the top row frozen.

Built with openpyxl, imported here only (about 150 ms): only `-o FILE.xlsx` pays for it.
Text is always text: a cell that starts with `=` is never made a formula (OWASP's rule against
formula injection, as for CSV), and control characters are shown by the caller, not stored.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
WIDEST = 60  # characters: a longer text wraps within its cell

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?")
# Excel's sheet names: 31 characters, none of these.
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def cell_value(value: Any) -> Any:
    """What a cell holds: a date or time for ISO text, a number for a number, else text.

    A time with a zone is written as UTC without it (Excel has no zones); the column's header
    says so.
    """
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime | date | int | float) or value is None:
        return value
    text = str(value)
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return text
    if _ISO_TIME.fullmatch(text):
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return text
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        return moment
    return text


def workbook(headers: Sequence[str], rows: Sequence[Sequence[Any]], sheet: str, *,
             notice: str | None = None) -> bytes:
    """The .xlsx file's bytes: one sheet named `sheet`, `headers` in bold with filters, the
    top row frozen, dates and times as real cells, each column as wide as its content.

    `notice` (the listing is not complete) goes in bold red two rows below the data, outside
    the filtered range, so sorting and filtering leave it where it is seen."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    page = book.active
    assert page is not None  # noqa: S101  (a new workbook has one sheet)
    page.title = _NOT_IN_SHEET_NAME.sub("-", sheet)[:31] or "lscp"
    page.append(list(headers))
    for cell in page[1]:
        cell.font = Font(bold=True)
    widths = [len(header) for header in headers]
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, row in enumerate(rows, start=2):
        for column, raw in enumerate(row, start=1):
            value = cell_value(raw)
            cell = page.cell(row=number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
                length = max((len(line) for line in value.splitlines()), default=0)
                if length > WIDEST or "\n" in value:
                    cell.alignment = wrap
            elif isinstance(value, datetime):
                cell.number_format = TIME_FORMAT
                length = len(TIME_FORMAT)
            elif isinstance(value, date):
                cell.number_format = DATE_FORMAT
                length = len(DATE_FORMAT)
            else:
                length = len(str(value)) if value is not None else 0
            widths[column - 1] = max(widths[column - 1], min(length, WIDEST))
    for column, width in enumerate(widths, start=1):
        page.column_dimensions[get_column_letter(column)].width = width + 2
    last = get_column_letter(max(len(headers), 1))
    page.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    page.freeze_panes = "A2"
    if notice:
        cell = page.cell(row=len(rows) + 3, column=1, value=notice)
        cell.data_type = "s"
        cell.font = Font(bold=True, color="B00020")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
