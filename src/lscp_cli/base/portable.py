"""Where Windows and POSIX differ, in one place: every OS call that is not the same on both.

The officer lscp is for works on a Windows laptop with the team's files on a network share or
OneDrive. Windows Python has no `os.fchmod`/`os.getuid`; SMB shares and synced folders often
refuse `os.link`; antivirus, OneDrive and Word hold files open so `os.replace` fails for a
moment; file names may not hold `: ? * " < > |` or be `CON`, `NUL`, `COM1`...

Everything here works on both. Callers use these and never the raw calls:

- `on_windows()`                      the one platform test (tests can pretend)
- `set_private_mode(path, mode, fd=)` owner-only mode on POSIX; a no-op on Windows, where the
                                      folder's access control protects the files
- `hide(path)`                        a dot file hidden in Windows Explorer too (POSIX hides it
                                      by its name)
- `user_name()`, `host_name()`        who and where, for the audit log and lock holders (the
                                      account from the OS; `claimed_user()` the environment's)
- `user_cache_dir()`                  the officer's own cache folder, outside every casebook
- `replace(src, dst)`                 `os.replace`, retried while another program holds the file
- `link_new(src, dst)`                put `src` at `dst` only if `dst` is free (hard link, or an
                                      exclusive create where links are refused)
- `windows_name_problem(name)`, `safe_file_name(text)`, `file_slug(text)`   file-name rules
- `TextStyle.of(raw)`, `style.encode(text)`   keep a Notepad file's byte-order mark and CRLF
- `shell_quote(text)`                 a path quoted to paste into PowerShell or a POSIX shell
- `default_editor()`                  `$VISUAL`, `$EDITOR`, else Notepad on Windows
- `utf8_streams()`, `colour_supported(stream)`   the console
- `os_lock(path, timeout)`            the OS file lock (filelock: msvcrt on Windows, which works
                                      over SMB; flock elsewhere)
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lscp_cli.base.records import dataclass
from lscp_cli.errors import FileBusy

if TYPE_CHECKING:
    from filelock import BaseFileLock

# On Windows a low-level fd is in text mode (LF -> CRLF) unless O_BINARY is given.
O_BINARY: int = getattr(os, "O_BINARY", 0)

# Seconds to wait between `os.replace` attempts while another program holds the file: about
# three seconds in all, long enough for an antivirus scan or a OneDrive upload to let go.
REPLACE_DELAYS: tuple[float, ...] = (0.05, 0.1, 0.2, 0.4, 0.8, 1.5)


def on_windows() -> bool:
    """True on Windows. The one place lscp asks; the Windows simulation in tests patches it."""
    return sys.platform == "win32"


# -- permissions and identity ----------------------------------------------------------------
_MODE_UNSUPPORTED = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS}


def set_private_mode(path: Path, mode: int, *, fd: int | None = None) -> None:
    """Give `path` (open as `fd`, if given) exactly `mode`, where the OS has modes.

    On Windows this does nothing: Python's chmod there only sets the read-only flag, and what
    protects case files is the access control list of the folder they are in (README: "On
    Windows"). On a network share that refuses modes the file keeps the owner-only mode it was
    created with (mkstemp and mkdir(0o700) already create them private).
    """
    if on_windows():
        return
    try:
        fchmod = getattr(os, "fchmod", None)
        if fd is not None and fchmod is not None:
            fchmod(fd, mode)
        else:
            os.chmod(path, mode)
    except NotImplementedError:
        return
    except OSError as exc:
        if exc.errno not in _MODE_UNSUPPORTED:
            raise


FILE_ATTRIBUTE_HIDDEN = 0x2
_NO_ATTRIBUTES = (-1, 0xFFFFFFFF)  # INVALID_FILE_ATTRIBUTES, as a signed or unsigned DWORD


def hide(path: Path) -> None:
    """Mark lscp's own dot file (`cases/.ids`, a lock) hidden on Windows, where a leading dot
    hides nothing, so Explorer shows the officer only the casebook's real files. Elsewhere,
    and wherever Windows refuses, nothing happens: a file seen is not a failure."""
    if not on_windows():
        return
    try:
        import ctypes

        kernel = getattr(ctypes, "windll", None)
        if kernel is None:
            return
        attributes = kernel.kernel32.GetFileAttributesW(str(path))
        if attributes in _NO_ATTRIBUTES or attributes & FILE_ATTRIBUTE_HIDDEN:
            return
        kernel.kernel32.SetFileAttributesW(str(path), attributes | FILE_ATTRIBUTE_HIDDEN)
    except (ImportError, AttributeError, OSError, ValueError, TypeError):
        pass


def user_name() -> str:
    """The account this process runs as, from the operating system, never raising.

    Not from the environment (`$LOGNAME`, `$USER`, `%USERNAME%`), which anyone can set before
    running lscp: on POSIX the name of the process's user id (pwd), on Windows the account
    Windows says is signed in (GetUserNameW). Only where neither can answer does the
    environment's claim stand in (`claimed_user`).
    """
    name = _os_account()
    return name or claimed_user() or _uid_text()


def claimed_user() -> str:
    """The user name the environment claims (what `getpass.getuser()` reads), or ""."""
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        if value := os.environ.get(variable, "").strip():
            return value
    return ""


def _uid_text() -> str:
    getuid = getattr(os, "getuid", None)
    return str(getuid()) if getuid is not None else "unknown"


def _os_account() -> str:
    if on_windows():
        return _windows_account()
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        return ""
    try:
        import pwd

        return pwd.getpwuid(getuid()).pw_name
    except (ImportError, KeyError, OSError):
        return ""


def _windows_account() -> str:
    try:
        import ctypes

        windll = getattr(ctypes, "windll", None)
        if windll is None:
            return ""
        size = ctypes.c_uint32(257)
        buffer = ctypes.create_unicode_buffer(size.value)
        if windll.advapi32.GetUserNameW(buffer, ctypes.byref(size)):
            return str(buffer.value)
    except (ImportError, AttributeError, OSError, ValueError):
        pass
    return ""


def user_cache_dir() -> Path:
    """The officer's own folder for lscp's caches, outside every casebook: on Windows in the
    local (not roaming) application data, else `$XDG_CACHE_HOME/lscp` or `~/.cache/lscp`."""
    if on_windows():
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "lscp" / "Cache"
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative value is ignored
        base = str(Path.home() / ".cache")
    return Path(base) / "lscp"


def host_name() -> str:
    """This computer's name (COMPUTERNAME on Windows), for lock holders."""
    import socket  # here, not at the top: about 10 ms that a read-only command never needs

    try:
        return socket.gethostname() or os.environ.get("COMPUTERNAME", "unknown")
    except OSError:
        return os.environ.get("COMPUTERNAME", "unknown")


# -- replacing and creating files ------------------------------------------------------------
def replace(source: Path, target: Path) -> None:
    """`os.replace(source, target)`, retried while another program holds `target` open.

    On Windows the rename fails with PermissionError while antivirus, OneDrive sync or Word has
    the file open. After about three seconds it gives up with `FileBusy`, which names the file;
    `target` is then exactly as it was (the rename either happens whole or not at all).
    """
    for delay in (*REPLACE_DELAYS, None):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if delay is None:
                raise FileBusy(
                    f"could not save {target}: another program has it open (Word, OneDrive or "
                    "antivirus?) or it is read-only. Close it there and run the command again; "
                    "the file is as it was before."
                ) from None
            time.sleep(delay)


def link_new(source: Path, target: Path, *, mode: int = 0o600) -> None:
    """Put the file `source` at `target` only if no file is there; else `FileExistsError`.

    A hard link does it in one step. SMB shares, OneDrive folders and FAT drives often refuse
    links; then `target` is claimed with an exclusive create (only one process can win it, so
    an id or a draft name is never handed out twice) and `source` is renamed over the claim.
    If that rename fails, the empty claim is removed again.
    """
    try:
        os.link(source, target)
        return
    except FileExistsError:
        raise
    except (OSError, NotImplementedError, AttributeError):
        pass  # links refused here: claim the name instead
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_BINARY, mode)
    os.close(fd)
    try:
        replace(source, target)
    except BaseException:
        with contextlib.suppress(OSError):
            if target.stat().st_size == 0:
                target.unlink()
        raise


