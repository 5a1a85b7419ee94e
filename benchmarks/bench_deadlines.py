"""`lscp deadlines --format json` against a bare tomllib parse of the same files (DESIGN.md 9).

Budgets: 10,000 cases within 1.3x of a bare `tomllib` parse of the same files, measured in the
same run; any command on 500 cases under 0.3 s wall. Run:

    python benchmarks/bench_deadlines.py            # figures and ratios
    python benchmarks/bench_deadlines.py --profile  # and where the command's time goes

The cases are fictional, generated into a temporary casebook: every stage of the process,
one to three children, up to five agencies and four actions.
"""

from __future__ import annotations

import contextlib
import cProfile
import io
import json
import os
import pstats
import random

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

from bench_workdays import best_of  # run as a script: benchmarks/ is on sys.path

AS_OF = "2025-06-02"
AGENCIES = [
    "West Yorkshire Police",
    "Leeds Community Healthcare",
    "Children's Social Work Service",
    "Leeds Teaching Hospitals",
    "Education Leeds",
]


def case_text(case_id: str, rng: random.Random) -> str:
    aware = date(2024, 1, 2) + timedelta(days=rng.randrange(500))
    day = aware

    def later(low: int, high: int) -> date:
        nonlocal day
        day = day + timedelta(days=rng.randint(low, high))
        return day

    stage = rng.randrange(7)
    lines = [
        "schema = 1",
        f'id = "{case_id}"',
        f"opened = {aware}",
        "",
        "[incident]",
        f'type = "{rng.choice(["death", "serious-harm"])}"',
        f"occurred = {aware - timedelta(days=rng.randint(0, 3))}",
        f"aware = {aware}",
        'location = "Leeds"',
        "in_area = true",
        'abuse_or_neglect = "suspected"',
        'summary = """A fictional outline used only to measure lscp."""',
    ]
    for n in range(rng.randint(1, 3)):
        lines += [
            "",
            "[[children]]",
            f'initials = "{"ABCDEFGH"[n]}.{"KLMNOP"[n]}."',
            f"date_of_birth = {date(2012, 1, 1) + timedelta(days=rng.randrange(4000))}",
            "looked_after = false",
        ]
    if stage >= 1:
        panel = later(1, 6)
        lines += [
            "",
            "[notification]",
            f"panel = {panel}",
            'panel_reference = "SI-00000"',
            f"partners = {panel}",
        ]
        requested = later(0, 2)
        for name in rng.sample(AGENCIES, rng.randint(2, 5)):
            lines += ["", "[[agencies]]", f'name = "{name}"', f"requested = {requested}"]
            if stage >= 2 or rng.random() < 0.5:
                lines.append(f"received = {requested + timedelta(days=rng.randint(3, 12))}")
    if stage >= 2:
        decision = rng.choice(["cspr", "no-cspr"])
        lines += [
            "",
            "[rapid_review]",
            f"meeting = {later(8, 12)}",
            f'recommendation = "{decision}"',
            f'decision = "{decision}"',
            f"decision_date = {later(1, 3)}",
        ]
        if stage >= 3:
            lines.append(f"submitted = {later(0, 4)}")
        if decision == "cspr" and stage >= 4:
            lines += [
                "",
                "[cspr]",
                f"commissioned = {later(10, 30)}",
                'author = "A. Author"',
                f"family_informed = {later(1, 5)}",
            ]
            if stage >= 5:
                planned = later(120, 200)
                lines.append(f"publication_planned = {planned}")
                if stage >= 6:
                    lines += [
                        f"sent_to_panel = {planned - timedelta(days=10)}",
                        f"published = {planned}",
                    ]
        for n in range(rng.randint(0, 4) if stage >= 3 else 0):
            due = later(30, 120)
            lines += [
                "",
                "[[actions]]",
                f'text = "Fictional action {n + 1}"',
                'owner = "LSCP Business Unit"',
                f"due = {due}",
            ]
            if rng.random() < 0.5:
                lines.append(f"completed = {due - timedelta(days=rng.randint(-10, 20))}")
    if stage == 6 and rng.random() < 0.5:  # a top-level field: before the first table
        lines.insert(lines.index(f"opened = {aware}") + 1, f"closed = {later(30, 60)}")
    return "\n".join(lines) + "\n"


