"""new-incident's questions and options for the Panel form's details (model/details.py): each
child's sex, ethnicity, looked-after, child-protection and child-in-need status and where the
child lives; where the incident happened; the documents and the action already taken.

Per-child options repeat in the order of --child-initials (like --child-dob). Without prompts,
a looked-after status or area not given is recorded as "unknown", explicitly, and said; a
prompt left blank leaves the other details for `lscp set` (the draft names the command).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from lscp_cli.cli import console
from lscp_cli.cli.app import Choice
from lscp_cli.cli.prompts import wrong_answer
from lscp_cli.model.ages import ADULT, CARE_LEAVER_FROM, CARE_LEAVER_TO
from lscp_cli.model.details import AREAS, NO_DOCUMENTS, SEXES, STATUS_VALUES, UNKNOWN
from lscp_cli.model.intake import NewChild, NewIncident

FC = TypeVar("FC", bound=Callable[..., Any])
STATUS = ("yes", "no", UNKNOWN)
# (option, NewChild field, click type, help): each repeats, one per child in order.
CHILD_OPTIONS: tuple[tuple[str, str, Any, str], ...] = (
    ("--child-sex", "sex", Choice(SEXES), "Sex: " + ", ".join(SEXES) + "."),
    ("--child-ethnicity", "ethnicity", None, "Ethnicity, as the form asks (e.g. \"White "
     "British\")."),
    ("--child-looked-after", "looked_after", Choice(STATUS), "Looked after: yes, no or "
     "unknown (with --no-input, a child not given is recorded as unknown)."),
    ("--child-protection-plan", "child_protection_plan", Choice(STATUS),
     "On a child protection plan: yes, no or unknown."),
    ("--child-in-need-plan", "child_in_need_plan", Choice(STATUS),
     "On a child in need plan: yes, no or unknown."),
    ("--child-lives-in", "lives_in", None, "Where the child lives or is placed."),
)


def detail_options(command: FC) -> FC:
    """The detail options of `new-incident`, after its own."""
    for flag, key, kind, text in reversed(CHILD_OPTIONS):
        command = click.option(flag, f"child_{key}", multiple=True, type=kind,
                               help=text + " Repeat in the order of --child-initials.")(command)
    for decorate in reversed((
        click.option("--area", type=Choice(tuple(AREAS)),
                     help="Where it happened: in-area (this local authority's area), "
                     "outside-england (a child living here, harmed outside England), "
                     "elsewhere-in-england (a child living here, harmed in another English "
                     "authority's area: that authority notifies the Panel) or unknown (with "
                     "--no-input, recorded as unknown when not given)."),
        click.option("--document", "documents", multiple=True, metavar="TEXT",
                     help="A document to upload with the notification (repeat for each)."),
        click.option("--no-documents", is_flag=True,
                     help="No documents go with the notification."),
        click.option("--action-taken", metavar="TEXT",
                     help="Immediate safeguarding action taken for the child and others."),
    )):
        command = decorate(command)
    return command


def take_detail_options(children: list[NewChild], given: dict[str, Any],
                        options: dict[str, Any]) -> None:
    """Put the detail options into the children (in order) and `given` (the incident's)."""
    for flag, key, _, _ in CHILD_OPTIONS:
        values: Sequence[str] = options.pop(f"child_{key}")
        if len(values) > len(children):
            raise click.BadParameter("more values than children; give --child-initials for "
                                     "each child, in the same order", param_hint=flag)
        for child, value in zip(children, values, strict=False):
            value = value.strip()
            if value:
                setattr(child, key, STATUS_VALUES[value] if key in _STATUS_KEYS else value)
    area, in_area = options.pop("area"), given["in_area"]
    if area is not None and in_area is not None:
        raise click.UsageError("give --area or --in-area/--out-of-area, not both")
    if area is not None:
        given["in_area"] = AREAS[area]
    documents, none = options.pop("documents"), options.pop("no_documents")
    if documents and none:
        raise click.UsageError("give --document or --no-documents, not both")
    given["documents"] = [] if none else ([d.strip() for d in documents if d.strip()] or None)
    given["action_taken"] = (options.pop("action_taken") or "").strip() or None


_STATUS_KEYS = ("looked_after", "child_protection_plan", "child_in_need_plan")


AREA_UNKNOWN = "where it happened (in the area or not)"


def record_unknowns(incident: NewIncident) -> list[str]:
    """Without prompts: a looked-after status or area not given becomes "unknown", explicitly
    (never left out); what was so recorded, to say."""
    said = []
    if incident.in_area is None:
        incident.in_area = UNKNOWN
        said.append(AREA_UNKNOWN)
    numbers = [n for n, child in enumerate(incident.children, start=1)
               if child.looked_after is None]
    for number in numbers:
        incident.children[number - 1].looked_after = UNKNOWN
    if numbers:
        said.append("looked-after status of child " + ", ".join(map(str, numbers)))
    return said


def say_unknowns(case_id: str, said: list[str], several: bool) -> None:
    if not said:
        return
    child = " --child N" if several else ""
    # Only the commands for what was recorded as unknown: an area given is not to be set again.
    commands = []
    if said[0] == AREA_UNKNOWN:
        commands.append(f"`lscp set {case_id} in_area in-area` (or outside-england, "
                        "elsewhere-in-england)")
    if said[-1] != AREA_UNKNOWN:
        commands.append(f"`lscp set {case_id} looked_after yes{child}` (or no)")
    console.warning(f"recorded as unknown: {'; '.join(said)}. When known: "
                    + ", ".join(commands))


def say_ages_unchecked(case_id: str, children: list[Any]) -> None:
    """The children with no date of birth: their age could not be checked (model/ages.py)."""
    missing = [number for number, child in enumerate(children, start=1)
               if isinstance(child, dict) and child.get("date_of_birth") is None]
    if not missing:
        return
    child = ("" if len(children) == 1
             else f" --child {missing[0]}" if len(missing) == 1 else " --child N")
    console.warning(f"no date of birth for child {', '.join(map(str, missing))}, so the age "
                    f"check (a child is under {ADULT}; a care leaver {CARE_LEAVER_FROM} to "
                    f"{CARE_LEAVER_TO}) could not be made. When known: `lscp set {case_id} "
                    f"date_of_birth DD/MM/YYYY{child}`")


# -- prompts -----------------------------------------------------------------------------------
def _prompt_word(text: str, words: dict[str, Any], default: str | None,
                 shown: Sequence[str] = STATUS) -> Any:
    """Ask until the answer is one of `words` (blank: `default`, or None when it is None);
    `shown` are the answers the prompt offers (shortcuts such as y and n work too)."""
    offered = "/".join(shown)
    while True:
        later = "; blank to add later" if default is None else ""
        answer = click.prompt(f"{text} ({offered}{later})", default=default or "",
                              show_default=default is not None).strip().lower()
        if not answer and default is None:
            return None
        if answer in words:
            return words[answer]
        wrong_answer(f"answer one of {offered}" + ("" if default is not None else
                                                 ", or leave it blank to add it later"))


def ask_child_details(child: NewChild, number: int) -> None:
    """The form's questions about one child, after its initials and date of birth; a blank
    answer leaves the detail for `lscp set`, except looked-after: blank is "unknown"."""
    child.sex = _prompt_word(f"Child {number}: sex",
                             {s: s for s in SEXES} | {"f": "female", "m": "male"}, None,
                             SEXES)
    child.ethnicity = click.prompt(f"Child {number}: ethnicity (blank to add later)",
                                   default="", show_default=False).strip() or None
    child.looked_after = _prompt_word(f"Child {number}: looked after?", STATUS_VALUES, UNKNOWN)
    child.child_protection_plan = _prompt_word(
        f"Child {number}: child protection plan?", STATUS_VALUES, None)
    child.child_in_need_plan = _prompt_word(
        f"Child {number}: child in need plan?", STATUS_VALUES, None)
    child.lives_in = click.prompt(f"Child {number}: where the child lives or is placed (blank "
                                  "to add later)", default="", show_default=False).strip() or None


def ask_area(authority: str) -> Any:
    words = AREAS | {"y": True, "yes": True, "n": False, "no": False}
    return _prompt_word(f"Where did it happen? in-area: in {authority}'s area; "
                        "outside-england: a child living here, harmed outside England; "
                        "elsewhere-in-england: a child living here, harmed in another "
                        "authority's area (that authority notifies the Panel)",
                        words, "in-area", tuple(AREAS))


def ask_notification_details(given: dict[str, Any]) -> None:
    if given["documents"] is None:
        typed = click.prompt(f"Documents to upload with the notification, separated by ; "
                             f"('{NO_DOCUMENTS}' for none, blank to add later)", default="",
                             show_default=False).strip()
        items = [d.strip() for d in typed.split(";") if d.strip()]
        given["documents"] = [] if [i.lower() for i in items] == [NO_DOCUMENTS] else (
            items or None)
    if given["action_taken"] is None:
        given["action_taken"] = click.prompt(
            "Immediate safeguarding action taken (blank to add later)", default="",
            show_default=False).strip() or None
