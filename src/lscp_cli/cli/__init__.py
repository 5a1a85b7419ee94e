"""The `lscp` command line. Importing this package registers every command."""

from __future__ import annotations

from lscp_cli.cli import cases, deadlines, drafts, workdays  # noqa: F401  (register commands)
from lscp_cli.cli.app import cli


def main() -> None:
    cli.main(prog_name="lscp")


__all__ = ["cli", "main"]
