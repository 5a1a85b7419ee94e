"""A new incident: the facts known at intake, turned into a commented case file."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from lscp_cli.base.records import dataclass, field
from lscp_cli.model.casefields import ABUSE_OR_NEGLECT, SCHEMA_VERSION

HEADER = """\
# lscp case file (schema 1). OFFICIAL-SENSITIVE: personal data about a child.
# Store initials, never names. Dates are written 2025-01-06, without quotes.
# Comments (lines starting with #) are kept when lscp updates this file.
# After editing by hand, run `lscp check`.
"""


@dataclass
class NewChild:
    """One child's details at intake; a status is True, False, "unknown" or None (not asked)."""

    initials: str
    date_of_birth: date | None = None
    looked_after: bool | str | None = None
    sex: str | None = None
    ethnicity: str | None = None
    child_protection_plan: bool | str | None = None
    child_in_need_plan: bool | str | None = None
    lives_in: str | None = None


# The child's details the form asks for, in the order a case file lists them (after initials
# and date of birth).
CHILD_DETAILS = ("sex", "ethnicity", "looked_after", "child_protection_plan",
                 "child_in_need_plan", "lives_in")


@dataclass
class NewIncident:
    type: str
    aware: date
    occurred: date | None = None
    location: str | None = None
    in_area: bool | str | None = None  # or "unknown" (details.AREAS)
    abuse_or_neglect: str | None = None
    summary: str | None = None
    children: list[NewChild] = field(default_factory=list)
    documents: list[str] | None = None  # to upload with the notification; [] for none
    action_taken: str | None = None  # immediate safeguarding action, as the form asks

    @property
    def warnings(self) -> list[str]:
        """What an officer should check before relying on the new case."""
        fitting = abuse_or_neglect_choices(self.type, self.children)
        if self.abuse_or_neglect is not None and self.abuse_or_neglect not in fitting:
            return ["the recorded facts do not meet the notification criteria: a child's death "
                    "or serious harm is notified where abuse or neglect is known or suspected "
                    "('not-suspected' fits a looked-after child's death or a care leaver's); "
                    "the case is opened as recorded, with nothing due"]
        return []


def abuse_or_neglect_choices(incident_type: str, children: Iterable[NewChild]) -> tuple[str, ...]:
    """The `abuse_or_neglect` values that fit: 'not-suspected' only for a looked-after death
    or a care leaver's death (notified whether or not abuse or neglect is suspected)."""
    looked_after_death = incident_type == "death" and any(c.looked_after is True for c in children)
    notified_anyway = looked_after_death or incident_type == "care-leaver-death"
    return tuple(v for v in ABUSE_OR_NEGLECT if v != "not-suspected" or notified_anyway)


# What an officer may type as initials: letters each with a dot ("a.b.", "L.W."), or 1 to 3
# capitals ("LW"); a word in small letters ("jo", "lily"), with a capital ("Lily", "Jo") or of
# more letters ("LILY") is a name, never stored.
# The last dot may be left off ("A.B").
TYPED_INITIALS = re.compile(r"(?:[A-Za-z]\.[ -]?){0,3}[A-Za-z]\.|(?:[A-Za-z]\.[ -]?){1,3}[A-Za-z]"
                            r"|[A-Z](?:[ -]?[A-Z]){0,2}")


def initials_typed_ok(text: str) -> bool:
    """Whether `text` is initials as typed (see TYPED_INITIALS), not a name."""
    return TYPED_INITIALS.fullmatch(text.strip()) is not None


def normalise_initials(text: str) -> str:
    """`ab` → `A.B.`; `A.B.` stays. Only letters are kept, each followed by a dot."""
    letters = [c for c in text.upper() if c.isalpha()]
    return "".join(f"{c}." for c in letters) if letters else text.strip()


def case_text(case_id: str, incident: NewIncident, opened: date) -> str:
    # tomlkit costs ~15 ms to import; every command imports this module, one in ten needs it.
    import tomlkit

    document = tomlkit.document()
    for line in HEADER.splitlines():
        document.add(tomlkit.comment(line.removeprefix("# ")))
    document.add(tomlkit.nl())
    document["schema"] = SCHEMA_VERSION
    document["id"] = case_id
    document["opened"] = opened

    table = tomlkit.table()
    table["type"] = incident.type
    if incident.occurred:
        table["occurred"] = incident.occurred
    table["aware"] = incident.aware
    table["aware"].comment("the date the local authority became aware: deadlines count from here")
    if incident.location:
        table["location"] = incident.location
    if incident.in_area is not None:
        table["in_area"] = incident.in_area
    if incident.abuse_or_neglect:
        table["abuse_or_neglect"] = incident.abuse_or_neglect
    if incident.summary:
        table["summary"] = tomlkit.string(incident.summary, multiline="\n" in incident.summary)
    document["incident"] = table

    children = tomlkit.aot()
    for child in incident.children:
        entry: dict[str, Any] = {"initials": child.initials}
        if child.date_of_birth:
            entry["date_of_birth"] = child.date_of_birth
        for key in CHILD_DETAILS:
            if (value := getattr(child, key)) not in (None, ""):
                entry[key] = value
        item = tomlkit.table()
        item.update(entry)
        children.append(item)
    document["children"] = children
    notification = {key: value for key, value in (("documents", incident.documents),
                                                  ("action_taken", incident.action_taken))
                    if value is not None}
    if notification:
        table = tomlkit.table()
        table.update(notification)
        document["notification"] = table
    return tomlkit.dumps(document)


DUPLICATE_AWARE_DAYS = 30


def _letters(initials: Any) -> str:
    return "".join(c for c in str(initials or "").upper() if c.isalpha())


def duplicate_reason(incident: NewIncident, case: Mapping[str, Any]) -> str | None:
    """Why an existing case (parsed data) may be the same incident, or None.

    A child with the same initials and date of birth, or the same initials and awareness
    within `DUPLICATE_AWARE_DAYS` days. The reason names no initials (it may be logged).
    """
    children = case.get("children")
    if not isinstance(children, list):
        return None
    theirs = [c for c in children if isinstance(c, dict) and _letters(c.get("initials"))]
    facts = case.get("incident")
    aware = facts.get("aware") if isinstance(facts, dict) else None
    if not isinstance(aware, date):
        aware = None
    close = aware is not None and abs((aware - incident.aware).days) <= DUPLICATE_AWARE_DAYS
    for child in incident.children:
        for other in theirs:
            if _letters(child.initials) != _letters(other.get("initials")):
                continue
            if child.date_of_birth is not None and other.get("date_of_birth") == (
                    child.date_of_birth):
                return "same child initials and date of birth"
            if close and aware is not None:
                return (f"same child initials, aware {aware.isoformat()}, within "
                        f"{DUPLICATE_AWARE_DAYS} days")
    return None
