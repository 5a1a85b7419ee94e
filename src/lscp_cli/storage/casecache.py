"""A cache of parsed, validated case files, so reports need not re-parse unchanged files.

A cache must never be the source of truth (issue 19), so:

* It lives outside the casebook, in the officer's own cache folder (`portable.user_cache_dir`),
  one file per casebook: whoever can write to the team's share cannot write to it.
* It is sealed with a keyed hash (BLAKE2b) under a secret kept beside it (`key`, owner-only),
  made per casebook from that secret and the casebook's path: a cache file forged or copied
  from elsewhere fails the seal and is not even unpickled.
* It holds a fingerprint of everything that decides whether a file is valid and what it means
  (`fingerprint`: lscp's version and code and data files, rules.toml among them, and the
  casebook's lscp.toml): an upgraded lscp or a changed lscp.toml never reuses old results.
* An entry is used only while the file's size, modification time (ns) and inode are unchanged
  and its bytes have the same hash: reading and hashing a file costs a small part of parsing it.
* `lscp check` does not use it at all (`CaseFiles.load_all(use_cache=False)`).

The pickle is read with an unpickler that refuses every type but the `datetime` values TOML
has; an entry of the wrong shape is ignored; any problem reading the cache just means parsing
the files again.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import io
import os
import pickle
from functools import cache
from pathlib import Path
from typing import Any

from lscp_cli import __version__
from lscp_cli.base import portable
from lscp_cli.base.safefile import atomic_write, private_dir, read_file
from lscp_cli.errors import LscpError, Problem
from lscp_cli.model.case import Case

FORMAT = 4
MAGIC = b"lscp-case-cache\n"
SEAL_BYTES = 32
KEY_FILE = "key"
_ALLOWED = {"date", "datetime", "time", "timezone", "timedelta"}
# What decides whether a case file is valid and what it means: lscp's own code (the package's
# Python sources) and data (rules.toml, the bank holidays). Naming them all is simpler and
# safer than naming the modules validation happens to use today.
_PACKAGE = Path(__file__).resolve().parent.parent
_CODE_SUFFIXES = (".py", ".toml", ".txt", ".csv", ".json")


class _DatesOnly(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module == "datetime" and name in _ALLOWED:
            return getattr(datetime, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the case cache")


Key = tuple[int, int, int]
CachedWarning = tuple[int | None, str, str | None]


def code_digest(package: Path = _PACKAGE) -> bytes:
    """A hash of the names, sizes and modification times of lscp's code and data files under
    `package`, and its version: an upgrade or an edit of any of them changes it. (Their
    bytes would take 6 ms a command to read; this takes under 1 ms.)"""
    return _code_digest(str(package))


@cache
def _code_digest(package: str) -> bytes:
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    for folder, subfolders, names in sorted(os.walk(package)):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        for name in sorted(names):
            if name.endswith(_CODE_SUFFIXES):
                path = os.path.join(folder, name)
                info = os.stat(path)
                relative = os.path.relpath(path, package).replace(os.sep, "/")
                digest.update(f"{relative}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return digest.digest()


def fingerprint(settings: bytes, package: Path = _PACKAGE) -> str:
    """What a cache's results depend on: lscp's code and data, and the casebook's lscp.toml."""
    return hashlib.blake2b(code_digest(package) + settings, digest_size=16).hexdigest()


def cache_path(casebook: Path) -> Path:
    """Where the cache of the casebook at `casebook` lives: the officer's own cache folder."""
    name = hashlib.sha256(_casebook_id(casebook)).hexdigest()[:32]
    return portable.user_cache_dir() / "casebooks" / f"{name}.cache"


def _casebook_id(casebook: Path) -> bytes:
    return os.path.realpath(casebook).encode("utf-8", "surrogateescape")


def _user_secret(create: bool) -> bytes | None:
    """The officer's cache secret (32 random bytes, owner-only), made on first use."""
    path = portable.user_cache_dir() / KEY_FILE
    try:
        secret = read_file(path, limit=1024)
        if len(secret) >= 32:
            return secret
    except OSError:
        pass
    if not create:
        return None
    secret = os.urandom(32)
    try:
        private_dir(path.parent)
        atomic_write(path, secret, overwrite=False)
    except (OSError, LscpError):  # another lscp made it meanwhile: use theirs
        try:
            secret = read_file(path, limit=1024)
        except OSError:
            return None
    return secret if len(secret) >= 32 else None


def _seal(secret: bytes, casebook: Path, payload: bytes) -> bytes:
    """The keyed hash of `payload`, under a key made for this casebook from `secret`."""
    key = hashlib.blake2b(_casebook_id(casebook), key=secret, digest_size=32).digest()
    return hashlib.blake2b(payload, key=key, digest_size=SEAL_BYTES).digest()


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
    """The parsed cases of one casebook, as its last run left them (see the module text)."""

    def __init__(self, casebook: Path, settings: bytes) -> None:
        self.casebook = casebook
        self.path = cache_path(casebook)
        self.fingerprint = fingerprint(settings)
        self.entries: dict[str, tuple[Key, bytes, dict[str, Any], list[CachedWarning]]] = {}
        self.dirty = False
        self._load()

    def _load(self) -> None:
        try:
            blob = read_file(self.path)  # a FIFO in its place never blocks
            secret = _user_secret(create=False)
            if secret is None or not blob.startswith(MAGIC):
                return
            seal = blob[len(MAGIC):len(MAGIC) + SEAL_BYTES]
            payload = blob[len(MAGIC) + SEAL_BYTES:]
            if not hmac.compare_digest(seal, _seal(secret, self.casebook, payload)):
                return  # forged, damaged, or another casebook's: parse the files
            loaded = _DatesOnly(io.BytesIO(payload)).load()
        except Exception:  # any damage just means parsing the files again
            return
        if (
            isinstance(loaded, dict)
            and loaded.get("format") == FORMAT
            and loaded.get("fingerprint") == self.fingerprint
            and isinstance(loaded.get("entries"), dict)
        ):
            self.entries = loaded["entries"]

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
        warnings = [(w.line, w.template, w.field) for w in case.warnings]
        self.entries[path.name] = (self._key(stat), self.digest(raw), case.data, warnings)
        self.dirty = True

    def save(self, keep: set[str]) -> None:
        stale = set(self.entries) - keep
        for name in stale:
            del self.entries[name]
        if not (self.dirty or stale):
            return

        payload = {"format": FORMAT, "fingerprint": self.fingerprint, "entries": self.entries}
        try:
            secret = _user_secret(create=True)
            if secret is None:
                return
            blob = _dumps(payload)
            atomic_write(self.path, MAGIC + _seal(secret, self.casebook, blob) + blob)
        except (OSError, LscpError, RecursionError, ValueError, pickle.PicklingError):
            pass  # a read-only cache folder: lscp still works, only slower
