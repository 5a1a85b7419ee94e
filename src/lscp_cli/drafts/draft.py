"""A draft: a template rendered for a case, as Markdown, a printable HTML page or Word.

`render` is the pure step (a case's data, its deadlines, the templates); `draft_for_case` is
what `lscp draft` asks of a casebook: load the case, work out its deadlines (as if the agency
had been asked today, for a request letter drafted before the request is recorded) and render.
Writing the file is the casebook's job (`Casebook.write_draft`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from lscp_cli.drafts.context import build_context, with_agency_requested
from lscp_cli.drafts.environment import render_markdown
from lscp_cli.drafts.pandoc import to_docx, to_html
from lscp_cli.drafts.templates import TemplateStore, check_name
from lscp_cli.errors import AgencyRequired, TemplateError
from lscp_cli.rules import case_deadlines
from lscp_cli.settings import Settings

if TYPE_CHECKING:
    from lscp_cli.casebook import Casebook
    from lscp_cli.rules import Deadline

FORMATS = ("md", "html", "docx")


@dataclass(frozen=True)
class Draft:
    template: str
    fmt: str
    content: bytes
    markdown: str
    case_id: str | None = None
    # The agency had not been asked yet: its return date is worked out as if asked `today`.
    agency_not_yet_asked: bool = False
    agency: str | None = None  # the one agency a letter is to; part of its file name

    @property
    def text(self) -> str:
        """The draft as text (md and html); Word documents have none."""
        if self.fmt == "docx":
            raise TemplateError("a Word document cannot be shown as text; write it to a file")
        return self.content.decode("utf-8")


def render(
    name: str,
    case_data: Mapping[str, Any],
    settings: Settings,
    deadlines: Sequence[Deadline],
    fmt: str = "md",
    *,
    agency: str | None = None,
    today: date,
    templates: TemplateStore | None = None,
) -> Draft:
    """Render template `name` for a case in `fmt` (md, html or docx)."""
    if fmt not in FORMATS:
        raise TemplateError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    store = templates or TemplateStore()
    bare = check_name(name)
    context = build_context(case_data, settings, deadlines, agency=agency, today=today)
    markdown = render_markdown(store, bare, context)
    case_id = context["case"].get("id")
    if fmt == "md":
        content = markdown.encode("utf-8")
    elif fmt == "html":
        content = to_html(markdown, f"DRAFT {bare} {case_id or 'case'}")
    else:
        content = to_docx(markdown, store.reference_doc())
    return Draft(template=bare, fmt=fmt, content=content, markdown=markdown,
                 case_id=case_id if isinstance(case_id, str) else None)


def draft_for_case(
    casebook: Casebook,
    case_id: str,
    template: str,
    fmt: str = "md",
    *,
    agency: str | None = None,
    today: date,
) -> Draft:
    """Template `template` rendered for case `case_id` of `casebook`, dated `today`."""
    case = casebook.load(case_id)
    store = casebook.templates
    name = check_name(template)
    info = store.info(name)
    if info is not None and "agency" in info.requires and not agency:
        names = [str(a.get("name")) for a in case.data.get("agencies") or [] if a.get("name")]
        raise AgencyRequired(
            f"{name} is written to one agency: add --agency NAME"
            + (f" (this case has: {', '.join(names)})" if names else "")
        )
    data, not_yet_asked = case.data, False
    if agency:
        data, not_yet_asked = with_agency_requested(case.data, agency, today)
    deadlines = case_deadlines(data, casebook.calendar, casebook.rules, today)
    draft = render(name, data, casebook.settings, deadlines, fmt, agency=agency, today=today,
                   templates=store)
    return replace(draft, case_id=case.id, agency_not_yet_asked=not_yet_asked, agency=agency)
