"""Case values as text: one rule for how a date, a yes/no, a list or a blank is written.

A table cell and a letter write the same value in two styles (`2025-01-06` / `Monday 6 January
2025`, `yes` / `Yes`, a blank as nothing / `[not recorded]`), but by the same rule, here.
JSON output (listings, `show --format json`, the audit log) gets `to_plain`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, time
from typing import Any

from lscp_cli.base.records import dataclass
from lscp_cli.model.dates import long_date

NOT_RECORDED = "[not recorded]"
UNKNOWN = "unknown"  # a yes/no the officer recorded as not known yet (letters: "Not known")


@dataclass(frozen=True)
class ValueStyle:
    blank: str  # how a value not recorded is written
    yes: str
    no: str
    date: Callable[[date], str]
    separator: str  # between the items of a list


TABLE = ValueStyle(blank="", yes="yes", no="no", date=date.isoformat, separator="; ")
LETTER = ValueStyle(blank=NOT_RECORDED, yes="Yes", no="No", date=long_date, separator=", ")


def is_blank(value: Any) -> bool:
    """Not recorded: None, or empty text, list or table."""
    return value is None or (isinstance(value, str | list | tuple | dict) and not value)


def recorded(value: Any) -> Any:
    """The value, or None for text that is only spaces ("" in a case file: not recorded yet)."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


def to_text(value: Any, style: ValueStyle = TABLE) -> str:
    """A case value as text in `style`: a table cell (the default) or a letter."""
    if is_blank(value):
        return style.blank
    if isinstance(value, bool):
        return style.yes if value else style.no
    if isinstance(value, date):
        return style.date(value)
    if isinstance(value, list | tuple):
        return style.separator.join(to_text(item, style) for item in value)
    return str(value)


def to_plain(value: Any) -> Any:
    """A value as JSON can hold it: dates and times as ISO text, tuples as lists, keys as
    text, nan and inf as text. tomlkit's tables and arrays are dicts and lists, so a case
    document being edited converts too."""
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no nan: NaN in the output would not parse
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    return value
