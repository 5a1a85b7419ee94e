"""A case's details that are facts, not steps: what the Panel's notification form asks about
each child and the incident. `new-incident` asks for them, `lscp set ID FIELD VALUE` changes
them later (validated by the case validator, audited), and the letters read them.

A field is named as in a case file and the audit log, entries of a list numbered from 1:
`incident.in_area`, `children[2].sex`, `notification.documents`. Square brackets are globs in
some shells, so a child's field is also named by its key and `--child N` (`sex --child 2`),
and any field by its key alone where that is unambiguous (`documents`, `looked-after`).

A status the officer does not know yet is recorded as "unknown" (letters say "Not known"),
never left out: a looked-after status or area left blank reads as a gap to fill, "unknown" as
an answer given. Steps' fields (dates, references, outcomes) belong to `lscp record`, and the
facts every duty hangs on (type, awareness, abuse or neglect) to `lscp edit`: both are refused
here with the command to use. Messages never repeat a value typed as text: it may be a name.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from lscp_cli.base import tomledit
from lscp_cli.base.audit import Change
from lscp_cli.base.records import dataclass
from lscp_cli.errors import InvalidEvent, said
from lscp_cli.model.dates import parse_date, today
from lscp_cli.model.fieldlabels import field_label
from lscp_cli.model.steps import STEPS

UNKNOWN = "unknown"  # a status recorded as not known (letters: "Not known")
SEXES = ("female", "male", UNKNOWN)
STATUS_VALUES: dict[str, bool | str] = {"yes": True, "y": True, "true": True, "no": False,
                                        "n": False, "false": False, UNKNOWN: UNKNOWN}
# Where the incident happened, as `incident.in_area` records it: in this local authority's
# area (true), or a child normally resident here harmed outside England (false): either way
# this authority notifies the Panel; or a child of this area harmed elsewhere in England,
# which that area's authority notifies (Children Act 2004 s16C(1): the duty falls on the
# authority where the child dies or is seriously harmed, or, normally resident there,
# outside England; SOURCES.md). This authority records that notification and its reference
# (`record ID other-authority-notified`).
ELSEWHERE = "elsewhere-in-england"
AREAS: dict[str, bool | str] = {
    "in-area": True,
    "outside-england": False,
    ELSEWHERE: ELSEWHERE,
    UNKNOWN: UNKNOWN,
}
NO_DOCUMENTS = "none"
MAX_CHILDREN = 4


@dataclass(frozen=True)
class Detail:
    """One field `lscp set` may change: where it is, what it takes."""

    table: str  # "incident", "notification", or "children" (one entry per child)
    key: str
    kind: str  # "text", "texts", "date", "status", "sex", "area", "initials", "time"

    @property
    def per_child(self) -> bool:
        return self.table == "children"

    def path(self, child: int | None = None) -> str:
        if self.per_child:
            return f"children[{child or 'N'}].{self.key}"
        return f"{self.table}.{self.key}"

    @property
    def takes(self) -> str:
        """What VALUE may be, for the list of settable fields and refusals."""
        return {
            "text": "TEXT",
            "texts": f"TEXT... (one each) or {NO_DOCUMENTS}",
            "date": "DATE",
            "status": "yes, no or unknown",
            "sex": ", ".join(SEXES),
            "area": ", ".join(AREAS),
            "initials": "initials, e.g. A.B. (never a name)",
            "time": "HH:MM (24-hour clock)",
        }[self.kind]


DETAILS: tuple[Detail, ...] = (
    Detail("incident", "occurred", "date"),
    Detail("incident", "time", "time"),
    Detail("incident", "location", "text"),
    Detail("incident", "in_area", "area"),
    Detail("incident", "summary", "text"),
    Detail("children", "initials", "initials"),
    Detail("children", "date_of_birth", "date"),
    Detail("children", "sex", "sex"),
    Detail("children", "ethnicity", "text"),
    Detail("children", "disability", "status"),
    Detail("children", "looked_after", "status"),
    Detail("children", "child_protection_plan", "status"),
    Detail("children", "child_in_need_plan", "status"),
    Detail("children", "lives_in", "text"),
    Detail("children", "known_to", "texts"),
    Detail("notification", "documents", "texts"),
    Detail("notification", "action_taken", "text"),
)
# Facts every duty and deadline hangs on: changed with `lscp edit`, which shows the whole case.
FOUNDATIONS = ("incident.type", "incident.aware", "incident.abuse_or_neglect", "id", "schema",
               "opened")
_PATH = re.compile(r"(?P<table>[a-z_]+)(?:\[(?P<n>\d+)\])?\.(?P<key>[a-z_]+)")


@dataclass(frozen=True)
class Target:
    """A field `lscp set` will change: the detail, and the child it is of (numbered from 1)."""

    detail: Detail
    child: int | None = None

    @property
    def path(self) -> str:
        return self.detail.path(self.child)


def _step_of(path: str) -> str | None:
    """The step (`lscp record` event) that writes `path` (`agencies[2].received` too)."""
    generic = re.sub(r"\[\d+\]", "[]", path)
    for step in STEPS:
        if generic in step.fields or path in step.fields:
            return step.name
    return None


def settable_list() -> str:
    """The fields `lscp set` changes, one a line with the officer's name for each."""
    lines = []
    for detail in DETAILS:
        label = field_label(detail.path(1)).replace("Child 1", "Child N")
        lines += textwrap.wrap(f"{detail.path()}: {label}; {detail.takes}", 76,
                               initial_indent="  ", subsequent_indent="      ")
    return "\n".join([*lines, "  (a child's field may be named FIELD "
                       + said("--child N: sex --child 2", 'with child=N: "sex", child=2') + ")"])


