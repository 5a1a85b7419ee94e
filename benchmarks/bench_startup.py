"""Start-up: `lscp --dir examples deadlines` against a bare `python -c pass` (issue 16).

Budget: within 3x. Run: python benchmarks/bench_startup.py

Each round runs both once, alternately (so a busy machine slows both alike); the figures are
medians of ROUNDS rounds, after one warm-up run that writes the examples' case cache. Wall
time is what an officer waits for; CPU time (user + system of the child) is steadier on a
shared machine. tests/test_startup.py pins which modules the command loads.

Run as installed: with compiled bytecode (pip writes `__pycache__` when it installs a wheel),
so PYTHONDONTWRITEBYTECODE is dropped from the children's environment; without it every run
would compile each module again (about 100 ms more) and measure the compiler.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 15
BUDGET = 3.0
ENV = {key: value for key, value in os.environ.items()
       if key not in ("PYTHONDONTWRITEBYTECODE", "LSCP_DIR")}


def lscp_command() -> list[str]:
    script = Path(sys.executable).with_name("lscp")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "lscp_cli"]


def timed(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of `command`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=True, cwd=ROOT, env=ENV)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> int:
    lscp = [*lscp_command(), "--dir", str(ROOT / "examples"), "deadlines"]
    bare = [sys.executable, "-c", "pass"]
    timed(lscp)  # warm-up: the first run writes the case cache and the bytecode
    runs: dict[str, list[tuple[float, float]]] = {"lscp": [], "bare": []}
    for _ in range(ROUNDS):
        runs["lscp"].append(timed(lscp))
        runs["bare"].append(timed(bare))

    def median(name: str, index: int) -> float:
        return statistics.median(run[index] for run in runs[name])

    wall = median("lscp", 0) / median("bare", 0)
    cpu = median("lscp", 1) / median("bare", 1)
    print(f"lscp --dir examples deadlines: {median('lscp', 0) * 1000:.0f} ms wall, "
          f"{median('lscp', 1) * 1000:.0f} ms CPU (median of {ROUNDS})")
    print(f"python -c pass:                {median('bare', 0) * 1000:.0f} ms wall, "
          f"{median('bare', 1) * 1000:.0f} ms CPU")
    print(f"ratio: {wall:.2f}x wall, {cpu:.2f}x CPU (budget {BUDGET:.0f}x): "
          + ("within budget" if wall <= BUDGET else "OVER BUDGET"))
    return 0 if wall <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
