"""Faults found by the attack (issue 12): the parsed-case cache must never crash a report nor
serve a file whose bytes changed."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from tests.conftest import CASE_TEXT

from lscp_cli.casebook import Casebook
from lscp_cli.storage import casecache
from lscp_cli.storage.casecache import FORMAT

Run = Callable[..., Result]
NAME = "LSCP-2025-001.toml"


def _payload(entries: object) -> bytes:
    return pickle.dumps({"format": FORMAT, "entries": entries})


def write_sealed(casebook: Path, payload: bytes, *, fingerprint: bool = True) -> None:
    """Write a cache as lscp's own would be, sealed with the officer's key (a test standing
    in for the officer: only they hold the key)."""
    if fingerprint:
        data = pickle.loads(payload)  # noqa: S301  the test's own bytes
        settings = (casebook / "lscp.toml").read_bytes()
        data["fingerprint"] = casecache.fingerprint(settings)
        payload = pickle.dumps(data)
    secret = casecache._user_secret(create=True)
    assert secret is not None
    path = casecache.cache_path(casebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(casecache.MAGIC + casecache._seal(secret, casebook, payload) + payload)


@pytest.mark.parametrize(
    "entries",
    [
        {NAME: "not a tuple"},
        {NAME: (1, 2)},
        {NAME: ((1, 2, 3), "not a dict", [])},
        {NAME: ("key", {"id": "x"}, [])},
        {NAME: ((0, 0, 0), {"id": "LSCP-2025-001"}, [("a", "b")])},
        {NAME: ((0, 0, 0), {"id": "LSCP-2025-001"}, "warnings")},
        {NAME: [date(2025, 1, 1)] * 3},
        {7: 7},
        [],
    ],
)
def test_a_malformed_cache_is_discarded(run: Run, write_case: Callable[..., Path],
                                        casebook_dir: Path, entries: object) -> None:
    path = write_case()
    stat = path.stat()
    # Entries keyed to the real file, so a cache that trusts its shape would use them.
    if isinstance(entries, dict) and NAME in entries and isinstance(entries[NAME], tuple):
        entry = entries[NAME]
        if len(entry) == 3 and entry[0] == (0, 0, 0):
            entries = {NAME: ((stat.st_size, stat.st_mtime_ns, stat.st_ino), *entry[1:])}
    if isinstance(entries, dict):
        write_sealed(casebook_dir, _payload(entries))
    else:
        write_sealed(casebook_dir, pickle.dumps({"format": FORMAT, "entries": entries,
                                                 "fingerprint": ""}), fingerprint=False)
    for command in (("list",), ("deadlines", "--as-of", "2025-01-06"), ("check",)):
        result = run(*command)
        assert "unexpected" not in result.output, command
        assert result.exit_code == 0, (command, result.output)
    assert "LSCP-2025-001" in run("list").output


def test_a_cache_keyed_on_the_stat_alone_would_be_stale(write_case: Callable[..., Path],
                                                        casebook_dir: Path) -> None:
    """Same size, same inode, same modification time, different bytes: never served stale."""
    path = write_case()
    cases, _ = Casebook(casebook_dir).load_all()
    assert cases[0].data["incident"]["location"] == "Leeds"
    before = path.stat()
    with path.open("r+b") as handle:  # in place: the inode stays
        text = handle.read()
        handle.seek(0)
        handle.write(text.replace(b'location = "Leeds"', b'location = "Leedz"'))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the time too
    after = path.stat()
    assert (after.st_size, after.st_ino, after.st_mtime_ns) == (
        before.st_size, before.st_ino, before.st_mtime_ns)
    cases, _ = Casebook(casebook_dir).load_all()
    assert cases[0].data["incident"]["location"] == "Leedz"


def test_times_in_a_case_do_not_spoil_the_cache(write_case: Callable[..., Path],
                                                casebook_dir: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import lscp_cli.storage.casefiles

    write_case("at = 2025-01-03T10:00:00+01:00\nwhen = 07:30:00\n" + CASE_TEXT)
    Casebook(casebook_dir).load_all()

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed an unchanged case")

    monkeypatch.setattr(lscp_cli.storage.casefiles, "parse_case", no_parsing)
    cases, errors = Casebook(casebook_dir).load_all()
    assert errors == [] and str(cases[0].data["when"]) == "07:30:00"


# -- a cache that cannot lie (issue 19) ------------------------------------------------------
def _forge(entries: dict[str, Any]) -> None:
    """What an attacker with write access to the casebook can do to a parsed case: shows
    the case closed, moves its Panel deadline, drops it from reports."""
    data = entries[NAME][2]
    data["closed"] = date(2025, 1, 4)
    data["incident"]["aware"] = date(2030, 1, 1)


def _truth(run: Run) -> tuple[str, str]:
    return run("list").output, run("deadlines", "--as-of", "2025-01-06").output


def test_a_forged_cache_changes_nothing(run: Run, write_case: Callable[..., Path],
                                        casebook_dir: Path) -> None:
    write_case()
    before = _truth(run)
    assert "Friday 10 January 2025" in before[1] or "Fri 10 Jan 2025" in before[1]
    sealed = casecache.cache_path(casebook_dir)
    blob = sealed.read_bytes()
    start = len(casecache.MAGIC) + casecache.SEAL_BYTES
    payload = pickle.loads(blob[start:])  # noqa: S301  the test's own cache
    _forge(payload["entries"])
    forged = pickle.dumps(payload)
    # 1. in the casebook, where the cache used to be; 2. in its place with the old seal;
    # 3. sealed with a key of the attacker's own making.
    attempts = [
        (casebook_dir / ".lscp-cache", pickle.dumps({"format": 3, "lscp": "0.1.0",
                                                     "entries": payload["entries"]})),
        (sealed, blob[:start] + forged),
        (sealed, casecache.MAGIC + casecache._seal(b"k" * 32, casebook_dir, forged) + forged),
    ]
    for path, content in attempts:
        path.write_bytes(content)
        assert _truth(run) == before, path
        assert run("check").exit_code == 0


def test_check_reads_every_file_itself(run: Run, write_case: Callable[..., Path],
                                       casebook_dir: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    write_case()
    write_case(CASE_TEXT.replace("LSCP-2025-001", "LSCP-2025-002"), "LSCP-2025-002")
    assert run("list").exit_code == 0  # the cache is warm
    import lscp_cli.storage.casefiles as casefiles

    parsed: list[str] = []
    real = casefiles.parse_case

    def counting(text: str, path: Path, **kwargs: Any) -> Any:
        parsed.append(path.name)
        return real(text, path, **kwargs)

    monkeypatch.setattr(casefiles, "parse_case", counting)
    monkeypatch.setattr(casecache.CaseCache, "get",
                        lambda *a: pytest.fail("check asked the cache"))
    assert run("check").exit_code == 0
    assert sorted(parsed) == [NAME, "LSCP-2025-002.toml"]


def _parses(casebook_dir: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    import lscp_cli.storage.casefiles as casefiles

    count = 0
    real = casefiles.parse_case

    def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal count
        count += 1
        return real(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(casefiles, "parse_case", counting)
        Casebook(casebook_dir).load_all()
    return count


def test_what_decides_validity_keys_the_cache(write_case: Callable[..., Path],
                                              casebook_dir: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    write_case()
    assert _parses(casebook_dir, monkeypatch) == 1
    assert _parses(casebook_dir, monkeypatch) == 0  # warm
    # The casebook's settings.
    settings = casebook_dir / "lscp.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + "\n# changed\n",
                        encoding="utf-8")
    assert _parses(casebook_dir, monkeypatch) == 1
    assert _parses(casebook_dir, monkeypatch) == 0
    # lscp's own code or data (an upgrade: a new order rule, a new rules.toml).
    monkeypatch.setattr(casecache, "code_digest", lambda package=None: b"upgraded lscp")
    assert _parses(casebook_dir, monkeypatch) == 1
    assert _parses(casebook_dir, monkeypatch) == 0


@pytest.mark.parametrize("changed", ["process/rules.toml", "process/order.py",
                                     "model/case.py", "process/data/NEW.txt"])
def test_the_code_digest_covers_code_and_data(tmp_path: Path, changed: str) -> None:
    import shutil

    package = Path(casecache.__file__).resolve().parent.parent
    copy = tmp_path / "lscp_cli"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = casecache.code_digest(copy)
    target = copy / changed
    target.write_bytes((target.read_bytes() if target.exists() else b"") + b"\n# new\n")
    casecache._code_digest.cache_clear()
    assert casecache.code_digest(copy) != before
