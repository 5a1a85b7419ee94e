"""The fields a case file may hold (schema 1), and what each value may be.

Each table of a case file is a dict of field name -> checker (`None` when the value is fine,
else what is wrong, in words that quote no free text or initials: they get logged). The fields
a step writes come from its declaration in steps.py (`_add_step_fields`), so adding a step
needs no change here. model/case.py reads a file and checks it against these tables;
model/schema.py is the same fields' shape for mypy (tests/test_schema.py keeps them equal).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from lscp_cli.model.event_options import OPTIONS
from lscp_cli.model.steps import OUTCOMES, STEPS, Step

SCHEMA_VERSION = 1
MAX_CHILDREN = 4

INCIDENT_TYPES = ("death", "serious-harm", "care-leaver-death")
ABUSE_OR_NEGLECT = ("known", "suspected", "not-suspected")
# Besides true and false, a yes/no field may say "unknown": asked, not known yet (details.py).
STATUS_WORDS = ("unknown",)
IN_AREA_WORDS = ("unknown", "elsewhere-in-england")

# Initials only: a case file must not hold a child's name. Letters with dots ("A.B.",
# "A.B.C.D."), or 1 to 3 capitals ("AB", "A B"); "LILY", "Lily", "Jo" are names.
INITIALS = re.compile(r"^[A-Z]\.(?:[ -]?[A-Z]\.?){0,3}$|^[A-Z](?:[ -]?[A-Z]){0,2}$")
INITIALS_RULE = ("initials only, never a name: L.W. (letters with dots, or 1 to 3 capital "
                 "letters)")

# The dates a case file may hold: a child's birth a century back, a plan two centuries on. Working
# days are counted beyond both (workdays.CALENDAR_FIRST/LAST): no deadline falls outside them.
FIRST_DATE = date(1900, 1, 1)
LAST_DATE = date(2199, 12, 31)
_RANGE_HINT = f"dates must be from {FIRST_DATE} to {LAST_DATE}; check the year"


def _is_date(value: Any) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def _out_of_range(value: date) -> str | None:
    if FIRST_DATE <= value <= LAST_DATE:
        return None
    return f"{value.isoformat()} is outside the dates lscp works with: {_RANGE_HINT}"


# Field kinds. Each checker returns None when the value is fine, or what is wrong.
Checker = Callable[[Any], str | None]


def check_date(value: Any) -> str | None:
    if type(value) is date:  # what tomllib gives: checked first, as every case has many
        return None if FIRST_DATE <= value <= LAST_DATE else _out_of_range(value)
    if _is_date(value):
        return _out_of_range(value)
    if isinstance(value, datetime):
        return "must be a date without a time; write it as 2025-01-06"
    if isinstance(value, str):
        shown = repr(value) if len(value) <= 20 else "text"
        return f"is not a date (got {shown} in quotes); write it as 2025-01-06 without quotes"
    return f"is not a date (got {type(value).__name__}); write it as 2025-01-06"


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be text in quotes"


def _bool(value: Any, words: tuple[str, ...] = ()) -> str | None:
    if isinstance(value, bool) or (isinstance(value, str) and value in words):
        return None
    return "must be true or false (no quotes)" + "".join(f' or "{w}"' for w in words)


def check_int(value: Any) -> str | None:
    return None if isinstance(value, int) and not isinstance(value, bool) else "must be a number"


def _time(value: Any) -> str | None:
    if isinstance(value, str) and re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value.strip()):
        return None
    return 'must be a time of day in quotes, 24-hour clock, e.g. "14:30"'


def _choice(*choices: str) -> Checker:
    def check(value: Any) -> str | None:
        if isinstance(value, str) and value in choices:
            return None
        shown = f"{value!r}" if isinstance(value, str) and len(value) <= 30 else "another value"
        return f"must be one of {', '.join(repr(c) for c in choices)} (got {shown})"

    return check


def _text_list(value: Any) -> str | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return None
    return 'must be a list of text, e.g. ["first", "second"]'


def _date_list(value: Any) -> str | None:
    if isinstance(value, list) and all(_is_date(v) for v in value):
        for item in value:
            if (message := _out_of_range(item)) is not None:
                return f"holds {message}"
        return None
    return "must be a list of dates without quotes, e.g. [2025-04-03, 2025-05-01]"


def _initials(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be text in quotes, e.g. \"A.B.\""
    if INITIALS.match(value.strip()):
        return None
    return f"must be the child's {INITIALS_RULE}; never store a name in a case file"


INCIDENT_FIELDS: dict[str, Checker] = {
    "type": _choice(*INCIDENT_TYPES),
    "occurred": check_date,
    "time": _time,  # time of the incident, if known (the notification form asks for it)
    "aware": check_date,
    "location": _text,
    "in_area": lambda value: _bool(value, IN_AREA_WORDS),
    "abuse_or_neglect": _choice(*ABUSE_OR_NEGLECT),
    "summary": _text,
}
CHILD_FIELDS: dict[str, Checker] = {
    "initials": _initials,
    "date_of_birth": check_date,
    "sex": _text,
    "ethnicity": _text,
    "disability": lambda value: _bool(value, STATUS_WORDS),
    "looked_after": lambda value: _bool(value, STATUS_WORDS),
    "child_protection_plan": lambda value: _bool(value, STATUS_WORDS),
    "child_in_need_plan": lambda value: _bool(value, STATUS_WORDS),
    "known_to": _text_list,
    "lives_in": _text,  # where the child lives or is placed (the notification form asks)
}
NOTIFICATION_FIELDS: dict[str, Checker] = {
    "panel": check_date,
    "panel_reference": _text,
    "partners": check_date,
    "late_reason": _text,  # why the Panel notification was after the rule's working days
    # The notification form asks for both: the documents uploaded with it ([] for none) and
    # the immediate safeguarding action taken for the child and other children.
    "documents": _text_list,
    "action_taken": _text,
}
AGENCY_FIELDS: dict[str, Checker] = {
    "name": _text,
    "requested": check_date,
    "due": check_date,
    "received": check_date,
}
RAPID_REVIEW_FIELDS: dict[str, Checker] = {
    "meeting": check_date,
    "recommendation": _choice(*OUTCOMES),
    "decision": _choice(*OUTCOMES),
    "decision_date": check_date,
    "submitted": check_date,
    "national_review": _bool,  # the partners think the case may need a national review
    "panel_response": check_date,  # the Panel's answer to the Rapid Review
    "panel_response_note": _text,
    "learning": _text_list,
    "immediate_actions": _text_list,
}
CSPR_FIELDS: dict[str, Checker] = {
    "commissioned": check_date,
    "author": _text,
    "family_informed": check_date,
    "practitioner_events": _date_list,
    "draft_shared_with_family": check_date,
    "publication_planned": check_date,
    "sent_to_panel": check_date,
    "published": check_date,
    "published_url": _text,
    "nspcc_submitted": check_date,
    "not_published_reason": _text,  # the partners' own note: never quoted in a letter
    # The reason in a sentence or two for the Panel and the Secretary of State (no names).
    "not_published_letter_reason": _text,
    "improvements_published": check_date,  # a withheld report: the improvements information
    "improvements_url": _text,
}
def _progress(value: Any) -> str | None:
    if isinstance(value, list) and all(
        isinstance(item, dict) and _is_date(item.get("date")) and isinstance(item.get("note"), str)
        and set(item) <= {"date", "note"}
        for item in value
    ):
        return None
    return 'must be a list of notes, e.g. [{ date = 2025-09-01, note = "dates set" }]'


ACTION_FIELDS: dict[str, Checker] = {
    "text": _text,
    "owner": _text,
    "added": check_date,  # when the action was added to the plan (`record action-added`)
    "due": check_date,
    "completed": check_date,
    "progress": _progress,
}
LEARNING_FIELDS: dict[str, Checker] = {
    "channel": _text,
    "date": check_date,
    "note": _text,
}
EVENT_NOTE_FIELDS: dict[str, Checker] = {  # `record ... --note` (eventnotes.py)
    "date": check_date,
    "event": _text,
    "note": _text,
}
TOP_FIELDS: dict[str, Checker] = {
    "schema": check_int,
    "id": _text,
    "opened": check_date,
    "closed": check_date,
    "withdrawn": check_date,
    "withdrawn_reason": _text,
    "reopened": check_date,  # a closed case reopened (`record reopened --reason`)
    "reopened_reason": _text,
    "notes": _text,
}
TABLES: dict[str, dict[str, Checker]] = {
    "incident": INCIDENT_FIELDS,
    "notification": NOTIFICATION_FIELDS,
    "rapid_review": RAPID_REVIEW_FIELDS,
    "cspr": CSPR_FIELDS,
}
ARRAYS: dict[str, dict[str, Checker]] = {
    "children": CHILD_FIELDS,
    "agencies": AGENCY_FIELDS,
    "actions": ACTION_FIELDS,
    "learning": LEARNING_FIELDS,
    "event_notes": EVENT_NOTE_FIELDS,
}


def _step_field(step: Step, option: str | None) -> Checker:
    """How to check a field a step writes: its date, or what its option gives."""
    if option is None:
        return _date_list if step.repeats else check_date
    spec = OPTIONS[option]
    if spec.choices:
        return _choice(*spec.choices)
    return {"date": check_date, "flag": _bool, "number": check_int}.get(spec.kind, _text)


def _add_step_fields() -> None:
    """The fields of a step the tables above do not name (a step added to steps.py): known
    to the schema from its declaration, so adding a step needs no change here."""
    for step in STEPS:
        written = [(None, step.date), *step.sets, *((None, f) for f in step.with_date)]
        for option, path in written:
            if path is None:
                continue
            place, _, key = path.rpartition(".")
            fields = (ARRAYS.setdefault(place.removesuffix("[]"), {}) if "[]" in place
                      else TABLES.setdefault(place, {}) if place else TOP_FIELDS)
            if key not in fields:
                fields[key] = (_text if path in step.with_date
                               else _step_field(step, option))


_add_step_fields()
REQUIRED_IN_ARRAY = {"children": "initials", "agencies": "name", "actions": "text"}
