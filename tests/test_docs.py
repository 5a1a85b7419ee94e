"""The README tells the truth: it opens with the two commands and mentions every command."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from lscp_cli.cli import cli
from lscp_cli.model.events import EVENTS

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_install_and_test_commands() -> None:
    block = README.split("```")[1].strip().splitlines()
    assert len(block) == 2
    assert "pip install ." in block[0] and "lscp --dir examples" in block[0]
    assert "'.[test]'" in block[1] and "pytest" in block[1]
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text()
    assert "pip install --quiet -e '.[test]'" in ci and "python -m pytest" in ci


def test_the_tour_activates_the_venv_before_its_first_lscp() -> None:
    """Plain `lscp` works only with the .venv's scripts on the PATH (issue 20)."""
    tour = README.split("## A tour", 1)[1].split("```")[1].strip().splitlines()
    first_lscp = next(n for n, line in enumerate(tour) if line.startswith("lscp "))
    assert any(line.startswith("source .venv/bin/activate") for line in tour[:first_lscp])
    assert ".venv\\Scripts\\Activate.ps1" in README.split("## A tour", 1)[1].split("```")[0]


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    ctx = click.Context(group)  # through click's API: `lscp` loads its commands lazily
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        names.append(f"{prefix}{name}")
        if isinstance(command, click.Group):
            names.extend(_commands(command, f"{prefix}{name} "))
    return names


@pytest.mark.parametrize("command", _commands(cli))
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"lscp {command}" in README or f"`{command} " in README
    found: click.Command = cli
    for word in command.split():  # the subcommand's own help, not its group's
        assert isinstance(found, click.Group)
        found = found.get_command(click.Context(found), word)
    assert (found.help or "").strip(), f"lscp {command} has no help"


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_every_event_is_in_the_readme(event: str) -> None:
    assert f"`{event}`" in README


def test_readme_gives_the_windows_set_up_in_powershell() -> None:
    section = " ".join(README.split("## On Windows", 1)[1].split("\n## ", 1)[0].split())
    for step in ("py -3.11 -m venv .venv", ".venv\\Scripts\\pip install .", ".venv\\Scripts\\lscp",
                 "access control", "A case is locked", "only a real Windows machine shows",
                 "Close-SmbOpenFile"):
        assert step in section, step
