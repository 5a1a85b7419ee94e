"""What the deadline rules say about a case on a given date: its deadlines and their statuses.

The rules themselves (`rules.toml`, a partnership's `[rules]` numbers) are `ruleset.py`'s.
`case_deadlines` takes a case file as tomllib parsed it: tables and keys missing is normal,
because a case fills in over time. A rule whose base date is not recorded yet gives no
deadline, except a rule with a `provisional_base` (the Rapid Review before the Panel has been
notified), which counts from that instead and is marked provisional.

Statuses as of a date D are the `Status` enum (DESIGN.md section 5). `working_days_left` is
`WorkCalendar.between(D, due)`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from typing import Any

from lscp_cli.base.records import dataclass
from lscp_cli.base.records import field as dataclass_field
from lscp_cli.model.ages import duty_facts
from lscp_cli.process.ruleset import LabelFields, Rule
from lscp_cli.process.workdays import WorkCalendar, months_after

DUE_SOON_DAYS = 3


class Status(StrEnum):
    """A deadline's status as of a date; the value is what reports, JSON and CSV show."""

    OVERDUE = "overdue"  # unmet, due before the date
    DUE_SOON = "due-soon"  # unmet, 0 to DUE_SOON_DAYS working days left
    PENDING = "pending"  # unmet, more working days left than that
    MET_LATE = "met-late"  # met after the due date
    MET = "met"  # met on or before the due date (or settled without a date)
    # Unmet, and no longer owed: the rule's `lapses_when` step happened (an agency's return
    # never came, and the Rapid Review has gone to the Panel or the case is closed).
    LAPSED = "lapsed"
    WITHDRAWN = "withdrawn"  # unmet, of a withdrawn case: nothing more is due
    # Unmet, of a closed case: no longer owed (but its open actions, owed until completed).
    # Never overdue: a closed case is not work to do. `stats` still counts one past its due
    # date as late (it was never done).
    CLOSED = "closed"
    # Unmet, of a case closed on or after its due date: never done, and closing the case did
    # not do it. Not open work (never in "N overdue"); `stats` counts it late.
    MISSED = "missed"
    # Recorded as met, but by a step whose order is impossible (typed by hand: a Rapid Review
    # sent with no decision; `lscp check` reports it): not counted met, nor open work, until
    # the file is put right. `met` keeps the date recorded.
    IN_DOUBT = "in-doubt"

    @property
    def is_met(self) -> bool:
        return self in (Status.MET, Status.MET_LATE)

    @property
    def is_open(self) -> bool:
        """Open work: what reports list as due (overdue, due soon or pending)."""
        return self in _OPEN


_OPEN = frozenset((Status.OVERDUE, Status.DUE_SOON, Status.PENDING))


_LABEL_TEXT_MAX = 60

# The recorded steps in doubt, by case id: the fields (as `lscp check` names them:
# "rapid_review.submitted", "agencies[2].received") whose order is impossible. A deadline
# they meet has the status `in-doubt`, never a plain `met` (reports/incomplete.py `doubts`).
Doubts = Mapping[str, Collection[str]]


