"""Commands that start things: init (a casebook) and new-incident (a case)."""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path
from typing import Any

import click

from lscp_cli.base import portable
from lscp_cli.casebook import Casebook
from lscp_cli.cli import console
from lscp_cli.cli import intake_details as details
from lscp_cli.cli.app import DATE, AppContext, Choice, pass_app
from lscp_cli.cli.cases import say_next_deadlines
from lscp_cli.cli.prompts import answers_piped, asking, choose, confirm, wrong_answer
from lscp_cli.cli.running import source_words
from lscp_cli.errors import InvalidFile, LscpError
from lscp_cli.model.casefields import ABUSE_OR_NEGLECT, INCIDENT_TYPES, INITIALS, INITIALS_RULE
from lscp_cli.model.dates import today
from lscp_cli.model.intake import (
    NewChild,
    NewIncident,
    abuse_or_neglect_choices,
    initials_typed_ok,
    normalise_initials,
)
from lscp_cli.process.settings import load_settings

# Windows stops at 260 characters for a whole path (unless IT enables long paths); the longest
# file lscp makes inside a casebook (a draft's temp file) adds about 110.
MAX_CASEBOOK_PATH = 150


# -- init ------------------------------------------------------------------------------------
@click.command()
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
@pass_app
def init(app: AppContext, path: Path | None) -> None:
    """Create a casebook folder with a commented lscp.toml.

    PATH defaults to the casebook every command uses: --dir, then $LSCP_DIR, then the nearest
    folder at or above this one holding lscp.toml, then ~/lscp. An existing casebook is left
    as it is (its lscp.toml is never overwritten).

    \b
    Example:
      lscp init ~/Documents/lscp-casebook
    """
    casebook = Casebook.locate(path or app.dir_option, must_exist=False)
    target = casebook.root
    created = casebook.init()
    if created:
        console.result(f"Created casebook in {target}")
        console.info(f"Edit {target / 'lscp.toml'} for your partnership (fill in its "
                     "[placeholders]: the address and mailbox letters show), then run "
                     f"`lscp --dir {portable.shell_quote(target)} new-incident` (or set "
                     "LSCP_DIR).")

        if portable.on_windows():
            console.info(
                "On Windows the folder's access control is what protects these files: keep "
                "the casebook in a folder only your team can open (right-click the folder > "
                "Properties > Security), never in one shared with Everyone or the whole council."
            )
            if len(str(target.absolute())) > MAX_CASEBOOK_PATH:
                console.warning(
                    f"{target} is {len(str(target.absolute()))} characters long; files inside "
                    "it may pass Windows' 260-character limit for a path. Choose a shorter "
                    "folder, or ask IT to turn on long paths."
                )
    else:
        console.result(f"Casebook already set up in {target}; nothing changed")
    if casebook.settings_path not in created:
        _say_if_broken(casebook)
        with contextlib.suppress(LscpError):
            if note := sharing_note(casebook):
                console.info(note)


def sharing_note(casebook: Casebook) -> str | None:
    """What `[casebook] shared = true` does here, said by init and check (None: owner-only)."""
    if not casebook.settings.shared:
        return None
    if portable.on_windows():
        return ("[casebook] shared = true has no effect on Windows: the folder's access "
                "control decides who opens the casebook")
    root = casebook.root.absolute()
    try:
        import grp

        group = grp.getgrgid(root.stat().st_gid).gr_name
    except (ImportError, KeyError, OSError):
        group = "the folder's group"
    fix = portable.shell_quote(root)
    return (f"shared with group {group} ([casebook] shared = true): new files are 0660 and new "
            "folders 2770 (setgid); files and folders made before it stay owner-only: "
            f"`chmod -R g+rwX {fix} && find {fix} -type d -exec chmod g+s {{}} +`")


def _say_if_broken(casebook: Casebook) -> None:
    """An existing lscp.toml init left alone: if it is broken, init is not the fix."""
    try:
        load_settings(casebook.settings_path)
    except InvalidFile as exc:
        for problem in exc.problems:
            console.warning(problem.command_line())
        console.warning(f"init never changes an existing {casebook.settings_path.name}: fix it "
                        "by hand (or rename it and run `lscp init` again for a fresh one)")


# -- new-incident ----------------------------------------------------------------------------
def _initials(value: str) -> str:
    initials = normalise_initials(value)
    letters = sum(c.isalpha() for c in initials)
    if not initials_typed_ok(value) or not INITIALS.match(initials) or letters > 4:
        # The value is not repeated: it may be a child's name.
        small = "." not in value and any(c.islower() for c in value)
        other = any(not (c.isalpha() or c in ". -") for c in value)
        why = ("other characters than letters, dots, spaces and hyphens" if other
               else "small letters without dots" if small else "more than 4" if letters > 4
               else "")
        raise click.BadParameter(f"give the child's {INITIALS_RULE} (got {letters} letters"
                                 f"{', ' + why if why else ''})")
    return initials


