"""`--note` on any step: `lscp record ID rag-meeting 20/01/2025 --note "police absent"`.

Events with a note of their own (the Panel's answer, an action's progress, how learning was
shared) keep it where it belongs; on every other event the note is kept in the case file as an
`[[event_notes]]` entry (date, event, note) and shown in the timeline after the step. `record`
adds it (guards.guarded_apply) once the step itself has passed every check.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from lscp_cli.base.audit import Change
from lscp_cli.base.tomledit import aot, plain

TABLE = "event_notes"


def add_note(document: Any, event: str, when: date, note: str) -> list[Change]:
    """Append the note (spaces tidied) for `event` on `when`; nothing if already there."""
    import tomlkit

    text = " ".join(note.split())
    if not text:
        return []
    value = {"date": when, "event": event, "note": text}
    if TABLE in document and value in [plain(entry) for entry in document[TABLE]]:
        return []
    notes = aot(document, TABLE)
    entry = tomlkit.table()
    entry.update(value)
    notes.append(entry)
    return [Change(f"{TABLE}[{len(notes)}]", None, value)]


def with_note(changes: list[Change], document: Any, event: str, when: date, note: str | None,
              *, own: bool) -> list[Change]:
    """`changes` and, for an event without a note of its own (`own`), the note added."""
    if not note or own:
        return changes
    return changes + add_note(document, event, when, note)


def timeline_notes(data: Mapping[str, Any]) -> list[tuple[date, str]]:
    """The notes as timeline lines: `Note (rag-meeting): police absent`."""
    lines = []
    for entry in data.get(TABLE) or []:
        if not isinstance(entry, dict):
            continue
        when, note = entry.get("date"), entry.get("note")
        if isinstance(when, date) and isinstance(note, str) and note.strip():
            lines.append((when, f"Note ({entry.get('event') or 'step'}): {note.strip()}"))
    return lines
