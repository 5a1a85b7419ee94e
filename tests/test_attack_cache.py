"""Faults found by the attack (issue 12): the parsed-case cache must never crash a report nor
serve a file whose bytes changed."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result
from tests.conftest import CASE_TEXT

from lscp_cli import __version__
from lscp_cli.casebook import Casebook
from lscp_cli.storage.casecache import FORMAT

Run = Callable[..., Result]
NAME = "LSCP-2025-001.toml"


def _payload(entries: object) -> bytes:
    return pickle.dumps({"format": FORMAT, "lscp": __version__, "entries": entries})


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
    (casebook_dir / ".lscp-cache").write_bytes(_payload(entries))
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
