"""Write templates/reference.docx: the Word styles every `lscp draft --format docx` uses.

Run after changing the house style below, or after upgrading pandoc (pypandoc-binary):

    python scripts/make_reference_docx.py

It starts from pandoc's own default reference document, so every style pandoc writes
(Body Text, First Paragraph, Compact, Table ...) exists, and changes what an officer sending a
letter from an English partnership needs:

- a letter's close kept together ("Closing", "Closing Marking": drafts/layout.lua);
- an A4 page with 2.5 cm top and bottom margins and 2 cm at the sides;
- British English (en-GB) as the language of every style, so Word's spelling check and
  LibreOffice's hyphenation are British;
- one sober font (Arial, metric-compatible with Liberation Sans on Linux) in black throughout,
  headings in bold rather than in colour;
- the protective marking (OFFICIAL-SENSITIVE) in the header and the footer of every page, and
  "Page N of M" in the footer; lscp replaces the marking with the casebook's own when it renders;
- tables with a grid and a bold, shaded header row (pandoc marks a table's header row to
  repeat at the top of each page it runs onto).

A casebook's own `templates/reference.docx` still wins over this one. The file is written
byte-for-byte the same on every run (fixed zip dates), and tests/test_reference_docx.py checks
that the committed file has these properties and matches what this script builds.
Needs python-docx (in the test extra).
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import docx
import pypandoc
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Mm, Pt

TARGET = Path(__file__).resolve().parent.parent / "templates" / "reference.docx"

MARKING = "OFFICIAL-SENSITIVE"  # lscp puts the casebook's marking in its place when rendering
FONT = "Arial"
LANGUAGE = "en-GB"
BODY_POINTS = 11
HEADING_POINTS = {"Heading1": 16, "Heading2": 13, "Heading3": 11.5, "Title": 18}
GRID = "808080"  # mid grey: visible on screen and in print, quieter than black
HEADER_ROW_FILL = "E7E6E6"
ZIP_DATE = (2026, 1, 1, 0, 0, 0)


def pandoc_default() -> bytes:
    finished = subprocess.run(  # noqa: S603  (a fixed argument list, no shell)
        [pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
        capture_output=True,
        check=True,
    )
    return finished.stdout


def _set_fonts(styles: Any) -> None:
    """Arial everywhere: explicit fonts, theme fonts removed (a theme font would win)."""
    for fonts in styles.iter(qn("w:rFonts")):
        for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            fonts.attrib.pop(qn(f"w:{attribute}"), None)
        for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
            fonts.set(qn(f"w:{attribute}"), FONT)


def _defaults(styles: Any) -> None:
    run_defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for tag in ("w:sz", "w:szCs"):
        run_defaults.find(qn(tag)).set(qn("w:val"), str(BODY_POINTS * 2))
    language = run_defaults.find(qn("w:lang"))
    language.set(qn("w:val"), LANGUAGE)
    language.set(qn("w:eastAsia"), LANGUAGE)
    language.set(qn("w:bidi"), LANGUAGE)


def _sober_headings(document: Any) -> None:
    """Headings black and bold at modest sizes; pandoc's default are blue and large."""
    for style in document.styles:
        element = style.element
        if element.get(qn("w:type")) not in ("paragraph", "character"):
            continue
        style_id = element.get(qn("w:styleId")) or ""
        if not (style_id.startswith("Heading") or style_id.startswith("Title")):
            continue
        run_properties = element.find(qn("w:rPr"))
        if run_properties is not None:
            for colour in run_properties.findall(qn("w:color")):
                run_properties.remove(colour)
        base = style_id.removesuffix("Char")
        if base in HEADING_POINTS:
            style.font.size = Pt(HEADING_POINTS[base])
            style.font.bold = True
            style.font.color.rgb = None


