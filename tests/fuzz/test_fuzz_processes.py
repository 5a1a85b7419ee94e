"""Fuzz: lscp processes killed at random moments, and many processes at once.

Killed: `record` and `new-incident` are killed (SIGKILL, no clean-up) after a random delay.
Afterwards every case file must parse (the old or the new version, never a partial one), and
every change a case file holds must have its line in the audit log.

At once: 20 processes record different agencies on one case and open new cases together;
no update may be lost, no id handed out twice, and every saved change is audited.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from tests.conftest import CASE_TEXT

from lscp_cli.model.case import parse_case

from .mutate import SEED, Tally, budget, wanted

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

NEW = ["new-incident", "--no-input", "--type", "serious-harm", "--aware", "03/01/2025",
       "--child-initials", "A.B.", "--abuse-or-neglect", "suspected"]


def _lscp(casebook: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "LSCP_DIR": str(casebook), "NO_COLOR": "1"}
    return subprocess.Popen([sys.executable, "-m", "lscp_cli", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _audit(casebook: Path) -> list[dict[str, object]]:
    log = casebook / "audit.log"
    if not log.exists():
        return []
    lines = []
    for raw in log.read_text(encoding="utf-8").splitlines():
        lines.append(json.loads(raw))  # a partial line would fail here
    return lines


def _invariants(casebook: Path, tally: Tally, label: str) -> None:
    audit = _audit(casebook)
    audited_agencies = set()
    for line in audit:
        new = line.get("new")
        if isinstance(new, dict) and "name" in new:  # agencies[N] = {name, requested}
            audited_agencies.add(str(new["name"]))
        elif str(line.get("field", "")).endswith(".name"):
            audited_agencies.add(str(new))
    created = {str(line["case"]) for line in audit if line["action"] == "new-incident"}
    for path in sorted((casebook / "cases").glob("*.toml")):
        try:
            case = parse_case(path.read_text(encoding="utf-8"), path, expected_id=path.stem)
        except Exception as exc:  # noqa: BLE001
            tally.failed(f"{label}: {path.name} is partial or broken: {exc}")
            continue
        if path.stem not in created and path.stem != "LSCP-2025-001":
            tally.failed(f"{label}: {path.name} was saved without its audit line")
        for agency in case.data.get("agencies", []):
            if agency["name"] not in audited_agencies:
                tally.failed(f"{label}: agency {agency['name']} saved without its audit line")


def _start(casebook: Path) -> None:
    (casebook / "cases").mkdir(parents=True, exist_ok=True)
    (casebook / "cases" / "LSCP-2025-001.toml").write_text(CASE_TEXT, encoding="utf-8")


def test_fuzz_killed_writes(casebook_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rng = random.Random(SEED + 3)
    _start(casebook_dir)
    tally = Tally("killed record/new-incident", capsys)
    finished = 0
    for number in range(budget(16)):
        args = (["record", "LSCP-2025-001", "agency-requested", "2025-01-06", "--agency",
                 f"Agency {number}"] if rng.random() < 0.6 else NEW)
        delay = rng.uniform(0.05, 0.9)
        if not wanted(number):
            continue
        tally.tried += 1
        process = _lscp(casebook_dir, *args)
        time.sleep(delay)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        else:
            finished += 1
        process.wait(timeout=60)
        _invariants(casebook_dir, tally, f"kill {number} after {delay:.2f} s ({args[0]})")
    with capsys.disabled():
        print(f"\n  {tally.tried - finished} killed mid-command, {finished} finished first")
    tally.report()


def test_twenty_processes_at_once(casebook_dir: Path, capsys: pytest.CaptureFixture[str]
                                  ) -> None:
    _start(casebook_dir)
    tally = Tally("20 processes at once", capsys)
    rounds = budget(1)
    for round_number in range(rounds):
        processes = []
        for i in range(20):
            args = (NEW if i % 4 == 0 else
                    ["record", "LSCP-2025-001", "agency-requested", "2025-01-06", "--agency",
                     f"Agency {round_number}-{i}"])
            processes.append((args, _lscp(casebook_dir, *args)))
        outcomes = [(args, process.wait(timeout=120), process.communicate())
                    for args, process in processes]
        tally.tried += len(outcomes)
        ids = [out.decode().strip() for args, code, (out, _) in outcomes
               if args is NEW and code == 0]
        for args, code, (_, err) in outcomes:
            if code != 0:
                tally.failed(f"round {round_number}: lscp {args[0]} exit {code}: "
                             f"{err.decode()[-300:]}")
        if len(set(ids)) != len(ids):
            tally.failed(f"round {round_number}: an id handed out twice: {Counter(ids)}")
        case = parse_case((casebook_dir / "cases" / "LSCP-2025-001.toml").read_text(),
                          casebook_dir / "cases" / "LSCP-2025-001.toml")
        names = {a["name"] for a in case.data.get("agencies", [])}
        expected = {f"Agency {round_number}-{i}" for i in range(20) if i % 4}
        if not expected <= names:
            tally.failed(f"round {round_number}: lost updates: {sorted(expected - names)}")
        _invariants(casebook_dir, tally, f"round {round_number}")
    tally.report()
