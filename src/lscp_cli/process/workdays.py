"""Working days in England: the calendar and the arithmetic every deadline rests on.

A working day is Monday to Friday, except bank holidays in England and Wales and, for local
deadlines only, the partnership's office closure days (`WorkCalendar.national` leaves them out);
`lscp.toml` may also open a day the calendar would close.

Bank holidays come from workalendar's `UnitedKingdom` calendar plus `CORRECTIONS` (what the
library's last release does not know). Importing workalendar costs about 80 ms, more than a
whole `lscp` command may spend, so the holidays for `TABLE_YEARS` are shipped precomputed in
`data/bank_holidays.tsv` (written by `scripts/generate_bank_holidays.py`; a test checks it
against workalendar year by year) and workalendar is imported only for years outside it. The
table is tab-separated text rather than TOML because tomllib takes 4 ms to read it, and a
split per line a tenth of that.

Counting (DESIGN.md section 5), for `WorkCalendar.add(event, n)`:

* The event's date is day 0 and an N working-day deadline is the Nth working day after it,
  whatever day the event fell on: the first working day after the event is day 1 (Civil
  Procedure Rules 2.8; FOIA s10 as the ICO reads it). Aware on Saturday 4 January 2025, +5
  working days is Friday 10 January; aware on Easter Monday 21 April 2025, Monday 28 April.
  This is also what workalendar's `add_working_days` gives.
* `non_working_day_is_day_zero` (lscp.toml `[calendar] non_working_day_event =
  "next-working-day-is-day-0"`, for a partnership whose legal advice says so) keeps lscp's
  old reading: an event on a non-working day counts from the next working day as day 0, so
  Saturday 4 January 2025 + 5 is Monday 13 January. Weekday events are the same either way.
* With `event_day_is_day_one`, the event's date, when it is a working day, is day 1, so every
  deadline is one working day earlier; a weekend event makes the next working day day 1.
* Counting back (negative n, e.g. 7 working days before publication) gives the Nth working
  day strictly before the date, whatever the date is; `event_day_is_day_one` does not apply
  because the date counted back from is not an event that starts a clock.
* `between(a, b)` is the number of working days after `a` up to and including `b`, the
  definition of a deadline's `working_days_left`; so `between(a, add(a, n)) == n` whenever
  `a` is a working day.

The arithmetic is a bisect over a sorted list of working-day ordinals, built once per calendar
for the years in use (about 250 entries a year) and extended when a date falls outside it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from lscp_cli.errors import DateOutOfRange

# The years shipped in data/bank_holidays.tsv; outside them workalendar is asked directly.
TABLE_YEARS = range(2000, 2061)

# Bank holidays in England and Wales that workalendar 17.0.0 (its last release) lacks.
CORRECTIONS: dict[date, str] = {
    date(2023, 5, 8): "Coronation of King Charles III",
}

CLOSED_REASON = "office closed (lscp.toml)"
EXTRA_REASON = "bank holiday (lscp.toml extra_bank_holidays)"

# The dates working days are counted for. Wider than the dates a case file may hold
# (`casefields.FIRST_DATE` to `casefields.LAST_DATE`) by more than any rule's offset, so no
# deadline of a valid case falls outside; beyond them the answer would be wrong (year 1) or
# overflow (year 9999), so `DateOutOfRange` is raised instead.
CALENDAR_FIRST = date(1800, 1, 1)
CALENDAR_LAST = date(2399, 12, 31)
_FIRST_ORDINAL = CALENDAR_FIRST.toordinal()
_LAST_ORDINAL = CALENDAR_LAST.toordinal()


def out_of_range(d: date | str) -> DateOutOfRange:
    shown = d.isoformat() if isinstance(d, date) else d
    return DateOutOfRange(
        f"{shown} is outside the calendar: working days are counted only from "
        f"{CALENDAR_FIRST.year} to {CALENDAR_LAST.year}; check the date"
    )


def check_in_calendar(*days: date) -> None:
    for d in days:
        if not _FIRST_ORDINAL <= d.toordinal() <= _LAST_ORDINAL:
            raise out_of_range(d)


# How many years either side of a requested date the working-day list is built for, so that
# a run of nearby dates (a casebook's deadlines) extends it at most once.
_MARGIN_YEARS = 2


def workalendar_holidays(year: int) -> list[tuple[date, str]]:
    """Weekday bank holidays of `year` from workalendar plus `CORRECTIONS`, named for officers.

    The generator script writes the shipped table from this, and years outside the table use
    it at run time, so both always agree.
    """
    from workalendar.europe import UnitedKingdom

    names: dict[date, list[str]] = {}
    for day, name in UnitedKingdom().holidays(year):
        names.setdefault(day, []).append(str(name))
    for day, name in CORRECTIONS.items():
        if day.year == year:
            names.setdefault(day, []).append(name)
    return [
        (day, _officer_name(day_names))
        for day, day_names in sorted(names.items())
        if day.weekday() < 5
    ]


def _officer_name(names: list[str]) -> str:
    """One readable name for a date workalendar may list twice ("Boxing Day", "Christmas Shift")."""
    plain = [n for n in names if not n.lower().endswith(" shift")]
    if plain:
        return _RENAMED.get(plain[0], plain[0])
    shifted = names[0][: -len(" shift")]
    return f"{_RENAMED.get(shifted, shifted)} (substitute day)"


def months_after(d: date, months: int) -> date:
    """The same day of the month `months` later (earlier if negative), in plain calendar terms.

    The day is clamped to the end of a shorter month: 31 August + 6 months is 28 February, or
    29 in a leap year (as dateutil's relativedelta, which the tests use as the reference). The
    one place lscp adds months; `WorkCalendar.add_months` moves the result to a working day.
    """
    check_in_calendar(d)
    year, month_index = divmod(d.year * 12 + d.month - 1 + months, 12)
    month = month_index + 1
    try:
        next_month = date(year + month // 12, month % 12 + 1, 1)
        shifted = date(year, month, min(d.day, (next_month - timedelta(days=1)).day))
    except (OverflowError, ValueError):
        raise out_of_range(d) from None
    check_in_calendar(shifted)
    return shifted


# workalendar's names where gov.uk's differ.
_RENAMED = {
    "New year": "New Year's Day",
    "New Year": "New Year's Day",
    "Christmas": "Christmas Day",
}


HOLIDAY_TABLE = Path(__file__).parent / "data" / "bank_holidays.tsv"


@cache
def shipped_holidays() -> dict[int, list[tuple[date, str]]]:
    """The precomputed table, by year."""
    # A plain path, not importlib.resources: that import alone costs 4 ms, and lscp is
    # installed as files, never run from a zip.
    by_year: dict[int, list[tuple[date, str]]] = {year: [] for year in TABLE_YEARS}
    for line in HOLIDAY_TABLE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            iso, name = line.split("\t", 1)
            day = date.fromisoformat(iso)
            by_year[day.year].append((day, name))
    return by_year


@cache
def bank_holidays(year: int) -> tuple[tuple[date, str], ...]:
    """Weekday bank holidays in England and Wales in `year`, with their names."""
    if year in TABLE_YEARS:
        return tuple(shipped_holidays()[year])
    if not CALENDAR_FIRST.year <= year <= CALENDAR_LAST.year:
        raise out_of_range(str(year))
    return tuple(workalendar_holidays(year))


@cache
def _holiday_dates(year: int) -> frozenset[date]:
    return frozenset(day for day, _ in bank_holidays(year))


class WorkCalendar:
    """Working days for one partnership: bank holidays plus its `lscp.toml` `[calendar]`.

    `open` days are working days even if a bank holiday or a weekend; `closed` days are not
    working days even if also listed in `open` (an office that is shut cannot receive).
    Office closures count for local deadlines only: `national` is the same calendar without
    them, for the national deadlines (the ICO: privilege days "do not count as non-working
    days").
    """

    def __init__(
        self,
        *,
        closed: Iterable[date] = (),
        open: Iterable[date] = (),  # noqa: A002  (the lscp.toml key)
        extra_bank_holidays: Iterable[date] = (),
        event_day_is_day_one: bool = False,
        non_working_day_is_day_zero: bool = False,
    ) -> None:
        self.closed = frozenset(closed)
        self.non_working_day_is_day_zero = non_working_day_is_day_zero
        self.open = frozenset(open) - self.closed
        self.extra_bank_holidays = frozenset(extra_bank_holidays)
        self.event_day_is_day_one = event_day_is_day_one
        self._first_year = 0
        self._last_year = -1
        # Sorted ordinals of every working day from 1 January of _first_year to 31 December
        # of _last_year (ordinals _low to _high).
        self._working: list[int] = []
        self._low = 1
        self._high = 0
        self._national: WorkCalendar | None = None if self.closed else self

    @property
    def national(self) -> WorkCalendar:
        """This calendar without the office closures (`closed`): national deadlines count
        working days so, as the ICO reads "working day" for a statutory period."""
        if self._national is None:
            self._national = WorkCalendar(
                open=self.open,
                extra_bank_holidays=self.extra_bank_holidays,
                event_day_is_day_one=self.event_day_is_day_one,
                non_working_day_is_day_zero=self.non_working_day_is_day_zero,
            )
        return self._national

    # -- the table ------------------------------------------------------------------------

    def _cover(self, *days: date) -> None:
        check_in_calendar(*days)
        first = min(d.year for d in days)
        last = max(d.year for d in days)
        if self._first_year <= first and last <= self._last_year:
            return
        # The margin stops at the shipped table's edges, so that dates inside it never
        # need workalendar.
        first_year = first - _MARGIN_YEARS
        if first in TABLE_YEARS:
            first_year = max(first_year, TABLE_YEARS[0])
        last_year = last + _MARGIN_YEARS
        if last in TABLE_YEARS:
            last_year = min(last_year, TABLE_YEARS[-1])
        if self._first_year <= self._last_year:
            first_year = min(first_year, self._first_year)
            last_year = max(last_year, self._last_year)
        self._build(max(first_year, CALENDAR_FIRST.year), min(last_year, CALENDAR_LAST.year))

    def _build(self, first_year: int, last_year: int) -> None:
        non_working: set[int] = {d.toordinal() for d in self.closed}
        for year in range(first_year, last_year + 1):
            non_working.update(d.toordinal() for d, _ in bank_holidays(year))
        non_working.update(d.toordinal() for d in self.extra_bank_holidays)
        opened = {d.toordinal() for d in self.open}
        start = date(first_year, 1, 1).toordinal()
        end = date(last_year, 12, 31).toordinal()
        # date.toordinal() % 7 is 1 for Monday ... 5 for Friday, 6 and 0 for the weekend.
        self._working = [
            o
            for o in range(start, end + 1)
            if (0 < o % 7 < 6 and o not in non_working) or o in opened
        ]
        self._first_year, self._last_year = first_year, last_year
        self._low, self._high = start, end

    def _at(self, index: int, start: date) -> date:
        """The working day at `index` in the table, extending the table to reach it."""
        while index < 0 or index >= len(self._working):
            years = abs(index) // 240 + 1 if index < 0 else (index - len(self._working)) // 240 + 1
            before = len(self._working)
            if index < 0:
                self._build(max(self._first_year - years, CALENDAR_FIRST.year), self._last_year)
                index += len(self._working) - before
            else:
                self._build(self._first_year, min(self._last_year + years, CALENDAR_LAST.year))
            if len(self._working) == before:
                raise DateOutOfRange(
                    f"counting from {start.isoformat()} goes outside the calendar: working "
                    f"days are counted only from {CALENDAR_FIRST.year} to "
                    f"{CALENDAR_LAST.year}; check the date and the number of days"
                )
        return date.fromordinal(self._working[index])

    # -- questions ------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        # From the rules, not the table: tests use it as the slow reference for the table.
        if d in self.closed:
            return False
        if d in self.open:
            return True
        if d.weekday() >= 5 or d in self.extra_bank_holidays:
            return False
        return d not in _holiday_dates(d.year)

    def add(self, d: date, n: int) -> date:
        """The deadline `n` working days after the event on `d` (before it when `n` < 0).

        `n` = 0 gives `d` itself when it is a working day, else the next working day.
        """
        ordinal = d.toordinal()
        if not self._low <= ordinal <= self._high:
            self._cover(d)
        # The index of `d` if it is a working day, else of the next one.
        index = bisect_left(self._working, ordinal)
        if n > 0 and (
            self.event_day_is_day_one
            or (
                not self.non_working_day_is_day_zero
                and (index >= len(self._working) or self._working[index] != ordinal)
            )
        ):
            # That next working day (or the event's own day) is day 1, not day 0.
            index -= 1
        index += n
        if 0 <= index < len(self._working):
            return date.fromordinal(self._working[index])
        return self._at(index, d)

    def between(self, a: date, b: date) -> int:
        """Working days after `a` up to and including `b`; negative when `b` is before `a`."""
        start, end = a.toordinal(), b.toordinal()
        if not (self._low <= start <= self._high and self._low <= end <= self._high):
            self._cover(a, b)
        return bisect_right(self._working, end) - bisect_right(self._working, start)

    def add_months(self, d: date, months: int) -> date:
        """`months_after(d, months)`, or the next working day when that is not one."""
        return self.next_working_day(months_after(d, months))

    def next_working_day(self, d: date) -> date:
        """`d` if it is a working day, else the next one."""
        return self.add(d, 0)

    def holidays(self, year: int) -> list[tuple[date, str]]:
        """Every weekday of `year` that is not a working day, with the reason."""
        reasons: dict[date, str] = {d: name for d, name in bank_holidays(year)}
        for d in self.extra_bank_holidays:
            if d.year == year:
                reasons.setdefault(d, EXTRA_REASON)
        for d in self.closed:
            if d.year == year:
                reasons[d] = CLOSED_REASON
        return sorted(
            (d, why) for d, why in reasons.items() if d.weekday() < 5 and d not in self.open
        )