def _not_future(value: date | None, what: str) -> date | None:
    if value is not None and value > today():
        raise click.BadParameter(f"{what} {value.isoformat()} is in the future; dates are read "
                                 "day first (06/01/2025 is 6 January)")
    return value


def _prompt_date(text: str, *, required: bool) -> date | None:
    while True:
        answer = click.prompt(text, default="" if not required else None, show_default=False)
        if not required and not str(answer).strip():
            return None
        try:
            value = DATE.convert(answer, None, None)
            return _not_future(value, "that date")
        except click.BadParameter as exc:
            wrong_answer(exc.message)


def _prompt_initials(number: int) -> str:
    while True:
        value = click.prompt(f"Child {number}: initials (not a name), e.g. A.B.")
        try:
            return _initials(value)
        except click.BadParameter as exc:
            wrong_answer(exc.message)


@click.command("new-incident")
@click.option("--type", "incident_type", type=Choice(INCIDENT_TYPES),
              help="What happened to the child; care-leaver-death: a care leaver aged 24 or "
              "under (notified to the Secretary of State and Ofsted; no Rapid Review).")
@click.option("--occurred", type=DATE, help="Date of the incident, if known.")
@click.option("--aware", type=DATE,
              help="Date the local authority became aware (deadlines count from here).")
@click.option("--location", help="Where it happened, e.g. Leeds.")
@click.option("--in-area/--out-of-area", "in_area", default=None,
              help="Out of area: a Leeds-resident child harmed outside England.")
@click.option("--abuse-or-neglect", type=Choice(ABUSE_OR_NEGLECT),
              help="'not-suspected': a looked-after child's or a care leaver's death is "
                   "still notified; otherwise nothing is due.")
@click.option("--summary", help="Case outline as it would go in the notification (no names).")
@click.option("--child-initials", multiple=True, help="A child's initials (repeat, up to 4).")
@click.option("--child-dob", type=DATE, multiple=True,
              help="Date of birth, in the same order as --child-initials.")
@click.option("--looked-after", is_flag=True, default=None,
              help="The child (every child given) is looked after.")
@details.detail_options
@click.option("--no-input", is_flag=True, help="Never prompt: fail if something is missing.")
@pass_app
def new_incident(app: AppContext, /, incident_type: str | None, occurred: date | None,
                 aware: date | None, location: str | None, in_area: bool | None,
                 abuse_or_neglect: str | None, summary: str | None,
                 child_initials: tuple[str, ...], child_dob: tuple[date, ...],
                 looked_after: bool | None, no_input: bool, **form: Any) -> None:
    """Open a case for a serious child safeguarding incident and print its id.

    Asks for what is missing, or with --no-input takes everything from the options. Without
    prompts, a looked-after status or area not given is recorded as unknown (and said); the
    other details of the Panel's form can follow with `lscp set`. Answers may be piped in
    (`lscp new-incident < answers.txt`): one a line, in the order asked; a line left over
    after the last question opens nothing, as the answers may not line up.

    \b
    Example:
      lscp new-incident --no-input --type serious-harm --aware 03/01/2025 \\
        --child-initials A.B. --child-dob 02/04/2019 --abuse-or-neglect suspected
    """

    _ = app.casebook  # a --dir (or LSCP_DIR) that is no casebook: said before any question
    _not_future(aware, "--aware")
    _not_future(occurred, "--occurred")
    children = _children_from_options(child_initials, child_dob, looked_after)
    if looked_after and any(form["child_looked_after"]):
        raise click.UsageError("give --looked-after (every child) or --child-looked-after "
                               "(each child), not both")
    given: dict[str, Any] = {
        "type": incident_type, "aware": aware, "occurred": occurred, "location": location,
        "in_area": in_area, "abuse_or_neglect": abuse_or_neglect, "summary": summary}
    details.take_detail_options(children, given, form)
    if no_input or (answers_piped() and not _missing_options(given, children)):
        _require_options(given, children)  # a script that gave every option is not asked
    else:
        with asking():  # at a terminal, or answers piped on stdin
            _ask_for_what_is_missing(app, given, children)
    assert given["type"] is not None and given["aware"] is not None  # noqa: S101 (checked)
    incident = NewIncident(**given, children=children)
    _open_case(app, incident, details.record_unknowns(incident))


