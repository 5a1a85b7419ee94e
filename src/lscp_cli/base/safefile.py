"""Writing files so a crash or a second officer can never leave a half-written one.

Every file lscp creates is readable by its owner only (0600) and every folder 0700: case
files are sensitive personal data about children. On Windows, where files have no such modes,
the access control of the casebook's folder protects them (README: "On Windows"); the
platform differences are all in `lscp_cli.base.portable`.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lscp_cli.base import portable
from lscp_cli.errors import (
    CasebookError,
    ConcurrentEdit,
    FileExists,
    FileTooLarge,
    LockTimeout,
    NotRegularFile,
    said,
)

FILE_MODE = 0o600
DIR_MODE = 0o700
# A team casebook on a POSIX share (`[casebook] shared = true`): the group reads and writes,
# and new folders keep the casebook's group (setgid).
SHARED_FILE_MODE = 0o660
SHARED_DIR_MODE = 0o2770
_group_shared = [False]


def share_with_group(shared: bool) -> None:
    """Create files and folders group-shared (True) or owner-only (False, the default)."""
    _group_shared[0] = shared


def file_mode() -> int:
    return SHARED_FILE_MODE if _group_shared[0] else FILE_MODE


def dir_mode() -> int:
    return SHARED_DIR_MODE if _group_shared[0] else DIR_MODE
LOCK_TIMEOUT_SECONDS = 30.0  # one holder keeping a lock this long has stopped: give up
LOCK_QUEUE_SECONDS = 600.0  # however busy the queue, no command waits longer than this
LOCK_POLL_SECONDS = 1.0  # how often a waiter looks whether the lock changed hands
# An lscp command holds a lock for well under a second; a holder older than this has stopped
# partway (most often: its PC went to sleep in the middle of a command on the team's share).
STALE_LOCK_SECONDS = 60.0
HOLDER_SUFFIX = ".holder"
HOLDER_LIMIT = 4096  # a holder record is under 200 bytes


# Opened without blocking: a FIFO is refused at once instead of waiting for a writer.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | portable.O_BINARY


def read_file(path: Path, *, limit: int | None = None) -> bytes:
    """The bytes of the regular file `path`: `NotRegularFile` for a FIFO, device, socket or
    folder (never a hang), `FileTooLarge` past `limit` bytes (never a long wait)."""
    fd = os.open(path, _READ_FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(f"{path} is not a regular file")
        if limit is not None and info.st_size > limit:
            raise FileTooLarge(info.st_size, limit)
        chunks = []
        size = 0
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if limit is not None and size > limit:  # grew while read
                raise FileTooLarge(size, limit)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_tail(path: Path, size: int) -> bytes:
    """The last `size` bytes of the regular file `path` (all of it if shorter), with the
    guard of `read_file`: the audit log's last line, without reading the whole log."""
    fd = os.open(path, _READ_FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(f"{path} is not a regular file")
        os.lseek(fd, max(0, info.st_size - size), os.SEEK_SET)
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


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
            folder.mkdir(mode=dir_mode() & 0o777)
        except FileExistsError:
            continue
        # mkdir's mode is filtered by the umask; set it exactly.
        portable.set_private_mode(folder, dir_mode())
    return path


def atomic_write(
    path: Path, data: bytes, *, overwrite: bool = True, expect: bytes | None = None
) -> None:
    """Write via a temp file in the same folder, fsync, then `os.replace` (or link, if new).

    With `overwrite=False` an existing file is never replaced, even by a racing process: the
    temp file is linked into place (or the name claimed exclusively), which fails if the name
    is taken. With `expect`, the file must still hold exactly those bytes just before it is
    replaced, else `ConcurrentEdit` and nothing is written: a command whose lock was cleared
    while its PC slept cannot overwrite what others saved meanwhile.
    """
    import tempfile  # here, not at the top: a read-only command writes nothing

    private_dir(path.parent)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temp = Path(temp_name)
    try:
        try:
            with os.fdopen(fd, "wb") as handle:
                portable.set_private_mode(temp, file_mode(), fd=handle.fileno())
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:  # disk full, `ulimit -f`: say which file (the CLI names it)
            exc.filename = exc.filename or str(path)
            raise
        if expect is not None and _current(path) != expect:
            raise ConcurrentEdit(
                f"{path} changed while this command was waiting (another officer or lscp "
                "command saved it); nothing was saved, run the command again"
            )
        if overwrite:
            portable.replace(temp, path)
        else:
            try:
                portable.link_new(temp, path, mode=file_mode())
            except FileExistsError:
                raise FileExists(
                    f"{path} already exists; "
                    + said("use --force to overwrite it, or -o to choose another file",
                           "overwrite it with overwrite=True, or choose another path")
                ) from None
        _fsync_dir(path.parent)
        if path.name.startswith("."):
            portable.hide(path)  # `cases/.ids`: the new file does not keep the old one's flag
    finally:
        # PermissionError: antivirus may still be reading the temp file on Windows.
        with contextlib.suppress(FileNotFoundError, PermissionError):
            temp.unlink()


def _current(path: Path) -> bytes | None:
    try:
        return read_file(path)
    except FileNotFoundError:
        return None
    except OSError:  # something else took its place (a FIFO): not what was read
        return b"\0not the file read"


def _fsync_dir(folder: Path) -> None:
    if portable.on_windows():
        return  # Windows cannot open a folder as a file; NTFS journals the rename itself
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
    """Hold an exclusive lock file while the block runs; two lscp processes queue here.

    Beside the lock, `<lock>.holder` says who holds it (user, PC, process, since when), so an
    officer kept waiting is told whose lscp it is and how long it has held it.
    """
    from filelock import Timeout as FileLockTimeout

    private_dir(lock_path.parent)
    lock = portable.os_lock(lock_path, LOCK_TIMEOUT_SECONDS, file_mode())
    holder = lock_path.with_name(lock_path.name + HOLDER_SUFFIX)
    try:
        lock.acquire(timeout=0)
    except FileLockTimeout:
        # A holder that stopped long ago will not let go in the next 30 s: say so at once.
        if _is_stale(read_holder(holder)):
            raise LockTimeout(locked_message(what, lock_path, read_holder(holder))) from None
        if not _wait_while_progressing(lock, holder):
            raise LockTimeout(locked_message(what, lock_path, read_holder(holder))) from None
    portable.hide(lock_path)
    try:
        _write_holder(holder)
        yield
    finally:
        with contextlib.suppress(OSError):
            holder.unlink()
        lock.release()


def _wait_while_progressing(lock: Any, holder: Path) -> bool:
    """Wait for `lock` while the queue moves; False once one holder has kept it for
    `LOCK_TIMEOUT_SECONDS` (or the wait passes `LOCK_QUEUE_SECONDS` in all).

    The lock is not a fair queue (each waiter retries every 50 ms), so with dozens of writers
    on one case a waiter can lose many rounds in a row. Counting the 30 s from the last time
    the lock changed hands, instead of from the start, keeps such a waiter in the queue while
    others get through, and still gives up on a holder that has stopped.
    """
    from filelock import Timeout as FileLockTimeout

    started = last_change = time.monotonic()
    seen = _holder_key(read_holder(holder))
    while True:
        try:
            lock.acquire(timeout=min(LOCK_POLL_SECONDS, LOCK_TIMEOUT_SECONDS))
            return True
        except FileLockTimeout:
            pass
        now = time.monotonic()
        current = _holder_key(read_holder(holder))
        if current is not None and current != seen:
            seen, last_change = current, now
        if now - last_change >= LOCK_TIMEOUT_SECONDS or now - started >= LOCK_QUEUE_SECONDS:
            return False


def _holder_key(record: dict[str, object] | None) -> tuple[str, ...] | None:
    if record is None:
        return None
    return (str(record.get("host")), str(record.get("pid")), str(record.get("since")),
            str(record.get("turn")))


def _write_holder(holder: Path) -> None:
    record = {
        "user": portable.user_name(),
        "host": portable.host_name(),
        "pid": os.getpid(),
        "since": datetime.now(UTC).isoformat(timespec="seconds"),
        "turn": os.urandom(8).hex(),  # tells waiters the lock changed hands
    }
    # Plain write, not atomic: it is advice for a message, read defensively. Not through a
    # link (O_NOFOLLOW: never truncate a file elsewhere), never blocking on a FIFO.
    flags = (os.O_WRONLY | os.O_CREAT | os.O_TRUNC | portable.O_BINARY
             | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with contextlib.suppress(OSError):
        # Windows refuses to truncate a hidden file (a holder a crashed lscp left): remove it.
        holder.unlink(missing_ok=True)
        fd = os.open(holder, flags, file_mode())
        try:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                os.write(fd, json.dumps(record).encode("utf-8"))
        finally:
            os.close(fd)
        portable.hide(holder)


def read_holder(holder: Path) -> dict[str, object] | None:
    """The holder record beside a lock file, or None if there is none or it is unreadable."""
    try:
        record = json.loads(read_file(holder, limit=HOLDER_LIMIT).decode("utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _since(holder: dict[str, object] | None) -> datetime | None:
    if holder is None:
        return None
    try:
        since = datetime.fromisoformat(str(holder.get("since")))
    except ValueError:
        return None
    return since if since.tzinfo is not None else None


def _is_stale(holder: dict[str, object] | None) -> bool:
    since = _since(holder)
    return since is not None and (datetime.now(UTC) - since).total_seconds() >= STALE_LOCK_SECONDS


def locked_message(what: str, lock_path: Path, holder: dict[str, object] | None,
                   now: datetime | None = None) -> str:
    """What an officer kept waiting by a lock is told: who holds it, since when, what to do."""
    if holder is None:
        return (f"{what} is locked by another lscp command (lock file {lock_path}); wait for "
                "it to finish and try again. If it stays locked, see \"A case is locked\" in "
                "the README.")
    since = _since(holder)
    now = now or datetime.now(UTC)
    who = f"{holder.get('user', 'someone')} on {holder.get('host', 'another PC')}"
    if since is None:
        return (f"{what} is locked by {who} (lock file {lock_path}); wait for it to finish "
                "and try again.")
    age = max(0.0, (now - since).total_seconds())
    local = since.astimezone()  # this PC's clock, as the officer reads it
    when = f"since {local:%H:%M} on {local:%d/%m/%Y} ({_age(age)} ago)"
    message = f"{what} is locked by {who} {when}."
    if age < STALE_LOCK_SECONDS:
        return message + " Wait a moment and try again."
    return (
        f"{message} A command holds its lock for a second or two, so that one stopped "
        f"partway, most likely because {holder.get('host', 'that PC')} went to sleep or "
        "lost the network. Wake that PC (its lscp then finishes and lets go) or restart it; "
        f"if neither can be done, ask IT to close the open file {lock_path} on the file "
        "server. Nothing is lost either way: see \"A case is locked\" in the README."
    )


def _age(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min"
    return f"{secs} s"


def append_line(path: Path, line: str) -> None:
    """Append one line to an owner-only regular file, durably (used by the audit log)."""
    private_dir(path.parent)
    flags = (os.O_WRONLY | os.O_APPEND | os.O_CREAT | portable.O_BINARY
             | getattr(os, "O_NONBLOCK", 0))
    try:
        fd = os.open(path, flags, file_mode())
    except OSError:
        if os.path.exists(path) and not os.path.isfile(path):  # a FIFO with no reader
            raise _not_regular(path) from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _not_regular(path)
        if _group_shared[0]:  # os.open's mode passed through the umask (0o640)
            portable.set_private_mode(path, SHARED_FILE_MODE, fd=fd)
        os.write(fd, line.encode("utf-8") + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)


def _not_regular(path: Path) -> CasebookError:
    return CasebookError(
        f"{path} is not a regular file (a pipe, device or folder); lscp appends only to an "
        "ordinary file: move it away, and lscp starts a new one"
    )
