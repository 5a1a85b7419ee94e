"""Start-up: what a read-only command loads (issue 16). Timings are benchmarks/bench_startup.py's;
this pins the *set* of modules, so a heavy import creeping into every start fails here.

`lscp deadlines` on the examples loads the command line's frame, the one command module it
runs, and the library beneath it (case files, the case model, the rules); never another
command's module, the letters (jinja2, pandoc), the reports, editing, intake, or what
`record` needs (events, guards, step checks, revisions).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).parent.parent / "examples"

# Exactly what `lscp deadlines` imports of lscp. A module added here must be needed by
# every read-only command; otherwise import it inside the function that uses it.
DEADLINES_LOADS = {
    "lscp_cli", "lscp_cli.casebook", "lscp_cli.errors", "lscp_cli.results",
    # The fast path (cli/fast.py): no click, no command module, no cli/app.py.
    "lscp_cli.cli", "lscp_cli.cli.fast", "lscp_cli.cli.console", "lscp_cli.cli.deadline_listing",
    "lscp_cli.cli.running",
    "lscp_cli.base", "lscp_cli.base.audit", "lscp_cli.base.records", "lscp_cli.base.fileguard",
    "lscp_cli.base.hostile",
    "lscp_cli.base.portable", "lscp_cli.base.safefile", "lscp_cli.base.tomledit",
    "lscp_cli.base.tomllines", "lscp_cli.base.tomlread",
    "lscp_cli.model", "lscp_cli.model.ages", "lscp_cli.model.agencies", "lscp_cli.model.case",
    "lscp_cli.model.casefields", "lscp_cli.model.dates",
    "lscp_cli.model.event_options", "lscp_cli.model.eventnotes", "lscp_cli.model.steps",
    "lscp_cli.model.step_tables",
    "lscp_cli.model.values",
    "lscp_cli.process", "lscp_cli.process.asof", "lscp_cli.process.casecheck",
    "lscp_cli.process.duties", "lscp_cli.process.order", "lscp_cli.process.pastdates",
    "lscp_cli.process.progress",
    "lscp_cli.process.rules", "lscp_cli.process.ruleset", "lscp_cli.process.settings",
    "lscp_cli.process.workdays",
    "lscp_cli.storage", "lscp_cli.storage.casecache", "lscp_cli.storage.casefiles",
    # Every report says on its face when case files could not be counted (a few lines).
    "lscp_cli.reports", "lscp_cli.reports.incomplete",
}

# Libraries a read-only listing never needs (each costs 10-100 ms to import). click (with
# typing's friends uuid and inspect) costs about as much as Python's own start: `lscp
# deadlines` runs without it (cli/fast.py); dataclasses imports inspect, ast, dis and tokenize
# and compiles each class's methods: lscp's records are base/records.py's. shutil and csv come
# only with a terminal's width and CSV.
NEVER = ("jinja2", "markupsafe", "tomlkit", "pypandoc", "workalendar", "icalendar", "docx",
         "rich", "filelock", "tempfile", "socket", "difflib", "click", "dataclasses", "inspect",
         "ast", "dis", "uuid", "shutil", "csv")

PROBE = """
import json, sys
from lscp_cli.cli import main
sys.argv = ["lscp", "--dir", sys.argv[1], "deadlines"]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def modules_loaded_by_deadlines(tmp_path: Path) -> set[str]:
    """The modules of a warm run (the first run writes the case cache, which a later run,
    the everyday case, only reads)."""
    book = tmp_path / "examples"
    shutil.copytree(EXAMPLES, book)
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", PROBE, str(book)], capture_output=True,
                             text=True, check=True)
    return set(json.loads(out.stderr.strip().splitlines()[-1]))


def test_deadlines_loads_only_what_it_needs(tmp_path: Path) -> None:
    loaded = modules_loaded_by_deadlines(tmp_path)
    ours = {name for name in loaded if name.split(".")[0] == "lscp_cli"}
    assert ours - DEADLINES_LOADS == set(), (
        "lscp deadlines now imports these too: import them inside the function that uses "
        "them (or, if every read-only command needs them, add them to DEADLINES_LOADS)")
    assert DEADLINES_LOADS - ours == set(), "no longer imported: take them off DEADLINES_LOADS"
    heavy = sorted(name for name in loaded if name.split(".")[0] in NEVER)
    assert heavy == [], f"lscp deadlines imports {heavy}"


def test_the_package_face_loads_nothing_until_asked() -> None:
    code = ("import sys, lscp_cli; before = sorted(m for m in sys.modules if "
            "m.startswith('lscp_cli')); lscp_cli.Casebook; print(before, "
            "'lscp_cli.casebook' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "['lscp_cli'] True"


def test_everything_the_package_exports_is_there() -> None:
    import lscp_cli

    assert set(lscp_cli.__all__) == {*lscp_cli._EXPORTS, "__version__"}
    for name in lscp_cli.__all__:
        assert getattr(lscp_cli, name) is not None
