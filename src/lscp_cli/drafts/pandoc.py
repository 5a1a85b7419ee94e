"""Markdown to a printable HTML page or a Word document, through pandoc.

Nothing in a draft (case text, a `| safe` field, or a casebook template's own markup) may reach
the output as something that runs: pandoc reads with raw HTML, raw attributes, raw TeX and
HTML `<div>`/`<span>` parsing switched off, so `<script>` arrives as text, and the Lua filter
`letter_only.lua` drops event-handler attributes (`{onclick=...}`) and `javascript:` links.
pypandoc is imported inside the functions: only HTML and Word output pay for loading it.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import as_file, files
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from lscp_cli.errors import TemplateError
from lscp_cli.printing import page_rule

# pandoc's Markdown reader minus everything that would let text become raw output.
PANDOC_READER = "markdown-raw_html-raw_attribute-raw_tex-native_divs-native_spans"
FILTER = "letter_only.lua"
LAYOUT_FILTER = "layout.lua"
REFERENCE_DOC = "reference.docx"
# The marking the shipped reference.docx carries in its header and footer.
SHIPPED_MARKING = "OFFICIAL-SENSITIVE"

_HTML_STYLE = """<style>
body { font-family: Arial, Helvetica, sans-serif; font-size: 11pt; line-height: 1.4;
       max-width: 46em; margin: 2em auto; padding: 0 1em; color: #000; }
h1 { font-size: 16pt; } h2 { font-size: 13pt; } h3 { font-size: 11pt; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #777; padding: 0.25em 0.5em; vertical-align: top; text-align: left; }
@media print { body { margin: 0; max-width: none; } }
"""


@contextmanager
def _convert_args() -> Iterator[list[str]]:
    """The arguments every conversion takes: the filters, as real files while pandoc runs
    (`letter_only.lua` first: what a letter may do; then `layout.lua`: how it lies on the page).
    """
    with as_file(files("lscp_cli.drafts") / FILTER) as lua, \
            as_file(files("lscp_cli.drafts") / LAYOUT_FILTER) as layout:
        yield [f"--lua-filter={lua}", f"--lua-filter={layout}"]


def to_html(markdown: str, title: str, *, marking: str = SHIPPED_MARKING) -> bytes:
    """A standalone printable HTML page; pandoc escapes all text.

    Printed, every page carries `marking` at its top and foot (the board report's `@page` rule).
    """
    import pypandoc

    with _convert_args() as common:
        html = pypandoc.convert_text(
            markdown,
            "html5",
            format=PANDOC_READER,
            extra_args=[
                *common,
                "--standalone",
                f"--metadata=pagetitle:{title}",
                "--variable=lang:en-GB",
                f"--variable=header-includes:{_HTML_STYLE}{page_rule(marking, '2cm')}\n</style>",
            ],
        )
    return str(html).encode("utf-8")


def to_docx(
    markdown: str, reference_doc: Path | None = None, *, marking: str = SHIPPED_MARKING
) -> bytes:
    """A Word document, styled from `reference_doc` (the casebook's), else lscp's own.

    lscp's own (templates/reference.docx, made by scripts/make_reference_docx.py) is A4, en-GB,
    with the protective marking in the header and footer of every page and page numbers; the
    marking it holds is replaced by `marking`, the casebook's, in every header and footer.
    """
    import pypandoc

    with tempfile.TemporaryDirectory(prefix="lscp-") as folder, _convert_args() as common:
        if reference_doc is None:
            reference_doc = Path(folder) / REFERENCE_DOC
            reference_doc.write_bytes(default_reference_doc())
        # pandoc writes .docx only to a file: a private temporary folder, then the casebook's
        # atomic write puts it in place with the right mode.
        out = Path(folder) / "draft.docx"
        pypandoc.convert_text(
            markdown, "docx", format=PANDOC_READER, outputfile=str(out),
            extra_args=[*common, f"--reference-doc={reference_doc}"],
        )
        return mark_pages(out.read_bytes(), marking)


# The header and footer parts of a Word document (pandoc copies the reference document's).
_PAGE_PARTS = re.compile(r"^word/(header|footer)\d*\.xml$")
# A table row pandoc writes (`<w:tr>`, with or without its properties): each is kept whole on
# one page. LibreOffice split one-line rows of the Panel notification's and the Rapid Review's
# tables across pages (the text at the foot of one page, an empty row at the top of the next).
_ROW = re.compile(rb"<w:tr>(?:<w:trPr>)?")
_WHOLE_ROW = b"<w:tr><w:trPr><w:cantSplit />"


def mark_pages(document: bytes, marking: str) -> bytes:
    """`document` with the shipped marking in its headers and footers replaced by `marking`,
    and every table row kept whole on one page (`cantSplit`).

    A casebook's own reference document without that text is left as its author made it.
    """
    shipped = f">{SHIPPED_MARKING}<".encode()
    wanted = f">{xml_escape(marking)}<".encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(document)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if _PAGE_PARTS.match(info.filename) and marking != SHIPPED_MARKING:
                content = content.replace(shipped, wanted)
            elif info.filename == "word/document.xml":
                content = _ROW.sub(lambda found: _WHOLE_ROW + (
                    b"" if found.group(0).endswith(b"<w:trPr>") else b"</w:trPr>"), content)
            target.writestr(info, content)
    return out.getvalue()


def default_reference_doc() -> bytes:
    """lscp's Word styles document, shipped as templates/reference.docx (`templates copy`)."""
    shipped = files("lscp_cli.templates") / REFERENCE_DOC
    try:
        data = shipped.read_bytes()
    except OSError:
        data = b""
    if not data.startswith(b"PK"):
        raise TemplateError(f"lscp's own {REFERENCE_DOC} is missing or damaged; reinstall lscp")
    return data
