"""pandoc never passes raw HTML through: not from case text, not from a template's own markup.

A casebook template is officer-written; `| safe` prints a field unescaped (the template's author
vouches for it being Markdown). Neither may put a live `<script>`, event handler or raw block in
the HTML draft: pandoc reads with raw HTML, raw attributes and raw TeX switched off
(`drafts.PANDOC_READER`), so the markup arrives as visible text.
Every case here is FICTIONAL.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from lscp_cli import drafts
from test_drafts import FULL_CASE_TOML, FULL_DEADLINES, SETTINGS, TODAY

HOSTILE = "<script>alert('x')</script> <img src=x onerror=alert(1)>"

TEMPLATES = {
    # The summary printed through `| safe`: the template trusts case text it should not.
    "safe-field": "# Summary\n\n{{ incident.summary | safe }}\n",
    # Raw HTML written into the casebook's own template.
    "raw-in-template": "# Letter\n\n<script>alert('t')</script>\n\n<div onclick=\"x()\">hi</div>\n",
    # Markdown's own attribute syntax: event handlers on a heading, a span, a div, a link.
    "attributes": (
        "# Letter {onclick=\"h()\"}\n\n[text]{onmouseover=\"s()\"}\n\n"
        "::: {onclick=\"d()\"}\ninside\n:::\n\n"
        "[a link](https://example.org){onclick=\"l()\"} and more\n"
    ),
    # Addresses a browser would run.
    "addresses": (
        "[run me](javascript:alert(1)) [or me]( JavaScript:alert(2)) [data](data:text/html,x)\n"
        "![pixel](data:image/svg+xml,x) [fine](https://example.org)\n"
    ),
    # pandoc's raw attribute syntax, inline and as a fenced block.
    "raw-attribute": (
        "# Letter\n\n`<script>alert('a')</script>`{=html}\n\n"
        "```{=html}\n<script>alert('b')</script>\n```\n"
    ),
}


def render_html(tmp_path: Path, name: str) -> str:
    (tmp_path / f"{name}.md.j2").write_text(TEMPLATES[name], encoding="utf-8")
    case = tomllib.loads(FULL_CASE_TOML)
    case["incident"]["summary"] = HOSTILE
    draft = drafts.render(name, case, SETTINGS, FULL_DEADLINES, "html", today=TODAY,
                          templates=drafts.TemplateStore(tmp_path))
    return draft.text


def live_tags(html: str) -> list[str]:
    """Markup in the page that a browser would run: scripts, event handlers, script addresses."""
    body = html.split("<body", 1)[1]  # the head holds lscp's own <style>, nothing else
    return re.findall(
        r"<script\b[^>]*>|<(?:img|div|span)\b[^>]*\son\w+[^>]*>|<[^>]+\son\w+\s*="
        r"|(?:href|src)=\"\s*(?:javascript|data|vbscript):[^\"]*\"",
        body, flags=re.IGNORECASE,
    )


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_template_markup_never_becomes_live_html(tmp_path: Path, name: str) -> None:
    html = render_html(tmp_path, name)
    assert live_tags(html) == []
    if "<script" in TEMPLATES[name] or name == "safe-field":
        assert "&lt;script&gt;" in html  # shown to the officer as text, not dropped silently


def test_raw_html_elements_in_a_template_show_as_text(tmp_path: Path) -> None:
    html = render_html(tmp_path, "raw-in-template")
    assert "&lt;div onclick" in html and "<div" not in html.split("<body", 1)[1]


def test_safe_links_and_the_text_of_unsafe_ones_are_kept(tmp_path: Path) -> None:
    html = render_html(tmp_path, "addresses")
    assert '<a href="https://example.org">fine</a>' in html
    assert "run me" in html and "or me" in html and "pixel" in html


def test_a_word_style_attribute_survives_for_docx(tmp_path: Path) -> None:
    import io

    import docx

    (tmp_path / "styled.md.j2").write_text(
        '::: {custom-style="Quote" onclick="x()"}\nQuoted text\n:::\n', encoding="utf-8")
    case = tomllib.loads(FULL_CASE_TOML)
    word = drafts.render("styled", case, SETTINGS, FULL_DEADLINES, "docx", today=TODAY,
                        templates=drafts.TemplateStore(tmp_path))
    paragraphs = docx.Document(io.BytesIO(word.content)).paragraphs
    quoted = [p for p in paragraphs if p.text == "Quoted text"]
    assert quoted and quoted[0].style is not None and quoted[0].style.name == "Quote"
