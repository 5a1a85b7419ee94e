"""Boundaries of the order rules and the deadlines (issue 16, item 7), generated from the step
registry and the rules: a step on the same day as the one it follows is accepted, the day
before is not; a step on its deadline's due day is met, the day after is late. A rule meant
only to warn never refuses. These kill the `b >= a` -> `b > a` mutant in `order.violations`
and the `>` -> `>=` mutants of a deadline's status.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from conftest import CASE_TEXT
from lscp_cli.model.steps import STEPS
from lscp_cli.process.order import RULES, Before, new_violations, violations
from lscp_cli.process.rules import Status, case_deadlines
from lscp_cli.process.ruleset import Rule, default_rules
from lscp_cli.process.workdays import WorkCalendar

DAY = date(2025, 3, 4)  # a Tuesday: the day before and after are working days too
ONE = timedelta(days=1)


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    """Set `path` ("table.key", "key", or "list[].key" in the list's one entry) in `data`."""
    if "[]." in path:
        name, key = path.split("[].", 1)
        entries = data.setdefault(name, [{"name": "Police", "text": "An action"}])
        entries[0][key] = value
        return
    table, _, key = path.rpartition(".")
    (data.setdefault(table, {}) if table else data)[key] = value


def _case(**dates: date) -> dict[str, Any]:
    """A notifiable case (abuse suspected, a CSPR decided) with `dates` set by field path."""
    data: dict[str, Any] = {
        "id": "LSCP-2025-001",
        "incident": {"type": "serious-harm", "abuse_or_neglect": "suspected"},
        "children": [{"initials": "A.B."}],
        "rapid_review": {"decision": "cspr"},
    }
    for path, value in dates.items():
        _put(data, path.replace("__", "."), value)
    return data


def _dates(rule: Before, earlier: date, later: date) -> dict[str, date]:
    return {rule.earlier.replace(".", "__"): earlier, rule.later.replace(".", "__"): later}


def _broken(data: dict[str, Any], rule: Before) -> list[Any]:
    return [v for v in violations(data, default_rules()) if v.message.endswith(rule.rule)]


@pytest.mark.parametrize("rule", RULES, ids=[f"{r.earlier}<={r.later}" for r in RULES])
def test_the_same_day_is_in_order_the_day_before_is_not(rule: Before) -> None:
    assert _broken(_case(**_dates(rule, DAY, DAY)), rule) == []
    assert _broken(_case(**_dates(rule, DAY, DAY + ONE)), rule) == []
    broken = _broken(_case(**_dates(rule, DAY, DAY - ONE)), rule)
    assert len(broken) == 1
    assert broken[0].refuse is rule.refuse


def test_every_step_that_follows_another_has_its_rule_in_the_table() -> None:
    declared = {(after.earlier, step.name) for step in STEPS for after in step.after}
    assert declared and len(RULES) >= len({later for _, later in declared})


SOFT = [rule for rule in RULES if not rule.refuse]


def test_there_are_rules_meant_only_to_warn() -> None:
    assert SOFT  # else the next test would check nothing


@pytest.mark.parametrize("rule", SOFT, ids=[r.rule for r in SOFT])
def test_a_rule_meant_only_to_warn_never_refuses(rule: Before) -> None:
    before = _case(**{rule.earlier.replace(".", "__"): DAY})
    after = _case(**_dates(rule, DAY, DAY - ONE))
    assert [v.refuse for v in _broken(after, rule)] == [False]
    assert new_violations(before, after, default_rules()) == []


def test_panel_notified_on_the_day_of_awareness_is_accepted(run, write_case) -> None:
    # The intake case: aware Friday 3 January 2025.
    write_case(CASE_TEXT)
    result = run("record", "LSCP-2025-001", "panel-notified", "03/01/2025")
    assert result.exit_code == 0, result.output
    assert "National Panel notified = Fri 3 Jan 2025" in result.stdout


@pytest.mark.parametrize(("earlier", "later"), [
    ("partners-notified", "03/01/2025"),
    ("agency-requested", "03/01/2025"),
    ("rag-meeting", "03/01/2025"),
])
def test_other_steps_on_the_day_of_awareness_are_accepted(run, write_case, earlier: str,
                                                          later: str) -> None:
    write_case(CASE_TEXT)
    args = ("--agency", "Police") if earlier == "agency-requested" else ()
    result = run("record", "LSCP-2025-001", earlier, later, *args)
    assert result.exit_code == 0, result.output


# -- deadlines: the due day is on time, the day after is late ----------------------------------
CALENDAR = WorkCalendar()
DEADLINE_RULES = [rule for rule in default_rules() if rule.meets]


def _deadline_case(rule: Rule, base: date) -> dict[str, Any]:
    data = _case(**{"incident__aware": base})
    for path, value in rule.applies_when:
        _put(data, path, value)
    if rule.each:
        _put(data, f"{rule.each}[].{rule.base}", base)
    else:
        _put(data, rule.base, base)
    return data


def _status(rule: Rule, base: date, met: date | None) -> tuple[Status, date]:
    data = _deadline_case(rule, base)
    if met is not None:
        field = rule.meets[0]
        _put(data, f"{rule.each}[].{field}" if rule.each else field, met)
    found = [d for d in case_deadlines(data, CALENDAR, default_rules(), DAY)
             if d.milestone == rule.id]
    assert len(found) == 1, rule.id
    return found[0].status, found[0].due


@pytest.mark.parametrize("rule", DEADLINE_RULES, ids=[r.id for r in DEADLINE_RULES])
def test_a_step_on_its_due_day_is_on_time_and_the_day_after_is_late(rule: Rule) -> None:
    base = date(2025, 6, 2)  # a Monday
    _, due = _status(rule, base, None)
    assert _status(rule, base, due) == (Status.MET, due)
    assert _status(rule, base, due - ONE) == (Status.MET, due)
    assert _status(rule, base, due + ONE) == (Status.MET_LATE, due)
