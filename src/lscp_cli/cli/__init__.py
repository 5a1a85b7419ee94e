"""The `lscp` command line. Commands load when run (see `cli.app.COMMANDS`); a plain
`lscp deadlines` runs without loading click at all (fast.py)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from lscp_cli.base import portable

if TYPE_CHECKING:
    from lscp_cli.cli.app import cli


def main() -> None:
    portable.utf8_streams()  # before click parses: its usage errors may quote what was typed
    from lscp_cli.cli.fast import run

    status = run(sys.argv[1:])
    if status is not None:
        sys.exit(status)
    from lscp_cli.cli.app import cli

    cli.main(prog_name="lscp")


def __getattr__(name: str) -> Any:
    """`lscp_cli.cli.cli`, the click group, loaded when first asked for."""
    if name == "cli":
        from lscp_cli.cli.app import cli

        return cli
    raise AttributeError(f"module 'lscp_cli.cli' has no attribute {name!r}")


__all__ = ["cli", "main"]
