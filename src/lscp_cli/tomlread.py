"""Reading TOML fast: tomli's compiled wheel where installed, else the standard tomllib.

tomli is the project tomllib was copied from; its wheels are compiled with mypyc and parse
the same input into the same values, with the same error messages, about 3x faster. Reports
read every case file, so the parser is most of what a cold `lscp deadlines` costs.
"""

from __future__ import annotations

try:
    from tomli import TOMLDecodeError, loads
except ImportError:  # pragma: no cover - tomli is a dependency; tomllib is the fallback
    from tomllib import TOMLDecodeError, loads  # type: ignore[assignment]

__all__ = ["TOMLDecodeError", "loads"]