def _table_style(document: Any) -> None:
    """Pandoc's "Table" style: a grid, a bold shaded header row, a little room in each cell."""
    style = document.styles["Table"].element
    table_properties = style.find(qn("w:tblPr"))
    borders = "".join(
        f'<w:{edge} w:val="single" w:sz="4" w:space="0" w:color="{GRID}"/>'
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    table_properties.append(parse_xml(f"<w:tblBorders {nsdecls('w')}>{borders}</w:tblBorders>"))
    margins = table_properties.find(qn("w:tblCellMar"))
    for edge in ("top", "bottom"):
        margins.find(qn(f"w:{edge}")).set(qn("w:w"), "57")  # 1 mm
    for old in style.findall(qn("w:tblStylePr")):
        style.remove(old)
    style.append(
        parse_xml(
            f'<w:tblStylePr {nsdecls("w")} w:type="firstRow">'
            "<w:rPr><w:b/><w:bCs/></w:rPr>"
            f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{HEADER_ROW_FILL}"/></w:tcPr>'
            "</w:tblStylePr>"
        )
    )


def _add_paragraph_style(document: Any, style_id: str, name: str) -> None:
    if any(s.element.get(qn("w:styleId")) == style_id for s in document.styles):
        return
    document.styles.element.append(
        parse_xml(
            f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="{style_id}">'
            f'<w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/>'
            '<w:pPr><w:jc w:val="center"/><w:spacing w:before="0" w:after="0"/></w:pPr>'
            '<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'
            "</w:style>"
        )
    )


def _closing_styles(document: Any) -> None:
    """The styles lscp's layout filter (drafts/layout.lua) gives a letter's close.

    "Closing": the last paragraph, the sign-off and the name, each kept with the next and
    never split, so "Yours sincerely" is never at the foot of a page with the name over the
    page. "Closing Marking": the marking line after them, with a rule above it, kept whole.
    """
    for style_id, name, extra in (
        ("Closing", "Closing", "<w:keepNext/><w:keepLines/>"),
        ("ClosingMarking", "Closing Marking",
         '<w:keepLines/><w:pBdr><w:top w:val="single" w:sz="4" w:space="6" w:color="auto"/>'
         "</w:pBdr>"),
    ):
        if any(s.element.get(qn("w:styleId")) == style_id for s in document.styles):
            continue
        document.styles.element.append(parse_xml(
            f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" '
            f'w:styleId="{style_id}"><w:name w:val="{name}"/><w:basedOn w:val="BodyText"/>'
            f'<w:qFormat/><w:pPr>{extra}</w:pPr></w:style>'
        ))


def _field(paragraph: Any, instruction: str, shown: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice update as they lay out pages."""
    for xml in (
        '<w:r {ns}><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {{ns}}><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>',
        '<w:r {ns}><w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r {{ns}}><w:t>{shown}</w:t></w:r>",
        '<w:r {ns}><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        paragraph._p.append(parse_xml(xml.format(ns=nsdecls("w"))))


def _marking_paragraph(paragraph: Any) -> None:
    paragraph.text = ""
    run = paragraph.add_run(MARKING)
    run.bold = True
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _page(document: Any) -> None:
    section = document.sections[0]
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2)
    section.header_distance = section.footer_distance = Cm(1.2)
    section.different_first_page_header_footer = False
    document.settings.odd_and_even_pages_header_footer = False

    header = section.header
    header.is_linked_to_previous = False
    header.paragraphs[0].style = document.styles["Header"]
    _marking_paragraph(header.paragraphs[0])

    footer = section.footer
    footer.is_linked_to_previous = False
    footer.paragraphs[0].style = document.styles["Footer"]
    _marking_paragraph(footer.paragraphs[0])
    numbers = footer.add_paragraph(style=document.styles["Footer"])
    numbers.add_run("Page ")
    _field(numbers, "PAGE", "1")
    numbers.add_run(" of ")
    _field(numbers, "NUMPAGES", "1")


def _settings(document: Any) -> None:
    settings = document.settings.element
    theme_language = settings.find(qn("w:themeFontLang"))
    if theme_language is not None:
        theme_language.set(qn("w:val"), LANGUAGE)
    # A reference document never asks Word to embed fonts: Arial is on every Windows PC.
    for embed in settings.findall(qn("w:embedSystemFonts")):
        settings.remove(embed)


def _properties(document: Any) -> None:
    fixed = datetime(2026, 1, 1, tzinfo=timezone.utc)  # noqa: UP017  (python-docx wants tz)
    core = document.core_properties
    core.title = "lscp reference document (Word styles for drafted letters)"
    core.subject = "Restyle: change the styles and the header and footer, not this text"
    core.author = core.last_modified_by = "lscp"
    core.language = LANGUAGE
    core.created = core.modified = fixed
    core.revision = 1


def build(base: bytes) -> bytes:
    """The reference document, made from pandoc's default `base`."""
    document = docx.Document(io.BytesIO(base))
    styles = document.styles.element
    _defaults(styles)
    _set_fonts(styles)
    _sober_headings(document)
    _table_style(document)
    _add_paragraph_style(document, "Header", "header")
    _add_paragraph_style(document, "Footer", "footer")
    _closing_styles(document)
    _page(document)
    _settings(document)
    _properties(document)
    saved = io.BytesIO()
    document.save(saved)
    return _deterministic_zip(saved.getvalue())


def _entries(data: bytes) -> Iterable[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        for info in source.infolist():
            yield info.filename, source.read(info.filename)


def _deterministic_zip(data: bytes) -> bytes:
    """The same bytes on every run: fixed dates and modes, [Content_Types].xml first."""
    entries = sorted(_entries(data), key=lambda e: (e[0] != "[Content_Types].xml", e[0]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, content)
    return out.getvalue()


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else TARGET
    target.write_bytes(build(pandoc_default()))
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
