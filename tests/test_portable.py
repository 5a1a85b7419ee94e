"""The platform layer: file-name rules, the os.replace retry, the os.link fallback, identity."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from lscp_cli.base import portable
from lscp_cli.errors import FileBusy


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("panel-notification.docx", None),
        ("agency-request-west-yorkshire-police.docx", None),
        ("Jo O'Brien – notes.md", None),
        ("LSCP-2025-001.toml", None),
        ("CONSOLE.txt", None),  # only the exact device names are reserved
        ("con", "a name Windows keeps for a device"),
        ("CON.docx", "a name Windows keeps for a device"),
        ("nul.md.j2", "a name Windows keeps for a device"),
        ("Aux .txt", "a name Windows keeps for a device"),
        ("com1.html", "a name Windows keeps for a device"),
        ("LPT9", "a name Windows keeps for a device"),
        ("com¹.md", "a name Windows keeps for a device"),
        ("letter: final.docx", "':'"),
        ("what?.md", "'?'"),
        ("a*b", "'*'"),
        ('say "hi".md', "'\"'"),
        ("<draft>.md", "'<' '>'"),
        ("a|b", "'|'"),
        ("back\\slash", "'\\\\'"),
        ("tab\there", "\\x09"),
        ("ends-with-dot.", "ends with a space or a dot"),
        ("ends-with-space ", "ends with a space or a dot"),
        ("", "is not a file name"),
        ("..", "is not a file name"),
        ("x" * 121, "longer than 120"),
    ],
)
def test_windows_name_rules(name: str, problem: str | None) -> None:
    found = portable.windows_name_problem(name)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("West Yorkshire Police", "west-yorkshire-police"),
        ("Leeds: Children's Services?", "leeds-children-s-services"),
        ('NHS "West" <ICB> | Leeds*', "nhs-west-icb-leeds"),
        ("Ysgol Gymraeg – Caerdydd", "ysgol-gymraeg-caerdydd"),
        ("Gwasanaethau Cymdeithasol Môn", "gwasanaethau-cymdeithasol-môn"),
        ("CON", "con_"),
        ("nul", "nul_"),
        ("???", "untitled"),
    ],
)
def test_file_slug(text: str, expected: str) -> None:
    slug = portable.file_slug(text)
    assert slug == expected
    assert portable.windows_name_problem(f"{slug}.docx") is None


@pytest.mark.parametrize(
    "text", ["CON", "aux.docx", "a:b?c*d", "  . trailing . ", "COM1.tar.gz", "\x00\x1f", "x" * 300]
)
def test_safe_file_name_is_always_valid(text: str) -> None:
    assert portable.windows_name_problem(portable.safe_file_name(text)) is None


def test_text_style_keeps_bom_and_crlf() -> None:
    raw = b"\xef\xbb\xbfschema = 1\r\nid = \"X\"\r\n"
    style = portable.TextStyle.of(raw)
    assert style == portable.TextStyle(bom=True, crlf=True)
    text = style.decode(raw)
    assert text == 'schema = 1\nid = "X"\n'
    assert style.encode(text) == raw
    assert style.encode(text + "new = 2\n").endswith(b'"X"\r\nnew = 2\r\n')
    plain = b"a = 1\n"
    assert portable.TextStyle.of(plain).encode(portable.TextStyle.decode(plain)) == plain


def _fail_replace(times: int, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    real = os.replace
    calls: list[str] = []

    def replace(src: str | Path, dst: str | Path) -> None:
        calls.append(str(dst))
        if len(calls) <= times:
            raise PermissionError(errno.EACCES, "The process cannot access the file because it "
                                  "is being used by another process", str(dst))
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(portable, "REPLACE_DELAYS", (0.001,) * 4)
    return calls


def test_replace_retries_while_file_is_held(tmp_path: Path, monkeypatch) -> None:
    source, target = tmp_path / "new", tmp_path / "case.toml"
    source.write_text("new")
    target.write_text("old")
    calls = _fail_replace(2, monkeypatch)
    portable.replace(source, target)
    assert target.read_text() == "new" and len(calls) == 3


def test_replace_gives_up_naming_the_file(tmp_path: Path, monkeypatch) -> None:
    source, target = tmp_path / "new", tmp_path / "Jo O'Brien case.toml"
    source.write_text("new")
    target.write_text("old")
    calls = _fail_replace(99, monkeypatch)
    with pytest.raises(FileBusy) as caught:
        portable.replace(source, target)
    assert str(target) in str(caught.value) and "another program" in str(caught.value)
    assert target.read_text() == "old" and len(calls) == 5


def test_link_new_falls_back_to_exclusive_create(tmp_path: Path, monkeypatch) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", refused)
    first, second, target = tmp_path / "a", tmp_path / "b", tmp_path / "LSCP-2025-001.toml"
    first.write_text("first")
    second.write_text("second")
    portable.link_new(first, target)
    assert target.read_text() == "first" and not first.exists()
    with pytest.raises(FileExistsError):
        portable.link_new(second, target)
    assert target.read_text() == "first"


def test_link_new_removes_its_claim_when_the_rename_fails(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(os, "link", lambda *a, **k: (_ for _ in ()).throw(OSError(errno.EPERM,
                                                                                 "refused")))
    _fail_replace(99, monkeypatch)
    source, target = tmp_path / "a", tmp_path / "LSCP-2025-002.toml"
    source.write_text("x")
    with pytest.raises(FileBusy):
        portable.link_new(source, target)
    assert not target.exists()


def test_user_name_without_getuid_or_env(monkeypatch) -> None:
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delattr(os, "getuid", raising=False)
    assert portable.user_name() == "unknown"
    monkeypatch.setenv("USERNAME", "jo.obrien")
    assert portable.user_name() == "jo.obrien"


def test_set_private_mode_without_fchmod(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "f"
    path.write_text("x")
    path.chmod(0o644)
    monkeypatch.delattr(os, "fchmod", raising=False)
    fd = os.open(path, os.O_RDONLY)
    try:
        portable.set_private_mode(path, 0o600, fd=fd)
    finally:
        os.close(fd)
    assert path.stat().st_mode & 0o777 == 0o600
    monkeypatch.setattr(portable, "on_windows", lambda: True)
    path.chmod(0o644)
    portable.set_private_mode(path, 0o600)  # Windows: the folder's access control does it
    assert path.stat().st_mode & 0o777 == 0o644


def test_default_editor(monkeypatch) -> None:
    assert portable.default_editor() is None
    monkeypatch.setattr(portable, "on_windows", lambda: True)
    assert portable.default_editor() == "notepad"
    monkeypatch.setenv("EDITOR", "code --wait")
    assert portable.default_editor() == "code --wait"
    monkeypatch.setenv("VISUAL", "notepad++")
    assert portable.default_editor() == "notepad++"


def test_colour_on_windows_needs_a_terminal_that_takes_ansi(monkeypatch) -> None:
    assert portable.colour_supported(None)
    monkeypatch.setattr(portable, "on_windows", lambda: True)
    monkeypatch.delenv("WT_SESSION", raising=False)
    monkeypatch.delenv("TERM_PROGRAM", raising=False)
    assert not portable.colour_supported(None)  # the old console, VT mode not available
    monkeypatch.setattr(portable, "enable_virtual_terminal", lambda stream: True)
    assert portable.colour_supported(None)
    monkeypatch.setattr(portable, "enable_virtual_terminal", lambda stream: False)
    monkeypatch.setenv("WT_SESSION", "1")  # Windows Terminal
    assert portable.colour_supported(None)


def test_write_refused_when_the_file_changed_while_waiting(tmp_path: Path) -> None:
    """A command whose lock was cleared while its PC slept cannot overwrite newer work."""
    from lscp_cli.base.safefile import atomic_write
    from lscp_cli.errors import ConcurrentEdit

    path = tmp_path / "cases" / "LSCP-2025-001.toml"
    path.parent.mkdir()
    path.write_bytes(b"saved by another officer meanwhile")
    with pytest.raises(ConcurrentEdit) as caught:
        atomic_write(path, b"stale version", expect=b"what this command read")
    assert str(path) in str(caught.value) and "nothing was saved" in str(caught.value)
    assert path.read_bytes() == b"saved by another officer meanwhile"
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    atomic_write(path, b"next", expect=b"saved by another officer meanwhile")
    assert path.read_bytes() == b"next"


def test_link_new_fallback_hands_a_name_out_once_under_a_race(tmp_path: Path,
                                                               monkeypatch) -> None:
    """Eight writers race for one new case file where links are refused: one wins, the rest
    are told the name is taken, and the file holds the winner's text whole."""
    import threading

    monkeypatch.setattr(os, "link", lambda *a, **k: (_ for _ in ()).throw(
        PermissionError(errno.EPERM, "refused")))
    target = tmp_path / "LSCP-2025-007.toml"
    start = threading.Barrier(8)
    won: list[int] = []
    lost: list[int] = []

    def write(n: int) -> None:
        source = tmp_path / f"temp-{n}"
        source.write_text(f"writer {n}\n" * 1000)
        start.wait()
        try:
            portable.link_new(source, target)
            won.append(n)
        except FileExistsError:
            lost.append(n)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1 and len(lost) == 7
    assert target.read_text() == f"writer {won[0]}\n" * 1000


def test_shell_quote_for_the_officers_shell(monkeypatch) -> None:
    import shlex

    awkward = "/home/jo/Jo O'Brien/OneDrive – Leeds City Council/lscp"
    assert shlex.split(portable.shell_quote(awkward)) == [awkward]
    assert portable.shell_quote("/home/jo/lscp") == "/home/jo/lscp"
    monkeypatch.setattr(portable, "on_windows", lambda: True)
    windows = r"C:\Users\Jo O'Brien\OneDrive – Leeds City Council\lscp"
    assert portable.shell_quote(windows) == f'"{windows}"'
    assert portable.shell_quote(r"C:\lscp") == r"C:\lscp"
    assert portable.shell_quote(r"C:\Team $Share") == '"C:\\Team `$Share"'  # PowerShell
