"""Finding the casebook, safe writes, locks, ids, comment preservation and the audit log."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from conftest import CASE_TEXT
from lscp_cli.base.audit import Change
from lscp_cli.base.safefile import atomic_write
from lscp_cli.casebook import Casebook
from lscp_cli.errors import (
    CasebookError,
    CaseNotFound,
    ConcurrentEdit,
    FileExists,
    InvalidCaseFile,
    InvalidCaseId,
)
from lscp_cli.model.event_options import EventOptions
from lscp_cli.model.events import apply_event


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_locate_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    explicit = tmp_path / "explicit"
    explicit.mkdir()
    (explicit / "lscp.toml").write_text("")
    assert Casebook.locate(explicit).root == explicit
    env_dir = tmp_path / "from-env"
    env_dir.mkdir()
    (env_dir / "lscp.toml").write_text("")
    monkeypatch.setenv("LSCP_DIR", str(env_dir))
    assert Casebook.locate(None).root == env_dir
    monkeypatch.delenv("LSCP_DIR")
    nested = tmp_path / "book" / "cases" / "deep"
    nested.mkdir(parents=True)
    (tmp_path / "book" / "lscp.toml").write_text("")
    assert Casebook.locate(None, cwd=nested).root == tmp_path / "book"
    nowhere = tmp_path / "nowhere"
    nowhere.mkdir()
    located = Casebook.locate(None, cwd=nowhere)
    assert located.is_default and located.root == Path.home() / "lscp"


def test_explicit_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CasebookError, match="lscp init"):
        Casebook.locate(tmp_path / "typo")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("LSCP-2025-001", "LSCP-2025-001"),
        ("lscp-2025-001", "LSCP-2025-001"),
        ("2025-1", "LSCP-2025-001"),
        ("2025-012", "LSCP-2025-012"),
        (" LSCP-2025-1000 ", "LSCP-2025-1000"),
    ],
)
def test_normalise_id(casebook_dir: Path, text: str, expected: str) -> None:
    assert Casebook(casebook_dir).normalise_id(text) == expected


@pytest.mark.parametrize(
    "text", ["../LSCP-2025-001", "LSCP-2025-001/../../x", "/etc/passwd", "LSCP-25-1", "", "..",
             "LSCP-2025-001.toml", "LSCP-2025-001\x00"],
)
def test_bad_ids_never_reach_the_filesystem(casebook_dir: Path, text: str) -> None:
    with pytest.raises(InvalidCaseId):
        Casebook(casebook_dir).case_path(text)


def test_load_missing_case(casebook_dir: Path) -> None:
    with pytest.raises(CaseNotFound, match="lscp list"):
        Casebook(casebook_dir).load("LSCP-2025-009")


def test_load_all_keeps_going_past_bad_files(casebook_dir: Path, write_case) -> None:
    write_case()
    write_case(CASE_TEXT.replace("2025-001", "2025-002").replace("aware = 2025-01-03",
                                                               "aware = soon"),
               "LSCP-2025-002")
    write_case(CASE_TEXT.replace("2025-001", "2025-003"), "LSCP-2025-003")
    (casebook_dir / "cases" / "notes.toml").write_text("x = 1")
    (casebook_dir / "cases" / "LSCP-2025-004.toml").write_bytes(b"\xff\xfe")
    cases, errors = Casebook(casebook_dir).load_all()
    assert [c.id for c in cases] == ["LSCP-2025-001", "LSCP-2025-003"]
    messages = [str(e) for e in errors]
    assert len(errors) == 3
    assert any("LSCP-2025-002.toml:9:" in m for m in messages)
    assert any("notes.toml" in m and "not named like a case id" in m for m in messages)
    assert any("not UTF-8" in m for m in messages)


def test_atomic_write_modes_and_no_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "new" / "deeper" / "file.txt"
    atomic_write(target, b"one", overwrite=False)
    assert target.read_bytes() == b"one"
    assert mode(target) == 0o600
    assert mode(target.parent) == 0o700 and mode(target.parent.parent) == 0o700
    with pytest.raises(FileExists, match="overwrite=True"):
        atomic_write(target, b"two", overwrite=False)
    assert target.read_bytes() == b"one"
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["file.txt"]  # no temp files left


def test_failed_write_leaves_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "folder" / "case.toml"
    atomic_write(target, b"old")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["case.toml"]


def test_update_keeps_comments_and_layout(casebook_dir: Path, write_case) -> None:
    path = write_case()
    casebook = Casebook(casebook_dir)
    options = EventOptions(reference="SI-12345")
    case, changes = casebook.update(
        "LSCP-2025-001", "panel-notified",
        lambda doc: apply_event(doc, "panel-notified", date(2025, 1, 6), options))
    text = path.read_text()
    assert text.startswith(CASE_TEXT)  # every byte the officer typed is still there
    assert "# officer's comment on the type" in text
    assert "[notification]\npanel = 2025-01-06\npanel_reference = \"SI-12345\"\n" in text
    assert case.data["notification"]["panel"] == date(2025, 1, 6)
    assert changes == [Change("notification.panel", None, date(2025, 1, 6)),
                       Change("notification.panel_reference", None, "SI-12345")]
    assert mode(path) == 0o600


def test_update_refuses_to_write_an_invalid_case(casebook_dir: Path, write_case) -> None:
    path = write_case()
    casebook = Casebook(casebook_dir)

    def break_it(doc):  # type: ignore[no-untyped-def]
        doc["incident"]["aware"] = "not a date"
        return [Change("incident.aware", None, "not a date")]

    with pytest.raises(InvalidCaseFile):
        casebook.update("LSCP-2025-001", "test", break_it)
    assert path.read_text() == CASE_TEXT
    assert not (casebook_dir / "audit.log").exists()


def test_audit_log_one_json_line_per_change(casebook_dir: Path, write_case) -> None:
    write_case()
    casebook = Casebook(casebook_dir)
    casebook.update("LSCP-2025-001", "decision", lambda doc: apply_event(
        doc, "decision", date(2025, 1, 22), EventOptions(outcome="cspr")))
    lines = (casebook_dir / "audit.log").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["field"] for r in records] == ["rapid_review.decision",
                                            "rapid_review.decision_date"]
    first = records[0]
    assert set(first) == {"time", "user", "case", "action", "field", "old", "new",
                          "n", "file", "prev"}  # the hash chain (test_audit_chain.py)
    assert first["case"] == "LSCP-2025-001" and first["action"] == "decision"
    assert first["old"] is None and first["new"] == "cspr"
    assert records[1]["new"] == "2025-01-22"
    assert mode(casebook_dir / "audit.log") == 0o600


def test_replace_text_refused_when_file_changed(casebook_dir: Path, write_case) -> None:
    from lscp_cli.storage.casefiles import digest

    path = write_case()
    casebook = Casebook(casebook_dir)
    stale = digest(CASE_TEXT)
    path.write_text(CASE_TEXT + "notes = \"someone else\"\n")
    with pytest.raises(ConcurrentEdit, match="changed while you were editing"):
        casebook.replace_text("LSCP-2025-001", CASE_TEXT.replace("Leeds", "York"),
                              expected_digest=stale)
    assert "someone else" in path.read_text()


def test_concurrent_new_incidents_get_distinct_ids(casebook_dir: Path) -> None:
    command = [sys.executable, "-m", "lscp_cli", "new-incident", "--no-input", "--type",
               "serious-harm", "--aware", "yesterday", "--child-initials", "A.B."]
    env = {**os.environ, "LSCP_DIR": str(casebook_dir)}
    processes = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(8)]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs
    ids = sorted(out.strip() for out, _ in outputs)
    year = date.today().year
    assert ids == [f"LSCP-{year}-{n:03d}" for n in range(1, 9)]
    files = sorted(p.name for p in (casebook_dir / "cases").glob("*.toml"))
    assert files == [f"{i}.toml" for i in ids]


def test_concurrent_updates_are_serialised(casebook_dir: Path, write_case) -> None:
    write_case()
    agencies = [f"Agency {n}" for n in range(6)]
    env = {**os.environ, "LSCP_DIR": str(casebook_dir)}
    processes = [
        subprocess.Popen([sys.executable, "-m", "lscp_cli", "record", "LSCP-2025-001",
                          "agency-requested", "06/01/2025", "--agency", name], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name in agencies
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs
    case = Casebook(casebook_dir).load("LSCP-2025-001")
    assert sorted(a["name"] for a in case.data["agencies"]) == agencies  # none lost


def test_settings_validation(casebook_dir: Path) -> None:
    from lscp_cli.errors import InvalidFile
    from lscp_cli.process.settings import DEFAULT_SETTINGS_TOML, load_settings

    path = casebook_dir / "lscp.toml"
    path.write_text(DEFAULT_SETTINGS_TOML)
    settings = load_settings(path)
    assert settings.short_name == "LSCP" and settings.protective_marking == "OFFICIAL-SENSITIVE"
    path.write_text(DEFAULT_SETTINGS_TOML.replace('short_name = "LSCP"', 'short_name = "L S"')
                    .replace("closed = []", 'closed = ["29/12/2025"]'))
    with pytest.raises(InvalidFile) as info:
        load_settings(path)
    messages = [str(p) for p in info.value.problems]
    assert any("lscp.toml:6:" in m and "prefix" in m for m in messages)
    closed = _line_of(DEFAULT_SETTINGS_TOML, "closed = []")
    assert any(f"lscp.toml:{closed}:" in m and "list of dates" in m for m in messages)


def _line_of(text: str, start: str) -> int:
    """The number of the line of `text` that starts with `start` (the default lscp.toml grows)."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def test_cache_is_used_and_refreshed(casebook_dir: Path, write_case,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import lscp_cli.storage.casefiles

    path = write_case()
    casebook = Casebook(casebook_dir)
    cases, _ = casebook.load_all()
    from lscp_cli.storage.casecache import cache_path

    cache = cache_path(casebook_dir)
    assert cache.exists() and mode(cache) == 0o600
    assert mode(cache.parent.parent / "key") == 0o600
    assert not (casebook_dir / ".lscp-cache").exists()  # outside the casebook
    # An unchanged file is not parsed again.
    with monkeypatch.context() as patch:
        def no_parsing(*args: object, **kwargs: object) -> None:
            raise AssertionError("parsed an unchanged case")

        patch.setattr(lscp_cli.storage.casefiles, "parse_case", no_parsing)
        again, errors = Casebook(casebook_dir).load_all()
    assert [c.data for c in again] == [c.data for c in cases] and errors == []
    # A hand edit (new size and time) is seen at once.
    path.write_text(CASE_TEXT.replace('location = "Leeds"', 'location = "Leeds City"'))
    cases, _ = Casebook(casebook_dir).load_all()
    assert cases[0].data["incident"]["location"] == "Leeds City"
    # An edit that breaks the file is reported, not hidden by the cache.
    path.write_text(CASE_TEXT.replace("aware = 2025-01-03", "aware = 3rd"))
    cases, errors = Casebook(casebook_dir).load_all()
    assert cases == [] and len(errors) == 1
    path.unlink()
    assert Casebook(casebook_dir).load_all() == ([], [])