def make_casebook(root: Path, count: int) -> Path:
    rng = random.Random(count)
    cases = root / "cases"
    cases.mkdir(parents=True)
    (root / "lscp.toml").write_text("[calendar]\nclosed = [2024-12-27]\n", encoding="utf-8")
    for n in range(count):
        case_id = f"LSCP-{2015 + n // 1000}-{n % 1000 + 1:03d}"
        (cases / f"{case_id}.toml").write_text(case_text(case_id, rng), encoding="utf-8")
    return root


def bare_parse(root: Path) -> int:
    parsed = [
        tomllib.loads(path.read_text(encoding="utf-8"))
        for path in sorted((root / "cases").iterdir())
        if path.suffix == ".toml"
    ]
    return len(parsed)


def command_in_process(root: Path) -> None:
    from lscp_cli.cli import cli

    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        try:
            cli.main(
                ["--dir", str(root), "deadlines", "--format", "json", "--as-of", AS_OF],
                prog_name="lscp",
                standalone_mode=False,
            )
        except SystemExit:
            pass


def wall(argv: list[str], repeats: int) -> float:
    """Median wall time of a subprocess, output to a pipe as in a script."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def lscp_argv(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "lscp_cli", "--dir", str(root), *args]


def parse_argv(root: Path) -> list[str]:
    code = (
        "import sys, tomllib, pathlib\n"
        "d = pathlib.Path(sys.argv[1]) / 'cases'\n"
        "[tomllib.loads(p.read_text(encoding='utf-8')) for p in sorted(d.iterdir())"
        " if p.suffix == '.toml']\n"
    )
    return [sys.executable, "-c", code, str(root)]


def forget_cache(root: Path) -> None:
    """Remove the casebook's parsed-case cache, so the next run reads every file afresh."""
    from lscp_cli.storage.casecache import cache_path

    cache_path(root).unlink(missing_ok=True)


def breakdown(root: Path, *, cold: bool) -> dict[str, float]:
    """Seconds spent loading cases, working out deadlines, and writing JSON."""
    from lscp_cli.casebook import Casebook
    from lscp_cli.cli.running import collector_paused
    from lscp_cli.process.rules import select_deadlines
    from lscp_cli.process.ruleset import load_rules

    if cold:
        forget_cache(root)
    casebook = Casebook(root)
    with collector_paused():  # as the command runs
        start = time.perf_counter()
        cases, _ = casebook.load_all()
        loaded = time.perf_counter()
        found = select_deadlines(
            [c.data for c in cases],
            casebook.calendar,
            load_rules(casebook.settings.rules),
            date.fromisoformat(AS_OF),
        )
        worked = time.perf_counter()
        text = ",\n".join(json.dumps(d.to_json(), ensure_ascii=False) for d in found)
        written = time.perf_counter()
    assert text
    return {"load cases": loaded - start, "deadlines": worked - loaded, "JSON": written - worked}


