"""Letters and summaries rendered from a case: Jinja templates, Markdown, HTML and Word.

One job a module:
- `templates`   finding, listing and copying templates (`TemplateStore`: the casebook's
                `templates/` folder over the built-ins shipped as `lscp_cli.templates`);
- `environment` the Jinja sandbox, its filters, and template errors worded for officers;
- `escaping`    Markdown escaping: case text never restructures a letter;
- `context`     what a template can use, built from a case (every field always present);
- `pandoc`      Markdown to HTML or Word, with raw HTML switched off;
- `draft`       `render` (the pure step) and `draft_for_case` (what `lscp draft` asks).
Writing a draft to disk belongs to the casebook: `Casebook.write_draft`.

No click or rich here; jinja2 is imported with this package, which the CLI imports only when a
draft or template command runs. pypandoc is imported only for HTML and Word output.
"""

from lscp_cli.drafts.context import CASE_MILESTONES, build_context, with_agency_requested
from lscp_cli.drafts.draft import FORMATS, Draft, draft_for_case, render
from lscp_cli.drafts.environment import age_at, check_templates, render_markdown
from lscp_cli.drafts.escaping import md_escape
from lscp_cli.drafts.pandoc import PANDOC_READER, REFERENCE_DOC, to_docx, to_html
from lscp_cli.drafts.templates import (
    LAYOUT,
    SUFFIX,
    TemplateInfo,
    TemplateStore,
    builtin_source,
    check_name,
)
from lscp_cli.errors import LetterRefused

__all__ = [
    "CASE_MILESTONES",
    "FORMATS",
    "LetterRefused",
    "LAYOUT",
    "PANDOC_READER",
    "REFERENCE_DOC",
    "SUFFIX",
    "Draft",
    "TemplateInfo",
    "TemplateStore",
    "age_at",
    "build_context",
    "builtin_source",
    "check_name",
    "check_templates",
    "draft_for_case",
    "md_escape",
    "render",
    "render_markdown",
    "to_docx",
    "to_html",
    "with_agency_requested",
]
