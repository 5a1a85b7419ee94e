"""The case model: the fields of a case file (schema 1) and their validation.

Read with tomllib (fast: every report reads every case) into a plain dict; written with tomlkit
elsewhere so an officer's comments survive. Validation returns every problem at once, each naming
file, line and field and how to fix it. Messages quote no free text or initials: they get logged.
The process's checks of a sound case (order, duties, undated actions) come in as `checks`
(process/casecheck.py): the model never imports the process.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from lscp_cli.base import tomlread
from lscp_cli.base.hostile import TOO_DEEP, control_fields, may_hold_control, too_deep
from lscp_cli.base.records import dataclass, field
from lscp_cli.base.tomllines import Key, line_of
from lscp_cli.base.tomllines import dotted as _dotted
from lscp_cli.errors import InvalidCaseFile, Problem
from lscp_cli.model import ages
from lscp_cli.model.agencies import agency_key
from lscp_cli.model.event_options import OPTIONS
from lscp_cli.model.steps import OUTCOMES, STEPS, Step

if TYPE_CHECKING:
    from lscp_cli.model.schema import CaseData

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


def _date(value: Any) -> str | None:
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


def _int(value: Any) -> str | None:
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
    "occurred": _date,
    "time": _time,  # time of the incident, if known (the notification form asks for it)
    "aware": _date,
    "location": _text,
    "in_area": lambda value: _bool(value, IN_AREA_WORDS),
    "abuse_or_neglect": _choice(*ABUSE_OR_NEGLECT),
    "summary": _text,
}
CHILD_FIELDS: dict[str, Checker] = {
    "initials": _initials,
    "date_of_birth": _date,
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
    "panel": _date,
    "panel_reference": _text,
    "partners": _date,
    "late_reason": _text,  # why the Panel notification was after the rule's working days
    # The notification form asks for both: the documents uploaded with it ([] for none) and
    # the immediate safeguarding action taken for the child and other children.
    "documents": _text_list,
    "action_taken": _text,
}
AGENCY_FIELDS: dict[str, Checker] = {
    "name": _text,
    "requested": _date,
    "due": _date,
    "received": _date,
}
RAPID_REVIEW_FIELDS: dict[str, Checker] = {
    "meeting": _date,
    "recommendation": _choice(*OUTCOMES),
    "decision": _choice(*OUTCOMES),
    "decision_date": _date,
    "submitted": _date,
    "national_review": _bool,  # the partners think the case may need a national review
    "panel_response": _date,  # the Panel's answer to the Rapid Review
    "panel_response_note": _text,
    "learning": _text_list,
    "immediate_actions": _text_list,
}
CSPR_FIELDS: dict[str, Checker] = {
    "commissioned": _date,
    "author": _text,
    "family_informed": _date,
    "practitioner_events": _date_list,
    "draft_shared_with_family": _date,
    "publication_planned": _date,
    "sent_to_panel": _date,
    "published": _date,
    "published_url": _text,
    "nspcc_submitted": _date,
    "not_published_reason": _text,  # the partners' own note: never quoted in a letter
    # The reason in a sentence or two for the Panel and the Secretary of State (no names).
    "not_published_letter_reason": _text,
    "improvements_published": _date,  # a withheld report: the improvements information
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
    "added": _date,  # when the action was added to the plan (`record action-added`)
    "due": _date,
    "completed": _date,
    "progress": _progress,
}
LEARNING_FIELDS: dict[str, Checker] = {
    "channel": _text,
    "date": _date,
    "note": _text,
}
EVENT_NOTE_FIELDS: dict[str, Checker] = {  # `record ... --note` (eventnotes.py)
    "date": _date,
    "event": _text,
    "note": _text,
}
TOP_FIELDS: dict[str, Checker] = {
    "schema": _int,
    "id": _text,
    "opened": _date,
    "closed": _date,
    "withdrawn": _date,
    "withdrawn_reason": _text,
    "reopened": _date,  # a closed case reopened (`record reopened --reason`)
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
        return _date_list if step.repeats else _date
    spec = OPTIONS[option]
    if spec.choices:
        return _choice(*spec.choices)
    return {"date": _date, "flag": _bool, "number": _int}.get(spec.kind, _text)


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


@dataclass
class Case:
    """One incident, as read from its file."""

    path: Path
    data: dict[str, Any]
    warnings: list[Problem] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.data.get("id", self.path.stem))

    @property
    def typed(self) -> CaseData:
        """`data` as mypy knows its shape (`schema.CaseData`): field names are checked."""
        return cast("CaseData", self.data)

    @property
    def children_initials(self) -> list[str]:
        return [str(c.get("initials", "?")) for c in self.data.get("children", [])]

    @property
    def is_open(self) -> bool:
        return "closed" not in self.data


# The process's warnings of a sound case, (keys, message) each: process/casecheck.py.
CaseChecks = Callable[[Mapping[str, Any]], Iterable[tuple[Key, str]]]


def parse_case(text: str, path: Path, *, expected_id: str | None = None,
               checks: CaseChecks | None = None) -> Case:
    """Parse and validate case-file text; `InvalidCaseFile` lists every problem. The model's
    checks only, unless `checks` adds the process's (casecheck.py `parse_case` does)."""
    text = text.removeprefix("\ufeff")  # Notepad's byte-order mark is not a TOML error
    try:
        data = tomlread.loads(text)
    except tomlread.TOMLDecodeError as exc:
        raise InvalidCaseFile(path, [toml_problem(exc, path, text)]) from None
    except RecursionError:  # tomli recurses into nested arrays and inline tables
        raise InvalidCaseFile(path, [Problem(path, None, TOO_DEEP)]) from None
    problems, warnings = validate(data, text, path, expected_id=expected_id, checks=checks)
    if problems:
        raise InvalidCaseFile(path, problems)
    return Case(path=path, data=data, warnings=warnings)