# Runs of characters a calendar UID leaves out of an agency's name (compiled once: every
# deadline's `key` is part of the order deadlines are reported in).
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


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
    # The label with the action's text whole, for JSON, CSV and Excel (never cut there).
    whole_label: str | None = dataclass_field(default=None, compare=False, repr=False)

    @property
    def is_met(self) -> bool:
        return self.status.is_met

    @property
    def is_in_doubt(self) -> bool:
        return self.status == Status.IN_DOUBT

    @property
    def key(self) -> str:
        """Stable identity across runs (calendar UIDs): case, milestone, agency or action."""
        parts = [self.case, self.milestone]
        if self.agency is not None:
            parts.append(_NOT_SLUG.sub("-", self.agency.lower()).strip("-") or "agency")
        if self.action is not None:
            parts.append(str(self.action))
        return "/".join(parts)

    def to_json(self) -> dict[str, Any]:
        """The fields of DESIGN.md section 6, plus `source`; dates as ISO text."""
        return {
            "case": self.case,
            "milestone": self.milestone,
            "label": self.whole_label or self.label,
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
        # _is_table inlined: this runs for every field of every rule of every case.
        if type(value) is not dict and not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _as_date(value: Any) -> date | None:
    # A TOML datetime typed by mistake still says which day; anything else is not a date.
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


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


def _closure_note(rule: Rule, base: date, due: date, calendar: WorkCalendar) -> str:
    """What the office closures did to a due date, for the basis: a local deadline moved by
    them says so; a national one that they would have moved says they do not."""
    if rule.national:
        other, _ = _due(rule, base, calendar)
        if other == due:
            return ""
        return ("; office closures (lscp.toml [calendar] closed) do not move a national "
                f"deadline (counting them would give {other.isoformat()})")
    other, _ = _due(rule, base, calendar.national)
    if other == due:
        return ""
    low, high = min(base, due, other), max(base, due, other)
    days = ", ".join(d.isoformat() for d in sorted(calendar.closed) if low <= d <= high)
    return (f"; moved from {other.isoformat()} by the office closures in lscp.toml "
            f"[calendar] closed ({days})")


def _met(rule: Rule, scope: Mapping[str, Any]) -> tuple[bool, date | None, str, str]:
    """Whether the deadline is met, on what date, a note for the basis when undated, and
    the field that meets it."""
    for field in rule.meets:
        value = _field(scope, field)
        met = _as_date(value)
        if met is not None:
            return True, met, "", field
        if isinstance(value, str) and value.strip():
            # Text instead of a date (not_published_reason): the step is settled, undated.
            return True, None, f"; settled by {field.rsplit('.', 1)[-1]} being recorded", field
    return False, None, "", ""


def _doubted(rule: Rule, field: str, index: int | None, doubtful: Collection[str]) -> str:
    """The field that met the deadline as `lscp check` names it, if it is in doubt; else ""."""
    name = field if index is None or rule.each is None else f"{rule.each}[{index}].{field}"
    return name if name in doubtful else ""


def _evaluate(
    rule: Rule,
    case_id: str,
    scope: Mapping[str, Any],
    calendar: WorkCalendar,
    as_of: date,
    unmet_only: bool,
    index: int | None = None,
    ended: tuple[Status, str, date | None] | None = None,
    doubtful: Collection[str] | None = None,
) -> Deadline | None:
    """The deadline `rule` gives in `scope`: the case, or entry `index` of its `rule.each`.

    `ended`: the status an unmet deadline takes instead, and why, once it is no longer owed,
    and the day from which one due by then was missed (a closed case's closing date).
    `doubtful`: the case's fields in doubt (`Doubts`); met by one, it is `in-doubt`.
    """
    met_recorded, met, met_note, met_field = _met(rule, scope)
    if met_recorded and doubtful and (doubted := _doubted(rule, met_field, index, doubtful)):
        # Not met, so kept with `unmet_only` too: the report shows it, never "nothing due".
        met_note += (f"; in doubt, not counted as met: '{doubted}' is recorded in an "
                     "impossible order (typed by hand); `lscp check` says what is wrong and "
                     "how to fix it")
    elif met_recorded and unmet_only:
        return None
    else:
        doubted = ""
    counted = calendar.national if rule.national else calendar
    provisional = False
    own_due = _as_date(_field(scope, rule.own_due)) if rule.own_due else None
    if own_due is not None:
        due, basis = own_due, f"the due date given with the request ({own_due.isoformat()})"
    else:
        base = _as_date(_field(scope, rule.base))
        base_label = rule.base_label
        if base is None and rule.fallback_base:
            # Not a guess: the date the duty really hangs on (a report published unplanned).
            base = _as_date(_field(scope, rule.fallback_base))
            base_label = rule.fallback_label or rule.fallback_base
        if base is None and rule.provisional_base:
            base = _as_date(_field(scope, rule.provisional_base))
            base_label = rule.provisional_label or rule.provisional_base
            provisional = base is not None
        if base is None:
            return None
        if rule.offset == 0:
            due, basis = base, f"{base_label} ({base.isoformat()})"
        else:
            due, how = _due(rule, base, counted)
            basis = how.format(f"{base_label} on {base.isoformat()}")
            if calendar.closed:
                basis += _closure_note(rule, base, due, calendar)
        if provisional:
            basis += f"; provisional until {rule.base_label} is recorded"

    left = counted.between(as_of, due)
    label, agency, action, action_text, owner = rule.label, None, None, None, None
    whole_label = None
    if index is not None:
        name = scope.get("name")
        if rule.each == "agencies" and name:
            agency = str(name)
        if rule.each == "actions":
            action = index
            action_text = str(scope.get("text") or "")
            owner = str(scope["owner"]) if scope.get("owner") else None
        fields = {"agency": agency or f"agency {index}", "action": index}
        text = " ".join(str(scope.get("text") or "").split())
        whole_label = label.format_map(LabelFields(fields, text=text))
        label = label.format_map(LabelFields(fields, text=_short(text)))
    return Deadline(
        case=case_id,
        milestone=rule.id,
        label=label,
        due=due,
        met=met,
        status=(Status.IN_DOUBT if doubted
                else _ended_status(ended, due) if ended is not None and not met_recorded
                else _status(due, met, met_recorded, left, as_of)),
        working_days_left=left,
        provisional=provisional,
        basis=(basis + met_note + (f"; {rule.unsettled}" if rule.unsettled else "")
               + (f"; {ended[1]}" if ended is not None and not met_recorded else "")),
        agency=agency,
        action=action,
        source=rule.source,
        action_text=action_text,
        owner=owner,
        whole_label=whole_label if whole_label != label else None,
    )


def _holds(conditions: Iterable[tuple[str, Any]], case: Mapping[str, Any],
           facts: Mapping[str, bool] | None = None) -> bool:
    """Whether every condition holds: a case field's value, or (a "duty.*" key) what the
    recorded facts say about the duties (`ages.duty_facts`, given as `facts`)."""
    for key, value in conditions:  # a loop, not all(...): cheaper, and this runs per rule
        got = _field(case, key) if facts is None or key not in facts else facts[key]
        if got != value:
            return False
    return True


def _facts(case: Mapping[str, Any], rules: Iterable[Rule]) -> Mapping[str, bool] | None:
    return duty_facts(case) if any(rule.uses_facts for rule in rules) else None


def applies(rule: Rule, case: Mapping[str, Any],
            facts: Mapping[str, bool] | None = None) -> bool:
    """Whether `rule` applies to `case`: its `applies_when` hold and no `not_when` does."""
    if facts is None and rule.uses_facts:
        facts = duty_facts(case)
    return _holds(rule.applies_when, case, facts) and not any(
        _holds(when, case, facts) for when, _ in rule.not_when)


def not_applicable(case: Mapping[str, Any], rules: Sequence[Rule]) -> list[tuple[Rule, str]]:
    """The rules a case's facts rule out (`not_when`), each with why: for `lscp show`."""
    facts = _facts(case, rules)
    return [(rule, next(why for when, why in rule.not_when if _holds(when, case, facts)))
            for rule in rules
            if rule.not_when and _holds(rule.applies_when, case, facts)
            and any(_holds(w, case, facts) for w, _ in rule.not_when)]


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
    doubts: Doubts | None = None,
) -> list[Deadline]:
    """Every deadline the rules give for `case` (a parsed case file), in rule order.

    `unmet_only` leaves out met deadlines without working them out (the report's default);
    `doubts`: the recorded steps in doubt, by case id (a deadline they meet is `in-doubt`).
    """
    case_id = str(case.get("id", ""))
    doubtful = doubts.get(case_id) if doubts else None
    found: list[Deadline] = []
    withdrawn = _as_date(case.get("withdrawn"))
    closed = _as_date(case.get("closed"))
    facts = _facts(case, rules)
    for rule in rules:
        if (rule.applies_when or rule.not_when) and not applies(rule, case, facts):
            continue
        ended = (_ended(rule, case, withdrawn, as_of, closed)
                 if rule.lapses_when or withdrawn is not None or closed is not None else None)
        if rule.each is None:
            deadline = _evaluate(rule, case_id, case, calendar, as_of, unmet_only, None, ended,
                                 doubtful)
            if deadline is not None:
                found.append(deadline)
            continue
        entries = case.get(rule.each)
        if not isinstance(entries, list):
            continue
        for index, entry in enumerate(entries, start=1):
            if _is_table(entry):
                deadline = _evaluate(rule, case_id, entry, calendar, as_of, unmet_only, index,
                                     ended, doubtful)
                if deadline is not None:
                    found.append(deadline)
    return found


