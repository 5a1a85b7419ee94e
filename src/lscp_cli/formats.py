"""The formats a draft letter is written in, and the file extensions that name them.

Defined here, not in `drafts/`, so that the command line can offer them without loading Jinja
and pandoc (about 100 ms) on every start.
"""

from __future__ import annotations

from lscp_cli.process.settings import DRAFT_FORMATS

__all__ = ["DRAFT_EXTENSIONS", "DRAFT_FORMATS"]

# What `lscp draft -o FILE` writes, by the file's extension.
DRAFT_EXTENSIONS = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
}
