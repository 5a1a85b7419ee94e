"""The `lscp` command line. Commands load when run (see `cli.app.COMMANDS`)."""

from __future__ import annotations

from lscp_cli.base import portable
from lscp_cli.cli.app import cli


def main() -> None:
    portable.utf8_streams()  # before click parses: its usage errors may quote what was typed
    cli.main(prog_name="lscp")


__all__ = ["cli", "main"]
