"""Deadline rules as data (`rules.toml`) and what they say about a case on a given date.

The rules are read from `rules.toml` shipped beside this module; a partnership changes their
numbers in `lscp.toml` `[rules]` (e.g. `agency_return_days = 10`), never their logic here.
`case_deadlines` takes a case file as tomllib parsed it: tables and keys missing is normal,
because a case fills in over time. A rule whose base date is not recorded yet gives no
deadline, except a rule with a `provisional_base` (the Rapid Review before the Panel has been
notified), which counts from that instead and is marked provisional.

Statuses as of a date D are the `Status` enum (DESIGN.md section 5). `working_days_left` is
`WorkCalendar.between(D, due)`.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from lscp_cli.errors import InvalidFile, Problem, SettingsError
from lscp_cli.settings import Settings
from lscp_cli.workdays import WorkCalendar, months_after

RULES_FILE = Path(__file__).parent / "rules.toml"

DUE_SOON_DAYS = 3


class Status(StrEnum):
    """A deadline's status as of a date; the value is what reports, JSON and CSV show."""

    OVERDUE = "overdue"  # unmet, due before the date
    DUE_SOON = "due-soon"  # unmet, 0 to DUE_SOON_DAYS working days left
    PENDING = "pending"  # unmet, more working days left than that
    MET_LATE = "met-late"  # met after the due date
    MET = "met"  # met on or before the due date (or settled without a date)

    @property
    def is_met(self) -> bool:
        return self in (Status.MET, Status.MET_LATE)


UNITS = ("working-days", "months")
_LABEL_TEXT_MAX = 60


@dataclass(frozen=True)
class Deadline:
    """One deadline of one case, as of a date."""

    case: str
    milestone: str
    label: str
    due: date
    met: date | None
    status: Status
    working_days_left: int
    provisional: bool
    basis: str
    agency: str | None = None
    action: int | None = None  # 1-based index in the case's [[actions]]
    source: str = ""
    action_text: str | None = None  # the action's whole text (the label shortens it)
    owner: str | None = None  # who owns the action

    @property
    def is_met(self) -> bool:
        return self.status.is_met

    @property
    def key(self) -> str:
        """Stable identity across runs (calendar UIDs): case, milestone, agency or action."""
        parts = [self.case, self.milestone]
        if self.agency is not None:
            parts.append(re.sub(r"[^a-z0-9]+", "-", self.agency.lower()).strip("-") or "agency")
        if self.action is not None:
            parts.append(str(self.action))
        return "/".join(parts)

    def to_json(self) -> dict[str, Any]:
        """The fields of DESIGN.md section 6, plus `source`; dates as ISO text."""
        return {
            "case": self.case,
            "milestone": self.milestone,
            "label": self.label,
            "due": self.due.isoformat(),
            "met": self.met.isoformat() if self.met else None,
            "status": self.status.value,
            "working_days_left": self.working_days_left,
            "provisional": self.provisional,
            "basis": self.basis,
            "agency": self.agency,
            "action": self.action,
            "source": self.source,
            "action_text": self.action_text,
            "owner": self.owner,
        }


@dataclass(frozen=True)
class Rule:
    """One row of `rules.toml`; see the comment at its top for what each field means."""

    id: str
    label: str
    base: str
    base_label: str
    offset: int
    unit: str  # "working-days" | "months"
    direction: int  # +1 after the base date, -1 before it
    meets: tuple[str, ...]
    source: str
    applies_when: tuple[tuple[str, str], ...] = ()
    each: str | None = None
    own_due: str | None = None
    provisional_base: str | None = None
    provisional_label: str | None = None
    override: str | None = None
    limits: tuple[int, int] = (0, 0)
    # ((conditions, why), ...): the rule does not apply when all of a condition's fields hold
    not_when: tuple[tuple[tuple[tuple[str, str], ...], str], ...] = ()
    unsettled: str = ""  # a point the sources leave open: said in every basis (--basis)

    @property
    def unit_words(self) -> str:
        return "months" if self.unit == "months" else "working days"

    @property
    def timing(self) -> str:
        """How the due date is counted, in words: `5 working days after`, `7 ... before`."""
        direction = "after" if self.direction > 0 else "before"
        return f"{_plural(self.offset, self.unit_words)} {direction}"

    def describe(self) -> tuple[str, str]:
        """The rule for `lscp deadlines --help`: its label, and when it is due and why."""
        label = self.label.format_map(
            _LabelFields(agency="each agency", action="N", text="its text")
        )
        when = f"on {self.base_label}" if self.offset == 0 else f"{self.timing} {self.base_label}"
        if self.own_due:
            when += " (or the due date given with it)"
        if self.provisional_base:
            provisional = self.provisional_label or self.provisional_base
            when += f" (until that is recorded, provisionally {self.timing} {provisional})"
        if self.applies_when:
            when += "; only when " + " and ".join(f"{k} is {v}" for k, v in self.applies_when)
        if self.override:
            when += f"; [rules] {self.override}"
        return label, when