def find_target(field: str, child: int | None, data: Mapping[str, Any], case_id: str) -> Target:
    """The detail `field` names (`children[2].sex`, `sex` with `child`, `documents`), or
    `InvalidEvent` saying which command sets it or listing what `lscp set` does."""
    name = field.strip().replace("-", "_")
    match = _PATH.fullmatch(name)
    if match:
        table, key = match["table"], match["key"]
        if match["n"] is not None:
            if child is not None and int(match["n"]) != child:
                raise InvalidEvent(f"{field} and {said(f'--child {child}', f'child={child}')} "
                                   "name different children; give one of them")
            child = int(match["n"])
    else:
        table, key = "", name
    found = [d for d in DETAILS if d.key == key and (not table or d.table == table)]
    if len(found) != 1:
        raise InvalidEvent(_not_settable(name if match else key, case_id, table))
    detail = found[0]
    if not detail.per_child:
        if child is not None:
            raise InvalidEvent(f"{detail.path()} is the case's, not a child's: leave out "
                               + said("--child", "child"))
        return Target(detail)
    return Target(detail, _child_number(child, data, detail))


def _not_settable(full: str, case_id: str, table: str) -> str:
    places = [full] if table else [full, *(f"{t}.{full}" for t in (
        "incident", "notification", "rapid_review", "cspr"))]
    step = next((s for s in map(_step_of, places) if s), None)
    if step is not None:
        return (f"{full} is recorded with a step: `lscp record {case_id} {step} ...` "
                f"({said('`lscp record --help` lists its options', 'lscp_cli.Event lists them')}"
                "); `lscp set` changes the case's "
                "details only")
    if full in FOUNDATIONS or (not table and f"incident.{full}" in FOUNDATIONS):
        return (f"{full} is a fact every duty and deadline hangs on: change it with "
                f"`lscp edit {case_id}`, which checks the whole case before saving")
    return f"lscp set does not know the field {full!r}; it sets these:\n{settable_list()}"


