"""The order a case's steps must come in: the one list `lscp record` and `lscp check` share.

Each step declares the steps it follows (steps.py `after`); `RULES` is those declarations as
pairs of fields.

`record` refuses a step that would break a rule here (naming the rule and the dates, writing
nothing); `check` reports a hand-edited file that breaks one as `FILE:LINE`. Rules marked
`refuse=False` describe an order that is possible but probably a typo: a warning, never a
refusal. Messages name fields and dates and the outcome values, never free text from the case.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from lscp_cli.base.records import dataclass
from lscp_cli.base.tomllines import Key
from lscp_cli.base.tomllines import dotted as _dotted
from lscp_cli.errors import Problem, said
from lscp_cli.model.step_tables import date_field, iter_orders
from lscp_cli.model.steps import STEPS, steps_by_name
from lscp_cli.process.duties import duty_applies, excluded_steps
from lscp_cli.process.ruleset import Rule

# Marks a warning that `lscp check` reports as a problem (exit 1): the order is impossible.
IMPOSSIBLE = "impossible order: "


@dataclass(frozen=True)
class Before:
    """`earlier` must not be dated after `later`; `[]` means each entry of that list."""

    earlier: str
    later: str
    rule: str  # the rule in words, for the message
    refuse: bool = True


# Declared with each step (steps.py `after`), in step order, then the facts' own order.
RULES: tuple[Before, ...] = tuple(
    Before(earlier, later, rule, refuse) for earlier, later, rule, refuse in iter_orders()
)


@dataclass(frozen=True)
class Violation:
    """One broken rule: where (for `FILE:LINE`), what, and whether it is impossible."""

    keys: Key
    message: str
    refuse: bool
    dated: bool = False  # two dates in the wrong order (a typo in a date, most likely)

    @property
    def warning(self) -> str:
        """The text `validate` stores as a warning (check turns IMPOSSIBLE ones to problems)."""
        return (IMPOSSIBLE + self.message) if self.refuse else self.message


def _date(value: Any) -> date | None:
    if type(value) is date:  # what tomllib gives: the common case, checked first
        return value
    if isinstance(value, datetime):
        return None
    return value if isinstance(value, date) else None


def _keys(path: str) -> tuple[bool, Key]:
    """Whether `path` is in a list's entries, and its keys."""
    if "[]" in path:
        return True, (path.split("[].", 1)[1],)
    return False, tuple(path.split("."))


# Every rule's paths split once (every read of a case checks every rule): the rule, the list
# its scopes are the entries of (None: the case itself), and each path's keys.
_COMPILED: tuple[tuple[Before, str | None, tuple[bool, Key], tuple[bool, Key]], ...] = tuple(
    (rule, rule.later.split("[]", 1)[0] if "[]" in rule.later else None,
     _keys(rule.earlier), _keys(rule.later))
    for rule in RULES
)


def _get(data: Mapping[str, Any], keys: Key) -> Any:
    """The value at `keys` in the case, None where a table is missing."""
    value: Any = data
    for key in keys:
        value = value.get(key) if type(value) is dict else None
    return value


def violations(data: Mapping[str, Any], rules: Sequence[Rule]) -> list[Violation]:
    """Every rule `data` (a parsed case) breaks, in `RULES` order, then the CSPR rules; which
    steps the case needs at all is the casebook's deadline `rules`' to say (its duties)."""
    found: list[Violation] = []
    # Every read of every case runs this: the values are looked up without a call per path.
    for rule, list_name, (early_in_list, early), (_, late) in _COMPILED:
        if list_name is None:
            b = _date(_get(data, late))
            if b is None:
                continue
            a = _date(_get(data, early))
            if a is not None and b < a:
                found.append(_broken(rule, (), early_in_list, early, late, a, b))
            continue
        entries = data.get(list_name)
        if not isinstance(entries, list):
            continue
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                continue
            b = _date(entry.get(late[0]))
            if b is None:
                continue
            a = _date(entry.get(early[0]) if early_in_list else _get(data, early))
            if a is not None and b < a:
                found.append(_broken(rule, (list_name, index), early_in_list, early, late, a, b))
    found.extend(_missing_steps(data, rules))
    found.extend(_cspr_rules(data))
    found.extend(_children(data))
    found.extend(_who_notified(data))
    # A step the case's duties exclude (duties.py) is as impossible as one out of order.
    found.extend(Violation(step.keys, step.message, True) for step in excluded_steps(data, rules))
    return found


def _broken(rule: Before, prefix: Key, early_in_list: bool, early: Key, late: Key, a: date,
            b: date) -> Violation:
    """`late` (in the entry at `prefix`, for a list's rule) dated `b`, before `early`'s `a`."""
    early_keys = (*prefix, *early) if early_in_list else early
    late_keys = (*prefix, *late)
    return Violation(late_keys, (
        f"'{_dotted(late_keys)}' ({b.isoformat()}) is before '{_dotted(early_keys)}' "
        f"({a.isoformat()}): {rule.rule}"), rule.refuse, dated=True)


# A step recorded without a step it needs first (steps.py `needs`): (the step's keys, the
# keys saying the needed step is recorded, the needed step's name, why, the rule deciding
# whether the case needs it at all).
_NEEDS: tuple[tuple[Key, Key, str, str, str | None], ...] = tuple(
    (tuple(date_field(step.name).split(".")),
     tuple(str(steps_by_name()[need.step].recorded_by).split(".")), need.step, need.rule,
     need.where_rule)
    for step in STEPS for need in step.needs
)


