"""The README's command and event tables are generated (scripts/readme_reference.py) from the
click commands and the step registry; this fails when README.md drifts from them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import click

SCRIPT = Path(__file__).parent.parent / "scripts" / "readme_reference.py"
spec = importlib.util.spec_from_file_location("readme_reference", SCRIPT)
assert spec is not None and spec.loader is not None
reference = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reference)


def test_the_readme_tables_are_what_the_code_says() -> None:
    readme = reference.README.read_text(encoding="utf-8")
    assert reference.generated(readme) == readme, (
        "README.md's command or event table is out of date: run "
        "python scripts/readme_reference.py")


def test_a_new_option_shows_in_the_generated_table() -> None:
    @click.command()
    @click.argument("case_id", metavar="ID")
    @click.option("--soon", help="Soon.")
    def probe(case_id: str, soon: str | None) -> None:
        """Probe a case. More text that the table leaves out."""

    group = click.Group(commands={"probe": probe})
    assert reference.command_rows(group) == [
        "| `lscp probe ID` | Probe a case. Options: `--soon`. |"]


def test_every_step_is_a_row_of_the_event_table() -> None:
    table = reference.events_table()
    for step in reference.STEPS:
        assert f"| `{step.name}` | {step.summary.replace('|', chr(92) + '|')} |" in table
