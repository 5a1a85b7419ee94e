"""Markdown escaping: case text prints as the same text and can never restructure a letter.

A summary line starting `# ` stays text, `*` is not emphasis, `<script>` is not HTML. Every
`{{ value }}` goes through `finalize`; only `Markdown` (built here from escaped parts) and
Jinja's `Markup` (a template's `| safe`: its author vouches for it) print unescaped.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

from lscp_cli.model.values import LETTER, to_text

# Inline Markdown that case text could trigger. Underscores and @ only matter at word edges and
# & only before an entity, so e-mail addresses and snake_case stay readable in the .md file.
_INLINE_SPECIAL = re.compile(
    r"[\\`*{}<>|~^$#]"
    r"|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])"
    r"|(?<![A-Za-z0-9])@"
    r"|&(?=#?[A-Za-z0-9]+;)"
    r"|\[(?=\^)|\](?=[(\[{:])"
)
# Characters that start a block (heading, quote, list, table, div, definition) at a line start.
# `[` only starts one as a link definition (`[x]: url`); placeholders like `[not recorded]` stay
# readable.
_LINE_START_SPECIAL = frozenset(">+-=:%(")
_LINK_DEFINITION = re.compile(r"^\[[^\]]*\]:")
_LIST_MARKER = re.compile(r"^(\d+|[A-Za-z]|[ivxlcdmIVXLCDM]+)([.)])(?=\s|$)")


class Markdown(str):
    """Text that is already Markdown (escaped where it came from the case): printed as is."""


def md_escape(text: str) -> str:
    """Case text as Markdown that reads as the same text and cannot change the structure."""
    lines = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        # Leading spaces would make an indented code block.
        line = _INLINE_SPECIAL.sub(lambda m: "\\" + m.group(0), raw.lstrip())
        if line[:1] in _LINE_START_SPECIAL or _LINK_DEFINITION.match(line):
            line = "\\" + line
        line = _LIST_MARKER.sub(r"\1\\\2", line)
        lines.append(line)
    return "\n".join(lines)


def finalize(value: Any) -> str:
    """How every `{{ value }}` prints: dates long, lists joined, blanks visible, all escaped."""
    if isinstance(value, Markdown | Markup):
        # Markup comes from `| safe`: the template's author vouches for it being Markdown.
        return str(value)
    return md_escape(to_text(value, LETTER))