@cache
def default_rules() -> tuple[Rule, ...]:
    """The rules shipped in `rules.toml`, with their default numbers."""
    raw = tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))
    return tuple(_rule_from_data(entry) for entry in raw["rule"])


def case_milestones() -> dict[str, str]:
    """The milestones with one deadline per case (not per agency or action), id to label.

    In `rules.toml` order; letters name these deadlines, e.g. `deadlines.rapid_review`.
    """
    return {rule.id: rule.label for rule in default_rules() if rule.each is None}


def _rule_from_data(entry: Mapping[str, Any]) -> Rule:
    unit = entry.get("unit", "working-days")
    direction = entry.get("direction", "after")
    if unit not in UNITS or direction not in ("after", "before"):
        raise ValueError(f"rules.toml: rule {entry.get('id')!r} has a bad unit or direction")
    limits = entry.get("limits", [entry["offset"], entry["offset"]])
    return Rule(
        id=entry["id"],
        label=entry["label"],
        base=entry["base"],
        base_label=entry["base_label"],
        offset=int(entry["offset"]),
        unit=unit,
        direction=1 if direction == "after" else -1,
        meets=tuple(entry["meets"]),
        source=entry["source"],
        applies_when=tuple(sorted(entry.get("applies_when", {}).items())),
        not_when=tuple((tuple(sorted(item["when"].items())), item["why"])
                       for item in entry.get("not_when", [])),
        unsettled=entry.get("unsettled", ""),
        each=entry.get("each"),
        own_due=entry.get("own_due"),
        provisional_base=entry.get("provisional_base"),
        provisional_label=entry.get("provisional_label"),
        override=entry.get("override"),
        limits=(int(limits[0]), int(limits[1])),
    )


def override_keys() -> dict[str, Rule]:
    """The `lscp.toml` `[rules]` keys a partnership may set, and the rule each one changes."""
    return {rule.override: rule for rule in default_rules() if rule.override}


