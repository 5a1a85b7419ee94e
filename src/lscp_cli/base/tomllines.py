"""Find the line a TOML key was written on, so messages can say `FILE:LINE:`.

tomllib does not keep positions, and parsing with a position-keeping library on every read
would cost more than the read itself, so this small scanner runs only when there is a problem
to report. It understands the shapes lscp files use: `[table]`, `[[array]]`, `key = value`,
dotted keys, and multi-line strings and arrays (whose contents are skipped).
"""

from __future__ import annotations

import re
from functools import lru_cache

Key = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY_PART = r"""(?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*')"""
_ASSIGN = re.compile(rf"^\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=\s*(.*)$")


_PART = re.compile(r"""[A-Za-z0-9_\-]+|"[^"]*"|'[^']*'""")
_STRING = re.compile(r'"(?:\\.|[^"\\])*"|\'[^\']*\'')


def _split_key(dotted: str) -> tuple[str, ...]:
    parts = _PART.findall(dotted)
    return tuple(p.strip("\"'") for p in parts)


@lru_cache(maxsize=64)
def key_lines(text: str) -> dict[Key, int]:
    """Map every key path (array-of-tables entries indexed from 0) to its 1-based line."""
    lines: dict[Key, int] = {}
    counters: dict[tuple[str, ...], int] = {}
    prefix: Key = ()
    in_multiline: str | None = None
    bracket_depth = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw
        if in_multiline:
            if in_multiline in line:
                in_multiline = None
            continue
        if bracket_depth > 0:
            bracket_depth += _bracket_balance(line)
            continue
        header = _HEADER.match(line)
        if header:  # (never also an assignment: a key cannot start with "[")
            names = _split_key(header.group(2))
            if header.group(1) == "[[":
                index = counters.get(names, -1) + 1
                counters[names] = index
                prefix = (*names, index)
                lines.setdefault(names, number)
            else:
                prefix = names
            for end in range(1, len(names)):  # [a.b.c] also defines a and a.b
                lines.setdefault(names[:end], number)
            lines.setdefault(prefix, number)
            continue
        assign = _ASSIGN.match(line)
        if not assign:
            continue
        key = (*prefix, *_split_key(assign.group(1)))
        lines.setdefault(key, number)
        value = assign.group(2)
        for quote in ('"""', "'''"):
            if value.startswith(quote) and value.count(quote) == 1:
                in_multiline = quote
        if in_multiline is None and value.startswith("["):
            bracket_depth = _bracket_balance(value)
    return lines


def _bracket_balance(fragment: str) -> int:
    without_strings = _STRING.sub("", fragment.split(" #")[0])
    return without_strings.count("[") - without_strings.count("]")


def line_of(text: str, keys: Key) -> int | None:
    """The line of `keys`, or of its nearest written parent; None if nothing matches."""
    found = key_lines(text)
    probe = tuple(keys)
    while probe:
        if probe in found:
            return found[probe]
        probe = probe[:-1]
    return None


def dotted(keys: Key) -> str:
    """`('agencies', 0, 'name')` as the field name officers read: `agencies[1].name`."""
    parts: list[str] = []
    for key in keys:
        if isinstance(key, int):
            parts[-1] = f"{parts[-1]}[{key + 1}]"
        else:
            parts.append(key)
    return ".".join(parts)

