"""The working-day calendar: real bank holidays, the counting convention, and fast arithmetic."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from lscp_cli.model.casefields import FIRST_DATE, LAST_DATE
from lscp_cli.process.workdays import (
    CLOSED_REASON,
    EXTRA_REASON,
    TABLE_YEARS,
    WorkCalendar,
    bank_holidays,
    months_after,
    shipped_holidays,
    workalendar_holidays,
)

D = date
ENGLAND = WorkCalendar()
DAY_ONE = WorkCalendar(event_day_is_day_one=True)
# The old convention, a named lscp.toml choice: a non-working event day's next working day is 0.
DAY_ZERO = WorkCalendar(non_working_day_is_day_zero=True)
# An office shut between Christmas and New Year 2025, open on Boxing Day 2024 and on one
# Saturday, with a one-off bank holiday the library does not know.
PARTNERSHIP = WorkCalendar(
    closed=[D(2025, 12, 29), D(2025, 12, 30), D(2025, 12, 31)],
    open=[D(2024, 12, 26), D(2025, 3, 1)],
    extra_bank_holidays=[D(2025, 6, 6)],
)


def slow_add(calendar: WorkCalendar, d: date, n: int) -> date:
    """Day by day, straight from the words of DESIGN.md section 5."""
    day = d
    if n < 0:
        step = timedelta(days=-1)
    else:
        step = timedelta(days=1)
        # The Nth working day after the event, whatever day the event fell on; only n = 0
        # and the two named conventions roll a non-working event day forward first.
        if n == 0 or calendar.event_day_is_day_one or calendar.non_working_day_is_day_zero:
            while not calendar.is_working_day(day):
                day += step
        if n > 0 and calendar.event_day_is_day_one:
            n -= 1
    for _ in range(abs(n)):
        day += step
        while not calendar.is_working_day(day):
            day += step
    return day


def slow_between(calendar: WorkCalendar, a: date, b: date) -> int:
    low, high, sign = (a, b, 1) if a <= b else (b, a, -1)
    count, day = 0, low + timedelta(days=1)
    while day <= high:
        count += calendar.is_working_day(day)
        day += timedelta(days=1)
    return sign * count


# -- the bank holidays ------------------------------------------------------------------------


def test_shipped_table_matches_workalendar_with_corrections() -> None:
    table = shipped_holidays()
    assert sorted(table) == list(TABLE_YEARS)
    for year in TABLE_YEARS:
        assert table[year] == workalendar_holidays(year), year


@pytest.mark.parametrize("year", range(2018, 2036))
def test_agrees_with_the_holidays_package(year: int) -> None:
    import holidays

    theirs = {d for d in holidays.UK(subdiv="ENG", years=year) if d.weekday() < 5}
    ours = {d for d, _ in ENGLAND.holidays(year)}
    assert ours == theirs, (sorted(ours - theirs), sorted(theirs - ours))


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2022, 6, 2), "Spring Bank Holiday"),
        (D(2022, 6, 3), "Queen’s Platinum Jubilee bank holiday"),
        (D(2022, 9, 19), "State Funeral of Queen Elizabeth II"),
        (D(2022, 12, 27), "Boxing Day (substitute day)"),
        (D(2023, 5, 8), "Coronation of King Charles III"),
        (D(2026, 12, 28), "Boxing Day (substitute day)"),
        (D(2027, 12, 27), "Christmas Day (substitute day)"),
        (D(2022, 1, 3), "New Year's Day (substitute day)"),
        (D(2025, 4, 18), "Good Friday"),
        (D(2025, 4, 21), "Easter Monday"),
    ],
)
def test_named_bank_holidays(day: date, name: str) -> None:
    assert (day, name) in ENGLAND.holidays(day.year)
    assert not ENGLAND.is_working_day(day)


def test_holidays_lists_weekdays_only_with_reasons() -> None:
    listed = dict(PARTNERSHIP.holidays(2025))
    assert listed[D(2025, 12, 29)] == CLOSED_REASON
    assert listed[D(2025, 6, 6)] == EXTRA_REASON
    assert listed[D(2025, 12, 25)] == "Christmas Day"
    assert all(d.weekday() < 5 for d in listed)
    assert D(2024, 12, 26) not in dict(PARTNERSHIP.holidays(2024))  # opened


def test_years_outside_the_table_ask_workalendar() -> None:
    assert (D(1999, 12, 31), "New Year's Eve") in bank_holidays(1999)  # the Millennium
    assert ENGLAND.add(D(2061, 12, 23), 1) == D(2061, 12, 28)  # Sun 25, Mon 26, Tue 27 off
    assert ENGLAND.add(D(2066, 12, 24), 1) == D(2066, 12, 29)  # Sat 25 to Tue 28 off
    assert ENGLAND.add(D(1999, 12, 30), 1) == D(2000, 1, 4)  # Millennium, New Year substitute


def test_normal_use_never_imports_workalendar() -> None:
    # workalendar costs ~80 ms to import, a third of a command's budget.
    code = (
        "import sys; from datetime import date; from lscp_cli.process.workdays import WorkCalendar;"
        "c = WorkCalendar(); c.add(date(2025, 1, 3), 500); c.holidays(2030);"
        "c.between(date(2001, 1, 1), date(2059, 1, 1));"
        "print('workalendar' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- counting ---------------------------------------------------------------------------------

ADD_CASES = [
    # (event, n, due, why)
    (D(2025, 1, 3), 5, D(2025, 1, 10), "DESIGN example: aware Friday, +5"),
    (D(2025, 1, 6), 15, D(2025, 1, 27), "DESIGN example: Panel notified, +15"),
    (D(2025, 1, 4), 5, D(2025, 1, 10), "Saturday event: Monday is day 1 (issue 8)"),
    (D(2025, 1, 5), 5, D(2025, 1, 10), "Sunday event: Monday is day 1"),
    (D(2025, 1, 4), 0, D(2025, 1, 6), "0 rolls a weekend forward"),
    (D(2025, 1, 3), 0, D(2025, 1, 3), "0 keeps a working day"),
    (D(2024, 12, 20), 5, D(2024, 12, 31), "Christmas 2024"),
    (D(2025, 12, 22), 5, D(2025, 12, 31), "Christmas 2025"),
    (D(2025, 12, 25), 1, D(2025, 12, 29), "event on Christmas Day: the 29th is day 1"),
    (D(2024, 3, 28), 15, D(2024, 4, 22), "Easter 2024"),
    (D(2025, 4, 17), 1, D(2025, 4, 22), "Easter 2025"),
    (D(2025, 4, 21), 5, D(2025, 4, 28), "event on Easter Monday (issue 8)"),
    (D(2022, 6, 1), 1, D(2022, 6, 6), "Platinum Jubilee"),
    (D(2022, 6, 1), 5, D(2022, 6, 10), "Platinum Jubilee"),
    (D(2022, 9, 16), 1, D(2022, 9, 20), "State Funeral"),
    (D(2023, 4, 28), 5, D(2023, 5, 9), "Early May and Coronation"),
    (D(2023, 5, 5), 1, D(2023, 5, 9), "Coronation"),
    (D(2026, 12, 24), 1, D(2026, 12, 29), "Boxing Day 2026 on Saturday: Monday substitute"),
    (D(2027, 12, 24), 1, D(2027, 12, 29), "Christmas and Boxing Day 2027 on the weekend"),
    (D(2021, 12, 31), 1, D(2022, 1, 4), "New Year 2022 on Saturday"),
    (D(2024, 2, 28), 1, D(2024, 2, 29), "leap day is a working day"),
    (D(2024, 2, 28), 2, D(2024, 3, 1), "leap year month end"),
    (D(2025, 2, 27), 2, D(2025, 3, 3), "month end, common year"),
    (D(2025, 1, 31), 1, D(2025, 2, 3), "month end on a Friday"),
    (D(2025, 7, 15), -7, D(2025, 7, 4), "DESIGN example: 7 WD before publication"),
    (D(2025, 7, 5), -1, D(2025, 7, 4), "counting back from a Saturday"),
    (D(2025, 1, 2), -1, D(2024, 12, 31), "counting back over New Year's Day"),
    (D(2023, 5, 9), -1, D(2023, 5, 5), "counting back over the Coronation"),
    (D(2026, 12, 29), -1, D(2026, 12, 24), "counting back over Christmas 2026"),
]


DAY_ONE_CASES = [
    (D(2025, 1, 3), 5, D(2025, 1, 9), "Friday is day 1"),
    (D(2025, 1, 4), 5, D(2025, 1, 10), "Saturday event: Monday is day 1"),
    (D(2025, 1, 3), 1, D(2025, 1, 3), "the event day itself is day 1"),
    (D(2025, 7, 15), -7, D(2025, 7, 4), "counting back is unchanged"),
    (D(2025, 1, 3), 0, D(2025, 1, 3), "0 keeps a working day"),
]

DAY_ZERO_CASES = [
    (D(2025, 1, 4), 5, D(2025, 1, 13), "Saturday event: Monday is day 0"),
    (D(2025, 1, 5), 5, D(2025, 1, 13), "Sunday event: Monday is day 0"),
    (D(2025, 12, 25), 1, D(2025, 12, 30), "event on Christmas Day: the 29th is day 0"),
    (D(2025, 4, 21), 5, D(2025, 4, 29), "event on Easter Monday"),
    (D(2025, 1, 3), 5, D(2025, 1, 10), "a weekday event is the same either way"),
    (D(2025, 7, 15), -7, D(2025, 7, 4), "counting back is unchanged"),
]

PARTNERSHIP_CASES = [
    (D(2025, 12, 22), 5, D(2026, 1, 6), "office shut 29-31 December"),
    (D(2024, 12, 24), 1, D(2024, 12, 26), "open on Boxing Day 2024"),
    (D(2025, 2, 28), 1, D(2025, 3, 1), "open one Saturday"),
    (D(2025, 6, 5), 1, D(2025, 6, 9), "extra bank holiday"),
    (D(2025, 12, 29), 0, D(2026, 1, 2), "event on a closure day rolls past New Year"),
]


@pytest.mark.parametrize(
    ("calendar", "event", "n", "due", "why"),
    [(ENGLAND, *row) for row in ADD_CASES]
    + [(DAY_ONE, *row) for row in DAY_ONE_CASES]
    + [(DAY_ZERO, *row) for row in DAY_ZERO_CASES]
    + [(PARTNERSHIP, *row) for row in PARTNERSHIP_CASES],
)
def test_add(calendar: WorkCalendar, event: date, n: int, due: date, why: str) -> None:
    assert calendar.add(event, n) == due, why
    assert slow_add(calendar, event, n) == due, why


def test_closed_wins_over_open() -> None:
    calendar = WorkCalendar(closed=[D(2025, 3, 3)], open=[D(2025, 3, 3)])
    assert not calendar.is_working_day(D(2025, 3, 3))


@pytest.mark.parametrize(
    ("start", "months", "due", "why"),
    [
        (D(2024, 8, 31), 6, D(2025, 2, 28), "clamped to February's end, a Friday"),
        (D(2023, 8, 31), 6, D(2024, 2, 29), "leap year"),
        (D(2024, 1, 22), 6, D(2024, 7, 22), "plain"),
        (D(2024, 6, 25), 6, D(2024, 12, 27), "Christmas and Boxing Day roll forward"),
        (D(2022, 12, 3), 6, D(2023, 6, 5), "Saturday rolls to Monday"),
        (D(2022, 11, 8), 6, D(2023, 5, 9), "Coronation rolls forward"),
        (D(2025, 3, 31), -1, D(2025, 2, 28), "negative months"),
    ],
)
def test_add_months(start: date, months: int, due: date, why: str) -> None:
    assert ENGLAND.add_months(start, months) == due, why


@pytest.mark.parametrize(
    ("a", "b", "days"),
    [
        (D(2025, 1, 3), D(2025, 1, 10), 5),
        (D(2025, 1, 10), D(2025, 1, 10), 0),
        (D(2025, 1, 10), D(2025, 1, 3), -5),
        (D(2024, 12, 20), D(2024, 12, 31), 5),
        (D(2025, 1, 4), D(2025, 1, 6), 1),  # Saturday to Monday
        (D(2025, 1, 3), D(2025, 1, 5), 0),  # Friday to Sunday
        (D(2025, 1, 5), D(2025, 1, 3), 0),  # Sunday back to Friday
        (D(2025, 1, 6), D(2025, 1, 3), -1),  # Monday back to Friday: one day late
        (D(2027, 12, 24), D(2027, 12, 29), 1),
        (D(2023, 5, 5), D(2023, 5, 9), 1),
    ],
)
def test_between(a: date, b: date, days: int) -> None:
    assert ENGLAND.between(a, b) == days
    assert slow_between(ENGLAND, a, b) == days


def test_work_calendar_from_settings() -> None:
    from lscp_cli.process.settings import CalendarSettings, Settings

    settings = Settings(
        calendar=CalendarSettings(closed=(D(2025, 1, 6),), event_day_is_day_one=True)
    )
    calendar = settings.calendar.work_calendar()
    assert calendar.event_day_is_day_one
    assert not calendar.is_working_day(D(2025, 1, 6))
    assert calendar.add(D(2025, 1, 3), 2) == D(2025, 1, 7)


# -- the fast arithmetic equals the slow reference --------------------------------------------

# Every date a case file can hold (far beyond the shipped table, so the workalendar fallback
# is exercised too), and the table's edges on purpose: a uniform draw over three centuries
# would seldom land near them.
DATES = st.one_of(
    st.dates(min_value=FIRST_DATE, max_value=LAST_DATE),
    st.dates(min_value=D(1996, 1, 1), max_value=D(2064, 12, 31)),
)
CALENDARS = st.sampled_from([ENGLAND, DAY_ONE, DAY_ZERO, PARTNERSHIP])


@settings(max_examples=400, deadline=None)
@given(calendar=CALENDARS, event=DATES, n=st.integers(min_value=-400, max_value=400))
def test_add_equals_slow_reference(calendar: WorkCalendar, event: date, n: int) -> None:
    assert calendar.add(event, n) == slow_add(calendar, event, n)


@settings(max_examples=300, deadline=None)
@given(
    calendar=CALENDARS,
    a=DATES,
    offset=st.integers(min_value=-800, max_value=800),
)
def test_between_equals_slow_reference(calendar: WorkCalendar, a: date, offset: int) -> None:
    b = a + timedelta(days=offset)
    assert calendar.between(a, b) == slow_between(calendar, a, b)


@settings(max_examples=300, deadline=None)
@given(event=DATES, n=st.integers(min_value=-2000, max_value=2000))
def test_between_inverts_add_from_a_working_day(event: date, n: int) -> None:
    start = ENGLAND.add(event, 0)
    assert ENGLAND.between(start, ENGLAND.add(start, n)) == n


@settings(max_examples=100, deadline=None)
@given(event=DATES, n=st.integers(min_value=-3000, max_value=3000))
def test_a_fresh_calendar_extends_its_table(event: date, n: int) -> None:
    # A new calendar builds its table around the first date it sees; a long count must
    # extend it rather than fall off its end.
    assert WorkCalendar().add(event, n) == ENGLAND.add(event, n)


# dateutil is the slow reference: lscp adds months itself (no import at run time).
@given(st.dates(min_value=FIRST_DATE, max_value=LAST_DATE),
       st.integers(min_value=-600, max_value=600))
def test_months_after_equals_relativedelta(d: date, months: int) -> None:
    assert months_after(d, months) == d + relativedelta(months=months)
