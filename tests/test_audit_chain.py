"""A tamper-evident audit trail (issue 19): each audit.log line carries the hash of the line
before it; each case file the number and hash of its last change's line; `lscp verify` and
`lscp check` report the first broken link, a deleted tail, a case file changed outside lscp;
`lscp log` shows what the chain does not prove as NOT VERIFIED."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from tests.conftest import CASE_TEXT

from lscp_cli.base import auditchain, portable
from lscp_cli.casebook import Casebook

Run = Callable[..., Result]
STEPS = [
    ("record", "LSCP-2025-001", "panel-notified", "2025-01-06", "--reference", "SI-1"),
    ("record", "LSCP-2025-001", "partners-notified", "2025-01-06"),
    ("record", "LSCP-2025-002", "panel-notified", "2025-01-07", "--reference", "SI-2"),
    ("record", "LSCP-2025-001", "agency-requested", "2025-01-07", "--agency", "West Yorkshire "
     "Police"),
]


@pytest.fixture
def logged(run: Run, write_case: Callable[..., Path], casebook_dir: Path) -> Path:
    """Two cases, four steps recorded: a chained log of six lines (a Panel notification
    writes two: the date and the reference). LSCP-2025-001 was last changed at line 6,
    LSCP-2025-002 at line 5."""
    write_case()
    write_case(CASE_TEXT.replace("LSCP-2025-001", "LSCP-2025-002"), "LSCP-2025-002")
    for step in STEPS:
        assert run(*step).exit_code == 0
    return casebook_dir / "audit.log"


def _lines(log: Path) -> list[bytes]:
    return log.read_bytes().splitlines()


def _write(log: Path, lines: list[bytes]) -> None:
    log.write_bytes(b"".join(line + b"\n" for line in lines))


def test_every_line_links_to_the_one_before(logged: Path, run: Run) -> None:
    lines = _lines(logged)
    records = [json.loads(line) for line in lines]
    assert [r["n"] for r in records] == list(range(1, len(lines) + 1))
    assert records[0]["prev"] == hashlib.sha256(b"").hexdigest()
    for before, record in zip(lines, records[1:], strict=False):
        assert record["prev"] == hashlib.sha256(before).hexdigest()
    result = run("verify")
    assert result.exit_code == 0, result.output
    head = hashlib.sha256(lines[-1]).hexdigest()
    assert f"Head: line {len(lines)}, {head}" in result.stdout
    assert "2 case files agree with their last audit lines" in result.stdout
    assert run("check").exit_code == 0


def test_the_case_file_carries_the_stamp_of_its_last_line(logged: Path,
                                                          casebook_dir: Path) -> None:
    lines = _lines(logged)
    text = (casebook_dir / "cases" / "LSCP-2025-001.toml").read_bytes()
    body, stamp = auditchain.split_stamp(text)
    assert stamp is not None and stamp.line == len(lines)
    assert hashlib.sha256(lines[-1]).hexdigest().startswith(stamp.hash)
    assert json.loads(lines[-1])["file"] == hashlib.sha256(body).hexdigest()
    assert text.count(b"# lscp: audit.log line") == 1  # replaced, never piled up


def test_an_edited_line_is_the_first_broken_link(logged: Path, run: Run) -> None:
    lines = _lines(logged)
    assert b"notification.partners" in lines[2]
    lines[2] = lines[2].replace(b"2025-01-06", b"2025-01-05")
    _write(logged, lines)
    for command in ("verify", "check"):
        result = run(command)
        assert result.exit_code == 1
        assert f"{logged}:4: the audit trail is broken here: this line does not follow " \
               "line 3" in result.output
    shown = run("log", "--format", "json")
    assert shown.exit_code == 1
    verified = {e["line"]: e["verified"] for e in json.loads(shown.stdout)}
    assert verified == {1: True, 2: True, 3: False, 4: False, 5: True, 6: True}
    table = run("log").stdout
    assert "NOT VERIFIED: partners-notified" in table


@pytest.mark.parametrize("cut", [1, 3, 5])
def test_a_deleted_tail_is_seen(logged: Path, run: Run, casebook_dir: Path, cut: int) -> None:
    lines = _lines(logged)
    _write(logged, lines[:-cut])
    result = run("verify")
    assert result.exit_code == 1
    assert "lines were removed from its end" in result.output
    assert "LSCP-2025-001.toml: was last changed by lscp at audit.log line 6" in result.output


def test_an_emptied_or_deleted_log_is_seen(logged: Path, run: Run) -> None:
    logged.write_bytes(b"")
    assert "but audit.log has 0 lines" in run("verify").output
    logged.unlink()
    result = run("check")
    assert result.exit_code == 1 and "but audit.log has 0 lines" in result.output


def test_an_edited_last_line_is_seen(logged: Path, run: Run) -> None:
    lines = _lines(logged)
    lines[-1] = lines[-1].replace(b"West Yorkshire Police", b"West Yorkshire Polic3")
    _write(logged, lines)
    result = run("verify")
    assert result.exit_code == 1
    assert "audit.log line 6, but that line is not the one its change wrote" in result.output
    assert not {e["line"]: e["verified"]
                for e in json.loads(run("log", "--format", "json").stdout)}[6]


def test_a_case_changed_outside_lscp_is_seen_and_taken_in_by_edit(
        logged: Path, run: Run, casebook_dir: Path) -> None:
    path = casebook_dir / "cases" / "LSCP-2025-002.toml"
    path.write_bytes(path.read_bytes().replace(b'"SI-2"', b'"SI-3"'))
    result = run("check")
    assert result.exit_code == 1
    assert f"{path}: differs from what audit.log line 5 says it became" in result.output
    # An officer's hand edit, taken in with `lscp edit`: recorded, and the trail agrees again.
    casebook = Casebook(casebook_dir)
    from lscp_cli.storage.casefiles import digest

    raw = path.read_bytes()
    _, changes = casebook.replace_text("LSCP-2025-002", raw.decode(),
                                       expected_digest=digest(raw))
    assert [c.field for c in changes] == ["(file)"]
    assert run("verify").exit_code == 0
    assert "changed outside lscp" in run("log", "LSCP-2025-002", "--format", "csv").stdout


def test_a_comment_only_edit_is_saved_and_recorded(logged: Path, run: Run,
                                                   casebook_dir: Path) -> None:
    path = casebook_dir / "cases" / "LSCP-2025-002.toml"
    raw = path.read_bytes()
    from lscp_cli.storage.casefiles import digest

    text = "# a note from the officer\n" + raw.decode()
    _, changes = Casebook(casebook_dir).replace_text("LSCP-2025-002", text,
                                                     expected_digest=digest(raw))
    assert [c.field for c in changes] == ["(comments or layout)"]
    assert path.read_text(encoding="utf-8").startswith("# a note from the officer")
    assert run("verify").exit_code == 0


def test_an_old_log_is_sealed_once_with_a_line_saying_so(run: Run,
                                                          write_case: Callable[..., Path],
                                                          casebook_dir: Path) -> None:
    write_case()
    log = casebook_dir / "audit.log"
    legacy = [json.dumps({"time": "2025-01-03T09:00:00+00:00", "user": "jo", "case":
                          "LSCP-2025-001", "action": "new-incident", "field": f, "old": None,
                          "new": "x"}).encode() for f in ("id", "incident.type")]
    _write(log, legacy)
    assert run(*STEPS[0]).exit_code == 0
    assert run(*STEPS[1]).exit_code == 0
    lines = _lines(log)
    started = json.loads(lines[2])
    assert started["action"] == "audit-chain-started" and started["n"] == 3
    assert started["prev"] == hashlib.sha256(b"".join(x + b"\n" for x in legacy)).hexdigest()
    assert sum(b"audit-chain-started" in line for line in lines) == 1  # once
    assert run("verify").exit_code == 0
    assert "audit-chain-started" in run("log").stdout
    # The old lines are sealed: changing one is seen at the line that sealed them.
    lines[0] = lines[0].replace(b'"jo"', b'"al"')
    _write(log, lines)
    result = run("verify")
    assert result.exit_code == 1 and f"{log}:3: the audit trail is broken" in result.output


def _nested(depth: int) -> object:
    value: object = 1
    for _ in range(depth):
        value = [value]
    return value


def test_a_deeply_nested_line_is_skipped_and_named(logged: Path, run: Run) -> None:
    lines = _lines(logged)
    lines.insert(2, b'{"time": "x", "old": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    lines.insert(3, json.dumps({"time": "x", "user": "u", "case": "LSCP-2025-001",
                                "action": "a", "field": "f", "old": None,
                                "new": _nested(20)}).encode())
    _write(logged, lines)
    result = run("log")
    assert result.exit_code == 1
    assert "unexpected" not in result.output and "RecursionError" not in result.output
    assert f"{logged}:3: is not a JSON record" in result.stderr
    assert f"{logged}:4: is nested too deeply" in result.stderr
    assert "SI-1" in result.stdout  # the rest is shown


def test_the_user_is_the_os_account_and_a_different_claim_is_kept_beside_it(
        run: Run, write_case: Callable[..., Path], casebook_dir: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    write_case()
    monkeypatch.setattr(portable, "_os_account", lambda: "jo.obrien")
    monkeypatch.setenv("LOGNAME", "the.director")
    assert run(*STEPS[0]).exit_code == 0
    monkeypatch.setenv("LOGNAME", "jo.obrien")
    assert run(*STEPS[1]).exit_code == 0
    first, *_, last = (json.loads(line) for line in _lines(casebook_dir / "audit.log"))
    assert (first["user"], first["claimed_user"]) == ("jo.obrien", "the.director")
    assert last["user"] == "jo.obrien" and "claimed_user" not in last
    assert "jo.obrien (claimed the.director)" in run("log", env={"COLUMNS": "200"}).stdout


def test_the_os_account_is_not_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import pwd

    monkeypatch.setenv("LOGNAME", "someone.else")
    monkeypatch.setenv("USER", "someone.else")
    assert portable.user_name() == pwd.getpwuid(__import__("os").getuid()).pw_name
    assert portable.claimed_user() == "someone.else"


def test_a_head_noted_earlier_proves_the_log_unchanged(logged: Path, run: Run,
                                                       casebook_dir: Path) -> None:
    head = run("verify").stdout.split("Head: line 6, ")[1].strip()
    assert run(*STEPS[1][:3], "2025-01-06").exit_code == 0  # already recorded: no line
    result = run("verify", "--head", head[:16])
    assert result.exit_code == 0 and "line 6: the log up to it is as it was" in result.stdout
    # Someone who can write everything rebuilds the whole chain with a change in it.
    rebuilt: list[bytes] = []
    prev = hashlib.sha256(b"").hexdigest()
    for line in _lines(logged):
        record = json.loads(line)
        record["user"] = "someone.else"
        record["prev"] = prev
        rebuilt.append(json.dumps(record).encode())
        prev = hashlib.sha256(rebuilt[-1]).hexdigest()
    _write(logged, rebuilt)
    for name in ("LSCP-2025-001", "LSCP-2025-002"):
        path = casebook_dir / "cases" / f"{name}.toml"
        body, stamp = auditchain.split_stamp(path.read_bytes())
        assert stamp is not None
        path.write_bytes(auditchain.with_stamp(body, stamp.line,
                                               hashlib.sha256(rebuilt[stamp.line - 1])
                                               .hexdigest()))
    assert run("verify").exit_code == 0  # the chain alone cannot tell
    result = run("verify", "--head", head)
    assert result.exit_code == 1
    assert "holds no line with the head hash" in result.output
