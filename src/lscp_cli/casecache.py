"""A cache of parsed, validated case files, so reports need not re-parse unchanged files.

An entry is used only while the file's size, modification time (ns) and inode are unchanged;
lscp's own writes replace the file (new inode), and a hand edit changes the time. The cache is
a pickle read with an unpickler that refuses every type but `datetime.date`, so a tampered
cache cannot run code; any problem reading it just means parsing the files again.
"""

from __future__ import annotations

import io
import os
import pickle
from pathlib import Path
from typing import Any

from lscp_cli import __version__
from lscp_cli.case import Case
from lscp_cli.errors import LscpError, Problem

FORMAT = 2


class _DatesOnly(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("datetime", "date"):
            from datetime import date

            return date
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the case cache")


Key = tuple[int, int, int]


class CaseCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, tuple[Key, dict[str, Any], list[tuple[int | None, str,
                                                                        str | None]]]] = {}
        self.dirty = False
        self._load()

    def _load(self) -> None:
        try:
            blob = self.path.read_bytes()
            payload = _DatesOnly(io.BytesIO(blob)).load()
        except Exception:  # any damage just means parsing the files again
            return
        if (
            isinstance(payload, dict)
            and payload.get("format") == FORMAT
            and payload.get("lscp") == __version__  # validation rules may have changed
            and isinstance(payload.get("entries"), dict)
        ):
            self.entries = payload["entries"]

    @staticmethod
    def _key(stat: os.stat_result) -> Key:
        return (stat.st_size, stat.st_mtime_ns, stat.st_ino)

    def get(self, path: Path, stat: os.stat_result) -> Case | None:
        entry = self.entries.get(path.name)
        if entry is None or entry[0] != self._key(stat):
            return None
        warnings = [Problem(path, line, message, field) for line, message, field in entry[2]]
        return Case(path=path, data=entry[1], warnings=warnings)

    def put(self, path: Path, stat: os.stat_result, case: Case) -> None:
        warnings = [(w.line, w.message, w.field) for w in case.warnings]
        self.entries[path.name] = (self._key(stat), case.data, warnings)
        self.dirty = True

    def save(self, keep: set[str]) -> None:
        stale = set(self.entries) - keep
        for name in stale:
            del self.entries[name]
        if not (self.dirty or stale):
            return
        from lscp_cli.safefile import atomic_write

        payload = {"format": FORMAT, "lscp": __version__, "entries": self.entries}
        try:
            atomic_write(self.path, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
        except (OSError, LscpError, RecursionError, pickle.PicklingError):
            pass  # a read-only casebook still works, only slower