def test_cache_sees_a_same_size_hand_edit(casebook_dir: Path, write_case) -> None:
    """An officer's editor rewrites the file in place: same size, same inode, new time."""
    path = write_case()
    cases, _ = Casebook(casebook_dir).load_all()
    assert cases[0].data["incident"]["location"] == "Leeds"
    before = path.stat()
    with path.open("r+", encoding="utf-8") as handle:  # in place: the inode stays
        text = handle.read()
        handle.seek(0)
        handle.write(text.replace('location = "Leeds"', 'location = "Leedz"'))
    # Filesystems with coarse timestamps could give the same time; make it differ plainly.
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    after = path.stat()
    assert (after.st_size, after.st_ino) == (before.st_size, before.st_ino)
    cases, _ = Casebook(casebook_dir).load_all()
    assert cases[0].data["incident"]["location"] == "Leedz"


def test_tampered_cache_is_ignored_not_executed(casebook_dir: Path, write_case) -> None:
    import pickle

    write_case()
    marker = casebook_dir / "pwned"

    class Evil:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (os.system, (f"touch {marker}",))

    from lscp_cli.storage import casecache

    Casebook(casebook_dir).load_all()  # the officer's key exists
    evil = pickle.dumps(Evil())
    for path in (casebook_dir / ".lscp-cache", casecache.cache_path(casebook_dir)):
        path.write_bytes(evil)
    # Even sealed with the key (only the officer has it), it is never executed.
    secret = casecache._user_secret(create=False)
    assert secret is not None
    casecache.cache_path(casebook_dir).write_bytes(
        casecache.MAGIC + casecache._seal(secret, casebook_dir, evil) + evil)
    cases, errors = Casebook(casebook_dir).load_all()
    assert [c.id for c in cases] == ["LSCP-2025-001"] and errors == []
    assert not marker.exists()


def test_settings_date_both_closed_and_open(casebook_dir: Path) -> None:
    from lscp_cli.errors import InvalidFile
    from lscp_cli.process.settings import DEFAULT_SETTINGS_TOML, load_settings

    path = casebook_dir / "lscp.toml"
    path.write_text(DEFAULT_SETTINGS_TOML.replace("closed = []", "closed = [2025-12-29]")
                    .replace("open = []", "open = [2025-12-29]"))
    opened = _line_of(DEFAULT_SETTINGS_TOML, "open = []")
    with pytest.raises(InvalidFile,
                       match=rf"lscp.toml:{opened}: 2025-12-29 is in both 'closed' and"):
        load_settings(path)
