"""Defences against hostile case text: nesting deep enough to crash a reader, and control
characters (terminal escapes, bidirectional overrides) that would change what a terminal shows.

Domain code: no click, no rich. `console.visible` uses `CONTROL` to make such characters
visible on the way out; `case.validate` warns about them with `control_fields`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

Key = tuple[str | int, ...]

# Characters that can change what a terminal shows (ESC starts colour, cursor, title and
# hyperlink sequences; CR and backspace overwrite; C1 codes; bidirectional overrides reorder
# text). Newline and tab are ordinary text.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

MAX_DEPTH = 16
TOO_DEEP = (f"is nested too deeply (more than {MAX_DEPTH} levels of arrays or tables inside "
            "each other; lscp's files need at most 4): remove the nesting")


def too_deep(data: Any) -> bool:
    """Whether tables and arrays nest deeper than `MAX_DEPTH` (checked without recursion).

    Only unknown fields need it: a known field holding a table or an array where it should
    not is a problem already, and the known ones nest at most 4 deep.
    """
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > MAX_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in children
                     if isinstance(child, dict | list))
    return False


# Control characters a TOML string can hold: escaped (\u001b, \e, \x1b in TOML 1.1) or, for
# C1 codes and bidirectional overrides, typed as they are. A quick look at the text first,
# so a normal case costs one regex search.
_MAYBE_CONTROL = re.compile(
    r"\\(?:u00[01]|u007[fF]|u00[89]|U0000[01]|U0000007[fF]|U0000[89]|u20[26]|U000020[26]"
    r"|e|x)|[\x80-\x9f\u202a-\u202e\u2066-\u2069\r\x08\x0b\x0c]"
)


def control_fields(data: Mapping[str, Any]) -> list[Key]:
    """The fields whose text (or a key) holds a control character."""
    found: list[Key] = []
    stack: list[tuple[Key, Any]] = [((), data)]
    while stack:
        keys, value = stack.pop()
        if isinstance(value, str):
            if CONTROL.search(value):
                found.append(keys)
        elif isinstance(value, dict):
            for key, inner in value.items():
                if CONTROL.search(key):
                    found.append((*keys, key))
                stack.append(((*keys, key), inner))
        elif isinstance(value, list):
            stack.extend(((*keys, i) if isinstance(v, dict) else keys, v)
                         for i, v in enumerate(value))
    return sorted(set(found), key=str)


def may_hold_control(text: str) -> bool:
    """A quick look at case-file text: could any string in it hold a control character?"""
    if "\\" not in text and text.isascii():  # no escapes, no C1 or bidi characters
        return any(c in text for c in "\r\x08\x0b\x0c")
    return _MAYBE_CONTROL.search(text) is not None