def _child_number(child: int | None, data: Mapping[str, Any], detail: Detail) -> int:
    children = data.get("children")
    count = len(children) if isinstance(children, list) else 0
    if child is None:
        if count == 1:
            return 1
        raise InvalidEvent(f"the case has {count} children: say which with "
                           f"{said('--child N', 'child=N')} (or name the field {detail.path()})")
    adding = detail.key == "initials" and child == count + 1 and count < MAX_CHILDREN
    if not 1 <= child <= count and not adding:
        more = ("; add a child with " + said(f"`initials --child {count + 1}`",
                                             f"initials with child={count + 1}")
                if count < MAX_CHILDREN else "")
        raise InvalidEvent(f"the case has {count} {'child' if count == 1 else 'children'}, "
                           f"numbered 1 to {count}: there is no child {child}{more}")
    return child


def parse_value(target: Target, values: Sequence[str]) -> Any:
    """VALUE as the case file holds it, or `InvalidEvent` saying what the field takes (a
    text value is never repeated)."""
    detail = target.detail
    if detail.kind == "texts":
        items = [v.strip() for v in values if v.strip()]
        return [] if [i.lower() for i in items] == [NO_DOCUMENTS] else items
    text = " ".join(values).strip()
    takes = f"{target.path} takes {detail.takes}"
    if not text:
        raise InvalidEvent(f"give a value: {takes}")
    word = text.lower()
    if detail.kind == "status" and word in STATUS_VALUES:
        return STATUS_VALUES[word]
    if detail.kind == "sex" and word in SEXES:
        return word
    if detail.kind == "area" and word in AREAS:
        return AREAS[word]
    if detail.kind in ("status", "sex", "area"):
        raise InvalidEvent(takes if len(text) > 20 else f"{takes} (got {text!r})")
    if detail.kind == "date":
        day = parse_date(text)
        # Both are facts that happened (the incident, a birth): a date ahead is a typo
        # (process/pastdates.py, which `lscp check` and `lscp edit` apply).
        if day > today():
            raise InvalidEvent(f"{target.path} {day.isoformat()} is in the future: only a date "
                               "that has passed makes sense here; check the date (day first: "
                               "06/01/2025)")
        return day
    if detail.kind == "initials":
        from lscp_cli.model.intake import initials_typed_ok, normalise_initials

        if not initials_typed_ok(text):
            raise InvalidEvent(f"{takes} (the value given is not repeated: it may be a name)")
        return normalise_initials(text)
    if detail.kind == "time" and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", text):
        raise InvalidEvent(takes)
    return text


def apply_detail(document: Any, target: Target, value: Any) -> list[Change]:
    """Set the detail in a tomlkit case document (keeping its comments); what changed."""
    detail = target.detail
    if detail.per_child:
        import tomlkit

        children = tomledit.aot(document, "children")
        assert target.child is not None  # noqa: S101 (find_target numbers a child's field)
        if target.child > len(children):  # a child added by initials
            entry = tomlkit.table()
            entry.add(detail.key, value)
            entry.add(tomlkit.nl())  # a blank line before whatever section follows
            children.append(entry)
            return [Change(target.path, None, value)]
        place = children[target.child - 1]
    else:
        place = tomledit.table(document, detail.table)
    return tomledit.set_value(place, detail.key, value, target.path)


def change_detail(field: str, values: Sequence[str], child: int | None, case_id: str,
                  reason: str | None) -> Callable[[Any], list[Change]]:
    """What `Casebook.set_detail` applies to the case document under its lock: the detail
    `field` names set to `values`, each change carrying `reason` to the audit log."""
    def mutate(document: Any) -> list[Change]:
        target = find_target(field, child, document.unwrap(), case_id)
        changes = apply_detail(document, target, parse_value(target, values))
        return [Change(c.field, c.old, c.new, reason) for c in changes]

    return mutate


def shown(target: Target, value: Any) -> str:
    """A value as `lscp set` confirms it: yes/no for a status; a date as ISO."""
    if isinstance(value, bool):
        if target.detail.kind == "area":
            return "in-area" if value else "outside-england"
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) or NO_DOCUMENTS
    return str(value)
