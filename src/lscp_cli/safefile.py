"""Writing files so a crash or a second officer can never leave a half-written one.

Every file lscp creates is readable by its owner only (0600) and every folder 0700: case
files are sensitive personal data about children.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from lscp_cli.errors import FileExists, LockTimeout

FILE_MODE = 0o600
DIR_MODE = 0o700
LOCK_TIMEOUT_SECONDS = 30.0


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) as owner-only folders; return it."""
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        # mkdir's mode is filtered by the umask; set it exactly.
        os.chmod(folder, DIR_MODE)
    return path


def atomic_write(path: Path, data: bytes, *, overwrite: bool = True) -> None:
    """Write via a temp file in the same folder, fsync, then `os.replace` (or link, if new).

    With `overwrite=False` an existing file is never replaced, even by a racing process: the
    temp file is hard-linked into place, which fails if the name is taken.
    """
    private_dir(path.parent)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), FILE_MODE)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(temp, path)
        else:
            try:
                os.link(temp, path)
            except FileExistsError:
                raise FileExists(
                    f"{path} already exists; use --force to overwrite it, or -o to choose "
                    "another file"
                ) from None
        _fsync_dir(path.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def locked(lock_path: Path, what: str) -> Iterator[None]:
    """Hold an exclusive lock file while the block runs; two lscp processes queue here."""
    from filelock import FileLock
    from filelock import Timeout as FileLockTimeout

    private_dir(lock_path.parent)
    lock = FileLock(str(lock_path), timeout=LOCK_TIMEOUT_SECONDS, mode=FILE_MODE)
    try:
        with lock:
            yield
    except FileLockTimeout:
        raise LockTimeout(
            f"{what} is locked by another lscp command (lock file {lock_path}); wait for it "
            "to finish and try again. If no other lscp is running, delete the lock file."
        ) from None


def append_line(path: Path, line: str) -> None:
    """Append one line to an owner-only file, durably (used by the audit log)."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
    try:
        os.write(fd, line.encode("utf-8") + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
