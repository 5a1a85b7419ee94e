"""Fuzz: mutated case files and `lscp.toml` (see mutate.py for the budget and the seed).

What must hold for every input, however broken:
* the library raises nothing but `LscpError`; the CLI exits 0 or 1, never "unexpected";
* one bad case file never hides the good one beside it, and is named;
* JSON output parses (no NaN), table output carries no raw escape character;
* `lscp workdays` works whatever `lscp.toml` holds.
"""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.conftest import CASE_TEXT

from lscp_cli.casebook import Casebook
from lscp_cli.cli import cli
from lscp_cli.errors import LscpError
from lscp_cli.process.settings import DEFAULT_SETTINGS_TOML
from lscp_cli.storage.casecache import cache_path

from .mutate import EXAMPLES, SEED, Tally, budget, mutate, seeds, wanted

GOOD_ID = "LSCP-2025-002"
BAD_ID = "LSCP-2025-001"
AS_OF = date(2025, 6, 2)


def _strict_json(text: str) -> object:
    def refuse(constant: str) -> object:
        raise ValueError(f"invalid JSON constant {constant}")

    return json.loads(text, parse_constant=refuse)


def _cli(args: tuple[str, ...], tally: Tally, label: str) -> tuple[int, str, str] | None:
    """Run lscp in process; a crash, an exit code other than 0 or 1, or "unexpected" fails."""
    result = CliRunner().invoke(cli, list(args), catch_exceptions=True)
    command = f"lscp {' '.join(args)}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        tally.failed(f"{label}: {command} raised {result.exception!r}")
        return None
    if result.exit_code not in (0, 1) or "unexpected" in result.output:
        tally.failed(f"{label}: {command} exit {result.exit_code}: {result.output[-300:]}")
    return result.exit_code, result.output, result.stdout


def _one_case_file(casebook: Path, content: bytes, tally: Tally, label: str,
                   with_cli: bool) -> None:
    cases = casebook / "cases"
    (cases / f"{BAD_ID}.toml").write_bytes(content)
    cache_path(casebook).unlink(missing_ok=True)
    book = Casebook(casebook)
    try:
        found, errors = book.load_all()
        ids = {case.id for case in found}
        if GOOD_ID not in ids:
            tally.failed(f"{label}: the good case was hidden")
        if BAD_ID not in ids and not any(BAD_ID in str(e) for e in errors):
            tally.failed(f"{label}: the bad case was neither read nor named")
        try:
            book.load(BAD_ID)  # the single-case path (show, record, draft)
        except LscpError:
            pass
        book.deadlines(AS_OF, include_met=True)
        book.list_cases(AS_OF)
        if BAD_ID in ids:
            view = book.show(BAD_ID, AS_OF)
            json.dumps([d.to_json() for d in view.deadlines], allow_nan=False)
        book.check()
    except LscpError:
        pass
    except Exception as exc:  # noqa: BLE001  the finding itself
        tally.failed(f"{label}: library raised {type(exc).__name__}: {exc}")
        return
    commands: list[tuple[str, ...]] = []
    if with_cli:
        commands = [("list",), ("deadlines", "--as-of", "2025-06-02", "--format", "json"),
                    ("show", BAD_ID, "--format", "json"), ("show", BAD_ID), ("check",),
                    ("deadlines", "--format", "csv", "--as-of", "2025-06-02")]
    elif b"\\u001b" in content or b"\x1b" in content or b"\\e" in content:
        commands = [("show", BAD_ID), ("show", BAD_ID, "--format", "csv"),
                    ("deadlines", "--as-of", "2025-06-02")]
    for args in commands:
        if (ran := _cli(args, tally, label)) is None:
            continue
        code, output, stdout = ran
        if "\x1b" in output:
            tally.failed(f"{label}: lscp {' '.join(args)} printed a raw escape character")
        if code == 0 and "json" in args:
            try:
                # stdout alone: reports name the casebook on stderr, and show its warnings.
                _strict_json(stdout)
            except ValueError as exc:
                tally.failed(f"{label}: lscp {' '.join(args)} gave invalid JSON: {exc}")


def test_fuzz_case_files(casebook_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rng = random.Random(SEED)
    cases = casebook_dir / "cases"
    cases.mkdir()
    (cases / f"{GOOD_ID}.toml").write_text(CASE_TEXT.replace("LSCP-2025-001", GOOD_ID),
                                           encoding="utf-8")
    starts = [s.replace(b'id = "', b'id = "X', 1) if i % 7 == 6 else s
              for i, s in enumerate(seeds())]
    tally = Tally("case files", capsys)
    for number in range(budget(150)):
        start = rng.choice(starts)
        # Most inputs keep the right id, so they get past the first check.
        start = _with_id(start, BAD_ID)
        content = mutate(start, rng)
        if not wanted(number):
            continue
        tally.tried += 1
        _one_case_file(casebook_dir, content, tally, f"input {number} (seed {SEED})",
                       with_cli=number % 10 == 0)
    tally.report()


def _with_id(content: bytes, case_id: str) -> bytes:
    lines = content.split(b"\n")
    return b"\n".join(f'id = "{case_id}"'.encode() if line.startswith(b"id = ") else line
                      for line in lines)


def test_fuzz_lscp_toml(casebook_dir: Path, write_case: object,
                        capsys: pytest.CaptureFixture[str]) -> None:
    rng = random.Random(SEED + 1)
    cases = casebook_dir / "cases"
    cases.mkdir()
    (cases / f"{GOOD_ID}.toml").write_text(CASE_TEXT.replace("LSCP-2025-001", GOOD_ID),
                                           encoding="utf-8")
    starts = [DEFAULT_SETTINGS_TOML.encode(), (EXAMPLES / "lscp.toml").read_bytes()]
    tally = Tally("lscp.toml", capsys)
    for number in range(budget(60)):
        content = mutate(rng.choice(starts), rng)
        if not wanted(number):
            continue
        (casebook_dir / "lscp.toml").write_bytes(content)
        tally.tried += 1
        label = f"input {number} (seed {SEED + 1})"
        try:
            book = Casebook(casebook_dir)
            book.deadlines(AS_OF)
            book.check()
        except LscpError:
            pass
        except Exception as exc:  # noqa: BLE001
            tally.failed(f"{label}: library raised {type(exc).__name__}: {exc}")
        commands = [("workdays", "add", "2025-01-03", "5")]
        if number % 5 == 0:
            commands += [("check",), ("list",), ("deadlines", "--format", "json")]
        for args in commands:
            if (ran := _cli(args, tally, label)) is None:
                continue
            code, output, _ = ran
            if args[0] == "workdays" and (code != 0 or "2025-01-" not in output):
                tally.failed(f"{label}: workdays needed a valid lscp.toml: {output[-200:]}")
    tally.report()
