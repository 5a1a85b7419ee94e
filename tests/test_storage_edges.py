"""The edges of `safefile` and `portable` the commands rarely reach: file systems that refuse
modes, a host with no name, a lock holder record that is not one, the Windows account and
console (issue 19: branch coverage of both at or above the rest)."""

from __future__ import annotations

import errno
import os
import sys
import types
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lscp_cli.base import portable, safefile
from lscp_cli.errors import CasebookError, ConcurrentEdit, FileTooLarge, NotRegularFile

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


# -- portable --------------------------------------------------------------------------------
@pytest.mark.parametrize(("error", "raised"), [
    (NotImplementedError(), None),
    (OSError(errno.EPERM, "not permitted"), None),  # a share that refuses modes
    (OSError(errno.EIO, "input/output error"), OSError),
])
def test_set_private_mode_on_file_systems_that_refuse_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException,
        raised: type[BaseException] | None) -> None:
    def refuse(*args: object) -> None:
        raise error

    monkeypatch.setattr(os, "chmod", refuse)
    if raised is None:
        portable.set_private_mode(tmp_path, 0o700)
    else:
        with pytest.raises(raised):
            portable.set_private_mode(tmp_path, 0o700)


def test_set_private_mode_does_nothing_on_windows(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "f"
    path.write_text("x")
    path.chmod(0o644)
    monkeypatch.setattr(portable, "on_windows", lambda: True)
    portable.set_private_mode(path, 0o600)
    assert path.stat().st_mode & 0o777 == 0o644


def test_host_name_when_the_system_has_none(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_name() -> str:
        raise OSError("no host name")

    import socket

    monkeypatch.setattr(socket, "gethostname", no_name)
    monkeypatch.setenv("COMPUTERNAME", "LEEDS-PC-17")
    assert portable.host_name() == "LEEDS-PC-17"
    monkeypatch.setattr(socket, "gethostname", lambda: "")
    assert portable.host_name() == "LEEDS-PC-17"


def test_user_cache_dir_on_each_system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert portable.user_cache_dir() == tmp_path / ".cache" / "lscp"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert portable.user_cache_dir() == tmp_path / ".cache" / "lscp"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert portable.user_cache_dir() == tmp_path / "xdg" / "lscp"
    monkeypatch.setattr(portable, "on_windows", lambda: True)
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    assert portable.user_cache_dir() == tmp_path / "Local" / "lscp" / "Cache"
    monkeypatch.delenv("LOCALAPPDATA")
    assert portable.user_cache_dir() == tmp_path / "AppData" / "Local" / "lscp" / "Cache"


def test_the_account_when_the_system_cannot_say(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(os, "getuid", lambda: 4242424)  # a uid with no name
    assert portable.user_name() == "4242424"
    monkeypatch.setenv("USER", "  ")  # blank claims are no claims
    assert portable.claimed_user() == ""
    monkeypatch.setitem(sys.modules, "pwd", None)  # no pwd module at all
    monkeypatch.setenv("USER", "jo")
    assert portable.user_name() == "jo"


class _Kernel:
    def __init__(self, *, name: str | None, console: bool) -> None:
        self.name = name
        self.console = console
        self.modes: list[int] = []

    # advapi32
    def GetUserNameW(self, buffer: object, size: object) -> int:  # noqa: N802
        if self.name is None:
            return 0
        buffer.value = self.name  # type: ignore[attr-defined]
        return 1

    # kernel32
    def GetConsoleMode(self, handle: object, mode: object) -> int:  # noqa: N802
        return 1 if self.console else 0

    def SetConsoleMode(self, handle: object, mode: int) -> int:  # noqa: N802
        self.modes.append(mode)
        return 1


def _fake_windll(monkeypatch: pytest.MonkeyPatch, kernel: _Kernel) -> None:
    import ctypes

    windll = types.SimpleNamespace(advapi32=kernel, kernel32=kernel)
    monkeypatch.setattr(ctypes, "windll", windll, raising=False)
    monkeypatch.setitem(sys.modules, "msvcrt", types.SimpleNamespace(get_osfhandle=lambda n: 7))


@pytest.mark.parametrize(("name", "expected"), [("jo.obrien", "jo.obrien"), (None, "claimed")])
def test_the_windows_account(monkeypatch: pytest.MonkeyPatch, name: str | None,
                             expected: str) -> None:
    monkeypatch.setattr(portable, "on_windows", lambda: True)
    monkeypatch.setenv("USERNAME", "claimed")
    monkeypatch.delenv("LOGNAME", raising=False)
    monkeypatch.delenv("USER", raising=False)
    _fake_windll(monkeypatch, _Kernel(name=name, console=True))
    assert portable.user_name() == expected


def test_the_windows_console_asked_for_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = types.SimpleNamespace(fileno=lambda: 1)
    kernel = _Kernel(name=None, console=True)
    _fake_windll(monkeypatch, kernel)
    assert portable.enable_virtual_terminal(stream) is True and kernel.modes == [4]
    _fake_windll(monkeypatch, _Kernel(name=None, console=False))  # output piped
    assert portable.enable_virtual_terminal(stream) is False
    monkeypatch.setitem(sys.modules, "msvcrt", types.SimpleNamespace())
    assert portable.enable_virtual_terminal(stream) is False


# -- safefile --------------------------------------------------------------------------------
def test_read_tail_refuses_what_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(NotRegularFile):
        safefile.read_tail(tmp_path, 10)
    path = tmp_path / "log"
    path.write_bytes(b"0123456789")
    assert safefile.read_tail(path, 4) == b"6789"
    assert safefile.read_tail(path, 40) == b"0123456789"


def test_append_line_refuses_a_folder(tmp_path: Path) -> None:
    (tmp_path / "audit.log").mkdir()
    with pytest.raises(CasebookError, match="audit.log is not a regular file"):
        safefile.append_line(tmp_path / "audit.log", "x")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_append_line_refuses_a_fifo_without_waiting(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "audit.log")
    with pytest.raises(CasebookError, match="lscp appends only to an ordinary file"):
        safefile.append_line(tmp_path / "audit.log", "x")


def test_fsync_of_a_folder_that_cannot_be_opened(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    safefile._fsync_dir(tmp_path / "gone")  # nothing to sync, nothing raised
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError("no fsync")))
    safefile._fsync_dir(tmp_path)
    monkeypatch.setattr(portable, "on_windows", lambda: True)
    safefile._fsync_dir(tmp_path)


@pytest.mark.parametrize("content", [b"[1, 2]", b"not json", b"\xff\xfe", b"{" * 5000])
def test_a_holder_record_that_is_not_one(tmp_path: Path, content: bytes) -> None:
    holder = tmp_path / ".x.lock.holder"
    holder.write_bytes(content)
    assert safefile.read_holder(holder) is None


@pytest.mark.parametrize(("holder", "expected"), [
    (None, "locked by another lscp command"),
    ({"user": "jo", "host": "PC1", "since": "yesterday"}, "locked by jo on PC1 (lock file"),
    ({"user": "jo", "host": "PC1", "since": "2026-12-05T09:59:50"},  # no zone: not trusted
     "locked by jo on PC1 (lock file"),
    ({"user": "jo", "host": "PC1", "since": (NOW - timedelta(seconds=12)).isoformat()},
     "(12 s ago). Wait a moment"),
    ({"since": (NOW - timedelta(minutes=5)).isoformat()}, "someone on another PC"),
    ({"host": "PC1", "since": (NOW - timedelta(hours=2, minutes=3)).isoformat()},
     "(2 h 3 min ago). A command holds its lock"),
    ({"host": "PC1", "since": (NOW - timedelta(days=1, hours=4)).isoformat()},
     "(1 d 4 h ago)"),
])
def test_what_a_waiting_officer_is_told(holder: dict[str, object] | None,
                                        expected: str) -> None:
    message = safefile.locked_message("Case LSCP-2025-001", Path("cases/.x.lock"), holder,
                                      now=NOW)
    assert expected in message


def test_a_holder_without_a_time_zone_is_never_stale() -> None:
    assert not safefile._is_stale({"since": "2000-01-01T00:00:00"})
    assert safefile._is_stale({"since": "2000-01-01T00:00:00+00:00"})


def test_a_file_that_grows_while_read_is_stopped_at_the_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 100)
    real = os.fstat

    def says_empty(fd: int) -> object:  # the size when opened, before it grew
        info = real(fd)
        return types.SimpleNamespace(st_mode=info.st_mode, st_size=0)

    monkeypatch.setattr(os, "fstat", says_empty)
    with pytest.raises(FileTooLarge):
        safefile.read_file(path, limit=50)


def test_private_dir_when_another_process_makes_the_folder_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = Path.mkdir

    def raced(self: Path, *args: object, **kwargs: object) -> None:
        real(self, 0o700)
        raise FileExistsError(str(self))

    monkeypatch.setattr(Path, "mkdir", raced)
    assert safefile.private_dir(tmp_path / "new").is_dir()


def test_a_failed_write_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    folder = tmp_path / "cases"
    folder.mkdir()
    target = folder / "LSCP-2025-001.toml"
    with pytest.raises(OSError) as info:
        safefile.atomic_write(target, b"x")
    assert info.value.filename == str(target)
    assert list(folder.iterdir()) == []  # nor a temp file left behind


def test_a_save_is_refused_when_the_file_went_or_became_something_else(tmp_path: Path) -> None:
    target = tmp_path / "case.toml"
    with pytest.raises(ConcurrentEdit):  # deleted meanwhile
        safefile.atomic_write(target, b"new", expect=b"old")
    target.mkdir()  # a folder took its place
    with pytest.raises(ConcurrentEdit):
        safefile.atomic_write(target, b"new", expect=b"old")


def test_holder_helpers_without_a_record() -> None:
    assert safefile._holder_key(None) is None
    assert safefile._since(None) is None


def test_append_line_passes_on_other_errors(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object) -> int:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "open", refused)
    with pytest.raises(PermissionError):
        safefile.append_line(tmp_path / "audit.log", "x")


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null")
def test_append_line_refuses_a_device() -> None:
    with pytest.raises(CasebookError, match="is not a regular file"):
        safefile.append_line(Path("/dev/null"), "x")
