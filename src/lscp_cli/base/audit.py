"""What changed in a case: field-level changes, for the audit log and the officer's confirmation.

Pure data, no files: the casebook writes the audit log (`Casebook.audit`), the events in
`events.py` and the edit session describe their changes with `Change`.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from typing import Any

from lscp_cli.base.hostile import too_deep
from lscp_cli.base.records import dataclass


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


# -- reading the audit log back (`lscp log`) ---------------------------------------------------
AUDIT_KEYS = ("time", "user", "case", "action", "field", "old", "new")


@dataclass(frozen=True)
class AuditEntry:
    """One line of `audit.log`: who changed which field of which case, when, and why.

    Values are as the log holds them (JSON: dates as ISO text); `time` is UTC ISO text.
    `user` is the account the operating system ran lscp as; `claimed_user` what the
    environment said, where it said something else. `verified` is False for a line the hash
    chain does not prove (auditchain.py): changed, inserted, or next to a deleted one.
    """

    time: str
    user: str
    case: str
    action: str
    field: str
    old: Any
    new: Any
    reason: str | None = None
    line: int = 0
    verified: bool = True
    claimed_user: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"time": self.time, "user": self.user, "case": self.case,
                "action": self.action, "field": self.field, "old": self.old, "new": self.new,
                "reason": self.reason, "line": self.line, "verified": self.verified,
                "claimed_user": self.claimed_user}


def parse_audit(raw: bytes, suspect: Collection[int] = ()
                ) -> tuple[list[AuditEntry], list[tuple[int, str]]]:
    """The entries of an audit log's bytes, and (line number, what is wrong) for each line
    that is not one: a line cut short by a full disk, typed by hand, or nested past reason,
    never hides the rest. Lines numbered in `suspect` come with `verified` False. Messages
    never quote the line (it may hold case data)."""
    entries: list[AuditEntry] = []
    bad: list[tuple[int, str]] = []
    lines = raw.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line.decode("utf-8", errors="replace"))
        except (ValueError, RecursionError):
            bad.append((number, "is not a JSON record (cut short, edited by hand, or nested "
                                "too deeply to be a real one); it was skipped"))
            continue
        missing = [key for key in AUDIT_KEYS
                   if not isinstance(record, dict) or key not in record]
        if missing:
            bad.append((number, f"has no {', '.join(missing)}; it was skipped"))
            continue
        if too_deep(record):  # lscp writes at most 4 levels; showing 900 would overflow
            bad.append((number, "is nested too deeply to be a line lscp wrote; it was "
                                "skipped"))
            continue
        reason = record.get("reason")
        claimed = record.get("claimed_user")
        entries.append(AuditEntry(
            time=str(record["time"]), user=str(record["user"]), case=str(record["case"]),
            action=str(record["action"]), field=str(record["field"]), old=record["old"],
            new=record["new"], reason=str(reason) if reason is not None else None,
            line=number, verified=number not in suspect,
            claimed_user=str(claimed) if claimed is not None else None,
        ))
    return entries, bad
