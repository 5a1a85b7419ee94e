"""Reading TOML fast: tomli's compiled wheel where installed, else the standard tomllib.

tomli is the project tomllib was copied from; its wheels are compiled with mypyc and parse
the same input into the same values, with the same error messages, about 3x faster. Reports
read every case file, so the parser is most of what a cold `lscp deadlines` costs.
"""

from __future__ import annotations

import re
from datetime import date

try:
    from tomli import TOMLDecodeError, loads
except ImportError:  # pragma: no cover - tomli is a dependency; tomllib is the fallback
    from tomllib import TOMLDecodeError, loads  # type: ignore[assignment]

__all__ = ["TOMLDecodeError", "day_first_hint", "error_position", "loads"]


def error_position(exc: TOMLDecodeError) -> tuple[int | None, str]:
    """Line and message of a TOML syntax error (3.11's tomllib only has them in the text)."""
    text = str(exc)
    match = re.search(r"\(at line (\d+), column \d+\)|\(at end of document\)", text)
    message = text[: match.start()].strip() if match else text
    line = int(match.group(1)) if match and match.group(1) else None
    return line, message


# A date typed the UK way, not in quotes: TOML reads only 2025-12-24 as a date.
_DAY_FIRST = re.compile(r"(?<![\w.:/-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\w:/-])")
_QUOTED = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'[^']*'")


def day_first_hint(text: str, line: int | None) -> str | None:
    """Why a TOML line fails when it holds a bare day-first date (`closed = [24/12/2025]`).

    tomllib says only "Unclosed array" or "Expected newline"; this names the date and how to
    write it. None when the line holds no such date (outside quotes and comments).
    """
    lines = text.splitlines()
    if line is None or not 1 <= line <= len(lines):
        return None
    code = _QUOTED.sub('""', lines[line - 1]).split("#", 1)[0]
    match = _DAY_FIRST.search(code)
    if match is None:
        return None
    day, month, year = int(match.group(1)), int(match.group(3)), match.group(4)
    year_number = int(year) + (2000 if len(year) == 2 else 0)
    try:
        iso = date(year_number, month, day).isoformat()
    except ValueError:
        iso = "YYYY-MM-DD"
    return (f"{match.group(0)} is a day-first date: TOML dates are written {iso} "
            "(year-month-day, no quotes)")
