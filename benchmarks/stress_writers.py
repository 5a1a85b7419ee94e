"""Many officers writing to one case at once: how long each waits, and how many give up.

Updates of one case are serialised by a lock; a command gives up ("is locked", changing
nothing) only when one holder has kept the lock for 30 s (`safefile.LOCK_TIMEOUT_SECONDS`),
however long the queue. The lock is not first come, first served, so the worst wait grows
with the number of writers. Run:

    python benchmarks/stress_writers.py                       # 20 writers x 4 records
    python benchmarks/stress_writers.py --writers 50 --each 16  # the issue 12 attack (800)

Each writer is its own `lscp` process recording a new agency on the same case, one after
another. Printed: operations, refused, lost updates (must be 0), audit lines missing (must
be 0), and the median and worst wait.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CASE = """schema = 1
id = "LSCP-2025-001"
opened = 2025-01-06

[incident]
type = "serious-harm"
aware = 2025-01-03
abuse_or_neglect = "suspected"

[[children]]
initials = "A.B."
"""


def writer(casebook: Path, number: int, each: int) -> list[tuple[float, int, str]]:
    env = {**os.environ, "LSCP_DIR": str(casebook), "NO_COLOR": "1"}
    results = []
    for k in range(each):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "lscp_cli", "record", "LSCP-2025-001", "agency-requested",
             "2025-01-06", "--agency", f"Agency {number}-{k}"],
            env=env, capture_output=True, text=True, check=False)
        results.append((time.perf_counter() - start, done.returncode, done.stderr))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--each", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        casebook = Path(temp)
        (casebook / "cases").mkdir()
        (casebook / "cases" / "LSCP-2025-001.toml").write_text(CASE, encoding="utf-8")
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.writers) as pool:
            runs = list(pool.map(lambda n: writer(casebook, n, args.each),
                                 range(args.writers)))
        took = time.perf_counter() - started
        flat = [r for run in runs for r in run]
        refused = [r for r in flat if r[1] != 0]
        locked = [r for r in refused if "locked" in r[2]]
        text = (casebook / "cases" / "LSCP-2025-001.toml").read_text(encoding="utf-8")
        saved = {f"Agency {n}-{k}" for n in range(args.writers) for k in range(args.each)
                 if f'"Agency {n}-{k}"' in text}
        succeeded = {f"Agency {n}-{k}" for n, run in enumerate(runs)
                     for k, r in enumerate(run) if r[1] == 0}
        audited = set()
        for line in (casebook / "audit.log").read_text(encoding="utf-8").splitlines():
            new = json.loads(line).get("new")
            if isinstance(new, dict) and "name" in new:
                audited.add(new["name"])
        waits = sorted(r[0] for r in flat)
        print(f"{args.writers} writers x {args.each} records on one case: {len(flat)} "
              f"operations in {took:.1f} s")
        print(f"  refused: {len(refused)} ({len(locked)} 'is locked' after the 30 s limit)")
        print(f"  lost updates (reported saved, not in the file): {len(succeeded - saved)}")
        print(f"  saved without an audit line: {len(saved - audited)}")
        print(f"  wait per command: median {statistics.median(waits):.2f} s, "
              f"worst {waits[-1]:.2f} s")
        for r in refused[:3]:
            print(f"  e.g. {r[2].strip()[:200]}")
        return 1 if (succeeded - saved) or (saved - audited) else 0


if __name__ == "__main__":
    sys.exit(main())
