"""A child's age on the incident date, and the duties a case's recorded facts give it.

Ages are worked out on the incident date (`incident.occurred`, else the date the local
authority became aware) from each child's date of birth. A child is under 18; the care
leaver duty (Working Together 2023) covers ages up to and including 24, and a care leaver is
16 or over. A care leaver under 18 is a child: with abuse or neglect known or suspected, the
death is also a serious child safeguarding incident under the Children Act 2004 s16C(1)
(Panel notification, Rapid Review), besides the care leaver's death notification.

`duty_facts` gives the rules (`rules.toml` conditions on "duty.*") what the facts say:
- `duty.s16c`: a serious child safeguarding incident: a child's death or serious harm with
  abuse or neglect known or suspected (not yet recorded counts as suspected, so that nothing
  due is hidden while the facts are gathered); a care leaver's death only when every child's
  age is known to be under 18 and abuse or neglect is known or suspected;
- `duty.looked_after_death`: the death of a looked-after child (`looked_after = true`, as
  `new-incident --looked-after` records it), notified whether or not abuse or neglect is
  suspected;
- `duty.notifiable`: any of those, or a care leaver's death. A case that is none of them
  (serious harm with abuse or neglect not suspected; the death of a child not looked after,
  not suspected) does not meet the notification criteria on its recorded facts.
Messages name children by number, never by initials.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from lscp_cli.model.dates import today

ADULT = 18  # a child is under 18
CARE_LEAVER_FROM = 16
CARE_LEAVER_TO = 24  # up to and including
SUSPECTED = ("known", "suspected")


def _date(value: Any) -> date | None:
    if type(value) is date:  # what tomllib gives: checked first (every read of every case)
        return value
    return value if isinstance(value, date) and not isinstance(value, datetime) else None


def _table(value: Any) -> Mapping[str, Any]:
    """`value` if a table (tomllib's dicts checked first: the ABC check is slower), else {}."""
    return value if type(value) is dict or isinstance(value, Mapping) else {}


def age_on(born: date, day: date) -> int:
    """Whole years from `born` to `day` (negative if `day` is before the birth)."""
    years = day.year - born.year
    return years - 1 if (day.month, day.day) < (born.month, born.day) else years


def incident_day(data: Mapping[str, Any]) -> tuple[date | None, str]:
    """The date ages are counted on, and how to name it."""
    incident = _table(data.get("incident"))
    occurred = _date(incident.get("occurred"))
    if occurred is not None:
        return occurred, "the incident date"
    aware = _date(incident.get("aware"))
    return aware, "the date the local authority became aware (no incident date is recorded)"


def _children(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    children = data.get("children")
    return ([c for c in children if type(c) is dict or isinstance(c, Mapping)]
            if isinstance(children, list) else [])


def ages(data: Mapping[str, Any]) -> list[int | None]:
    """Each child's age on the incident date (None: no date of birth, or no date to count to)."""
    return _ages(data, incident_day(data)[0])


def _ages(data: Mapping[str, Any], day: date | None) -> list[int | None]:
    found: list[int | None] = []
    for child in _children(data):
        born = _date(child.get("date_of_birth"))
        found.append(age_on(born, day) if born is not None and day is not None else None)
    return found


def _type(data: Mapping[str, Any]) -> Any:
    return _table(data.get("incident")).get("type")


def age_problems(data: Mapping[str, Any]) -> list[tuple[int, str]]:
    """Impossible combinations of age and incident type: (child index, the reason). None on
    a day still to come: that date is the mistake (`lscp check` names it: pastdates.py), and
    an age counted to it would send the officer to the date of birth instead."""
    kind = _type(data)
    day, named = incident_day(data)
    problems: list[tuple[int, str]] = []
    for index, age in enumerate(_ages(data, day)):
        if age is None or age < 0 or day is None:
            continue
        said = f"child {index + 1} was {age} on {named} ({day.isoformat()})"
        if kind in ("death", "serious-harm") and age >= ADULT:
            problems.append((index, f"{said}: a serious child safeguarding incident is about a "
                             f"child, under {ADULT}, and a care leaver's death has the type "
                             "'care-leaver-death'; check the date of birth and the type"))
        elif kind == "care-leaver-death" and age > CARE_LEAVER_TO:
            problems.append((index, f"{said}: the care leaver duty covers ages up to and "
                             f"including {CARE_LEAVER_TO}; check the date of birth"))
        elif kind == "care-leaver-death" and age < CARE_LEAVER_FROM:
            problems.append((index, f"{said}: a care leaver is {CARE_LEAVER_FROM} or over (a "
                             "looked-after child's death has the type 'death' and "
                             "looked_after = true); check the date of birth and the type"))
    if problems and day is not None and day > today():  # asked only then: every read runs this
        return []
    return problems


def age_warnings(data: Mapping[str, Any]) -> list[tuple[int, str]]:
    """What could not be checked: (child index, why)."""
    day, named = incident_day(data)
    warnings: list[tuple[int, str]] = []
    for index, child in enumerate(_children(data)):
        born = _date(child.get("date_of_birth"))
        if born is None:
            warnings.append((index, f"child {index + 1} has no date of birth, so the age check "
                             f"(a child is under {ADULT}; a care leaver {CARE_LEAVER_FROM} to "
                             f"{CARE_LEAVER_TO}) could not be made: add date_of_birth"))
        elif day is not None and born > day:
            warnings.append((index, f"child {index + 1}'s date of birth is after {named}: "
                             "check both dates"))
    return warnings


def duty_facts(data: Mapping[str, Any]) -> dict[str, bool]:
    """What the recorded facts say about the duties (see the module's docstring)."""
    incident = _table(data.get("incident"))
    kind = incident.get("type")
    abuse = incident.get("abuse_or_neglect")
    if kind == "care-leaver-death":
        known = ages(data)
        child = bool(known) and all(age is not None and age < ADULT for age in known)
        s16c = child and abuse in SUSPECTED
    else:
        s16c = abuse != "not-suspected"
    looked_after_death = kind == "death" and any(
        child.get("looked_after") is True for child in _children(data))
    return {
        "duty.s16c": s16c,
        "duty.looked_after_death": looked_after_death,
        "duty.notifiable": s16c or looked_after_death or kind == "care-leaver-death",
    }


def duty_summary(data: Mapping[str, Any]) -> str | None:
    """The case's duties in words, where they are not the usual s16C(1) ones: for `show`
    and `check`. None for a plain serious child safeguarding incident."""
    facts = duty_facts(data)
    kind = _type(data)
    if not facts["duty.notifiable"]:
        what = ("serious harm" if kind == "serious-harm"
                else "the death of a child not looked after")
        return (f"the recorded facts do not meet the notification criteria ({what}, abuse or "
                "neglect not known or suspected): no notification to the Panel, report to "
                "the partners or Rapid Review is due")
    incident = data.get("incident")
    if isinstance(incident, Mapping) and incident.get("in_area") == "elsewhere-in-england":
        notification = data.get("notification")
        recorded = isinstance(notification, Mapping) and notification.get(
            "other_authority_notified") is not None
        return ("the incident happened in another local authority's area in England: that "
                "authority notifies the Panel (Children Act 2004 s16C(1)), not this one; "
                + ("its notification is recorded" if recorded else
                   "record its notification, with the authority and its reference: `lscp "
                   f"record {data.get('id') or 'ID'} other-authority-notified DATE`"))
    if kind == "care-leaver-death" and facts["duty.s16c"]:
        return ("a care leaver under 18 is a child: with abuse or neglect known or suspected "
                "the death is a serious child safeguarding incident (Children Act 2004 "
                "s16C(1): Panel notification, report to the partners, Rapid Review) as well "
                "as a care leaver's death notification")
    return None