def _ended_status(ended: tuple[Status, str, date | None], due: date) -> Status:
    status, _, missed_from = ended
    return Status.MISSED if missed_from is not None and due <= missed_from else status


def _ended(rule: Rule, case: Mapping[str, Any], withdrawn: date | None, as_of: date,
           closed: date | None = None) -> tuple[Status, str, date | None] | None:
    """Whether the rule's unmet deadlines are no longer owed in `case` by `as_of`: lapsed (its
    `lapses_when` step is recorded), withdrawn (the case is) or closed (the case is; not an
    action, owed until completed), with why, for the basis."""
    for field, said in rule.lapses_when:
        when = _as_date(_field(case, field))
        if when is not None and when <= as_of:
            return Status.LAPSED, f"lapsed: {said} on {when.isoformat()}", None
    if withdrawn is not None and withdrawn <= as_of:
        return (Status.WITHDRAWN,
                f"not owed: the case was withdrawn on {withdrawn.isoformat()}", None)
    if closed is not None and closed <= as_of and rule.id != "action":
        return (Status.CLOSED, f"the case was closed on {closed.isoformat()} without it "
                "(missed if it was due by then, else no longer owed)", closed)
    return None


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
    doubts: Doubts | None = None,
) -> list[Deadline]:
    """The deadline report across cases, sorted overdue first then by due date.

    By default: unmet deadlines of open cases. A closed case's unmet deadlines are history,
    not work to do, so they only appear with `include_met` (the whole record), as do met ones;
    but its open actions are still owed (a case closed with `--force`) and stay until
    completed. A withdrawn case has nothing due, and a lapsed deadline is not due (both are
    shown, with their status, with `include_met`). `within` keeps deadlines due within that
    many working days, overdue ones included; one in doubt (`doubts`) shows without filters.
    """
    selected: list[Deadline] = []
    for case in cases:
        if not include_met and is_withdrawn(case):
            continue
        history = not include_met and is_closed(case)
        for deadline in case_deadlines(case, calendar, rules, as_of, unmet_only=not include_met,
                                       doubts=doubts):
            if not include_met and (not (deadline.status.is_open or deadline.is_in_doubt)
                                    or (history and deadline.milestone != "action")):
                continue
            if wanted(deadline, overdue_only=overdue_only, within=within):
                selected.append(deadline)
    selected.sort(key=report_order)
    return selected


def wanted(deadline: Deadline, *, overdue_only: bool, within: int | None) -> bool:
    """Whether a live deadline passes the report filters (`--overdue`, `--within N`); one in
    doubt is in the whole report only (it is neither overdue nor due within a time)."""
    if deadline.is_in_doubt:
        return not overdue_only and within is None
    if overdue_only and deadline.status != Status.OVERDUE:
        return False
    return within is None or deadline.working_days_left <= within
