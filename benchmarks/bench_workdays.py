"""Working-day arithmetic: lscp's table against workalendar's `add_working_days` (DESIGN.md 9).

Budget: at least 20x faster, with identical results. Run: python benchmarks/bench_workdays.py

Both get the same inputs (random dates 2000-2055, every day of the week, and counts of
-300 to 300 working days) and workalendar gets lscp's corrections (the 2023 Coronation) as
extra holidays. Results must be identical, except where lscp's counting convention differs
on purpose: a count forward from a non-working day starts from the next working day as
day 0, which is workalendar's count plus one (checked too).
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta

from lscp_cli.process.workdays import CORRECTIONS, WorkCalendar

CALLS = 20_000
REPEATS = 5


def best_of(repeats: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    from workalendar.europe import UnitedKingdom

    rng = random.Random(2025)
    first, span = date(2000, 1, 1), (date(2055, 12, 31) - date(2000, 1, 1)).days
    inputs = [
        (first + timedelta(days=rng.randrange(span)), rng.choice([-1, 1]) * rng.randint(1, 300))
        for _ in range(CALLS)
    ]
    ours = WorkCalendar()
    theirs = UnitedKingdom()
    extra = list(CORRECTIONS)

    def run_ours() -> list[date]:
        return [ours.add(d, n) for d, n in inputs]

    def run_theirs() -> list[date]:
        return [theirs.add_working_days(d, n, extra_holidays=extra) for d, n in inputs]

    # Correctness first, and it warms both libraries' caches.
    got, expected = run_ours(), run_theirs()
    differences = 0
    # Since issue 8 lscp counts a non-working event day's next working day as day 1, as
    # workalendar does: every result should be identical, weekend starts included.
    for (d, n), mine, reference in zip(inputs, got, expected, strict=True):
        if mine != reference:
            differences += 1
            if differences <= 5:
                print(f"DIFFERENT: {d} {n:+d}: lscp {mine}, workalendar {reference}")
    weekend_starts = sum(1 for d, n in inputs if n > 0 and not ours.is_working_day(d))

    cold_start = time.perf_counter()
    WorkCalendar().add(date(2025, 1, 3), 5)
    cold = time.perf_counter() - cold_start
    ours_time = best_of(REPEATS, run_ours)
    theirs_time = best_of(REPEATS, run_theirs)

    print(f"inputs: {CALLS} additions, dates 2000-2055, -300..300 working days")
    print(
        f"identical results: {CALLS - differences}/{CALLS} "
        f"({weekend_starts} of them forward from a non-working day)"
    )
    print(f"lscp WorkCalendar.add:          {ours_time * 1e6 / CALLS:8.2f} us/call")
    print(f"workalendar add_working_days:   {theirs_time * 1e6 / CALLS:8.2f} us/call")
    print(f"lscp first call (builds table): {cold * 1e3:8.2f} ms")
    ratio = theirs_time / ours_time
    print(
        f"ratio: lscp is {ratio:.0f}x faster (budget: at least 20x) "
        f"{'OK' if ratio >= 20 and not differences else 'MISSED'}"
    )
    return 0 if ratio >= 20 and not differences else 1


if __name__ == "__main__":
    sys.exit(main())
