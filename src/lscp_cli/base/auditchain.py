"""The audit log's hash chain: each line carries the hash of the line before it.

Pure functions on bytes, no files (the casebook reads and writes them). A chained line is a
JSON object with `n` (its line number in `audit.log`) and `prev`: the SHA-256 of the line
before it, as bytes without the line end; the first chained line's `prev` is the SHA-256 of
everything before it (nothing, in a new log; the older, unchained lines of a log from before
the chain, which that line so seals). Changing, deleting, inserting or reordering any line
breaks a link; the last line, which no line follows, is vouched for by the stamp lscp writes
at the end of the case file it changed (`stamp_line`): the line number and hash of that
change's last audit line. Each line also records `file`, the SHA-256 of the case file's
content (without its stamp) after the change, so a case file changed since is seen.

What this cannot prove: someone who can rewrite every file can rebuild the whole chain. The
head hash (`Chain.head`), noted where they cannot reach (the Executive's minutes), closes that:
`lscp verify --head HASH` finds it in the log or says the log was rewritten.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from lscp_cli.base.records import dataclass, field

START_ACTION = "audit-chain-started"
_STAMP = re.compile(rb"^# lscp: audit\.log line (\d{1,12}) ([0-9a-f]{32})\b[^\n]*\n?\Z")
STAMP_HASH_CHARS = 32


def line_hash(line: bytes) -> str:
    """The hash a line is chained by (its bytes, without the line end)."""
    return hashlib.sha256(line.removesuffix(b"\r")).hexdigest()


def prefix_hash(prefix: bytes) -> str:
    """The `prev` of the first chained line: the hash of everything before it."""
    return hashlib.sha256(prefix).hexdigest()


# -- the stamp at the end of a case file --------------------------------------------------------
@dataclass(frozen=True)
class Stamp:
    line: int
    hash: str  # the first STAMP_HASH_CHARS of the line's hash


def stamp_line(line: int, full_hash: str) -> str:
    return (f"# lscp: audit.log line {line} {full_hash[:STAMP_HASH_CHARS]} "
            "(written by lscp, checked by `lscp verify`: leave this line as it is)")


def split_stamp(raw: bytes) -> tuple[bytes, Stamp | None]:
    """A case file's content without lscp's stamp lines, and its (last) stamp."""
    if b"# lscp: audit.log line" not in raw:
        return raw, None
    kept: list[bytes] = []
    stamp = None
    for line in raw.splitlines(keepends=True):
        match = _STAMP.match(line.replace(b"\r\n", b"\n"))
        if match:
            stamp = Stamp(int(match.group(1)), match.group(2).decode())
        else:
            kept.append(line)
    return b"".join(kept), stamp


def content_digest(raw: bytes) -> str:
    """The hash of a case file's content as an audit line records it (stamp left out)."""
    return body_digest(split_stamp(raw)[0])


def body_digest(body: bytes) -> str:
    """The hash of a case file's content, its stamp already left out."""
    return hashlib.sha256(body).hexdigest()


def with_stamp(content: bytes, line: int, full_hash: str) -> bytes:
    """`content` (stamp already left out) with the stamp as its last line, in its line ends."""
    end = b"\r\n" if b"\r\n" in content else b"\n"
    if content and not content.endswith(b"\n"):
        content += end
    return content + stamp_line(line, full_hash).encode() + end


# -- verifying -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Break:
    line: int
    message: str


@dataclass
class Chain:
    """What `verify` found in an audit log's bytes."""

    count: int = 0  # lines in the log
    hashes: list[str] = field(default_factory=list)  # line_hash of each line
    records: list[dict[str, Any] | None] = field(default_factory=list)  # parsed, or None
    breaks: list[Break] = field(default_factory=list)
    suspect: set[int] = field(default_factory=set)  # line numbers not proven history
    chained_from: int | None = None  # the first chained line

    @property
    def head(self) -> str | None:
        return self.hashes[-1] if self.hashes else None

    @property
    def intact(self) -> bool:
        return not self.breaks