def check_overrides(raw: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Each bad key or value of `lscp.toml` `[rules]`, with a message saying what to write."""
    known = override_keys()
    problems: list[tuple[str, str]] = []
    for key, value in raw.items():
        rule = known.get(key)
        if rule is None:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            problems.append(
                (
                    key,
                    f"unknown rule setting {key!r}; {hint}the settings are: "
                    + ", ".join(sorted(known)),
                )
            )
            continue
        low, high = rule.limits
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            problems.append(
                (
                    key,
                    f"'{key}' must be a whole number of {rule.unit_words} from {low} to "
                    f"{high} (got {value!r}); e.g. {key} = {rule.offset}",
                )
            )
    return problems


def load_rules(overrides: Settings | Mapping[str, Any] | None = None) -> list[Rule]:
    """The shipped rules with the partnership's numbers from `lscp.toml` `[rules]`.

    Given the casebook's `Settings`, a bad key or number is an `InvalidFile` naming lscp.toml
    and the line; given a plain mapping, a `SettingsError`.
    """
    if isinstance(overrides, Settings):
        settings = overrides
        overrides = settings.rules
        where = settings.path or Path("lscp.toml")
        problems = [
            Problem(where, settings.rule_lines.get(key), message, f"rules.{key}")
            for key, message in check_overrides(overrides)
        ]
        if problems:
            raise InvalidFile(where, problems)
    overrides = dict(overrides or {})
    problems_text = [message for _, message in check_overrides(overrides)]
    if problems_text:
        raise SettingsError("lscp.toml [rules]: " + "; ".join(problems_text))
    return [
        replace(rule, offset=overrides[rule.override]) if rule.override in overrides else rule
        for rule in default_rules()
    ]


# -- evaluating rules -------------------------------------------------------------------------


@cache
def _path(dotted: str) -> tuple[str, ...]:
    return tuple(dotted.split("."))


def _is_table(value: Any) -> bool:
    # tomllib gives plain dicts; the ABC check is for other mappings and is much slower.
    return type(value) is dict or isinstance(value, Mapping)


def _field(scope: Mapping[str, Any], dotted: str) -> Any:
    value: Any = scope
    for part in _path(dotted):
        if not _is_table(value):
            return None
        value = value.get(part)
    return value


def _as_date(value: Any) -> date | None:
    # A TOML datetime typed by mistake still says which day; anything else is not a date.
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _plural(n: int, unit_words: str) -> str:
    return f"{n} {unit_words[:-1] if n == 1 else unit_words}"


class _LabelFields(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def _status(due: date, met: date | None, met_recorded: bool, left: int, as_of: date) -> Status:
    if met_recorded:
        return Status.MET_LATE if met is not None and met > due else Status.MET
    if due < as_of:
        return Status.OVERDUE
    return Status.DUE_SOON if left <= DUE_SOON_DAYS else Status.PENDING


def _due(rule: Rule, base: date, calendar: WorkCalendar) -> tuple[date, str]:
    """The due date counted from `base`, and how, with the base's name to follow."""
    signed = rule.offset * rule.direction
    how = f"{rule.timing} "
    if rule.unit == "months":
        same_day = months_after(base, signed)
        due = calendar.next_working_day(same_day)
        note = "" if due == same_day else f" ({same_day.isoformat()} is not a working day)"
        return due, f"{how}{{}}{note}"
    due = calendar.add(base, signed)
    if signed > 0 and not calendar.is_working_day(base):
        start = calendar.next_working_day(base)
        if calendar.non_working_day_is_day_zero and not calendar.event_day_is_day_one:
            return due, (f"{how}{{}} (not a working day: {start.isoformat()} counts as day 0, "
                         "lscp.toml [calendar] non_working_day_event)")
        return due, f"{how}{{}} (not a working day: {start.isoformat()} counts as day 1)"
    if signed > 0 and calendar.event_day_is_day_one:
        return due, f"{how}{{}} (that day counting as day 1)"
    return due, f"{how}{{}}"


def _met(rule: Rule, scope: Mapping[str, Any]) -> tuple[bool, date | None, str]:
    """Whether the deadline is met, on what date, and a note for the basis when undated."""
    for field in rule.meets:
        value = _field(scope, field)
        met = _as_date(value)
        if met is not None:
            return True, met, ""
        if isinstance(value, str) and value.strip():
            # Text instead of a date (not_published_reason): the step is settled, undated.
            return True, None, f"; settled by {field.rsplit('.', 1)[-1]} being recorded"
    return False, None, ""


def _evaluate(
    rule: Rule,
    case_id: str,
    scope: Mapping[str, Any],
    calendar: WorkCalendar,
    as_of: date,
    unmet_only: bool,
    index: int | None = None,
) -> Deadline | None:
    """The deadline `rule` gives in `scope`: the case, or entry `index` of its `rule.each`."""
    met_recorded, met, met_note = _met(rule, scope)
    if met_recorded and unmet_only:
        return None
    provisional = False
    own_due = _as_date(_field(scope, rule.own_due)) if rule.own_due else None
    if own_due is not None:
        due, basis = own_due, f"the due date given with the request ({own_due.isoformat()})"
    else:
        base = _as_date(_field(scope, rule.base))
        base_label = rule.base_label
        if base is None and rule.provisional_base:
            base = _as_date(_field(scope, rule.provisional_base))
            base_label = rule.provisional_label or rule.provisional_base
            provisional = base is not None
        if base is None:
            return None
        if rule.offset == 0:
            due, basis = base, f"{base_label} ({base.isoformat()})"
        else:
            due, how = _due(rule, base, calendar)
            basis = how.format(f"{base_label} on {base.isoformat()}")
        if provisional:
            basis += f"; provisional until {rule.base_label} is recorded"

    left = calendar.between(as_of, due)
    label, agency, action, action_text, owner = rule.label, None, None, None, None
    if index is not None:
        name = scope.get("name")
        if rule.each == "agencies" and name:
            agency = str(name)
        if rule.each == "actions":
            action = index
            action_text = str(scope.get("text") or "")
            owner = str(scope["owner"]) if scope.get("owner") else None
        fields = {"agency": agency or f"agency {index}", "action": index}
        label = label.format_map(_LabelFields(fields, text=_short(scope.get("text"))))
    return Deadline(
        case=case_id,
        milestone=rule.id,
        label=label,
        due=due,
        met=met,
        status=_status(due, met, met_recorded, left, as_of),
        working_days_left=left,
        provisional=provisional,
        basis=basis + met_note + (f"; {rule.unsettled}" if rule.unsettled else ""),
        agency=agency,
        action=action,
        source=rule.source,
        action_text=action_text,
        owner=owner,
    )


def _holds(conditions: Iterable[tuple[str, str]], case: Mapping[str, Any]) -> bool:
    return all(_field(case, key) == value for key, value in conditions)


def _applies(rule: Rule, case: Mapping[str, Any]) -> bool:
    return _holds(rule.applies_when, case) and not any(
        _holds(when, case) for when, _ in rule.not_when)


def not_applicable(case: Mapping[str, Any], rules: Sequence[Rule]) -> list[tuple[Rule, str]]:
    """The rules a case's facts rule out (`not_when`), each with why: for `lscp show`."""
    return [(rule, next(why for when, why in rule.not_when if _holds(when, case)))
            for rule in rules
            if _holds(rule.applies_when, case) and any(_holds(w, case) for w, _ in rule.not_when)]


def _short(text: Any) -> str:
    words = " ".join(str(text or "").split())
    if len(words) <= _LABEL_TEXT_MAX:
        return words
    return words[: _LABEL_TEXT_MAX - 1].rstrip() + "…"


def case_deadlines(
    case: Mapping[str, Any],
    calendar: WorkCalendar,
    rules: Sequence[Rule],
    as_of: date,
    *,
    unmet_only: bool = False,
) -> list[Deadline]:
    """Every deadline the rules give for `case` (a parsed case file), in rule order.

    `unmet_only` leaves out met deadlines without working them out (the report's default).
    """
    case_id = str(case.get("id", ""))
    found: list[Deadline] = []
    for rule in rules:
        if (rule.applies_when or rule.not_when) and not _applies(rule, case):
            continue
        if rule.each is None:
            deadline = _evaluate(rule, case_id, case, calendar, as_of, unmet_only)
            if deadline is not None:
                found.append(deadline)
            continue
        entries = case.get(rule.each)
        if not isinstance(entries, list):
            continue
        for index, entry in enumerate(entries, start=1):
            if _is_table(entry):
                deadline = _evaluate(rule, case_id, entry, calendar, as_of, unmet_only, index)
                if deadline is not None:
                    found.append(deadline)
    return found


def is_closed(case: Mapping[str, Any]) -> bool:
    return _as_date(case.get("closed")) is not None


def is_withdrawn(case: Mapping[str, Any]) -> bool:
    """The incident turned out not to meet the criteria (`withdrawn = DATE`): nothing is due."""
    return _as_date(case.get("withdrawn")) is not None


def report_order(deadline: Deadline) -> tuple[bool, date, str, str, str]:
    """Overdue first, then by due date; ties in a stable, readable order."""
    return (
        deadline.status != Status.OVERDUE,
        deadline.due,
        deadline.case,
        deadline.milestone,
        deadline.key,
    )


def select_deadlines(
    cases: Iterable[Mapping[str, Any]],
    calendar: WorkCalendar,
    rules: Sequence[Rule],
    as_of: date,
    *,
    include_met: bool = False,
    overdue_only: bool = False,
    within: int | None = None,
) -> list[Deadline]:
    """The deadline report across cases, sorted overdue first then by due date.

    By default: unmet deadlines of open cases. A closed case's unmet deadlines are history,
    not work to do, so they only appear with `include_met` (the whole record), as do met ones;
    but its open actions are still owed (a case closed with `--force`) and stay until
    completed. A withdrawn case has nothing due. `within` keeps deadlines due within that
    many working days, overdue ones included.
    """
    selected: list[Deadline] = []
    for case in cases:
        if not include_met and is_withdrawn(case):
            continue
        history = not include_met and is_closed(case)
        for deadline in case_deadlines(case, calendar, rules, as_of, unmet_only=not include_met):
            if history and deadline.milestone != "action":
                continue
            if overdue_only and deadline.status != Status.OVERDUE:
                continue
            if within is not None and deadline.working_days_left > within:
                continue
            selected.append(deadline)
    selected.sort(key=report_order)
    return selected