def toml_problem(exc: tomlread.TOMLDecodeError, path: Path, text: str = "") -> Problem:
    line, message = tomlread.error_position(exc)
    hint = tomlread.day_first_hint(text, line)
    if hint:
        return Problem(path, line, f"not valid TOML: {message}: {hint}; `lscp edit` shows the file")
    return Problem(
        path,
        line,
        f"not valid TOML: {message}. Check quotes around text, dates written as 2025-01-06, "
        "and [section] headers; `lscp edit` shows the file",
    )


@dataclass
class _Findings:
    """The problems (blocking) and warnings of one case file, each with its line."""

    text: str
    path: Path
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def bad(self, keys: Key, message: str) -> None:
        self.problems.append(Problem(self.path, line_of(self.text, keys), message, _dotted(keys)))

    def warn(self, keys: Key, message: str) -> None:
        self.warnings.append(Problem(self.path, line_of(self.text, keys), message, _dotted(keys)))


def validate(
    data: Mapping[str, Any], text: str, path: Path, *, expected_id: str | None = None,
    checks: CaseChecks | None = None,
) -> tuple[list[Problem], list[Problem]]:
    """Every problem (blocking) and warning (unknown fields, odd dates, `checks`') of a case."""
    found = _Findings(text, path)
    _check_fields(found, data)
    _check_required(found, data, expected_id)
    _check_lists(found, data)
    if not found.problems:
        _check_ages(found, data)
    if not found.problems:
        _warn_about_a_sound_case(found, data, checks)
    return found.problems, found.warnings


def _check_ages(found: _Findings, data: Mapping[str, Any]) -> None:
    """An age on the incident date that the incident's type rules out is a problem; an age
    that could not be checked, and facts that meet no notification criteria, warnings."""
    for index, message in ages.age_problems(data):
        found.bad(("children", index, "date_of_birth"), message)
    for index, message in ages.age_warnings(data):
        found.warn(("children", index), message)
    if not ages.duty_facts(data)["duty.notifiable"]:
        found.warn(("incident", "abuse_or_neglect"), str(ages.duty_summary(data)))


def _check_fields(found: _Findings, data: Mapping[str, Any]) -> None:
    """Each field's value, and fields lscp does not know (kept, with a warning)."""
    for key, value in data.items():
        if key in TOP_FIELDS:
            if (message := TOP_FIELDS[key](value)) is not None:
                found.bad((key,), f"'{key}' {message}")
        elif key in TABLES:
            _check_table(found, (key,), value, TABLES[key], key)
        elif key in ARRAYS:
            if not isinstance(value, list):
                found.bad((key,), f"'{key}' must be written as [[{key}]] sections")
                continue
            for index, item in enumerate(value):
                _check_table(found, (key, index), item, ARRAYS[key], key)
        elif too_deep(value):
            found.bad((key,), f"'{key}' {TOO_DEEP}")
        else:
            found.warn((key,), f"unknown field '{key}' is kept but not used by lscp; check the "
                       "spelling")


