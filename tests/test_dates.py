from datetime import date

import pytest

from lscp_cli.errors import InvalidDate
from lscp_cli.model.dates import long_date, parse_date

TODAY = date(2025, 1, 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-01-06", date(2025, 1, 6)),
        ("06/01/2025", date(2025, 1, 6)),
        ("6/1/2025", date(2025, 1, 6)),
        ("6/1/25", date(2025, 1, 6)),
        ("06.01.2025", date(2025, 1, 6)),
        ("06-01-2025", date(2025, 1, 6)),
        ("6 Jan 2025", date(2025, 1, 6)),
        ("6 January 2025", date(2025, 1, 6)),
        ("6th January 2025", date(2025, 1, 6)),
        ("Monday 6 January 2025", date(2025, 1, 6)),
        ("  06/01/2025 ", date(2025, 1, 6)),
        ("29/02/2024", date(2024, 2, 29)),
        ("31/12/2025", date(2025, 12, 31)),
        ("today", TODAY),
        ("Yesterday", date(2025, 1, 9)),
        ("tomorrow", date(2025, 1, 11)),
    ],
)
def test_parse_date_accepts(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("01/13/2025", "read day first"),  # month-first is never chosen
        ("12/31/2025", "read day first"),
        ("31/02/2025", "not a real date"),
        ("29/02/2025", "not a real date"),
        ("2025-13-01", "not a real date"),
        ("3rd of Jan", "not a date"),  # `3rd Jan` is this year's (issue 20)
        ("6 Janvier 2025", "unknown month"),
        ("", "no date given"),
        ("next week", "not a date"),
    ],
)
def test_parse_date_refuses(text: str, message: str) -> None:
    with pytest.raises(InvalidDate, match=message):
        parse_date(text, today=TODAY)


def test_ambiguous_date_is_read_day_first() -> None:
    assert parse_date("03/04/2025") == date(2025, 4, 3)


def test_long_date() -> None:
    assert long_date(date(2025, 1, 6)) == "Monday 6 January 2025"
    assert long_date(date(2026, 12, 28)) == "Monday 28 December 2026"
