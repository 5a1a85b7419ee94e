"""`lscp -h` and every command's `-h` in an 80- or 100-column window (issue 20): the commands in
the order of the work under headings, `init` under "Start here", each summary whole (never cut
with "..."), no line wider than the window, and `lscp -h` loads no command's module."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable

import click
import pytest
from click.testing import Result

from conftest import every_command
from lscp_cli.cli import cli
from lscp_cli.cli.app import COMMANDS, SECTIONS, LscpGroup

Run = Callable[..., Result]
ORDER = [name for _, rows in SECTIONS for name, _ in rows]


def _first_sentence(text: str | None) -> str:
    paragraph = " ".join((text or "").replace("\b", "").split("\n\n")[0].split())
    end = re.search(r"\.(\s|$)", paragraph)
    return paragraph[: end.start() + 1] if end else paragraph


def _sections(help_text: str) -> dict[str, list[tuple[str, str]]]:
    """Each heading after "Options:" and its (command, summary) rows, wrapped lines joined."""
    sections: dict[str, list[tuple[str, str]]] = {}
    rows: list[tuple[str, str]] = []
    for line in help_text.split("\n\n", 3)[-1].split("Options:", 1)[1].splitlines():
        if line.endswith(":") and not line.startswith(" "):
            rows = sections.setdefault(line[:-1], [])
        elif match := re.fullmatch(r"  (\S+)\s+(.*)", line):
            rows.append((match[1], match[2]))
        elif line.startswith("   ") and rows:
            name, summary = rows[-1]
            rows[-1] = (name, f"{summary} {line.strip()}")
    return {heading: found for heading, found in sections.items() if found}


@pytest.mark.parametrize("width", [80, 100])
def test_lscp_help_lists_each_summary_whole_in_the_order_of_the_work(run: Run, width: int
                                                                     ) -> None:
    result = run("-h", env={"COLUMNS": str(width)})
    assert result.exit_code == 0
    assert "..." not in result.output.split("\n", 1)[1]  # after "Usage: ... [ARGS]..."
    assert max(map(len, result.output.splitlines())) <= width
    sections = _sections(result.output)
    assert sections["Start here"][0][0] == "init"
    listed = [name for rows in sections.values() for name, _ in rows]
    assert listed == ORDER
    summaries = dict(row for rows in sections.values() for row in rows)
    for name, command in cli.all_commands().items():
        assert summaries[name] == _first_sentence(command.help), name
    # Headings are the sections', in order; one column for every command name.
    assert list(sections) == [heading for heading, _ in SECTIONS]
    rows = [re.fullmatch(r"  (\S+ +)\S.*", line) for line in result.output.splitlines()]
    assert len({len(row[1]) for row in rows if row and row[1].strip() in COMMANDS}) == 1


def test_every_command_is_in_a_section_in_the_order_of_the_work() -> None:
    assert sorted(ORDER) == sorted(COMMANDS), "a new command: add it to SECTIONS in cli/app.py"
    assert cli.list_commands(click.Context(cli)) == ORDER
    assert ORDER[:2] == ["init", "new-incident"]


def test_lscp_help_imports_no_command_module() -> None:
    probe = ("import json, sys\nfrom lscp_cli.cli import main\nsys.argv = ['lscp', '-h']\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print(json.dumps(sorted(sys.modules)), file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, env={"COLUMNS": "80", "PATH": ""})
    loaded = set(json.loads(out.stderr.strip().splitlines()[-1]))
    commands = {target.rsplit(".", 1)[0] for target in COMMANDS.values()}
    assert commands & loaded == set()
    assert "Start here:" in out.stdout


def test_a_command_outside_the_sections_is_listed_under_other_commands() -> None:
    @click.command()
    def extra() -> None:
        """An extra command whose summary is long enough that click would cut it short here."""

    group = LscpGroup(name="lscp", lazy_subcommands={"init": COMMANDS["init"]})
    group.add_command(extra)
    assert group.list_commands(click.Context(group)) == ["init", "extra"]
    formatter = click.HelpFormatter(width=100)
    group.format_commands(click.Context(group), formatter)
    text = formatter.getvalue()
    assert text.index("Start here:") < text.index("Other commands:")
    assert "short here." in text and "new-incident" not in text


@pytest.mark.parametrize("width", [80, 100])
@pytest.mark.parametrize("command", every_command(cli), ids=" ".join)
def test_every_commands_help_fits_the_window(run: Run, command: tuple[str, ...], width: int
                                             ) -> None:
    result = run(*command, "-h", env={"COLUMNS": str(width)})
    assert result.exit_code == 0
    too_wide = [line for line in result.output.splitlines() if len(line) > width]
    assert too_wide == [], f"lscp {' '.join(command)} -h at {width} columns"
    commands = result.output.partition("\nCommands:\n")[2]  # a group's subcommands
    assert "..." not in commands, "a subcommand's summary cut short"