def _recorded(data: Mapping[str, Any], keys: Key) -> bool:
    value: Any = data
    for key in keys:
        if type(value) is not dict or key not in value:
            return False
        value = value[key]
    return True


def _missing_steps(data: Mapping[str, Any], rules: Sequence[Rule]) -> Iterator[Violation]:
    for keys, needed, step, rule, where_rule in _NEEDS:
        if not _recorded(data, keys) or _recorded(data, needed):
            continue
        if where_rule is not None and not duty_applies(data, where_rule, rules):
            continue
        yield Violation(keys, (
            f"'{_dotted(keys)}' is recorded but '{_dotted(needed)}' is not: {rule}; record "
            f"{step} first"), True)


def _cspr_rules(data: Mapping[str, Any]) -> Iterator[Violation]:
    cspr = data.get("cspr")
    if not isinstance(cspr, dict) or not cspr:
        return
    rapid = data.get("rapid_review")
    decision = rapid.get("decision") if isinstance(rapid, dict) else None
    if decision != "cspr":
        first = next(iter(cspr))
        given = (f"the Executive's decision is {decision!r}" if isinstance(decision, str)
                 else "no decision is recorded")
        yield Violation(("cspr", first), (
            f"a CSPR step ('cspr.{first}') is recorded but {given} "
            "('rapid_review.decision'): a CSPR follows a decision to hold one (record "
            + said("`decision --outcome cspr`", 'the decision, outcome="cspr",') + " first)"),
            True)
    if "published" in cspr and str(cspr.get("not_published_reason") or "").strip():
        yield Violation(("cspr", "not_published_reason"), (
            "'cspr.published' and 'cspr.not_published_reason' are both recorded: a report is "
            "either published or withheld; keep one"), True)


_ELSEWHERE = "elsewhere-in-england"
_OWN_NOTIFICATION = ("panel", "panel_reference")
_THEIR_NOTIFICATION = ("other_authority_notified", "other_authority",
                       "other_authority_reference")


def _who_notified(data: Mapping[str, Any]) -> Iterator[Violation]:
    """Who notified the Panel agrees with where the incident happened (Children Act 2004
    s16C(1)): for a child of this area harmed elsewhere in England that authority notifies,
    so this one's notification is not recorded (`record` refuses panel-notified there), and
    another authority's notification is recorded only for such a case. A care leaver's death
    is left out: its notification to the Secretary of State is this authority's, in the same
    field, wherever it happened."""
    incident, notification = data.get("incident"), data.get("notification")
    if not isinstance(incident, dict) or not isinstance(notification, dict):
        return
    case_id = str(data.get("id") or "ID")
    if incident.get("in_area") == _ELSEWHERE:
        if incident.get("type") == "care-leaver-death":
            return
        own = [key for key in _OWN_NOTIFICATION if key in notification]
        if own:
            other = said(f"`lscp record {case_id} other-authority-notified DATE --authority "
                         "NAME --reference REF`", "casebook.record(ID, Event."
                         "OTHER_AUTHORITY_NOTIFIED, DATE, authority=NAME, reference=REF)")
            yield Violation(("notification", own[0]), (
                f"'notification.{own[0]}' is recorded (this authority's notification), but "
                f"'incident.in_area' is {_ELSEWHERE}: the authority where the incident "
                "happened notifies the Panel, not this one (Children Act 2004 s16C(1)); "
                f"record that authority's notification and its reference with {other}, and "
                "remove " + " and ".join(f"'notification.{key}'" for key in own)), True)
        return
    theirs = [key for key in _THEIR_NOTIFICATION if key in notification]
    if theirs:
        move = said(f"`lscp set {case_id} in_area {_ELSEWHERE}`",
                    f"casebook.set_detail(ID, 'in_area', ['{_ELSEWHERE}'])")
        yield Violation(("notification", theirs[0]), (
            f"'notification.{theirs[0]}' is recorded (another authority's notification), but "
            f"'incident.in_area' is not {_ELSEWHERE}: only for a child of this area harmed in "
            "another English authority's area does that authority notify the Panel; if it "
            f"happened there, {move}, otherwise this authority notifies: remove "
            + " and ".join(f"'notification.{key}'" for key in theirs)), True)


def _children(data: Mapping[str, Any]) -> Iterator[Violation]:
    incident = data.get("incident")
    if not isinstance(incident, dict):
        return
    occurred = _date(incident.get("occurred")) or _date(incident.get("aware"))
    children = data.get("children")
    if occurred is None or not isinstance(children, list):
        return
    for index, child in enumerate(children):
        dob = _date(child.get("date_of_birth")) if isinstance(child, dict) else None
        if dob is not None and dob > occurred:
            yield Violation(("children", index, "date_of_birth"), (
                f"child {index + 1}'s date of birth is after the incident; check the date "
                "(day first: 06/01/2025)"), False)


def impossible_problems(warnings: Iterable[Problem]) -> list[Problem]:
    """A case's warnings that say its steps are impossible, as problems to fix (`check`,
    and `set` when a changed fact leaves a recorded step impossible)."""
    return [Problem(w.path, w.line, w.template.removeprefix(IMPOSSIBLE)
                    + "; fix it with `lscp edit`", w.field)
            for w in warnings if w.message.startswith(IMPOSSIBLE)]


def new_violations(before: Mapping[str, Any], after: Mapping[str, Any],
                   rules: Sequence[Rule]) -> list[Violation]:
    """The impossible orders `after` has that `before` did not (what a step would break)."""
    old = {v.message for v in violations(before, rules) if v.refuse}
    return [v for v in violations(after, rules) if v.refuse and v.message not in old]
