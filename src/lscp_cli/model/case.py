"""The case model: a case file read and validated against its fields (casefields.py).

Read with tomllib (fast: every report reads every case) into a plain dict; written with tomlkit
elsewhere so an officer's comments survive. Validation returns every problem at once, each naming
file, line and field and how to fix it. Messages quote no free text or initials: they get logged.
The process's checks of a sound case (order, duties, undated actions) come in as `checks`
(process/casecheck.py): the model never imports the process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
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
from lscp_cli.model.casefields import (
    ARRAYS,
    FIRST_DATE,
    LAST_DATE,
    MAX_CHILDREN,
    REQUIRED_IN_ARRAY,
    SCHEMA_VERSION,
    TABLES,
    TOP_FIELDS,
    Checker,
    check_date,
    check_int,
)

if TYPE_CHECKING:
    from lscp_cli.model.schema import CaseData


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
        if checker is check_date and type(value) is date and FIRST_DATE <= value <= LAST_DATE:
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
    if schema != SCHEMA_VERSION and check_int(schema) is None:
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