def parse_line(line: bytes) -> dict[str, Any] | None:
    """A line's JSON object, or None (not JSON, cut short, nested past reason)."""
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return record if isinstance(record, dict) else None


def split_lines(raw: bytes) -> list[bytes]:
    lines = raw.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the end of the last line, not a line
    return lines


def verify(raw: bytes) -> Chain:
    """Check every link of the chain in `raw` (an audit log's bytes)."""
    lines = split_lines(raw)
    chain = Chain(count=len(lines))
    offset = 0
    previous: str | None = None
    for number, line in enumerate(lines, start=1):
        digest = line_hash(line)
        record = parse_line(line)
        chain.hashes.append(digest)
        chain.records.append(record)
        link = record.get("prev") if record is not None else None
        if chain.chained_from is None and isinstance(link, str):
            chain.chained_from = number
            expected = prefix_hash(raw[:offset])
            if link != expected:
                problem = ("does not follow the lines before it as the log recorded them "
                           "(a line above was changed, deleted, inserted or reordered)")
                if number > 1:
                    chain.suspect.update(range(1, number))
                _broken(chain, number, problem)
        elif chain.chained_from is not None:
            if not isinstance(link, str):
                what = ("is not a JSON record" if record is None
                        else "has no link to the line before it")
                _broken(chain, number, f"{what} (added or edited by hand, or cut short)")
            elif link != previous:
                _broken(chain, number, f"does not follow line {number - 1} as the log recorded "
                        "it (that line was changed, or lines were deleted, inserted or "
                        "reordered here)")
        if (chain.chained_from is not None and record is not None and "prev" in record
                and record.get("n") != number):
            _broken(chain, number, f"is numbered {record.get('n')!r} but is line {number} "
                    "(lines were deleted or inserted above it)")
        previous = digest
        offset += len(line) + 1
    if raw and not raw.endswith(b"\n"):
        _broken(chain, len(lines), "is cut short (it has no line end)")
    return chain


def _broken(chain: Chain, number: int, message: str) -> None:
    if chain.breaks and chain.breaks[-1].line == number:
        return  # one message a line
    chain.breaks.append(Break(number, message))
    chain.suspect.add(number)
    if number > 1:
        chain.suspect.add(number - 1)  # its successor no longer vouches for it


# -- writing -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Tail:
    """Where the next line goes: how many lines there are, and the hash it must link to."""

    count: int
    prev: str
    upgrade: bool  # a log from before the chain: seal it with a first chained line


def tail_of(last_line: bytes | None, whole: bytes | None = None) -> Tail | None:
    """The `Tail` from the last line alone when it is a chained line; None if the whole log
    is needed (`whole` given: from it)."""
    if last_line is not None:
        record = parse_line(last_line)
        if record is not None and isinstance(record.get("prev"), str) \
                and type(record.get("n")) is int and whole is None:
            return Tail(record["n"], line_hash(last_line), upgrade=False)
    if whole is None:
        return None
    lines = split_lines(whole)
    if not lines:
        return Tail(0, prefix_hash(b""), upgrade=False)
    chained = any(isinstance((parse_line(line) or {}).get("prev"), str) for line in lines)
    if chained:
        return Tail(len(lines), line_hash(lines[-1]), upgrade=False)
    return Tail(len(lines), prefix_hash(whole), upgrade=True)


def chained(records: list[dict[str, Any]], tail: Tail) -> list[bytes]:
    """`records` as audit lines linked onto `tail` (each gets `n` first and `prev` last)."""
    out: list[bytes] = []
    number, prev = tail.count, tail.prev
    for record in records:
        number += 1
        line = json.dumps({"n": number, **record, "prev": prev},
                          ensure_ascii=False).encode("utf-8")
        out.append(line)
        prev = line_hash(line)
    return out
