"""The `lscp` command line. Importing this package registers every command."""

from __future__ import annotations

from lscp_cli.base import portable
from lscp_cli.cli import (  # noqa: F401  (importing a module registers its commands)
    cases,
    changes,
    deadlines,
    drafts,
    history,
    intake,
    reports,
    workdays,
)
from lscp_cli.cli.app import accept_global_options, cli

for _command in cli.commands.values():
    accept_global_options(_command)


def main() -> None:
    portable.utf8_streams()  # before click parses: its usage errors may quote what was typed
    cli.main(prog_name="lscp")


__all__ = ["cli", "main"]
