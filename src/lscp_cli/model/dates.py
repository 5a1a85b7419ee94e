"""Reading dates the way an officer types them, and writing them the way letters want them.

Accepted: ISO `2025-01-06`, UK day-first `06/01/2025`, `6/1/25`, `6.1.2025`, `6-1-2025`,
`6 Jan 2025`, `6 January 2025`, `Monday 6 January 2025`, `2025/01/06`, `19 May` (this year),
and the words `today`, `yesterday`,
`tomorrow`. A month-first reading (`01/06/2025` as 6 January) is never chosen.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, timedelta

from lscp_cli.errors import InvalidDate

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_WEEKDAYS = r"(?P<weekday>mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*,?\s+"
_WEEKDAY_NUMBER = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_DAY_SLASH_MONTH = re.compile(r"(\d{1,2})[/.](\d{1,2})")  # 3/11: no year

_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")  # 2025-01-06, 2025/01/06
_NUMERIC = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")
# `19 May`, `Mon 19 May`: this year.
_DAY_MONTH = re.compile(rf"(?:{_WEEKDAYS})?(\d{{1,2}})(?:st|nd|rd|th)?\s+([a-z]+)\.?")
_WORDY = re.compile(rf"(?:{_WEEKDAYS})?(\d{{1,2}})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{{4}})")

HINT = "write it as 2025-01-06 or 06/01/2025 (day first)"


def today() -> date:
    """Today in England, whatever the machine's clock zone (`LSCP_TODAY` pins it for demos)."""
    return _london_today()


def _london_today() -> date:
    pinned = os.environ.get("LSCP_TODAY")
    if pinned:
        try:
            return date.fromisoformat(pinned.strip())
        except ValueError:
            raise InvalidDate(
                f"the environment variable LSCP_TODAY is {pinned[:20]!r}, not a date; set it "
                "as LSCP_TODAY=2026-11-27, or unset it to use today's date"
            ) from None
    try:
        from zoneinfo import ZoneInfo

        return datetime.now(ZoneInfo("Europe/London")).date()
    except (ImportError, KeyError, ValueError):  # no time zone database (Windows without tzdata)
        return datetime.now().astimezone().date()


def parse_date(text: str, *, today: date | None = None) -> date:
    """Read a date typed by an officer; raise `InvalidDate` with a fix-it message."""
    cleaned = " ".join(str(text).strip().lower().split())
    if not cleaned:
        raise InvalidDate(f"no date given; {HINT}")
    if cleaned in ("today", "yesterday", "tomorrow"):
        base = today or _london_today()
        return base + timedelta(days={"today": 0, "yesterday": -1, "tomorrow": 1}[cleaned])

    if m := _ISO.fullmatch(cleaned):
        year, month, day = (int(g) for g in m.groups())
        return _build(text, year, month, day)
    if m := _NUMERIC.fullmatch(cleaned):
        day, month = int(m.group(1)), int(m.group(2))
        year = int(m.group(3))
        if len(m.group(3)) == 2:
            year += 2000
        if month > 12 and day <= 12:
            raise InvalidDate(
                f"{text!r} is not a date: dates are read day first, so {month} cannot be "
                f"the month; did you mean {day:02d}/{month:02d} written month first? "
                f"Write it as {year:04d}-{day:02d}-{month:02d} or {month:02d}/{day:02d}/{year}"
            )
        return _build(text, year, month, day)
    if m := _WORDY.fullmatch(cleaned):
        day, month_name, year = int(m.group(2)), m.group(3), int(m.group(4))
        month_number = _MONTHS.get(month_name)
        if month_number is None:
            raise InvalidDate(f"{text!r} is not a date: unknown month {m.group(3)!r}; {HINT}")
        return _on_its_weekday(text, m, _build(text, year, month_number, day))
    if (m := _DAY_MONTH.fullmatch(cleaned)) and m.group(3) in _MONTHS:
        year = (today or _london_today()).year
        return _on_its_weekday(text, m, _build(text, year, _MONTHS[m.group(3)], int(m.group(2))))
    if m := _DAY_SLASH_MONTH.fullmatch(cleaned):
        year = (today or _london_today()).year
        raise InvalidDate(f"{text!r} is not a date: give the year too, e.g. "
                          f"{int(m.group(1)):02d}/{int(m.group(2)):02d}/{year} (day first)")
    raise InvalidDate(f"{text!r} is not a date; {HINT}")


def _on_its_weekday(text: str, match: re.Match[str], built: date) -> date:
    """`Fri 5 Nov` when 5 November is a Thursday: one of the two is a slip; never guess."""
    weekday = match.group("weekday")
    if weekday is not None and (typed := _WEEKDAY_NUMBER[weekday[:3]]) != built.weekday():
        typed_name = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                      "Sunday")[typed]
        raise InvalidDate(f"{text!r} does not agree with itself: {built.day} {built:%B %Y} "
                          f"is a {built:%A}, not a {typed_name}; check the day and the date")
    return built


def _build(text: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise InvalidDate(f"{text!r} is not a real date ({exc}); {HINT}") from None


def long_date(value: date) -> str:
    """`Monday 6 January 2025`, as dates are written in letters."""
    return f"{value:%A} {value.day} {value:%B %Y}"


def short_date(value: date) -> str:
    """`Fri 27 Nov 2026`, as tables for people show a date (JSON, CSV and Excel keep ISO)."""
    return f"{value:%a} {value.day} {value:%b %Y}"
