"""Mutators for the fuzzers: hostile variations of case files, `lscp.toml` and typed dates.

Every fuzzer runs `budget(base)` inputs: `base` in CI (a few hundred in all), and
`LSCP_FUZZ_SCALE` times as many on demand:

    LSCP_FUZZ_SCALE=10 python -m pytest tests/fuzz -q      # a 10x run
    LSCP_FUZZ_SEED=1234 python -m pytest tests/fuzz -q     # another sequence of inputs

Each prints how many inputs it tried and how many failed (0 expected), and on a failure the
seed and input that broke it, so it can be replayed.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "cases"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

SEED = int(os.environ.get("LSCP_FUZZ_SEED", "20261129"))
SCALE = float(os.environ.get("LSCP_FUZZ_SCALE", "1"))
# Replay one input: LSCP_FUZZ_ONLY=170 runs only input 170 of the sequence (same seed, scale).
ONLY = int(os.environ["LSCP_FUZZ_ONLY"]) if os.environ.get("LSCP_FUZZ_ONLY") else None


def wanted(number: int) -> bool:
    return ONLY is None or number == ONLY


def budget(base: int) -> int:
    return max(1, int(base * SCALE))


def seeds() -> list[bytes]:
    """The well-formed files mutations start from: the fixtures and the example casebook."""
    files = sorted(FIXTURES.glob("*.toml")) + sorted((EXAMPLES / "cases").glob("*.toml"))
    return [path.read_bytes() for path in files]


# Values an attacker (or an unlucky paste) puts where a date, a number or text belongs.
HOSTILE_VALUES = [
    b"0001-01-01", b"9999-12-31", b"1899-12-31", b"2200-01-01", b"2024-02-29", b"2025-02-29",
    b"1979-05-27T07:32:00Z", b"07:32:00", b"1979-05-27T00:32:00.999999-07:00",
    b"nan", b"-inf", b"+inf", b"1e308", b"-0", b"99999999999999999999", b"0x7fffffff",
    b"true", b'""', b"''", b"[]", b"{}", b"[[]]", b'"\\u001b]0;owned\\u0007\\u001b[2J"',
    b'"=HYPERLINK(\\"http://x\\")"', b'"@SUM(A1)"', b'"+1"', b'"\\u202eevil"',
    b'"' + b"x" * 5000 + b'"', b"[" * 40 + b"]" * 40, b"{a={a={a={a={a=1}}}}}",
    b'"\\ud800"', b'"\\U0010ffff"', b"'''\n''' ", b'"""\n"""',
]
HOSTILE_BYTES = [b"\x00", b"\xff", b"\xfe", b"\x1b", b"\r", b"\r\n", b"\t", b"\x7f",
                 b"\xc3\x28", b"\xef\xbb\xbf", b"\xe2\x80\xae", b"[", b"]", b"=", b'"', b"#",
                 b"\n[[children]]\n", b"\n[incident]\n", b"\n[[agencies]]\nname = 1\n"]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to four random mutations of `data`."""
    for _ in range(rng.randint(1, 4)):
        data = rng.choice(_MUTATIONS)(data, rng)
    return data


def _flip(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    at = rng.randrange(len(data))
    return data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1:]


def _insert(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice(HOSTILE_BYTES) + data[at:]


def _delete(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    at = rng.randrange(len(data))
    return data[:at] + data[at + rng.randint(1, 40):]


def _replace_value(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    assignments = [i for i, line in enumerate(lines) if b" = " in line]
    if not assignments:
        return data
    i = rng.choice(assignments)
    key = lines[i].split(b" = ", 1)[0]
    lines[i] = key + b" = " + rng.choice(HOSTILE_VALUES)
    return b"\n".join(lines)


def _shuffle_lines(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    if len(lines) < 2:
        return data
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    if rng.random() < 0.5:
        lines[i], lines[j] = lines[j], lines[i]
    else:
        lines.insert(j, lines[i])  # a duplicated key or header
    return b"\n".join(lines)


def _unknown_field(data: bytes, rng: random.Random) -> bytes:
    value = rng.choice(HOSTILE_VALUES)
    return b"zz_unknown = " + value + b"\n" + data if rng.random() < 0.5 else (
        data + b"\n[extra]\nzz = " + value + b"\n")


def _deep(data: bytes, rng: random.Random) -> bytes:
    depth = rng.choice([20, 200, 600, 1200])
    kind = rng.randrange(3)
    if kind == 0:
        return b"deep = " + b"[" * depth + b"]" * depth + b"\n" + data
    if kind == 1:
        return b"deep = " + b"{a = " * depth + b"1" + b"}" * depth + b"\n" + data
    return data + b"\n[" + b".".join([b"a"] * depth) + b"]\nb = 1\n"


_MUTATIONS: list[Callable[[bytes, random.Random], bytes]] = [
    _flip, _insert, _delete, _replace_value, _replace_value, _replace_value, _shuffle_lines,
    _unknown_field, _unknown_field,
    _deep,
]


class Tally:
    """Counts inputs and failures, and reports them whatever the outcome."""

    def __init__(self, name: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.name = name
        self.capsys = capsys
        self.tried = 0
        self.failures: list[str] = []

    def failed(self, what: str) -> None:
        self.failures.append(what)

    def report(self) -> None:
        with self.capsys.disabled():
            print(f"\nfuzz {self.name}: {self.tried} inputs tried, {len(self.failures)} "
                  f"failures (seed {SEED}, scale {SCALE:g})")
            for failure in self.failures[:5]:
                print(f"  FAILED {failure[:500]}")
        assert not self.failures, self.failures[:3]
