"""Markdown to a printable HTML page or a Word document, through pandoc.

Nothing in a draft (case text, a `| safe` field, or a casebook template's own markup) may reach
the output as something that runs: pandoc reads with raw HTML, raw attributes, raw TeX and
HTML `<div>`/`<span>` parsing switched off, so `<script>` arrives as text, and the Lua filter
`letter_only.lua` drops event-handler attributes (`{onclick=...}`) and `javascript:` links.
pypandoc is imported inside the functions: only HTML and Word output pay for loading it.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import as_file, files
from pathlib import Path

from lscp_cli.errors import TemplateError

# pandoc's Markdown reader minus everything that would let text become raw output.
PANDOC_READER = "markdown-raw_html-raw_attribute-raw_tex-native_divs-native_spans"
FILTER = "letter_only.lua"
REFERENCE_DOC = "reference.docx"

_HTML_STYLE = """<style>
body { font-family: Arial, Helvetica, sans-serif; font-size: 11pt; line-height: 1.4;
       max-width: 46em; margin: 2em auto; padding: 0 1em; color: #000; }
h1 { font-size: 16pt; } h2 { font-size: 13pt; } h3 { font-size: 11pt; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #777; padding: 0.25em 0.5em; vertical-align: top; text-align: left; }
@media print { body { margin: 0; max-width: none; } @page { margin: 2cm; } }
</style>"""


@contextmanager
def _convert_args() -> Iterator[list[str]]:
    """The arguments every conversion takes: the filter, as a real file while pandoc runs."""
    with as_file(files("lscp_cli.drafts") / FILTER) as lua:
        yield [f"--lua-filter={lua}"]


def to_html(markdown: str, title: str) -> bytes:
    """A standalone printable HTML page; pandoc escapes all text."""
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
                f"--variable=header-includes:{_HTML_STYLE}",
            ],
        )
    return str(html).encode("utf-8")


def to_docx(markdown: str, reference_doc: Path | None = None) -> bytes:
    """A Word document, styled from `reference_doc` when the casebook has one."""
    import pypandoc

    extra = [f"--reference-doc={reference_doc}"] if reference_doc is not None else []
    # pandoc writes .docx only to a file: a private temporary folder, then the casebook's
    # atomic write puts it in place with the right mode.
    with tempfile.TemporaryDirectory(prefix="lscp-") as folder, _convert_args() as common:
        out = Path(folder) / "draft.docx"
        pypandoc.convert_text(
            markdown, "docx", format=PANDOC_READER, outputfile=str(out),
            extra_args=[*common, *extra],
        )
        return out.read_bytes()


def default_reference_doc() -> bytes:
    """pandoc's default Word styles document (the officer has no pandoc command of their own)."""
    import pypandoc

    finished = subprocess.run(  # noqa: S603  (a fixed argument list, no shell)
        [pypandoc.get_pandoc_path(), "--print-default-data-file", REFERENCE_DOC],
        capture_output=True,
        check=False,
    )
    if finished.returncode != 0 or not finished.stdout.startswith(b"PK"):
        raise TemplateError("pandoc could not produce its default reference.docx; reinstall lscp")
    return finished.stdout