# -- file names ------------------------------------------------------------------------------
_FORBIDDEN = frozenset('<>:"/\\|?*') | frozenset(chr(code) for code in range(32))
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{device}{n}" for device in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")}
)
MAX_NAME = 120  # well under Windows' 255, leaving room for the path on a deep share


def windows_name_problem(name: str) -> str | None:
    """Why `name` cannot be a file name on Windows, or None if it can."""
    if name in ("", ".", ".."):
        return "is not a file name"
    bad = sorted({c for c in name if c in _FORBIDDEN})
    if bad:
        shown = " ".join(repr(c) if c.isprintable() else f"\\x{ord(c):02x}" for c in bad)
        return f"has {shown}, which Windows does not allow in file names"
    if name[-1] in " .":
        return "ends with a space or a dot, which Windows drops"
    device = name.split(".", 1)[0].rstrip(" ").upper()
    if device in _RESERVED:
        return f"is {device}, a name Windows keeps for a device"
    if len(name) > MAX_NAME:
        return f"is longer than {MAX_NAME} characters"
    return None


def safe_file_name(text: str, *, fallback: str = "untitled") -> str:
    """`text` made into a file name valid on Windows (and so everywhere)."""
    name = "".join("-" if c in _FORBIDDEN else c for c in text)
    name = re.sub(r"\s+", " ", name).strip(" .")[:MAX_NAME].rstrip(" .")
    if not name:
        return fallback
    head, dot, rest = name.partition(".")
    if head.rstrip(" ").upper() in _RESERVED:
        name = f"{head.rstrip(' ')}_{dot}{rest}"
    return name


