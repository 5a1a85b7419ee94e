"""A cache of parsed, validated case files, so reports need not re-parse unchanged files.

An entry is used only while the file's size, modification time (ns) and inode are unchanged
and its bytes still have the same hash: lscp's own writes replace the file (new inode), a
hand edit changes the time, and an edit that keeps even the time (a restored backup, a
filesystem with coarse times) changes the hash. Reading and hashing a file costs a small part
of parsing it. The cache is a pickle read with an unpickler that refuses every type but the
`datetime` values TOML has, so a tampered cache cannot run code; an entry of the wrong shape
is ignored, and any problem reading the cache just means parsing the files again.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import pickle
from pathlib import Path
from typing import Any

from lscp_cli import __version__
from lscp_cli.base.safefile import atomic_write, read_file
from lscp_cli.errors import LscpError, Problem
from lscp_cli.model.case import Case

FORMAT = 3
_ALLOWED = {"date", "datetime", "time", "timezone", "timedelta"}


class _DatesOnly(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module == "datetime" and name in _ALLOWED:
            return getattr(datetime, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the case cache")


Key = tuple[int, int, int]
CachedWarning = tuple[int | None, str, str | None]


def _dumps(payload: dict[str, Any]) -> bytes:
    """The payload pickled without the memo ("fast" mode), which costs a third of the dump.

    Parsed cases are trees (nothing shared, nothing refers to itself); a cycle (only a
    tampered cache could hold one) raises ValueError, and the cache is then not written.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(payload)
    return buffer.getvalue()


class CaseCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, tuple[Key, bytes, dict[str, Any], list[CachedWarning]]] = {}
        self.dirty = False
        self._load()

    def _load(self) -> None:
        try:
            blob = read_file(self.path)  # a FIFO named .lscp-cache never blocks
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

    @staticmethod
    def digest(raw: bytes) -> bytes:
        return hashlib.blake2b(raw, digest_size=16).digest()

    def get(self, path: Path, stat: os.stat_result, raw: bytes) -> Case | None:
        """The cached case for `path` as read now (`raw`), or None to parse it again."""
        entry = self.entries.get(path.name)
        if entry is None:
            return None
        try:
            key, digest, data, warnings = entry
            if key != self._key(stat) or digest != self.digest(raw) or type(data) is not dict:
                return None
            problems = [Problem(path, line, message, field)
                        for line, message, field in warnings]
        except (TypeError, ValueError):  # an entry of the wrong shape: parse the file again
            return None
        if not all(type(p.message) is str for p in problems):
            return None
        return Case(path=path, data=data, warnings=problems)

    def put(self, path: Path, stat: os.stat_result, case: Case, raw: bytes) -> None:
        warnings = [(w.line, w.message, w.field) for w in case.warnings]
        self.entries[path.name] = (self._key(stat), self.digest(raw), case.data, warnings)
        self.dirty = True

    def save(self, keep: set[str]) -> None:
        stale = set(self.entries) - keep
        for name in stale:
            del self.entries[name]
        if not (self.dirty or stale):
            return

        payload = {"format": FORMAT, "lscp": __version__, "entries": self.entries}
        try:
            atomic_write(self.path, _dumps(payload))
        except (OSError, LscpError, RecursionError, ValueError, pickle.PicklingError):
            pass  # a read-only casebook still works, only slower
