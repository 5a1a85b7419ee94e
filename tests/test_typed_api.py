"""The library is typed for a script's own mypy (issue 16, item 3): a script using
`lscp_cli`'s exports as the README shows passes `mypy --strict`, and a misspelt case field, a
misspelt keyword of `Casebook.record`, a wrong type for one, a step that does not exist or a
row's field misspelt is a mypy error, not an `Any` let through.

mypy reads lscp from `src/` (MYPYPATH): an editable install's import hook is invisible to it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent

SCRIPT = '''
from datetime import date

from lscp_cli import Casebook, Deadline, Event, LscpError, Status

book = Casebook.locate("examples")
data = book.show("LSCP-2026-001").case.typed
aware: date = data["incident"]["aware"]
initials: str = data["children"][0]["initials"]
rows: list[Deadline] = book.deadlines(as_of=date(2026, 12, 1), overdue_only=True)
late = [(row.case, row.due, row.working_days_left) for row in rows if row.status is Status.OVERDUE]
try:
    done = book.record("LSCP-2026-001", Event.AGENCY_RETURNED, date(2026, 12, 1),
                       agencies=("Leeds Teaching Hospitals NHS Trust",))
    fields: list[str] = [change.field for change in done.changes]
except LscpError as problem:
    print(problem)
'''

# (what the script gets wrong, the line replaced, the mistake, what mypy must say)
MISTAKES = [
    ("a case field", 'data["incident"]["aware"]', 'data["incident"]["awre"]',
     r'TypedDict "IncidentData" has no key "awre"'),
    ("a child's field", '[0]["initials"]', '[0]["inits"]', r'has no key "inits"'),
    ("a keyword of record", "agencies=(", "agencys=(", r'Unexpected keyword argument "agencys"'),
    ("a keyword's type", 'agencies=("Leeds Teaching Hospitals NHS Trust",)',
     'agencies="Leeds Teaching Hospitals NHS Trust"', r'Argument "agencies" to "record"'),
    ("a step", "Event.AGENCY_RETURNED", "Event.AGENCY_RETURND",
     r'has no attribute "AGENCY_RETURND"'),
    ("a deadline's field", "row.working_days_left", "row.working_days",
     r'has no attribute "working_days"'),
    ("a status", "Status.OVERDUE", "Status.LATE_ONE", r'has no attribute "LATE_ONE"'),
]


def _mypy(tmp_path: Path, script: str) -> str:
    path = tmp_path / "script.py"
    path.write_text(script, encoding="utf-8")
    env = {**os.environ, "MYPYPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--config-file", str(ROOT / "pyproject.toml"),
         "--follow-imports=silent", "--cache-dir", str(tmp_path / ".mypy_cache"),
         "--no-error-summary", str(path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def mypy_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("typed")  # one cache for every run: lscp is read once


def test_a_script_using_the_library_passes_mypy_strict(mypy_dir: Path) -> None:
    assert _mypy(mypy_dir, SCRIPT) == ""


@pytest.mark.parametrize(("what", "right", "wrong", "said"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_mypy_catches_a_script_getting_it_wrong(mypy_dir: Path, what: str, right: str,
                                                wrong: str, said: str) -> None:
    assert SCRIPT.count(right) == 1, what
    output = _mypy(mypy_dir, SCRIPT.replace(right, wrong))
    assert re.search(said, output), f"mypy let {what} through: {output}"
