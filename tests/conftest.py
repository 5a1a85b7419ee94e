"""Shared test isolation: every test gets its own casebook, home and terminal settings."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from lscp_cli.cli import cli
from lscp_cli.process.settings import DEFAULT_SETTINGS_TOML

FIXTURES = Path(__file__).parent / "fixtures"


def without_stamp(raw: bytes) -> bytes:
    """A case file's bytes without the audit stamp lscp writes at its end (auditchain.py)."""
    from lscp_cli.base.auditchain import split_stamp

    return split_stamp(raw)[0]


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A `print`-marked test without its real client: skipped saying what to install, or a
    failure under LSCP_REQUIRE_PRINT_TOOLS=1 (CI) (see tests/print_tools.py)."""
    import print_tools

    marker = item.get_closest_marker("print")
    if marker is None:
        return
    absent = print_tools.missing(tuple(marker.args))
    if not absent:
        return
    message = "needs " + "; ".join(absent)
    if print_tools.required():
        pytest.fail(f"{print_tools.REQUIRE_ENV} is set and this print test {message}",
                    pytrace=False)
    pytest.skip(f"print test {message}")


def every_command(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and subcommand of `group`, as the words that run it."""
    found = []
    ctx = click.Context(group)  # through click's API: `lscp` loads its commands lazily
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found.extend(every_command(command, (*prefix, name)))
    return found


def case_text(name: str) -> str:
    """A fictional case file from tests/fixtures/cases/ (see the README there)."""
    return (FIXTURES / "cases" / f"{name}.toml").read_text(encoding="utf-8")


# The case most tests start from: just opened, nothing notified yet.
CASE_TEXT = case_text("intake")


@pytest.fixture(autouse=True)
def isolation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    casebook = tmp_path / "casebook"
    casebook.mkdir()
    # A casebook is a folder holding lscp.toml: LSCP_DIR naming a folder without one is refused.
    (casebook / "lscp.toml").write_text(DEFAULT_SETTINGS_TOML, encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("LSCP_DIR", str(casebook))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("LSCP_DEBUG", raising=False)
    # The parsed-case cache lives in the user's cache folder: under the test's own home.
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    monkeypatch.delenv("LSCP_PROMPT", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.chdir(tmp_path)
    return casebook


@pytest.fixture
def casebook_dir(isolation: Path) -> Path:
    return isolation


@pytest.fixture
def write_case(casebook_dir: Path) -> Callable[..., Path]:
    def write(text: str = CASE_TEXT, case_id: str = "LSCP-2025-001") -> Path:
        cases = casebook_dir / "cases"
        cases.mkdir(exist_ok=True)
        path = cases / f"{case_id}.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def casebook_with(casebook_dir: Path) -> Callable[..., Path]:
    """Copy fixture cases into the test's casebook, each under its own id; returns the root."""

    def build(*names: str) -> Path:
        cases = casebook_dir / "cases"
        cases.mkdir(exist_ok=True)
        for name in names:
            text = case_text(name)
            case_id = tomllib.loads(text)["id"]
            (cases / f"{case_id}.toml").write_text(text, encoding="utf-8")
        return casebook_dir

    return build


@pytest.fixture
def run() -> Callable[..., Result]:
    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        runner = CliRunner()
        return runner.invoke(cli, list(args), input=input, env=env, catch_exceptions=False)

    return invoke


# What os has on Linux and not on Windows Python 3.11 (the docs' "Availability: Unix"), among
# the calls a file-handling program might reach for.
WINDOWS_LACKS = (
    "fchmod", "fchown", "getuid", "geteuid", "lchmod", "getgid", "getegid", "getgroups",
    "chown", "lchown", "fork", "mkfifo", "mknod", "statvfs", "fstatvfs", "sync", "fdatasync",
    "fchdir", "getloadavg", "uname", "setsid", "getpgid", "killpg", "pread", "pwrite",
    "posix_fallocate", "posix_fadvise", "get_blocking", "set_blocking",
    "O_NOFOLLOW", "O_NONBLOCK", "O_DIRECTORY", "O_CLOEXEC", "O_NOCTTY", "O_SYNC", "O_DSYNC",
    "O_NOATIME", "O_PATH",
)


class WindowsSimulation:
    """What the `windows` fixture did: how often Windows-only failures were met."""

    def __init__(self) -> None:
        self.link_refused = 0
        self.replace_failed = 0
        self.replace_failures_left = 2


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> WindowsSimulation:
    """Make `os` look like Windows Python 3.11, for lscp's code and the libraries it calls.

    No fchmod, fchown, getuid, geteuid or lchmod (nor the other POSIX-only calls and flags in
    `WINDOWS_LACKS`); no SIGALRM or interval timers; no pwd, grp, fcntl, termios or resource
    modules for a late import; os.link refused as on many SMB shares and synced folders; every
    os.replace fails twice (antivirus, OneDrive) before it works; the user name only in
    USERNAME. `portable.on_windows()` says yes. filelock's Windows lock (msvcrt) cannot run
    here, so its soft lock stands in for it (filelock chose its Unix lock at import).
    """
    import errno
    import os
    import signal
    import sys

    from filelock import SoftFileLock

    from lscp_cli.base import portable

    sim = WindowsSimulation()
    for name in WINDOWS_LACKS:
        monkeypatch.delattr(os, name, raising=False)
    for name in ("SIGALRM", "SIGHUP", "SIGPIPE", "SIGKILL", "SIGUSR1", "SIGXFSZ", "ITIMER_REAL",
                 "alarm", "setitimer", "getitimer", "pause", "siginterrupt"):
        monkeypatch.delattr(signal, name, raising=False)
    # Libraries that pick their platform's code at import (click's editor and pager) are
    # imported first: on Windows they take the Windows branch, which cannot run here.
    import click._termui_impl  # noqa: F401

    for module in ("pwd", "grp", "fcntl", "termios", "resource"):
        monkeypatch.setitem(sys.modules, module, None)  # `import pwd` raises ImportError

    def link(*args: object, **kwargs: object) -> None:
        sim.link_refused += 1
        raise PermissionError(errno.EPERM, "Operation not permitted (simulated SMB share)")

    real_replace = os.replace

    def replace(src: object, dst: object, **kwargs: object) -> None:
        if sim.replace_failures_left:
            sim.replace_failures_left -= 1
            sim.replace_failed += 1
            raise PermissionError(errno.EACCES, "The process cannot access the file because "
                                  "it is being used by another process", str(dst))
        sim.replace_failures_left = 2
        real_replace(src, dst, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "link", link)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(portable, "on_windows", lambda: True)
    monkeypatch.setattr(portable, "os_lock_class", lambda: SoftFileLock)
    monkeypatch.setattr(portable, "REPLACE_DELAYS", (0.001,) * 6)
    for name in ("USER", "LOGNAME", "LNAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("USERNAME", "jo.obrien")
    monkeypatch.setenv("COMPUTERNAME", "LEEDS-PC-17")
    return sim