def best_wall_and_cpu(repeats: int, work: Callable[[], object]) -> tuple[float, float]:
    """The best wall time and the best CPU time (this process's) of `repeats` runs: on a
    shared machine the CPU time says what the work costs when the wall time is others' too."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall_start)
        cpus.append(time.process_time() - cpu_start)
    return min(walls), min(cpus)


def in_process(root: Path, parse: tuple[float, float], *, cold: bool) -> bool:
    def run() -> None:
        if cold:
            forget_cache(root)
        command_in_process(root)

    command_time, command_cpu = best_wall_and_cpu(3, run)
    ratio = command_time / parse[0]
    state = "cold: no parsed-case cache" if cold else "warm: parsed-case cache up to date"
    print(
        f"  lscp deadlines --format json ({state}): {command_time:7.3f} s, "
        f"ratio {ratio:.2f}x {'OK' if ratio <= 1.3 else 'MISSED'} "
        f"(CPU {command_cpu:.3f} s, {command_cpu / parse[1]:.2f}x)"
    )
    parts = breakdown(root, cold=cold)
    print("    of which " + ", ".join(f"{k} {v:.3f} s" for k, v in parts.items()))
    return ratio <= 1.3


LINES_PER_CASE = 15  # a case's history: opened (7 fields), notified, agencies, decision...


def chain_history(root: Path) -> int:
    """A chained audit.log for every case (LINES_PER_CASE lines each, written in one go as
    lscp would have written them over the years) and each case file stamped with its last
    line, so `lscp verify` has the whole chain and every stamp to check."""
    from lscp_cli.base import auditchain

    tail = auditchain.Tail(0, auditchain.prefix_hash(b""), upgrade=False)
    with open(root / "audit.log", "wb") as log:
        for path in sorted((root / "cases").iterdir()):
            if path.suffix != ".toml":
                continue
            body = path.read_bytes()
            records = [{"time": "2025-01-06T10:00:00+00:00", "user": "jo.obrien",
                        "case": path.stem, "action": "record", "field": f"field{n}",
                        "old": None, "new": "2025-01-06",
                        "file": auditchain.body_digest(body)} for n in range(LINES_PER_CASE)]
            lines = auditchain.chained(records, tail)
            log.write(b"".join(line + b"\n" for line in lines))
            tail = auditchain.Tail(tail.count + len(lines), auditchain.line_hash(lines[-1]),
                                   upgrade=False)
            path.write_bytes(auditchain.with_stamp(body, tail.count, tail.prev))
    return tail.count


def history_costs(big: Path, fresh: Path, parse_time: float) -> None:
    """What the hash chain and the sealed, content-keyed cache cost on 10,000 cases."""
    from lscp_cli.casebook import Casebook
    from lscp_cli.storage import casecache

    lines = chain_history(big)
    size = (big / "audit.log").stat().st_size / 1e6
    print(f"\nThe history of 10,000 cases: audit.log of {lines:,} chained lines ({size:.0f} MB)")
    verify_time = best_of(3, lambda: Casebook(big).verify())
    found = Casebook(big).verify()
    assert not found.problems, found.problems[:3]
    print(f"  lscp verify (every link, every case file's stamp and hash): {verify_time:7.3f} s "
          f"({verify_time / parse_time:.2f}x the bare parse)")
    from lscp_cli.model.intake import NewChild, NewIncident

    for name, root in (("a new casebook", fresh), (f"the {lines:,}-line log", big)):
        book = Casebook(root)
        case = book.new_incident(NewIncident(
            type="serious-harm", aware=date(2025, 1, 3), abuse_or_neglect="suspected",
            children=[NewChild("A.B.")]), opened=date(2025, 1, 3))
        agencies = iter(range(100))

        def one_change(book: Casebook = book, case_id: str = case.id,
                       agencies: Iterator[int] = agencies) -> None:
            book.record(case_id, "agency-requested", date(2025, 1, 6),
                        agencies=(f"Agency {next(agencies)}",))

        taken = best_of(5, one_change)
        print(f"  one audited change (lock, chain link, fsync, stamped write) on {name}: "
              f"{taken * 1000:6.1f} ms")
    forget_cache(big)
    Casebook(big).load_all()
    cache = casecache.cache_path(big)
    blob = cache.read_bytes()
    seal_time = best_of(5, lambda: casecache._seal(b"k" * 32, big, blob))
    casecache._code_digest.cache_clear()
    fingerprint_time = best_of(5, lambda: (casecache._code_digest.cache_clear(),
                                           casecache.fingerprint(b"")))
    print(f"  sealed cache: {len(blob) / 1e6:.1f} MB; checking its seal {seal_time:.3f} s; "
          f"lscp's code fingerprint {fingerprint_time * 1000:.1f} ms")


def load_average() -> str:
    return " ".join(f"{n:.1f}" for n in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


def main() -> int:
    profile = "--profile" in sys.argv
    ok = True
    print(f"load average at the start: {load_average()}")
    with tempfile.TemporaryDirectory(prefix="lscp-bench-") as tmp:
        big = make_casebook(Path(tmp) / "big", 10_000)
        small = make_casebook(Path(tmp) / "small", 500)

        check = subprocess.run(
            lscp_argv(big, "deadlines", "--format", "json", "--as-of", AS_OF),
            capture_output=True,
            text=True,
            check=False,
        )
        if check.returncode != 0:
            print("lscp deadlines failed on the generated casebook:", check.stderr[:2000])
            return 1
        reported = len(json.loads(check.stdout))
        print(f"10,000 cases: {reported} deadlines reported")
        if resource is not None:  # the only child so far: the cold 10,000-case command
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(f"  peak memory of that cold command: {peak:.0f} MiB")

        bare_parse(big)  # warm the operating system's file cache for both
        parse = best_wall_and_cpu(3, lambda: bare_parse(big))
        parse_time = parse[0]
        command_in_process(big)  # imports and one-off tables, as a real run pays once
        print("\n10,000 cases, in one process (best of 3; budget: within 1.3x of the parse):")
        print(f"  bare tomllib parse (read + tomllib.loads): {parse_time:7.3f} s "
              f"(CPU {parse[1]:.3f} s)")
        ok &= in_process(big, parse, cold=True)
        ok &= in_process(big, parse, cold=False)
        history_costs(big, make_casebook(Path(tmp) / "fresh", 1), parse_time)
        print("  the report again, with the history in place (stamped case files):")
        ok &= in_process(big, parse, cold=True)

        parse_wall = wall(parse_argv(big), 3)
        command = lscp_argv(big, "deadlines", "--format", "json", "--as-of", AS_OF)
        cold_walls = []
        for _ in range(3):
            forget_cache(big)
            cold_walls.append(wall(command, 1))
        warm_wall = wall(command, 3)
        print("\n10,000 cases, as commands (median of 3, including Python start-up and imports):")
        print(f"  python -c 'tomllib parse':             {parse_wall:7.3f} s")
        print(
            f"  lscp deadlines --format json, cold:    {statistics.median(cold_walls):7.3f} s, "
            f"ratio {statistics.median(cold_walls) / parse_wall:.2f}x"
        )
        print(
            f"  lscp deadlines --format json, warm:    {warm_wall:7.3f} s, "
            f"ratio {warm_wall / parse_wall:.2f}x"
        )

        print("\n500 cases, as commands (median of 5; budget: under 0.3 s):")
        wall(lscp_argv(small, "list"), 1)  # first run fills the parsed-case cache
        for args in (
            ["deadlines"],
            ["deadlines", "--format", "json"],
            ["list"],
            ["list", "--format", "csv"],
            ["show", "LSCP-2015-250"],
            ["check"],
            ["draft", "LSCP-2015-250", "panel-notification", "--stdout"],
            ["workdays", "add", "2025-01-03", "5"],
            ["actions"],
            ["actions", "--open", "--format", "csv"],
            ["stats", "--financial-year", "2015"],
            ["report", "-o", "-"],
        ):
            as_of = ["--as-of", AS_OF] if args[0] in ("deadlines", "actions", "stats",
                                                      "report") else []
            took = wall(lscp_argv(small, *args, *as_of), 5)
            ok &= took < 0.3
            print(f"  lscp {' '.join(args):28} {took:7.3f} s {'OK' if took < 0.3 else 'MISSED'}")
        print(f"  python -c 'tomllib parse':      {wall(parse_argv(small), 5):7.3f} s")
        print(f"  python -c pass:                 {wall([sys.executable, '-c', 'pass'], 5):7.3f} s")

        if profile:
            forget_cache(big)
            profiler = cProfile.Profile()
            profiler.runcall(command_in_process, big)
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
            print("\nWhere a cold `lscp deadlines --format json` spends its time (10,000 cases):")
            print(out.getvalue())
    print(f"\nload average at the end: {load_average()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
