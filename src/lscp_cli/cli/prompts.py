"""Questions asked at the terminal: a wrong answer says what is accepted and asks again."""

from __future__ import annotations

import click

from lscp_cli.cli import console

YES = frozenset({"y", "yes"})
NO = frozenset({"n", "no"})


def confirm(text: str, *, default: bool, err: bool = False) -> bool:
    """Ask a yes/no question; Enter takes the default.

    click's own confirm answers "maybe" with only "Error: invalid input".
    """
    choices = "Y/n" if default else "y/N"
    while True:
        answer = click.prompt(f"{text} [{choices}]", default="", show_default=False, err=err)
        word = answer.strip().lower()
        if not word:
            return default
        if word in YES:
            return True
        if word in NO:
            return False
        console.error(f"answer y or yes, n or no (or press Enter for {'yes' if default else 'no'})")
