"""Every letter opened and printed by a real Word-compatible client: LibreOffice.

The .docx drafts are converted to PDF with `soffice --headless --convert-to pdf` (Debian's
`libreoffice-writer-nogui`) and read back with poppler (`pdfinfo`, `pdftotext`): every page is
A4, every page carries the protective marking in its header and footer and its page number,
and every heading of the letter is there. It is the check that an officer can open the draft
in Word and print it: without LibreOffice or poppler it is skipped, saying what to install,
except under LSCP_REQUIRE_PRINT_TOOLS=1 (.ci/run, which installs both), where it fails.
All case data is FICTIONAL.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from lscp_cli import drafts
from print_tools import find
from test_drafts import FULL_DEADLINES, LETTERS, SETTINGS, TODAY
from test_letters import ACTION_DEADLINE, NEW_LETTERS, case_for, options_for

A4_POINTS = (595.3, 841.9)
MARKING = "OFFICIAL-SENSITIVE"
ALL_LETTERS = (*LETTERS, *NEW_LETTERS)

pytestmark = pytest.mark.print("libreoffice", "poppler")


def tool(*names: str) -> str:
    found = find(*names)
    if found:
        return found
    pytest.fail(
        f"{' or '.join(names)} is not installed: the Word print test needs LibreOffice and "
        "poppler (apt-get install libreoffice-writer-nogui poppler-utils; see .ci/run)"
    )


def _heading_text(line: str) -> str:
    text = line.lstrip("#").strip()
    return re.sub(r"\\(.)", r"\1", text)  # the Markdown escapes are not printed


def _words(text: str) -> str:
    """Text with its line breaks undone (a long heading wraps, at a space or after a hyphen)."""
    return re.sub(r"-\s+", "-", " ".join(text.replace("\u2019", "'").split()))


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, Path]]:
    """Each letter for the full fictional case: (its Markdown, its PDF as LibreOffice prints it)."""
    soffice = tool("soffice", "libreoffice")
    tool("pdfinfo")
    folder = tmp_path_factory.mktemp("print")
    letters: dict[str, tuple[str, Path]] = {}
    for name in ALL_LETTERS:
        # No reference document given: lscp's own (templates/reference.docx) is used.
        word = drafts.render(name, case_for(name), SETTINGS, [*FULL_DEADLINES, ACTION_DEADLINE],
                             "docx", today=TODAY, **options_for(name))
        (folder / f"{name}.docx").write_bytes(word.content)
        letters[name] = (word.markdown, folder / f"{name}.pdf")
    profile = folder / "libreoffice-profile"
    finished = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
         "pdf", "--outdir", str(folder), *sorted(str(p) for p in folder.glob("*.docx"))],
        capture_output=True, text=True, timeout=300, check=False,
    )
    missing = [name for name, (_, pdf) in letters.items() if not pdf.is_file()]
    assert not missing, f"LibreOffice did not print {missing}: {finished.stderr[-2000:]}"
    return letters


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run([tool("pdfinfo"), "-f", "1", "-l", "9999", str(pdf)],
                          capture_output=True, text=True, check=True).stdout
    return [(float(w), float(h))
            for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)]


def page_text(pdf: Path, page: int) -> str:
    return subprocess.run(
        [tool("pdftotext"), "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True, text=True, check=True,
    ).stdout


@pytest.mark.parametrize("name", ALL_LETTERS)
def test_every_page_is_a4_and_marked_in_its_header_and_footer(
    printed: dict[str, tuple[str, Path]], name: str
) -> None:
    _, pdf = printed[name]
    sizes = page_sizes(pdf)
    assert sizes, "no pages"
    for width, height in sizes:
        assert abs(width - A4_POINTS[0]) < 1 and abs(height - A4_POINTS[1]) < 1
    for number in range(1, len(sizes) + 1):
        lines = [line.strip() for line in page_text(pdf, number).splitlines() if line.strip()]
        # The page's own header is its first line, its footer its last two.
        assert lines[0] == MARKING, f"page {number}: {lines[:2]}"
        assert lines[-2] == MARKING, f"page {number}: {lines[-3:]}"
        assert lines[-1] == f"Page {number} of {len(sizes)}"


def test_a_long_letter_runs_over_several_pages(printed: dict[str, tuple[str, Path]]) -> None:
    # So "every page" above is more than page 1.
    assert len(page_sizes(printed["panel-notification"][1])) >= 2


@pytest.mark.parametrize("name", ALL_LETTERS)
def test_every_heading_is_printed(printed: dict[str, tuple[str, Path]], name: str) -> None:
    markdown, pdf = printed[name]
    headings = [_heading_text(line) for line in markdown.splitlines() if line.startswith("#")]
    assert headings
    text = _words(subprocess.run([tool("pdftotext"), str(pdf), "-"], capture_output=True,
                                 text=True, check=True).stdout)
    for heading in headings:
        assert _words(heading) in text, heading


# How a letter's close begins: the sign-off, the name block, the closing marking line.
CLOSE = ("Yours sincerely", "Notified by", "Prepared by", "[Name]", "[Job title]",
         f"{MARKING}.")


def content_lines(pdf: Path, number: int) -> list[str]:
    """The page's lines without its own header (the first) and footer (the last two)."""
    lines = [line.strip() for line in page_text(pdf, number).splitlines() if line.strip()]
    return lines[1:-2]


