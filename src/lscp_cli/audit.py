"""What changed in a case: field-level changes, for the audit log and the officer's confirmation.

Pure data, no files: the casebook writes the audit log (`Casebook.audit`), the events in
`events.py` and the edit session describe their changes with `Change`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    """One field changed by one action, for the audit log and the officer's confirmation."""

    field: str
    old: Any
    new: Any
    reason: str | None = None  # why a recorded value was corrected (`record --correct`)


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Dotted field names and their values: `incident.aware`, `agencies[2].received`."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from flatten(inner, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for index, inner in enumerate(value, start=1):
            yield from flatten(inner, f"{prefix}[{index}]")
    else:
        yield prefix, value


def diff_data(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Field-level changes between two versions of a case."""
    before = dict(flatten(old))
    after = dict(flatten(new))
    changes = []
    for key in sorted(before.keys() | after.keys()):
        if before.get(key) != after.get(key):
            changes.append(Change(key, before.get(key), after.get(key)))
    return changes
