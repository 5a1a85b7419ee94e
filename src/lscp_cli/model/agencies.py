"""Agency names: the one rule for when two spellings name the same agency.

An officer types "west yorkshire  police" on the command line and the case file says
"West Yorkshire Police": that is the same agency. Case and runs of spaces never matter;
everything else (punctuation, words) does. `record`, letters and reports all match through here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def tidy_name(name: str) -> str:
    """The name as it should be stored: trimmed, single spaces, its capitals kept."""
    return " ".join(name.split())


def agency_key(name: Any) -> str:
    """What two names must share to be the same agency (case and spacing ignored)."""
    return tidy_name(str(name if name is not None else "")).casefold()


def same_agency(first: Any, second: Any) -> bool:
    return agency_key(first) == agency_key(second)


def agency_index(rows: Iterable[Any], name: str) -> int | None:
    """The position of the row (a `[[agencies]]` entry) whose `name` matches, or None."""
    wanted = agency_key(name)
    for index, row in enumerate(rows):
        if isinstance(row, Mapping) and agency_key(row.get("name")) == wanted:
            return index
    return None


def find_agency(rows: Iterable[Any] | None, name: str) -> Any | None:
    """The `[[agencies]]` entry whose `name` matches `name`, or None."""
    listed = list(rows or [])
    index = agency_index(listed, name)
    return None if index is None else listed[index]