@pytest.mark.parametrize("name", ALL_LETTERS)
def test_the_close_stays_with_the_last_paragraph(
    printed: dict[str, tuple[str, Path]], name: str
) -> None:
    """Issue 18: no page begins with the close ("Yours sincerely" at the foot of page 1 and
    the name on page 2, or a last page holding only the closing marking lines), and no page
    ends on the sign-off line."""
    _, pdf = printed[name]
    pages = len(page_sizes(pdf))
    for number in range(1, pages + 1):
        lines = content_lines(pdf, number)
        assert lines, f"page {number} of {pages} is empty"
        if number > 1:
            assert not lines[0].startswith(CLOSE), f"page {number} begins with the close: {lines}"
        assert not lines[-1].startswith(("Yours sincerely", "Notified by")), (
            f"page {number} ends on the sign-off: {lines[-3:]}")


def test_a_table_of_facts_has_no_empty_header_row(tmp_path: Path) -> None:
    """A `| | |` table has no header row in Word, so no empty row repeats on each page."""
    import docx  # python-docx, a test dependency

    word = drafts.render("panel-notification", case_for("panel-notification"), SETTINGS,
                         FULL_DEADLINES, "docx", today=TODAY)
    document = docx.Document(__import__("io").BytesIO(word.content))
    assert document.tables
    for table in document.tables:
        first = [cell.text.strip() for cell in table.rows[0].cells]
        assert any(first), "an empty first row"
    closing = [p for p in document.paragraphs if p.style is not None
               and p.style.name in ("Closing", "Closing Marking")]
    assert [p.text.split("\n")[0] for p in closing][-2:] != []
    assert closing[-1].style.name == "Closing Marking"
    assert any(p.text.startswith("Notified by") for p in closing)


@pytest.mark.parametrize("name", ALL_LETTERS)
def test_every_table_row_is_kept_whole_on_one_page(name: str) -> None:
    """Audit of issue 18: LibreOffice split one-line rows across pages (the Panel
    notification for two children printed 'Age at the incident' at the foot of page 1 and an
    empty row at the top of page 2; the Rapid Review summary's agency row 'Wednesday 14' /
    'January 2026'). Every row of every letter's tables is kept whole (`w:cantSplit`)."""
    import docx  # python-docx, a test dependency

    word = drafts.render(name, case_for(name), SETTINGS, [*FULL_DEADLINES, ACTION_DEADLINE],
                         "docx", today=TODAY, **options_for(name))
    document = docx.Document(__import__("io").BytesIO(word.content))
    rows = [row for table in document.tables for row in table.rows]
    split = [[cell.text for cell in row.cells] for row in rows
             if "<w:cantSplit" not in row._tr.xml]
    assert not split, f"{len(split)} of {len(rows)} rows may split across pages: {split[:3]}"