def _check_table(found: _Findings, prefix: Key, table: Any, fields: Mapping[str, Checker],
                 name: str) -> None:
    if not isinstance(table, dict):
        found.bad(prefix, f"'{name}' must be a table ([{name}] or [[{name}]])")
        return
    for key, value in table.items():
        checker = fields.get(key)
        if checker is _date and type(value) is date and FIRST_DATE <= value <= LAST_DATE:
            continue  # most fields are dates: the common case, without a call
        where = (*prefix, key)
        if checker is None:
            if too_deep(value):
                found.bad(where, f"'{_dotted(where)}' {TOO_DEEP}")
                continue
            found.warn(
                where,
                f"unknown field '{_dotted(where)}' is kept but not used by lscp; "
                f"check the spelling (known in [{name}]: {', '.join(fields)})",
            )
            continue
        if (message := checker(value)) is not None:
            found.bad(where, f"'{_dotted(where)}' {message}")


def _check_required(found: _Findings, data: Mapping[str, Any], expected_id: str | None) -> None:
    """What every case has: a schema this lscp reads, its id, the incident, a child."""
    path, bad = found.path, found.bad
    schema = data.get("schema", SCHEMA_VERSION)
    if schema != SCHEMA_VERSION and _int(schema) is None:
        bad(("schema",), f"schema {schema} is not supported by this lscp (it reads schema "
            f"{SCHEMA_VERSION}); upgrade lscp")

    case_id = data.get("id")
    if case_id is None:
        bad(("id",), f'\'id\' is missing; add id = "{path.stem}" at the top')
    elif isinstance(case_id, str) and expected_id and case_id != expected_id:
        bad(("id",), f"'id' is {case_id!r} but the file is named {path.name}; they must match")

    incident = data.get("incident")
    if incident is None:
        bad((), "the [incident] section is missing; add [incident] with type and aware")
    elif isinstance(incident, dict):
        if "type" not in incident:
            bad(("incident",), "'incident.type' is missing; add type = \"death\" or "
                "type = \"serious-harm\" under [incident]")
        if "aware" not in incident:
            bad(("incident",), "'incident.aware' is missing: the date the local authority "
                "became aware, which every deadline counts from; add aware = 2025-01-06")

    children = data.get("children")
    if not children:
        bad((), "no child recorded; add a [[children]] section with initials = \"A.B.\"")
    elif isinstance(children, list) and len(children) > MAX_CHILDREN:
        bad(("children", MAX_CHILDREN), f"{len(children)} children recorded; one notification "
            f"covers at most {MAX_CHILDREN}: open a separate case for the others")


def _check_lists(found: _Findings, data: Mapping[str, Any]) -> None:
    """Each [[list]] entry has its required field; no agency is listed twice."""
    for array, required in REQUIRED_IN_ARRAY.items():
        items = data.get(array)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if isinstance(item, dict) and required not in item:
                found.bad((array, index),
                          f"'{array}' entry {index + 1} has no '{required}'; add one")

    agencies = data.get("agencies")
    if isinstance(agencies, list):
        seen: dict[str, int] = {}
        for index, agency in enumerate(agencies):
            if not isinstance(agency, dict) or not isinstance(agency.get("name"), str):
                continue
            folded = agency_key(agency["name"])
            if folded in seen:
                found.bad(("agencies", index, "name"), f"agency entry {index + 1} has the same "
                          f"name as entry {seen[folded] + 1}; merge them into one [[agencies]] "
                          "section")
            seen[folded] = index


def _warn_about_a_sound_case(found: _Findings, data: Mapping[str, Any],
                             checks: CaseChecks | None) -> None:
    """Warnings of a case without problems: `checks`' (the process's), control characters."""
    for keys, message in checks(data) if checks is not None else ():
        found.warn(keys, message)
    if may_hold_control(found.text):
        for keys in control_fields(data):
            found.warn(keys, f"'{_dotted(keys)}' holds control characters (such as ESC) that "
                       "can change what a terminal shows; lscp shows them as symbols: remove "
                       "them with `lscp edit`")
