"""A draft: a template rendered for a case, as Markdown, a printable HTML page or Word.

`render` is the pure step (a case's data, its deadlines, the templates); `draft_for_case` is
what `lscp draft` asks of a casebook: load the case, work out its deadlines (as if the agency
had been asked today, for a request letter drafted before the request is recorded) and render.
Writing the file is the casebook's job (`Casebook.write_draft`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from lscp_cli.base.portable import file_slug, safe_file_name
from lscp_cli.base.records import dataclass, replace
from lscp_cli.drafts.context import as_drafted, build_context, with_agency_requested
from lscp_cli.drafts.environment import render_markdown
from lscp_cli.drafts.pandoc import to_docx, to_html
from lscp_cli.drafts.placeholders import find_placeholders, shown
from lscp_cli.drafts.templates import TemplateStore, check_name
from lscp_cli.errors import (
    ActionRequired,
    AgencyRequired,
    DraftOptionError,
    LetterRefused,
    NotFinal,
    TemplateError,
    said,
)
from lscp_cli.formats import DRAFT_FORMATS
from lscp_cli.model.agencies import agency_key, find_agency, same_agency, tidy_name
from lscp_cli.model.dates import today as officers_today
from lscp_cli.model.steps import STEPS
from lscp_cli.process.asof import case_as_of
from lscp_cli.process.rules import case_deadlines
from lscp_cli.process.settings import Settings

if TYPE_CHECKING:
    from lscp_cli.model.case import Case
    from lscp_cli.process.rules import Deadline
    from lscp_cli.process.ruleset import Rule
    from lscp_cli.process.workdays import WorkCalendar

FORMATS = DRAFT_FORMATS


class LetterSource(Protocol):
    """What a letter needs of a casebook (`Casebook` is one; outputs sit below it)."""

    @property
    def templates(self) -> TemplateStore: ...
    @property
    def calendar(self) -> WorkCalendar: ...
    @property
    def rules(self) -> list[Rule]: ...
    @property
    def settings(self) -> Settings: ...
    def load(self, case_id: str) -> Case: ...


@dataclass(frozen=True)
class Draft:
    template: str
    fmt: str
    content: bytes
    markdown: str
    case_id: str | None = None
    # The agency had not been asked yet: its return date is worked out as if asked `today`.
    agency_not_yet_asked: bool = False
    agency: str | None = None  # the agency the letter is to (agency-request)
    action: int | None = None  # the action it is about (action-update-request)
    final: bool = False  # to send: no placeholders, no DRAFT lines
    # (label, text) of what the letter quotes from the case: `lscp draft` shows the officer.
    quoted: tuple[tuple[str, str], ...] = ()
    reply_by: date | None = None  # the new date an agency's reminder asks for

    @property
    def file_name(self) -> str:
        """The default file name: what makes the letter unique, valid on Windows too.

        `agency-request-west-yorkshire-police.docx`, `action-update-request-action-2.md`.
        """
        parts = [self.template]
        if self.agency:
            parts.append(file_slug(self.agency, fallback="agency"))
        if self.action is not None:
            parts.append(f"action-{self.action}")
        return safe_file_name(f"{'-'.join(parts)}.{self.fmt}")

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
    action: int | None = None,
    today: date,
    templates: TemplateStore | None = None,
    final: bool = False,
    rules: Sequence[Rule] | None = None,
    event: date | None = None,
    reply_by: date | None = None,
) -> Draft:
    """Render template `name` for a case in `fmt` (md, html or docx).

    `final`: the letter to send: refused (`NotFinal`) while a `[placeholder]` remains; the
    layout leaves out the DRAFT line and the DRAFT in the footer. `rules`: the rules in effect
    (`Casebook.rules`), whose numbers the letters write; by default from `settings`.
    """
    if fmt not in FORMATS:
        raise TemplateError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    store = templates or TemplateStore()
    bare = check_name(name)
    context = build_context(case_data, settings, deadlines, agency=agency, action=action,
                            today=today, final=final, rules=rules, event=event,
                            reply_by=reply_by)
    quoted: list[tuple[str, str]] = []
    markdown = render_markdown(store, bare, context, quoted)
    if final:
        check_final(bare, markdown)
    case_id = context["case"].get("id")
    if fmt == "md":
        content = markdown.encode("utf-8")
    elif fmt == "html":
        title = f"{bare} {case_id or 'case'}"
        content = to_html(markdown, title if final else f"DRAFT {title}",
                          marking=context["marking"])
    else:
        content = to_docx(markdown, store.reference_doc(), marking=context["marking"])
    return Draft(template=bare, fmt=fmt, content=content, markdown=markdown,
                 case_id=case_id if isinstance(case_id, str) else None,
                 agency=agency, action=action, final=final, quoted=tuple(quoted),
                 reply_by=reply_by)


def check_final(name: str, markdown: str) -> None:
    """Refuse a letter to send that still has gaps to fill, naming each gap."""
    gaps = find_placeholders(markdown)
    if gaps:
        listed = "\n".join(f"  {shown(gap)}" for gap in gaps)
        raise NotFinal(
            f"{name} cannot be final: {len(gaps)} [placeholder]"
            f"{'' if len(gaps) == 1 else 's'} still to fill:\n{listed}\n"
            "Record what is missing in the case file (or adapt the template with `lscp templates "
            "copy`), or draft " + said("without --final", "with final=False")
            + " and fill the gaps in Word.",
            gaps,
        )
    if re.search(r"\bDRAFT\b", markdown):
        raise NotFinal(
            f"{name} cannot be final: the template still prints DRAFT. A casebook copy of "
            "_letter made before " + said("--final", "final")
            + " existed needs `{% if not final %}` around its DRAFT "
            "lines (compare `lscp templates show _letter` with the built-in)."
        )


def draft_for_case(
    casebook: LetterSource,
    case_id: str,
    template: str,
    fmt: str = "md",
    *,
    agency: str | None = None,
    action: int | None = None,
    today: date,
    final: bool = False,
    new_agency: bool = False,
    event: date | None = None,
    due: date | None = None,
) -> Draft:
    """Template `template` rendered for case `case_id` of `casebook`, dated `today`.

    `agency` is matched against the case's agencies (`chosen_agency`); `new_agency` drafts to
    an agency not asked yet. `event`: the practitioner event an invitation is to. `due`: the
    date a reminder to an agency asks for (default: the agency-return rule counted from today).
    """
    case = casebook.load(case_id)
    store = casebook.templates
    name = check_name(template)
    known = known_on(case.id, case.data, today)
    info = store.info(name)
    requires = info.requires if info is not None else ()
    accepts = (*requires, *(info.accepts if info is not None else ()))
    if "agency" in requires and not agency:
        names = [str(a.get("name")) for a in known.get("agencies") or [] if a.get("name")]
        raise AgencyRequired(
            f"{name} is written to one agency: " + said("add --agency NAME", 'give agency="NAME"')
            + (f" (this case has: {', '.join(names)})" if names else "")
        )
    for given, option in ((agency, "agency"), (event, "event"), (due, "due")):
        if given is not None and option not in accepts:
            raise DraftOptionError(f"{name} takes no --{option}: drop it")
    if new_agency and agency is None:
        raise DraftOptionError(said("--new-agency goes with --agency NAME",
                                    'new_agency=True goes with agency="NAME"')
                               + " (the agency's full name)")
    if "action" in requires:
        _check_action(name, case.id, known.get("actions") or [], action)
    elif action is not None:
        raise ActionRequired(f"{name} is not about one action: "
                             + said("drop --action", "drop action"))
    data, not_yet_asked, reply_by = known, False, None
    if agency:
        agency = chosen_agency(case.id, data.get("agencies"), agency, new=new_agency)
        data, not_yet_asked = with_agency_requested(data, agency, today, due=due)
        reply_by = reminder_due(casebook, data, agency, today, due, asked_now=not_yet_asked)
    # From the case as the letter reads it: without the steps booked after its date.
    deadlines = case_deadlines(as_drafted(data, today), casebook.calendar, casebook.rules, today)
    draft = render(name, data, casebook.settings, deadlines, fmt, agency=agency, action=action,
                   today=today, templates=store, final=final, rules=casebook.rules,
                   event=event, reply_by=reply_by)
    return replace(draft, case_id=case.id, agency_not_yet_asked=not_yet_asked)


def known_on(case_id: str, data: Mapping[str, Any], day: date) -> Mapping[str, Any]:
    """The case as the letter's date knew it. A letter dated in the past (`draft --date`) says
    only what was true that day: steps recorded with later dates, and what came with them
    (a decision's outcome, a reference), are left out: asof.py's point-in-time view, as
    `deadlines --as-of` uses. A meeting or event that may be booked ahead (steps.py `ahead`)
    keeps its date, never what came with it: the letter writes it as planned (`as_drafted`)."""
    if day >= officers_today():
        return data
    view = case_as_of(data, day)
    if view is None:
        raise LetterRefused(f"{case_id}: the local authority became aware of this incident "
                            f"after {day.isoformat()}, so no letter about it can be dated "
                            "before then; give a later date")
    if view is data:
        return view
    booked_ahead = [step for step in STEPS if step.ahead and not step.is_plan and step.date]
    for step in booked_ahead:  # with the note giving its time and place
        table, _, key = str(step.date).partition(".")
        booked = (data.get(table) or {}).get(key)
        if booked is not None and (step.repeats or booked > day):
            view[table] = {**view.get(table, {}), key: booked}
    names = {step.name for step in booked_ahead}
    notes = [note for note in data.get("event_notes") or []
             if note.get("event") in names and note.get("date") and note["date"] > day]
    if notes:
        view["event_notes"] = [*view.get("event_notes", []), *notes]
    return view


def chosen_agency(case_id: str, rows: Any, typed: str, *, new: bool = False) -> str:
    """The recorded agency `--agency` names: its whole name, or a part of one name only.

    Case and spacing never matter. `new`: an agency not asked yet, named in full. Anything
    else is refused with the case's agencies, never drafted to a made-up "police".
    """
    names = [tidy_name(str(row.get("name"))) for row in rows or []
             if isinstance(row, Mapping) and row.get("name")]
    whole = [recorded for recorded in names if same_agency(recorded, typed)]
    if whole:
        return whole[0]
    if new:
        return tidy_name(typed)
    part = [recorded for recorded in names if agency_key(typed) in agency_key(recorded)]
    if len(part) == 1:
        return part[0]
    if part:
        raise DraftOptionError(
            said(f"--agency {typed!r}", f"agency={typed!r}")
            + f" matches {len(part)} of this case's agencies: "
            f"{', '.join(part)}; give more of the name")
    listed = f"this case has: {', '.join(names)}" if names else "none is recorded yet"
    raise DraftOptionError(
        said(f"--agency {typed!r}", f"agency={typed!r}")
        + f" is not one of this case's agencies ({listed}). Give its name or a part of it; "
        + said("for an agency not asked yet, give its full name and add --new-agency, then "
               f'record the request: `lscp record {case_id} agency-requested --agency "NAME"`',
               "for an agency not asked yet, give its full name with new_agency=True, then "
               "record the agency-requested step"))


def reminder_due(casebook: LetterSource, data: Mapping[str, Any], agency: str, today: date,
                 due: date | None, *, asked_now: bool = False) -> date | None:
    """The date a reminder to `agency` asks for: `due`, else the agency-return rule counted
    from `today`. None when the letter is not a reminder (the return date has not passed).
    """
    row = find_agency(data.get("agencies"), agency)
    if row is None or asked_now:
        return None
    returns = {d.agency: d.due for d in case_deadlines(data, casebook.calendar,
                                                         casebook.rules, today)
               if d.milestone == "agency-return" and d.agency}
    return_due = next((when for name, when in returns.items() if same_agency(name, agency)),
                      None)
    if return_due is None or return_due >= today:
        if due is not None:
            raise DraftOptionError(
                said("--due", "due") + f": the reply {agency} was asked for is not late yet, and "
                + said("--due", "due") + " is the new "
                "date a reminder asks for; to change the date asked for, record it with "
                + said("`lscp record ID agency-requested --agency NAME --due DATE --correct "
                       "--reason`", "an agency-requested step with correct=True"))
        return None
    if due is not None:
        if due < today:
            raise DraftOptionError(said(f"--due {due.isoformat()}", f"due={due.isoformat()}")
                                   + " is before the letter's date "
                                   f"({today.isoformat()}): give a date still to come")
        return due
    asked_again = [dict(entry) for entry in data.get("agencies") or []]
    for entry in asked_again:
        if same_agency(entry.get("name"), agency):
            entry["requested"] = today
            entry.pop("due", None)
    again = case_deadlines({**data, "agencies": asked_again}, casebook.calendar,
                           casebook.rules, today)
    return next((d.due for d in again if d.milestone == "agency-return"
                 and same_agency(d.agency, agency)), None)


def _check_action(name: str, case_id: str, actions: Sequence[Any], action: int | None) -> None:
    if not actions:
        raise LetterRefused(
            f"{name} does not fit this case: it has no action plan yet; add an action with "
            + said(f"`lscp record {case_id} action-added --text ... --owner ... --due ...`",
                 "an action-added step (text, owner, due)")
        )
    if action is None:
        open_numbers = [
            str(number) for number, row in enumerate(actions, 1)
            if isinstance(row, Mapping) and not row.get("completed")
        ]
        raise ActionRequired(
            f"{name} is about one action: " + said("add --action N", "give action=N")
            + " (this case has actions 1 to "
            f"{len(actions)}; open: {', '.join(open_numbers) or 'none'})"
        )