def file_slug(text: str, *, fallback: str = "untitled") -> str:
    """Lower-case words joined by hyphens (`West Yorkshire Police` -> `west-yorkshire-police`)."""
    slug = re.sub(r"[\W_]+", "-", text.casefold()).strip("-")[:60].strip("-")
    return safe_file_name(slug, fallback=fallback)


# -- text files saved on Windows -------------------------------------------------------------
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class TextStyle:
    """How a text file was saved: Notepad may add a byte-order mark and writes CRLF line ends.

    lscp works on text with `\n` line ends and writes it back in the style it was read in, so
    an officer's file is kept as they saved it.
    """

    bom: bool = False
    crlf: bool = False

    @classmethod
    def of(cls, raw: bytes) -> TextStyle:
        return cls(bom=raw.startswith(UTF8_BOM), crlf=b"\r\n" in raw)

    @staticmethod
    def decode(raw: bytes) -> str:
        """The text of UTF-8 `raw`, without its byte-order mark and with `\n` line ends."""
        return raw.decode("utf-8-sig").replace("\r\n", "\n")

    def encode(self, text: str) -> bytes:
        if self.crlf:
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        return (UTF8_BOM if self.bom else b"") + text.encode("utf-8")


def shell_quote(text: object) -> str:
    """`text` (often a path) as one argument to paste into the officer's shell: PowerShell or
    cmd.exe on Windows (double quotes; neither takes `'...'` the same way), else POSIX sh."""
    value = str(text)
    if on_windows():
        if value and not re.search(r"[\s'\"`$&|<>(){};,@#]", value):
            return value
        return '"' + value.replace('"', '""').replace("`", "``").replace("$", "`$") + '"'
    import shlex

    return shlex.quote(value)


# -- editor and console ----------------------------------------------------------------------
def default_editor() -> str | None:
    """`$VISUAL`, else `$EDITOR`, else Notepad on Windows; None lets click find one."""
    for variable in ("VISUAL", "EDITOR"):
        if value := os.environ.get(variable, "").strip():
            return value
    return "notepad" if on_windows() else None


def utf8_streams(*streams: Any) -> None:
    """Make stdout and stderr write UTF-8, whatever the console's code page.

    The old cmd.exe and output piped on Windows use a code page such as cp1252 or cp850, in
    which `→` cannot be written (Python would stop with UnicodeEncodeError). Characters the
    receiving program cannot show become `?` rather than an error.
    """
    for stream in streams or (sys.stdout, sys.stderr):
        encoding = str(getattr(stream, "encoding", "") or "").lower().replace("_", "-")
        if encoding in ("utf-8", "utf8"):
            continue
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        with contextlib.suppress(ValueError, OSError, LookupError):
            reconfigure(encoding="utf-8", errors="replace")


def colour_supported(stream: Any) -> bool:
    """Whether ANSI colour codes show as colour on `stream` (a terminal; the caller checks).

    Windows Terminal and PowerShell 7 understand them; the old console window does only once
    asked to (virtual terminal processing); where that fails, no colour rather than `←[31m`.
    """
    if not on_windows():
        return True
    if os.environ.get("WT_SESSION") or os.environ.get("TERM_PROGRAM"):
        return True
    return enable_virtual_terminal(stream)


def enable_virtual_terminal(stream: Any) -> bool:
    """Ask the Windows console to interpret ANSI codes on `stream`; False if it cannot."""
    try:
        import ctypes
        import msvcrt

        windll = getattr(ctypes, "windll", None)
        get_handle = getattr(msvcrt, "get_osfhandle", None)
        if windll is None or get_handle is None:
            return False
        handle = get_handle(stream.fileno())
        mode = ctypes.c_uint32()
        if not windll.kernel32.GetConsoleMode(handle, ctypes.byref(mode)):
            return False
        return bool(windll.kernel32.SetConsoleMode(handle, mode.value | 0x0004))
    except (ImportError, AttributeError, OSError, ValueError):
        return False


# -- locks -----------------------------------------------------------------------------------
def os_lock(path: Path, timeout: float, mode: int = 0o600) -> BaseFileLock:
    """An exclusive OS lock on `path`: msvcrt byte-range lock on Windows (honoured by SMB file
    servers across PCs), flock elsewhere. The OS lets go if the holder's process ends."""
    options: dict[str, Any] = {"timeout": timeout}
    if not on_windows() and hasattr(os, "fchmod"):
        options["mode"] = mode
    return os_lock_class()(str(path), **options)


def os_lock_class() -> type[BaseFileLock]:
    """The filelock class for this platform (tests of the Windows simulation replace it)."""
    from filelock import FileLock

    return FileLock
