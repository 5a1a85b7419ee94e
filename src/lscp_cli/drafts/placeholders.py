"""The `[placeholders]` a draft still holds: gaps the officer fills before a letter is sent.

A placeholder is text in square brackets, outermost brackets only (`[Say when we told you about
[child's name]]` is one), within one paragraph; a Markdown link `[text](url)` is not one, nor
an escaped bracket. `lscp draft --final` is refused while any remains.
"""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"\\(.)")
_SHOWN = 80  # a long placeholder is shortened in the list


def find_placeholders(markdown: str) -> list[str]:
    """Each distinct placeholder, in the order it first appears, on one line."""
    found: dict[str, None] = {}
    opened: list[int] = []
    index = 0
    while index < len(markdown):
        char = markdown[index]
        if char == "\\":
            index += 2
            continue
        if char == "\n" and markdown.startswith("\n", index + 1):
            opened.clear()  # a paragraph ends: an unclosed bracket is just a bracket
        elif char == "[":
            opened.append(index)
        elif char == "]" and opened:
            start = opened.pop()
            if not opened and not markdown.startswith("(", index + 1):
                text = _ESCAPE.sub(r"\1", " ".join(markdown[start : index + 1].split()))
                found.setdefault(text, None)
        index += 1
    return list(found)


def shown(placeholder: str) -> str:
    """A placeholder as listed in a message: whole, or its start when it is long."""
    if len(placeholder) <= _SHOWN:
        return placeholder
    return placeholder[: _SHOWN - 2].rstrip() + "…]"