def _children_from_options(child_initials: tuple[str, ...], child_dob: tuple[date, ...],
                           looked_after: bool | None) -> list[NewChild]:
    initials = [_initials(i) for i in child_initials]
    if len(initials) > 4:
        raise click.BadParameter("one notification covers at most 4 children; open a "
                                 "separate case for the others", param_hint="--child-initials")
    if len(child_dob) > len(initials):
        raise click.BadParameter("more dates of birth than children; give --child-initials "
                                 "for each child, in the same order", param_hint="--child-dob")
    return [
        NewChild(initials=i, date_of_birth=_not_future(child_dob[n], "--child-dob")
                 if n < len(child_dob) else None, looked_after=looked_after)
        for n, i in enumerate(initials)
    ]


def _missing_options(given: dict[str, Any], children: list[NewChild]) -> list[str]:
    """The options a case cannot be opened without that were not given."""
    missing = [flag for flag, key in (("--type", "type"), ("--aware", "aware"))
               if given[key] is None]
    return missing if children else [*missing, "--child-initials"]


def _require_options(given: dict[str, Any], children: list[NewChild]) -> None:
    """Without prompts, what a case cannot be opened without must be among the options."""
    if missing := _missing_options(given, children):
        raise click.UsageError(f"missing {', '.join(missing)} (with --no-input, give them as "
                               "options)")


def _ask_for_what_is_missing(app: AppContext, given: dict[str, Any],
                             children: list[NewChild]) -> None:
    """Prompt for each field the options left out, into `given` and `children`."""
    if given["type"] is None:
        given["type"] = choose("Type of incident", INCIDENT_TYPES, default="serious-harm")
    if given["occurred"] is None:
        given["occurred"] = _prompt_date("Date of the incident (blank if not known)",
                                         required=False)
    if given["aware"] is None:
        given["aware"] = _prompt_date("Date the local authority became aware (e.g. "
                                      "06/01/2025, today)", required=True)
    if given["location"] is None:
        given["location"] = click.prompt("Location", default="Leeds")
    if given["in_area"] is None:
        # The notification's "In the local authority's area" row: no only for a child who
        # lives here and was harmed outside England (elsewhere in England, that area's LA).
        authority = app.casebook.settings.local_authority or "the local authority"
        given["in_area"] = details.ask_area(authority)
    if not children:
        _ask_for_children(children)
    if given["abuse_or_neglect"] is None and given["type"] != "care-leaver-death":
        choices = abuse_or_neglect_choices(given["type"], children)
        given["abuse_or_neglect"] = choose("Abuse or neglect", choices, default="suspected")
    if given["summary"] is None:
        given["summary"] = click.prompt("Case outline (initials only, no names; blank to add "
                                        "later)", default="", show_default=False) or None
    details.ask_notification_details(given)


def _ask_for_children(children: list[NewChild]) -> None:
    while len(children) < 4:
        number = len(children) + 1
        child = NewChild(initials=_prompt_initials(number))
        child.date_of_birth = _prompt_date(f"Child {number}: date of birth (blank if "
                                           "not known)", required=False)
        details.ask_child_details(child, number)
        children.append(child)
        if len(children) == 4 or not confirm("Another child in this incident?",
                                             default=False):
            break


def _open_case(app: AppContext, incident: NewIncident, unknowns: list[str]) -> None:
    """Open the case, print its id (stdout holds only that), and say what to check next."""
    for warning in incident.warnings:
        console.warning(warning)
    duplicates = app.casebook.possible_duplicates(incident)
    if not app.casebook.settings_path.is_file():
        console.info(f"creating the casebook {app.casebook.root.absolute()} ("
                     + ("the per-user default: no --dir, no LSCP_DIR and no lscp.toml at or "
                        f"above {Path.cwd()}" if app.casebook.is_default
                        else source_words(app.casebook)) + ")")
    case = app.casebook.new_incident(incident)
    console.result(case.id)  # stdout holds only the id, for scripts
    details.say_unknowns(case.id, unknowns, len(incident.children) > 1)
    details.say_ages_unchecked(case.id, case.data.get("children") or [])
    for other, why in duplicates:
        console.warning(f"{case.id} is a possible duplicate of {other} ({why}); check "
                        f"`lscp show {other}`. If it is the same incident, record the steps "
                        f"there and withdraw {case.id} (`lscp record {case.id} withdrawn "
                        f"--duplicate-of {other}`)")
    if app.casebook.is_default:
        console.info(f"Saved in {app.casebook.cases_dir}")
    say_next_deadlines(app, case, limit=3)

