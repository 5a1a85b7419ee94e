"""Reading TOML fast: tomli's compiled wheel where installed, else the standard tomllib.

tomli is the project tomllib was copied from; its wheels are compiled with mypyc and parse
the same input into the same values, with the same error messages, about 3x faster. Reports
read every case file, so the parser is most of what a cold `lscp deadlines` costs.
"""

from __future__ import annotations

import re

try:
    from tomli import TOMLDecodeError, loads
except ImportError:  # pragma: no cover - tomli is a dependency; tomllib is the fallback
    from tomllib import TOMLDecodeError, loads  # type: ignore[assignment]

__all__ = ["TOMLDecodeError", "error_position", "loads"]


def error_position(exc: TOMLDecodeError) -> tuple[int | None, str]:
    """Line and message of a TOML syntax error (3.11's tomllib only has them in the text)."""
    text = str(exc)
    match = re.search(r"\(at line (\d+), column \d+\)|\(at end of document\)", text)
    message = text[: match.start()].strip() if match else text
    line = int(match.group(1)) if match and match.group(1) else None
    return line, message
