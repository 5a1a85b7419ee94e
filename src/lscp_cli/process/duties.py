"""Steps a case's duties exclude: recorded by mistake, they are refused (`record`) or reported
(`check`), never kept silently.

The rules say which steps a case's facts rule out (`rules.toml` `not_when`): a looked-after
child's death with abuse or neglect not known or suspected, and a care leaver's death, are
notified only (no Rapid Review, so no RAG meeting, decision, submission or CSPR); a care
leaver's death is not reported to the safeguarding partners. `excluded_steps` names each
such step recorded in a case, with the reason and the way forward (the facts first, if they
have changed). Messages name fields and fixed text, never free text from the case.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from lscp_cli.model.steps import exclusions
from lscp_cli.process.rules import applies, not_applicable
from lscp_cli.process.ruleset import Rule, default_rules

# The rule a case's facts may rule out -> the fields that record its steps ("table" for every
# field of a table), and the step in words: from each step's `excluded_with` (steps.py).
EXCLUDES: dict[str, tuple[tuple[str, ...], str]] = {
    rule: (exclusion.paths, exclusion.needs) for rule, exclusion in exclusions().items()
}
# The fact that rules a step out -> how to say "if that fact has changed".
CHANGED = {
    "incident.abuse_or_neglect": "If abuse or neglect has since become known or suspected",
    "incident.type": "If the incident is not a care leaver's death after all",
}


@dataclass(frozen=True)
class Excluded:
    """One step recorded that the case's duties exclude."""

    keys: tuple[str, ...]
    needs: str  # "no Rapid Review"
    why: str
    forward: str  # the way forward, for `record` and `check`

    @property
    def message(self) -> str:
        return (f"'{'.'.join(self.keys)}' is recorded, but this case needs {self.needs}: "
                f"{self.why}. {self.forward}")


@cache
def _rules() -> tuple[Rule, ...]:
    return tuple(rule for rule in default_rules() if rule.id in EXCLUDES)


def _recorded(data: Mapping[str, Any], path: str) -> Iterator[tuple[str, ...]]:
    table, _, field = path.partition(".")
    values = data.get(table)
    if not isinstance(values, dict):
        return
    for key, value in values.items():
        if (not field or key == field) and value not in (None, "", [], {}):
            yield table, key


def _forward(rule: Rule, why: str, case_id: str) -> str:
    fact = next((conditions[0][0] for conditions, said in rule.not_when
                 if said == why and conditions), "")
    opening = CHANGED.get(fact, f"If '{fact}' has changed")
    return (f"{opening}, change '{fact}' first (`lscp edit {case_id}`), then record the "
            "step; otherwise it is not needed")


def excluded_steps(data: Mapping[str, Any]) -> list[Excluded]:
    """Every step recorded in `data` (a parsed case) that its duties exclude."""
    found: list[Excluded] = []
    case_id = str(data.get("id") or "ID")
    for rule, why in not_applicable(data, _rules()):
        paths, needs = EXCLUDES[rule.id]
        forward = _forward(rule, why, case_id)
        for path in paths:
            found.extend(Excluded(keys, needs, why, forward) for keys in _recorded(data, path))
    return found


def newly_excluded(before: Mapping[str, Any], after: Mapping[str, Any]) -> str | None:
    """Why a step just recorded (in `after`, not `before`) is excluded, with the way forward."""
    old = {step.keys for step in excluded_steps(before)}
    new = [step for step in excluded_steps(after) if step.keys not in old]
    if not new:
        return None
    step = new[0]
    return (f"this case needs {step.needs}, so '{'.'.join(step.keys)}' is not recorded: "
            f"{step.why}. {step.forward}")


@cache
def _rule_named(rule_id: str) -> Rule | None:
    return next((rule for rule in default_rules() if rule.id == rule_id), None)


def duty_applies(data: Mapping[str, Any], rule_id: str) -> bool:
    """Whether the deadline rule `rule_id` applies to the case's facts (a step that only such
    cases take, e.g. the Panel notification, is needed only then)."""
    rule = _rule_named(rule_id)
    return rule is None or applies(rule, data)
