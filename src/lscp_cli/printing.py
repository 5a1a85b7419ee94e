"""CSS shared by every HTML page lscp writes for printing: the protective marking on each page.

A browser prints the page's own text once; only an `@page` rule's margin boxes repeat on every
printed page. The board report and the HTML letters both use `page_rule`, so a marking printed
from either is at the top and foot of every sheet, with "Page N of M".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markupsafe import Markup


def css_string(text: str) -> Markup:
    """`text` as a CSS string literal that cannot end the string or the <style> element.

    Marked safe for Jinja: inside <style> an HTML entity is not decoded, so autoescaping would
    print `&#34;`; every character that could matter is a CSS escape here instead.
    """
    from markupsafe import Markup  # only the HTML outputs pay for it
    escaped = "".join(
        ch if ch.isalnum() or ch in " -_.,:;()/" else f"\\{ord(ch):x} " for ch in text
    )
    return Markup(f'"{escaped}"')  # noqa: S704 (quotes, < and \\ are CSS escapes above)


def page_rule(marking: str, margin: str) -> Markup:
    """An A4 `@page` rule: `marking` at the top and foot of every printed page, page numbers."""
    from markupsafe import Markup

    quoted = css_string(marking)
    return Markup(  # noqa: S704 (the marking is a CSS-escaped string above)
        "@page {\n"
        "  size: A4;\n"
        f"  margin: {margin};\n"
        f"  @top-center {{ content: {quoted}; font: bold 9pt Arial, sans-serif; color: #000; }}\n"
        f"  @bottom-center {{ content: {quoted}; font: bold 9pt Arial, sans-serif; "
        "color: #000; }\n"
        '  @bottom-right { content: "Page " counter(page) " of " counter(pages); '
        "font: 8pt Arial, sans-serif; color: #444; }\n"
        "}"
    )
