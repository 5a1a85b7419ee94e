"""Fuzz: dates as officers type them and the working-day arithmetic on every date they give.

What must hold: `parse_date` returns a real date or raises `InvalidDate`, never reads a date
month first; `add`, `between` and `add_months` return a date or raise `DateOutOfRange`, and
agree with each other; `lscp workdays` exits 0, 1 or 2, never "unexpected".
"""

from __future__ import annotations

import random
from datetime import date

import pytest
from click.testing import CliRunner

from lscp_cli.cli import cli
from lscp_cli.errors import DateOutOfRange, InvalidDate
from lscp_cli.model.dates import parse_date
from lscp_cli.process.workdays import CALENDAR_FIRST, CALENDAR_LAST, WorkCalendar

from .mutate import SEED, Tally, budget, wanted

SEPARATORS = ["-", "/", ".", " ", "", "--", "\t", "\u2013"]
WORDS = ["today", "yesterday", "tomorrow", "Monday", "Jan", "january", "Sept", "Febuary",
         "31st", "1st", "of", ",", "\x00", "\u202e", "0x10", "٣", "１"]


def _number(rng: random.Random) -> str:
    return rng.choice([
        str(rng.randint(0, 32)), str(rng.randint(0, 13)), f"{rng.randint(0, 99):02d}",
        str(rng.randint(1, 9999)), str(rng.choice([0, 1, 1899, 1900, 2199, 2200, 9999, 10000])),
        "0" * rng.randint(1, 6), "9" * rng.randint(5, 40), "-1", "+1", "1e3",
    ])


def typed_date(rng: random.Random) -> str:
    shape = rng.randrange(5)
    if shape == 0:  # ISO-ish
        return rng.choice(SEPARATORS).join(_number(rng) for _ in range(3))
    if shape == 1:  # UK numeric
        sep = rng.choice(["/", ".", "-"])
        return sep.join([_number(rng), _number(rng), _number(rng)])
    if shape == 2:  # words
        return " ".join(rng.choice([*WORDS, _number(rng)]) for _ in range(rng.randint(1, 5)))
    if shape == 3:  # a real date near the edges, typed in one of the accepted ways
        day = date.fromordinal(rng.randint(date(1, 1, 1).toordinal(), date(9999, 12, 31)
                                           .toordinal()))
        return rng.choice([day.isoformat(), f"{day:%d/%m/%Y}", f"{day.day} {day:%b %Y}"])
    return "".join(rng.choice("0123456789/-. abcJanMay\u00a0") for _ in range(rng.randint(0, 14)))


def test_fuzz_dates(capsys: pytest.CaptureFixture[str]) -> None:
    rng = random.Random(SEED + 2)
    calendar = WorkCalendar()
    tally = Tally("dates", capsys)
    for number in range(budget(400)):
        text = typed_date(rng)
        n = rng.choice([0, 1, -1, 5, 15, -7, 250, -250, 25_000, -25_000])
        months = rng.choice([6, -6, 36])
        if not wanted(number):
            continue
        tally.tried += 1
        label = f"input {number} {text!r} (seed {SEED + 2})"
        try:
            day = parse_date(text)
        except InvalidDate:
            continue
        except Exception as exc:  # noqa: BLE001
            tally.failed(f"{label}: parse_date raised {type(exc).__name__}: {exc}")
            continue
        parts = text.split("/")
        if len(parts) == 3 and parts[0].isdigit() and parts[1].isdigit() and (
                int(parts[1]) != day.month):
            tally.failed(f"{label}: read month first as {day}")
        try:
            due = calendar.add(day, n)
            # n working days are at least n days away, and at most 1.5n (weekends and bank
            # holidays: about 252 working days a year) plus a Christmas.
            if (due - day).days * (1 if n >= 0 else -1) < 0 or not (
                    abs(n) <= abs((due - day).days) <= abs(n) * 1.5 + 20):
                tally.failed(f"{label}: add(d, {n}) = {due}, not {n} working days away")
            start = calendar.add(day, 0)  # from a working day, between inverts add
            if calendar.between(start, calendar.add(start, n)) != n:
                tally.failed(f"{label}: between(start, add(start, {n})) != {n}")
            calendar.add_months(day, months)
        except DateOutOfRange:
            if CALENDAR_FIRST.year + 120 < day.year < CALENDAR_LAST.year - 120:
                tally.failed(f"{label}: {day} + {n} out of range")
        except Exception as exc:  # noqa: BLE001
            tally.failed(f"{label}: arithmetic raised {type(exc).__name__}: {exc}")
        if number % 20 == 0:
            result = CliRunner().invoke(cli, ["workdays", "add", text, str(n)])
            if result.exit_code not in (0, 1, 2) or "unexpected" in result.output or (
                    result.exception and not isinstance(result.exception, SystemExit)):
                tally.failed(f"{label}: lscp workdays add exit {result.exit_code}: "
                             f"{result.output[-200:]}")
    tally.report()
